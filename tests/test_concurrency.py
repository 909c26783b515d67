"""Twenty trainees practising at once lose no turn and never see "database is locked"."""
from __future__ import annotations

import threading

import pytest

from store import Store
from store.migrations import migrations
from tests.store_fixtures import FAST_HASHER, SCENARIO, customer, new_store

THREADS = 20
TURNS = 30


def _make_trainees(store: Store) -> list:
    admin = store.create_first_admin("admin", "admin-password", "Admin")
    a = store.as_user(admin)
    group = a.create_group("Floor")
    users = []
    for i in range(THREADS):
        u = a.create_user(f"trainee{i:02d}", "trainee-password", "trainee", f"Trainee {i}")
        a.add_to_group(group.id, u.id)
        users.append(u)
    return users


def _run(stores: list[Store], users: list) -> tuple[dict[int, int], list[BaseException]]:
    errors: list[BaseException] = []
    conversations: dict[int, int] = {}
    start = threading.Barrier(len(users))

    def practise(i: int) -> None:
        try:
            sc = stores[i % len(stores)].as_user(users[i])
            start.wait()
            cid = sc.start_conversation(SCENARIO, backend="scripted")
            conversations[i] = cid
            for n in range(TURNS):
                role = "customer" if n % 2 == 0 else "trainee"
                if role == "customer":
                    customer(sc, cid, f"t{i}-{n}", mood=float(n % 10))
                else:
                    sc.add_turn(cid, role, f"t{i}-{n}", moves=["question"])
                if n % 5 == 0:  # the page re-reads the conversation between turns
                    sc.get_turns(cid)
                    sc.active_conversation()
            sc.finish_conversation(cid, "trainee_ended")  # the store scores it
            sc.score_rows()
        except BaseException as e:  # noqa: BLE001 - collected and asserted on below
            errors.append(e)

    threads = [threading.Thread(target=practise, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return conversations, errors


def _check(store: Store, users: list, conversations: dict[int, int], errors: list[BaseException]) -> None:
    assert not errors, [repr(e) for e in errors]
    assert "locked" not in " ".join(map(str, errors))
    assert len(conversations) == len(users)
    for i, cid in conversations.items():
        turns = store.as_user(users[i]).get_turns(cid)
        assert [t["text"] for t in turns] == [f"t{i}-{n}" for n in range(TURNS)]
        assert [t["idx"] for t in turns] == list(range(1, TURNS + 1))
    admin = store.as_user(1)
    assert len(admin.score_rows()) == len(users)


def test_twenty_threads_share_one_store(tmp_path):
    store = new_store(str(tmp_path / "shared.db"))
    users = _make_trainees(store)
    conversations, errors = _run([store], users)
    _check(store, users, conversations, errors)


def test_twenty_threads_each_with_their_own_store_on_one_file(tmp_path):
    path = str(tmp_path / "many.db")
    first = new_store(path)
    users = _make_trainees(first)
    stores = [Store(path, password_hasher=FAST_HASHER) for _ in range(THREADS)]
    conversations, errors = _run(stores, users)
    _check(first, users, conversations, errors)


def test_stores_opened_at_once_on_a_new_file_migrate_once(tmp_path):
    path = str(tmp_path / "race.db")
    errors: list[BaseException] = []
    start = threading.Barrier(10)

    def open_store() -> None:
        try:
            start.wait()
            Store(path, password_hasher=FAST_HASHER).needs_setup()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=open_store) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, [repr(e) for e in errors]
    assert new_store(path).schema_version() == [m.name for m in migrations._migrations]


def test_opening_waits_out_a_lock_that_sqlite_reports_without_waiting(tmp_path, monkeypatch):
    """Switching a new file to WAL can fail at once with "database is locked" while another
    connection opens it (SQLite skips its busy handler there); seen once in CI as the test above
    failing. Opening must retry that, and still fail fast on errors that are not about locking."""
    import sqlite3

    from sqlite_utils import Database

    from store import StoreError

    real = Database.enable_wal
    calls = {"n": 0}

    def locked_twice(self):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise sqlite3.OperationalError("database is locked")
        return real(self)

    monkeypatch.setattr(Database, "enable_wal", locked_twice)
    store = Store(str(tmp_path / "retry.db"), password_hasher=FAST_HASHER)
    assert calls["n"] == 3
    assert store.needs_setup()

    def broken(self):
        calls["n"] += 1
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Database, "enable_wal", broken)
    calls["n"] = 0
    with pytest.raises(StoreError, match="disk I/O error"):
        Store(str(tmp_path / "broken.db"), password_hasher=FAST_HASHER)
    assert calls["n"] == 1


@pytest.mark.parametrize("round_", range(3))
def test_turn_numbers_never_collide_within_one_conversation(tmp_path, round_):
    """Two threads of the same session (a rerun racing a stream) appending to one conversation."""
    store = new_store(str(tmp_path / f"same{round_}.db"))
    user = _make_trainees(store)[0]
    sc = store.as_user(user)
    cid = sc.start_conversation(SCENARIO)
    errors: list[BaseException] = []

    def append(tag: str) -> None:
        try:
            for n in range(25):
                store.as_user(user).add_turn(cid, "trainee", f"{tag}{n}")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=append, args=(tag,)) for tag in "abcd"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    turns = sc.get_turns(cid)
    assert [t["idx"] for t in turns] == list(range(1, 101))
    for tag in "abcd":  # each writer's own turns stay in its order
        assert [t["text"] for t in turns if t["text"][0] == tag] == [f"{tag}{n}" for n in range(25)]
