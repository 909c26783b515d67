"""Issue 8 item 3, session 10: how new hires really ask, measured on blind probe sets 8 and 9.

Each group failed on the code before it (d0e7238): a check put as a statement with the agent's own, perhaps
wrong, value ("You got a taxi here, didn't you?") is answered from the piece of the story that holds that detail,
so the customer confirms or corrects; a question about someone or something else ("Do you happen to know whether
Mrs Hughes pays by direct debit?") needs the story to say THAT of THEM, else an honest "I don't know"; typed and
spoken forms ("isnt it", "real quick", "the meter - where's that?"); words of the customer's own story are never
jargon to them. Wordings are not in any bench/probe_questions*.yaml file."""
from __future__ import annotations

import re

import pytest

from core.text import restore_apostrophes
from scoring.questions import match_question
from scoring.understanding import jargon_terms, question_sentences
from tests.director_play import SCENARIOS, play
DONT_KNOW = re.compile(r"\b(?:don'?t know|not sure|no idea|does (?:that|it) matter|couldn'?t (?:say|tell you)|"
                       r"haven'?t (?:a|the faintest) (?:clue|idea)|can'?t (?:say|remember|recall)|how would i know|not that i know)", re.I)


def reply(sid: str, question: str) -> str:
    return play(sid, [question])[2][0].line


@pytest.mark.parametrize("sid, question, expected", [
    ("bank-double-charge-rent", "And you paid for them on the Wednesday, yeah?", "Monday"),
    ("bank-double-charge-rent", "The double charge was at Blackwell's, wasn't it?", "Page & Quill"),
    ("pharmacy-refill-delay", "You're on the twenty milligram ones, aren't you?", "five milligram"),
    ("pharmacy-refill-delay", "You got a taxi here, didn't you?", "bus"),
    ("flight-cancelled-wedding", "So you were booked out of Stansted, weren't you?", "Heathrow"),
    ("internet-outage-remote-worker", "so it's been off since Thursday then", "Tuesday"),
    ("insurance-claim-flooded-kitchen", "You've called us three times now, haven't you?", "twice"),
])
def test_a_statement_check_is_confirmed_or_corrected_from_the_story(sid, question, expected):
    assert expected in reply(sid, question)


@pytest.mark.parametrize("sid, question", [
    ("utility-bill-shock", "Do you happen to know whether Mrs Hughes pays by direct debit?"),
    ("flight-cancelled-wedding", "Any idea if Claire's guests are flying out tonight?"),
    ("lost-parcel-third-call", "Do you know when we'll have more of those bikes in?"),
    ("bank-double-charge-rent", "Will that anatomy book be cheaper in the future, do you think?"),
    ("insurance-claim-flooded-kitchen", "Would you know whether the people next door have had a leak as well?"),
    ("pharmacy-refill-delay", "Do you know your GP's first name at all?"),
    ("internet-outage-remote-worker", "Any idea whether there's been a power cut on your street?"),
    ("bank-double-charge-rent", "Do you think the anatomy book will go up in price?"),
])
def test_a_question_about_someone_or_something_else_gets_an_honest_dont_know(sid, question):
    line = reply(sid, question)
    assert DONT_KNOW.search(line), line


@pytest.mark.parametrize("sid, question, expected", [
    # ...but what their story does say of that person or thing is answered, and what happened TO them is theirs
    ("internet-outage-remote-worker", "Do you know if your neighbour upstairs has the same provider as you?", "different provider"),
    ("utility-bill-shock", "Do you know if Mrs Hughes helped you with the meter?", "Mrs Hughes"),
    ("insurance-claim-flooded-kitchen", "Has the plumber sent you his invoice?", "invoice"),
])
def test_what_the_story_says_of_a_third_party_is_still_answered(sid, question, expected):
    assert expected in reply(sid, question)


@pytest.mark.parametrize("sid, question, expected", [
    ("pharmacy-refill-delay", "its the five milligram ones isnt it", "amlodipine"),
    ("internet-outage-remote-worker", "can I grab the postcode real quick", "BS5 7QT"),
    ("internet-outage-remote-worker", "And the router's what make?", "FibreHub"),
    ("utility-bill-shock", "The meter - where's that?", "cupboard"),
    ("utility-bill-shock", "Whereabouts is the meter kept?", "cupboard"),
    ("bank-double-charge-rent", "whats the app showin for them payments", "completed"),
    ("insurance-claim-flooded-kitchen", "Right, and your policy number for the claim?", "HP-7752091"),
    ("insurance-claim-flooded-kitchen", "Has the flood cost you anything else so far, on top of the plumber?", "60"),
    ("bank-double-charge-rent", "How much did the textbooks come to?", "212.40"),
    ("internet-outage-remote-worker", "when did it first go down", "Tuesday"),
    ("lost-parcel-third-call", "And what was inside the package?", "bike"),
    ("flight-cancelled-wedding", "I'll need an email address to send the new tickets to.", "gmail"),
    ("flight-cancelled-wedding", "And what's your partner's first name?", "Jess"),
])
def test_typed_and_spoken_forms_are_answered(sid, question, expected):
    assert expected in reply(sid, question)


@pytest.mark.parametrize("sid, question", [
    ("bank-double-charge-rent", "Have you tried phoning the bookshop about it?"),
    ("bank-double-charge-rent", "Did you get a chance to speak to the shop?"),
])
def test_asking_what_they_tried_is_not_asking_who_they_are(sid, question):
    m = match_question(question, SCENARIOS[sid])
    assert m and "receipt" in m[0].text and "Raman" not in m[0].text and "07700" not in m[0].text, m[:1]


def test_words_of_their_own_story_are_not_jargon_to_them():
    flight, bank = SCENARIOS["flight-cancelled-wedding"], SCENARIOS["bank-double-charge-rent"]
    assert jargon_terms("Was QL 482 the early one?", scenario=flight) == []
    assert jargon_terms("Was the pharmacology handbook the dearer one?", scenario=bank) == []
    assert jargon_terms("I've raised a chargeback under the MCC rules.", scenario=bank)  # still jargon to her


@pytest.mark.parametrize("typed, said", [
    ("its the blue one isnt it", "it's the blue one isn't it"),
    ("dont worry, youre fine", "don't worry, you're fine"),
    ("the dog wagged its tail", "the dog wagged its tail"),
    ("well, were they in?", "well, were they in?"),
])
def test_apostrophes_are_restored_only_where_a_word_needs_one(typed, said):
    assert restore_apostrophes(typed) == said


def test_a_bare_negative_tag_makes_a_question():
    assert question_sentences("it was the Monday wasnt it")
    assert not question_sentences("It was the Monday.")
