"""One reply per message across processes (issue 10): the reply lock is a lease in the database.

The two-process tests start real Python processes (tests/lease_child.py) on one database file, each with
its own Store, services.practice and OpenAI client, against the scripted server on loopback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.errors import AccessDenied, BackendError
from core.settings import get_settings
from services import practice
from tests.store_fixtures import new_store

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "internet-outage-remote-worker"
KIND = "That sounds really stressful. When did it stop working?"
REPLY = "It went off on Tuesday morning and nobody has fixed it."


@pytest.fixture
def people():
    store = new_store()
    admin = store.as_user(store.create_first_admin("admin", "admin-password-1", "Admin"))
    ana = store.as_user(admin.create_user("ana", "ana-password-1", "trainee", "Ana"))
    ben = store.as_user(admin.create_user("ben", "ben-password-1", "trainee", "Ben"))
    return store, ana, ben


def _awaiting(ana) -> int:
    """A conversation whose last turn is the trainee's: the reply failed and may be retried."""
    conv = practice.start(ana, SCENARIO)
    practice.get_actor().backend.enqueue_error(BackendError("The endpoint is down."))
    with pytest.raises(BackendError):
        list(practice.send(ana, conv, KIND))
    return conv


def roles(scope, conv):
    return [t["role"] for t in scope.get_turns(conv)]


# -- the lease itself ------------------------------------------------------------------------------
def test_one_holder_at_a_time_and_an_expired_lease_is_taken_over(people):
    store, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    now = [1000.0]
    store.leases.clock = lambda: now[0]
    first = ana.take_reply_lease(conv, 30)
    assert first and ana.take_reply_lease(conv, 30) is None and ana.reply_in_progress(conv)
    now[0] += 31  # the holder crashed: its lease lapses
    assert not ana.reply_in_progress(conv)
    second = ana.take_reply_lease(conv, 30)
    assert second and second != first
    ana.release_reply_lease(conv, first)  # the old holder, back from the dead, cannot free its successor's
    assert ana.reply_in_progress(conv)
    ana.release_reply_lease(conv, second)
    assert not ana.reply_in_progress(conv)


def test_only_the_conversations_trainee_takes_its_lease(people):
    _, ana, ben = people
    conv = practice.start(ana, SCENARIO)
    with pytest.raises(AccessDenied):
        ben.take_reply_lease(conv, 30)
    with pytest.raises(AccessDenied):
        ben.reply_in_progress(conv)


def test_a_reply_releases_its_lease_even_when_the_backend_fails(people):
    _, ana, _ = people
    conv = _awaiting(ana)
    assert not practice.replying(ana, conv)
    list(practice.retry_reply(ana, conv))
    assert roles(ana, conv) == ["customer", "trainee", "customer"] and not practice.replying(ana, conv)


# -- two processes on one file ---------------------------------------------------------------------
def _child(conv: int, user_id: int, action: str, env: dict, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.lease_child", get_settings().db_path, str(user_id),
                             str(conv), action, *extra], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _go(*procs: subprocess.Popen) -> None:
    """Wait until every child has imported everything, then start them together."""
    for p in procs:
        line = p.stdout.readline()
        if line.strip() != "ready":
            p.kill()
            raise AssertionError(f"child did not start: {line} {p.stderr.read()[-2000:]}")
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()


def _env(fake=None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TALKDOWN_JUDGE": "false"}
    if fake is not None:
        env.update(TALKDOWN_BACKEND="openai", OPENAI_BASE_URL=fake.base_url, OPENAI_API_KEY="k",
                   TALKDOWN_LLM_TIMEOUT="10", TALKDOWN_LLM_MAX_RETRIES="0")
    return env


def _result(p: subprocess.Popen) -> dict:
    out, err = p.communicate(timeout=60)
    lines = [x for x in out.splitlines() if x.strip()]
    assert lines, err[-2000:]
    return json.loads(lines[-1])


def test_two_processes_retrying_at_once_give_one_reply_and_one_model_call(people, fake_openai):
    _, ana, _ = people
    conv = _awaiting(ana)
    for _ in range(2):  # enough for both, should both call the model
        fake_openai.enqueue(REPLY, delay=1.5)
    a = _child(conv, ana.user.id, "retry", _env(fake_openai))
    b = _child(conv, ana.user.id, "retry", _env(fake_openai))
    _go(a, b)
    results = [_result(a), _result(b)]
    assert all("error" not in r for r in results), results  # neither was refused or failed
    assert sorted(bool(r["reply"]) for r in results) == [False, True]  # one answered, the other found it answered
    assert len(fake_openai.requests) == 1
    assert roles(ana, conv) == ["customer", "trainee", "customer"]
    assert not practice.replying(ana, conv)


def test_a_second_process_sees_the_reply_pending_and_does_not_answer_it_again(people, fake_openai):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    fake_openai.enqueue(REPLY, delay=2.0)
    a = _child(conv, ana.user.id, "send", _env(fake_openai), KIND)
    _go(a)
    give_up = time.monotonic() + 30
    while roles(ana, conv) != ["customer", "trainee"]:  # process A saved the message, its reply is on the way
        assert time.monotonic() < give_up and a.poll() is None
        time.sleep(0.02)
    assert practice.replying(ana, conv)  # this process (the second app server) knows: no "Try the reply again"
    assert list(practice.retry_reply(ana, conv)) == []  # a click anyway waits, then finds the answer there
    assert _result(a)["reply"].strip()
    turns = ana.get_turns(conv)
    assert [t["role"] for t in turns] == ["customer", "trainee", "customer"]
    assert len(fake_openai.requests) == 1 and not turns[-1].get("meta")


def test_a_crashed_processs_lease_lapses_and_another_process_takes_over(people):
    store, ana, _ = people
    conv = _awaiting(ana)
    p = _child(conv, ana.user.id, "crash", _env())
    _go(p)
    assert _result(p) == {"held": True} and p.returncode == 3
    assert practice.replying(ana, conv)  # the dead process's lease is still live ...
    store.leases.clock = lambda: time.time() + 601  # ... until it expires
    assert not practice.replying(ana, conv)
    assert "".join(practice.retry_reply(ana, conv)).strip()
    assert roles(ana, conv) == ["customer", "trainee", "customer"]
