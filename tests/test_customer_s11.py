"""Issue 8 (session 11): a customer who listens, on the faults of the fourth blind script set and the fourth blind
graded set (pharmacy). The wordings below are this file's own, not the findings' or the bench's.

1. A need met by any allowed offer or plain explanation, in any wording, counts (a recap however it is introduced,
   "it'll come straight here"), and the customer does not ask again for what was just given.
2. A reflection that asks nothing is not answered as a question ("I'm not sure, dear. Is it important?"), and a
   restatement checked with "have I got that right?" is confirmed, not "like I told you".
3. A line that reacts to an agent's suggestion ("Ring them myself?") is said only once the agent made it.
"""
from __future__ import annotations

import re

import pytest

from personas.director import Director
from scoring.needs import acting_clauses, needs_met, recaps
from scoring.understanding import question_sentences
from tests.director_play import ARCHETYPES, SCENARIOS, play

PHARMACY = "pharmacy-refill-delay"


def _director(sid: str) -> Director:
    sc = SCENARIOS[sid]
    return Director(sc, ARCHETYPES[sc.persona])


# -- 1. needs met in any wording; no asking again for what was given -----------------------------------------

EXPLANATIONS = [
    "The reason is your doctor's surgery sends prescriptions electronically now, and from now on they'll come straight to us.",
    "Since last month the surgery stopped posting paper requests and went electronic; next month it'll go directly to us here.",
    "What went wrong is the paper slip isn't used any more, it's all electronic, so in future the surgery sends it to us.",
]


@pytest.mark.parametrize("text", EXPLANATIONS)
def test_a_plain_explanation_meets_the_need_to_understand(text):
    sc = SCENARIOS[PHARMACY]
    assert "understand" in [n.id for n in needs_met(sc, text, telling=True)]


@pytest.mark.parametrize("text", [
    "It's all electronic these days, you really should have been told by now.",
    "Everything's gone electronic, it's not that big a deal.",
    "Is it the electronic system you're worried about?",
])
def test_an_explanation_that_blames_shrinks_or_asks_meets_nothing(text):
    assert "understand" not in [n.id for n in needs_met(SCENARIOS[PHARMACY], text, telling=True)]


@pytest.mark.parametrize("text", EXPLANATIONS)
def test_the_director_counts_the_explanation(text):
    state, _, beats = play(PHARMACY, ["That's a worry with only two tablets left. Which surgery are you with?", text])
    assert "understand" in state.needs_met, [b.signals for b in beats]
    assert "brush_off" not in beats[-1].signals


@pytest.mark.parametrize("opening", [
    "Right, going back over that: ",
    "Let me run through it once more: ",
    "So, to sum it all up - ",
    "Okay, just reading that back to you: ",
])
def test_a_recap_however_introduced_restates_what_was_agreed(opening):
    text = opening + "a week's supply in your hand now, the surgery chased this morning, and you nominated with us."
    assert recaps(text)
    assert len(acting_clauses(text)) >= 1
    assert {"supply", "understand"} <= {n.id for n in needs_met(SCENARIOS[PHARMACY], text)}


@pytest.mark.parametrize("text", ["Go over to the counter and wait there.", "I ran over the figures earlier."])
def test_going_somewhere_is_no_recap(text):
    assert not recaps(text)


SUPPLY = [
    "Having looked at your record, I can let you have seven days of the amlodipine as an emergency supply right now.",
    "I'll give you an emergency supply today so you won't have a gap, and I'm ringing your surgery to chase it now.",
    "So you're covered, there's an emergency supply of a week's tablets for you to take home this morning.",
]
_ASKS_FOR_TABLETS = re.compile(r"\b(?:tablets|some today|tide me over|ring the surgery)\b[^.!?]*\?", re.I)


@pytest.mark.parametrize("offer", SUPPLY)
def test_no_asking_again_for_the_tablets_just_given(offer):
    lines = [offer, "Bear with me one second.", "Okay.", "Right, one moment please.", "Okay then."]
    _, history, beats = play(PHARMACY, lines)
    replies = [t["text"] for t in history[3::2]]
    assert not any(_ASKS_FOR_TABLETS.search(r) for r in replies), replies


@pytest.mark.parametrize("line", [
    "So can I take my tablets home with me today?",
    "But will I have enough tablets to last me?",
    "Could you ring the surgery for me while I wait?",
])
def test_the_customer_does_not_ask_for_the_supply_once_given(line):
    d = _director(PHARMACY)
    t = {"needs_met": ["supply"], "_commitments": []}
    assert d._asks_for_done(line, t)
    assert not d._asks_for_done(line, {"needs_met": [], "_commitments": []})  # before it was given, it is asked
    # the need still open is still asked about
    assert not d._asks_for_done("And what do I do next month so it doesn't happen again?", t)


GOOD_CALLS = [
    [
        "Oh dear, you've come all this way and done it just as you always do, and now you're told they're not here.",
        "Which medicine is it, and how many have you got left?",
        "Right, so it's amlodipine for your blood pressure and only two left - is that right?",
        "I've checked your record and I can give you seven days as an emergency supply today, and I'll call your surgery now to chase it.",
        "The surgery sends prescriptions electronically now, so if you nominate us, from next month it'll come straight here and we'll text you when it's in.",
        "Let me run through it: a week's supply now, the surgery chased today, you nominated with us, and a text when it's ready. Anything else?",
        "Lovely, take care of yourself. Bye now.",
    ],
    [
        "It must be unsettling to do everything right and still come away without your tablets.",
        "Can I ask which tablets they are and when you'd run out?",
        "I can do an emergency supply of seven days for you today once I've checked your record, and I'm phoning the surgery to chase it.",
        "What went wrong is the surgery went electronic last month; from now on it'll go directly to us, and we'll text you when the prescription is ready.",
        "So, going back over it: seven days' supply today, the surgery chased, and a text when the rest is in. Is there anything else?",
        "You're welcome. Goodbye, and take care.",
    ],
]


@pytest.mark.parametrize("lines", GOOD_CALLS)
def test_a_good_pharmacy_call_calms_and_resolves(lines):
    state, history, beats = play(PHARMACY, lines)
    moods = [t["mood"] for t in history if t["role"] == "customer"]
    assert state.ended == "resolved", ([b.intent for b in beats], state.needs_met)
    assert moods[0] - moods[-1] >= 3, moods


# -- 2. a reflection is not a question ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Hello, sorry about this, you've done it the way you always have and your tablets still aren't there.",
    "You've looked in every cupboard and the parcel just isn't there.",
    "So the money you were counting on for the rent simply wasn't there this morning.",
])
def test_a_statement_ending_aren_t_there_asks_nothing(text):
    assert question_sentences(text) == []


@pytest.mark.parametrize("text", ["There's a fee for that, isn't there", "there were two of them aren't there",
                                  "It's the blue box isn't it"])
def test_a_real_tag_still_asks(text):
    assert question_sentences(text)


_DONT_KNOW = re.compile(r"\b(?:not sure|don't know|no idea|couldn't tell you|is it important|does it matter)\b", re.I)
_THANKS_EXPLAINING = re.compile(r"\b(?:thank you for explaining|i see now|makes sense now)\b", re.I)


@pytest.mark.parametrize("sid,text", [
    (PHARMACY, "Hello, sorry about this, you've done it the way you always have and your tablets still aren't there."),
    (PHARMACY, "It's worrying to come in and be told your tablets aren't there."),
    (PHARMACY, "You did it the same as every month and the prescription just wasn't there."),
    ("lost-parcel-third-call", "You've been told three times it's coming and it still isn't there."),
    ("utility-bill-shock", "A bill that's four times what you normally pay would frighten anyone."),
])
def test_a_reflection_gets_a_human_reply_not_an_answer(sid, text):
    _, _, beats = play(sid, [text])
    b = beats[0]
    # nothing was asked: no fact told as if it were, no "I don't know, is it important?"
    assert b.intent != "answer" and not (b.fact_id or b.knowledge) and "dont_know" not in b.parts, (b.parts, b.line)
    assert not _DONT_KNOW.search(b.line), b.line
    assert not _THANKS_EXPLAINING.search(b.line), b.line  # nothing was explained


@pytest.mark.parametrize("check", [
    "So it's the amlodipine for your blood pressure and you're down to two - have I got that right?",
    "Just so I've got it, amlodipine, five milligrams, two left at home, is that correct?",
    "Amlodipine for blood pressure, and only a couple left, have I understood that properly?",
])
def test_a_checked_restatement_is_confirmed_not_told_again(check):
    _, _, beats = play(PHARMACY, ["Which tablets are they, and how many are left?", check])
    b = beats[-1]
    assert "already_told" not in b.parts and "asked_again" not in b.signals, (b.parts, b.line)
    assert not re.search(r"\b(?:told you|i said|already)\b", b.line, re.I), b.line


def test_a_restatement_with_a_question_of_its_own_is_still_answered():
    _, _, beats = play(PHARMACY, ["Which tablets are they?",
                                  "And which surgery is it you're with, have I got that right that it's local?"])
    assert beats[-1].intent == "answer" or "surgery" in beats[-1].line.lower() or "Beech" in beats[-1].line


# -- 3. no reaction to a suggestion nobody made ---------------------------------------------------------------

@pytest.mark.parametrize("sid,lines,echo", [
    (PHARMACY, ["It's not showing, so there's nothing I can do.", "The surgery switched to EPS, that's just how it is."],
     "ring them myself?"),
    (PHARMACY, ["Computer says no, I'm afraid.", "It's on the spine somewhere, not our fault."], "ring them myself?"),
    ("flight-cancelled-wedding", ["Nothing I can do, it's been cancelled.", "That's the airline's decision, not mine."],
     "operational reasons?"),
    ("lost-parcel-third-call", ["It says delivered, so it was delivered.", "That's not something we can help with."],
     "check with my neighbours?"),
])
def test_no_echo_of_a_suggestion_not_made(sid, lines, echo):
    _, history, _ = play(sid, lines)
    replies = [t["text"].lower() for t in history[1:] if t["role"] == "customer"]
    assert not any(echo in r for r in replies), replies


@pytest.mark.parametrize("said,expected", [
    ("The surgery moved everything to electronic last month.", True),
    ("You'll have to phone them yourself, I'm afraid.", False),
    ("Best give the surgery a call yourself.", False),
    ("Ring them yourself.", False),
])
def test_the_echo_needs_the_agents_own_words(said, expected):
    d = _director(PHARMACY)
    assert d._echoes_unsaid("Ring them myself? I wouldn't know who to ask for!", said) is expected


# -- 4. replies a real customer would not give (read-through of the fourth blind script set) ------------------

from scoring.understanding import _BLAME_RX, _MINIMISE_RX, jargon_terms  # noqa: E402


@pytest.mark.parametrize("text", [
    "Looks like the cancellation never went through at your end.",
    "The request didn't reach us, so it must not have been sent properly on your side.",
    "Our records show nothing, so the form wasn't submitted from your end.",
])
def test_a_fault_put_on_the_customers_side_is_blame(text):
    assert _BLAME_RX.search(text)


@pytest.mark.parametrize("text", [
    "It's not a problem on your side at all.",
    "It wasn't a mistake at your end, it's ours.",
    "You haven't done anything wrong on your side.",
])
def test_clearing_their_side_is_not_blame(text):
    assert not _BLAME_RX.search(text)


@pytest.mark.parametrize("text", [
    "Your card was used twice by the shop's machine, and that's nothing you did.",
    "It went to the wrong door, which is nothing you've done wrong.",
    "That's nothing you could have known about.",
])
def test_clearing_the_customer_is_not_minimising(text):
    assert not _MINIMISE_RX.search(text)


@pytest.mark.parametrize("text", ["It's nothing, honestly.", "A week is nothing really.", "That's nothing unusual."])
def test_real_minimising_still_counts(text):
    assert _MINIMISE_RX.search(text)


@pytest.mark.parametrize("lines", [
    ["Our side shows it active, so the cancel didn't go through at your end."],
    ["Honestly the cancellation wasn't completed on your side, that's why it charged."],
    ["You didn't finish the last step, so it never cancelled from your end."],
])
def test_blame_on_the_customer_gets_a_reply_to_that_blame(lines):
    _, _, beats = play("subscription-cancel-charged-again", lines)
    b = beats[0]
    assert "blame" in b.signals, b.signals
    assert not re.search(r"\bsomeone else|somebody else", b.line, re.I), b.line
    assert "discount" not in b.line.lower(), b.line  # nobody offered one


@pytest.mark.parametrize("text", [
    "Disputes like this are normally settled within five working days.",
    "Once it's looked at, it's usually settled by Friday.",
    "I'll get that settled for you today.",
])
def test_settled_in_plain_words_is_not_jargon(text):
    assert not jargon_terms(text, [], None)


@pytest.mark.parametrize("sid,lines", [
    ("utility-bill-shock", ["The estimate came from your EAC.", "So it's an EAC-derived read off your profile class."]),
    ("pharmacy-refill-delay", ["It's not on the spine.", "So the spine didn't pull it, it's down as an acute on the PMR."]),
    ("bank-double-charge-rent", ["It's a pre-auth hold.", "So the pre-auth is sat against the MCC as a pending presentment."]),
])
def test_a_restatement_of_nothing_they_said_neither_calms_nor_is_confirmed(sid, lines):
    # the second turn says the agent's terms again (no longer new jargon), read as a "paraphrase" of nothing of theirs
    _, history, beats = play(sid, lines)
    b = beats[-1]
    assert b.mood >= beats[-2].mood, (b.mood, b.signals)
    assert "confirm" not in b.parts and not re.match(r"\W*(?:yes|that's (?:right|it))\b", b.line, re.I), b.line


@pytest.mark.parametrize("line", [
    "I just need this sorted.",
    "I really want it all sorted, that's all.",
    "I'd just like it fixed.",
])
def test_no_need_for_it_sorted_once_everything_is(line):
    d = _director("internet-outage-remote-worker")
    met = [n.id for n in d.scenario.needs]
    assert d._asks_for_done(line, {"needs_met": met, "_commitments": []})
    assert not d._asks_for_done(line, {"needs_met": [], "_commitments": []})  # nothing done yet: a fair ask


@pytest.mark.parametrize("line", ["I'd just like to know when.", "I'd like to know when, that's all.",
                                  "I'd really like a time for it."])
def test_no_asking_when_once_a_time_was_given(line):
    d = _director("insurance-claim-flooded-kitchen")
    given = {"needs_met": [], "_commitments": [{"text": "I'll ring you Friday at 2pm", "time": "Friday at 2pm"}]}
    assert d._asks_for_done(line, given)


@pytest.mark.parametrize("text", [
    "A cancellation text late at night before your sister's wedding, with no alternative offered, is awful, and I'm going to get you there.",
    "Nobody told you anything and the link just failed, that's not good enough, and I'm finding you seats right now.",
    "You were cancelled by text with no reason given; I'm now looking at every flight that lands before three.",
])
def test_restating_their_story_beside_a_new_promise_is_no_broken_promise(text):
    _, _, beats = play("flight-cancelled-wedding", [text])
    assert "broken_commitment" not in beats[0].signals, beats[0].signals


@pytest.mark.parametrize("text,time", [
    ("So: account cancelled today, and the refund of £14.99 within five working days.", "today"),
    ("Right: the account's closed today and your money back by Friday.", "today"),
    ("And; cancelled today, refund Friday.", "today"),
])
def test_a_commitment_said_back_has_no_stray_punctuation(text, time):
    words = _director("subscription-cancel-charged-again")._commitment_words({"text": text, "time": time})
    assert not re.match(r"\W", words), words


@pytest.mark.parametrize("text", [
    "I can't promise it'll be fixed today, so for tonight I'm adding a 10 GB data boost to your mobile.",
    "I'm not able to get an engineer out this evening, but I'm putting a mobile data boost on your phone right now.",
    "I can't fix the line from here, so in the meantime we'll send you a 4G hotspot by courier today.",
])
def test_an_offer_after_a_refusal_in_the_same_clause_meets_the_need(text):
    assert "stopgap" in [n.id for n in needs_met(SCENARIOS["internet-outage-remote-worker"], text)]


@pytest.mark.parametrize("text", [
    "I've just run a remote line test and it shows a fault on our side.",
    "We've sent an engineer request through for the first slot tomorrow.",
    "I've put a hold on the direct debit so nothing leaves on the 15th.",
])
def test_a_done_act_with_an_irregular_verb_acts(text):
    assert acting_clauses(text)


_OUTAGE_START = [
    "Two days without internet when you work from home, and a client deadline tomorrow, that's rotten. What are the router lights doing?",
    "Flashing red, thanks. I've just run a line test and there's no signal reaching your flat, so it's a fault on our line.",
]


@pytest.mark.parametrize("text", [
    "On top of that I'm putting a goodwill credit on your account for the days without service.",
    "I'm also adding a note to your account so nobody asks you to restart the router again.",
    "I'm waiving this month's line rental as well, it'll show on your next bill.",
])
def test_a_goodwill_act_is_not_ignoring_them(text):
    offer = "I'm booking an engineer for 8 to 10am tomorrow, inside 24 hours. How big is the file you need to send?"
    _, _, beats = play("internet-outage-remote-worker", [_OUTAGE_START[0], offer, text])
    assert "ignored_concern" not in beats[-1].signals, beats[-1].signals


@pytest.mark.parametrize("question", [
    "How large is the file you have to send?",
    "What's the file you need to deliver, and how big is it?",
    "Roughly what size is the file for your client?",
])
def test_agreeing_still_answers_the_question_asked(question):
    offer = ("I'm booking an engineer for 8 to 10am tomorrow, and for tonight I'm adding a 20 GB mobile data boost to "
             "your phone, live in ten minutes. ")
    _, _, beats = play("internet-outage-remote-worker", _OUTAGE_START + [offer + question])
    b = beats[-1]
    assert b.intent == "accept", (b.intent, b.mood)  # the line fault found, the engineer and tonight sorted
    assert "4 GB" in b.line, b.line  # and the question is still answered


@pytest.mark.parametrize("short", ["Now what?", "And?", "So?"])
def test_a_short_prompt_does_not_replace_the_open_question(short):
    d = _director("internet-outage-remote-worker")
    state, _ = d.start()
    before = state.open_ask["text"]
    d._note_ask(state, f"I've restarted it twice. {short}")
    assert state.open_ask["text"] == before


@pytest.mark.parametrize("text", [
    "I'm going to sort out both the fix and tonight.",
    "I'll handle both the engineer and the data.",
    "We'll cover both the hotel and meals.",
])
def test_both_x_and_y_is_said_back_whole(text):
    words = _director("internet-outage-remote-worker")._commitment_words({"text": text, "time": None})
    assert re.search(r"\bboth \w+(?: \w+)? and \w+", words), words


from scoring.understanding import hollow_kinds  # noqa: E402


@pytest.mark.parametrize("text", [
    "It hasn't come through from the doctor's. You could try giving them a call.",
    "The surgery never sent it, so you'll need to ring them and ask.",
    "That's with the courier now. Best to contact them directly.",
])
def test_sending_them_to_the_third_party_by_pronoun_deflects(text):
    assert "deflect" in hollow_kinds(text)


@pytest.mark.parametrize("text", [
    "It hasn't come through from the doctor's, so I'll give them a call now.",
    "The surgery never sent it. Shall I ring them for you?",
    "I've spoken to the courier and I'm chasing them again at noon.",
])
def test_the_agent_contacting_the_third_party_is_no_deflection(text):
    assert "deflect" not in hollow_kinds(text)


@pytest.mark.parametrize("text", [
    "I'm booking those three seats for you now, at no cost to you.",
    "I've moved all three of you onto the 06:25 free of charge.",
    "You're rebooked on the morning flight with no extra charge.",
])
def test_a_free_rebooking_is_not_the_expenses_covered(text):
    met = [n.id for n in needs_met(SCENARIOS["flight-cancelled-wedding"], text)]
    assert "expenses" not in met, met


@pytest.mark.parametrize("text", [
    "Keep your receipts and we'll reimburse the taxi and meals at no cost to you.",
    "We'll cover your hotel tonight, so there's no cost to you.",
])
def test_costs_covered_still_meet_the_expenses_need(text):
    assert "expenses" in [n.id for n in needs_met(SCENARIOS["flight-cancelled-wedding"], text)]


from scoring.understanding import NON_APOLOGY  # noqa: E402


@pytest.mark.parametrize("text", [
    "I apologise for the experience you've had with your order.",
    "We're sorry for your experience with us this week.",
    "Apologies for the experience you have had so far.",
])
def test_sorry_for_their_experience_is_a_non_apology(text):
    assert NON_APOLOGY.search(text)


@pytest.mark.parametrize("text", ["I'm sorry we sent it to the wrong house.", "Sorry about the time you've lost on this.",
                                  "I'm sorry, that was our mistake."])
def test_owning_it_is_an_apology(text):
    assert not NON_APOLOGY.search(text)
