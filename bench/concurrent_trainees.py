"""How long trainees wait for the customer's reply when several practise at once on one app process.

    python bench/concurrent_trainees.py [--trainees 1,2,4,8] [--runs 3] [--backend local]

Each trainee is a thread that plays one scenario's example script (personas/examples/<id>.txt)
through services.practice, exactly as the chat page does: save the turn, get the reply, save it,
score the conversation when it ends. The store is a real SQLite file. One process holds one copy
of the local model, and llama.cpp serves one reply at a time, so replies queue: this prints how
the wait grows with the number of trainees typing at the same moment (the worst case: real
trainees read and type between turns). Medians over runs; the ratio column compares with one
trainee alone, measured in the same process.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "personas" / "examples"


def _scripts() -> list[tuple[str, list[str]]]:
    from personas.scenario import load_dir

    ids = sorted(load_dir(ROOT / "scenarios").scenarios)
    out = []
    for sid in ids:
        path = EXAMPLES / f"{sid}.txt"
        if not path.exists():
            path = EXAMPLES / "empathetic.txt"
        out.append((sid, [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]))
    return out


def one_run(n: int, scripts: list[tuple[str, list[str]]]) -> list[float]:
    """Seconds per reply for n trainees who all send at once."""
    from argon2 import PasswordHasher

    from services import practice
    from store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.db"), password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        admin = store.as_user(store.create_first_admin("admin", "admin-password", "Admin"))
        users = [admin.create_user(f"t{i}", "trainee-password", "trainee", f"T{i}") for i in range(n)]
        waits: list[float] = []
        lock = threading.Lock()
        gate = threading.Barrier(n)
        errors: list[BaseException] = []

        def trainee(i: int) -> None:
            try:
                scope = store.as_user(users[i])
                sid, lines = scripts[i % len(scripts)]
                conv = practice.start(scope, sid)
                gate.wait()
                for line in lines:
                    if scope.get_conversation(conv).status != "active":
                        break
                    t0 = time.perf_counter()
                    list(practice.send(scope, conv, line))
                    dt = time.perf_counter() - t0
                    with lock:
                        waits.append(dt)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=trainee, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        store.close()
        if errors:
            raise errors[0]
        return waits


def _p90(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainees", default="1,2,4,8", help="comma-separated numbers of simultaneous trainees")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backend", default="local", choices=["local", "scripted"])
    args = ap.parse_args(argv)
    os.environ["TALKDOWN_BACKEND"] = args.backend
    os.environ.setdefault("TALKDOWN_JUDGE", "false")
    from core.settings import get_settings

    get_settings.cache_clear()
    counts = [int(x) for x in args.trainees.split(",")]
    scripts = _scripts()
    one_run(1, scripts[:1])  # warm-up: loads the model once, outside the timings

    rows = []
    for n in counts:
        medians, p90s, rates = [], [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            waits = one_run(n, scripts)
            wall = time.perf_counter() - t0
            medians.append(statistics.median(waits))
            p90s.append(_p90(waits))
            rates.append(len(waits) / wall)
        rows.append((n, statistics.median(medians), statistics.median(p90s), statistics.median(rates)))

    base = rows[0][1] if rows and rows[0][0] == 1 else None
    print(f"backend: {args.backend} · runs per row: {args.runs} · load average at the end: "
          f"{os.getloadavg()[0]:.1f} · cores: {os.cpu_count()}")
    print()
    print("| trainees sending at once | median wait per reply | p90 wait | × one trainee | replies/s (incl. saving, scoring) |")
    print("|---|---|---|---|---|")
    for n, med, p90, rate in rows:
        ratio = f"{med / base:.1f}×" if base else "—"
        print(f"| {n} | {med * 1000:.0f} ms | {p90 * 1000:.0f} ms | {ratio} | {rate:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
