"""An admin question asked twice is graded as asked again, and the advice uses the answer already given
(it used to suggest a recap with nothing in it: " Let me sort that out for you — could I take a few details?")."""
from __future__ import annotations

import pytest

from core.transcript import Transcript
from personas.archetypes import load_archetypes
from personas.director import Director
from personas.scenario import load_dir
from scoring.report import score

SCENARIOS = load_dir("scenarios").scenarios
ARCHETYPES = load_archetypes()


def _transcript(sid: str, texts: list[str]) -> Transcript:
    sc = SCENARIOS[sid]
    d = Director(sc, ARCHETYPES[sc.persona])
    state, beat = d.start()
    history = [{"role": "customer", "text": beat.line, "mood": beat.mood}]
    for text in texts:
        if state.ended:
            break
        state, beat, moves = d.step(state, text, history)
        history += [{"role": "trainee", "text": text, "moves": moves},
                    {"role": "customer", "text": beat.line, "mood": beat.mood}]
    return Transcript.model_validate({"scenario_id": sid, "turns": history})


@pytest.mark.parametrize("sid,first,again", [
    ("lost-parcel-third-call", "Can I take the order number please?", "What's the order number?"),
    ("subscription-cancel-charged-again", "Could I have the email address on the account?",
     "And what email address is the account under?"),
])
def test_asking_again_is_named_and_the_advice_is_never_empty(sid, first, again):
    t = _transcript(sid, [first, again, "Okay, let me check."])
    report = score(t, SCENARIOS[sid]).model_dump()
    listening = report["dimensions"]["active_listening"]
    whys = {e["turn"]: e["why"] for e in listening["evidence"]}
    assert "asks again" in whys.get(4, ""), whys
    for s in listening["suggestions"]:
        better = s["better"]
        assert better == better.strip() and not better.startswith(("Let me", "—")), better
        assert len(better.split()) >= 5
