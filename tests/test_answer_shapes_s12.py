"""Issue 8 item 3, session 12: kinds of question the blind set heldout11 showed missing (it became a dev set
this session; heldout13 is the new unread set). Each group failed on the code before it (ddac860):

- what is at stake for the customer ("what happens if…", "how is this affecting you", "would that leave you
  short", "what's riding on it"), answered from the piece that says so (`answers: [stakes]`, or a piece saying
  a consequence: "I could lose the job", "a late fee", "I'll be overdrawn");
- the agent's running commentary before the question ("I'm just bringing your file up, it's slow today — who
  do you bank with?"), and a lead that asks nothing ("while that loads, …");
- a condition that names the topic when the rest names nothing of theirs ("If the meter's wrong, how much are we
  talking?").
Wordings are not in any bench/probe_questions*.yaml file (checked by grep)."""
from __future__ import annotations

import re

import pytest

from scoring.questions import STAKES_Q, focus_question, match_question
from tests.director_play import SCENARIOS, play


def reply(sid: str, *lines: str) -> str:
    return play(sid, list(lines))[2][-1].line


@pytest.mark.parametrize("question", [
    "What would happen if the money isn't back before Friday?",
    "How has all of this been affecting you?",
    "What's at stake here for you if we can't sort it?",
    "Would the payment going out put you in a hole?",
    "Why is this such a big deal for you?",
    "Worst case, if it drags on, what does it mean for you?",
])
def test_a_question_about_what_is_at_stake_is_recognised(question):
    assert STAKES_Q.search(question)


@pytest.mark.parametrize("question", [
    "What happens next?", "Who's on the line?", "How long have you been on the line?", "What did the letter say?",
    "How much does it cost you each month?",
])
def test_plain_questions_are_not_read_as_stakes(question):
    assert not STAKES_Q.search(question)


@pytest.mark.parametrize("sid, question, expected", [
    ("internet-outage-remote-worker", "What would it mean for you if the line is still down tomorrow?", "lose the job"),
    ("bank-double-charge-rent", "And what's the knock-on if Friday's rent doesn't leave on time?", ("late fee", "short")),
    ("utility-bill-shock", "Would that much going out on the 15th leave you in a spot?", "overdrawn"),
    ("lost-parcel-third-call", "What happens if it isn't with you in time?", "eight of his friends"),
    ("pharmacy-refill-delay", "What would happen if you went a few days without them?", "never to just stop"),
    ("flight-cancelled-wedding", "Why is this flight so important to you?", "best man"),
])
def test_what_is_at_stake_is_answered_from_their_story(sid, question, expected):
    r = reply(sid, question)
    assert any(e in r for e in ((expected,) if isinstance(expected, str) else expected)), r


@pytest.mark.parametrize("question, asked", [
    ("Sorry, I'm just loading your details, the screen's frozen on me — who do you rent the flat through?",
     "who do you rent the flat through?"),
    ("Right, I'll pop a note on the file for the team here and flag it as urgent... and which surgery are you with?",
     "and which surgery are you with?"),
    ("While that page loads, what's the postcode there?", "what's the postcode there?"),
])
def test_the_agents_commentary_before_the_question_is_taken_off(question, asked):
    assert focus_question(question) == asked


@pytest.mark.parametrize("question", [
    "The tracking shows a blue door - what colour is yours?",  # the first part is what the question is about
    "Your letter says estimated - is that right?",
])
def test_context_before_a_dash_is_kept(question):
    assert focus_question(question) == question


@pytest.mark.parametrize("sid, line, expected, not_expected", [
    ("bank-double-charge-rent", "Bear with me, I'm just getting the account up on my side, it's being slow — who is it "
     "you rent from?", "Northway", "Priya Raman"),
    ("insurance-claim-flooded-kitchen", "I've got the photos and the invoice, that's all fine, and I'll note the mould "
     "for the adjuster — who else lives there, and does the damp bother anyone's health?", "asthma", None),
])
def test_a_question_after_a_long_preamble_gets_its_answer(sid, line, expected, not_expected):
    r = reply(sid, line)
    assert expected in r
    if not_expected:
        assert not_expected not in r


def test_a_condition_that_names_the_topic_is_part_of_what_is_asked():
    found = match_question("If the client walks away, how much money are we talking about?",
                           SCENARIOS["internet-outage-remote-worker"])
    assert found and "1,800" in found[0].text


@pytest.mark.parametrize("sid, question", [
    ("pharmacy-refill-delay", "What time does the chemist on the high street open on Sundays, any idea?"),
    ("insurance-claim-flooded-kitchen", "How long would a loss adjuster normally take to write the report, would you say?"),
    ("bank-double-charge-rent", "Has anybody else in your flat had money taken twice by that shop?"),
    ("utility-bill-shock", "Do you know which firm fitted the meter in the first place?"),
    ("lost-parcel-third-call", "When does the courier's depot close on a Saturday, d'you know?"),
])
def test_a_third_partys_doings_the_story_never_mentions_are_not_known(sid, question):
    assert not match_question(question, SCENARIOS[sid])


@pytest.mark.parametrize("sid, question, expected", [
    ("pharmacy-refill-delay", "What time does the bus get you in?", "about ten"),
    ("internet-outage-remote-worker", "Has anybody else round your way lost their connection as well?", "neighbour"),
])
def test_what_their_story_says_of_others_is_still_answered(sid, question, expected):
    found = match_question(question, SCENARIOS[sid])
    assert found and expected in found[0].text


def test_a_tail_like_would_you_say_is_not_a_second_question():
    r = reply("insurance-claim-flooded-kitchen", "How many weeks would a builder need to redo the kitchen, would you say?")
    assert re.search(r"\b(?:don't know|can't remember|no idea|not sure)\b", r), r


@pytest.mark.parametrize("sid, question, expected", [
    ("flight-cancelled-wedding", "So what would honestly help you most right now?", "Three seats"),
    ("bank-double-charge-rent", "How can I best put this right for you?", "£212.40 back"),
    ("subscription-cancel-charged-again", "Okay, and what are you looking for from us today?", "£14.99 back"),
    ("lost-parcel-third-call", "Best case scenario, what happens next for you?", "replacement"),
    ("pharmacy-refill-delay", "What can I do for you today, love?", "tablets"),
    ("utility-bill-shock", "Which outcome would you prefer here, dear?", "own reading"),
    ("internet-outage-remote-worker", "What kind of fix are you looking for today?", "engineer"),
])
def test_what_they_want_is_answered_from_their_wants(sid, question, expected):
    assert expected in reply(sid, question)


@pytest.mark.parametrize("sid, line, expected", [
    ("subscription-cancel-charged-again", "You rang up to cancel it, over the phone, didn't you?", "website"),
    ("flight-cancelled-wedding", "So you'd be the bride's dad, then?", "best man"),
    ("internet-outage-remote-worker", "So the fault started coming through the phone socket, did it?", None),
    ("insurance-claim-flooded-kitchen", "You'd be the leaseholder there, is that right?", "own the house"),
])
def test_a_statement_check_with_the_wrong_detail_is_put_right(sid, line, expected):
    r = reply(sid, line)
    if expected:
        assert expected in r and "No, " in r, r


@pytest.mark.parametrize("sid, line", [
    ("subscription-cancel-charged-again", "You cancelled through the website, didn't you?"),
    ("bank-double-charge-rent", "You paid for them in person at the till, yeah?"),
])
def test_a_statement_check_with_the_right_detail_is_not_contradicted(sid, line):
    assert "No, " not in reply(sid, line)


@pytest.mark.parametrize("sid, question, expected", [
    ("lost-parcel-third-call", "and the order numbr?", "48-1192-7735"),
    ("internet-outage-remote-worker", "whats the acount number on it", "6104 5528"),
    ("subscription-cancel-charged-again", "Could you give me the billing postcdoe?", "M14 5RT"),
])
def test_a_typed_slip_is_read_as_the_word_meant(sid, question, expected):
    assert expected in reply(sid, question)


def test_a_real_word_is_not_read_as_a_slip():
    from scoring.questions import _index, _known, _slips, _vocab

    sc = SCENARIOS["lost-parcel-third-call"]
    items, _ = _index(sc)
    assert _slips("Did you see the driver's card?", _vocab(sc, items), _known(sc, items)) == "Did you see the driver's card?"


def test_one_word_that_says_what_it_is_about():
    assert "birthday" in reply("lost-parcel-third-call", "so what's going on this Saturday then?")


@pytest.mark.parametrize("sid, question, expected", [
    ("lost-parcel-third-call", "Have you already been in contact with us about it?", "3rd"),
    ("flight-cancelled-wedding", "Why do you have to be out there in such a hurry?", "best man"),
    ("flight-cancelled-wedding", "So what's the occasion, if you don't mind me asking?", "wedding"),
])
def test_contact_history_and_urgency_are_their_story(sid, question, expected):
    assert expected in reply(sid, question)


def test_looking_and_seeing_what_can_be_done_is_a_vague_promise():
    from scoring.understanding import HOLLOW

    assert HOLLOW["vague_promise"].search("Okay, I'll take a quick peek and see what we can do for you.")
    assert not HOLLOW["vague_promise"].search("I'll see you at the branch on Monday.")
