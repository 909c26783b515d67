"""Actor backends, the registry, the guard, and the engine's behaviour when a backend fails."""
from __future__ import annotations

import json

import pytest

from core.errors import BackendError, InputError, UnknownBackendError
from core.settings import get_settings
from core.transcript import MAX_MESSAGE_CHARS
from personas.actors import Actor, ActorRequest, backend_names, get_backend, register
from personas.actors.guard import check
from personas.actors.scripted import ScriptedBackend
from personas.archetypes import get_archetype
from personas.engine import PracticeEngine
from personas.scenario import load_dir

OUTAGE = "internet-outage-remote-worker"
LINE = "I've been on hold for forty minutes already and nobody has helped me."


@pytest.fixture(scope="module")
def scenario():
    return load_dir("scenarios").scenarios[OUTAGE]


def _request(line: str = LINE, **kw) -> ActorRequest:
    return ActorRequest(customer={"name": "Dana"}, intent="vent", mood=8, line=line, **kw)


def _engine(scenario, backend=None) -> PracticeEngine:
    return PracticeEngine(scenario, get_archetype(scenario.persona), Actor(backend or ScriptedBackend()))


# -- registry -------------------------------------------------------------------------------
def test_registry_names_the_three_backends():
    assert {"scripted", "local", "openai"} <= set(backend_names())


def test_get_backend_resolves_from_settings():
    assert get_backend().name == "scripted"  # conftest sets TALKDOWN_BACKEND=scripted


def test_unknown_backend_names_the_valid_ones():
    with pytest.raises(UnknownBackendError) as e:
        get_backend("gpt-17")
    assert "scripted" in str(e.value) and "local" in str(e.value) and "openai" in str(e.value)


def test_register_adds_a_backend_like_a_real_one():
    fake = ScriptedBackend()
    register("test-fake", lambda settings: fake)
    assert get_backend("test-fake") is fake


# -- scripted ---------------------------------------------------------------------------------
def test_scripted_says_the_authored_line_in_chunks():
    r = Actor(ScriptedBackend()).render(_request())
    chunks = list(r)
    assert len(chunks) > 1 and "".join(chunks) == LINE == r.text and not r.fell_back


def test_scripted_is_deterministic(scenario):
    def run():
        e = _engine(scenario)
        e.open()
        e.add_trainee("That sounds stressful.")
        return e.reply()["text"]
    assert run() == run()


def test_enqueued_reply_is_used_and_guarded():
    b = ScriptedBackend()
    b.enqueue("Forty minutes on hold already, and still nobody has helped me.")
    b.enqueue("How can I assist you today?")
    actor = Actor(b)
    first = actor.render(_request())
    assert first.consume().startswith("Forty minutes") and not first.fell_back
    second = actor.render(_request())
    assert second.consume() == LINE and second.fell_back and "agent-speak" in second.reason


def test_enqueued_error_propagates_as_backend_error():
    b = ScriptedBackend()
    b.enqueue_error(BackendError("endpoint down"))
    with pytest.raises(BackendError):
        Actor(b).render(_request()).consume()


def test_unexpected_backend_exception_becomes_backend_error():
    b = ScriptedBackend()
    b.enqueue_error(RuntimeError("boom"))
    with pytest.raises(BackendError, match="failed"):
        Actor(b).render(_request()).consume()


# -- guard --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("How can I help you today?", "agent-speak"),
    ("As an AI, I cannot be on hold.", "agent-speak"),
    ("I'm sorry for the inconvenience, let me check that for you.", "agent-speak"),
    ("Thank you for your patience, we will look into it.", "agent-speak"),
    ("You have been on hold for forty minutes and nobody helped you.", "wrong person"),
    ("hold hold hold hold hold hold hold hold hold.", "repetition"),
    ("on hold on hold on hold on hold on hold on hold forty minutes.", "repetition"),
    ("The weather is lovely and my cat likes fish.", "drifted"),
    ("I've been on hold for forty minutes already and somebody has helped me.", "meaning flip"),
    ("I've been on hold for forty minutes and nobody has helped " + "me at all, really, " * 20 + "ok.", "too long"),
    ("Original: I have been on hold. Rewrite: forty minutes", "prompt"),
    ("I've been on hold for forty minutes and nobody has", "unfinished"),
    ("I've been on hold for 14 minutes already and nobody has helped me.", "numbers"),
])
def test_guard_rejects_bad_output(text, reason):
    r = check(text, LINE)
    assert not r.ok and reason in r.reason and r.text == LINE


@pytest.mark.parametrize("text", [
    LINE,
    "Forty minutes on hold already, and still nobody has helped me.",
    'Customer: "I\'ve been on hold for forty minutes and nobody has helped me."',
])
def test_guard_accepts_faithful_rewordings(text):
    r = check(text, LINE)
    assert r.ok, r.reason
    assert not r.text.startswith("Customer") and not r.text.startswith('"')


def test_loose_guard_lets_a_capable_model_reword_but_not_break_character():
    assert check("Forty minutes waiting and not one person lifted a finger for me!", LINE, "loose").ok
    assert not check("Is there anything else I can help you with?", LINE, "loose").ok


# -- engine -------------------------------------------------------------------------------------
def test_engine_keeps_turn_and_pending_beat_when_backend_fails(scenario):
    b = ScriptedBackend()
    e = _engine(scenario, b)
    e.open()
    e.add_trainee("That sounds really stressful.")
    b.enqueue_error(BackendError("down"))
    with pytest.raises(BackendError):
        list(e.stream_reply())
    assert [t["role"] for t in e.turns] == ["customer", "trainee"] and e.pending is not None
    turn = e.reply()  # retry works
    assert turn["role"] == "customer" and "mood" in turn and e.pending is None


def test_fallback_reply_uses_the_authored_line(scenario):
    e = _engine(scenario)
    e.open()
    e.add_trainee("That sounds really stressful.")
    line = e.pending.line
    turn = e.fallback_reply()
    assert turn["text"] == line and turn["fell_back"]


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (MAX_MESSAGE_CHARS + 1)])
def test_engine_refuses_empty_or_oversized_messages(scenario, text):
    e = _engine(scenario)
    e.open()
    with pytest.raises(InputError):
        e.add_trainee(text)
    assert len(e.turns) == 1


def test_engine_refuses_a_second_message_before_the_reply(scenario):
    e = _engine(scenario)
    e.open()
    e.add_trainee("I see.")
    with pytest.raises(InputError, match="not answered"):
        e.add_trainee("Hello?")


def test_actor_request_has_customer_side_only(scenario):
    e = _engine(scenario)
    e.open()
    e.add_trainee("When did it start?")
    dumped = json.dumps(e.request().model_dump())
    for secret in [*scenario.policy.may_offer, *scenario.policy.may_not_offer, *(n.description for n in scenario.needs),
                   "rubric", "active_listening", "score"]:
        assert secret not in dumped


# -- openai against the fake server -------------------------------------------------------------
def test_openai_streams_a_reply(use_fake_openai, scenario):
    use_fake_openai.enqueue("Forty minutes on hold, and honestly nobody has helped me at all.")
    actor = Actor(get_backend())
    assert actor.name == "openai"
    r = actor.render(_request())
    chunks = list(r)
    assert "".join(chunks) == "Forty minutes on hold, and honestly nobody has helped me at all." and not r.fell_back
    body = use_fake_openai.requests[-1]
    assert body["stream"] is True


def test_openai_agent_speak_falls_back_to_the_authored_line(use_fake_openai):
    use_fake_openai.enqueue("I'm sorry for the inconvenience, how can I assist you today?")
    r = Actor(get_backend()).render(_request())
    assert r.consume() == LINE and r.fell_back


def test_openai_server_error_becomes_a_clear_backend_error(use_fake_openai):
    use_fake_openai.enqueue(status=500)
    with pytest.raises(BackendError) as e:
        Actor(get_backend()).render(_request()).consume()
    msg = str(e.value)
    assert "500" in msg and "TALKDOWN_BACKEND=local" in msg


def test_openai_rate_limit_becomes_a_clear_backend_error(use_fake_openai):
    use_fake_openai.enqueue(status=429)
    with pytest.raises(BackendError, match="rate-limiting"):
        Actor(get_backend()).render(_request()).consume()


def test_openai_slow_answer_times_out_with_a_clear_message(use_fake_openai, monkeypatch):
    monkeypatch.setenv("TALKDOWN_LLM_TIMEOUT", "0.5")
    get_settings.cache_clear()
    use_fake_openai.enqueue("too late", delay=1.5)
    with pytest.raises(BackendError, match="did not answer within"):
        Actor(get_backend()).render(_request()).consume()


def test_openai_connection_refused_is_a_clear_backend_error(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # discard port: nothing listens
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("TALKDOWN_BACKEND", "openai")
    monkeypatch.setenv("TALKDOWN_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    with pytest.raises(BackendError, match="Could not connect.*OPENAI_BASE_URL"):
        Actor(get_backend()).render(_request()).consume()


def test_openai_request_never_contains_rubric_or_policy(use_fake_openai, scenario):
    use_fake_openai.enqueue("It dropped on Tuesday morning, around eight, and I need it back.")
    e = _engine(scenario, get_backend())
    e.open()
    e.add_trainee("When did it start?")
    e.reply()
    sent = json.dumps(use_fake_openai.requests[-1])
    for secret in [*scenario.policy.may_offer, *scenario.policy.may_not_offer, *(n.description for n in scenario.needs),
                   "rubric", "active_listening", "paraphrasing", "closure"]:
        assert secret not in sent, secret
    assert scenario.customer.name in sent and "Tuesday morning" in sent  # customer side and the revealed fact


def test_openai_failure_in_engine_loses_no_turn(use_fake_openai, scenario):
    use_fake_openai.enqueue(status=503)
    e = _engine(scenario, get_backend())
    e.open()
    e.add_trainee("That sounds stressful.")
    with pytest.raises(BackendError):
        list(e.stream_reply())
    assert e.turns[-1]["role"] == "trainee" and e.pending is not None
    assert e.fallback_reply()["role"] == "customer"
