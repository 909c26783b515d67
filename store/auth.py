"""Sign-in defences: the password policy, throttling with a temporary lockout, and a cap on how
many password checks run at once.

Throttling is kept in the database (table ``sign_in_failures``), so it holds across app
processes and restarts. Two counters are kept per attempt: one for the account name tried
(existing or not, so the lock reveals nothing about which accounts exist) and one for the client
(the browser's address). After a few failures each further attempt must wait longer (2 s, 4 s,
8 s, ...), and after more a lockout of ``LOCK_S`` follows. A lockout always ends on its own, and the
counter then starts at the delay stage again, so guessing can slow an account down but never
lock it for good; an admin can clear an account's lock at once. While a wait or lock is on, no
password is checked at all (so a locked attempt costs nothing and says nothing).
"""
from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from core.errors import AuthError, InputError

MIN_PASSWORD = 8
MAX_PASSWORD = 256  # checked before hashing: a huge password costs time to hash

# -- the password policy ----------------------------------------------------------------------
# The most common passwords of public breach lists (and their obvious variants are caught by the
# rules below: a trailing number or symbol, repeated characters, sequences).
COMMON_PASSWORDS = frozenset("""
password password1 password12 password123 passw0rd p@ssword p@ssw0rd pass1234 12345678 123456789
1234567890 0987654321 87654321 11111111 00000000 qwerty qwertyui qwertyuiop qwerty123 qwerty1234
asdfghjk asdfghjkl zxcvbnm1 zxcvbnm iloveyou iloveyou1 letmein letmein1 welcome welcome1 welcome123
admin admin123 admin1234 administrator root1234 changeme changeme1 default secret secret123
abc12345 abcd1234 1q2w3e4r 1q2w3e4r5t 1qaz2wsx qazwsxedc q1w2e3r4 monkey dragon football baseball
basketball soccer hockey princess sunshine starwars superman batman trustno1 whatever shadow
master michael jessica jennifer charlie freedom computer internet samsung google facebook
cheese chocolate butterfly pokemon mustang ferrari liverpool chelsea arsenal summer winter
spring autumn london paris berlin hello123 hellohello loveme lovely mypassword yourpassword
talkdown talkdown1 training trainee trainer manager customer support service helpdesk
""".split())
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}  # controls, format (zero-width), spaces, marks


def _visible(password: str) -> str:
    return "".join(ch for ch in password if unicodedata.category(ch) not in _INVISIBLE and not ch.isspace())


def _is_sequence(s: str) -> bool:
    """'12345678', 'abcdefgh', '87654321', 'zyxwvuts': every step +1 or every step -1."""
    if len(s) < 3:
        return False
    steps = {ord(b) - ord(a) for a, b in zip(s, s[1:])}
    return steps in ({1}, {-1})


def _base(s: str) -> str:
    """'Password123!' -> 'password': lowercase, trailing digits and symbols dropped."""
    return re.sub(r"[\d\W_]+$", "", s.lower())


def check_password_rules(password: str, username: str | None = None) -> None:
    """Raise InputError if the password is too short, too long or trivially guessable."""
    hint = "A few unrelated words make a long password that is easy to remember."
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InputError(f"The password must be at least {MIN_PASSWORD} characters long.", hint)
    if len(password) > MAX_PASSWORD:
        raise InputError(f"The password is too long; the limit is {MAX_PASSWORD} characters.")
    visible = _visible(password)
    if len(visible) < MIN_PASSWORD:
        raise InputError(f"The password needs at least {MIN_PASSWORD} visible characters: spaces and "
                         "invisible characters do not count.", hint)
    low = visible.lower()
    if len(set(low)) <= 2:
        raise InputError("The password is one or two characters repeated; that is guessed at once.", hint)
    if _is_sequence(low) or low in COMMON_PASSWORDS or _base(low) in COMMON_PASSWORDS:
        raise InputError("That password is one of the first ones people guess.", hint)
    name = (username or "").strip().lower()
    if name and (low == name or (len(name) >= 3 and len(low.replace(name, "")) < MIN_PASSWORD)):
        # The username does not count towards the length: "ana12345" is "12345" to a guesser.
        raise InputError("The password must not be the username, or the username with a few characters "
                         f"added: at least {MIN_PASSWORD} characters besides it.", hint)


# -- how many password checks at once ---------------------------------------------------------
# argon2id with the default parameters takes 64 MiB per check: a burst of sign-ins must not
# exhaust memory. One process-wide cap, shared by every Store in the process.
MAX_CONCURRENT_HASHES = 4
HASH_WAIT_S = 20.0
BUSY = "Talkdown is busy signing other people in. Try again in a moment."
_hash_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


@contextmanager
def hash_slot(wait_s: float = HASH_WAIT_S) -> Iterator[None]:
    if not _hash_slots.acquire(timeout=wait_s):
        raise AuthError(BUSY)
    try:
        yield
    finally:
        _hash_slots.release()


# -- throttling -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    free: int          # failures allowed before any wait
    lock_after: int    # failures that start a lockout
    max_delay_s: float
    lock_s: float


ACCOUNT = Limits(free=5, lock_after=10, max_delay_s=300.0, lock_s=15 * 60.0)
CLIENT = Limits(free=20, lock_after=50, max_delay_s=300.0, lock_s=15 * 60.0)
FORGET_AFTER_S = 24 * 3600.0  # a counter with no failure for this long starts again at zero
THROTTLED = "Too many failed sign-ins. Wait {wait} and try again, or ask an administrator to clear the lock."


def _wait_words(seconds: float) -> str:
    s = max(1, math.ceil(seconds))
    if s < 90:
        return f"{s} second{'s' if s != 1 else ''}"
    m = math.ceil(s / 60)
    return f"{m} minutes"


def account_key(username: str) -> str:
    return "account:" + (username or "").strip().lower()[:64]


def client_key(client: str) -> str:
    return "client:" + str(client)[:100]


class Throttle:
    """Failure counters in the store's database (``sign_in_failures``)."""

    def __init__(self, store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock

    @staticmethod
    def _limits(key: str) -> Limits:
        return ACCOUNT if key.startswith("account:") else CLIENT

    def _open_at(self, key: str, row: dict) -> float:
        """When the next attempt with this key may be made (epoch seconds)."""
        limits = self._limits(key)
        if row["locked_until"]:
            return row["locked_until"]
        if row["failures"] < limits.free:
            return 0.0
        delay = min(limits.max_delay_s, 2.0 ** (row["failures"] - limits.free + 1))
        return row["last_at"] + delay

    def check(self, keys: list[str]) -> None:
        """Raise AuthError while any key must wait or is locked."""
        now = self.clock()
        marks = ",".join("?" for _ in keys)
        rows = self._store.query(f"SELECT * FROM sign_in_failures WHERE key IN ({marks})", keys)
        wait = max([self._open_at(r["key"], r) - now for r in rows] or [0.0])
        if wait > 0:
            raise AuthError(THROTTLED.format(wait=_wait_words(wait)))

    def fail(self, keys: list[str]) -> None:
        now = self.clock()
        with self._store._write() as db:
            for key in keys:
                limits = self._limits(key)
                row = db.execute("SELECT failures, last_at, locked_until FROM sign_in_failures WHERE key = ?",
                                 [key]).fetchone()
                failures = 0
                if row is not None:
                    failures, last_at, locked_until = row
                    if locked_until and now >= locked_until:
                        failures = limits.free  # a lock served: delays again, never a lock for good
                    elif now - last_at > FORGET_AFTER_S:
                        failures = 0
                failures += 1
                locked = now + limits.lock_s if failures >= limits.lock_after else None
                db.execute("INSERT INTO sign_in_failures (key, failures, last_at, locked_until) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, "
                           "locked_until = excluded.locked_until", [key, failures, now, locked])

    def clear(self, key: str) -> None:
        with self._store._write() as db:
            db.execute("DELETE FROM sign_in_failures WHERE key = ?", [key])

    def state(self, key: str) -> dict | None:
        """{failures, wait_s (0 if none), locked} for a key, or None if it has no failures."""
        row = self._store.one("SELECT * FROM sign_in_failures WHERE key = ?", [key])
        if row is None:
            return None
        wait = max(0.0, self._open_at(key, row) - self.clock())
        return {"failures": row["failures"], "wait_s": wait, "locked": bool(row["locked_until"]) and wait > 0}
