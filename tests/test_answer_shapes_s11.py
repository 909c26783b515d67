"""Issue 8 item 3, session 11: questions wrapped the way careful, terse or hurried new hires wrap them
(measured on the blind probe set heldout12). Each group failed on the code before it (4515d1f):

- what is asked is found under the wrapping: an apology or courtesy before ", but", framing ("If I've got this
  right", "I'm guessing"), a purpose clause ("so I can bring up the file");
- a question that points back into the turn ("…what time does it say for that?") is read with the sentence before;
- typed shorthand ("reference number", "spoken to anyone yet") is a question when the story answers it well;
- a detail of their story told back wrongly, as a statement ("Your card's the Amex ending 7302."), is put right;
- a check ending "that right" with no comma; "yesterday" as the day checked; a sum misheard ("£602").
Wordings are not in any bench/probe_questions*.yaml file (checked by grep)."""
from __future__ import annotations

import pytest

from personas.archetypes import get_archetype
from personas.director import Director
from scoring.questions import answer_type, focus_question, match_question, wrong_claim
from tests.director_play import SCENARIOS, play


def reply(sid: str, *lines: str) -> str:
    return play(sid, list(lines))[2][-1].line


@pytest.mark.parametrize("question, asked", [
    ("Really sorry about the wait today, but could you read me the claim number?", "could you read me the claim number?"),
    ("Apologies for all the back and forth, but would you mind telling me the postcode?", "telling me the postcode?"),
    ("If I've got this right, the light's been red since Tuesday?", "the light's been red since Tuesday?"),
    ("I'm guessing the parcel was left on the step, yeah?", "the parcel was left on the step, yeah?"),
    ("What's the account number so I can bring up your file?", "What's the account number?"),
])
def test_the_wrapping_is_taken_off_what_is_asked(question, asked):
    assert focus_question(question) == asked


@pytest.mark.parametrize("sid, question, expected", [
    ("flight-cancelled-wedding", "I hate to make you go over it again, but could you give me the booking reference?", "K7Q2LM"),
    ("internet-outage-remote-worker", "Just so I've understood you properly, your upstairs neighbour has lost her connection too?", "different provider"),
    ("internet-outage-remote-worker", "you've been using your mobile by the looks of it, how much have you got left?", "1 GB"),
    ("internet-outage-remote-worker", "So you've got through to someone here before about this?", "forty minutes"),
    ("lost-parcel-third-call", "Could I take the order number so that I can look into the delivery?", "48-1192-7735"),
])
def test_a_wrapped_question_gets_its_answer(sid, question, expected):
    assert expected in reply(sid, question)


@pytest.mark.parametrize("sid, lines, expected", [
    ("lost-parcel-third-call", ["Our tracking has it down as delivered. What time does it give for that?"], "14:12"),
    ("internet-outage-remote-worker", ["You said the box on the wall has a light on it. What colour is that one?"], "red"),
    ("bank-double-charge-rent", ["Your rent. When's that due and how much?"], "650"),
])
def test_a_question_pointing_back_is_read_with_the_sentence_before(sid, lines, expected):
    assert expected in reply(sid, *lines)


@pytest.mark.parametrize("sid, line, expected", [
    ("flight-cancelled-wedding", "booking ref", "K7Q2LM"),
    ("lost-parcel-third-call", "asked the neighbours yet", "neighbours"),
    ("pharmacy-refill-delay", "and your date of birth", "1947"),
])
def test_typed_shorthand_is_answered(sid, line, expected):
    assert expected in reply(sid, line)


@pytest.mark.parametrize("line", ["ok thanks", "one moment", "bear with me", "hold on"])
def test_shorthand_that_asks_nothing_is_not_read_as_a_question(line):
    sc = SCENARIOS["flight-cancelled-wedding"]
    assert not Director(sc, get_archetype(sc.persona))._fragment_ask(line)


@pytest.mark.parametrize("sid, statement, expected", [
    ("bank-double-charge-rent", "Your card's the Amex ending 7302.", "debit card"),
    ("flight-cancelled-wedding", "You were due out of Gatwick this morning.", "Heathrow"),
    ("utility-bill-shock", "And the latest bill came to £602.", "610"),
])
def test_a_detail_told_back_wrongly_is_put_right(sid, statement, expected):
    line = reply(sid, statement)
    assert expected in line and "No, " in line


@pytest.mark.parametrize("sid, statement", [
    ("utility-bill-shock", "The bill came to £610."),               # right: nothing to put right
    ("internet-outage-remote-worker", "I'll send an engineer on Friday."),  # the agent's own plan
    ("internet-outage-remote-worker", "The engineer is booked for Friday morning."),
    ("bank-double-charge-rent", "I can see both payments from Page & Quill."),
    ("bank-double-charge-rent", "That sounds so stressful with the rent due on Monday."),  # empathy, not a claim
])
def test_a_statement_the_story_bears_out_or_an_offer_is_not_corrected(sid, statement):
    assert wrong_claim(statement, SCENARIOS[sid]) is None


@pytest.mark.parametrize("sid, question, expected", [
    ("subscription-cancel-charged-again", "And you cancelled on the 2nd that right", "2nd"),
    ("pharmacy-refill-delay", "You handed the slip in yesterday, didn't you?", "Monday"),
    ("bank-double-charge-rent", "So that's £221.40 showing twice, is it?", "212.40"),
    ("subscription-cancel-charged-again", "you're on the Basic plan, aren't you?", "Premium"),
])
def test_checks_of_the_story_are_confirmed_or_corrected(sid, question, expected):
    assert expected in reply(sid, question)


def test_when_you_say_opens_a_clause_not_a_when_question():
    assert answer_type("When you say the router is dead, what colour is its light?").type == "colour"


def test_what_is_set_aside_is_not_what_is_asked():
    top = match_question("Could you fly from somewhere other than Heathrow?", SCENARIOS["flight-cancelled-wedding"])
    assert top and "Gatwick" in top[0].text


def test_a_courtesy_is_not_minimising():
    from scoring.understanding import hollow_kinds

    assert "minimise" not in hollow_kinds("If it isn't too much bother, could you spell your surname?", ())
    assert "minimise" in hollow_kinds("Honestly it isn't that much money, is it?", ())


DONT_KNOW_RX = __import__("re").compile(r"\b(?:don'?t know|not sure|no idea|does (?:that|it) matter|haven'?t a clue|"
                                        r"couldn'?t (?:say|tell you)|isn'?t that on your)", __import__("re").I)


@pytest.mark.parametrize("sid, question", [
    ("insurance-claim-flooded-kitchen", "Any idea which contractor we use for your area code?"),
    ("pharmacy-refill-delay", "Do you know what wholesaler supplies the branch near your address?"),
    ("lost-parcel-third-call", "Could you tell me whether we've got more of those bikes in the depot?"),
    ("flight-cancelled-wedding", "Would the venue be able to start the ceremony later, do you think?"),
    ("internet-outage-remote-worker", "Could your neighbour lend you her wifi, do you reckon?"),
])
def test_the_company_side_and_others_doings_are_not_theirs_to_tell(sid, question):
    line = reply(sid, question)
    assert DONT_KNOW_RX.search(line), line


def test_tell_me_if_is_a_specific_question_not_an_invitation_to_tell_the_story():
    line = reply("lost-parcel-third-call", "Can you tell me if we've sent you a replacement before?")
    assert "3rd" not in line or DONT_KNOW_RX.search(line)
    assert "3rd" in reply("lost-parcel-third-call", "Can you tell me what's happened so far?")


@pytest.mark.parametrize("sid, question, expected", [
    ("internet-outage-remote-worker", "How long have you been without a connection now?", "Tuesday"),
    ("internet-outage-remote-worker", "how many days has it been down for you", "Tuesday"),
    ("internet-outage-remote-worker", "When we send someone, will you be around tomorrow?", "all day"),
    ("lost-parcel-third-call", "So what did the whole thing come to, with postage?", "289.99"),
    ("pharmacy-refill-delay", "Do you mind if I ask, are you taking any other meds?", "anything else"),
])
def test_more_everyday_forms_are_answered(sid, question, expected):
    assert expected in reply(sid, question)


@pytest.mark.parametrize("sid, statement", [
    ("flight-cancelled-wedding", "To recap: your replacement flight lands at 8am tomorrow."),
    ("utility-bill-shock", "Just to confirm, the corrected bill comes to £140."),
    ("lost-parcel-third-call", "The new bike reaches you on Friday."),
])
def test_a_recap_or_what_is_still_to_come_is_not_corrected(sid, statement):
    assert wrong_claim(statement, SCENARIOS[sid]) is None
