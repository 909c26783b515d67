"""Play trainee texts through a built-in scenario's Director, for tests: the state, the history (with the
mood on each customer turn) and the beats."""
from __future__ import annotations

from core.transcript import Transcript
from personas.archetypes import load_archetypes
from personas.director import Director
from personas.scenario import load_dir

SCENARIOS = load_dir("scenarios").scenarios
ARCHETYPES = load_archetypes()


def play(sid: str, texts: list[str]):
    sc = SCENARIOS[sid]
    d = Director(sc, ARCHETYPES[sc.persona])
    state, beat = d.start()
    history = [{"role": "customer", "text": beat.line, "mood": beat.mood}]
    beats = []
    for text in texts:
        if state.ended:
            break
        state, beat, moves = d.step(state, text, history)
        history += [{"role": "trainee", "text": text, "moves": moves},
                    {"role": "customer", "text": beat.line, "mood": beat.mood}]
        beats.append(beat)
    return state, history, beats


def transcript(sid: str, texts: list[str]) -> Transcript:
    return Transcript.model_validate({"scenario_id": sid, "turns": play(sid, texts)[1]})
