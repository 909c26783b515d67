"""Backup and restore of the database file with SQLite's online backup API.

Copying ``talkdown.db`` while the app runs is not a backup: recent commits live in the ``-wal``
file beside it, so a plain copy can miss them or be torn. ``backup`` asks SQLite for a consistent
snapshot instead (it copies pages and restarts if a writer changes one meanwhile), so it is safe
while the app writes. ``restore`` checks the file is a sound Talkdown database, then copies it
over the live one through the same API and upgrades it if it is older.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from core.errors import InputError
from store.common import create_private

PAGES_PER_STEP = 256  # small steps: writers are held up for a moment at most


def _check_database(path: Path) -> None:
    """Raise InputError unless path is a readable, intact Talkdown database."""
    if not path.is_file():
        raise InputError(f"{path} is not a file.", "Give the path of a backup made with `python -m store backup`.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise InputError(f"{path} is not a SQLite database ({e}).") from None
    if ok != "ok":
        raise InputError(f"{path} is damaged ({ok}).", "Use another backup.")
    if not {"users", "_sqlite_migrations"} <= tables:
        raise InputError(f"{path} is not a Talkdown database (it has no users or migrations table).")


def backup(db_path: str | Path, dest: str | Path, *, overwrite: bool = False) -> Path:
    """A consistent copy of the database at db_path, written to dest (0600). Safe while the app runs."""
    src_path, dest = Path(db_path), Path(dest)
    if not src_path.is_file():
        raise InputError(f"There is no database at {src_path}.")
    if dest.exists() and not overwrite:
        raise InputError(f"{dest} already exists.", "Choose a new file name, or pass --force to replace it.")
    if dest.resolve() == src_path.resolve():
        raise InputError("The backup cannot be the database file itself.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    tmp.unlink(missing_ok=True)
    create_private(tmp)
    src = sqlite3.connect(str(src_path), timeout=30)
    try:
        out = sqlite3.connect(str(tmp))
        try:
            src.backup(out, pages=PAGES_PER_STEP)
            # One self-contained file: the copy keeps no WAL of its own.
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
    except sqlite3.Error as e:
        tmp.unlink(missing_ok=True)
        raise InputError(f"The backup failed: {e}.") from None
    finally:
        src.close()
    os.replace(tmp, dest)
    return dest


def restore(backup_path: str | Path, db_path: str | Path) -> Path:
    """Replace the database at db_path with the backup's contents, then apply any newer migrations.

    Stop the app first: sessions open during a restore would carry on with what they had read."""
    from store.store import Store

    src_path, db_path = Path(backup_path), Path(db_path)
    _check_database(src_path)
    if db_path.exists() and src_path.resolve() == db_path.resolve():
        raise InputError("The backup and the database are the same file.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    create_private(db_path)
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(str(db_path), timeout=30)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
        finally:
            dst.close()
    except sqlite3.Error as e:
        raise InputError(f"The restore failed: {e}.", "The database was left as it was, or is the backup's copy.") from None
    finally:
        src.close()
    Store(db_path)  # upgrades a backup from an older version in place
    return db_path
