"""The demo seed plays real scenarios through the scripted backend and leaves scored history."""
from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import datetime

import pytest

from core.errors import InputError
from store import Store
from store.__main__ import main
from store.seed import seed_demo
from tests.store_fixtures import FAST_HASHER, new_store


def test_small_seed_gives_every_trainee_scored_history_over_the_months():
    store = new_store()
    now = datetime(2025, 6, 30, 12, 0)
    result = seed_demo(store, trainees=3, months=2, seed=7, now=now)
    roles = {role for _, role, _ in result.accounts}
    assert roles == {"admin", "trainer", "manager", "trainee"}
    manager = store.authenticate("max.manager", dict((u, p) for u, _, p in result.accounts)["max.manager"])
    rows = store.as_user(manager).score_rows()
    trainees = [u for u, role, _ in result.accounts if role == "trainee"]
    assert {r["username"] for r in rows} == set(trainees)
    for name in trainees:
        mine = [r for r in rows if r["username"] == name]
        assert len(mine) >= 2
        assert all(0 <= r[k] <= 100 for r in mine for k in ("overall", "empathy", "closure"))
    stamps = sorted(r["finished_at"] for r in rows)
    assert stamps[0] < "2025-05-31" < stamps[-1] <= "2025-06-30T23:59:59"  # spread over both months
    assert len({r["overall"] for r in rows}) > 3  # varied, not one canned score
    # Real conversations: the customer's lines and the Director's mood are stored per turn.
    conv = store.as_user(manager).list_conversations(limit=1)[0]
    turns = store.as_user(manager).get_turns(conv.id)
    assert turns[0]["role"] == "customer" and turns[0]["mood"] is not None
    assert any(t["role"] == "trainee" and t["moves"] for t in turns)
    assert store.as_user(manager).list_assignments()


def test_seed_refuses_to_run_twice_on_one_database():
    store = new_store()
    seed_demo(store, trainees=1, months=1, seed=1)
    with pytest.raises(InputError, match="already has demo users"):
        seed_demo(store, trainees=1, months=1, seed=1)


def test_cli_prints_random_passwords_that_work(tmp_path, monkeypatch):
    path = str(tmp_path / "demo.db")
    # The CLI builds its own Store; keep the test fast with cheap (still argon2id) hashing.
    import store as store_pkg

    monkeypatch.setattr(store_pkg, "Store", lambda p=None: Store(p, password_hasher=FAST_HASHER))
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["seed-demo", "--db", path, "--trainees", "2", "--months", "1", "--seed", "3"]) == 0
    lines = [ln.split() for ln in out.getvalue().splitlines() if ln.startswith("  ")]
    creds = {u: pw for u, _, pw in lines}
    assert set(creds) >= {"admin", "tara.trainer", "max.manager"}
    assert len(set(creds.values())) == len(creds)  # no shared or default password
    s = Store(path, password_hasher=FAST_HASHER)
    for username, pw in creds.items():
        assert s.authenticate(username, pw).username == username


def test_create_admin_reads_the_password_from_stdin(tmp_path, monkeypatch):
    path = str(tmp_path / "a.db")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    with redirect_stdout(io.StringIO()):
        assert main(["create-admin", "--db", path, "--username", "root", "--password-stdin"]) == 0
    assert Store(path).authenticate("root", "a-long-password").role == "admin"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-admin", "--db", path, "--username", "root2", "--password-stdin"]) == 1
