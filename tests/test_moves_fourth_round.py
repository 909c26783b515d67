"""Move detection, fourth round (issue 12): restatements with no content, offers on a condition,
one-word reflections, negated reflections, suggestions said as questions.

Every wording is written for this test in a customer-service or everyday setting; none is taken from
ESConv, AnnoMI or the project's customer-service set. Each rule is checked on three or more wordings
and on near misses it must leave alone.
"""
from __future__ import annotations

import pytest

from scoring import detect_moves

pytestmark = pytest.mark.usefixtures("rules_move_mode")  # the rules alone (tests/conftest.py)

PARCEL = [{"role": "customer", "text": "The parcel says delivered but there's nothing on my doorstep and the "
                                       "courier won't pick up the phone."}]


def _listening(moves: list[str]) -> set[str]:
    return set(moves) & {"paraphrase", "reflection"}


# --- A restatement must carry the customer's content: generic words alone say nothing back.

@pytest.mark.parametrize("text", [
    "So there's a problem with something.",
    "So you have an issue.",
    "Okay, so there's an issue with it.",
    "So something's wrong with the thing.",
    "Right, so it's a problem.",
])
def test_a_restatement_made_of_generic_words_is_not_a_paraphrase(text):
    assert not _listening(detect_moves(text, PARCEL))


@pytest.mark.parametrize("text", [
    "So the parcel shows as delivered but it isn't on your doorstep.",  # their content
    "So there's a problem with the courier not answering.",  # a generic word, and their content
    "So it's a problem with the delivery.",  # "delivery" is theirs ("delivered")
])
def test_a_restatement_with_their_content_is_still_a_paraphrase(text):
    assert _listening(detect_moves(text, PARCEL))


def test_generic_words_the_customer_just_used_are_their_content():
    ctx = [{"role": "customer", "text": "There's an issue with my account, something is wrong."}]
    assert _listening(detect_moves("So there's an issue, something's wrong.", ctx))


# --- An offer on a condition, or the speaker's own habit, is not a reflection of the customer.

@pytest.mark.parametrize("text", [
    "If you wanted to bring your partner along, I'd be glad to go through it with you both.",
    "If you'd prefer a call back later, I would be happy to arrange that.",
    "If you ever needed the paperwork again, I'd be more than happy to post it.",
    "You keep the receipts safe, as I always tell everyone.",
])
def test_an_offer_on_a_condition_is_not_a_reflection(text):
    assert not _listening(detect_moves(text, PARCEL))


def test_a_statement_of_their_wish_without_a_condition_still_reflects():
    assert _listening(detect_moves("You'd rather have it left with a neighbour than sent back.", PARCEL))


# --- A short echo that answers their question is an answer, not a reflection.

@pytest.mark.parametrize("question, answer", [
    ("Does the tracking link actually update?", "It does update."),
    ("Is the refund really automatic?", "It's really automatic."),
    ("Is the redelivery really free?", "Really free."),
])
def test_an_echo_that_answers_their_question_is_not_a_reflection(question, answer):
    ctx = [{"role": "customer", "text": question}]
    assert not _listening(detect_moves(answer, ctx))


def test_an_echo_of_a_statement_still_reflects():
    ctx = [{"role": "customer", "text": "I waited in for two days."}]
    assert _listening(detect_moves("Two days.", ctx))


# --- One word can reflect: a feeling, or the word that finishes what they broke off.

@pytest.mark.parametrize("customer, word", [
    ("Honestly I've rung six times and I'm just-", "Exhausted."),
    ("I keep thinking it'll never get-", "Sorted."),
    ("What I really want is a proper-", "Apology."),
    ("It's the third bill this month and I feel so-", "Mm. Helpless."),
])
def test_the_word_that_finishes_their_sentence_reflects(customer, word):
    assert _listening(detect_moves(word, [{"role": "customer", "text": customer}]))


@pytest.mark.parametrize("text", ["Frustrated.", "Anxious.", "Yeah. Disappointed."])
def test_a_single_feeling_word_reflects(text):
    assert _listening(detect_moves(text, PARCEL))


@pytest.mark.parametrize("customer, word", [
    ("I'm not sure if-", "Absolutely."),  # agreement
    ("And then the driver-", "Gotcha."),  # a courtesy
    ("I've been waiting since Monday.", "Tuesday."),  # a plain word after a finished sentence: not known
    ("I keep thinking it'll never get-", "Sorted?"),  # asked, not said back
])
def test_single_words_that_do_not_reflect(customer, word):
    assert not _listening(detect_moves(word, [{"role": "customer", "text": customer}]))


# --- A reflection said in the negative is still a reflection.

@pytest.mark.parametrize("text", [
    "It doesn't sound like this was what you signed up for.",
    "It doesn't seem like anyone has taken it seriously so far.",
    "That didn't sound like the answer you were hoping for.",
])
def test_a_negated_reflection_is_a_reflection(text):
    moves = detect_moves(text, PARCEL)
    assert _listening(moves) and "off_topic" not in moves


# --- Asking them to weigh up a proposal is a suggestion, not a probing question.

@pytest.mark.parametrize("text", [
    "What would you think about trying a collection point instead?",
    "How would you feel about a redelivery on Saturday?",
    "Is that something you'd be willing to try?",
    "Would that be something you'd consider?",
])
def test_a_proposal_to_weigh_up_is_not_a_probing_question(text):
    assert "question" not in detect_moves(text, PARCEL)


@pytest.mark.parametrize("text", [
    "What would you think is the fairest way to put this right?",  # asks their view, proposes nothing
    "How would you feel if it went missing again?",
    "Is that something you noticed before?",
])
def test_asking_their_view_is_still_a_question(text):
    assert "question" in detect_moves(text, PARCEL)


# --- A question word with the verb before "you" asks, even when the question mark was lost.

@pytest.mark.parametrize("text", [
    "What were you doing when the screen went black.",
    "On a scale of one to ten what number would you give the last engineer.",
    "Right, and where did you leave the old router",
    "So how long have you had the meter, roughly.",
])
def test_an_inverted_question_without_its_mark_is_a_question(text):
    assert "question" in detect_moves(text, PARCEL)


@pytest.mark.parametrize("text", [
    "No matter what you decide, the refund stands.",
    "I know how you feel about the fees.",  # no inversion: a statement
    "That's what you were promised, and it's what you'll get.",
])
def test_a_question_word_in_a_statement_is_not_a_question(text):
    assert "question" not in detect_moves(text, PARCEL)


@pytest.mark.parametrize("text", [
    "We can look at the options, because it does sound like the courier has let you down twice now.",
    "It really does seem like nobody has owned this for you.",
    "It must seem as if the parcel just vanished.",
])
def test_an_emphatic_or_modal_reflection_is_a_reflection(text):
    assert _listening(detect_moves(text, PARCEL))


# --- Two of their words in a general remark, or in the speaker's own story, do not say them back.

BOILER = [{"role": "customer", "text": "The boiler engineer never turned up and now the heating is off for the weekend."}]


@pytest.mark.parametrize("text", [
    "Engineers are hard to find at weekends, in general, across most of the country.",
    "Our boiler went last winter as well and the engineer took ages, I remember it well.",
    "A weekend engineer visit costs more than a weekday one for most firms.",
])
def test_a_general_remark_that_reuses_their_words_is_not_a_reflection(text):
    assert not _listening(detect_moves(text, BOILER))


@pytest.mark.parametrize("text", [
    "The engineer never came, and the heating's off.",  # short and about their situation
    "Your heating is off for the whole weekend because the engineer didn't turn up.",
])
def test_their_words_said_back_about_them_still_reflect(text):
    assert _listening(detect_moves(text, BOILER))


@pytest.mark.parametrize("text", [
    "You're keen on the heating being back on. Have you tried the emergency line?",
    "You want the engineer to come. Have you thought of asking a neighbour to let him in?",
    "You'd like this sorted today. Would it help to book the first slot tomorrow?",
])
def test_a_turn_that_proposes_or_tells_does_not_reflect_on_its_opening_words(text):
    assert not _listening(detect_moves(text, BOILER))


# --- Reassurance about how it will go, crediting what they did, and "don't be hard on yourself" affirm.

@pytest.mark.parametrize("text", [
    "Life will get easier for you once the move is done, and it will get better.",
    "Things are going to pick up once the new contract starts.",
    "This will pass, I promise.",
    "You've done really well to keep every letter.",
    "You can do well at the interview, you know the job inside out.",
    "Please don't beat yourself up about missing the email.",
    "Try not to be so hard on yourself, anyone could miss that.",
    "Don't get discouraged, the second application usually goes through.",
    "its normal to feel flat after a week like that",
])
def test_reassurance_and_credit_are_affirmations(text):
    assert "affirmation" in detect_moves(text, PARCEL)


@pytest.mark.parametrize("text", [
    "The price will get better value next year.",  # no reassurance: about a price
    "You've done the form, so I'll send it on.",  # what they did, not credit for it
    "You can do it online or by post.",  # an option, not encouragement
])
def test_near_misses_are_not_affirmations(text):
    assert "affirmation" not in detect_moves(text, PARCEL)


@pytest.mark.parametrize("text", [
    "That has to be so frustrating after three missed slots.",
    "It's got to be exhausting, chasing them every single day.",
    "That sounds really challenging with the kids at home.",
    "This must be challenging, with the heating off too.",
])
def test_has_to_be_and_challenging_name_the_feeling(text):
    assert "reflection" in detect_moves(text, PARCEL)


def test_has_to_be_as_an_obligation_is_not_a_reflection():
    assert "reflection" not in detect_moves("The form has to be signed by the account holder.", PARCEL)


@pytest.mark.parametrize("text", [
    "So when you said the courier was rude, can you give me an example of what you mean?",
    "So it sounds like the driver left it somewhere, could you describe where you looked?",
    "So you've had three missed deliveries, would you walk me through the last one?",
])
def test_a_restatement_that_goes_on_to_ask_for_more_is_still_a_question(text):
    assert "question" in detect_moves(text, PARCEL)


def test_a_restatement_checked_with_a_question_mark_is_not_a_new_question():
    assert "question" not in detect_moves("So you've rung the courier three times and nobody picked up?", PARCEL)


# --- What they felt or were owed is not a failing of theirs; a counterfactual that holds it against them is.

@pytest.mark.parametrize("text", [
    "You didn't want to make a fuss, so you waited.",
    "You didn't deserve to be spoken to like that.",
    "You didn't expect the bill to double.",
    "So if you had a set delivery day, you'd feel a lot calmer about it.",
])
def test_what_they_felt_or_were_owed_is_not_blame(text):
    assert "blame" not in detect_moves(text, PARCEL)


@pytest.mark.parametrize("text", [
    "If you had read the email, you would have known about the change.",
    "If you had called us earlier we could have stopped it.",
    "You didn't fill in the form properly.",
    "You forgot to give us the flat number.",
])
def test_holding_it_against_them_is_still_blame(text):
    assert "blame" in detect_moves(text, PARCEL)
