"""Sign-in sessions that survive a browser refresh, expire, and can be ended from the server.

A session is a random 256-bit token handed to the browser; the database keeps only its SHA-256
(table ``sessions``), so a copy of the database signs nobody in. A token is good until it has been
idle for ``IDLE_S`` or is ``MAX_AGE_S`` old, and never once its user is disabled or deleted.
Signing out, a password change or reset and disabling an account end every session of that user.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from typing import Callable

from store.common import user_from_row
from store.models import User

IDLE_S = 2 * 3600.0
MAX_AGE_S = 12 * 3600.0
TOUCH_EVERY_S = 60.0  # last_seen is written at most once a minute per session
MAX_TOKEN_CHARS = 100


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Sessions:
    def __init__(self, store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock

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
