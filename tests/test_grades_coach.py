"""Judgements a coach would sign, on calls that sound polite but do nothing.

- A goodbye to a customer who is no better off is walking away: a closure gap, not "closes politely".
- A feeling the agent supposes ("this must be so stressful") is empathy, not evidence of listening; a
  feeling the customer put into words and the agent names back is both.
- The note "sympathy with nothing done" sits on a sympathetic turn, never on a goodbye.
- Advice never restates the customer's complaint about the agent ("You still haven't said...") as their problem.
"""
from __future__ import annotations

import pytest

from scoring.report import score
from tests.director_play import SCENARIOS, transcript


def _report(sid: str, texts: list[str]) -> dict:
    return score(transcript(sid, texts), SCENARIOS[sid]).model_dump()


POLITE_NOTHING = [
    ("flight-cancelled-wedding", ["I can only imagine how stressful this must be for you.",
                                  "We really do value you as a customer.",
                                  "Thanks so much for calling, have a great evening!"]),
    ("utility-bill-shock", ["That must be really frustrating, I completely get it.",
                            "I appreciate you bringing this to our attention.",
                            "Thank you for your call today. Goodbye!"]),
]


@pytest.mark.parametrize("sid,texts", POLITE_NOTHING)
def test_a_goodbye_with_nothing_done_is_a_gap(sid, texts):
    closure = _report(sid, texts)["dimensions"]["closure"]
    last = 2 * len(texts)
    kinds = {(e["turn"], e["kind"]) for e in closure["evidence"]}
    assert (last, "gap") in kinds, closure["evidence"]
    assert (last, "strength") not in kinds


@pytest.mark.parametrize("sid,texts", POLITE_NOTHING)
def test_a_supposed_feeling_is_not_listening(sid, texts):
    rep = _report(sid, texts)
    listening = rep["dimensions"]["active_listening"]
    assert not [e for e in listening["evidence"] if e["kind"] == "strength"], listening["evidence"]


@pytest.mark.parametrize("sid,texts", POLITE_NOTHING)
def test_sympathy_note_is_on_a_sympathetic_turn(sid, texts):
    empathy = _report(sid, texts)["dimensions"]["empathy"]
    notes = [e for e in empathy["evidence"] if "nothing done" in e["why"]]
    assert notes and all(e["turn"] != 2 * len(texts) for e in notes), empathy["evidence"]


def test_a_feeling_the_customer_voiced_and_hears_back_is_listening():
    # The anxious customer says she is worried (her opening); naming it back is hearing her.
    rep = _report("bank-double-charge-rent", ["You're worried the rent will bounce and you'll be charged a fee on top."])
    listening = rep["dimensions"]["active_listening"]
    assert any(e["kind"] == "strength" and e["turn"] == 2 for e in listening["evidence"]), listening["evidence"]


def test_advice_does_not_restate_a_complaint_about_the_agent():
    rep = _report("flight-cancelled-wedding", [
        "I completely understand how frustrating and upsetting this must be for you, and your feelings are valid.",
        "I can only imagine how stressful this is. We really value you as a customer.",
        "I appreciate your patience and I apologise for any inconvenience caused.",
        "Thank you for your call, have a lovely day!"])
    for dim in rep["dimensions"].values():
        for s in dim["suggestions"]:
            assert "haven't said" not in s["better"] and "we still" not in s["better"].lower(), s["better"]
