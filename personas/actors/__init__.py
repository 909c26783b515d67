"""Actor backends (how a beat is said) behind one protocol, a dict registry and the guarded Actor.

    actor = Actor(get_backend())          # name from settings: local | openai | scripted
    r = actor.render(request)             # iterate for chunks; r.text / r.fell_back afterwards
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

from core.errors import BackendError, UnknownBackendError
from core.settings import Settings, get_settings
from personas.actors.base import MAX_REPLY_CHARS, ActorBackend, ActorRequest, TooSlow, word_chunks
from personas.actors import guard
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


# A sentence ends at . ! ? or … followed by white space (the guard splits sentences the same way);
# "£212.40" or "3.5" is not split; the text after the last split is the sentence being written.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _sentences(chunks: Iterator[str], backend_name: str) -> Iterator[str]:
    """The backend's reply as complete sentences, each as soon as the next one starts (the last one when
    the stream ends), read no further than MAX_REPLY_CHARS (an endless stream is closed there)."""
    buf, size = "", 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_REPLY_CHARS:
            raise BackendError(f"The '{backend_name}' actor backend sent more than {MAX_REPLY_CHARS:,} characters "
                               "for one reply, so it was stopped.", "Try again, or use TALKDOWN_BACKEND=scripted.")
        buf += chunk
        parts = _SENTENCE_END.split(buf)
        for done in parts[:-1]:
            if done.strip():
                yield done
        buf = parts[-1]
    if buf.strip():
        yield buf


def _covered(shown: str, sentence: str) -> bool:
    """The shown text already says most of this authored sentence (its content words)."""
    want = guard._stems(sentence)
    return bool(want) and len(want & guard._stems(shown)) / len(want) >= 0.5


class Rendering:
    """One guarded reply. Iterate it for display chunks; afterwards .text is what was shown and saved.

    The guard checks the reply sentence by sentence while the backend is still writing, and a sentence
    is shown as soon as it passes, so the trainee reads the first one while the rest is generated.
    Nothing shown is ever taken back: when a later sentence fails, the backend is stopped and the reply
    goes on with the authored line's sentences that the shown ones have not said yet (a strict rewording
    is matched to the authored sentences it covers; a loose reply by its content words). When the first
    sentence fails nothing has been shown, so another seed may be tried (`attempts`) while the backend's
    `retry_budget` (seconds from the start of the reply) leaves room for one more call as long as the last
    one took, and then the whole authored line is used, as before streaming. A backend that only rewords
    the line (`first_sentence_s`: the bundled local model) gets that long for its first sentence to pass;
    past it the line is said as written at once and the backend is stopped. A BackendError mid-stream
    (the stream broke off) propagates: the caller saves nothing and offers a retry.
    """

    def __init__(self, backend: ActorBackend, request: ActorRequest) -> None:
        self.backend = backend
        self.request = request
        self.text = ""
        self.raw = ""
        self.fell_back = False
        self.reason: str | None = None
        self.attempts = 0  # backend calls made (more than one when a rejected first sentence was retried)
        self.first_shown: float | None = None  # seconds from the first read to the first chunk shown
        self._t0 = 0.0
        self._it: Iterator[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._it is None:
            self._it = self._run()
        return self._it

    def _run(self) -> Iterator[str]:
        faithfulness = getattr(self.backend, "faithfulness", "strict")
        attempts = max(1, int(getattr(self.backend, "attempts", 1) or 1))
        budget = getattr(self.backend, "retry_budget", None)
        line = self.request.line
        line_parts = guard._sentences(line) or [line]
        start = self._t0 = time.monotonic()
        # A backend with a deadline (the local model: TALKDOWN_LOCAL_DEADLINE) gets one for the whole
        # reply, retries included; past it, the rest is the authored line (a fallback, never an error).
        deadline_s = getattr(self.backend, "deadline_s", None)
        deadline_at = start + deadline_s if deadline_s else None
        # A backend that only rewords (the bundled local model) has a budget for its first sentence: the
        # authored line is ready, so when no reworded sentence has passed by then it is said as written.
        first_s = getattr(self.backend, "first_sentence_s", None)
        first_by = start + first_s if first_s else None
        if first_by is not None and deadline_at is not None:
            whole_by = deadline_at

            def due() -> float:  # asked before each piece: the first-sentence budget until one is shown
                return whole_by if shown else min(whole_by, first_by)
        else:
            due = None
        shown: list[str] = []  # accepted sentences, in the order shown
        covered = 0            # strict: authored sentences the shown ones reword
        first: GuardResult | None = None  # the first attempt's verdict (kept when every retry fails)
        echo = False           # an attempt that only echoed the authored line (kept if nothing better comes)
        failed: str | None = None
        for k in range(attempts):
            took = time.monotonic() - start
            if k and budget is not None and took + took / k > budget:
                break  # another call would not finish within the budget (a busy engine: one call only)
            if k and deadline_at is not None and time.monotonic() >= deadline_at:
                break
            if k and first_by is not None and time.monotonic() >= first_by:
                break
            request = self.request if k == 0 else self.request.model_copy(update={"seed": self.request.seed + 7919 * k})
            self.attempts = k + 1
            raw: list[str] = []
            failed = None
            try:
                it = iter(self.backend.stream(request, deadline_at=due or deadline_at) if deadline_at is not None
                          else self.backend.stream(request))
            except BackendError:
                if k == 0:
                    raise
                break  # a retry that fails keeps the first result (the authored line)
            pending: list[str] = []  # strict: sentences that failed so far but that more text may complete
            try:
                for sentence in _sentences(self._read(it, raw, k), self.backend.name):
                    piece = guard.clean(sentence)
                    if not piece:
                        continue
                    candidate = " ".join([*shown, *pending, piece])
                    if faithfulness == "strict":
                        got, covers = None, covered
                        # the most of the line this reworded prefix says (a sentence of filler words
                        # like "Thanks anyway." is covered by the prefix before it)
                        for j in range(len(line_parts), max(1, covered) - 1, -1):
                            got = check(candidate, " ".join(line_parts[:j]), faithfulness, request=self.request)
                            if got.ok:
                                covers = j
                                break
                    else:
                        got, covers = check(candidate, line, faithfulness, request=self.request), 0
                    assert got is not None
                    if not got.ok:
                        failed = got.reason
                        if faithfulness == "strict":
                            # A rewording may split or join the line's sentences ("...since Tuesday. Two
                            # days now." for one sentence): held back, unseen, and checked again with the
                            # next sentence; still failing when the stream ends, it is not shown.
                            pending.append(piece)
                            continue
                        break  # loose: more text cannot undo a goodbye or an invented detail
                    failed = None
                    pending = []
                    if not shown and got.text == " ".join(line_parts[:covers]) and k + 1 < attempts:
                        echo = True  # a plain echo: try another seed before showing it
                        failed = None
                        break
                    text = got.text if got.text.startswith(" ".join(shown)) else candidate
                    piece = text[len(" ".join(shown)):].strip() or piece
                    covered = covers
                    yield from self._show(piece, shown)
            except TooSlow as e:
                # Past the deadline: what was shown stays, the authored line says the rest (below).
                if not shown and first_by is not None and time.monotonic() >= first_by:
                    failed = (f"too slow: no reworded sentence passed within the rewrite budget ({first_s:g} s), "
                              "so the line was said as written")
                else:
                    failed = f"too slow: {e.message}"
                if not shown and first is None:
                    first = GuardResult(ok=False, text=line, reason=failed)
                self.raw = "".join(raw)
                break
            except BackendError:
                if k == 0 or shown:
                    raise  # the stream broke off: nothing is saved, the caller offers a retry
                break  # a retry that fails keeps the first result (the authored line)
            finally:
                close = getattr(it, "close", None)
                if close is not None:
                    close()
            self.raw = "".join(raw)
            if shown:
                break
            if first is None:
                first = GuardResult(ok=False, text=line, reason=failed) if failed else None
        if not shown:  # nothing passed (or only echoes): the authored line, as before streaming
            self.fell_back = not echo and first is not None
            self.reason = first.reason if self.fell_back and first else None
            yield from self._show(line, shown)
            self.text = line
            return
        # The rest of the authored line that the shown sentences have not said (nothing shown is retracted).
        said = " ".join(shown)
        # A strict rewording must say the whole line; a loose reply is the model's own, so the authored line
        # is drawn on only when one of its sentences failed.
        if faithfulness == "strict":
            rest = line_parts[covered:]
        else:
            rest = [p for p in line_parts if not _covered(said, p)] if failed else []
        if failed or rest:
            self.fell_back = True
            self.reason = failed or "ended before saying the whole line (the rest is the authored line)"
        for part in rest:
            yield from self._show(part, shown)
        self.text = " ".join(shown)

    def _read(self, it: Iterator[str], raw: list[str], attempt: int) -> Iterator[str]:
        """The backend's chunks; a backend bug becomes a BackendError, not a traceback in the chat."""
        while True:
            try:
                chunk = next(it)
            except StopIteration:
                return
            except BackendError:
                raise
            except Exception as e:
                raise BackendError(f"The '{self.backend.name}' actor backend failed ({type(e).__name__}: {e}).",
                                   "Try again, or switch to the offline backend with TALKDOWN_BACKEND=local.") from e
            raw.append(chunk)
            yield chunk

    def _show(self, piece: str, shown: list[str]) -> Iterator[str]:
        if self.first_shown is None:
            self.first_shown = time.monotonic() - self._t0
        lead = " " if shown else ""
        shown.append(piece)
        yield from word_chunks(lead + piece)

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
