"""Actor backends (how a beat is said) behind one protocol, a dict registry and the guarded Actor.

    actor = Actor(get_backend())          # name from settings: local | openai | scripted
    r = actor.render(request)             # iterate for chunks; r.text / r.fell_back afterwards
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from core.errors import BackendError, UnknownBackendError
from core.settings import Settings, get_settings
from personas.actors.base import MAX_REPLY_CHARS, ActorBackend, ActorRequest, TooSlow, word_chunks
from personas.actors.guard import GuardResult, check

BackendFactory = Callable[[Settings], ActorBackend]
_REGISTRY: dict[str, BackendFactory] = {}


def register(name: str, factory: BackendFactory) -> None:
    """Make a backend available by name; factories get the settings and import lazily."""
    _REGISTRY[name] = factory


def backend_names() -> list[str]:
    return sorted(_REGISTRY)


def get_backend(name: str | None = None, settings: Settings | None = None) -> ActorBackend:
    """The backend called `name`, or the one the settings choose (TALKDOWN_BACKEND, auto)."""
    settings = settings or get_settings()
    name = name or settings.resolved_backend()
    if name not in _REGISTRY:
        raise UnknownBackendError(f"Unknown actor backend '{name}'.", f"Use one of: {', '.join(backend_names())}.")
    return _REGISTRY[name](settings)


def _scripted(settings: Settings) -> ActorBackend:
    from personas.actors.scripted import ScriptedBackend

    return ScriptedBackend(settings)


def _local(settings: Settings) -> ActorBackend:
    from personas.actors.local import LocalBackend

    return LocalBackend(settings)


def _openai(settings: Settings) -> ActorBackend:
    from personas.actors.openai_backend import OpenAIBackend

    return OpenAIBackend(settings)


register("scripted", _scripted)
register("local", _local)
register("openai", _openai)


def _read_capped(backend: ActorBackend, request: ActorRequest, deadline_at: float | None = None) -> str:
    """The backend's whole reply, read no further than MAX_REPLY_CHARS (an endless stream is closed there).

    A backend with a time deadline (``deadline_s``) is told when the whole reply is due (monotonic)."""
    parts: list[str] = []
    size = 0
    it = iter(backend.stream(request, deadline_at=deadline_at) if deadline_at is not None else backend.stream(request))
    try:
        for chunk in it:
            size += len(chunk)
            if size > MAX_REPLY_CHARS:
                raise BackendError(f"The '{backend.name}' actor backend sent more than {MAX_REPLY_CHARS:,} characters "
                                   "for one reply, so it was stopped.", "Try again, or use TALKDOWN_BACKEND=scripted.")
            parts.append(chunk)
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()
    return "".join(parts)


class Rendering:
    """One guarded reply. Iterate it for display chunks; afterwards .text is what was shown and saved."""

    def __init__(self, backend: ActorBackend, request: ActorRequest) -> None:
        self.backend = backend
        self.request = request
        self.text = ""
        self.raw = ""
        self.fell_back = False
        self.reason: str | None = None
        self.attempts = 0  # backend calls made (more than one when a rejected reply was retried)
        self._it: Iterator[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._it is None:
            self._it = self._run()
        return self._it

    def _run(self) -> Iterator[str]:
        # Buffer the whole reply, then guard it, then stream it: a line shown on screen can't be
        # taken back, so nothing is shown before the guard has seen all of it. A backend may ask for
        # more than one attempt (`attempts`, e.g. the tiny local model): a rejected reply, or a plain echo
        # of the authored line, is tried again with another seed before the authored line is used.
        faithfulness = getattr(self.backend, "faithfulness", "strict")
        attempts = max(1, int(getattr(self.backend, "attempts", 1) or 1))
        # A backend with a deadline (the local model: TALKDOWN_LOCAL_DEADLINE) gets one for the whole
        # reply, retries included; past it, the authored line is said (a fallback, never an error).
        deadline_s = getattr(self.backend, "deadline_s", None)
        deadline_at = time.monotonic() + deadline_s if deadline_s else None
        result: GuardResult | None = None
        for k in range(attempts):
            if k > 0 and deadline_at is not None and time.monotonic() >= deadline_at:
                break
            request = self.request if k == 0 else self.request.model_copy(update={"seed": self.request.seed + 7919 * k})
            try:
                self.raw = _read_capped(self.backend, request, deadline_at)
            except TooSlow as e:
                if result is None:
                    result = GuardResult(ok=False, text=self.request.line, reason=f"too slow: {e.message}")
                break
            except BackendError:
                if k == 0:
                    raise
                break  # a retry that fails keeps the first result (the authored line)
            except Exception as e:  # a backend bug must not surface as a traceback in the chat
                if k == 0:
                    raise BackendError(f"The '{self.backend.name}' actor backend failed ({type(e).__name__}: {e}).",
                                       "Try again, or switch to the offline backend with TALKDOWN_BACKEND=local.") from e
                break
            got = check(self.raw, self.request.line, faithfulness, request=self.request)
            self.attempts = k + 1
            if got.ok or result is None:
                result = got
            if got.ok and got.text != self.request.line:
                break  # an accepted rewording; an echo of the authored line is kept only if nothing better comes
        assert result is not None
        self.fell_back, self.reason, self.text = not result.ok, result.reason, result.text
        yield from word_chunks(self.text)

    def consume(self) -> str:
        for _ in self:
            pass
        return self.text


class Actor:
    """A backend plus the guard. Thread-safe as far as the backend is (renderings hold no shared state)."""

    def __init__(self, backend: ActorBackend) -> None:
        self.backend = backend

    @property
    def name(self) -> str:
        return self.backend.name

    def render(self, request: ActorRequest) -> Rendering:
        return Rendering(self.backend, request)


__all__ = ["Actor", "ActorBackend", "ActorRequest", "Rendering", "backend_names", "get_backend", "register"]
