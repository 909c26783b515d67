"""Move detection, fifth round (issue 12): normalising and crediting effort are affirmations, a feeling
said to be all right to have is not a reflection, praise of a plan restates nothing.

Every wording is written for this test in a customer-service or everyday setting; none is taken from
ESConv, AnnoMI or the project's customer-service set. Each rule is checked on three or more wordings
and on near misses it must leave alone.
"""
from __future__ import annotations

import pytest

from scoring import detect_moves

pytestmark = pytest.mark.usefixtures("rules_move_mode")  # the rules alone (tests/conftest.py)

BOILER = [{"role": "customer", "text": "The boiler's broken again, it's the third time this winter, and I've "
                                       "got two kids at home with no heating."}]
PLAN = [{"role": "customer", "text": "I was thinking I could take the train to my sister's on Friday and sort "
                                     "the paperwork from there."}]


def _listening(moves: list[str]) -> set[str]:
    return set(moves) & {"paraphrase", "reflection"}


# --- Normalising, reassurance and credit for effort are affirmations.

@pytest.mark.parametrize("text", [
    "You're certainly not the only one this has happened to.",
    "You aren't alone with this, lots of our customers have had the same.",
    "Any reasonable person would be fed up by now.",
    "Anybody in your position would want it sorted.",
    "That's a really common worry with these tanks.",
    "That's very understandable after three visits.",
    "Try not to worry too much, the engineer is on his way.",
    "It does get easier once the new unit is in.",
    "I'm confident you'll have it back up and running tonight.",
    "You've clearly been working so hard to keep the house warm.",
    "You're doing your best with two little ones and no heat.",
    "You've made a real effort to keep every receipt.",
    "You're really right to ask for that in writing.",
])
def test_normalising_reassuring_and_crediting_effort_are_affirmations(text):
    assert "affirmation" in detect_moves(text, BOILER)


@pytest.mark.parametrize("text", [
    "I try not to worry about the weather.",  # the speaker's own habit, not reassurance
    "We try not to stress the old pipes.",
    "It's not a common fault with this model.",  # no normalising of the person
    "You're the only one on the list for today.",  # a fact, not "not the only one"
    "The engineer has been working on the pipes.",  # effort, but not the customer's
])
def test_near_misses_are_not_affirmations(text):
    assert "affirmation" not in detect_moves(text, BOILER)


# --- A feeling said to be all right to have normalises it: affirmation, not a reflection.

@pytest.mark.parametrize("text", [
    "It's okay to feel angry about this.",
    "It is completely natural to be nervous after a flood.",
    "Honestly, it's normal to feel upset when the heating goes.",
    "It's fine to be annoyed, anyone would be.",
])
def test_a_feeling_said_to_be_all_right_is_not_a_reflection(text):
    moves = detect_moves(text, BOILER)
    assert "reflection" not in moves
    assert "affirmation" in moves


@pytest.mark.parametrize("text", [
    "It's awful for you, with the kids at home.",  # the soft reflection still holds
    "That must be really stressful with two kids and no heating.",
    "You must be exhausted after three breakdowns.",
])
def test_feelings_said_of_the_customer_still_reflect(text):
    assert "reflection" in detect_moves(text, BOILER)


# --- Praising their plan ("That sounds like a great plan") is an affirmation. (Reading it as no restatement
# as well was tried: it cost the AnnoMI check half a reflection and ESConv nothing, so a restatement may stay.)

@pytest.mark.parametrize("text", [
    "That sounds like a great plan.",
    "Sounds like a really sensible idea to me!",
    "Both of those sound like good options.",
    "That looks like a solid plan, honestly.",
])
def test_praise_of_a_plan_is_an_affirmation(text):
    assert "affirmation" in detect_moves(text, PLAN)


@pytest.mark.parametrize("text", [
    "That sounds like a long trip.",  # no praise
    "It looks like a plan the office won't accept.",
    "The plan sounds like it needs a signature.",
])
def test_other_remarks_about_a_plan_are_not_praise(text):
    assert "affirmation" not in detect_moves(text, PLAN)


# --- A turn that says something back and then asks whether it understood is a restatement, not a new question.

LEASE = [{"role": "customer", "text": "The landlord kept my deposit and won't say why, and now the agency has "
                                      "stopped answering my emails."}]


@pytest.mark.parametrize("text", [
    "So nobody is telling you anything, is that right?",
    "It sounds like you've been left completely in the dark. Correct me if I'm wrong.",
    "Okay, so you're out of pocket and getting no answers, am I right?",
    "Your emails have gone unanswered for weeks. Did I get that right?",
    "I hear you saying the whole thing feels unfair, does that sound right?",
    "So the deposit's gone and the agency has gone quiet. Am I close?",
])
def test_a_checked_restatement_is_a_paraphrase_not_a_question(text):
    moves = detect_moves(text, LEASE)
    assert "paraphrase" in moves
    assert "question" not in moves
    assert "reflection" not in moves  # the speaker says they are restating, whatever it names


@pytest.mark.parametrize("text", [
    "Is that right?",  # the check alone restates nothing
    "I think Dr Lee usually handles your account, is that right?",  # the speaker's own information
    "You're right. Did the agency give you a reason at all?",  # agreeing, then a new question
    "When did you last hear from the agency, and is that the right email address?",
])
def test_a_check_without_a_restatement_is_still_a_question(text):
    moves = detect_moves(text, LEASE)
    assert "question" in moves
    assert "paraphrase" not in moves


# --- Reflections of feeling said without "you feel": states named back, what it made them feel, a feeling heard.

HOLD = [{"role": "customer", "text": "I've rung six times, every time I'm put on hold and then cut off, and "
                                     "nobody ever rings back."}]


@pytest.mark.parametrize("text", [
    "You're feeling completely ignored by us.",  # states named back beyond the shared list
    "Six calls and nothing, it's no wonder you feel invisible.",
    "That's left you feeling powerless, with nobody calling back.",
    "All of that has made you really anxious about phoning us.",
    "I'm hearing your frustration with being passed around.",
    "That has to be a horrible feeling, being cut off after waiting so long.",
    "That could be really awkward at work, being cut off mid-call.",
])
def test_reflections_of_feeling_without_you_feel(text):
    assert "reflection" in detect_moves(text, HOLD)


@pytest.mark.parametrize("text", [
    "I can make you an appointment with the stress clinic.",  # "make you" + a noun, no feeling
    "The line was left unattended for an hour on Monday.",
    "Hold times are usually around ten minutes.",
])
def test_near_misses_are_not_reflections_of_feeling(text):
    assert "reflection" not in detect_moves(text, HOLD)


# --- The speaker's own plans are not a reflection; an offer of the speaker's own is a question, not a suggestion.

@pytest.mark.parametrize("text", [
    "So, like I said, we need the engineer's report first.",
    "Okay, so then I'll talk to the heating team about your boiler.",
    "Right, so after this I'll look into where the part for your boiler has got to.",
    "So, the boiler's on the list and I'll see you again once it's in.",
])
def test_the_speakers_own_plans_are_not_a_reflection(text):
    assert not _listening(detect_moves(text, BOILER))


@pytest.mark.parametrize("text", [
    "So you've had three breakdowns this winter with the kids at home.",  # about them: still reflects
    "So the heating's gone again, for the third time.",
    "So you'll be without heating until the part comes.",  # not the speaker's plan
])
def test_restatements_still_reflect_after_the_plans_rule(text):
    assert _listening(detect_moves(text, BOILER))


@pytest.mark.parametrize("text", [
    "Would it be helpful if I sent you the warranty terms?",
    "Would it help to give you a number for the emergency line?",
    "Might it be useful for me to go over what the engineer found?",
])
def test_an_offer_of_the_speakers_own_is_a_question(text):
    assert "question" in detect_moves(text, BOILER)


@pytest.mark.parametrize("text", [
    "Would it help to keep a heater in the kids' room?",  # what they could do: a suggestion
    "Would it be worth asking a neighbour to keep an eye out?",
    "Could it help to bleed the radiators first?",
])
def test_a_suggestion_of_what_they_could_do_is_still_not_a_question(text):
    assert "question" not in detect_moves(text, BOILER)


# --- A courtesy said back ("Good night!" after "Good night") restates nothing; nor does advice after a "you want".

@pytest.mark.parametrize("said, text", [
    ("Thanks so much, good night!", "Good night!"),
    ("Fingers crossed the part comes tomorrow.", "Fingers crossed!"),
    ("You too, take care now.", "You too, take care."),
    ("Cheers, happy to have it sorted.", "Happy to help!"),
])
def test_a_courtesy_said_back_is_not_a_restatement(said, text):
    assert not _listening(detect_moves(text, [{"role": "customer", "text": said}]))


@pytest.mark.parametrize("text", [
    "You want the heating back before the weekend. Pick a slot that works.",
    "You'd like this sorted for good. Write down every date it failed.",
    "You want it fixed properly. Break it down with the engineer step by step.",
])
def test_advice_after_a_you_want_is_not_a_reflection(text):
    assert not _listening(detect_moves(text, BOILER))


@pytest.mark.parametrize("text", [
    "You want the heating back before the weekend.",  # no advice: still reflects
    "And how the kids cope with the cold matters a lot to you.",
    "Two weeks.",  # their words handed back (a short echo)
])
def test_inner_states_and_echoes_still_reflect(text):
    ctx = BOILER + [{"role": "trainee", "text": "How long has it been off?"},
                    {"role": "customer", "text": "Two weeks, and the kids are freezing."}]
    assert _listening(detect_moves(text, ctx))


# --- "I understand" on its own is generic (an acknowledgement, LABELLING.md rule 3), not an affirmation.

@pytest.mark.parametrize("text", [
    "I understand.",
    "I completely understand, let me have a look.",
    "We totally understand, the line's been busy all morning.",
])
def test_i_understand_alone_is_an_acknowledgement_not_an_affirmation(text):
    moves = detect_moves(text, BOILER)
    assert "affirmation" not in moves
    assert "acknowledgement" in moves


@pytest.mark.parametrize("text", [
    "I understand, and you were right to ring us straight away.",  # credit as well: an affirmation
    "I understand, and honestly it's completely understandable to be fed up.",
    "I understand how hard that must be with two kids at home.",  # a reflection
])
def test_i_understand_with_more_keeps_what_else_it_says(text):
    assert set(detect_moves(text, BOILER)) & {"affirmation", "reflection"}


@pytest.mark.parametrize("text", [
    "I know exactly how you feel.",
    "I understand how you're feeling.",
    "I can imagine how you feel, honestly.",
])
def test_the_stock_line_how_you_feel_is_an_acknowledgement(text):
    moves = detect_moves(text, BOILER)
    assert "reflection" not in moves
    assert "acknowledgement" in moves


@pytest.mark.parametrize("text", [
    "I can imagine how you feel with two kids in a cold house.",  # tied to their situation: a reflection
    "I understand how stressful this is for you.",
    "I can see how worried you are about the kids.",
])
def test_how_you_feel_tied_to_their_situation_still_reflects(text):
    assert "reflection" in detect_moves(text, BOILER)


# --- The speed comparison against another checkout (bench/scoring.py --against DIR) loads it beside this one.

def test_bench_loads_another_checkout_beside_this_one(capsys):
    import importlib.util
    import sys
    from pathlib import Path

    import scoring.moves as ours

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("bench_scoring_for_test", root / "bench" / "scoring.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    other = bench._other_detect_moves(root)
    assert other is not ours.detect_moves  # its own module objects...
    assert sys.modules["scoring.moves"] is ours  # ...and ours are back in place
    for text in ("That sounds really frustrating.", "When did it start?", "I understand."):
        assert other(text, BOILER) == ours.detect_moves(text, BOILER)
    bench.against(root, reps=1, chunk=100, limit=300)
    out = capsys.readouterr().out
    assert "this checkout" in out and "vs other" in out


def test_bench_prints_the_design_and_check_slices(capsys):
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("bench_scoring_halves", root / "bench" / "scoring.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    if not bench.ANNOMI_DEV.exists():
        pytest.skip("no AnnoMI dev file here")
    bench.halves()
    out = capsys.readouterr().out
    assert "even places (design)" in out and "odd places (check)" in out
    figures = [float(line.split()[-1]) for line in out.splitlines()[1:]]
    assert all(0.0 < f < 1.0 for f in figures)
