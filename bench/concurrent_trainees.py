"""How long trainees wait for the customer's reply when several practise at once on one app process.

    python bench/concurrent_trainees.py [--trainees 1,2,4,8] [--runs 3] [--backend local]
                                        [--engines llama-cpp-python,xllamacpp] [--parallel 8]

Each trainee is a thread that plays one scenario's example script (personas/examples/<id>.txt)
through services.practice, exactly as the chat page does: save the turn, get the reply, save it,
score the conversation when it ends. The store is a real SQLite file. One process holds one copy
of the local model per engine. llama-cpp-python serves one reply at a time, so replies queue;
xllamacpp writes up to TALKDOWN_LOCAL_PARALLEL replies at once (continuous batching). This prints
how the wait grows with the number of trainees typing at the same moment (the worst case: real
trainees read and type between turns), for each installed engine in the same run. Medians over
runs; the ratio column compares with one trainee alone on the same engine, in the same process.
Each engine is warmed up first with one round of as many trainees as the largest row, so every
slot has the shared few-shot prompt cached (as in an app that has been running for a while).
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


TURNS: int | None = None  # lines per trainee (None: the whole script); --turns


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
                for line in lines[:TURNS]:
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
    ap.add_argument("--engines", default=None,
                    help="local engines to compare, comma-separated (default: every installed one of "
                         "llama-cpp-python, xllamacpp)")
    ap.add_argument("--parallel", type=int, default=None,
                    help="xllamacpp slots (TALKDOWN_LOCAL_PARALLEL; default: the setting)")
    ap.add_argument("--turns", type=int, default=None, help="lines each trainee sends (default: the whole script)")
    args = ap.parse_args(argv)
    global TURNS
    TURNS = args.turns
    os.environ["TALKDOWN_BACKEND"] = args.backend
    os.environ.setdefault("TALKDOWN_JUDGE", "false")
    if args.parallel:
        os.environ["TALKDOWN_LOCAL_PARALLEL"] = str(args.parallel)
    from core.settings import get_settings
    from personas.actors.engines import ENGINE_NAMES, installed

    counts = [int(x) for x in args.trainees.split(",")]
    scripts = _scripts()
    if args.backend != "local":
        engines = ["—"]
    elif args.engines:
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    else:
        engines = [e for e in reversed(ENGINE_NAMES) if installed(e)]  # the old engine first

    def use(engine: str) -> None:
        if engine != "—":
            os.environ["TALKDOWN_LOCAL_ENGINE"] = engine
        get_settings.cache_clear()

    load0 = os.getloadavg()[0]
    for engine in engines:
        use(engine)
        # Warm-up outside the timings: loads the model once and fills every slot's prompt cache.
        one_run(max(counts), scripts)
    # Runs are interleaved (n trainees on one engine, then on the next, then the next run) so that a
    # change in the machine's load during the bench hits every engine alike.
    samples: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
    for n in counts:
        for _ in range(args.runs):
            for engine in engines:
                use(engine)
                t0 = time.perf_counter()
                waits = one_run(n, scripts)
                wall = time.perf_counter() - t0
                samples.setdefault((engine, n), []).append((statistics.median(waits), _p90(waits), len(waits) / wall))
    rows = [(engine, n, *(statistics.median(x[i] for x in samples[(engine, n)]) for i in range(3)))
            for engine in engines for n in counts]

    s = get_settings()
    print(f"backend: {args.backend} · runs per row: {args.runs} (interleaved between engines) · "
          f"lines per trainee: {args.turns or 'whole script'} · threads: {s.local_threads} · xllamacpp slots: "
          f"{s.local_parallel} · load average before/after: {load0:.1f}/{os.getloadavg()[0]:.1f} · cores: {os.cpu_count()}")
    if args.backend == "local":
        from personas.actors.engines import loaded_engines

        print("engines loaded: " + ", ".join(f"{e.name} (threads {e.threads}, slots {e.parallel})"
                                             for e in loaded_engines().values()))
    print()
    print("| engine | trainees sending at once | median wait per reply | p90 wait | × one trainee (median) | replies/s (incl. saving, scoring) |")
    print("|---|---|---|---|---|---|")
    for engine, n, med, p90, rate in rows:
        base = next((r[2] for r in rows if r[0] == engine and r[1] == 1), None)
        ratio = f"{med / base:.1f}×" if base else "—"
        print(f"| {engine} | {n} | {med * 1000:,.0f} ms | {p90 * 1000:,.0f} ms | {ratio} | {rate:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
