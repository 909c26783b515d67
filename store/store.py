"""The Store: one SQLite file through sqlite-utils, migrated on open, safe to share between threads.

Streamlit keeps one Store per process (``st.cache_resource``) and runs every session on its own
threads, so connections are pooled: a thread borrows one for the length of a call and gives it back.
Writes are short ``BEGIN IMMEDIATE`` transactions: a writer queues on SQLite's busy handler at the
start of its transaction instead of failing half-way with "database is locked" (which a deferred
transaction that reads, then writes, can do under WAL).
"""
from __future__ import annotations

import random
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

from core.errors import AuthError, InputError, TalkdownError
from core.settings import get_settings
from store.common import (MAX_PASSWORD, MIN_PASSWORD, USERNAME_RE, _utcnow, check_password_rules,  # noqa: F401
                          clean_display_name, clean_username, create_private, iso, user_from_row)
from store.auth import Throttle, account_key, client_key, hash_slot
from store.migrations import migrations
from store.models import ROLES, User
from store.scope import UserScope
from store.leases import ReplyLeases
from store.sessions import Sessions

BUSY_TIMEOUT_S = 30.0
MAX_IDLE_CONNECTIONS = 16
# Every failed sign-in says this, whatever failed: a wrong password, an unknown or a disabled account.
WRONG_LOGIN = "Wrong username or password."


class StoreError(TalkdownError):
    """The database file cannot be opened or upgraded."""


class Store:
    """The data layer. Unscoped methods are for bootstrap and login; everything else is on ``as_user``."""

    def __init__(self, path: str | Path | None = None, *, password_hasher: PasswordHasher | None = None) -> None:
        self.path = str(path or get_settings().db_path)
        # argon2id with the library's current recommended parameters; tests pass cheaper ones.
        self.hasher = password_hasher or PasswordHasher()
        self._idle: list[Database] = []
        self._pool_lock = threading.Lock()
        self._local = threading.local()
        self._dummy_hash: str | None = None
        self.throttle = Throttle(self)
        self.sessions = Sessions(self)
        self.leases = ReplyLeases(self)
        if self.path == ":memory:" or self.path.startswith("file:"):
            # Each pooled connection would get its own empty in-memory database.
            raise StoreError("The store needs a database file path, not an in-memory database.",
                             "Use a file under a temporary directory in tests.")
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            create_private(self.path)  # 0600: accounts and transcripts are nobody else's to read
            self._prepare_file()
        except (sqlite3.DatabaseError, OSError) as e:
            raise StoreError(f"Cannot open the database at {self.path}: {e}.",
                             "Check the path (TALKDOWN_DB_PATH) and that the file is a Talkdown database.") from e

    def _prepare_file(self) -> None:
        """Switch the file to WAL and apply pending migrations, waiting out other openers.

        Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is locked"
        at once, without its busy handler, while another connection is opening the same file. So
        opening retries that case with a short randomised back-off, up to the usual busy timeout,
        before it reports the file as unusable.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                with self._db() as db:
                    db.enable_wal()
                with self._write() as db:
                    # Under the write lock, so two processes opening a new file do not both migrate.
                    migrations.apply(db)
                return
            except sqlite3.OperationalError as e:
                busy = "locked" in str(e) or "busy" in str(e)
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.01, 0.05))

    # -- connections ----------------------------------------------------------------------
    def _connect(self) -> Database:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL + NORMAL: a committed turn survives a crash or restart of the app; only a power cut
        # can lose the last few commits. FULL would add an fsync to every turn.
        conn.execute("PRAGMA synchronous = NORMAL")
        return Database(conn, execute_plugins=False)

    @contextmanager
    def _db(self) -> Iterator[Database]:
        """A connection for this thread; nested calls on the same thread share it."""
        held = getattr(self._local, "db", None)
        if held is not None:
            yield held
            return
        with self._pool_lock:
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = self._connect()
        self._local.db = db
        try:
            yield db
        finally:
            self._local.db = None
            broken = False
            if db.conn.in_transaction:
                try:
                    db.conn.rollback()
                except sqlite3.Error:
                    broken = True
            with self._pool_lock:
                if not broken and len(self._idle) < MAX_IDLE_CONNECTIONS:
                    self._idle.append(db)
                    db = None
            if db is not None:
                db.close()

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """One short write transaction, committed when the block ends (savepoint if nested)."""
        with self._db() as db:
            if db.conn.in_transaction:
                with db.atomic():
                    yield db
                return
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.rollback()
                raise
            else:
                db.conn.execute("COMMIT")

    def query(self, sql: str, params: list | tuple | dict = ()) -> list[dict]:
        with self._db() as db:
            return list(db.query(sql, params))

    def one(self, sql: str, params: list | tuple | dict = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def close(self) -> None:
        """Close idle connections (borrowed ones close when returned)."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()

    # -- time -----------------------------------------------------------------------------
    def now(self) -> datetime:
        clock = getattr(self._local, "clock", None)
        return clock() if clock else _utcnow()

    @contextmanager
    def clock(self, fn: Callable[[], datetime]) -> Iterator[None]:
        """Stamp records written on this thread with fn() instead of now (demo seeding backdates history)."""
        old = getattr(self._local, "clock", None)
        self._local.clock = fn
        try:
            yield
        finally:
            self._local.clock = old

    # -- passwords ------------------------------------------------------------------------
    def hash_password(self, password: str, username: str | None = None) -> str:
        """Check the password policy (before any hashing), then hash it; at most a few hashes at once."""
        check_password_rules(password, username)
        with hash_slot():
            return self.hasher.hash(password)

    def _verify(self, stored_hash: str, password: str) -> bool:
        if not isinstance(password, str) or len(password) > MAX_PASSWORD:
            return False  # never hashed: no password this long is ever set
        with hash_slot():
            try:
                return self.hasher.verify(stored_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

    # -- bootstrap and login --------------------------------------------------------------
    def needs_setup(self) -> bool:
        """True while there is no user at all: the app then asks for the first admin account."""
        return self.one("SELECT 1 AS x FROM users LIMIT 1") is None

    def create_first_admin(self, username: str, password: str, display_name: str | None = None) -> User:
        name = clean_username(username)
        display = clean_display_name(display_name, name)
        pw_hash = self.hash_password(password, name)  # slow: outside the write lock
        with self._write() as db:
            if db.execute("SELECT 1 FROM users LIMIT 1").fetchone():
                raise InputError("Talkdown is already set up.", "Sign in, or ask an administrator for an account.")
            uid = db.execute(
                "INSERT INTO users (username, password_hash, role, display_name, active, created_at) "
                "VALUES (?, ?, 'admin', ?, 1, ?)", [name, pw_hash, display, iso(self.now())]).lastrowid
        return self.get_user(uid)

    def authenticate(self, username: str, password: str, *, client: str | None = None) -> User:
        """The user with this username and password, or AuthError with one message for every failure.

        Throttled per account name and per client (``store.auth``): while a wait or lockout is on,
        the attempt is refused before any password check."""
        name = (username or "").strip()
        keys = [account_key(name)] + ([client_key(client)] if client else [])
        self.throttle.check(keys)
        row = self.one("SELECT * FROM users WHERE username = ?", [name]) if name and len(name) <= 64 else None
        if row is None:
            # Spend the same time as a real check, so timing does not reveal which usernames exist.
            if self._dummy_hash is None:
                with hash_slot():
                    self._dummy_hash = self.hasher.hash("not-a-real-password")
            self._verify(self._dummy_hash, password or "")
            good = False
        else:
            good = self._verify(row["password_hash"], password or "")
        if not good or not row["active"]:
            # A disabled account's right password gets the same answer as a wrong one.
            self.throttle.fail(keys)
            raise AuthError(WRONG_LOGIN)
        self.throttle.clear(keys[0])
        if self.hasher.check_needs_rehash(row["password_hash"]):
            with hash_slot():
                new_hash = self.hasher.hash(password)
            with self._write() as db:
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [new_hash, row["id"]])
        return user_from_row(row)

    def get_user(self, user_id: int) -> User:
        """Unscoped read of one account (bootstrap, CLI). Pages use ``as_user(...).list_users``."""
        row = self.one("SELECT * FROM users WHERE id = ?", [user_id])
        if row is None:
            raise InputError(f"There is no user with id {user_id}.")
        return user_from_row(row)

    def as_user(self, user: User | int) -> "UserScope":
        """Everything a signed-in user may do, checked against their current role and status."""
        uid = user if isinstance(user, int) else user.id
        row = self.one("SELECT * FROM users WHERE id = ?", [uid])
        if row is None or not row["active"]:
            raise AuthError("Your account is disabled or no longer exists.", "Ask an administrator.")
        return UserScope(self, user_from_row(row))

    # -- used by the CLI ------------------------------------------------------------------
    def create_user_unscoped(self, username: str, password: str, role: str, display_name: str | None = None) -> User:
        """Create an account without a signed-in admin (the `python -m store` CLI only)."""
        name = clean_username(username)
        if role not in ROLES:
            raise InputError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
        display = clean_display_name(display_name, name)
        pw_hash = self.hash_password(password, name)
        with self._write() as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
                raise InputError(f"The username '{name}' is taken.", "Pick another one.")
            uid = db.execute(
                "INSERT INTO users (username, password_hash, role, display_name, active, created_at) "
                "VALUES (?, ?, ?, ?, 1, ?)", [name, pw_hash, role, display, iso(self.now())]).lastrowid
        return self.get_user(uid)

    def schema_version(self) -> list[str]:
        """Names of the applied migrations, oldest first."""
        with self._db() as db:
            return [m.name for m in migrations.applied(db)]
