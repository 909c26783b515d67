"""Ordering table for a folder of graded probe scripts (SCENARIO__KIND.txt, one trainee turn per line).

Each script is played through the PracticeEngine with the scripted backend (as `python -m personas simulate`
does) and scored (as `python -m scoring score` does). Prints scenario x kind -> overall (the five skills and
the policy breaches beside it) and whether each ordering a coach would sign holds:
good > mediocre > hollow >= dismissive; overpromise < good and overpromise < mediocre.

    python bench/grade_probes_table.py                      # bench/grade_probes2
    python bench/grade_probes_table.py bench/grade_probes   # another folder (kinds it lacks are skipped)
    python bench/grade_probes_table.py --skills             # the five skills under each overall
    python bench/grade_probes_table.py --dump DIR           # also write each report's text to DIR/NAME.txt
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("good", "mediocre", "hollow", "dismissive", "overpromise")
SKILLS = ("active_listening", "paraphrasing", "empathy", "focus", "closure")
ORDERINGS = (("good", ">", "mediocre"), ("mediocre", ">", "hollow"), ("hollow", ">=", "dismissive"),
             ("overpromise", "<", "good"), ("overpromise", "<", "mediocre"))


def play_and_score(scenario, lines: list[str]):
    from core.transcript import parse_transcript
    from personas.actors import Actor, get_backend
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine
    from scoring import score

    engine = PracticeEngine(scenario, get_archetype(scenario.persona), Actor(get_backend("scripted")))
    engine.play(lines)
    if not engine.ended:
        engine.end("script_ended")
    return score(parse_transcript(engine.transcript()), scenario)


def table(folder: Path) -> dict[str, dict[str, object]]:
    """{scenario: {kind: report}} for every SCENARIO__KIND.txt in folder whose kind is one of KINDS."""
    from personas.scenario import load_dir

    scenarios = load_dir(ROOT / "scenarios").scenarios
    out: dict[str, dict[str, object]] = {}
    for f in sorted(folder.glob("*__*.txt")):
        sid, kind = f.stem.split("__", 1)
        if kind not in KINDS or sid not in scenarios:
            continue
        lines = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
        out.setdefault(sid, {})[kind] = play_and_score(scenarios[sid], lines)
    return out


def holds(a: int, op: str, b: int) -> bool:
    return {">": a > b, ">=": a >= b, "<": a < b}[op]


def main(argv: list[str]) -> int:
    args = list(argv)
    skills = "--skills" in args
    dump = None
    if "--dump" in args:
        i = args.index("--dump")
        dump = Path(args[i + 1])
        del args[i:i + 2]
        dump.mkdir(parents=True, exist_ok=True)
    args = [a for a in args if not a.startswith("--")]
    folder = Path(args[0]) if args else ROOT / "bench" / "grade_probes2"
    if not folder.is_dir():
        print(f"error: {folder} is not a folder of SCENARIO__KIND.txt scripts", file=sys.stderr)
        return 2
    results = table(folder)
    if dump is not None:
        from scoring.report import render_text

        for sid, reports in results.items():
            for kind, r in reports.items():
                (dump / f"{sid}__{kind}.txt").write_text(render_text(r), encoding="utf-8")
    w = 18 if skills else 8
    head = f"{'scenario':<34}" + "".join(f"{k[:w - 1]:>{w}}" for k in KINDS) + "  orderings failing"
    print(head)
    print("-" * len(head))
    n_fail = n_checked = 0
    for sid, reports in results.items():
        cells = []
        for k in KINDS:
            r = reports.get(k)
            if r is None:
                cells.append(f"{'-':>{w}}")
                continue
            b = len(r.outcome.promise_breaches)
            cells.append(f"{str(r.overall) + ('!' * b if b else ''):>{w}}")
        fails = []
        for a, op, b in ORDERINGS:
            if a in reports and b in reports:
                n_checked += 1
                if not holds(reports[a].overall, op, reports[b].overall):
                    fails.append(f"{a}{op}{b}")
        n_fail += len(fails)
        print(f"{sid:<34}" + "".join(cells) + "  " + (", ".join(fails) if fails else "all hold"))
        if skills:
            print(f"{'  (listen/para/emp/focus/close)':<34}" + "".join(
                f"{'/'.join(str(reports[k].dimensions[s].score) for s in SKILLS) if k in reports else '-':>{w}}"
                for k in KINDS))
    print()
    print(f"{folder.name}: {sum(len(r) for r in results.values())} scripts over {len(results)} scenarios; "
          f"{n_checked - n_fail}/{n_checked} orderings hold ('!' = one policy breach flagged)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
