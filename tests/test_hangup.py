"""A customer who has agreed never hangs up on the agent's question: they answer or wait, and the call
ends after the agent's closing turn (or on a walk-out). Played through the engine with the scripted
backend, and in the practice page; Closure gives the farewell when the customer ended after a recap."""
from __future__ import annotations

import pytest

from personas.actors import Actor
from personas.actors.scripted import ScriptedBackend
from personas.archetypes import load_archetypes
from personas.engine import PracticeEngine
from personas.scenario import load_dir
from scoring.understanding import read_turn
from services import practice
from tests.test_app import app_as, open_page, org, texts  # noqa: F401  (org is a fixture)

SCENARIOS = load_dir("scenarios").scenarios
# Scripts that bring each scenario's customer to agree (the Director accepts on the last line).
AGREED = {
    "pharmacy-refill-delay": [
        "Oh Harold, that's worrying, only two tablets left. The surgery moved to electronic prescriptions, "
        "so your slip never reached us.",
        "I'll call the surgery right now and arrange an emergency supply today so you have enough until "
        "it's ready tomorrow, and from next month I'll set it up so your prescriptions come to us electronically.",
        "Would you like me to text you when it's ready?"],
    "internet-outage-remote-worker": [
        "That sounds really stressful, two days without internet before a client deadline.",
        "So it dropped on Tuesday and you've already restarted the router. What do the lights on the router show?",
        "I'm sorry, that's on us. I'll book an engineer for tomorrow morning at 8am and add a 20 GB mobile "
        "data boost right now so you can work today."],
}
# Questions an agent asks once the customer agreed: checks for more, checks of understanding, small asks.
QUESTIONS = [
    "Is there anything else I can help you with?",
    "Anything else?",
    "Is that okay with you?",
    "Right, so is that everything sorted for you?",
    "Before you go, is there anything more I can do?",
    "Does all of that make sense?",
    "Are you happy with that plan",
    "How are you feeling about it now?",
    "Would it help if I emailed you a note of this?",
]
GOODBYE = "Thanks for your patience today. Take care, goodbye."


def engine(scenario_id: str) -> PracticeEngine:
    sc = SCENARIOS[scenario_id]
    return PracticeEngine(sc, load_archetypes()[sc.persona], Actor(ScriptedBackend()))


def agreed(scenario_id: str) -> PracticeEngine:
    e = engine(scenario_id)
    e.play(AGREED[scenario_id])
    assert e.state.accepted and not e.ended, "the script brings the customer to agree, still on the line"
    return e


@pytest.mark.parametrize("scenario_id", sorted(AGREED))
@pytest.mark.parametrize("question", QUESTIONS)
def test_an_agreed_customer_answers_a_question_and_ends_only_after_the_goodbye(scenario_id, question):
    e = agreed(scenario_id)
    e.add_trainee(question)
    reply = e.reply()
    assert not e.ended, f"hung up on {question!r}: {reply['text']!r}"
    assert reply["intent"] != "farewell"
    e.add_trainee(GOODBYE)
    last = e.reply()
    assert e.ended == "resolved" and last["intent"] == "farewell"


def test_questions_recognised_by_the_reading_are_the_ones_waited_for():
    """The wordings above ask something: the shared reading sees a question or a check for more in each."""
    for q in QUESTIONS:
        r = read_turn(q)
        assert r.questions or "check_more" in r.moves or q.endswith("?") or q.startswith("Are you"), q


@pytest.mark.parametrize("scenario_id", sorted(AGREED))
def test_a_closing_turn_without_a_question_still_ends_the_call(scenario_id):
    e = agreed(scenario_id)
    e.add_trainee(GOODBYE)
    e.reply()
    assert e.ended == "resolved"


def test_a_goodbye_with_a_question_in_it_ends_the_call():
    e = agreed("pharmacy-refill-delay")
    e.add_trainee("Anything else? If not, take care and goodbye.")
    e.reply()
    assert e.ended == "resolved"


def test_asking_questions_forever_still_ends_in_the_end():
    e = agreed("pharmacy-refill-delay")
    for _ in range(30):
        if e.ended:
            break
        e.add_trainee("Is there anything else I can help you with?")
        e.reply()
    assert e.ended == "resolved"


def test_a_customer_who_walks_out_may_still_leave_on_a_question():
    e = engine("internet-outage-remote-worker")
    for _ in range(12):
        if e.ended:
            break
        e.add_trainee("Calm down. Our policy is that it takes five working days, is that clear?")
        e.reply()
    assert e.ended == "walked_out"


def test_closure_gives_the_farewell_when_the_customer_ended_after_the_recap():
    """The customer's closing line may be any goodbye ("Cheerio", "Mind how you go"): the engine marks it."""
    from services.practice import score_transcript

    e = agreed("pharmacy-refill-delay")
    e.add_trainee("To recap: an emergency supply today, your prescription ready tomorrow, and we'll be your "
                  "nominated pharmacy from next month. Is there anything else?")
    e.reply()
    e.add_trainee("To recap once more: supply today and the rest tomorrow.")
    e.reply()
    t = e.transcript()
    assert t["end_reason"] == "resolved" and t["turns"][-1]["intent"] == "farewell"
    sc = SCENARIOS["pharmacy-refill-delay"]
    scores = {}
    for line in ("Cheerio, and thank you.", "Mind how you go, love.", "Bye bye."):
        t["turns"][-1]["text"] = line
        closure = score_transcript(t, sc)["dimensions"]["closure"]
        scores[line] = closure["score"]
        assert not any("Thanks for your patience — take care." in s["better"] for s in closure["suggestions"]), line
    assert len(set(scores.values())) == 1, scores  # every goodbye counts the same


# -- the practice page --------------------------------------------------------------------------


def test_practice_page_keeps_the_call_open_after_a_question_to_an_agreed_customer(org):
    store, users = org
    sc = store.as_user(users["ana"])
    conv = practice.start(sc, "pharmacy-refill-delay")
    for line in AGREED["pharmacy-refill-delay"]:
        list(practice.send(sc, conv, line))
    at = open_page(users["ana"], "ui/pages/practice.py", practice_conv=conv)
    assert not at.exception and at.chat_input
    at.chat_input[0].set_value("Is that okay with you, or is there anything more I can do?").run()
    assert not at.exception
    assert sc.get_conversation(conv).status == "active", "the customer did not hang up on the question"
    assert at.chat_input and "Your report" not in texts(at)
    at.chat_input[0].set_value(GOODBYE).run()
    assert not at.exception
    assert sc.get_conversation(conv).status == "resolved"
    assert "Your report" in texts(at)
