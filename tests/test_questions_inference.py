"""Issue 8 item 3, session 8: the customer answers what it is asked on wordings no probe file uses.

One test per failure class, each on two scenarios: whose name is asked (a firm's or a doctor's, not the
caller's own), what the asked thing is (the piece about it, not one that sets it aside), what can only be
inferred (by when they need it, from knows items marked `answers: [deadline]`), and what they cannot know
(someone else's detail, or a question that happens to hold a trigger word) -> an in-character "I don't know".
"""
from __future__ import annotations

import re

import pytest

from core.scenario import ScenarioError, parse_scenario
from scoring.questions import match_question
from tests.director_play import SCENARIOS, play

DONT_KNOW = re.compile(r"\b(?:don't know|do not know|no idea|not sure|couldn't tell you|how would i know|"
                       r"not that i know|not off the top of my head|i've no idea|can't remember|can't recall|couldn't say)\b", re.I)


def reply_to(sid: str, question: str) -> str:
    _, _, beats = play(sid, [question])
    return beats[0].line


def has_term(reply: str, terms: tuple[str, ...]) -> bool:
    return any(re.search(r"(?<![A-Za-z0-9])" + re.escape(t), reply, re.I) for t in terms)


# -- who: the party named, not the caller ------------------------------------------------------------
@pytest.mark.parametrize("sid, question, expect, not_expect", [
    ("bank-double-charge-rent", "And who are you renting through?", ("Northway",), ("Priya", "Raman")),
    ("lost-parcel-third-call", "Which firm was the courier?", ("SwiftRoute",), ("Aisha", "Okafor")),
    ("lost-parcel-third-call", "What company is the courier?", ("SwiftRoute",), ("Aisha", "Okafor")),
    ("pharmacy-refill-delay", "Who is your GP, Harold?", ("Beech Road", "Ahmed"), ("Harold Arthur",)),
])
def test_who_is_your_firm_names_that_party_not_the_caller(sid, question, expect, not_expect):
    reply = reply_to(sid, question)
    assert has_term(reply, expect), reply
    assert not has_term(reply, not_expect), reply


@pytest.mark.parametrize("sid, question", [
    ("subscription-cancel-charged-again", "Who's your bank, out of interest?"),
    ("utility-bill-shock", "Who's your bank, Margaret?"),
    ("internet-outage-remote-worker", "Who's your bank?"),
])
def test_who_is_your_firm_they_never_mention_is_an_honest_dont_know(sid, question):
    reply = reply_to(sid, question)
    assert DONT_KNOW.search(reply), reply


# -- the asked thing is the subject of the piece ----------------------------------------------------
@pytest.mark.parametrize("sid, question, expect, not_expect", [
    # "Apart from the plumber, I've spent about £60": not the plumber's bill
    ("insurance-claim-flooded-kitchen", "And how much did the plumber's call-out cost?", ("180",), ("£60",)),
    ("insurance-claim-flooded-kitchen", "How much did the plumber charge for the visit?", ("180",), ("£60",)),
    # "your bank details": the account, not the bank's name in "the bank's problem"
    ("bank-double-charge-rent", "Could you give me your bank details?", ("4419",), ("Page & Quill",)),
    ("subscription-cancel-charged-again", "What bank card is it paid with?", ("0847",), ()),
    # the last noun of "what fibre plan" is what is asked; the first says which
    ("internet-outage-remote-worker", "What broadband plan are you on?", ("500",), ()),
    ("internet-outage-remote-worker", "What home internet package do you have?", ("500",), ("all day",)),
    ("subscription-cancel-charged-again", "What streaming tier did you have?", ("Premium",), ()),
])
def test_the_piece_about_the_asked_thing_answers(sid, question, expect, not_expect):
    reply = reply_to(sid, question)
    assert has_term(reply, expect), reply
    assert not has_term(reply, not_expect), reply


# -- inference: by when they need it ---------------------------------------------------------------
@pytest.mark.parametrize("sid, question, expect", [
    ("lost-parcel-third-call", "By when does it have to get to you?", ("Friday", "Saturday")),
    ("lost-parcel-third-call", "What's the latest it could arrive and still be okay?", ("Friday", "Saturday")),
    ("pharmacy-refill-delay", "How long can you go without them?", ("Saturday", "Thursday", "Friday")),
    ("insurance-claim-flooded-kitchen", "By when do you need someone out to you?", ("this week",)),
    ("flight-cancelled-wedding", "What's the latest you could land and still make it?", ("noon", "half one")),
])
def test_by_when_they_need_it_is_inferred_from_what_they_know(sid, question, expect):
    reply = reply_to(sid, question)
    assert has_term(reply, expect), reply


def test_every_built_in_scenario_marks_what_it_needs_by_when():
    for sid, sc in SCENARIOS.items():
        assert any("deadline" in k.answers for k in sc.knows), sid


def test_answers_hint_is_optional_and_checked():
    text = open("scenarios/lost-parcel-third-call.yaml", encoding="utf-8").read()
    old = parse_scenario(re.sub(r"    answers: \[\w+\]\n", "", text), "old.yaml")  # files without it still load
    assert old.knows and not any(k.answers for k in old.knows)
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text.replace("answers: [deadline]", "answers: [by_when]", 1), "bad.yaml")
    msg = str(e.value)
    assert "by_when" in msg and "deadline" in msg and "\n" not in msg.strip()


@pytest.mark.parametrize("sid, question", [
    ("insurance-claim-flooded-kitchen", "By when do you need someone out to you?"),
    ("utility-bill-shock", "By when does this need sorting?"),
])
def test_the_hint_is_what_answers_not_the_words(sid, question):
    """Without `answers: [deadline]` on its knows items, the scenario does not answer the question from them."""
    sc = SCENARIOS[sid]
    hinted = {f"k{i}" for i, k in enumerate(sc.knows) if "deadline" in k.answers}
    assert {m.key for m in match_question(question, sc)[:1]} & hinted
    bare = sc.model_copy(update={"knows": [k.model_copy(update={"answers": []}) for k in sc.knows]})
    assert not ({m.key for m in match_question(question, bare)[:1]} & hinted)


# -- what they cannot know: an honest "I don't know", never a topical line -------------------------
@pytest.mark.parametrize("sid, question", [
    ("pharmacy-refill-delay", "Where does your daughter work?"),
    ("lost-parcel-third-call", "What does your son do after school?"),
    ("bank-double-charge-rent", "Where does your mum work?"),
    ("flight-cancelled-wedding", "What does your partner do for work?"),
    ("insurance-claim-flooded-kitchen", "What's the name of your son's football club?"),
    ("insurance-claim-flooded-kitchen", "What's the name of your daughter's school?"),
])
def test_someone_elses_detail_they_never_mention_is_dont_know(sid, question):
    reply = reply_to(sid, question)
    assert DONT_KNOW.search(reply), reply


@pytest.mark.parametrize("sid, question", [
    ("flight-cancelled-wedding", "Is the weather usually nice in Sintra?"),
    ("subscription-cancel-charged-again", "Which special offer did you first sign up on?"),
])
def test_a_question_holding_a_trigger_word_gets_dont_know_not_a_push_back_line(sid, question):
    reply = reply_to(sid, question)
    assert DONT_KNOW.search(reply), reply
