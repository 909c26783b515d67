"""What counting trainers' overrides costs the dashboard's queries.

    python bench/dashboard_rows.py [--reports 3000] [--overridden 0.1] [--runs 7]

A real SQLite file with one trainee's scored conversations, a share of them with an override of
empathy. Each row of the table is the median of several runs, in milliseconds, and its ratio to the
baseline in the same process: the query the dashboard ran before overrides counted (the newest
override per score as one correlated subquery each, and the overall only from an override of the
overall). The rows after it are the store's calls as the pages make them.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _old_style(store) -> list:
    """The dashboard's rows as they were read before skill overrides moved the overall."""
    from store.models import SKILLS

    def eff(d: str) -> str:
        return (f"COALESCE((SELECT o.score FROM overrides o WHERE o.conversation_id = c.id AND o.dimension = '{d}' "
                f"ORDER BY o.id DESC LIMIT 1), r.{d})")

    return store.query(
        f"SELECT c.id, {', '.join(f'{eff(d)} AS {d}' for d in ('overall', *SKILLS))}, r.overall AS auto_overall, "
        "(SELECT COUNT(*) FROM overrides o WHERE o.conversation_id = c.id) AS n_overrides, a.pass_mark "
        "FROM conversations c JOIN reports r ON r.conversation_id = c.id "
        "LEFT JOIN assignments a ON a.id = c.assignment_id WHERE c.status != 'active' ORDER BY c.ended_at, c.id")


def build(path: str, reports: int, overridden: float):
    from store.reports import insert_report
    from tests.store_fixtures import REPORT, SCENARIO, build_org, new_store

    store = new_store(path)
    org = build_org(store)
    ana, trainer = org.users["ana"].id, org.users["trainer_a"].id
    rng = random.Random(1)
    weights = {"active_listening": 1, "paraphrasing": 1, "empathy": 1.2, "focus": 1, "closure": 1}
    with store._write() as db:
        for i in range(reports):
            cid = db.execute("INSERT INTO conversations (user_id, scenario_id, status, started_at, ended_at) "
                             "VALUES (?, ?, 'resolved', '2026-01-01T10:00:00', ?)",
                             [ana, SCENARIO, f"2026-01-{1 + i % 28:02d}T10:00:00"]).lastrowid
            insert_report(db, cid, REPORT, "2026-01-01T10:00:00", weights)
            if rng.random() < overridden:
                db.execute("INSERT INTO overrides (conversation_id, dimension, score, comment, by_user_id, at) "
                           "VALUES (?, 'empathy', ?, 'Reviewed.', ?, '2026-01-02T00:00:00')",
                           [cid, rng.randint(20, 90), trainer])
    return store, org


def _median_ms(fn, runs: int) -> float:
    fn()  # warm the page cache and the statement cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reports", type=int, default=3000)
    p.add_argument("--overridden", type=float, default=0.1, help="share of conversations with an override")
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        store, org = build(os.path.join(d, "bench.db"), args.reports, args.overridden)
        manager = org.scope("manager_a")
        conv = manager.list_conversations(limit=1)[0].id
        rows = [("baseline: rows as read before (overall override only)", lambda: _old_style(store)),
                ("score_rows: effective overall and skills, engine's beside", lambda: manager.score_rows()),
                ("override_agreement: engine vs trainers per score", lambda: manager.override_agreement()),
                ("list_conversations (200, history and transcripts)", lambda: manager.list_conversations()),
                ("get_report (one conversation)", lambda: manager.get_report(conv))]
        base = None
        print(f"{args.reports:,} scored conversations, {args.overridden:.0%} overridden; median of {args.runs} runs")
        print(f"{'query':60} {'ms':>8} {'vs baseline':>12}")
        for name, fn in rows:
            ms = _median_ms(fn, args.runs)
            base = base or ms
            print(f"{name:60} {ms:8.1f} {ms / base:12.2f}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
