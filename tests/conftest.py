"""Shared fixtures. Real network is blocked: only loopback and Unix sockets may connect,
so a forgotten API key or endpoint fails loudly instead of calling out."""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check(addr) -> None:
    if isinstance(addr, (str, bytes)):  # AF_UNIX
        return
    host = addr[0]
    if host in ("localhost",):
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise RuntimeError(f"Tests may not touch the network (tried to connect to {addr!r}).")


def _guarded_connect(self, addr):
    _check(addr)
    return _real_connect(self, addr)


def _guarded_connect_ex(self, addr):
    _check(addr)
    return _real_connect_ex(self, addr)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]

# No test may pick up a developer's real key or endpoint from the environment.
for _var in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
    os.environ.pop(_var, None)
os.environ.setdefault("TALKDOWN_BACKEND", "scripted")
os.environ.setdefault("TALKDOWN_SPEECH", "fake")


# Tests that each take tens of seconds (a real browser, a real model): started first, so that under
# pytest-xdist one of them never begins when the other workers are nearly done.
_LONG_MARKERS = ("browser", "local_model", "voice_model")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not any(m in item.keywords for m in _LONG_MARKERS))  # stable: order kept otherwise
    if os.environ.get("TALKDOWN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow suite: set TALKDOWN_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _cheap_default_hasher(request, monkeypatch):
    """A Store made without a hasher (the app's, the CLIs', most fixtures') hashes with real argon2id at
    test cost, as tests/store_fixtures.FAST_HASHER does: the library default takes about 0.3 s and 64 MiB a
    hash, and a page test signs in and creates accounts many times. Verifying follows the parameters in the
    stored hash, so every path (hash, verify, rehash, throttle) still runs. Tests that pass a hasher keep
    theirs; `@pytest.mark.real_hasher` keeps the library default for a whole test."""
    if request.node.get_closest_marker("real_hasher"):
        return
    import store.store as store_module
    from tests.store_fixtures import FAST_HASHER

    monkeypatch.setattr(store_module, "PasswordHasher", lambda: FAST_HASHER)


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch, tmp_path):
    """Each test gets its own database file and the scripted backend, and a settings cache reset."""
    from core.settings import get_settings

    monkeypatch.setenv("TALKDOWN_DB_PATH", str(tmp_path / "talkdown.db"))
    monkeypatch.setenv("TALKDOWN_BACKEND", "scripted")
    monkeypatch.setenv("TALKDOWN_SPEECH", "fake")  # voice tests use the fake speech backend, like scripted
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    get_settings.cache_clear()
    _forget_actors()
    yield
    get_settings.cache_clear()
    _forget_actors()


def _forget_actors() -> None:
    """The app caches one Actor per process; a test's queued scripted replies or errors must not leak."""
    import sys

    practice = sys.modules.get("services.practice")
    if practice is not None:
        practice._actors.clear()


@pytest.fixture
def fake_openai():
    """A scripted OpenAI-compatible server on 127.0.0.1 (see tests/fake_openai.py)."""
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def use_fake_openai(fake_openai, monkeypatch):
    """Point settings at the fake server, as a user would with OPENAI_BASE_URL."""
    from core.settings import get_settings

    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("TALKDOWN_BACKEND", "openai")
    monkeypatch.setenv("TALKDOWN_LLM_TIMEOUT", "5")  # roomy: a loaded CI machine still answers in time
    monkeypatch.setenv("TALKDOWN_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    return fake_openai


@pytest.fixture
def rules_move_mode(monkeypatch):
    """Move detection in the default rules mode, whatever TALKDOWN_MOVE_MODEL the run was started with."""
    from core.settings import get_settings
    from scoring import model

    monkeypatch.setenv("TALKDOWN_MOVE_MODEL", "rules")
    get_settings.cache_clear()
    model.reload()
    yield
    monkeypatch.delenv("TALKDOWN_MOVE_MODEL", raising=False)
    get_settings.cache_clear()
    model.reload()
