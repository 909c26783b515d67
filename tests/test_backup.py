"""Backup and restore (`python -m store backup|restore`), private database files, requirement bounds."""
from __future__ import annotations

import re
import shutil
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from store import Store
from store.__main__ import main
from tests.store_fixtures import FAST_HASHER, SCENARIO, build_org, customer, new_store

ROOT = Path(__file__).resolve().parent.parent


def _mode(path: str | Path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "private.db"
    store = new_store(str(path))
    build_org(store)
    assert _mode(path) == 0o600
    for side in ("-wal", "-shm"):  # SQLite gives these the database file's own permissions
        if Path(f"{path}{side}").exists():
            assert _mode(f"{path}{side}") == 0o600, side


def test_a_plain_copy_misses_the_wal_but_a_backup_does_not(tmp_path):
    """Why the command exists: the data of a running app is in the WAL until a checkpoint."""
    db = tmp_path / "live.db"
    store = new_store(str(db))
    keep_open = sqlite3.connect(str(db))  # a reader holding the WAL open, as the app's pool does
    keep_open.execute("PRAGMA wal_autocheckpoint = 0")
    build_org(store)
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(db)]) == 0
    tables = {r[0] for r in sqlite3.connect(str(tmp_path / "b.db")).execute("SELECT name FROM sqlite_master")}
    assert "users" in tables
    assert sqlite3.connect(str(tmp_path / "b.db")).execute("SELECT COUNT(*) FROM users").fetchone()[0] == 9
    assert _mode(tmp_path / "b.db") == 0o600
    keep_open.close()


def test_backup_while_the_app_writes_then_restore(tmp_path, capsys):
    db = tmp_path / "talkdown.db"
    store = new_store(str(db))
    org = build_org(store)
    ana = org.scope("ana")
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:  # the app, busy: conversations and turns, each its own commit
        try:
            while not stop.is_set():
                cid = ana.start_conversation(SCENARIO)
                customer(ana, cid, "Hello?")
                for n in range(10):
                    ana.add_turn(cid, "trainee", f"turn {n}")
                ana.finish_conversation(cid, "trainee_ended")
                written.append(cid)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while len(written) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        backups = []
        for i in range(3):
            out = tmp_path / f"backup-{i}.db"
            assert main(["backup", str(out), "--db", str(db)]) == 0
            backups.append(out)
            time.sleep(0.1)
    finally:
        stop.set()
        writer.join(60)
    assert not errors, errors
    assert "Backed up" in capsys.readouterr().out
    for out in backups:
        conn = sqlite3.connect(str(out))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Consistent: every conversation in the copy has all its turns or none were cut off mid-way,
        # and every finished one has its report.
        for cid, status, n in conn.execute("SELECT c.id, c.status, COUNT(t.id) FROM conversations c "
                                           "LEFT JOIN turns t ON t.conversation_id = c.id GROUP BY c.id"):
            if status != "active":
                assert n == 11
                assert conn.execute("SELECT 1 FROM reports WHERE conversation_id = ?", [cid]).fetchone()
        conn.close()

    # Restore the last backup over a damaged database; it opens and signs in as before.
    last = backups[-1]
    n_conv = sqlite3.connect(str(last)).execute("SELECT COUNT(*) FROM conversations").fetchone()[0]
    assert n_conv >= 2
    store.close()
    restored = tmp_path / "restored.db"
    shutil.copy(db, restored)
    assert main(["restore", str(last), "--db", str(restored)]) == 1  # refuses without --yes
    assert "--yes" in capsys.readouterr().err
    assert main(["restore", str(last), "--db", str(restored), "--yes"]) == 0
    again = Store(str(restored), password_hasher=FAST_HASHER)
    assert again.authenticate("ana", "ana-password").username == "ana"
    assert len(again.as_user(1).list_conversations(limit=10000)) == n_conv


def test_restore_into_a_new_file_and_bad_backups_are_refused(tmp_path, capsys):
    db = tmp_path / "a.db"
    build_org(new_store(str(db)))
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(db)]) == 0
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(db)]) == 1, "never overwrites without --force"
    assert "already exists" in capsys.readouterr().err
    fresh = tmp_path / "sub" / "fresh.db"
    assert main(["restore", str(tmp_path / "b.db"), "--db", str(fresh)]) == 0
    assert _mode(fresh) == 0o600
    assert Store(str(fresh), password_hasher=FAST_HASHER).authenticate("admin", "admin-password")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(str(other)).execute("CREATE TABLE x (y)")
    for bad in (junk, other, tmp_path / "missing.db"):
        assert main(["restore", str(bad), "--db", str(tmp_path / "target.db"), "--yes"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error:") and "Traceback" not in err
    assert not (tmp_path / "target.db").exists() or (tmp_path / "target.db").stat().st_size == 0


def test_the_readme_documents_backup_and_restore():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m store backup" in readme and "python -m store restore" in readme


def test_requirement_lower_bounds_cover_what_the_code_uses():
    """sqlite_utils.Migrations and Database.atomic() arrived in sqlite-utils 4.0."""
    req = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    m = re.search(r"^sqlite-utils>=(\d+)", req, re.M)
    assert m and int(m.group(1)) >= 4, "the store needs sqlite-utils 4 (Migrations, db.atomic)"
    import sqlite_utils
    from sqlite_utils import Database

    assert hasattr(sqlite_utils, "Migrations") and hasattr(Database, "atomic")


def test_opening_an_existing_file_keeps_its_permissions(tmp_path):
    """Only new files are made private; an operator's chosen mode on an existing file is left alone."""
    path = tmp_path / "shared.db"
    new_store(str(path)).close()
    path.chmod(0o640)
    new_store(str(path))
    assert _mode(path) == 0o640


@pytest.mark.parametrize("report", ["[]", '"text"', "42", "null"])
def test_an_old_database_with_a_malformed_report_opens_and_backs_up(tmp_path, report):
    from sqlite_utils import Database

    from store.migrations import migrations

    path = tmp_path / "old.db"
    db = Database(str(path))
    migrations.apply(db, stop_before="m002_skill_columns_and_indexes")
    db.execute("INSERT INTO users VALUES (1, 'boss', ?, 'admin', 'Boss', 1, '2024-01-01T09:00:00')",
               [FAST_HASHER.hash("old-password-1")])
    db.execute("INSERT INTO conversations (id, user_id, scenario_id, status, started_at) "
               "VALUES (1, 1, ?, 'resolved', '2024-02-01T09:00:00')", [SCENARIO])
    db.execute("INSERT INTO reports (conversation_id, report, overall, created_at) VALUES (1, ?, 40, '2024-02-01')",
               [report])
    db.close()
    store = Store(str(path), password_hasher=FAST_HASHER)
    assert store.as_user(1).get_report(1).overall == 40
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(path)]) == 0
