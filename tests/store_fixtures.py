"""Shared builders for the store tests: a cheap password hasher and a small organisation."""
from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field

from argon2 import PasswordHasher

from core.settings import get_settings
from store import Store, User, engine_turns

# Real argon2id, with parameters small enough that tests creating dozens of accounts stay fast.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
SCENARIO = "internet-outage-remote-worker"
REPORT = {"overall": 62, "dimensions": {s: {"score": v, "evidence": [], "advice": []} for s, v in
                                        [("active_listening", 70), ("paraphrasing", 40), ("empathy", 80),
                                         ("focus", 65), ("closure", 55)]}}


_template: bytes | None = None


def _empty_database() -> bytes:
    """A new database file as Store makes it (WAL, every migration), made once per process by Store itself."""
    global _template
    if _template is None:
        folder = tempfile.mkdtemp(prefix="talkdown-template-")
        atexit.register(shutil.rmtree, folder, True)
        path = os.path.join(folder, "template.db")
        Store(path, password_hasher=FAST_HASHER).close()
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        finally:
            db.close()
        with open(path, "rb") as f:
            _template = f.read()
    return _template


def new_store(path: str | None = None) -> Store:
    """A Store on path. Without one, on the test's own database (TALKDOWN_DB_PATH): if that file does not exist
    yet it starts as a copy of a new, migrated database, written 0600 as Store creates it, since running every
    migration again costs ~0.1 s a test. With a path, Store creates and migrates the file itself (the tests of
    files, backups and migrations pass one)."""
    if path is not None:
        return Store(path, password_hasher=FAST_HASHER)
    path = get_settings().db_path
    if os.path.isdir(os.path.dirname(path) or "."):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(_empty_database())
    return Store(path, password_hasher=FAST_HASHER)


@dataclass
class Org:
    """admin; Team A = trainer_a, manager_a, ana, amy; Team B = trainer_b, manager_b, ben; loner = in no group."""
    store: Store
    users: dict[str, User] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)

    def scope(self, name: str):
        return self.store.as_user(self.users[name])


def build_org(store: Store) -> Org:
    admin = store.create_first_admin("admin", "admin-password", "Ada Admin")
    org = Org(store, {"admin": admin})
    a = store.as_user(admin)
    for name, role in [("trainer_a", "trainer"), ("manager_a", "manager"), ("ana", "trainee"), ("amy", "trainee"),
                       ("trainer_b", "trainer"), ("manager_b", "manager"), ("ben", "trainee"), ("loner", "trainee")]:
        org.users[name] = a.create_user(name, f"{name}-password", role, name.replace("_", " ").title())
    for gname, members in [("Team A", ["trainer_a", "manager_a", "ana", "amy"]),
                           ("Team B", ["trainer_b", "manager_b", "ben"])]:
        g = a.create_group(gname)
        org.groups[gname] = g.id
        for m in members:
            a.add_to_group(g.id, org.users[m].id)
    return org


def customer(scope, cid: int, text: str, **kw) -> int:
    """A customer line, written as the practice engine writes it (a user's scope cannot)."""
    return engine_turns(scope).add_customer_turn(cid, text, **kw)


def put_report(store: Store, cid: int, report: dict | None, weights: dict[str, float] | None = None) -> None:
    """Replace a conversation's stored report with a chosen one, straight in the database.

    The store always scores conversations itself; tests of dashboards and overrides need known
    scores, so they set them here, the way an old database might hold them."""
    from store.reports import insert_report

    with store._write() as db:
        db.execute("DELETE FROM reports WHERE conversation_id = ?", [cid])
        if report is not None:
            ended = db.execute("SELECT ended_at FROM conversations WHERE id = ?", [cid]).fetchone()[0]
            insert_report(db, cid, report, ended, weights)


def finished_conversation(org: Org, who: str, report: dict | None = REPORT, assignment_id: int | None = None,
                          weights: dict[str, float] | None = None) -> int:
    sc = org.scope(who)
    cid = sc.start_conversation(SCENARIO, assignment_id=assignment_id, backend="scripted")
    customer(sc, cid, "My internet is down!", mood=8, trust=3, intent="vent")
    sc.add_turn(cid, "trainee", "That sounds really stressful. When did it stop?", moves=["reflection", "question"])
    customer(sc, cid, "Two days ago.", mood=6, trust=4)
    sc.finish_conversation(cid, "resolved")
    put_report(org.store, cid, report, weights)
    return cid


class Clock:
    """A settable clock for throttling and session expiry tests: set .t, nothing sleeps."""
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t
