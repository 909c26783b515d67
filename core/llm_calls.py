"""Bounds on one model call: an overall deadline and a cap on the bytes read, enforced on the socket.

The SDK's own timeouts are per operation: a read timeout restarts with every byte, so an endpoint that
trickles a byte a second is never cut, and a retry starts the clock again. Here one budget covers the
whole call, retries included:

    with bounded(seconds=20, max_bytes=256_000):   # this thread's calls, until the block ends
        llm.invoke(...)                            # through http_client()

Every connect, TLS handshake, write and read made by `http_client()` inside the block gets at most the
time left, and the bytes received are counted, so a trickle is cut at the deadline and an endless
stream at the cap (nothing past it is read into memory). A bound that is hit raises `DeadlineExceeded`
or `ReplyTooLarge`; the SDK may wrap it, `bound_hit(e)` finds it in the exception's chain.
"""
from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class BoundHit(Exception):
    """A model call went past one of its bounds."""


class DeadlineExceeded(BoundHit):
    pass


class ReplyTooLarge(BoundHit):
    pass


@dataclass
class Bounds:
    seconds: float
    max_bytes: int
    end: float = 0.0
    received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def limit(self, timeout: float | None) -> float:
        """The time one socket operation may take: what it asked for, never past the deadline."""
        left = self.remaining()
        if left <= 0:
            raise self.expired()
        return left if timeout is None else min(timeout, left)

    def expired(self) -> "DeadlineExceeded":
        return DeadlineExceeded(f"no answer within {self.seconds:g} seconds")

    def count(self, n: int) -> None:
        with self._lock:
            self.received += n
            if self.received > self.max_bytes:
                raise ReplyTooLarge(f"more than {self.max_bytes:,} bytes")


_current: contextvars.ContextVar[Bounds | None] = contextvars.ContextVar("talkdown_llm_bounds", default=None)


@contextmanager
def bounded(seconds: float, max_bytes: int) -> Iterator[Bounds]:
    """Bound every call `http_client()` makes on this thread until the block ends."""
    b = Bounds(float(seconds), int(max_bytes))
    token = _current.set(b)
    try:
        yield b
    finally:
        _current.reset(token)


@contextmanager
def activate(b: Bounds) -> Iterator[Bounds]:
    """Bound this thread's calls by an existing budget until the block ends. A streamed reply reads its
    stream a piece at a time between the caller's own work: each read runs inside `activate(b)` with the
    same Bounds, so the deadline and byte cap cover the whole stream without binding the caller's code."""
    token = _current.set(b)
    try:
        yield b
    finally:
        _current.reset(token)


def bound_hit(e: BaseException | None) -> BoundHit | None:
    """The bound behind an exception (the SDK wraps it as a timeout or connection error), if any."""
    seen = 0
    while e is not None and seen < 20:
        if isinstance(e, BoundHit):
            return e
        e = e.__cause__ or e.__context__
        seen += 1
    return None


def _timed_out(e: BaseException, b: Bounds) -> bool:
    """A socket timeout that the deadline set (not a shorter per-operation one of the caller's)."""
    return "timeout" in type(e).__name__.lower() and b.remaining() <= 0.05


class _Stream:
    """A network stream whose every operation stops at the deadline and whose reads are counted."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        b = _current.get()
        if b is None:
            return self._inner.read(max_bytes, timeout)
        try:
            data = self._inner.read(max_bytes, b.limit(timeout))
        except Exception as e:
            if _timed_out(e, b):
                raise b.expired() from None
            raise
        b.count(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        b = _current.get()
        if b is None:
            return self._inner.write(buffer, timeout)
        try:
            return self._inner.write(buffer, b.limit(timeout))
        except Exception as e:
            if _timed_out(e, b):
                raise b.expired() from None
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> "_Stream":
        b = _current.get()
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, b.limit(timeout) if b else timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend:
    """httpcore's network backend with every connection it opens bounded (see `_Stream`)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> _Stream:
        b = _current.get()
        return _Stream(self._inner.connect_tcp(host, port, b.limit(timeout) if b else timeout, local_address,
                                               socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> _Stream:
        b = _current.get()
        return _Stream(self._inner.connect_unix_socket(path, b.limit(timeout) if b else timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        b = _current.get()
        self._inner.sleep(min(seconds, max(0.0, b.remaining())) if b else seconds)


def _bound_transport(transport: Any) -> bool:
    pool = getattr(transport, "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):
        return False
    if not isinstance(pool._network_backend, _Backend):
        if pool._network_backend is None:
            from httpcore import SyncBackend

            pool._network_backend = SyncBackend()
        pool._network_backend = _Backend(pool._network_backend)
    return True


_client_lock = threading.Lock()
_clients: dict[Any, Any] = {}


def http_client():
    """The process's httpx client for model calls (proxies from the environment kept), bounded inside `bounded`."""
    import httpx

    with _client_lock:
        client = _clients.get("sync")
        if client is None:
            client = httpx.Client(timeout=None, follow_redirects=True)
            transports = [client._transport, *[t for t in client._mounts.values() if t is not None]]
            if not all(_bound_transport(t) for t in transports):  # a newer httpx laid out otherwise
                raise RuntimeError("Cannot bound model calls with this httpx version.")
            _clients["sync"] = client
        return client


RETRY_STATUSES = (408, 409, 429, 500, 502, 503, 504)


def retry_pause(e: Exception, attempt: int, bounds: Bounds, retries: int,
                retryable: Callable[[Exception], bool]) -> float | None:
    """The pause before trying again after `e` on this attempt, or None when no retry fits: no retries left,
    a bound hit, not retryable, or less than a second left after the pause."""
    wait = min(0.25 * 2 ** attempt, 2.0)
    if attempt >= retries or bound_hit(e) or not retryable(e) or bounds.remaining() < wait + 1.0:
        return None
    return wait


def retrying(call: Callable[[], T], bounds: Bounds, retries: int, retryable: Callable[[Exception], bool]) -> T:
    """`call()`, tried again after a retryable failure while the deadline leaves room for it."""
    for attempt in range(max(0, retries) + 1):
        try:
            return call()
        except Exception as e:
            wait = retry_pause(e, attempt, bounds, retries, retryable)
            if wait is None:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")
