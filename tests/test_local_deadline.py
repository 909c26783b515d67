"""The local model's time deadline (TALKDOWN_LOCAL_DEADLINE): a reply that takes too long becomes the
Director's authored line and the turn is saved, never an error. Fake engines are registered in
personas.actors.engines.ENGINES in place of the real ones; the backend, the Actor and the guard are real."""
from __future__ import annotations

import threading
import time

import pytest

from core.errors import BackendError
from core.settings import get_settings
from personas.actors import Actor, ActorRequest, engines, get_backend, local

REQUEST = ActorRequest(customer={"name": "Dana"}, intent="vent", mood=6, line="Where is my parcel? It was due Monday.")


class FakeEngine:
    """Stands in for xllamacpp: each call takes `delays[i]` seconds (None: until released) and returns `replies[i]`."""
    delays: list[float | None] = []
    replies: list[str] = []
    calls = 0
    release = threading.Event()

    def __init__(self, path, threads, n_ctx, parallel):
        self.name, self.path, self.threads, self.n_ctx, self.parallel = "fake", path, threads, n_ctx, parallel

    def _answer(self) -> str:
        cls = type(self)
        i = cls.calls
        cls.calls += 1
        delay = cls.delays[min(i, len(cls.delays) - 1)]
        if delay is None:
            cls.release.wait(60)
        else:
            time.sleep(delay)
        reply = cls.replies[min(i, len(cls.replies) - 1)]
        if isinstance(reply, Exception):
            raise reply
        return reply

    def complete(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed):
        return self._answer()

    def chat(self, messages, max_tokens, temperature, stop, seed):
        return self._answer()


@pytest.fixture
def fake(monkeypatch, tmp_path):
    gguf = tmp_path / local.BUNDLED_FILE  # the bundled tiny model's name: the rewrite path, three attempts
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(local, "bundled_model_path", lambda: gguf)
    monkeypatch.setattr(engines, "_engines", {})
    monkeypatch.setitem(engines.ENGINES, "xllamacpp", FakeEngine)
    monkeypatch.setitem(engines.ENGINES, "llama-cpp-python", FakeEngine)
    monkeypatch.setenv("TALKDOWN_BACKEND", "local")
    monkeypatch.setenv("TALKDOWN_LOCAL_ENGINE", "xllamacpp")
    monkeypatch.setenv("TALKDOWN_LOCAL_DEADLINE", "0.3")
    get_settings.cache_clear()
    FakeEngine.calls, FakeEngine.release = 0, threading.Event()
    yield FakeEngine
    FakeEngine.release.set()  # let abandoned calls finish


def _render_bounded(actor: Actor, request: ActorRequest, within_s: float = 15.0):
    """Render on a thread; fail (instead of hanging the suite) if it does not come back."""
    box = {}

    def run():
        try:
            r = actor.render(request)
            r.consume()
            box["r"] = r
        except Exception as e:
            box["e"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(within_s)
    assert not t.is_alive(), "the reply never came back: no deadline"
    if "e" in box:
        raise box["e"]
    return box["r"]


def test_a_reply_past_the_deadline_is_the_authored_line_not_an_error(fake):
    fake.delays, fake.replies = [None], ["Where's my parcel? It was due Monday."]
    backend = get_backend()
    assert isinstance(backend, local.LocalBackend) and backend.deadline_s == 0.3
    r = _render_bounded(Actor(backend), REQUEST)
    assert r.text == REQUEST.line
    assert r.fell_back and r.reason.startswith("too slow")
    assert fake.calls == 1, "no further attempt once the deadline has passed"


def test_the_deadline_covers_every_attempt_of_one_reply(fake):
    # The first attempt echoes the line (so a retry is tried), the retry hangs: the echo is said.
    fake.delays, fake.replies = [0.0, None], [REQUEST.line]
    r = _render_bounded(Actor(get_backend()), REQUEST)
    assert r.text == REQUEST.line and fake.calls == 2


def test_a_reply_within_the_deadline_is_used(fake, monkeypatch):
    monkeypatch.setenv("TALKDOWN_LOCAL_DEADLINE", "20")
    get_settings.cache_clear()
    fake.delays, fake.replies = [0.05], ["Where's my parcel? It was due on Monday."]
    r = _render_bounded(Actor(get_backend()), REQUEST)
    assert not r.fell_back and r.text != REQUEST.line and "Monday" in r.text


def test_an_engine_failure_is_still_reported_as_one(fake):
    fake.delays, fake.replies = [0.0], [RuntimeError("decode failed")]
    with pytest.raises(BackendError, match="local model failed"):
        _render_bounded(Actor(get_backend()), REQUEST)


def test_a_slow_model_never_breaks_a_practice_conversation(fake):
    from services import practice
    from store import Store

    fake.delays, fake.replies = [None], ["Whatever the model would have said."]
    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Admin")
    ana = store.as_user(store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana"))
    box = {}

    def talk():
        conv = practice.start(ana, "internet-outage-remote-worker")
        box["reply"] = "".join(practice.send(ana, conv, "I'm sorry, that sounds stressful. When did it stop?"))
        box["conv"] = conv

    t = threading.Thread(target=talk, daemon=True)
    t.start()
    t.join(30)
    assert not t.is_alive(), "the conversation hung on the slow model"
    turns = ana.get_turns(box["conv"])
    assert [x["role"] for x in turns] == ["customer", "trainee", "customer"]
    assert all(x["text"] and "Whatever the model" not in x["text"] for x in turns)
    assert box["reply"].strip() == turns[-1]["text"].strip()
