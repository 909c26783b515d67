"""A need is met by what the trainee does for it, not by its keywords said anywhere (scoring.needs).

The customer (Director) and the grade (closure) read needs through the same function, so a callback
promise "today" does not hand the pharmacy customer her tablets in either.
"""
from __future__ import annotations

import pytest

from core.transcript import Transcript
from scoring.needs import needs_met
from scoring.report import score
from tests.director_play import SCENARIOS, play


def met(sid: str, text: str) -> list[str]:
    return [n.id for n in needs_met(SCENARIOS[sid], text)]


# A time alone says when, not what: a callback or a vague "sort it" at a time meets no need.
TIME_ONLY = [
    "I'll ring you back at 4pm today with an update.",
    "I'll get back to you this afternoon.",
    "Someone will phone you tomorrow morning about it.",
    "I'll look into it and come back to you within the hour.",
]


@pytest.mark.parametrize("text", TIME_ONLY)
@pytest.mark.parametrize("sid", ["pharmacy-refill-delay", "internet-outage-remote-worker"])
def test_a_time_alone_meets_no_need(sid, text):
    assert met(sid, text) == []


@pytest.mark.parametrize("sid,text,need", [
    ("pharmacy-refill-delay", "I can let you have a few days' worth to tide you over.", "supply"),
    ("pharmacy-refill-delay", "I'll phone the surgery now and chase the prescription.", "supply"),
    ("pharmacy-refill-delay", "I'll have it ready by this afternoon.", "supply"),
    ("internet-outage-remote-worker", "I've booked an engineer for tomorrow morning.", "technician"),
    ("internet-outage-remote-worker", "I'll send you a SIM with 50 GB of mobile data today.", "stopgap"),
    ("lost-parcel-third-call", "I'll dispatch a replacement by next-day courier.", "resolution"),
    ("utility-bill-shock", "I'll pause the direct debit until the bill is corrected.", "payment"),
])
def test_an_action_for_the_need_meets_it(sid, text, need):
    assert need in met(sid, text)


@pytest.mark.parametrize("sid,text", [
    ("pharmacy-refill-delay", "I'm afraid I can't give you an emergency supply."),
    ("lost-parcel-third-call", "We can't send a replacement until the investigation is done."),
    ("subscription-cancel-charged-again", "I'm not able to refund that charge."),
])
def test_a_refusal_meets_no_need(sid, text):
    assert met(sid, text) == []


def test_keywords_outside_an_action_do_not_count():
    # The need's words appear, but only as the customer's situation told back, not as anything done.
    assert met("lost-parcel-third-call", "You were hoping the replacement or a refund would have come by now.") == []


def _play(sid: str, texts: list[str]):
    state, history, _ = play(sid, texts)
    return state, history


CALLBACK_ONLY = ["I'm sorry this has happened. Can you tell me what's going on?",
                 "Right, I'll take ownership of this myself — my name is Sam, and I'll ring you back at 4pm today "
                 "with an update.",
                 "Is there anything else I should know?",
                 "OK."]


def test_a_callback_promise_does_not_resolve_the_pharmacy_customer():
    state, history = _play("pharmacy-refill-delay", CALLBACK_ONLY)
    assert state.ended != "resolved"
    assert not state.needs_met
    # she still wants her tablets, and says so
    assert any("tablet" in t["text"].lower() for t in history[-3:] if t["role"] == "customer")


def test_the_grade_does_not_credit_a_need_the_turn_did_not_meet():
    _, history = _play("pharmacy-refill-delay", CALLBACK_ONLY)
    report = score(Transcript.model_validate({"scenario_id": "pharmacy-refill-delay", "turns": history}),
                   SCENARIOS["pharmacy-refill-delay"]).model_dump()
    assert report["outcome"]["resolved"] is False  # calmer, but her need was never met
    whys = [e["why"] for e in report["dimensions"]["closure"]["evidence"]]
    assert whys  # the callback itself is credited as a next step...
    assert not any("meets the customer's need" in w for w in whys)  # ...but not as meeting her need


# One need met, the other not: the customer may accept, but never as if both were done.
ONE_OF_TWO = [
    ("internet-outage-remote-worker", "technician", "stopgap",
     ["I'm really sorry your internet has been down — with a big delivery due tomorrow, that's a real worry.",
      "When did the connection first drop?", "And when exactly did it go off?",
      "I'll book an engineer for 8am tomorrow and I'll text you the confirmation within 10 minutes.",
      "Is there anything else?", "Thanks for your patience. Bye now."]),
    ("lost-parcel-third-call", "resolution", "ownership",
     ["Three calls and two missed callbacks — I'm sorry, that's not good enough.",
      "I'll dispatch a replacement bike today by next-day courier, so it's with you tomorrow.",
      "Anything else I can help with?", "Thanks, goodbye."]),
    ("utility-bill-shock", "payment", "rebill",
     ["A bill four times the usual with no warning — I'd be shocked too.",
      "I'll pause the direct debit straight away so nothing is taken.",
      "Does that help?", "Thanks for calling, bye."]),
]


@pytest.mark.parametrize("sid,met_id,unmet_id,texts", ONE_OF_TWO)
def test_accepting_never_claims_the_need_left_unmet(sid, met_id, unmet_id, texts):
    from scoring.needs import need_named

    sc = SCENARIOS[sid]
    state, _, beats = play(sid, texts)
    accepts = [b.line for b in beats if b.intent in ("accept", "farewell")]
    assert met_id in state.needs_met and unmet_id not in state.needs_met, state.needs_met
    unmet = next(n for n in sc.needs if n.id == unmet_id)
    others = [n for n in sc.needs if n is not unmet]
    for line in accepts:
        assert not need_named(unmet, line, others), line
