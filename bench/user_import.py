"""How long an admin waits for "Import users", against creating the same accounts one by one.

    python bench/user_import.py [--users 40] [--runs 3]

Both paths run in this process on a fresh SQLite file with the store's real (default) argon2id
hasher. Baseline: one create_user call per account (what the New user form does, each password
hashed with the 64 MiB default). Import: one import_users call for a CSV of the same accounts
(random initial passwords, hashed with the 19 MiB profile, a few at once). Medians over runs; the
ratio compares with the baseline of the same run size.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _fresh_admin(tmp: str, name: str):
    from store import Store

    store = Store(os.path.join(tmp, f"{name}.db"))
    return store.as_user(store.create_first_admin("admin", "admin-password-1"))


def one_by_one(admin, n: int) -> float:
    from store.user_import import initial_password

    t = time.perf_counter()
    for i in range(n):
        admin.create_user(f"user{i}", initial_password(f"user{i}"), "trainee")
    return time.perf_counter() - t


def imported(admin, n: int) -> float:
    data = "username,role,groups\n" + "".join(f"user{i},trainee,Cohort\n" for i in range(n))
    t = time.perf_counter()
    res = admin.import_users(data, create_groups=True)
    elapsed = time.perf_counter() - t
    assert len(res.created) == n, [r.message for r in res.failed]
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    base, imp = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.runs):
            base.append(one_by_one(_fresh_admin(tmp, f"base{k}"), args.users))
            imp.append(imported(_fresh_admin(tmp, f"imp{k}"), args.users))
    b, i = statistics.median(base), statistics.median(imp)
    print(f"{args.users} accounts, median of {args.runs} runs, {os.cpu_count()} CPU(s)")
    print(f"{'path':<32}{'seconds':>10}{'per account':>14}{'ratio':>8}")
    print(f"{'create_user one by one':<32}{b:>10.2f}{b / args.users:>14.3f}{1.0:>8.2f}")
    print(f"{'import_users (CSV)':<32}{i:>10.2f}{i / args.users:>14.3f}{i / b:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
