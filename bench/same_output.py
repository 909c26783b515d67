"""Proof that a speed change changed no output: dump everything the benches compute, compare two dumps.

What is dumped (one JSON line per item, deterministic order):
- report: every bench/grade_probes*/ script and every bench/realism_scripts*.yaml script played through
  the PracticeEngine with the scripted backend, then scored; the transcript (the customer's replies and
  moods) and the report JSON, so both the customer's reading of each turn and the grade are covered;
  and the 40-turn transcript of bench/scoring.py --speed.
- moves: the first N trainee turns of ESConv valid and of AnnoMI dev through detect_moves (with their
  context), in each shipped move mode whose weights are present.
- match: every probe question of bench/probe_questions*.yaml through match_question for its scenario,
  and the customer's reply to it in a fresh conversation (as bench/realism.py asks it).

    python bench/same_output.py --dump /tmp/before.jsonl     # on the old code
    python bench/same_output.py --dump /tmp/after.jsonl      # on the new code
    python bench/same_output.py --compare /tmp/before.jsonl /tmp/after.jsonl
    python bench/same_output.py --dump F --only moves        # one part (report, moves, match)
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

N_TURNS = 500  # per data set and move mode
ANNOMI_DEV = ROOT.parent / "shared" / "eval-data" / "annomi" / "annomi_dev.csv"
ESCONV_VALID = ROOT.parent / "shared" / "eval-data" / "esconv" / "valid_rl.txt"


def _engine(scenario):
    from personas.actors import Actor, get_backend
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine

    return PracticeEngine(scenario, get_archetype(scenario.persona), Actor(get_backend("scripted")))


def _play_and_score(scenario, lines: list[str]) -> dict:
    from core.transcript import parse_transcript
    from scoring import score

    from core.errors import InputError

    engine = _engine(scenario)
    try:
        engine.play(lines)
    except InputError as e:  # a probe of the app's limits: what the engine held up to it is still scored
        err = str(e)
    else:
        err = None
    if not engine.ended:
        engine.end("script_ended")
    t = engine.transcript()
    turns = [[x.get("role"), x.get("text"), x.get("mood")] for x in t.get("turns", [])]
    try:
        report = json.loads(score(parse_transcript(t), scenario).model_dump_json())
    except InputError as e:  # nothing to score
        report = str(e)
    return {"turns": turns, "error": err, "report": report}


def reports(scenarios):
    for folder in sorted(ROOT.glob("bench/grade_probes*/")):
        for f in sorted(folder.glob("*__*.txt")):
            sid = f.stem.split("__", 1)[0]
            if sid not in scenarios:
                continue
            lines = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
            yield f"{folder.name}/{f.name}", _play_and_score(scenarios[sid], lines)
    for path in sorted(ROOT.glob("bench/realism_scripts*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for sid, kinds in data.items():
            if sid not in scenarios:
                continue
            for kind, lines in (kinds or {}).items():
                yield f"{path.name}/{sid}/{kind}", _play_and_score(scenarios[sid], [str(x) for x in lines])
    from bench.scoring import _transcript
    from scoring import score

    t = _transcript()
    yield "bench/scoring.py 40-turn", json.loads(score(t, scenarios["internet-outage-remote-worker"]).model_dump_json())


def moves():
    from scoring import annomi, esconv, model
    from scoring.moves import detect_moves

    sets = []
    if ESCONV_VALID.exists():
        sets.append(("esconv", esconv.load_examples(ESCONV_VALID)[:N_TURNS]))
    if ANNOMI_DEV.exists():
        sets.append(("annomi", annomi.load_examples(ANNOMI_DEV)[:N_TURNS]))
    try:
        for m in model.MODES:
            w = model.weights_for(m)
            if w is not None and not w.exists():
                continue
            model.use(model.MoveModel.load(w) if w else None)
            for name, examples in sets:
                for i, ex in enumerate(examples):
                    yield f"{m}/{name}/{i}", detect_moves(ex.text, ex.context)
    finally:
        model.reload()


def matches(scenarios):
    from scoring.questions import match_question

    for path in sorted(ROOT.glob("bench/probe_questions*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for sid, items in data.items():
            if sid not in scenarios:
                continue
            for i, it in enumerate(items or []):
                q = str(it["q"])
                found = [[m.source, m.key, m.text, m.score] for m in match_question(q, scenarios[sid])]
                engine = _engine(scenarios[sid])
                engine.open()
                engine.add_trainee(q)
                reply = engine.reply()
                yield f"{path.name}/{sid}/{i}", {"q": q, "match": found, "reply": [reply.get("text"), reply.get("mood")]}


PARTS = ("report", "moves", "match")


def dump(out: Path, only: tuple[str, ...] = PARTS) -> None:
    from personas.scenario import load_dir

    scenarios = load_dir(ROOT / "scenarios").scenarios
    gens = {"report": lambda: reports(scenarios), "moves": moves, "match": lambda: matches(scenarios)}
    with out.open("w", encoding="utf-8") as fh:
        for part in only:
            t, n = time.perf_counter(), 0
            for key, value in gens[part]():
                fh.write(json.dumps({"part": part, "key": key, "value": value}, sort_keys=True) + "\n")
                n += 1
            print(f"{part}: {n} items in {time.perf_counter() - t:.1f} s", file=sys.stderr)


def compare(a: Path, b: Path) -> int:
    la = a.read_text(encoding="utf-8").splitlines()
    lb = b.read_text(encoding="utf-8").splitlines()
    if la == lb:
        print(f"identical: {len(la)} items")
        return 0
    ka = {json.loads(x)["key"]: x for x in la}
    kb = {json.loads(x)["key"]: x for x in lb}
    diff = [k for k in ka if k in kb and ka[k] != kb[k]]
    only_a, only_b = [k for k in ka if k not in kb], [k for k in kb if k not in ka]
    print(f"DIFFERENT: {len(diff)} items differ, {len(only_a)} only in {a.name}, {len(only_b)} only in {b.name}")
    for k in (diff + only_a + only_b)[:20]:
        print("  ", k)
    return 1


def main(argv: list[str]) -> int:
    args = list(argv)
    only = PARTS
    if "--only" in args:
        i = args.index("--only")
        only = tuple(args[i + 1].split(","))
        del args[i:i + 2]
        if set(only) - set(PARTS):
            print(f"error: --only takes some of {', '.join(PARTS)}", file=sys.stderr)
            return 2
    if len(args) == 2 and args[0] == "--dump":
        dump(Path(args[1]), only)
        return 0
    if len(args) == 3 and args[0] == "--compare":
        return compare(Path(args[1]), Path(args[2]))
    print(__doc__.strip().splitlines()[-4:][0].strip(), file=sys.stderr)
    print("usage: python bench/same_output.py --dump FILE [--only PARTS] | --compare A B", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
