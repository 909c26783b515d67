"""The bundled model's rewrite budget (TALKDOWN_LOCAL_REWRITE_BUDGET): the 135M model only rewords the
Director's line, so when its first reworded sentence has not passed the guard within the budget the line is
said as written, at once, and the generation is stopped (its slot freed for another trainee). A larger model
that writes its own reply is not cut short by it. Fake engines stand in for xllamacpp in
personas.actors.engines.ENGINES; the backend, the Actor, the guard and the service are real."""
from __future__ import annotations

import threading
import time

import pytest

from core.settings import SettingsError, get_settings
from personas.actors import Actor, ActorRequest, engines, get_backend, local

REQUEST = ActorRequest(customer={"name": "Dana"}, intent="vent", mood=6, line="Where is my parcel? It was due Monday.")
REWORDED = "Where's my parcel? It was due on Monday."


class SlowStreamEngine:
    """Streams `text` word by word, the first word after `first_delay` s. Records when a call was told to stop."""
    first_delay = 0.0
    text = REWORDED
    calls = 0
    stopped: list[int] = []
    finished: list[int] = []

    def __init__(self, path, threads, n_ctx, parallel):
        self.name, self.path, self.parallel = "fake", path, parallel

    def _gen(self):
        cls = type(self)
        me = cls.calls
        cls.calls += 1
        done = False
        try:
            end = time.monotonic() + cls.first_delay
            while time.monotonic() < end:  # "prompt processing" in small steps, as a real engine's tokens
                time.sleep(0.01)
                yield ""
            for i, word in enumerate(cls.text.split(" ")):
                yield (" " if i else " ") + word
            done = True
        finally:
            (cls.finished if done else cls.stopped).append(me)

    def complete_stream(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed):
        return self._gen()

    def chat_stream(self, messages, max_tokens, temperature, stop, seed):
        return self._gen()

    def complete(self, *a, **k):
        return "".join(self._gen())

    def chat(self, *a, **k):
        return "".join(self._gen())


@pytest.fixture
def engine(monkeypatch, tmp_path):
    def use(model_file: str = local.BUNDLED_FILE):
        gguf = tmp_path / model_file
        gguf.write_bytes(b"GGUF")
        if model_file == local.BUNDLED_FILE:
            monkeypatch.setattr(local, "bundled_model_path", lambda: gguf)
            monkeypatch.delenv("TALKDOWN_LOCAL_MODEL_PATH", raising=False)
        else:
            monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(gguf))
        get_settings.cache_clear()
        return get_backend()

    monkeypatch.setattr(engines, "_engines", {})
    monkeypatch.setitem(engines.ENGINES, "xllamacpp", SlowStreamEngine)
    monkeypatch.setenv("TALKDOWN_BACKEND", "local")
    monkeypatch.setenv("TALKDOWN_LOCAL_ENGINE", "xllamacpp")
    monkeypatch.setenv("TALKDOWN_LOCAL_DEADLINE", "20")
    monkeypatch.setenv("TALKDOWN_LOCAL_REWRITE_BUDGET", "0.2")
    SlowStreamEngine.calls, SlowStreamEngine.first_delay, SlowStreamEngine.text = 0, 0.0, REWORDED
    SlowStreamEngine.stopped, SlowStreamEngine.finished = [], []
    yield use
    get_settings.cache_clear()


def _wait_for(pred, within_s: float = 5.0) -> bool:
    end = time.monotonic() + within_s
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


def test_a_rewording_later_than_the_budget_gives_the_line_as_written_and_stops_the_model(engine):
    backend = engine()
    assert backend.first_sentence_s == 0.2
    SlowStreamEngine.first_delay = 3.0  # far past the budget, well within the 20 s deadline
    r = Actor(backend).render(REQUEST)
    text = "".join(r)
    assert text.strip() == REQUEST.line and r.text == REQUEST.line
    assert r.fell_back and "rewrite budget" in r.reason
    # The trainee was not kept waiting for the model: it had not finished when the line was said...
    assert SlowStreamEngine.finished == []
    # ...and it was told to stop, so its slot is free for the next trainee.
    assert _wait_for(lambda: SlowStreamEngine.stopped == [0])
    assert SlowStreamEngine.calls == 1, "no second seed once the budget has passed"


def test_a_rewording_within_the_budget_is_said(engine):
    r = Actor(engine()).render(REQUEST)
    r.consume()
    assert not r.fell_back and r.text != REQUEST.line and "Monday" in r.text
    assert SlowStreamEngine.finished == [0]


def test_once_a_sentence_is_shown_the_rest_is_not_cut_by_the_budget(engine):
    backend = engine()
    SlowStreamEngine.first_delay = 0.0

    class Paced(SlowStreamEngine):  # first sentence at once, the second after the budget has passed
        def _gen(self):
            yield " I've been waiting for my parcel since Monday."
            yield " Still"  # a sentence is complete when the next one starts, as with a real model's tokens
            time.sleep(0.5)
            yield " nobody has called me back."

    engines._engines.clear()
    engines.ENGINES["xllamacpp"] = Paced
    line = "I have been waiting for my parcel since Monday. Nobody has called me back."
    r = Actor(backend).render(REQUEST.model_copy(update={"line": line}))
    r.consume()
    assert r.text == "I've been waiting for my parcel since Monday. Still nobody has called me back."
    assert not r.fell_back


def test_a_larger_model_writing_its_own_reply_is_not_held_to_the_budget(engine):
    backend = engine("bigger-instruct.Q4_K_M.gguf")
    assert backend.faithfulness == "loose" and backend.first_sentence_s is None
    SlowStreamEngine.first_delay = 0.5  # slower than the 0.2 s budget
    SlowStreamEngine.text = "I've been waiting since Monday and I still have no parcel."
    r = Actor(backend).render(REQUEST.model_copy(update={"line": "I have been waiting since Monday for my parcel."}))
    r.consume()
    assert r.text == SlowStreamEngine.text and not r.fell_back


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_bad_budget_is_a_plain_message(monkeypatch, value):
    monkeypatch.setenv("TALKDOWN_LOCAL_REWRITE_BUDGET", value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as e:
        get_settings()
    text = str(e.value)
    assert "TALKDOWN_LOCAL_REWRITE_BUDGET" in text and "greater than 0" in text
    assert "pydantic" not in text.lower() and "input_value" not in text
    get_settings.cache_clear()


def test_a_class_sending_at_once_is_answered_within_the_budget_not_behind_each_other(engine):
    """Eight replies at once on an engine that takes 1 s per reply each: every trainee gets the line at the
    budget instead of the last one waiting for the others' rewordings."""
    backend = engine()
    SlowStreamEngine.first_delay = 1.0
    actor, results, errors = Actor(backend), [], []

    def one(i):
        try:
            r = actor.render(REQUEST.model_copy(update={"seed": i}))
            r.consume()
            results.append(r)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors and len(results) == 8
    assert all(r.text == REQUEST.line and "rewrite budget" in r.reason for r in results)
    assert SlowStreamEngine.finished == []


class UnstoppableStart(SlowStreamEngine):
    """Like llama.cpp reading a prompt: nothing comes, and nothing can stop it, for `hold` seconds."""
    hold = 1.0
    release = threading.Event()

    def _gen(self):
        cls = SlowStreamEngine
        me = cls.calls
        cls.calls += 1
        type(self).release.wait(type(self).hold)
        try:
            yield " " + REWORDED
        finally:
            cls.finished.append(me)


def test_when_every_slot_is_still_busy_the_line_is_said_without_queueing_another_call(engine, monkeypatch):
    monkeypatch.setenv("TALKDOWN_LOCAL_PARALLEL", "2")
    backend = engine()
    engines._engines.clear()
    engines.ENGINES["xllamacpp"] = UnstoppableStart
    UnstoppableStart.hold, UnstoppableStart.release = 30.0, threading.Event()
    actor = Actor(backend)
    try:
        first = [actor.render(REQUEST.model_copy(update={"seed": i})) for i in range(2)]
        for r in first:  # each gives up at the 0.2 s budget; its call goes on in the engine
            r.consume()
            assert r.text == REQUEST.line and "rewrite budget" in r.reason
        assert local.calls_running(next(iter(engines.loaded_engines().values()))) == 2
        third = actor.render(REQUEST.model_copy(update={"seed": 9}))
        third.consume()
        assert third.text == REQUEST.line and "slot" in third.reason
        assert SlowStreamEngine.calls == 2, "no third call was queued behind the busy slots"
    finally:
        UnstoppableStart.release.set()
    # Once the engine lets go of the abandoned calls, a new reply gets the model again.
    assert _wait_for(lambda: len(SlowStreamEngine.finished) == 2)
    assert _wait_for(lambda: local.calls_running(next(iter(engines.loaded_engines().values()))) == 0)
    UnstoppableStart.hold = 0.0
    again = actor.render(REQUEST.model_copy(update={"seed": 11}))
    again.consume()
    assert not again.fell_back and again.text != REQUEST.line
