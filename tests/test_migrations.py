"""An old database upgrades in place with nothing lost."""
from __future__ import annotations

import json
import sqlite3

from sqlite_utils import Database

from store import Store
from store.migrations import MIGRATION_SET, migrations
from tests.store_fixtures import FAST_HASHER, customer, new_store

OLD_REPORT = {"overall": 58, "dimensions": {"active_listening": {"score": 61}, "paraphrasing": {"score": 33},
                                            "empathy": {"score": 72}, "focus": {"score": 66}, "closure": {"score": 49}}}


def _old_database(path: str) -> None:
    """A file as the first release left it: migration 1 only, with a user, a group and a scored conversation."""
    db = Database(path)
    migrations.apply(db, stop_before="m002_skill_columns_and_indexes")
    pw = FAST_HASHER.hash("old-password-1")
    db.execute("INSERT INTO users VALUES (1, 'old_admin', ?, 'admin', 'Old Admin', 1, '2024-01-01T09:00:00')", [pw])
    db.execute("INSERT INTO users VALUES (2, 'old_trainee', ?, 'trainee', 'Old Trainee', 1, '2024-01-01T09:00:00')", [pw])
    db.execute("INSERT INTO groups VALUES (1, 'Old team')")
    db.execute("INSERT INTO group_members VALUES (1, 2)")
    db.execute("INSERT INTO conversations (id, user_id, scenario_id, mode, status, backend, started_at, ended_at) "
               "VALUES (1, 2, 'internet-outage-remote-worker', 'practice', 'resolved', 'scripted', "
               "'2024-02-01T10:00:00', '2024-02-01T10:05:00')")
    db.execute("INSERT INTO turns (conversation_id, idx, role, text, mood, created_at) VALUES "
               "(1, 1, 'customer', 'It is broken.', 8, '2024-02-01T10:00:00'), "
               "(1, 2, 'trainee', 'I am sorry, let me help.', NULL, '2024-02-01T10:01:00')")
    db.execute("INSERT INTO reports (conversation_id, report, overall, created_at) VALUES (1, ?, 58, '2024-02-01T10:05:00')",
               [json.dumps(OLD_REPORT)])
    db.close()


def test_the_old_file_really_is_old(tmp_path):
    path = str(tmp_path / "old.db")
    _old_database(path)
    cols = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(reports)")}
    assert "empathy" not in cols


def test_old_database_upgrades_in_place_with_nothing_lost(tmp_path):
    path = str(tmp_path / "old.db")
    _old_database(path)
    store = Store(path, password_hasher=FAST_HASHER)
    assert store.schema_version() == [m.name for m in migrations._migrations]
    admin = store.authenticate("old_admin", "old-password-1")
    sc = store.as_user(admin)
    assert {u.username for u in sc.list_users()} == {"old_admin", "old_trainee"}
    assert [g.name for g in sc.list_groups()] == ["Old team"]
    assert [t["text"] for t in sc.get_turns(1)] == ["It is broken.", "I am sorry, let me help."]
    rec = sc.get_report(1)
    assert rec.report == OLD_REPORT and rec.overall == 58
    # The new per-skill columns were backfilled from the stored JSON, so the dashboard sees old history.
    [row] = sc.score_rows()
    assert (row["overall"], row["paraphrasing"], row["closure"], row["finished_at"]) == (58, 33, 49, "2024-02-01T10:05:00")
    # And the upgraded file keeps working for new writes.
    trainee = store.as_user(2)
    cid = trainee.start_conversation("internet-outage-remote-worker")
    assert customer(trainee, cid, "New day, new problem.") == 1


def test_opening_again_applies_nothing_twice(tmp_path):
    path = str(tmp_path / "t.db")
    new_store(path)
    new_store(path)
    rows = sqlite3.connect(path).execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]).fetchall()
    assert [r[0] for r in rows] == [m.name for m in migrations._migrations]


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    import pytest

    from store import StoreError

    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="Cannot open the database"):
        Store(str(path), password_hasher=FAST_HASHER)
