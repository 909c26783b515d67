"""A customer who listens to what was offered and promised, by meaning and word form (issue 8, session 9).

Each wording here is new (not from bench/FRESH_FINDINGS.md): the behaviour is under test, not a phrase.
Texts go through the real reading (scoring.understanding / scoring.needs via Director.step).
"""
from __future__ import annotations

import pytest

from scoring.needs import needs_met
from tests.director_play import SCENARIOS, play


def met(sid: str, text: str) -> list[str]:
    return [n.id for n in needs_met(SCENARIOS[sid], text)]


# Offers said in other word forms, by someone else, as done, or in other words than the need's keywords.
OFFERS = [
    ("utility-bill-shock", "I'm recalculating the bill from the reading you gave me.", "rebill"),
    ("utility-bill-shock", "We're pausing your direct debit until the new bill is out.", "payment"),
    ("utility-bill-shock", "I've put your direct debit on hold, so nothing leaves your account on the 15th.", "payment"),
    ("subscription-cancel-charged-again", "I've closed your account as of today.", "cancelled"),
    ("internet-outage-remote-worker", "A technician's coming out to you first thing tomorrow, between 8 and 10.", "technician"),
    ("internet-outage-remote-worker", "I'm adding 15 gigabytes to your phone so you can work tonight.", "stopgap"),
    ("flight-cancelled-wedding", "The three of you are booked onto the 07:15 from Stansted.", "rebooking"),
    ("insurance-claim-flooded-kitchen", "One of our assessors will be with you on Friday at 10.", "adjuster"),
    ("insurance-claim-flooded-kitchen", "Somebody from the claims team will come round to look at the kitchen on Monday.", "adjuster"),
    ("lost-parcel-third-call", "I'm Dana, and I'll handle this myself from now on.", "ownership"),
]


@pytest.mark.parametrize("sid,text,need", OFFERS)
def test_offers_meet_needs_by_meaning_and_word_form(sid, text, need):
    assert need in met(sid, text)


# Not offers: holding the call, a third party's vague future, a hedge, a refusal.
NOT_OFFERS = [
    ("utility-bill-shock", "I'm just going to put you on hold for a second."),
    ("utility-bill-shock", "Someone may ring you about the bill at some point."),
    ("lost-parcel-third-call", "The courier will have a look."),
    ("lost-parcel-third-call", "I'll send you an email about it."),
    ("subscription-cancel-charged-again", "I can't close the account from here."),
    ("internet-outage-remote-worker", "Someone will get back to you tomorrow afternoon."),
]


@pytest.mark.parametrize("sid,text", NOT_OFFERS)
def test_things_that_are_not_offers_meet_no_need(sid, text):
    assert met(sid, text) == []


@pytest.mark.parametrize("sid,text", [
    ("utility-bill-shock", "I'm recalculating the bill from the reading you gave me."),
    ("internet-outage-remote-worker", "A technician's coming out to you first thing tomorrow, between 8 and 10."),
    ("insurance-claim-flooded-kitchen", "One of our assessors will be with you on Friday at 10."),
])
def test_an_offer_that_meets_a_need_is_not_pressed_as_if_nothing_was_said(sid, text):
    _, _, beats = play(sid, [text])
    b = beats[0]
    assert "need_met" in b.signals
    assert "unanswered" not in b.signals and "ignored_concern" not in b.signals, b.signals


# An introduction is not a promise: no "I'll hold you to that" to a greeting that gives a name.
@pytest.mark.parametrize("sid,text", [
    ("flight-cancelled-wedding", "Thanks for calling, you're through to Alex in bookings. How can I help?"),
    ("bank-double-charge-rent", "Good evening, thank you for holding, my name is Carla. What can I do for you?"),
    ("internet-outage-remote-worker", "Hi, you're speaking to Ben. How can I help you today?"),
])
def test_a_greeting_with_a_name_is_not_taken_as_a_commitment(sid, text):
    _, _, beats = play(sid, [text])
    assert "commitment" not in beats[0].signals
    assert "commitment_ack" not in beats[0].parts, beats[0].line


# A name given and owned is not asked for again; no "I'm noting the time" when no time was given.
@pytest.mark.parametrize("owning", [
    "I'm Dana, and I'll handle this myself from now on.",
    "My name is Theo and I'll personally look after your case.",
    "This is Ruth speaking, I'll take ownership of this for you.",
])
def test_a_name_and_ownership_given_are_not_asked_for_again(owning):
    _, _, beats = play("lost-parcel-third-call", [
        "Three calls and the bike still isn't there, with the birthday on Saturday. That's exhausting.",
        owning, "Let me look at the tracking.", "Right, bear with me.", "OK."])
    for b in beats[1:]:
        assert "name" not in b.line.lower(), b.line
    assert "time" not in beats[1].line.lower().split("noted")[0] or "noting the time" not in beats[1].line.lower()
    assert "noting the time" not in beats[1].line.lower()


# "When did I say I'd ring you?" is answered from the commitments made.
@pytest.mark.parametrize("sid,promise,question,expect", [
    ("lost-parcel-third-call", "I'll phone you back at quarter past three today.",
     "Remind me, when did I promise to ring you?", "quarter past three"),
    ("bank-double-charge-rent", "My colleague Omar will call you tomorrow at 11am with an update.",
     "Sorry, who's calling you tomorrow, and when?", "11am"),
    ("internet-outage-remote-worker", "I've booked an engineer to come out on Thursday between 1 and 3.",
     "When was I sending the engineer round again?", "between 1 and 3"),
])
def test_the_agents_own_promise_is_recalled(sid, promise, question, expect):
    _, _, beats = play(sid, [promise, question])
    assert expect in beats[1].line, beats[1].line


# Accepting needs everything the customer called for: one of two needs met is calmer, not settled.
@pytest.mark.parametrize("sid,texts", [
    ("bank-double-charge-rent", ["Being charged twice right before the rent goes out is scary, I'm sorry.",
                                 "I've raised a dispute on the second £212.40 and it will be back in 3 to 5 working days.",
                                 "That dispute is logged against your card now.", "OK."]),
    ("internet-outage-remote-worker", ["Two days without internet and a client deadline at nine is a nightmare.",
                                       "An engineer will be with you tomorrow between 8 and 10.",
                                       "That's the engineer confirmed for you.", "OK."]),
])
def test_one_need_of_two_is_not_accepted_as_sorted(sid, texts):
    state, _, beats = play(sid, texts)
    assert all(b.intent not in ("accept", "farewell") for b in beats), [(b.intent, b.line) for b in beats]
    assert state.ended != "resolved"


# The customer never takes as offered what the agent did not offer, and a reference read out is not jargon.
@pytest.mark.parametrize("sid,texts,never", [
    ("lost-parcel-third-call", ["Three calls and still no bike, with the party on Saturday. I'd be fed up too.",
                                "I'm sending a replacement bike today by next-day delivery, so it's with you tomorrow.",
                                "I'm Nadia, I'm your case owner, your reference is LP-40912, and I'll call you tomorrow at 5pm.",
                                "To recap: replacement out today, with you tomorrow, reference LP-40912, my call at 5pm "
                                "tomorrow. Anything else?", "Take care, bye."], "refund"),
    ("flight-cancelled-wedding", ["Cancelled at that hour before your sister's wedding, no wonder you're angry.",
                                  "I've booked the three of you on the 06:40 from Gatwick.", "Right, that's the seats done.",
                                  "Is there anything else?"], "covered"),
])
def test_no_offer_is_taken_that_the_agent_did_not_make(sid, texts, never):
    _, _, beats = play(sid, texts)
    for b in beats:
        assert never not in b.line.lower(), b.line
        assert "jargon" not in b.signals, (b.signals, b.line)


# A reflection that mentions a time (their deadline, their party) commits to nothing: no "I'll hold you to it".
@pytest.mark.parametrize("sid,text", [
    ("internet-outage-remote-worker", "So since Tuesday night you've had no connection and the file's due at 9am tomorrow."),
    ("lost-parcel-third-call", "Your son's party is on Saturday and you still have no bike, I can see why you're fed up."),
    ("pharmacy-refill-delay", "You were told it would be ready today and it wasn't."),
])
def test_a_reflection_with_a_time_in_it_is_not_a_commitment(sid, text):
    _, _, beats = play(sid, [text])
    assert "commitment_ack" not in beats[0].parts, beats[0].line
    assert "hold you to" not in beats[0].line.lower() and "noting the time" not in beats[0].line.lower()


# A yes/no question answered as a statement is answered, and not pressed again later.
@pytest.mark.parametrize("answer", ["Your claim is definitely still open.", "The claim is still open on our side, yes it is.",
                                    "It's open, your claim hasn't been closed."])
def test_a_question_answered_as_a_statement_is_not_asked_again(answer):
    _, _, beats = play("insurance-claim-flooded-kitchen", [
        "I'm so sorry, three weeks with a ruined kitchen and mould is awful.", answer, "Right.", "OK.", "Mm."])
    for b in beats[1:]:
        assert "still open" not in b.line.lower(), b.line


# Holding the line calms nobody.
@pytest.mark.parametrize("text", ["Let me just look at your account.", "I'll look that up for you.",
                                  "Let me check the notes."])
def test_holding_the_line_does_not_calm(text):
    _, _, beats = play("insurance-claim-flooded-kitchen", [text])
    assert beats[0].mood >= SCENARIOS["insurance-claim-flooded-kitchen"].start_mood
    assert "answered" not in beats[0].signals and beats[0].intent != "soften"
