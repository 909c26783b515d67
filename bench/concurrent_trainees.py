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


def one_run(n: int, scripts: list[tuple[str, list[str]]]) -> list[tuple[float, float, bool]]:
    """(seconds to the first shown word, seconds to the whole reply saved, said as authored) per reply, for
    n trainees who all send at once."""
    from argon2 import PasswordHasher

    from services import practice
    from store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.db"), password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        admin = store.as_user(store.create_first_admin("admin", "admin-password", "Admin"))
        users = [admin.create_user(f"t{i}", "trainee-password", "trainee", f"T{i}") for i in range(n)]
        waits: list[tuple[float, float, bool]] = []
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
                    stream = practice.send(scope, conv, line)  # returns with the first shown chunk read
                    first = time.perf_counter() - t0
                    for _ in stream:
                        pass
                    whole = time.perf_counter() - t0
                    turn = scope.get_turns(conv)[-1]
                    with lock:
                        waits.append((first, whole, bool((turn.get("meta") or {}).get("fell_back"))))
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


class _Counter:
    """Counts the model calls every loaded engine gets and the most in flight at once (wraps the instance's
    methods; the engine itself is unchanged)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls = self.inflight = self.max_inflight = 0
        self.wrapped: set[int] = set()

    def reset(self) -> None:
        with self.lock:
            self.calls = self.max_inflight = 0

    def _enter(self) -> None:
        with self.lock:
            self.calls += 1
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)

    def _leave(self) -> None:
        with self.lock:
            self.inflight -= 1

    def wrap_loaded(self) -> None:
        from personas.actors.engines import loaded_engines

        for e in loaded_engines().values():
            if id(e) in self.wrapped:
                continue
            self.wrapped.add(id(e))
            for name in ("complete", "chat"):
                self._wrap_call(e, name)
            for name in ("complete_stream", "chat_stream"):
                if hasattr(e, name):
                    self._wrap_stream(e, name)

    def _wrap_call(self, e, name: str) -> None:
        inner = getattr(e, name)

        def call(*a, **k):
            self._enter()
            try:
                return inner(*a, **k)
            finally:
                self._leave()
        setattr(e, name, call)

    def _wrap_stream(self, e, name: str) -> None:
        inner = getattr(e, name)

        def stream(*a, **k):
            self._enter()
            try:
                yield from inner(*a, **k)
            finally:
                self._leave()
        setattr(e, name, stream)


COUNTER = _Counter()


def engine_alone(n: int, scripts: list[tuple[str, list[str]]]) -> list[float]:
    """Seconds per reply for n rewrite prompts sent to the engine at once, no app code: the prompts the
    app would send for each trainee's first line (same model, same slots, same process)."""
    from personas.actors import local
    from personas.actors.prompts import rewrite_prompt
    from services import practice
    from services.catalog import get_scenario  # noqa: F401 - practice imports it too

    backend = practice.get_actor().backend
    prompts = []
    for i in range(n):
        sid, lines = scripts[i % len(scripts)]
        from personas.scenario import load_dir

        sc = load_dir(ROOT / "scenarios").scenarios[sid]
        eng = practice._engine(sc)
        eng.open()
        eng.add_trainee(lines[0])
        prompts.append(rewrite_prompt(eng.request()))
    engine = local.load_model(backend.path, backend.threads, local.REWRITE_N_CTX, backend.engine, backend.parallel)
    waits: list[float] = [0.0] * n
    gate = threading.Barrier(n)

    def ask(i: int) -> None:
        gate.wait()
        t0 = time.perf_counter()
        engine.complete(prompts[i], max_tokens=local.REWRITE_MAX_TOKENS, temperature=0.5, top_p=0.9,
                        repeat_penalty=1.15, stop=["\n", "Original:", "Rewrite:"], seed=i)
        waits[i] = time.perf_counter() - t0

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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
    ap.add_argument("--budgets", default=None,
                    help="rewrite budgets to compare, comma-separated seconds (TALKDOWN_LOCAL_REWRITE_BUDGET; "
                         "default: 20 (no budget: the reply waits for the model, as before) and the setting)")
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

    if args.budgets:
        budgets = [float(x) for x in args.budgets.split(",")]
    else:
        budgets = [20.0, get_settings().local_rewrite_budget] if args.backend == "local" else [get_settings().local_rewrite_budget]
    # (engine, budget) pairs: each is one "engine" column of the table; the model is loaded once per engine.
    engines = [(e, b) for e in engines for b in budgets]

    def use(engine: tuple[str, float]) -> None:
        name, budget = engine
        if name != "—":
            os.environ["TALKDOWN_LOCAL_ENGINE"] = name
        os.environ["TALKDOWN_LOCAL_REWRITE_BUDGET"] = f"{budget:g}"
        get_settings.cache_clear()

    load0 = os.getloadavg()[0]
    for engine in engines:
        use(engine)
        # Warm-up outside the timings: loads the model once and fills every slot's prompt cache.
        if engine[1] == budgets[0]:
            one_run(max(counts), scripts)
            COUNTER.wrap_loaded()
    # Runs are interleaved (n trainees on one engine, then on the next, then the next run) so that a
    # change in the machine's load during the bench hits every engine alike. With the local backend each
    # run is followed by the same burst on the engine alone (no app code), so the two can be compared.
    samples: dict[tuple[str, int], list[tuple]] = {}
    for n in counts:
        for _ in range(args.runs):
            for engine in engines:
                use(engine)
                COUNTER.reset()
                t0 = time.perf_counter()
                waits = one_run(n, scripts)
                wall = time.perf_counter() - t0
                calls, most = COUNTER.calls, COUNTER.max_inflight
                alone = engine_alone(n, scripts) if args.backend == "local" else [float("nan")]
                firsts, wholes = [w[0] for w in waits], [w[1] for w in waits]
                samples.setdefault((engine, n), []).append(
                    (statistics.median(firsts), _p90(firsts), _p90(wholes), len(waits) / wall, calls / len(waits),
                     most, _p90(alone), sum(w[2] for w in waits) / len(waits), os.getloadavg()[0]))
    rows = [(engine, n, *(statistics.median(x[i] for x in samples[(engine, n)]) for i in range(9)))
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
    print("| engine | rewrite budget | trainees sending at once | median wait (first word) | p90 wait (first word) "
          "| × one trainee (median) | p90 whole reply | replies/s (incl. saving, scoring) | model calls per reply "
          "| most calls open at once (llama-cpp-python queues them) | engine alone, same burst: p90 "
          "| app p90 ÷ engine alone | said as authored (model's wording not used) | load average |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (engine, budget), n, med, p90, whole, rate, per, most, alone, authored, load in rows:
        base = next((r[2] for r in rows if r[0] == (engine, budget) and r[1] == 1), None)
        ratio = f"{med / base:.1f}×" if base else "—"
        vs = f"{p90 / alone:.2f}" if alone == alone and alone > 0 else "—"
        alone_s = f"{alone * 1000:,.0f} ms" if alone == alone else "—"
        budget_s = "none (waits for the model)" if budget >= 20 else f"{budget:g} s"
        print(f"| {engine} | {budget_s} | {n} | {med * 1000:,.0f} ms | {p90 * 1000:,.0f} ms | {ratio} "
              f"| {whole * 1000:,.0f} ms | {rate:.1f} | {per:.2f} | {most:.0f} | {alone_s} | {vs} | {authored:.0%} | {load:.1f} |")
    print()
    print("Wait: from pressing Send to the first word of the reply on screen (the reply is streamed sentence by "
          "sentence after that); p90 whole reply: until the reply is saved. The rewrite budget applies to the "
          "bundled model only (it rewords the Director's line; past the budget the line is said as written).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
