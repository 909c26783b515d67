"""How long reading the scenarios folder's YAML takes: PyYAML's pure-Python safe loader against the loader
core.scenario parses with (libyaml's C safe loader when PyYAML has it).

    python bench/scenario_yaml.py [--runs 5] [--dir scenarios]

Both parse the same file texts in this process (read once, so the disk is not timed); medians over runs; the
ratio is the baseline's time over the other's. Every scenario's data must come out the same from both.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(texts: list[str], loader) -> tuple[float, list]:
    import yaml

    t = time.perf_counter()
    out = [yaml.load(x, Loader=loader) for x in texts]
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    import yaml

    from core.scenario import _Parser

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default=str(ROOT / "scenarios"))
    args = ap.parse_args(argv)
    files = sorted([*Path(args.dir).glob("*.yaml"), *Path(args.dir).glob("*.yml")])
    if not files:
        print(f"error: no scenario files in {args.dir}", file=sys.stderr)
        return 2
    texts = [f.read_text(encoding="utf-8") for f in files]
    base, fast = [], []
    for _ in range(args.runs):
        tb, want = _timed(texts, yaml.SafeLoader)
        tf, got = _timed(texts, _Parser)
        if got != want:
            print("error: the two loaders read different data", file=sys.stderr)
            return 1
        base.append(tb)
        fast.append(tf)
    b, f = statistics.median(base), statistics.median(fast)
    print(f"{len(files)} scenario files ({sum(map(len, texts)):,} characters), median of {args.runs} runs, "
          f"{os.cpu_count()} CPU(s)")
    print("| loader | median s | ratio |")
    print("|---|---|---|")
    print(f"| yaml.SafeLoader (pure Python, baseline) | {b:.3f} | 1.0× |")
    print(f"| core.scenario ({_Parser.__name__}) | {f:.3f} | {b / f:.1f}× faster |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
