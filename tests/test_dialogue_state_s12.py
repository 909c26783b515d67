"""Dialogue state of the customer, session 12 (issue 8 items 1 and 4): what was arranged is recalled when the agent
asks about it in any words; when they are free for a call is theirs to say; a value already given is "already
told" when asked again in other words; holding the line or wrapping up is not a question for their story; a
changed promise is noticed; commitments are said back naturally. Fresh wordings (not the bench's checks)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from personas.actors import Actor, get_backend
from personas.archetypes import get_archetype
from personas.engine import PracticeEngine
from personas.scenario import load_dir

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = load_dir(ROOT / "scenarios").scenarios

DONT_KNOW = re.compile(r"\b(?:no idea|(?:i )?(?:don't|do not) know|not sure|can't (?:remember|say|recall)|"
                       r"couldn't (?:tell|say)|(?:does|would) (?:that|it) matter|is (?:that|it) (?:relevant|important))\b", re.I)
ALREADY = re.compile(r"\b(?:told you|i said|as i said|like i said|i've said|i mentioned|already|asked and answered|"
                     r"i just said|same answer|on the record|you asked)\b", re.I)


def replies(sid: str, turns: list[str]) -> list[str]:
    sc = SCENARIOS[sid]
    e = PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted")))
    e.open()
    out = []
    for t in turns:
        assert not e.ended, out
        e.add_trainee(t)
        out.append(e.reply()["text"])
    return out


# -- what was arranged, asked in other words ---------------------------------------------------------
ARRANGED = [
    ("internet-outage-remote-worker", "I'm Callum and I'll ring you back at half past three once the line test is done.",
     "What's the next step from here, as you understand it?", ("three", "3")),
    ("bank-double-charge-rent", "I'm raising the dispute and I'll phone you at 10am tomorrow to confirm the credit.",
     "Do you know who'll be getting back to you, and when?", ("10am", "10")),
    ("pharmacy-refill-delay", "I'll ring the surgery and I'll call you at four o'clock to let you know.",
     "And when are you expecting to hear from me?", ("four",)),
    ("insurance-claim-flooded-kitchen", "I'm Nadia, I'll call you on Friday at noon with the adjuster's date.",
     "Can you remind me what we've agreed?", ("Friday", "noon")),
]


@pytest.mark.parametrize("sid,commit,question,terms", ARRANGED)
def test_asked_about_the_arrangement_they_say_it_back(sid, commit, question, terms):
    out = replies(sid, [commit, question])
    assert any(t.lower() in out[-1].lower() for t in terms), out[-1]
    assert not DONT_KNOW.search(out[-1]), out[-1]


def test_the_past_of_their_story_is_not_the_arrangement():
    out = replies("lost-parcel-third-call", ["I'll call you tomorrow at 5pm with an update.",
                                             "What happened after the first agent opened the investigation?"])
    assert "5pm" not in out[-1]


# -- when they are free is theirs to say --------------------------------------------------------------
@pytest.mark.parametrize("sid,question,terms", [
    ("lost-parcel-third-call", "What's a good time for me to phone you back tomorrow?", ("half five", "saturday")),
    ("bank-double-charge-rent", "When would suit you for a call back?", ("six", "evening")),
    ("insurance-claim-flooded-kitchen", "What time of day works best for you if I ring?", ("two", "eight")),
])
def test_a_question_about_when_to_call_is_answered_from_their_story(sid, question, terms):
    out = replies(sid, [question])
    assert any(t in out[-1].lower() for t in terms), out[-1]


@pytest.mark.parametrize("sid,question", [
    ("flight-cancelled-wedding", "When are you free for a call back later?"),
    ("subscription-cancel-charged-again", "What time should I ring you tomorrow?"),
    ("pharmacy-refill-delay", "Which time of day suits you best for a phone call?"),
])
def test_with_no_time_in_their_story_they_still_know_their_own_day(sid, question):
    out = replies(sid, [question])
    assert not DONT_KNOW.search(out[-1]), out[-1]
    assert re.search(r"\b(?:any ?time|whenever|in|home|phone)\b", out[-1], re.I), out[-1]


# -- a value already given, asked again in other words ----------------------------------------------
@pytest.mark.parametrize("sid,turns", [
    ("utility-bill-shock", ["Okay, I'm with you.", "What's the total on this bill, then?"]),
    ("flight-cancelled-wedding", ["Let me bring up the booking.", "And where is it you were travelling to?"]),
    ("bank-double-charge-rent", ["How much did they take from you?", "What was the value of that payment, sorry?"]),
])
def test_a_value_already_given_is_already_told(sid, turns):
    out = replies(sid, turns)
    assert ALREADY.search(out[-1]), out[-1]


def test_a_more_exact_question_gets_the_more_exact_answer():
    out = replies("insurance-claim-flooded-kitchen", ["Whereabouts exactly is the mould growing?"])
    assert "cupboards" in out[-1], out[-1]


# -- holding the line, checking in, wrapping up: not a question for their story ------------------------
@pytest.mark.parametrize("sid,turns", [
    ("pharmacy-refill-delay", ["I can give you a week's emergency supply today.", "Bear with me one second while I print it."]),
    ("utility-bill-shock", ["I'll re-bill it from your reading and hold the direct debit.", "Does that all make sense?"]),
    ("insurance-claim-flooded-kitchen", ["I'm booking the adjuster for Thursday.", "Could you hold for a minute while I confirm it?"]),
    ("subscription-cancel-charged-again", ["I'm refunding the £14.99 today and cancelling it now.",
                                           "Right, that's it done — anything else at all?"]),
])
def test_holding_or_wrapping_up_gets_no_dont_know(sid, turns):
    out = replies(sid, turns)
    assert not DONT_KNOW.search(out[-1]), out[-1]


# -- a promise given another time is noticed -----------------------------------------------------------
CHANGED = [
    ("lost-parcel-third-call", "I'm Sam and I'll phone you at 4pm tomorrow with the dispatch details.",
     "Right, so I'll get back to you on Thursday.", ("4pm", "4")),
    ("internet-outage-remote-worker", "I'll ring you at 7 tonight to check the data boost is working.",
     "So you'll hear from us at some point next week.", ("7",)),
    ("insurance-claim-flooded-kitchen", "I'm Nadia and I'll call you on Friday at noon with the adjuster's date.",
     "Okay, you should get a call within ten working days.", ("Friday", "noon")),
]


@pytest.mark.parametrize("sid,commit,changed,terms", CHANGED)
def test_another_time_for_the_same_promise_is_noticed(sid, commit, changed, terms):
    out = replies(sid, [commit, changed])
    assert any(t.lower() in out[-1].lower() for t in terms), out[-1]  # they hold to the first time


@pytest.mark.parametrize("sid,commit,recap", [
    ("lost-parcel-third-call", "I'll call you at 4pm tomorrow.", "So, as I said, I'll call you at 4pm tomorrow."),
    ("bank-double-charge-rent", "I'll ring you at 10am on Thursday.", "And the credit is on your account now, too."),
    ("utility-bill-shock", "I will use your actual reading to correct the bill today.",
     "To sum up: a new bill from your actual reading this week. Is there anything else?"),
])
def test_a_recap_or_another_step_is_not_a_change(sid, commit, recap):
    out = replies(sid, [commit, recap])
    assert not re.search(r"\bwhich is it\b|\bnow it's\b|\bis it .* now\?", out[-1], re.I), out[-1]


# -- wrapping up: they hold the agent to the promise -----------------------------------------------------
@pytest.mark.parametrize("sid,commit,wrap,terms", [
    ("subscription-cancel-charged-again", "I'll email you the written confirmation by 6pm today.",
     "Okay, is there anything else I can do for you?", ("6pm", "6")),
    ("pharmacy-refill-delay", "I'll phone you at half past two once the surgery has answered.",
     "Right, I think that's everything sorted for today.", ("half past two", "two")),
])
def test_a_wrap_up_gets_the_commitment_said_back(sid, commit, wrap, terms):
    out = replies(sid, [commit, wrap])
    assert any(t.lower() in out[-1].lower() for t in terms), out[-1]


# -- saying what they will not get is not the trigger ------------------------------------------------------
@pytest.mark.parametrize("turn", [
    "No discount, don't worry — I'm refunding the £14.99 today.",
    "I'm not offering you any discount; the £14.99 goes back to your card today.",
    "There's no special offer coming — I'm refunding the £14.99 now.",
])
def test_a_trigger_said_under_no_is_not_pushed_back_on(turn):
    sc = SCENARIOS["subscription-cancel-charged-again"]
    e = PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted")))
    e.open()
    e.add_trainee(turn)
    assert "escalate_trigger" not in e.pending.signals and e.pending.intent != "push_back", e.pending


# -- what they hold is not granted ---------------------------------------------------------------------
@pytest.mark.parametrize("sid,turn,value", [
    ("flight-cancelled-wedding", "You'll have your booking reference there, I take it.", "K7Q2LM"),
    ("lost-parcel-third-call", "You've got the order number in front of you?", "48-1192-7735"),
    ("insurance-claim-flooded-kitchen", "I assume you have your claim number to hand.", "HC-30418"),
])
def test_what_they_already_hold_is_asked_for_not_granted(sid, turn, value):
    sc = SCENARIOS[sid]
    e = PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted")))
    e.open()
    e.add_trainee(turn)
    assert "need_met" not in e.pending.signals and not e.state.needs_met
    assert value in e.reply()["text"]


# -- a calmer line does not worry about what was just done ---------------------------------------------
@pytest.mark.parametrize("sid,turn", [
    ("insurance-claim-flooded-kitchen", "Your claim is open, and a loss adjuster is coming out on Tuesday morning."),
    ("internet-outage-remote-worker", "Right now I'm putting a 20 GB data boost on your mobile so you can work tonight."),
    ("pharmacy-refill-delay", "I can let you have a seven-day emergency supply of your tablets today."),
])
def test_a_need_just_met_is_not_worried_about(sid, turn):
    out = replies(sid, [turn])[-1]
    vague = re.findall(r"[^.!?]*\b(?:still need|just need|i need something)\b[^.!?]*[.!?]", out, re.I)
    assert not [v for v in vague if not re.search(r"\b(?:engineer|fix|seats|flight|date|month|explain|understand|"
                                                  r"next month|what went wrong|payment|drying|cook)\w*", v, re.I)], out


# -- commitment notes vary -------------------------------------------------------------------------------
def test_taking_note_of_a_commitment_is_not_always_the_agents_clause_word_for_word():
    sc = SCENARIOS["lost-parcel-third-call"]
    turn = "I'll call you at 5pm tomorrow to confirm it's with the courier."
    notes = set()
    for v in range(6):
        e = PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted")), variant=v)
        e.open()
        e.add_trainee(turn)
        notes.add(e.reply()["text"].split(".")[0])
    assert any("to confirm it's with the courier" not in n for n in notes), notes
    assert all("5pm" in n for n in notes), notes


# -- the question just asked, asked again in other words --------------------------------------------------
@pytest.mark.parametrize("sid,turns", [
    ("insurance-claim-flooded-kitchen", ["What's on the kitchen wall now?", "Sorry — what is it that's spreading on the wall?"]),
    ("lost-parcel-third-call", ["What does the delivery photo show?", "So what's actually in that picture?"]),
    ("internet-outage-remote-worker", ["Right, let's get this moving.", "How long has the line been out for?"]),
])
def test_the_same_question_in_other_words_is_already_told(sid, turns):
    out = replies(sid, turns)
    assert ALREADY.search(out[-1]), out[-1]


def test_asking_whether_they_are_clear_who_handles_it_is_a_recall_not_a_check_in():
    out = replies("subscription-cancel-charged-again", ["My name's Aled and I'll email you by 3pm today with the refund.",
                                                        "And are you clear on who's looking after this?"])
    assert "Aled" in out[-1] or "3pm" in out[-1], out[-1]


# -- round two of fresh wordings ---------------------------------------------------------------------------
@pytest.mark.parametrize("sid,commit,question,terms", [
    ("lost-parcel-third-call", "I'm Elif, I'm owning this now, and I'll phone you at noon tomorrow.",
     "Who's going to ring you tomorrow, so you know?", ("noon", "Elif")),
    ("insurance-claim-flooded-kitchen", "I'm Ravi, your handler, and I'll call you tomorrow at 3pm with the visit date.",
     "Can you tell me what you're expecting to happen next?", ("3pm", "Ravi")),
    ("bank-double-charge-rent", "I'm Kofi and I'll call you at half past four today once the credit's applied.",
     "Is there anything you're unsure about in what I've said?", ("half past four", "Kofi")),
])
def test_other_ways_of_asking_about_the_arrangement(sid, commit, question, terms):
    out = replies(sid, [commit, question])
    assert any(t.lower() in out[-1].lower() for t in terms), out[-1]


def test_a_count_they_gave_in_the_opening_is_already_told():
    out = replies("lost-parcel-third-call", ["Right, I've got your account up.", "How many times have you rung us about it?"])
    assert ALREADY.search(out[-1]) and "third" in out[-1].lower(), out[-1]


@pytest.mark.parametrize("sid,commit,term", [
    ("pharmacy-refill-delay", "I'll ring the surgery and phone you at 2 this afternoon to tell you.", "2"),
    ("subscription-cancel-charged-again", "I'll refund the £14.99 and email you the confirmation by 5pm today.", "5pm"),
    ("utility-bill-shock", "I'll hold the direct debit and ring you on Monday at 11 with the new bill.", "11"),
])
def test_the_promise_said_back_is_the_timed_one(sid, commit, term):
    out = replies(sid, [commit, "Can you remind me when I said I'd be in touch?"])
    assert term in out[-1], out[-1]


@pytest.mark.parametrize("sid,commit,question,term", [
    ("lost-parcel-third-call", "ok so im Sam and ill ring you back tomorrow at 5pm myself", "so whats the plan from here", "5pm"),
    ("bank-double-charge-rent", "right ill phone you at 11am tomorrow once its done", "when did i say id call", "11am"),
    ("internet-outage-remote-worker", "I'm Jo, an engineer will be with you at 8am tomorrow and I'll ring you at 9 tonight.",
     "Can you repeat back what I've promised, so we're both sure?", "8am|9"),
])
def test_a_commitment_typed_loosely_or_asked_back_loosely_is_remembered(sid, commit, question, term):
    out = replies(sid, [commit, question])
    assert any(t in out[-1] for t in term.split("|")), out[-1]


# -- everything asked for, just done: no pressing for it, no "you haven't said" --------------------------
STILL_UNANSWERED = re.compile(r"\b(?:haven't (?:said|told|answered|done)|not what i asked|nobody(?:'s| has) (?:told|helped)|"
                              r"what are you (?:actually )?going to do|what happens now)\b", re.I)


@pytest.mark.parametrize("sid,turns", [
    ("internet-outage-remote-worker", ["Hmm.", "An engineer's booked for 8 tomorrow and there's 20 GB on your phone now for tonight."]),
    ("flight-cancelled-wedding", ["Okay.", "Three seats on the 6:40 from Gatwick tomorrow, landing 9:30, and tonight's hotel and "
                                          "meals are covered — keep the receipts."]),
    ("lost-parcel-third-call", ["Hm.", "I'm Sam and I own this: a replacement goes out today on next-day delivery, reference "
                                       "LP-2231, and I'll call you at 5pm tomorrow."]),
])
def test_after_everything_is_done_they_do_not_ask_for_it_again(sid, turns):
    out = replies(sid, turns)[-1]
    assert not STILL_UNANSWERED.search(out), out


@pytest.mark.parametrize("sid,turns,terms", [
    ("insurance-claim-flooded-kitchen", ["I'm Grace and I'm your claims handler now. Your reference for me is GH-2231.",
                                         "What's the reference I gave you?"], ("GH-2231",)),
    ("lost-parcel-third-call", ["My name's Sam and I'm looking after your case myself from today.",
                                "Can you tell me the name I gave you?"], ("Sam",)),
])
def test_what_the_agent_gave_is_recalled_not_their_own(sid, turns, terms):
    out = replies(sid, turns)
    assert any(t in out[-1] for t in terms), out


def test_a_named_handler_is_not_the_old_broken_promise():
    sc = SCENARIOS["insurance-claim-flooded-kitchen"]
    e = PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted")))
    e.open()
    e.add_trainee("I'm Grace and I'm your claims handler from today. Your reference for me is GH-2231.")
    assert "broken_commitment" not in e.pending.signals, e.pending.signals

