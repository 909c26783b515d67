"""Follow-ups a real customer handles without thinking: a detail asked for a third time is given again (with
irritation), never "I don't know"; a question asked once the customer is ready to agree is answered first; "Does
that help?" about an offer gets their reaction to the offer, not "I don't know"; and agreeing never invents a time
for the offer that the agent did not give. Played through the real Director (tests/director_play.py)."""
from __future__ import annotations

import re

import pytest

from tests.director_play import play

DONT_KNOW = re.compile(r"\bi (?:don't|do not) know\b|\bno idea\b|\bnot sure\b|\bcan't (?:remember|recall)\b", re.I)


@pytest.mark.parametrize("sid,asks,detail", [
    ("lost-parcel-third-call",
     ["Can I take the order number, please?", "Sorry, what was that order number?",
      "Could you read me the order number one more time?"], "48-1192-7735"),
    ("lost-parcel-third-call",
     ["What's your order number?", "Could you repeat the order number?",
      "Give me the order number once again, please."], "48-1192-7735"),
    ("bank-double-charge-rent",
     ["How much were you charged each time?", "Sorry, how much was each payment?",
      "And how much was it, for a second time?"], "212"),
])
def test_a_detail_asked_for_again_is_given_again_never_i_dont_know(sid, asks, detail):
    _, history, _ = play(sid, asks)
    replies = [h["text"] for h in history if h["role"] == "customer"][1:]
    assert len(replies) == 3
    for reply in replies:
        assert detail in reply, reply
        assert not DONT_KNOW.search(reply), reply


@pytest.mark.parametrize("sid,texts,detail", [
    ("internet-outage-remote-worker",
     ["Two days offline right before a client deadline — that's a nightmare, I'm sorry.",
      "I'm putting a 20 GB mobile data boost on your account right now, and I'm booking an engineer for 8am tomorrow.",
      "Could I confirm the postcode for the visit?"], "BS5"),
    ("lost-parcel-third-call",
     ["Three calls and two callbacks that never came — I'd be livid too.",
      "I'm sending a replacement today by tracked next-day courier and I'll email you the tracking number within the hour.",
      "Before I do, can I confirm your order number?"], "48-1192-7735"),
    ("internet-outage-remote-worker",
     ["I'm Sam and I'm taking ownership of this: I'll ring you at 4:30 today with the engineer slot.",
      "Can I double-check the postcode on your account?"], "BS5"),
])
def test_a_question_asked_when_the_customer_is_ready_to_agree_is_answered_first(sid, texts, detail):
    _, history, beats = play(sid, texts)
    assert beats[-1].intent == "answer", beats[-1]
    assert detail in history[-1]["text"]


@pytest.mark.parametrize("sid,texts", [
    ("lost-parcel-third-call",
     ["Three calls and two broken promises — no wonder you're fed up.",
      "I'm sending a replacement out today by next-day courier, and I'll refund the delivery charge.",
      "Does that help at all?"]),
    ("internet-outage-remote-worker",
     ["Two days with no internet and a deadline tomorrow — that's awful, I'm sorry.",
      "I'm adding a mobile data boost right now so you can work today, and I'll book an engineer visit for 8am tomorrow.",
      "How does that sound?"]),
    ("bank-double-charge-rent",
     ["Being charged twice just before the rent goes out sounds really frightening.",
      "I'll look into it.",
      "Would that be alright with you?"]),
])
def test_asking_how_the_offer_lands_gets_a_reaction_not_i_dont_know(sid, texts):
    _, history, beats = play(sid, texts)
    assert not DONT_KNOW.search(history[-1]["text"].split(".")[0]), history[-1]["text"]
    assert beats[-1].intent != "answer"


_WHEN = re.compile(r"\b(?:tomorrow morning|tonight|this (?:afternoon|evening)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                   r"\d{1,2}(?::\d\d)?\s*(?:am|pm))\b", re.I)


@pytest.mark.parametrize("sid,texts", [
    ("internet-outage-remote-worker",
     ["I'm so sorry — two days offline with a deadline is awful.",
      "My name's Priya and I'll phone you at half past four today with the engineer slot.",
      "Thanks. Has the router been restarted?", "Okay, is there anything else on your mind?", "Great. Speak at half four."]),
    ("internet-outage-remote-worker",
     ["Two days with no connection and a deadline tomorrow — I'm really sorry.",
      "I'm adding a mobile data boost to your account now so you can work, and I'll get an engineer booked.",
      "Is that okay?", "Thanks for your patience. Bye for now."]),
])
def test_agreeing_never_names_a_time_the_agent_did_not_offer(sid, texts):
    _, history, beats = play(sid, texts)
    agent = " ".join(h["text"] for h in history if h["role"] == "trainee").lower()
    for beat in beats:
        if beat.intent in ("accept", "farewell"):
            for m in _WHEN.finditer(beat.line):
                assert m.group(0).lower() in agent, (beat.line, m.group(0))


@pytest.mark.parametrize("sid,question", [
    ("lost-parcel-third-call", "Who's going to be handling this from now on?"),
    ("lost-parcel-third-call", "How long will a refund take to come through?"),
    ("internet-outage-remote-worker", "When will the engineer be able to come out?"),
    ("subscription-cancel-charged-again", "How soon is the money going to be back in your account?"),
])
def test_asked_what_only_the_agent_can_know_the_customer_turns_it_back(sid, question):
    """"When will it be fixed?" asked OF the customer: they don't know, that is why they called; never a fact
    from their story that happens to share a word."""
    _, history, beats = play(sid, [question])
    reply = history[-1]["text"]
    assert DONT_KNOW.search(reply), reply
    assert beats[-1].fact_id is None and not any(ch.isdigit() for ch in reply), reply


@pytest.mark.parametrize("sid,question,detail", [
    ("flight-cancelled-wedding", "What time is the ceremony going to start?", "three"),
    ("pharmacy-refill-delay", "When will your tablets run out, do you think?", "day"),
])
def test_a_future_in_the_customers_own_story_is_still_answered(sid, question, detail):
    _, history, _ = play(sid, [question])
    assert detail in history[-1]["text"].lower()
    assert not DONT_KNOW.search(history[-1]["text"])


@pytest.mark.parametrize("sid,texts", [
    ("flight-cancelled-wedding",
     ["Your sister's wedding tomorrow and you're the best man — I'm so sorry, let's get you there.",
      "There's a 6:40 flight to Lisbon tomorrow morning that lands at 9:30.", "Would you like me to book it?"]),
    ("internet-outage-remote-worker",
     ["Two days without internet before a deadline — that's awful, I'm sorry.",
      "I can send an engineer at 8am tomorrow.", "Shall I go ahead and book that?"]),
])
def test_an_offer_put_as_a_question_is_not_answered_with_a_story_fact(sid, texts):
    _, history, beats = play(sid, texts)
    assert beats[-1].fact_id is None and beats[-1].intent != "answer", (beats[-1].intent, history[-1]["text"])


@pytest.mark.parametrize("said,heard", [
    ("Priya will ring you tomorrow at 10.", "Priya will ring me tomorrow at 10"),
    ("Thursday morning I'll send the adjuster.", "Thursday morning you'll send the adjuster"),
    ("We'll refund you today.", "you'll refund me today"),
    ("The engineer comes at 8am.", "the engineer comes at 8am"),
])
def test_said_back_from_the_customers_side_a_name_keeps_its_capital(said, heard):
    from personas.director import customer_view

    assert customer_view(said) == heard
