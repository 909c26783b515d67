"""Reading a user-named file with a size cap: /dev/zero or a huge file is refused, never read forever."""
from __future__ import annotations

from pathlib import Path

from core.errors import InputError


def read_capped(path: str | Path, limit: int, what: str) -> bytes:
    """The file's bytes, or InputError naming it when it cannot be read or is larger than `limit`.
    `what` names the kind of file in the message ("a transcript", "an ESConv file")."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as e:
        raise InputError(f"Cannot read {p}: {e.strerror}.") from None
    if len(raw) > limit:
        raise InputError(f"{p} is larger than {limit // 1_000_000} MB, too large for {what}.")
    return raw
