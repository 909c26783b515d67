"""Coherent replies (issue 8, session 9): no softer line while the meter reads high, no goodbye in reply to an
offer before the agent closes, the agent's proper goodbye after a resolved call is met with a goodbye, and
echoes of the agent's words keep their pronouns and numbers. Wordings are new (not from the findings file).
"""
from __future__ import annotations

import re

import pytest

from personas.director import customer_view
from tests.director_play import play

GOODBYE = re.compile(r"\b(?:bye|goodbye|cheerio|have a (?:good|nice|lovely) (?:day|evening)|take care)\b", re.I)


@pytest.mark.parametrize("sid,texts", [
    ("flight-cancelled-wedding", ["I hear you.", "Sorry about that.", "Let me see.", "I understand, really."]),
    ("internet-outage-remote-worker", ["Okay.", "I get it, that's annoying.", "Mm, right.", "I see."]),
    ("bank-double-charge-rent", ["Right, I see.", "That's a shame.", "I understand.", "Okay then."]),
])
def test_no_softer_reply_while_the_meter_reads_high(sid, texts):
    _, _, beats = play(sid, texts)
    for b in beats:
        if b.mood >= 7:
            assert b.intent not in ("soften", "accept"), (b.mood, b.intent, b.line)


# Two needs met early; the agent then offers more (no goodbye yet): the customer stays on the line.
@pytest.mark.parametrize("sid,texts", [
    ("internet-outage-remote-worker", [
        "Two days offline with the client deadline at nine tomorrow, that's a nightmare, and it's our fault.",
        "An engineer will be with you tomorrow between 8 and 10, and I'm adding 20 GB of data to your phone now.",
        "I'll also text you the engineer's name tonight.",
        "And I'll ring you at 11 tomorrow to check it's all working."]),
    ("utility-bill-shock", [
        "£610 against your usual £140 must have given you such a fright, and you've done nothing wrong.",
        "I'm re-billing you from your own reading today and I'm putting the direct debit on hold until it's right.",
        "I'll post the corrected bill to you by Friday.",
        "And I'm booking a meter engineer for next week."]),
])
def test_no_goodbye_in_reply_to_an_offer_before_the_agent_closes(sid, texts):
    state, _, beats = play(sid, texts)
    assert len(beats) == len(texts), [b.line for b in beats]
    assert state.ended is None
    for b in beats:
        assert not GOODBYE.search(b.line), b.line


@pytest.mark.parametrize("goodbye", ["Thanks for bearing with me. Bye for now.", "Take good care, goodbye.",
                                     "That's everything then. Have a good evening, bye."])
def test_the_agents_goodbye_after_a_resolved_call_gets_a_goodbye(goodbye):
    texts = ["Two days offline with the client deadline at nine tomorrow, that's a nightmare, and it's our fault.",
             "An engineer will be with you tomorrow between 8 and 10, and I'm adding 20 GB of data to your phone now.",
             "To recap: the engineer tomorrow between 8 and 10 and 20 GB of data on your phone now. Anything else?",
             goodbye]
    state, _, beats = play("internet-outage-remote-worker", texts)
    assert state.ended == "resolved" and beats[-1].intent == "farewell", [(b.intent, b.line) for b in beats]


@pytest.mark.parametrize("said,back", [
    ("I'll work it out from the figures you sent us", "you'll work it out from the figures I sent you"),
    ("I'll credit the amount you paid twice", "you'll credit the amount I paid twice"),
    ("I'll check what you told my colleague", "you'll check what I told your colleague"),
])
def test_echoes_keep_their_pronouns(said, back):
    assert customer_view(said) == back


def test_an_echoed_time_range_keeps_both_ends():
    _, _, beats = play("internet-outage-remote-worker", ["I'm booking an engineer for Friday between 9 and 11."])
    assert "between 9 and 11" in beats[0].line or "9" not in beats[0].line, beats[0].line


@pytest.mark.parametrize("confirm", ["You'll get an email confirming both within the hour, reference CX-99120.",
                                     "I'm sending you written confirmation of both by email right now."])
def test_a_written_confirmation_given_is_not_asked_for_again(confirm):
    _, _, beats = play("subscription-cancel-charged-again", [
        "You cancelled on the 2nd, have the email to prove it, and got charged anyway. That's maddening.",
        confirm, "I've closed your account as of today and I'm refunding the £14.99 to your card.", "Right."])
    for b in beats[2:]:
        assert "in writing" not in b.line.lower(), b.line
