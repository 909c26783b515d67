"""A customer who cannot be talked down by hollow moves (issue 8, session 10): the classes the second blind
script set found, each checked with wordings of our own (none from bench/realism_scripts_heldout2.yaml).

1 vague deferrals, 2 empathy phrased as knowing, 3 blaming a third party or the customer, 4 minimising,
5 non-apologies, 6 own-identity questions, 7 the yes/no press after a recap, 8 questions about what the
customer tried. The texts go through the real reading (scoring.understanding) and the real Director.
"""
from __future__ import annotations

import re

import pytest

from scoring.understanding import find_commitments, read_turn
from tests.director_play import SCENARIOS, play

# Signals that would mean the turn was taken as listening, empathy or help.
CALMING = {"reflection", "affirmation", "paraphrase", "apology", "generic_empathy", "specific_empathy", "answered",
           "need_met", "commitment", "next_step", "summary", "acknowledgement"}
SOFT = ("soften", "accept", "farewell")


def _ctx(sid):
    sc = SCENARIOS[sid]
    return sc, [{"role": "customer", "text": sc.opening_line}]


# -- 1. vague deferrals ---------------------------------------------------------------------------------
DEFERRALS = [
    ("lost-parcel-third-call", "Somebody from the depot will get back to you at some point."),
    ("lost-parcel-third-call", "It's been passed on, so you'll hear something eventually."),
    ("insurance-claim-flooded-kitchen", "It's with the team and it'll get picked up in due course."),
    ("insurance-claim-flooded-kitchen", "Someone should contact you in due time."),
    ("bank-double-charge-rent", "I'll pass it along and somebody will be in contact."),
    ("utility-bill-shock", "The billing people will look at it when they can."),
    ("internet-outage-remote-worker", "It's logged now, the engineers will reach out once they've had a look."),
]


@pytest.mark.parametrize("sid,text", DEFERRALS)
def test_a_deferral_with_no_owner_time_or_action_is_not_an_offer(sid, text):
    sc, ctx = _ctx(sid)
    r = read_turn(text, ctx, sc)
    assert not any(c.acts for c in r.commitments), r.commitments
    assert not r.answered
    assert "vague_promise" in r.hollow_moves
    _, _, beats = play(sid, [text])
    b = beats[0]
    assert b.mood >= sc.start_mood, (b.mood, b.signals, b.line)
    assert b.intent not in SOFT, (b.intent, b.line)
    assert not CALMING & set(b.signals), b.signals


@pytest.mark.parametrize("sid,first,second", [
    ("lost-parcel-third-call", "Somebody will get back to you.", "The depot will be in touch with you in due course."),
    ("insurance-claim-flooded-kitchen", "Someone from claims will contact you.", "It'll be looked into at some point."),
    ("subscription-cancel-charged-again", "Billing will get back to you about it.", "The team should be in touch eventually."),
])
def test_a_repeated_deferral_irritates_more(sid, first, second):
    _, _, beats = play(sid, [first, second])
    assert beats[1].mood > beats[0].mood >= SCENARIOS[sid].start_mood, [(b.mood, b.signals) for b in beats]
    assert "deferred_again" in beats[1].parts, (beats[1].parts, beats[1].line)


def test_a_real_callback_is_still_a_commitment():
    sid = "lost-parcel-third-call"
    sc, ctx = _ctx(sid)
    r = read_turn("My colleague Omar will call you back tomorrow at 2pm.", ctx, sc)
    assert any(c.time and c.acts for c in r.commitments)
    assert "vague_promise" not in r.hollow_moves


# -- 2. empathy phrased as knowing ---------------------------------------------------------------------------
KNOWING = [
    ("subscription-cancel-charged-again", "Trust me, I know exactly what that's like."),
    ("subscription-cancel-charged-again", "Oh, I completely get it, honestly."),
    ("internet-outage-remote-worker", "I totally know how you feel."),
    ("internet-outage-remote-worker", "Believe me, I've been there myself."),
    ("bank-double-charge-rent", "I know how horrible that feels, I really do."),
    ("subscription-cancel-charged-again", "I know how irritating it is when something doesn't work as planned."),
]


@pytest.mark.parametrize("sid,text", KNOWING)
def test_knowing_empathy_is_generic(sid, text):
    sc, ctx = _ctx(sid)
    r = read_turn(text, ctx, sc)
    assert r.empathy == "generic", (r.empathy, r.empathy_quote)
    assert not r.commitments and not r.answered


@pytest.mark.parametrize("sid,lines", [
    ("subscription-cancel-charged-again", ["I get it, I really do.", "Believe me, I know how it is.",
                                           "I know exactly what you mean."]),
    ("flight-cancelled-wedding", ["Honestly, I totally get it.", "Trust me, I know the feeling.",
                                  "I know how annoying this sort of thing is."]),
    ("utility-bill-shock", ["Oh I know, dear, I know.", "I know just how you feel.", "Believe me, I understand completely."]),
])
def test_knowing_empathy_once_a_little_then_nothing_then_irritation(sid, lines):
    start = SCENARIOS[sid].start_mood
    _, _, beats = play(sid, lines)
    assert beats[0].mood >= start - 0.5, (beats[0].mood, beats[0].signals)
    assert not {"specific_empathy", "reflection", "answered"} & set(beats[0].signals)
    assert all(b.intent not in SOFT for b in beats[1:]), [(b.intent, b.line) for b in beats]
    assert "hollow_empathy" in beats[2].signals and beats[2].mood >= start, (beats[2].mood, beats[2].signals)


# -- 3. blame --------------------------------------------------------------------------------------------------
BLAME = [
    ("flight-cancelled-wedding", "That's really down to the airport, not us."),
    ("subscription-cancel-charged-again", "Well, you should have checked the small print before signing up."),
    ("pharmacy-refill-delay", "Honestly that's the surgery's mess, we only hand out what they send."),
    ("insurance-claim-flooded-kitchen", "You really ought to have reported the mould sooner."),
    ("bank-double-charge-rent", "To be honest the bookshop's the one that charged you twice, so that's on them."),
    ("bank-double-charge-rent", "The shop took your money twice, so really it's their problem, not ours."),
    ("lost-parcel-third-call", "The courier marked it delivered, so that's the courier's fault rather than ours."),
    ("subscription-cancel-charged-again", "You agreed to the terms when you signed up, so the charge is really on you."),
    ("utility-bill-shock", "If you'd sent us readings yourself you wouldn't have this bill."),
]


_HEARD_WORDS = re.compile(r"\b(?:exactly it|that's it|that's right|listened|heard me|you get it|gets it|"
                          r"put it better)\b", re.I)


@pytest.mark.parametrize("sid,text", BLAME)
def test_blame_is_never_understanding_and_irritates(sid, text):
    sc, ctx = _ctx(sid)
    r = read_turn(text, ctx, sc)
    assert r.empathy not in ("specific", "feeling"), r.empathy
    assert not {"paraphrase", "reflection"} & set(r.moves) or "blame" in r.hollow_moves, (r.moves, r.hollow_moves)
    _, _, beats = play(sid, [text])
    b = beats[0]
    assert b.mood > sc.start_mood, (b.mood, b.signals, b.line)
    assert b.intent not in SOFT, (b.intent, b.line)
    assert not CALMING & set(b.signals), b.signals
    assert {"blame", "dismissive"} & set(b.signals), b.signals
    assert not _HEARD_WORDS.search(b.line), b.line


# -- 4. minimising ---------------------------------------------------------------------------------------------
MINIMISING = [
    ("lost-parcel-third-call", "Eight days isn't really that long in the grand scheme of things."),
    ("lost-parcel-third-call", "A parcel going missing for a week isn't that unusual, to be honest."),
    ("bank-double-charge-rent", "Being charged twice at a till is not a huge sum, to be fair."),
    ("internet-outage-remote-worker", "Two days without internet isn't the end of the world."),
    ("insurance-claim-flooded-kitchen", "A bit of mould after a flood is pretty normal, stuff like this crops up all the time."),
    ("insurance-claim-flooded-kitchen", "Three weeks for a claim is nothing really, some take months."),
    ("subscription-cancel-charged-again", "It's just a few quid on the subscription, I wouldn't lose sleep over it."),
    ("utility-bill-shock", "A bill going up a bit is hardly a disaster, bills go up and down."),
]


@pytest.mark.parametrize("sid,text", MINIMISING)
def test_minimising_irritates_and_never_calms(sid, text):
    sc, ctx = _ctx(sid)
    assert "minimise" in read_turn(text, ctx, sc).hollow_moves
    _, _, beats = play(sid, [text])
    b = beats[0]
    assert b.mood > SCENARIOS[sid].start_mood, (b.mood, b.signals, b.line)
    assert b.intent not in SOFT, (b.intent, b.line)
    assert not CALMING & set(b.signals), b.signals
    assert "minimising" in b.signals, b.signals
    assert not _HEARD_WORDS.search(b.line), b.line


# -- 5. non-apologies --------------------------------------------------------------------------------------------
NON_APOLOGIES = [
    ("bank-double-charge-rent", "I'm sorry that you're so worried about it."),
    ("flight-cancelled-wedding", "I apologise if it came over as unhelpful."),
    ("lost-parcel-third-call", "Sorry you've been left feeling frustrated."),
    ("subscription-cancel-charged-again", "I'm sorry if that's the impression you got."),
    ("insurance-claim-flooded-kitchen", "I'm sorry you're not happy with how it's gone."),
    ("utility-bill-shock", "Sorry that you were unhappy with the bill."),
]


@pytest.mark.parametrize("sid,text", NON_APOLOGIES)
def test_non_apologies_do_not_calm(sid, text):
    sc, ctx = _ctx(sid)
    assert read_turn(text, ctx, sc).empathy == "non_apology"
    _, _, beats = play(sid, [text])
    b = beats[0]
    assert b.mood >= sc.start_mood and b.intent not in SOFT, (b.mood, b.intent, b.line)
    assert not CALMING & set(b.signals), b.signals


@pytest.mark.parametrize("sid,text", [
    ("lost-parcel-third-call", "I'm sorry we sent it to the wrong house."),
    ("subscription-cancel-charged-again", "I'm sorry you were charged after you'd cancelled, that was our mistake."),
    ("bank-double-charge-rent", "I'm sorry the payment went through twice."),
])
def test_a_real_apology_still_counts(sid, text):
    sc, ctx = _ctx(sid)
    r = read_turn(text, ctx, sc)
    assert r.empathy != "non_apology", r.empathy
    assert "apology" in r.moves


# -- 6. own-identity questions -----------------------------------------------------------------------------------
_NO_IDEA = re.compile(r"\b(?:no idea|i don't know|couldn't tell you|not sure|haven't a clue|no clue)\b", re.I)


@pytest.mark.parametrize("sid,question", [
    ("subscription-cancel-charged-again", "Can you give me your date of birth for the security check?"),
    ("lost-parcel-third-call", "What's your date of birth, please?"),
    ("lost-parcel-third-call", "And the home address the order was going to?"),
    ("flight-cancelled-wedding", "Could I take the home address on the booking?"),
    ("insurance-claim-flooded-kitchen", "And the full name of the main policyholder?"),
    ("utility-bill-shock", "Can I confirm the full name of whoever holds the account?"),
    ("lost-parcel-third-call", "And the email on your account with us?"),
])
def test_a_caller_knows_their_own_details(sid, question):
    _, _, beats = play(sid, [question])
    b = beats[0]
    assert not _NO_IDEA.search(b.line), b.line
    assert b.intent != "walk_out"


def test_own_name_answered_from_the_story():
    _, _, beats = play("insurance-claim-flooded-kitchen", ["And what's the policyholder's full name?"])
    assert "Kowalski" in beats[0].line, beats[0].line


# -- 7. the yes/no press after a recap ---------------------------------------------------------------------------
@pytest.mark.parametrize("sid,turns", [
    ("subscription-cancel-charged-again", [
        "You cancelled on the 2nd and we still took £14.99, that's our mistake.",
        "I've cancelled the account today, so nothing more will be taken, and I've refunded the £14.99 to your card; "
        "it'll be with you in five working days. I'm emailing you written confirmation of both now.",
        "To sum up: account closed today, £14.99 back within five working days, and the confirmation email on its way.",
    ]),
    ("utility-bill-shock", [
        "Mrs Osei, you haven't done anything wrong: the meter stopped sending readings, so the bill was guessed.",
        "I've put a hold on the direct debit so nothing comes out on the 15th, and I'm re-doing the bill from your "
        "real reading; the new bill will be in the post within ten days. I'll ring you on Friday afternoon.",
        "Just to go over it again: nothing taken on the 15th, a new bill from your reading within ten days, and "
        "my call on Friday afternoon.",
    ]),
])
def test_after_a_recap_that_meets_the_needs_the_press_gets_an_answer(sid, turns):
    state, _, beats = play(sid, turns)
    last = beats[-1]
    assert not re.search(r"yes or no|or not\?", last.line, re.I), last.line
    assert last.intent in ("accept", "farewell", "soften", "answer"), (last.intent, last.line)


# -- 8. questions about what the customer tried ------------------------------------------------------------------
@pytest.mark.parametrize("sid,question,words", [
    ("lost-parcel-third-call", "Have you had a word with the people next door?", ("neighbour", "33", "green", "bins")),
    ("lost-parcel-third-call", "Did you try asking the neighbours whether they took it in?", ("neighbour", "33", "green", "bins")),
    ("bank-double-charge-rent", "Did you try going back to the shop about it?", ("shop", "bookshop")),
    ("bank-double-charge-rent", "Have you tried getting in touch with the bookshop?", ("shop", "bookshop")),
    ("pharmacy-refill-delay", "Did you try ringing the surgery yourself?", ("surgery",)),
    ("internet-outage-remote-worker", "Did you try turning the router off and back on?", ("restart", "twice", "router")),
])
def test_a_question_about_what_they_tried_gets_an_answer(sid, question, words):
    sc, ctx = _ctx(sid)
    r = read_turn(question, ctx, sc)
    assert "deflect" not in r.hollow_moves, r.hollow_moves  # asking what they did sends them nowhere
    _, _, beats = play(sid, [question])
    b = beats[0]
    assert "dismissive" not in b.signals, b.signals
    assert any(w in b.line.lower() for w in words), b.line
    assert b.intent == "answer" or "answer" in b.parts, (b.intent, b.parts, b.line)
