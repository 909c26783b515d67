"""Hollow moves never calm the customer (issue 8, session 9): sending them elsewhere, "you'll be fine",
stonewalling, vague promises, recording notices, "anything else?" before anything is done, the promise that
was already broken, non-apologies in new forms, and trade words a customer cannot follow.

Every wording is new (not from bench/FRESH_FINDINGS.md); the texts go through the real reading.
"""
from __future__ import annotations

import pytest

from tests.director_play import SCENARIOS, play

CALMING = {"reflection", "affirmation", "paraphrase", "apology", "generic_empathy", "specific_empathy", "answered"}

HOLLOW = [
    ("bank-double-charge-rent", "That's one for the shop to sort out, it's their card reader."),
    ("bank-double-charge-rent", "You'd have to raise that with the shop, it's their machine that did it."),
    ("bank-double-charge-rent", "Honestly, plenty of people get through a tight month, you'll manage."),
    ("bank-double-charge-rent", "Don't worry, we'll get it sorted."),
    ("lost-parcel-third-call", "The tracking says it was delivered, so it'll turn up."),
    ("lost-parcel-third-call", "It says delivered, so it's probably just been put somewhere safe."),
    ("lost-parcel-third-call", "I've nothing to add beyond what the last adviser told you."),
    ("flight-cancelled-wedding", "Leave that with me and I'll see what I can do."),
    ("flight-cancelled-wedding", "Don't you worry, it'll all work out."),
    ("utility-bill-shock", "Try not to worry, it'll all get sorted."),
    ("internet-outage-remote-worker", "Please be aware calls are recorded for quality and training."),
    ("internet-outage-remote-worker", "Just so you know, this call may be recorded for training purposes."),
    ("flight-cancelled-wedding", "Thanks for holding. Is there anything else I can help you with?"),
    ("lost-parcel-third-call", "Lovely. Is there anything else I can help with today?"),
    ("subscription-cancel-charged-again", "Okay, let me just bring that up."),
]


@pytest.mark.parametrize("sid,text", HOLLOW)
def test_hollow_moves_never_calm(sid, text):
    _, _, beats = play(sid, [text])
    b = beats[0]
    assert b.mood >= SCENARIOS[sid].start_mood, (b.mood, b.signals, b.line)
    assert b.intent not in ("soften", "accept", "farewell"), (b.intent, b.line)
    assert not CALMING & set(b.signals), b.signals


@pytest.mark.parametrize("sid,text", [
    ("bank-double-charge-rent", "You'd have to raise that with the shop, it's their machine that did it."),
    ("lost-parcel-third-call", "I've nothing to add beyond what the last adviser told you."),
])
def test_sending_them_elsewhere_or_stonewalling_is_dismissive(sid, text):
    _, _, beats = play(sid, [text])
    assert "dismissive" in beats[0].signals and beats[0].intent == "push_back"


@pytest.mark.parametrize("sid,text,need", [
    ("subscription-cancel-charged-again", "Don't worry, I'm refunding the £14.99 to your card now.", "refund"),
    ("lost-parcel-third-call", "Leave it with me: I'm sending a replacement bike today, with you tomorrow.", "resolution"),
])
def test_real_help_beside_a_reassurance_still_counts(sid, text, need):
    state, _, beats = play(sid, [text])
    assert need in state.needs_met and "need_met" in beats[0].signals


def test_the_promise_that_was_broken_before_does_not_calm():
    # She was told twice an adjuster would be in touch, and nobody was.
    _, _, beats = play("insurance-claim-flooded-kitchen", ["I'll ask for an adjuster to get in touch with you."])
    assert "broken_commitment" in beats[0].signals and "need_met" not in beats[0].signals
    assert beats[0].mood > SCENARIOS["insurance-claim-flooded-kitchen"].start_mood
    # A visit with a day and a time is new: that one helps.
    _, _, beats = play("insurance-claim-flooded-kitchen", ["An adjuster will visit on Thursday at 2pm."])
    assert "need_met" in beats[0].signals and "broken_commitment" not in beats[0].signals


@pytest.mark.parametrize("text", ["I'm sorry you see it that way.", "I regret that you feel let down.",
                                  "Sorry you were told that.", "I'm sorry it looks like that from where you are."])
def test_new_non_apology_forms_do_not_calm(text):
    _, _, beats = play("subscription-cancel-charged-again", [text])
    assert "non_apology" in beats[0].signals
    assert beats[0].mood >= SCENARIOS["subscription-cancel-charged-again"].start_mood


@pytest.mark.parametrize("sid,text", [
    ("subscription-cancel-charged-again", "I'll put in a ticket for a retroactive proration on the churn."),
    ("pharmacy-refill-delay", "There's no token against your record, so it can't go to the dispensing queue."),
    ("bank-double-charge-rent", "It'll drop off after the acquirer runs its reconciliation."),
])
def test_trade_words_confuse_and_never_calm(sid, text):
    _, _, beats = play(sid, [text])
    assert "jargon" in beats[0].signals
    assert beats[0].mood >= SCENARIOS[sid].start_mood


def test_a_skeptic_is_not_talked_down_by_a_name_and_a_callback_alone():
    state, _, beats = play("lost-parcel-third-call", [
        "Three calls, two callbacks nobody made, and a birthday on Saturday. That's a rotten way to be treated.",
        "I'm Jamie, and I'm taking charge of this personally.", "I'll phone you at 3pm today with an update.",
        "What colour is the bike?", "And which courier was it?"])
    assert min(b.mood for b in beats) >= 4.5, [b.mood for b in beats]
    assert state.ended != "resolved"


# Push-back lines match what was said; a trigger word said to reassure does not escalate.
@pytest.mark.parametrize("sid,text,never", [
    ("insurance-claim-flooded-kitchen", "I'll ask for an adjuster to get in touch with you.", "queue"),
    ("flight-cancelled-wedding", "You might want to keep refreshing the app tonight.", "operational"),
    ("subscription-cancel-charged-again", "I'm afraid that's just how our policy works.", "discount"),
])
def test_push_back_never_quotes_words_the_agent_did_not_say(sid, text, never):
    _, _, beats = play(sid, [text])
    assert never not in beats[0].line.lower(), beats[0].line


@pytest.mark.parametrize("sid,text", [
    ("subscription-cancel-charged-again", "I've noted on your file that no one should offer you a discount again."),
    ("lost-parcel-third-call", "You won't need to check with your neighbours, I'm sending a new one."),
])
def test_a_trigger_word_in_a_reassurance_does_not_escalate(sid, text):
    _, _, beats = play(sid, [text])
    assert "escalate_trigger" not in beats[0].signals, beats[0].signals


# A third script line never softens, even one that carries a topic word or a feeling the customer never showed.
@pytest.mark.parametrize("sid,texts", [
    ("internet-outage-remote-worker", ["I hear how hard that is.",
                                       "I completely understand how much you rely on the internet these days.",
                                       "I can imagine how stressful this must be for you."]),
    ("bank-double-charge-rent", ["I get it.", "I really do understand how important your bank account is.",
                                 "I can imagine how annoying this is for you."]),
])
def test_a_third_generic_line_does_not_soften(sid, texts):
    _, _, beats = play(sid, texts)
    assert "hollow_empathy" in beats[-1].signals, beats[-1].signals
    assert beats[-1].mood >= beats[0].mood and beats[-1].intent != "soften"
