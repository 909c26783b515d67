"""Single sign-on: which identity at an OIDC provider signs in which Talkdown account.

Streamlit's ``st.login`` does the OpenID Connect exchange (Authlib checks the ID token's signature,
issuer, audience, nonce and expiry) and hands the token's claims to the app as ``st.user``. This
module decides what those claims may do in Talkdown:

- An identity is the pair (issuer, subject): ``iss`` and ``sub`` of the ID token. OIDC promises that
  a subject is unique within its issuer and never given to anyone else. The e-mail address is not
  used to match: it can change, some providers do not verify it or let users set it, and an address
  can be handed to a new person. It is kept only as a hint for the admin who links the identity.
- A linked identity signs in its account: the caller starts Talkdown's normal server session
  (``store.sessions``), so revocation, idle expiry and disabling apply as for a password sign-in.
  Roles always come from Talkdown's own ``users`` table; no claim changes them.
- An unknown identity is refused and nothing is created; it is recorded in ``sso_pending`` so an
  admin sees who is waiting, and the admin links it (or creates the account, then links it).
- Each provider sign-in is good once, and only while fresh: its digest (issuer, subject, issued-at,
  nonce) goes into ``sso_used``. Streamlit's identity cookie lasts 30 days; without this, a tab
  whose Talkdown session was ended (sign-out elsewhere, idle expiry, a password reset) would be
  signed straight back in from that cookie.

Only admins may list, link, unlink or dismiss identities (``SsoIdentities.admin``), checked
against the database on every call.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from pydantic import BaseModel

from core.errors import AccessDenied, AuthError, InputError
from store.common import iso, user_from_row
from store.models import User

MAX_ID_CHARS = 255       # issuer and subject; OIDC subjects are at most 255 ASCII characters
MAX_TEXT_CHARS = 200     # e-mail, name and provider label as kept for the admin
FRESH_S = 600.0          # a provider sign-in (ID token issued at) must be this recent to be used
CLOCK_SKEW_S = 120.0     # an ID token may claim to be issued this far in the future
MAX_PENDING = 500        # unknown identities kept for the admin; the longest-unseen go first

NOT_LINKED = ("Your {provider} sign-in worked, but it is not linked to a Talkdown account yet. "
              "Ask an admin to link your account, then sign in again.")
DISABLED = "The Talkdown account linked to this sign-in is disabled. Ask an admin."
NO_IDENTITY = ("The sign-in provider did not say who you are (no issuer or subject in its answer). "
               "Ask an admin to check the single sign-on settings.")
NO_LINK = "No such single sign-on link."
ADMINS_ONLY = "Only admins can manage single sign-on links."


class SsoRefused(AuthError):
    """A provider sign-in that starts no Talkdown session (not linked, account disabled, no identity)."""


class SsoStale(AuthError):
    """A provider sign-in that was already used or is too old: sign in with the provider again."""

    def __init__(self) -> None:
        super().__init__("That single sign-on has already been used or is too old. Sign in again.")


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    provider: str
    email: str
    email_verified: bool | None
    name: str
    issued_at: float
    digest: str


class SsoLink(BaseModel):
    issuer: str
    subject: str
    user_id: int
    username: str
    display_name: str
    provider: str
    email: str
    name: str
    linked_at: str
    last_sign_in: str | None


class SsoPending(BaseModel):
    issuer: str
    subject: str
    provider: str
    email: str
    email_verified: bool | None
    name: str
    first_seen: str
    last_seen: str
    attempts: int


def _text(value: Any) -> str:
    """A claim as one line of bounded text ('' for anything that is not a string)."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:MAX_TEXT_CHARS]


def _id_part(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_ID_CHARS or any(ord(ch) < 32 for ch in value):
        return None
    return value


def identity_from_claims(claims: Mapping[str, Any], provider: str = "") -> Identity:
    """The identity in an ID token's claims (``st.user``), or SsoRefused if it names nobody."""
    issuer, subject = _id_part(claims.get("iss")), _id_part(claims.get("sub"))
    if issuer is None or subject is None:
        raise SsoRefused(NO_IDENTITY)
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, (int, float)) or not math.isfinite(iat):
        raise SsoStale()  # OIDC requires iat: without it freshness cannot be told
    verified = claims.get("email_verified")
    if isinstance(verified, str):  # some providers send "true" / "false"
        verified = {"true": True, "false": False}.get(verified.lower())
    nonce = claims.get("nonce")
    digest = hashlib.sha256(json.dumps([issuer, subject, iat, nonce if isinstance(nonce, str) else None,
                                        claims.get("exp") if isinstance(claims.get("exp"), (int, float)) else None],
                                       default=str).encode("utf-8")).hexdigest()
    return Identity(issuer=issuer, subject=subject, provider=_text(provider), email=_text(claims.get("email")),
                    email_verified=verified if isinstance(verified, bool) else None,
                    name=_text(claims.get("name")) or _text(claims.get("preferred_username")),
                    issued_at=float(iat), digest=digest)


class SsoIdentities:
    """Sign-in by a provider identity, and the admin's link table. ``SsoIdentities(store)``."""

    def __init__(self, store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock

    def _stamp(self, now: float) -> str:
        return iso(datetime.fromtimestamp(now, timezone.utc))

    def sign_in(self, claims: Mapping[str, Any], provider: str = "") -> User:
        """The active account linked to this provider sign-in; the caller then starts a session.

        Raises SsoStale (used before, or not fresh), or SsoRefused with a message for the person:
        not linked yet (recorded for the admin; nothing else is created), or the account is disabled."""
        ident = identity_from_claims(claims, provider)
        now = self.clock()
        if ident.issued_at > now + CLOCK_SKEW_S or now - ident.issued_at > FRESH_S:
            raise SsoStale()
        stamp = self._stamp(now)
        with self._store._write() as db:
            db.execute("DELETE FROM sso_used WHERE used_at < ?", [now - FRESH_S - 2 * CLOCK_SKEW_S])
            if db.execute("SELECT 1 FROM sso_used WHERE digest = ?", [ident.digest]).fetchone():
                raise SsoStale()
            db.execute("INSERT INTO sso_used (digest, used_at) VALUES (?, ?)", [ident.digest, now])
            user_row = next(iter(db.query("SELECT u.* FROM sso_links l JOIN users u ON u.id = l.user_id "
                                          "WHERE l.issuer = ? AND l.subject = ?", [ident.issuer, ident.subject])), None)
            if user_row is None:
                self._record_pending(db, ident, stamp)
                outcome: str | User = "not_linked"
            elif not user_row["active"]:
                outcome = "disabled"
            else:
                db.execute("UPDATE sso_links SET last_sign_in = ?, email = ?, name = ?, "
                           "provider = CASE WHEN ? != '' THEN ? ELSE provider END WHERE issuer = ? AND subject = ?",
                           [stamp, ident.email, ident.name, ident.provider, ident.provider, ident.issuer,
                            ident.subject])
                outcome = user_from_row(user_row)
        # Raised after the commit: the sign-in stays used, and an unknown identity stays recorded.
        if outcome == "not_linked":
            raise SsoRefused(NOT_LINKED.format(provider=ident.provider or "single sign-on"))
        if outcome == "disabled":
            raise SsoRefused(DISABLED)
        return outcome  # type: ignore[return-value]

    @staticmethod
    def _record_pending(db, ident: Identity, stamp: str) -> None:
        verified = None if ident.email_verified is None else int(ident.email_verified)
        db.execute(
            "INSERT INTO sso_pending (issuer, subject, provider, email, email_verified, name, first_seen, last_seen, "
            "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT(issuer, subject) DO UPDATE SET "
            "provider = excluded.provider, email = excluded.email, email_verified = excluded.email_verified, "
            "name = excluded.name, last_seen = excluded.last_seen, attempts = sso_pending.attempts + 1",
            [ident.issuer, ident.subject, ident.provider, ident.email, verified, ident.name, stamp, stamp])
        db.execute("DELETE FROM sso_pending WHERE rowid NOT IN "
                   "(SELECT rowid FROM sso_pending ORDER BY last_seen DESC, rowid DESC LIMIT ?)", [MAX_PENDING])

    def admin(self, actor) -> "SsoAdmin":
        """The link table as this user may manage it: AccessDenied unless they are an active admin."""
        if isinstance(actor, int):
            uid = actor
        elif isinstance(actor, User):
            uid = actor.id
        else:  # a UserScope
            uid = actor.user.id
        adm = SsoAdmin(self, uid)
        adm._check()
        return adm


class SsoAdmin:
    """An admin's view of the link table; the role is re-read from the database on every call."""

    def __init__(self, sso: SsoIdentities, actor_id: int) -> None:
        self._sso = sso
        self._store = sso._store
        self._actor_id = actor_id

    def _check(self) -> None:
        row = self._store.one("SELECT role, active FROM users WHERE id = ?", [self._actor_id])
        if row is None or not row["active"]:
            raise AuthError("Your account is disabled or no longer exists.", "Ask an administrator.")
        if row["role"] != "admin":
            raise AccessDenied(ADMINS_ONLY)

    def links(self) -> list[SsoLink]:
        self._check()
        rows = self._store.query(
            "SELECT l.*, u.username, u.display_name FROM sso_links l JOIN users u ON u.id = l.user_id "
            "ORDER BY u.display_name COLLATE NOCASE, l.issuer, l.subject")
        return [SsoLink(issuer=r["issuer"], subject=r["subject"], user_id=r["user_id"], username=r["username"],
                        display_name=r["display_name"], provider=r["provider"], email=r["email"], name=r["name"],
                        linked_at=r["linked_at"], last_sign_in=r["last_sign_in"]) for r in rows]

    def pending(self) -> list[SsoPending]:
        self._check()
        rows = self._store.query("SELECT * FROM sso_pending ORDER BY last_seen DESC, rowid DESC")
        return [SsoPending(issuer=r["issuer"], subject=r["subject"], provider=r["provider"], email=r["email"],
                           email_verified=None if r["email_verified"] is None else bool(r["email_verified"]),
                           name=r["name"], first_seen=r["first_seen"], last_seen=r["last_seen"],
                           attempts=r["attempts"]) for r in rows]

    def link(self, issuer: str, subject: str, user_id: int) -> SsoLink:
        """Let this identity sign in this account from now on (it leaves the pending list)."""
        self._check()
        iss, sub = _id_part(issuer), _id_part(subject)
        if iss is None or sub is None:
            raise InputError(f"An issuer and a subject are each 1–{MAX_ID_CHARS} characters, on one line.")
        with self._store._write() as db:
            target = db.execute("SELECT username FROM users WHERE id = ?", [user_id]).fetchone()
            if target is None:
                raise InputError("No such user, or you do not have access to them.")
            held = db.execute("SELECT l.user_id, u.username FROM sso_links l JOIN users u ON u.id = l.user_id "
                              "WHERE l.issuer = ? AND l.subject = ?", [iss, sub]).fetchone()
            if held is not None and held[0] != user_id:
                raise InputError(f"This identity already signs in {held[1]}.", "Unlink it there first.")
            pending = db.execute("SELECT provider, email, name FROM sso_pending WHERE issuer = ? AND subject = ?",
                                 [iss, sub]).fetchone()
            provider, email, name = pending if pending else ("", "", "")
            if held is None:
                db.execute("INSERT INTO sso_links (issuer, subject, user_id, provider, email, name, linked_by, "
                           "linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [iss, sub, user_id, provider, email, name, self._actor_id,
                            self._sso._stamp(self._sso.clock())])
            db.execute("DELETE FROM sso_pending WHERE issuer = ? AND subject = ?", [iss, sub])
        return next(lk for lk in self.links() if (lk.issuer, lk.subject) == (iss, sub))

    def unlink(self, issuer: str, subject: str) -> None:
        """Stop this identity signing in; the account's sessions end (one may have come through it)."""
        self._check()
        with self._store._write() as db:
            row = db.execute("SELECT user_id FROM sso_links WHERE issuer = ? AND subject = ?",
                             [issuer, subject]).fetchone()
            if row is None:
                raise InputError(NO_LINK)
            db.execute("DELETE FROM sso_links WHERE issuer = ? AND subject = ?", [issuer, subject])
            db.execute("DELETE FROM sessions WHERE user_id = ?", [row[0]])

    def dismiss(self, issuer: str, subject: str) -> None:
        """Forget a pending identity (it reappears if it tries to sign in again)."""
        self._check()
        with self._store._write() as db:
            db.execute("DELETE FROM sso_pending WHERE issuer = ? AND subject = ?", [issuer, subject])
