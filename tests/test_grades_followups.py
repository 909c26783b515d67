"""Grades a coach would sign, on wordings found by playing new calls: a recap that keeps the policy's condition in
fewer words ("after I check your record") is not a forbidden promise; a feeling said of the customer's own situation
("no wonder that's confusing") is specific empathy; and "You're welcome, take care" to a customer who has just
thanked them is the fitting reply, not a listening gap."""
from __future__ import annotations

import pytest

from core.transcript import Transcript
from scoring import score
from scoring.policy import find_offers
from scoring.understanding import empathy_kind
from tests.director_play import SCENARIOS, play

PHARMACY = SCENARIOS["pharmacy-refill-delay"]
OPENING = [{"role": "customer", "text": "Hello. I've come for my tablets, like every month, but the young man says "
                                        "they're not on the system. I don't understand — I did it the same as always."}]


def _breaches(text: str, sc=PHARMACY) -> list:
    return [o for o in find_offers(text, sc) if o.allowed is False]


@pytest.mark.parametrize("text", [
    "To sum up: seven days' supply today once I've checked your record, and I'm chasing the surgery.",
    "So, a week's emergency supply after I've looked at your records, and a call to the surgery now.",
    "I'll check your record first and then I can give you a seven-day supply today.",
])
def test_the_policy_condition_kept_in_fewer_words_is_not_a_breach(text):
    assert _breaches(text) == []


@pytest.mark.parametrize("text", [
    "I'll just hand you a seven-day supply now, no need to look at anything.",
    "Here's a week's supply of your tablets, we can skip checking the record today.",
])
def test_a_supply_without_the_check_is_still_a_breach(text):
    assert _breaches(text), text


@pytest.mark.parametrize("text", [
    "So the tablets aren't on the system although you ordered the way you always do — no wonder that's confusing.",
    "It must be really worrying, your tablets not showing up on the system after all these months.",
    "You must be so confused, doing it the same as always and your tablets still not on the system.",
])
def test_a_feeling_said_of_the_customers_own_situation_is_specific_empathy(text):
    kind, _ = empathy_kind(text, [], OPENING, PHARMACY)
    assert kind == "specific", text


@pytest.mark.parametrize("text", [
    "It's hard to say when the system will be updated.",
    "Your tablets should be on the system by now.",
])
def test_a_feeling_word_about_something_else_is_not_empathy(text):
    kind, _ = empathy_kind(text, [], OPENING, PHARMACY)
    assert kind not in ("specific", "feeling"), text


GOOD_CALL = [
    "So your tablets aren't on the system, though you did it the same way as always — no wonder that's confusing.",
    "How many have you got left at home?",
    "Right. I can give you an emergency supply of seven days today, once I've checked your medication record, "
    "and I'll ring the surgery now to chase the prescription. From next month I'll set your prescriptions up to "
    "come to us electronically, so it doesn't happen again.",
    "To recap: seven days' supply today after I check your record, and I'm chasing the surgery now. Is that okay?",
]


@pytest.mark.parametrize("goodbye", ["You're welcome, Harold. Take care.", "My pleasure. Bye for now, Harold.",
                                     "No problem at all — look after yourself. Goodbye."])
def test_a_goodbye_to_a_thankful_customer_is_no_listening_gap(goodbye):
    state, history, _ = play("pharmacy-refill-delay", GOOD_CALL + [goodbye])
    assert state.ended == "resolved"
    report = score(Transcript.model_validate({"scenario_id": PHARMACY.id, "turns": history}), PHARMACY)
    gaps = [e for e in report.dimensions["active_listening"].evidence if e.kind == "gap"]
    assert not any(goodbye.split(".")[0] in e.quote for e in gaps), gaps
    assert report.policy.breaches == []
    assert report.dimensions["empathy"].score >= 50


@pytest.mark.parametrize("sid,texts", [
    ("internet-outage-remote-worker",
     ["I'm so sorry, two days offline with a deadline tomorrow must be awful.",
      "I'll book an engineer for 8am tomorrow and I'm adding a 20 GB data boost right now.",
      "So: the boost is live now and the engineer's there at 8am tomorrow. Take care."]),
    ("lost-parcel-third-call",
     ["Three calls and still no bike — I'd be livid too. What's the order number?",
      "I'll send a replacement today by next-day courier and I'll email you the tracking by 5pm.",
      "That's the replacement today and the tracking by 5pm. Bye for now."]),
])
def test_curly_apostrophes_are_read_like_straight_ones(sid, texts):
    """Phones and word processors type "I’ll": the customer and the grade must hear the same call."""
    curly = [t.replace("'", "\u2019") for t in texts]
    runs = []
    for version in (texts, curly):
        state, history, beats = play(sid, version)
        report = score(Transcript.model_validate({"scenario_id": sid, "turns": history}), SCENARIOS[sid])
        runs.append(([round(h["mood"], 2) for h in history if h["role"] == "customer"], state.ended,
                     report.overall, {k: d.score for k, d in report.dimensions.items()}))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("text,rules", [
    ("I'll book an engineer for 8am tomorrow and I'm adding a 20 GB data boost right now.",
     {"engineer visit within 24 hours", "20 GB mobile data boost"}),
    ("I'm running a line test now and I'm putting a 20 GB data boost on your account.",
     {"line test", "20 GB mobile data boost"}),
])
def test_two_offers_in_one_sentence_are_each_read(text, rules):
    """Seen in the report's policy box: "... and I'm adding a data boost" listed only the engineer."""
    sc = SCENARIOS["internet-outage-remote-worker"]
    assert {o.rule for o in find_offers(text, sc) if o.allowed} == rules
