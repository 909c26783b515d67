"""Helpers shared by the Store and the scope modules (below both, so neither imports the other's module)."""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

from core.errors import InputError
from store.auth import MAX_PASSWORD, MIN_PASSWORD, check_password_rules  # noqa: F401  (re-exported)
from store.models import User

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def iso(dt: datetime) -> str:
    """Timestamps are stored as naive UTC ISO strings, so they sort and compare as text."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.isoformat(timespec="seconds")


def clean_username(username: str) -> str:
    name = (username or "").strip()
    if not USERNAME_RE.match(name):
        raise InputError("A username is 1–64 characters: letters, digits, and . _ @ - (starting with a letter or digit).")
    return name


def clean_display_name(display_name: str | None, fallback: str) -> str:
    name = (display_name or "").strip() or fallback
    if len(name) > 100:
        raise InputError("The display name is too long; the limit is 100 characters.")
    return name


def user_from_row(row: dict) -> User:
    return User(id=row["id"], username=row["username"], role=row["role"],
                display_name=row["display_name"], active=bool(row["active"]))


def create_private(path: str | Path) -> None:
    """Create an empty file readable by its owner only (0600), if it does not exist yet."""
    try:
        fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
