"""Guarded streaming (issue 11): the guard passes a reply sentence by sentence and each passed sentence
is shown while the rest is still being written; a failing sentence continues with the authored line
(nothing shown is taken back) and the saved turn is exactly what the trainee saw; a stream that breaks
off after a shown sentence saves nothing. And a class at once: replies through the service overlap in
the engine, one model call each when calls are slow."""
from __future__ import annotations

import threading

import pytest

from core.errors import BackendError
from core.settings import get_settings
from personas.actors import Actor, ActorRequest, engines
from personas.actors.scripted import ScriptedBackend
from services import practice

SCENARIO = "internet-outage-remote-worker"
KIND = "That sounds really stressful. When did it stop working?"
LINE = "My parcel never came. I need it by Friday for my son's birthday."


def _request(line: str = LINE, intent: str = "vent") -> ActorRequest:
    return ActorRequest(customer={"name": "Sam", "backstory": "", "situation": "Parcel lost", "persona": "upset"},
                        intent=intent, mood=7, line=line)


class _Gated(ScriptedBackend):
    """Writes its first sentence, then waits until the reader has shown something before writing the rest."""

    def __init__(self, first: str, rest: str) -> None:
        super().__init__()
        self.first, self.rest = first, rest
        self.shown = threading.Event()
        self.waited_for_display = None

    def stream(self, request):
        yield self.first
        yield " "
        self.waited_for_display = self.shown.wait(10)
        yield self.rest


def test_the_first_passed_sentence_is_shown_before_the_rest_is_written():
    b = _Gated("My parcel still never came.", "I need it by Friday for my son's birthday.")
    r = Actor(b).render(_request())
    shown = []
    for chunk in r:
        shown.append(chunk)
        b.shown.set()
    assert b.waited_for_display is True  # the backend was still writing when the first words were on screen
    assert "".join(shown) == r.text == "My parcel still never came. I need it by Friday for my son's birthday."
    assert not r.fell_back


@pytest.mark.parametrize("faithfulness,bad", [
    ("strict", "Let me check that for you."),                 # agent-speak in the second sentence
    ("strict", "I need it by Monday for my son's birthday."),  # a changed day
    ("loose", "Anyway, goodbye, have a nice day."),            # a goodbye the Director did not decide
])
def test_a_sentence_failing_mid_stream_continues_with_the_authored_line(faithfulness, bad):
    b = ScriptedBackend()
    b.faithfulness = faithfulness
    b.enqueue("My parcel still never came. " + bad)
    r = Actor(b).render(_request())
    shown = "".join(r)
    assert shown == r.text and r.fell_back and r.reason
    assert shown.startswith("My parcel still never came. ")  # what was shown stays
    assert bad not in shown
    assert "Friday" in shown and "Monday" not in shown      # the authored rest is said, once
    assert shown.count("never came") == 1


def test_a_failing_first_sentence_shows_nothing_of_it_and_falls_back_to_the_whole_line():
    b = ScriptedBackend()
    b.enqueue("How can I help you today? My parcel never came.")
    r = Actor(b).render(_request())
    assert "".join(r) == r.text == LINE and r.fell_back and "agent-speak" in r.reason


def test_a_short_rewording_is_completed_from_the_authored_line():
    b = ScriptedBackend()
    b.enqueue("My parcel still never came.")  # stops after the first of the line's two sentences
    r = Actor(b).render(_request())
    assert "".join(r) == r.text == "My parcel still never came. I need it by Friday for my son's birthday."


class _Broken(ScriptedBackend):
    def stream(self, request):
        yield "My parcel still never came. I need"
        raise BackendError("The reply broke off before it was finished.")


def test_a_stream_that_breaks_off_after_a_shown_sentence_is_an_error():
    r = Actor(_Broken()).render(_request())
    seen = []
    with pytest.raises(BackendError):
        for chunk in r:
            seen.append(chunk)
    assert "".join(seen).strip() == "My parcel still never came."  # shown, but not a finished customer line


# -- through the service and the real OpenAI stack (tests/fake_openai.py) -----------------------------
@pytest.fixture
def ana():
    from tests.store_fixtures import new_store

    store = new_store()
    admin = store.create_first_admin("admin", "admin-password-1", "Admin")
    return store.as_user(store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana"))


def _fell_back(turn: dict) -> bool:
    return bool(turn.get("fell_back") or (turn.get("meta") or {}).get("fell_back"))


def test_openai_reply_failing_mid_stream_is_saved_exactly_as_shown(use_fake_openai, ana):
    conv = practice.start(ana, SCENARIO)
    use_fake_openai.enqueue("It stopped on Tuesday morning and I'm stuck. Thank you for calling, have a nice day!",
                            pace=0.005)
    shown = "".join(practice.send(ana, conv, KIND))
    saved = ana.get_turns(conv)[-1]
    assert saved["role"] == "customer" and saved["text"] == shown and _fell_back(saved)
    assert shown.startswith("It stopped on Tuesday morning and I'm stuck. ")
    assert "nice day" not in shown and "Thank you for calling" not in shown


def test_openai_stream_cut_after_a_shown_sentence_saves_nothing(use_fake_openai, ana):
    conv = practice.start(ana, SCENARIO)
    use_fake_openai.enqueue("Since Tuesday. " + "and then it kept dropping out over and over all day " * 6, cut="eof")
    stream = practice.send(ana, conv, KIND)
    first = next(stream)  # the first sentence passed the guard and is on screen
    assert first.strip()
    with pytest.raises(BackendError):
        list(stream)
    assert [t["role"] for t in ana.get_turns(conv)] == ["customer", "trainee"]
    assert not practice.replying(ana, conv)  # the lease is free: "Try the reply again" can run now


# -- a class at once, on a fake engine registered like the real one ------------------------------------
class _SlowEngine:
    """Stands in for xllamacpp: counts requests in flight; the first waits (up to 10 s) for a second one."""

    lock = threading.Lock()
    inflight = most = calls = 0
    overlap = threading.Event()

    def __init__(self, path, threads, n_ctx, parallel):
        self.name, self.path, self.threads, self.n_ctx, self.parallel = "xllamacpp", path, threads, n_ctx, parallel

    def complete_stream(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed):
        cls = type(self)
        with cls.lock:
            cls.calls += 1
            cls.inflight += 1
            cls.most = max(cls.most, cls.inflight)
            if cls.inflight >= 2:
                cls.overlap.set()
        try:
            cls.overlap.wait(10)  # a process-wide lock anywhere on the path would make this time out
            threading.Event().wait(0.6)  # a slow call: longer than the retry budget allows twice
            yield " Whatever, I don't care."  # rejected by the strict guard: the authored line is used
        finally:
            with cls.lock:
                cls.inflight -= 1

    def complete(self, *a, **k):
        return "".join(self.complete_stream(*a, **k))

    def chat(self, *a, **k):
        raise AssertionError("the bundled model uses the rewrite prompt")


def test_several_trainees_replies_overlap_in_the_engine_with_one_call_each(monkeypatch, tmp_path):
    from personas.actors import local
    from tests.store_fixtures import new_store

    model = tmp_path / local.BUNDLED_FILE  # the bundled file's name: the rewrite path, three seeds allowed
    model.write_bytes(b"GGUF")
    monkeypatch.setenv("TALKDOWN_BACKEND", "local")
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(model))
    monkeypatch.setenv("TALKDOWN_LOCAL_ENGINE", "xllamacpp")
    monkeypatch.setattr(engines, "_engines", {})
    monkeypatch.setitem(engines.ENGINES, "xllamacpp", _SlowEngine)
    _SlowEngine.inflight = _SlowEngine.most = _SlowEngine.calls = 0
    _SlowEngine.overlap = threading.Event()
    get_settings.cache_clear()
    store = new_store()
    admin = store.as_user(store.create_first_admin("admin", "admin-password-1", "Admin"))
    scopes = [store.as_user(admin.create_user(f"t{i}", "trainee-password", "trainee", f"T{i}")) for i in range(3)]
    convs = [practice.start(s, SCENARIO) for s in scopes]
    errors, replies = [], {}

    def trainee(i):
        try:
            replies[i] = "".join(practice.send(scopes[i], convs[i], KIND))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=trainee, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert _SlowEngine.most >= 2  # replies were written at the same time, not queued behind one another
    assert _SlowEngine.calls == 3  # one call per reply: a slow call leaves no room for another seed
    for s, c in zip(scopes, convs):
        saved = s.get_turns(c)[-1]
        assert saved["role"] == "customer" and saved["text"] == replies[scopes.index(s)] and _fell_back(saved)


@pytest.mark.parametrize("line", ["Forget it, I'll borrow the money from my mum. Again.",
                                  "Great. That gets us there in time. Thank you.",
                                  "Can you give me a date for the adjuster, please? An actual date?"])
def test_the_authored_line_itself_streams_unchanged(line):
    r = Actor(ScriptedBackend()).render(_request(line))
    assert "".join(r) == r.text == line and not r.fell_back  # a sentence of filler words is not said twice


@pytest.mark.parametrize("line,reply", [
    ("I've been without internet since Tuesday and I have a deadline tomorrow.",
     "I've been without internet since Tuesday. And I have a deadline tomorrow."),
    ("My parcel never came and I need it by Friday.", "My parcel still never came. I need it by Friday."),
])
def test_a_rewording_that_splits_one_sentence_in_two_is_accepted_as_a_whole(line, reply):
    b = ScriptedBackend()
    b.enqueue(reply)  # its first sentence alone drops half the line: held back until the second arrives
    r = Actor(b).render(_request(line))
    assert "".join(r) == r.text == reply and not r.fell_back
