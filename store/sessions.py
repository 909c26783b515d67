"""Sign-in sessions that survive a browser refresh, expire, and can be ended from the server.

A session is a random 256-bit token handed to the browser; the database keeps only its SHA-256
(table ``sessions``), so a copy of the database signs nobody in. A token is good until it has been
idle for ``IDLE_S`` or is ``MAX_AGE_S`` old, and never once its user is disabled or deleted.
Signing out, a password change or reset and disabling an account end every session of that user.

The browser holds a token in a cookie, signed: ``<token>.<expiry>.<HMAC-SHA256>`` keyed with a server
secret kept beside the database (``<db>.session-key``, created 0600 on first use). ``user_for_cookie``
rejects a forged, tampered, expired or foreign-key cookie from the signature and expiry alone, before
any database lookup; a well-signed one still needs its live row (revocation stays server-side).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from pathlib import Path
from typing import Callable

from store.common import user_from_row
from store.models import User

IDLE_S = 2 * 3600.0
MAX_AGE_S = 12 * 3600.0
TOUCH_EVERY_S = 60.0  # last_seen is written at most once a minute per session
MAX_TOKEN_CHARS = 100
MAX_COOKIE_CHARS = 200
SECRET_BYTES = 32
# token (token_urlsafe(32): 43 characters) . expiry (Unix seconds) . signature (base64url, 43 characters)
_COOKIE = re.compile(r"([A-Za-z0-9_-]{43})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _load_secret(path: Path) -> bytes:
    """The signing secret in path, created (0600, written whole before it appears) if missing or unusable."""
    for _ in range(3):
        try:
            raw = bytes.fromhex(path.read_text(encoding="ascii").strip())
            if len(raw) >= SECRET_BYTES:
                return raw
        except FileNotFoundError:
            pass
        except (ValueError, UnicodeDecodeError):
            pass  # damaged: replaced below (every signed-in browser then signs in again)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(SECRET_BYTES) + "\n")
            if path.exists():
                os.replace(tmp, path)  # it exists but is unusable
            else:
                try:
                    os.link(tmp, path)  # atomic: another process that got there first wins
                except FileExistsError:
                    pass
        finally:
            tmp.unlink(missing_ok=True)
    raise OSError(f"cannot read the session secret at {path}")


class Sessions:
    def __init__(self, store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock
        self._secret: bytes | None = None

    @property
    def secret_path(self) -> Path:
        return Path(str(self._store.path) + ".session-key")

    def _key(self) -> bytes:
        if self._secret is None:
            self._secret = _load_secret(self.secret_path)
        return self._secret

    def _signature(self, token: str, expires: int) -> str:
        return _b64(hmac.new(self._key(), f"talkdown-session-v1.{token}.{expires}".encode("ascii"),
                             hashlib.sha256).digest())

    # -- the browser's cookie -----------------------------------------------------------------
    def issue_cookie(self, user_id: int) -> tuple[str, int]:
        """A new session for user_id as a signed cookie value, and its max-age in seconds."""
        token = self.issue(user_id)
        expires = int(self.clock() + MAX_AGE_S)
        return f"{token}.{expires}.{self._signature(token, expires)}", int(MAX_AGE_S)

    def verify_cookie(self, value: str | None) -> str | None:
        """The token in a cookie value whose signature and expiry hold, else None. No database access."""
        if not isinstance(value, str) or len(value) > MAX_COOKIE_CHARS:
            return None
        m = _COOKIE.fullmatch(value)
        if m is None:
            return None
        token, expires, signature = m.group(1), int(m.group(2)), m.group(3)
        if not hmac.compare_digest(signature, self._signature(token, expires)):
            return None
        if self.clock() >= expires:
            return None
        return token

    def user_for_cookie(self, value: str | None) -> User | None:
        """The active user a signed cookie value signs in, or None (forged, tampered, expired, revoked...)."""
        token = self.verify_cookie(value)
        return self.user_for(token) if token is not None else None

    def seconds_left(self, value: str | None) -> float:
        """How long a cookie value's signature stays valid (0 if it is not valid now)."""
        if self.verify_cookie(value) is None:
            return 0.0
        return max(0.0, int(value.split(".")[1]) - self.clock())

    def end_cookie(self, value: str | None) -> None:
        token = self.verify_cookie(value)
        if token is not None:
            self.end(token)

    # -- tokens ----------------------------------------------------------------------------

    def issue(self, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._store._write() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ? OR last_seen < ?", [now, now - IDLE_S])
            db.execute("INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at) "
                       "VALUES (?, ?, ?, ?, ?)", [_digest(token), user_id, now, now, now + MAX_AGE_S])
        return token

    def user_for(self, token: str | None) -> User | None:
        """The active user this token signs in, or None (unknown, expired, idle, revoked, disabled)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        now = self.clock()
        row = self._store.one("SELECT s.last_seen, s.expires_at, s.token_hash, u.* FROM sessions s "
                              "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", [_digest(token)])
        if row is None:
            return None
        if now >= row["expires_at"] or now - row["last_seen"] >= IDLE_S or not row["active"]:
            self.end(token)
            return None
        if now - row["last_seen"] >= TOUCH_EVERY_S:
            with self._store._write() as db:
                db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, row["token_hash"]])
        return user_from_row(row)

    def end(self, token: str | None) -> None:
        if isinstance(token, str) and token:
            with self._store._write() as db:
                db.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])

    def end_all(self, user_id: int) -> None:
        with self._store._write() as db:
            db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])
