"""Reply leases: which process is writing a conversation's customer reply right now, in the database.

A lease is one row per conversation (table ``reply_leases``, migration m006) with a random holder token
and an expiry. Taking it is one ``BEGIN IMMEDIATE`` transaction, so of two app processes (or threads)
on one database file exactly one gets it; the other waits, then finds the reply already there. A lease
past its expiry belongs to nobody: a process that crashed while replying blocks the conversation only
until then. Releasing needs the holder's token, so a slow holder whose lease lapsed and was taken over
cannot release its successor's. The store's one-reply-per-message check (``_append_turn``) stays the
last word on what is saved.
"""
from __future__ import annotations

import secrets
import time
from typing import Callable

from store.access import ScopeBase


class ReplyLeases:
    """The unscoped lease table; the practice service reaches it through the scope (``LeasesMixin``)."""

    def __init__(self, store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock  # wall-clock seconds: every process on the file must read the same clock

    def take(self, conversation_id: int, seconds: float) -> str | None:
        """A holder token for the conversation's lease, or None while another holder's lease is live."""
        now = self.clock()
        with self._store._write() as db:
            row = db.execute("SELECT expires_at FROM reply_leases WHERE conversation_id = ?",
                             [conversation_id]).fetchone()
            if row is not None and row[0] > now:
                return None
            token = secrets.token_hex(16)
            db.execute("INSERT INTO reply_leases (conversation_id, holder, taken_at, expires_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (conversation_id) DO UPDATE SET holder = excluded.holder, "
                       "taken_at = excluded.taken_at, expires_at = excluded.expires_at",
                       [conversation_id, token, now, now + float(seconds)])
        return token

    def held(self, conversation_id: int) -> bool:
        row = self._store.one("SELECT expires_at FROM reply_leases WHERE conversation_id = ?", [conversation_id])
        return row is not None and row["expires_at"] > self.clock()

    def release(self, conversation_id: int, token: str) -> None:
        with self._store._write() as db:
            db.execute("DELETE FROM reply_leases WHERE conversation_id = ? AND holder = ?", [conversation_id, token])


class LeasesMixin(ScopeBase):
    """The scope's face of the leases: only the conversation's own trainee takes or releases one."""

    def _leases(self) -> ReplyLeases:
        return self._store.leases

    def take_reply_lease(self, conversation_id: int, seconds: float) -> str | None:
        self._refresh()
        self._own_conversation_row(conversation_id)
        return self._leases().take(conversation_id, seconds)

    def release_reply_lease(self, conversation_id: int, token: str) -> None:
        self._leases().release(conversation_id, token)

    def reply_in_progress(self, conversation_id: int) -> bool:
        """A live lease: some process is writing this conversation's reply (or ending it) right now."""
        self._refresh()
        self._conversation_row(conversation_id)
        return self._leases().held(conversation_id)
