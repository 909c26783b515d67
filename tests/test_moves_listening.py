"""Listening moves in the default (rules) mode: suggestions said as questions, affirmations, reflections.

Every wording here is written for this test (a customer-service or everyday setting), none is taken
from ESConv or AnnoMI. Each rule is checked on three or more wordings, and on near misses it must leave.
"""
from __future__ import annotations

import pytest

from scoring import detect_moves

MUM = [{"role": "customer", "text": "My mum has been on her own since dad died and I keep putting off the visit. "
                                    "I feel awful about it."}]
BILL = [{"role": "customer", "text": "The bill doubled this month and I've no idea why. I'm on a fixed tariff."}]


pytestmark = pytest.mark.usefixtures("rules_move_mode")  # the rules alone (tests/conftest.py)


@pytest.mark.parametrize("text", [
    "Maybe you could ring her tonight?",
    "Perhaps a short visit at the weekend first?",
    "Do you think a weekly phone call would help?",
    "Would it be worth asking your brother to share the visits?",
    "Is there anyone at home you could talk to about it?",
    "Do you have a friend you can lean on right now?",
    "Have you thought about taking the train up on Friday?",
])
def test_a_suggestion_said_as_a_question_is_not_a_probe(text):
    moves = detect_moves(text, MUM)
    assert "question" not in moves
    assert "off_topic" not in moves  # a proposal is about their problem, whatever words it uses


@pytest.mark.parametrize("text", [
    "When did you last see her?",
    "Do you think she knows you feel this way?",
    "Is there anyone else who visits her?",
    "How far away does she live?",
])
def test_a_real_question_stays_a_question(text):
    assert "question" in detect_moves(text, MUM)


@pytest.mark.parametrize("text", [
    "You sound like a really caring son.",
    "You seem like a very thoughtful person.",
    "I'm so glad you told me about it.",
    "Really pleased to hear you've found a flat near her.",
    "That's wonderful that you still call her every week.",
    "That's not silly at all.",
    "It's completely normal to feel guilty about the distance.",
    "You'll be fine once you get there.",
    "I'm sure things will settle down once you've been.",
])
def test_affirmation_of_the_person_or_reassurance(text):
    assert "affirmation" in detect_moves(text, MUM)


@pytest.mark.parametrize("text", [
    "Glad I could help.",                      # the agent's own closing, not about the customer
    "I hope Friday goes smoothly.",            # a farewell wish
    "That's a nice day out you've planned.",   # no appraisal word: not validated
])
def test_near_misses_are_not_affirmations(text):
    assert "affirmation" not in detect_moves(text, MUM)


@pytest.mark.parametrize("text,ctx", [
    ("Being there for her is really important to you.", MUM),
    ("Seems like the distance has been weighing on you.", MUM),
    ("It sounds as though you miss her a lot.", MUM),
    ("Getting a straight answer about the bill matters a lot to you.", BILL),
])
def test_a_statement_about_the_customer_reflects(text, ctx):
    assert {"paraphrase", "reflection"} & set(detect_moves(text, ctx))


@pytest.mark.parametrize("text", [
    "It's important to read the meter every month.",   # advice about what matters, not about them
    "I think it's important that bills are checked.",
])
def test_the_speakers_own_advice_is_not_a_reflection(text):
    assert not {"paraphrase", "reflection"} & set(detect_moves(text, BILL))


WORK = [{"role": "customer", "text": "Work has been non-stop and the weekend is the only time I get."}]


@pytest.mark.parametrize("text", ["Relax.", "Just relax, it will be sorted.", "Please relax, sir.", "You need to relax."])
def test_telling_them_to_relax_is_dismissive(text):
    assert "dismissive" in detect_moves(text, WORK)


@pytest.mark.parametrize("text", [
    "The weekend is your time to relax and unwind.",
    "Smoking has become a way to relax after work.",
    "That's the one hour you get to relax.",
])
def test_relax_as_a_word_about_their_life_is_not_dismissive(text):
    assert "dismissive" not in detect_moves(text, WORK)


@pytest.mark.parametrize("text", [
    "It's been on your mind all week.",
    "It looks like you've had no break at all.",
    "Looks like you've been carrying all of it on your own.",
])
def test_their_mind_and_how_it_looks_for_them_reflect(text):
    assert {"paraphrase", "reflection"} & set(detect_moves(text, WORK))


@pytest.mark.parametrize("plain,accented", [
    ("That sounds really frustrating, Jose.", "That sounds really frustrating, José."),
    ("I'm so sorry, Zoe. I'll book the engineer for tomorrow.", "I’m so sorry, Zoë. I’ll book the engineer for tomorrow."),
    ("Calm down, Soren, our policy states repairs take time.", "Calm down, Søren, our policy states repairs take time."),
    ("So the cafe never got the delivery?", "So the café never got the delivery?"),
])
def test_names_and_curly_apostrophes_read_like_plain_text(plain, accented):
    """The patterns fold case in ASCII (for speed): non-ASCII letters around them change nothing."""
    ctx = [{"role": "customer", "text": "The café order never came and the engineer didn't show."}]
    assert detect_moves(accented, ctx) == detect_moves(plain, ctx)
    assert detect_moves(accented, ctx)
