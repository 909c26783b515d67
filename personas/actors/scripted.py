"""The deterministic backend: says the authored line. Tests can queue replies or errors."""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator

from personas.actors.base import ActorRequest, word_chunks


class ScriptedBackend:
    name = "scripted"
    faithfulness = "strict"

    def __init__(self, settings=None) -> None:
        self._queue: deque[str | BaseException] = deque()
        self._lock = threading.Lock()
        self.requests: list[ActorRequest] = []  # what it was asked, for tests

    def enqueue(self, text: str) -> None:
        """The next reply is `text` instead of the authored line (it still goes through the guard)."""
        with self._lock:
            self._queue.append(text)

    def enqueue_error(self, error: BaseException) -> None:
        """The next call raises `error` (e.g. BackendError) before yielding anything."""
        with self._lock:
            self._queue.append(error)

    def stream(self, request: ActorRequest) -> Iterator[str]:
        with self._lock:
            self.requests.append(request)
            item = self._queue.popleft() if self._queue else request.line
        if isinstance(item, BaseException):
            raise item
        yield from word_chunks(item)
