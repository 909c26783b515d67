"""Move detection, third round (issue 12): crediting what the customer did, openers, broken-off turns.

Every wording is written for this test in a customer-service or everyday setting; none is taken from
ESConv, AnnoMI or the project's customer-service set. Each rule is checked on three or more wordings
and on near misses it must leave alone.
"""
from __future__ import annotations

import pytest

from scoring import detect_moves, rules

FLOOD = [{"role": "customer", "text": "Water came through the kitchen ceiling last night and I moved everything "
                                      "out myself before anyone answered the phone."}]


pytestmark = pytest.mark.usefixtures("rules_move_mode")  # the rules alone (tests/conftest.py)


@pytest.mark.parametrize("text", [
    "You had every reason to be cross with us.",
    "You have every right to ask for that in writing.",
    "That was quick thinking, and very sensible of you.",
    "It's really thoughtful of you to check on your neighbour too.",
    "You've been so patient while we sorted this.",
    "You've been really clear, which helps a lot.",
    "You did exactly the right thing ringing the emergency line.",
    "You've done the sensible thing keeping the receipts.",
    "Of course you can, there's no rush.",
    "You were right not to sign anything yet.",
    "You deserved a straight answer the first time.",
    "Those feelings are completely understandable after a week like this.",
])
def test_crediting_what_they_did_or_felt_is_an_affirmation(text):
    assert "affirmation" in detect_moves(text, FLOOD)


@pytest.mark.parametrize("text", [
    "You had every chance to cancel before the deadline.",  # holds it against them; not "reason" or "right"
    "Of course, you can pay it online.",  # information after a pause, not "of course you can"
    "You've been charged twice for the same visit.",  # their account, not praise
    "It was kind of a mess when the engineer left.",  # "kind of" is not "kind of you"
])
def test_near_misses_are_not_credited_to_the_customer(text):
    assert "affirmation" not in detect_moves(text, FLOOD)


@pytest.mark.parametrize("text", [
    "Have a great rest of your day.",
    "Enjoy your evening, and thanks again.",
    "Safe travels tomorrow.",
    "Enjoy the rest of your weekend.",
])
def test_more_ways_to_say_goodbye(text):
    assert "farewell" in detect_moves(text, FLOOD + [{"role": "trainee", "text": "Is there anything else?"},
                                                     {"role": "customer", "text": "No, that's everything."}])


@pytest.mark.parametrize("text,rest", [
    ("Good luck with the move.", "Good luck with the move."),
    ("Right now the flat is drying out.", "Right now the flat is drying out."),
    ("Great news about the insurer.", "Great news about the insurer."),
    ("Good. You've kept the receipts.", "You've kept the receipts."),
    ("Right, so the ceiling came down.", "the ceiling came down."),
    ("Okay, great, you're all set.", "you're all set."),
])
def test_an_opener_is_stripped_only_when_a_pause_follows(text, rest):
    assert rules.FILLER.sub("", text) == rest


LEAK = [{"role": "customer", "text": "I took Thursday off work for the plumber and nobody turned up. "
                                     "Then the leak got worse overnight."}]


def _listens(moves):
    return bool({"paraphrase", "reflection"} & set(moves))


@pytest.mark.parametrize("text", [
    "You took a day's leave for it, and nobody came.",
    "And you were the one mopping up at two in the morning.",
    "Yeah. You've had water through the ceiling twice now.",
    "Mm. So you're the one holding it all together at home.",
    "Right. You lost a day's pay over this.",
    "And you can't sleep for worrying about the ceiling.",
])
def test_a_plain_statement_of_what_they_did_or_have_reflects(text):
    assert _listens(detect_moves(text, LEAK))


@pytest.mark.parametrize("text", [
    "You'll need to be in between eight and twelve.",  # what will happen: the speaker's plan
    "If you'd called the emergency line, we could have sent someone.",  # a condition, and blame
    "You can always book online instead.",  # a possibility offered
    "We sent you a text on Wednesday.",  # the speaker's side
    "Use the stopcock under your sink for now.",  # an instruction
    "Nice talking with you, and you too.",  # a courtesy
    "People often find you get a faster answer by email.",  # the generic "you"
])
def test_statements_with_you_that_are_not_about_their_experience(text):
    assert not _listens(detect_moves(text, LEAK))


def test_answering_their_question_is_not_reflecting():
    ctx = [{"role": "customer", "text": "Do I need to be home for the plumber?"}]
    assert not _listens(detect_moves("No, you don't, he has a key code.", ctx))
    assert not _listens(detect_moves("Yes, you do, sadly.", ctx))
    assert not _listens(detect_moves("You aren't, the landlord is.", ctx))


@pytest.mark.parametrize("text", [
    "Does that sound okay?",
    "We'd send someone tomorrow morning. Would that work for you?",
    "I can move the visit to Friday. Is that okay?",
    "Does that seem fair to you?",
])
def test_asking_agreement_to_a_proposal_is_a_question(text):
    assert "question" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Does that cover everything?",
    "Is there anything else I can help with?",
    "So the plumber never came and the leak got worse. Does that sound right?",
])
def test_checks_for_more_or_of_a_restatement_are_not_new_questions(text):
    assert "question" not in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Okay. And do you still have the receipt for the plumber or-",
    "Right. Was the leak coming from the ceiling or-",
    "Mm. And when did you first notice the damp—",
    "Tell us something about the damage.",
])
def test_a_question_broken_off_or_without_its_mark_asks(text):
    assert "question" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "What a week you've had-",
    "And what a mess it left-",
    "And the ceiling came down-",
])
def test_broken_off_statements_are_not_questions(text):
    assert "question" not in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "It sounds like part of you wants to give up on the claim?",
    "Sounds like the waiting is the worst bit?",
    "So the plumber never came, and you lost a day's pay. Is that right?",
    "So you took the day off and nobody came, have I got that right?",
    "That's been a miserable few days for you, hasn't it?",
])
def test_a_reflection_checked_with_a_question_mark_is_not_a_new_question(text):
    moves = detect_moves(text, LEAK)
    assert _listens(moves) and "question" not in moves


@pytest.mark.parametrize("text", [
    "It sounds like a long week. When did the leak start?",
    "So the plumber never came. What did the landlord say?",
    "Sounds like the ceiling is the worry. Is it still dripping?",
])
def test_a_reflection_followed_by_a_real_question_still_asks(text):
    assert "question" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", ["Utterly exhausted.", "A lost day's pay.", "Completely stuck, then.", "Mm. Three weeks of it."])
def test_a_short_word_on_their_situation_reflects(text):
    assert _listens(detect_moves(text, LEAK))


@pytest.mark.parametrize("text", ["Okay.", "No problem at all.", "Sure, one second.", "That's your decision.",
                                  "Thanks for that.", "Good morning, Sam."])
def test_short_courtesies_and_agreements_do_not_reflect(text):
    assert not _listens(detect_moves(text, LEAK))


def test_a_short_answer_to_their_question_does_not_reflect():
    ctx = [{"role": "customer", "text": "When will the plumber come back?"}]
    assert not _listens(detect_moves("Tuesday morning.", ctx))
    assert not _listens(detect_moves("Probably next week.", ctx))
    assert not _listens(detect_moves("After the insurer calls.", ctx))


@pytest.mark.parametrize("text", [
    "That's a completely fair complaint.",
    "That's a really good point about the deposit.",
    "It's a very reasonable request.",
])
def test_granting_their_point_is_an_affirmation(text):
    assert "affirmation" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "That must feel really humiliating.",
    "That must have felt so lonely.",
    "It must feel pretty bleak right now.",
])
def test_whatever_follows_must_feel_is_a_feeling(text):
    assert "reflection" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Plumbers aren't insurers, I'm afraid.",
    "The landlord decides that, I'm afraid.",
    "I'm afraid the ceiling is the landlord's job.",
])
def test_i_am_afraid_is_the_speakers_own_news_not_a_reflection(text):
    assert not _listens(detect_moves(text, LEAK))


@pytest.mark.parametrize("text", [
    "I can understand wanting to keep the peace with the landlord.",
    "I can imagine not wanting to go home to that.",
    "I can tell this is really weighing on you.",
    "I can see you're exhausted by all of it.",
])
def test_understanding_their_state_in_other_words_reflects(text):
    assert "reflection" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "I can see the engineer's note on your account.",
    "I can tell you the next free slot.",
    "I can understand the form if you send it over.",
])
def test_seeing_or_telling_facts_is_not_a_reflection(text):
    assert "reflection" not in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "From what I understand, nobody turned up on Thursday and the leak got worse?",
    "Correct me if I'm wrong, but the plumber never came and the leak got worse.",
    "The plumber never turned up and the leak is worse, am I right?",
])
def test_checking_understanding_restates(text):
    moves = detect_moves(text, LEAK)
    assert _listens(moves) and "question" not in moves


@pytest.mark.parametrize("text", [
    "Is there a way you could stay with your sister for a few nights?",
    "Is it possible to ask the landlord for a written date?",
    "Can I suggest keeping a log of every call?",
    "How about a quick note to the agent tonight?",
    "What about asking the neighbours whether they saw the plumber?",
])
def test_more_suggestions_said_as_questions_are_not_probes(text):
    assert "question" not in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Is there a way in through the back door for the plumber?",  # asks a fact about the building
    "How about the upstairs flat, is that dry?",  # asks about a thing, not a proposal
    "What about the insurer, have they called?",
])
def test_questions_about_things_still_ask(text):
    assert "question" in detect_moves(text, LEAK)


def test_a_transcribers_note_is_not_words_said():
    assert detect_moves("Right. [unintelligible 00:02:58]", LEAK) == detect_moves("Right.", LEAK)
    assert detect_moves("[laughs] Oh, nice.", LEAK) == detect_moves("Oh, nice.", LEAK)
    assert "question" in detect_moves("[crosstalk] And when did it start?", LEAK)


@pytest.mark.parametrize("text", [
    "You've got this, honestly.",
    "I really admire how you've kept calm through all of it.",
    "Your kids are lucky to have you.",
    "I'm here for you while we sort it.",
    "Those both sound like sensible plans.",
    "Things are going to get better once the ceiling is fixed.",
    "You're an amazing neighbour to take their post in.",
    "That's honourable of you, keeping the landlord informed.",
    "I'm so glad to hear that.",
])
def test_more_reassurance_and_credit_is_affirmation(text):
    assert "affirmation" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "I'm here for the inspection at ten.",  # the speaker's plan
    "It sounds like a burst pipe to me.",  # a diagnosis, not praise
    "Things are going to be slow this week, I'm afraid.",
])
def test_near_misses_of_reassurance_are_not_affirmation(text):
    assert "affirmation" not in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "It's been a stressful winter for everyone.",
    "Leaks are a nightmare for a lot of people this time of year.",
    "Honestly it's a hard time for all of us.",
])
def test_feelings_of_people_in_general_are_not_a_reflection(text):
    assert "reflection" not in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "It's been a stressful week for you.",
    "Everyone says it's minor, but you're clearly worried.",
    "That must be so stressful.",
])
def test_feelings_of_this_customer_still_reflect(text):
    assert "reflection" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Just to make sure I've got it: the plumber never came and the leak got worse.",
    "I want to check I understood. Nobody turned up on Thursday, and now the leak is worse.",
    "I'm trying to understand what you've been through with the plumber and the leak.",
])
def test_checking_you_have_understood_introduces_a_restatement(text):
    assert "paraphrase" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Have you thought about how you'd pay for the repair?",
    "Have you thought at all about what you want from the landlord?",
    "Did you think about it much before you called?",
    "I'd like to find out a bit more about how the leak started.",
    "I'd love to hear what the insurer said.",
])
def test_asking_about_their_thinking_is_a_question(text):
    assert "question" in detect_moves(text, LEAK)


@pytest.mark.parametrize("text", [
    "Have you thought about a locksmith?",
    "Have you thought of staying with a friend tonight?",
])
def test_proposing_something_to_think_about_is_not_a_probe(text):
    assert "question" not in detect_moves(text, LEAK)


def test_markdown_someone_typed_is_not_a_transcribers_note():
    from scoring.moves import _NOT_SAID

    assert _NOT_SAID.sub(" ", "[reset your password](http://x)") == "[reset your password](http://x)"
    assert _NOT_SAID.sub(" ", ":red[hi] ![x](y)") == ":red[hi] ![x](y)"
    assert _NOT_SAID.sub(" ", "Right. [laughs] Yes.").split() == ["Right.", "Yes."]
