"""Build data/cs_moves/cs_moves.jsonl from the hand-written batches in data/cs_moves/batches/.

    python data/cs_moves/build.py          # writes cs_moves.jsonl, prints counts per move and split

A batch file is written by hand: `# domain: NAME` once, then for each customer line `> text`
followed by agent replies `moves | text` (moves comma-separated, short names, the main move first).
Texts that repeat (ignoring case, spaces and punctuation) are dropped after their first occurrence.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "cs_moves.jsonl"
SHORT = {"q": "question", "para": "paraphrase", "refl": "reflection", "aff": "affirmation", "apol": "apology",
         "ack": "acknowledgement", "dis": "dismissive", "blame": "blame", "jar": "jargon", "off": "off_topic",
         "next": "next_step", "sum": "summary", "chk": "check_more", "bye": "farewell"}
# Held-out domains: the test split is every turn of these (the other domains train).
TEST_DOMAINS = ("pharmacy", "car rental")


def norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def parse(path: Path) -> list[dict]:
    rows, domain, context = [], None, None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("# domain:"):
            domain = line.split(":", 1)[1].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith(">"):
            context = line[1:].strip()
        else:
            labels, sep, text = line.partition("|")
            if not sep or domain is None or context is None:
                raise SystemExit(f"{path.name}:{n}: expected 'moves | text' after a '> customer' line")
            moves = []
            for s in labels.split(","):
                s = s.strip()
                if s not in SHORT:
                    raise SystemExit(f"{path.name}:{n}: unknown move {s!r}")
                moves.append(SHORT[s])
            rows.append({"id": f"{path.stem.split('_')[0]}-{n:04d}", "batch": path.stem, "domain": domain,
                         "context": context, "text": text.strip(), "moves": moves,
                         "split": "test" if domain in TEST_DOMAINS else "train"})
    return rows


def collect(batches: Path = HERE / "batches") -> tuple[list[dict], int]:
    """(rows of every batch, in order, first occurrence of each text kept; how many repeats were dropped)."""
    rows, seen, dropped = [], set(), 0
    for path in sorted(batches.glob("b*.txt")):
        for r in parse(path):
            k = norm(r["text"])
            if k in seen:
                dropped += 1
                continue
            seen.add(k)
            rows.append(r)
    return rows, dropped


def render(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main() -> int:
    rows, dropped = collect()
    OUT.write_text(render(rows), encoding="utf-8")
    per = Counter(m for r in rows for m in r["moves"])
    split = Counter(r["split"] for r in rows)
    dom = Counter(r["domain"] for r in rows)
    print(f"{len(rows)} turns ({dropped} duplicates dropped); {dict(split)}")
    print("domains:", dict(dom))
    for m in SHORT.values():
        print(f"  {m:<16}{per[m]:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
