"""Per-turn latency of the practice loop: time to first token and full turn per Actor backend, and the
app's own overhead (moves + Director, guard, store) measured on its own.

    python bench/turn_latency.py [--runs N] [--backends scripted,local] [--threads 1,2] [--hogs 1]
                                 [--first-word local,remote] [--rate 30]

Targets (issue 2): local time to first token <= 0.5 s on a 2-core machine; own overhead <= 20 ms/turn.

The local backend is measured once per thread setting (TALKDOWN_LOCAL_THREADS), each on a quiet
machine and again while CPU-bound processes (`--hogs`, started and stopped by this bench) run
beside it, so the default thread count is the one that degrades gracefully (issue 11).

--first-word: time to the first shown word with the guarded streaming (issue 11) against the old
unstreamed path (read the whole reply, guard it, then show it), the same replies alternating in this
process, for the local model and for a remote one (tests/fake_openai.py streaming at --rate tokens/s).
Goal: <= 0.5 s for both on a quiet machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import get_settings  # noqa: E402
from personas.actors import Actor, get_backend  # noqa: E402
from personas.actors.guard import check  # noqa: E402
from personas.archetypes import get_archetype  # noqa: E402
from personas.engine import PracticeEngine  # noqa: E402
from personas.scenario import load_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "internet-outage-remote-worker"
SCRIPT = ROOT / "personas" / "examples" / "empathetic.txt"

# Hook for the store's share of the overhead: set to a callable(turn_dict) that saves one turn
# (e.g. a Store on a temp file); the bench then times it like the other parts. None = not measured.
STORE_WRITE: Callable[[dict], None] | None = None


def _drain() -> None:
    """Each timed reply starts on a free engine (a reply abandoned at the rewrite budget keeps its slot until its
    next token; trainees read and type between turns, so in the app the engine has let go by then)."""
    from personas.actors.local import wait_until_idle

    wait_until_idle()


def _with_budget(seconds: float | None) -> None:
    if seconds is None:
        os.environ.pop("TALKDOWN_LOCAL_REWRITE_BUDGET", None)
    else:
        os.environ["TALKDOWN_LOCAL_REWRITE_BUDGET"] = f"{seconds:g}"
    get_settings.cache_clear()


def _median_ms(xs: list[float]) -> float:
    return statistics.median(xs) * 1000 if xs else float("nan")


def bench_backend(name: str, runs: int) -> dict:
    scenario = load_dir(ROOT / "scenarios").scenarios[SCENARIO]
    lines = [ln.strip() for ln in SCRIPT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    actor = Actor(get_backend(name, settings=get_settings()))
    # Warm-up outside the timing: the local model loads once per process, like in the app.
    warm = PracticeEngine(scenario, get_archetype(scenario.persona), actor)
    warm.open()
    warm.add_trainee(lines[0])
    warm.reply()

    ttft, full, director, guard, store, fell_back = [], [], [], [], [], 0
    while len(full) < runs:
        engine = PracticeEngine(scenario, get_archetype(scenario.persona), actor)
        engine.open()
        for line in lines:
            if engine.ended or len(full) >= runs:
                break
            _drain()
            t0 = time.perf_counter()
            turn = engine.add_trainee(line)  # moves (scoring.moves) + Director
            t1 = time.perf_counter()
            if STORE_WRITE:
                STORE_WRITE(turn)
            t2 = time.perf_counter()
            first = None
            for _ in engine.stream_reply():
                if first is None:
                    first = time.perf_counter()
            t3 = time.perf_counter()
            r = engine.last_rendering
            g0 = time.perf_counter()
            check(r.raw, r.request.line, getattr(actor.backend, "faithfulness", "strict"))  # guard alone, re-run
            g1 = time.perf_counter()
            director.append(t1 - t0)
            store.append(t2 - t1)
            ttft.append((first or t3) - t2)
            full.append((t3 - t0))
            guard.append(g1 - g0)
            fell_back += r.fell_back
    return {"backend": name, "n": len(full), "ttft": _median_ms(ttft), "turn": _median_ms(full),
            "director": _median_ms(director), "guard": _median_ms(guard),
            "store": _median_ms(store) if STORE_WRITE else None, "fell_back": fell_back}


class CpuHogs:
    """`n` CPU-bound processes (pure-Python busy loops) for the length of a `with` block."""

    def __init__(self, n: int) -> None:
        self.n, self.procs = n, []

    def __enter__(self) -> "CpuHogs":
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.n)]
        time.sleep(0.5)  # let them reach the cores before the first timed turn
        return self

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait()
        self.procs = []


def _with_threads(threads: int | None) -> None:
    if threads is not None:
        os.environ["TALKDOWN_LOCAL_THREADS"] = str(threads)
    get_settings.cache_clear()


def fallback_rate(name: str, every: int = 7) -> tuple[int, int, dict[str, int]]:
    """Guard fallbacks over a spread of authored lines from every scenario (the bench script alone
    repeats the same few lines, so its fallback count says little)."""
    from personas.actors import ActorRequest

    actor = Actor(get_backend(name, settings=get_settings()))
    lines = []
    for sc in load_dir(ROOT / "scenarios").scenarios.values():
        fact = sc.facts[0].text if sc.facts else ""
        for bands in sc.lines.values():
            for band_lines in bands.values():
                lines += [ln.replace("{fact}", fact) for ln in band_lines]
    lines = lines[::every]
    reasons: dict[str, int] = {}
    fell = 0
    for i, line in enumerate(lines):
        _drain()
        r = actor.render(ActorRequest(customer={}, intent="vent", mood=6, line=line, seed=i))
        r.consume()
        fell += r.fell_back
        if r.reason:
            key = r.reason.split(" (")[0]
            reasons[key] = reasons.get(key, 0) + 1
    return fell, len(lines), reasons


def store_writer() -> Callable[[dict], None]:
    """Save each trainee turn as the app does: a real Store (WAL) on a temp file, through a user scope."""
    import tempfile

    from store import Store, record_turn

    store = Store(os.path.join(tempfile.mkdtemp(prefix="talkdown-bench-"), "bench.db"))
    scope = store.as_user(store.create_first_admin("bench", "bench-password-1", "Bench"))
    conv = scope.start_conversation(SCENARIO)

    def write(turn: dict) -> None:
        record_turn(scope, conv, turn)  # customer lines go through the engine's path, as in the app

    return write


# Replies the remote stand-in streams (tests/fake_openai.py at --rate chunks/s, one word per chunk): two or
# three sentences in the customer's voice, with no detail the guard would call invented.
REMOTE_REPLIES = [
    "I've been without internet all day and I'm really fed up. I work from home and I can't do anything "
    "like this. What are you actually going to do about it?",
    "Honestly, I'm at the end of my rope here. Every time I call I get passed around and nothing changes. "
    "I just need it working again.",
    "Right, so nobody has told me anything yet. I keep losing work because the line keeps dropping. "
    "Can you at least tell me what is going on?",
]


def _first_word(actor: Actor, request, streamed: bool) -> tuple[float, float]:
    """(seconds to the first shown word, seconds to the whole reply) for one reply. streamed: the
    sentence-by-sentence guard (personas.actors.Rendering); else the old path: read the whole reply,
    guard it, then show it."""
    t0 = time.perf_counter()
    if streamed:
        r = actor.render(request)
        first = None
        for _ in r:
            if first is None:
                first = time.perf_counter()
        return (first or time.perf_counter()) - t0, time.perf_counter() - t0
    raw = "".join(actor.backend.stream(request))
    check(raw, request.line, getattr(actor.backend, "faithfulness", "strict"), request=request)
    t1 = time.perf_counter()
    return t1 - t0, t1 - t0


def _requests(n: int) -> list:
    scenario = load_dir(ROOT / "scenarios").scenarios[SCENARIO]
    lines = [ln.strip() for ln in SCRIPT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out, engine = [], None
    while len(out) < n:
        if engine is None or engine.ended:
            engine = PracticeEngine(scenario, get_archetype(scenario.persona), None)
            engine.open()
            i = 0
        engine.add_trainee(lines[i % len(lines)])
        out.append(engine.request())
        engine.fallback_reply()
        i += 1
    return out


def bench_first_word(runs: int, rate: float, local: bool, remote: bool) -> list[dict]:
    """Time to the first shown word, streamed vs unstreamed, in the same process, alternating per reply."""
    rows = []
    reqs = _requests(runs)
    if local:
        _with_threads(None)
        actor = Actor(get_backend("local", settings=get_settings()))
        _first_word(actor, reqs[0], True)  # the model loads outside the timings
        rows.append(_compare("local (bundled model)", actor, reqs, lambda i: None))
    if remote:
        sys.path.insert(0, str(ROOT))
        from tests.fake_openai import FakeOpenAI

        saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "TALKDOWN_BACKEND")}
        with FakeOpenAI() as fake:
            os.environ.update(OPENAI_BASE_URL=fake.base_url, OPENAI_API_KEY="bench", TALKDOWN_BACKEND="openai")
            get_settings.cache_clear()
            try:
                actor = Actor(get_backend("openai", settings=get_settings()))
                actor.backend._client()  # LangChain imported outside the timings

                def enqueue(i: int) -> None:
                    fake.enqueue(REMOTE_REPLIES[i % len(REMOTE_REPLIES)], pace=1 / rate)

                rows.append(_compare(f"remote, {rate:g} tokens/s", actor, reqs, enqueue))
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
                get_settings.cache_clear()
    return rows


def _compare(label: str, actor: Actor, reqs: list, before: Callable[[int], None]) -> dict:
    streamed, unstreamed, whole = [], [], []
    for i, req in enumerate(reqs):  # alternating, so a change in the machine's load hits both alike
        before(i)
        _drain()
        first, total = _first_word(actor, req, True)
        streamed.append(first)
        whole.append(total)
        before(i)
        _drain()
        unstreamed.append(_first_word(actor, req, False)[0])
    return {"label": label, "n": len(reqs), "streamed": _median_ms(streamed), "unstreamed": _median_ms(unstreamed),
            "whole": _median_ms(whole), "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    global STORE_WRITE
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=8, help="turns per backend (median over these; >= 5)")
    p.add_argument("--backends", default="scripted,local")
    p.add_argument("--no-store", action="store_true", help="leave the store write out of the overhead")
    p.add_argument("--threads", default="1,2",
                   help="TALKDOWN_LOCAL_THREADS values to measure the local backend with ('' = the setting only)")
    p.add_argument("--hogs", type=int, default=1,
                   help="CPU-bound processes beside the extra local rows (0 = no such rows)")
    p.add_argument("--first-word", default="local,remote",
                   help="time to the first shown word, streamed vs unstreamed: local, remote, both or ''")
    p.add_argument("--rate", type=float, default=30.0, help="tokens/s of the remote stand-in (--first-word remote)")
    args = p.parse_args(argv)
    runs = max(5, args.runs)
    if not args.no_store and STORE_WRITE is None:
        STORE_WRITE = store_writer()
    load0 = os.getloadavg()[0]
    thread_settings = [int(t) for t in args.threads.split(",") if t.strip()] or [None]
    env_threads = os.environ.get("TALKDOWN_LOCAL_THREADS")
    rows = []
    try:
        for b in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if b != "local":
                rows.append(bench_backend(b, runs))
                continue
            # Each thread setting, alone and beside the hogs, twice: the model's own speed (no rewrite budget:
            # the reply waits for it, as before the budget) and what a trainee meets by default (the budget).
            for t, hogs, budget in [(t, h, b) for t in thread_settings for h in ([0, args.hogs] if args.hogs else [0])
                                    for b in (20.0, None)]:
                if True:
                    _with_threads(t)
                    _with_budget(budget)
                    label = (f"local t={get_settings().local_threads}" + (f" +{hogs} hog" if hogs else "")
                             + (" model" if budget else " app"))
                    if hogs:
                        with CpuHogs(hogs):
                            la = os.getloadavg()[0]
                            r = bench_backend(b, runs)
                    else:
                        la = os.getloadavg()[0]
                        r = bench_backend(b, runs)
                    r.update(label=label, load=la)
                    rows.append(r)
    finally:
        _with_budget(None)
        if env_threads is None:
            os.environ.pop("TALKDOWN_LOCAL_THREADS", None)
        else:
            os.environ["TALKDOWN_LOCAL_THREADS"] = env_threads
        get_settings.cache_clear()
    base = next((r for r in rows if r["backend"] == "scripted"), rows[0])
    s = get_settings()
    print(f"Scenario {SCENARIO}, script {SCRIPT.name}, median over {runs} turns per row "
          f"(local engine={s.local_engine}, default local_threads={s.local_threads}, cores={os.cpu_count()}, "
          f"load average before/after {load0:.1f}/{os.getloadavg()[0]:.1f}: other work on the machine slows llama.cpp a lot; "
          f"'+N hog': N CPU-bound processes started by this bench ran beside it).\n")
    head = (f"{'backend':<24}{'load':>6}{'TTFT ms':>10}{'x base':>9}{'turn ms':>10}{'x base':>9}"
            f"{'moves+Director':>16}{'guard':>8}{'store':>8}{'own total':>11}{'fell back':>11}")
    print(head)
    print("-" * len(head))
    for r in rows:
        own = r["director"] + r["guard"] + (r["store"] or 0)
        store = f"{r['store']:.2f}" if r["store"] is not None else "n/a"
        load = f"{r['load']:.1f}" if "load" in r else ""
        print(f"{r.get('label', r['backend']):<24}{load:>6}{r['ttft']:>10.1f}{r['ttft'] / base['ttft']:>9.1f}{r['turn']:>10.1f}"
              f"{r['turn'] / base['turn']:>9.1f}{r['director']:>16.2f}{r['guard']:>8.2f}{store:>8}{own:>11.2f}"
              f"{r['fell_back']:>6}/{r['n']:<4}")
    print("\nTTFT: from the saved trainee turn to the first chunk shown (the first sentence that passed the guard).")
    print("Own overhead: moves + Director per trainee turn, guard per reply, store when STORE_WRITE is set.")
    print("'model': no rewrite budget, the reply waits for the model (its own speed); 'app': the default "
          f"TALKDOWN_LOCAL_REWRITE_BUDGET ({get_settings().local_rewrite_budget:g} s), what a trainee meets.")
    print("Targets: local TTFT <= 500 ms; own overhead <= 20 ms per turn.")
    kinds = {k.strip() for k in args.first_word.split(",") if k.strip()}
    if kinds:
        first = bench_first_word(runs, args.rate, "local" in kinds, "remote" in kinds)
        print("\nTime to the first shown word (median per reply; streamed: the guard passes the reply sentence by "
              "sentence and the first passed sentence is shown while the rest is written; unstreamed: the whole "
              "reply is read and guarded first, as before; the same replies, alternating, in this process):\n")
        print("| backend | load | first word, streamed | first word, unstreamed | streamed ÷ unstreamed "
              "| whole reply, streamed |")
        print("|---|---|---|---|---|---|")
        for r in first:
            print(f"| {r['label']} | {r['load']:.1f} | {r['streamed']:,.0f} ms | {r['unstreamed']:,.0f} ms "
                  f"| {r['streamed'] / r['unstreamed']:.2f} | {r['whole']:,.0f} ms |")
        print("Goal: first shown word <= 500 ms for both on a quiet machine.")
    if any(r["backend"] == "local" for r in rows):
        fell, n, reasons = fallback_rate("local")
        print(f"\nlocal guard fallback over {n} authored lines from all scenarios (default settings): {fell}/{n} "
              f"({fell / n:.0%}); reasons: {reasons}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
