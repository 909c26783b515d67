"""Scoring speed and validity.

Speed: a 40-turn transcript and `moves` throughput, each beside the keyword baseline.
Validity: the paired scripts of bench/grade_pairs.yaml (good / hollow empathy / over-promising / mediocre /
dismissive handling of the same customer), each played through the PracticeEngine with the scripted
backend so the customer's turns and moods are real, then scored. The orderings a coach would sign are
checked and printed (tests/test_grades_validity.py asserts them).

Move validity: macro-F1 of move detection on AnnoMI dev (question/reflection, expert MI labels), on
ESConv valid (question/paraphrase/reflection/affirmation) and on the test split of the project's own
customer-service set (data/cs_moves/: the same four moves, and all 14), for each shipped mode (rules =
the default, cs = TALKDOWN_MOVE_MODEL=cs, esconv = TALKDOWN_MOVE_MODEL=esconv) beside the keyword
baseline, in one run.

    python bench/scoring.py            # all three tables
    python bench/scoring.py --validity # both validity tables: moves per mode, then grades
    python bench/scoring.py --moves    # the move validity table only
    python bench/scoring.py --grades   # the grade validity table only
    python bench/scoring.py --speed    # the speed tables only
    python bench/scoring.py --against DIR  # `moves` here vs another checkout (e.g. main), interleaved in one process
    python bench/scoring.py --halves   # the design slices: AnnoMI dev by transcript place (even / odd), ESConv train fifth
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.transcript import parse_transcript  # noqa: E402
from personas.scenario import load_dir  # noqa: E402
from scoring import detect_batch, score  # noqa: E402
from scoring.esconv import baseline_moves  # noqa: E402

RUNS = 7
CUSTOMER = ["My internet has been down for two days and I have a deadline tomorrow!",
            "I've restarted the router twice already.", "The light is flashing red.", "Okay, that helps a bit."]
TRAINEE = ["That sounds really frustrating. So your connection has been down two days — is that right?",
           "Calm down, sir. You need to understand our policy states repairs take time.",
           "I'm sorry, we got this wrong. I'll book an engineer for tomorrow 8-12.",
           "When did the light start flashing red?",
           "To recap: engineer tomorrow 8-12. Is there anything else I can help with?"]


def _transcript(n_turns: int = 40):
    turns = []
    for i in range(n_turns // 2):
        turns.append({"role": "customer", "text": CUSTOMER[i % len(CUSTOMER)], "mood": 8 - i * 0.2})
        turns.append({"role": "trainee", "text": TRAINEE[i % len(TRAINEE)]})
    return parse_transcript({"scenario_id": "internet-outage-remote-worker", "turns": turns})


def _median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


PAIRS = Path(__file__).resolve().parent / "grade_pairs.yaml"
KINDS = ("good", "hollow", "overpromise", "mediocre", "dismissive")
SKILLS = ("active_listening", "paraphrasing", "empathy", "focus", "closure")
SHORT = {"active_listening": "listen", "paraphrasing": "para", "empathy": "empathy", "focus": "focus",
         "closure": "closure"}
HOLLOW_EMPATHY_MAX = 50  # hollow empathy must not score well on empathy


def play(scenario, lines: list[str]) -> dict:
    """A trainee script played through the PracticeEngine (scripted backend): the transcript dict."""
    from personas.actors import Actor, get_backend
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine

    engine = PracticeEngine(scenario, get_archetype(scenario.persona), Actor(get_backend("scripted")))
    return engine.play(lines)


def validity(path: Path = PAIRS) -> tuple[dict, list[str]]:
    """{scenario: {kind: report}} for the paired scripts, and the orderings that failed (empty = all hold)."""
    import yaml

    scenarios = load_dir(Path(__file__).resolve().parent.parent / "scenarios").scenarios
    pairs = yaml.safe_load(path.read_text(encoding="utf-8"))
    results: dict = {}
    failed: list[str] = []
    for sid, scripts in pairs.items():
        sc = scenarios[sid]
        reports = {k: score(parse_transcript(play(sc, scripts[k])), sc) for k in KINDS if k in scripts}
        results[sid] = reports
        good = reports["good"]
        for k, r in reports.items():
            if k == "good":
                continue
            if not good.overall > r.overall:
                failed.append(f"{sid}: good overall {good.overall} does not beat {k} {r.overall}")
            # good leads on every skill, except where over-promising is the same call (its skills may tie)
            for skill in SKILLS:
                g, o = good.dimensions[skill].score, r.dimensions[skill].score
                if k == "overpromise" and skill != "closure":
                    continue
                if g < o:
                    failed.append(f"{sid}: good {skill} {g} < {k} {o}")
        if "hollow" in reports:
            e = reports["hollow"].dimensions["empathy"].score
            if e > HOLLOW_EMPATHY_MAX or e >= good.dimensions["empathy"].score:
                failed.append(f"{sid}: hollow empathy scores {e} on empathy")
        if "overpromise" in reports:
            o = reports["overpromise"]
            if not o.outcome.promise_breaches:
                failed.append(f"{sid}: the over-promise was not detected")
            if o.dimensions["closure"].score >= good.dimensions["closure"].score:
                failed.append(f"{sid}: over-promising closure {o.dimensions['closure'].score} >= within policy "
                              f"{good.dimensions['closure'].score}")
    return results, failed


def print_validity() -> int:
    results, failed = validity()
    head = f"{'scenario':<34}{'script':<13}{'overall':>8}" + "".join(f"{SHORT[s]:>9}" for s in SKILLS) + \
        f"  {'end mood':>8}  breaches"
    print(head)
    print("-" * len(head))
    for sid, reports in results.items():
        for k, r in reports.items():
            mood = r.outcome.mood_end
            print(f"{sid:<34}{k:<13}{r.overall:>8}" + "".join(f"{r.dimensions[s].score:>9}" for s in SKILLS)
                  + f"  {mood if mood is not None else '-':>8}  {len(r.outcome.promise_breaches)}")
    print()
    n = sum(len(r) for r in results.values())
    print(f"{n} transcripts over {len(results)} scenarios; orderings: "
          + ("all hold (good leads; hollow empathy <= "
             f"{HOLLOW_EMPATHY_MAX} on empathy; over-promising loses to the same call within policy)"
             if not failed else f"{len(failed)} FAILED"))
    for f in failed:
        print(f"  FAILED: {f}")
    return 1 if failed else 0


EVAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data"
ANNOMI_DEV = EVAL_DATA / "annomi" / "annomi_dev.csv"
ESCONV_VALID = EVAL_DATA / "esconv" / "valid_rl.txt"
MOVE_MODES = ("rules", "cs", "esconv")
FOUR = ("question", "paraphrase", "reflection", "affirmation")
COLUMNS = (("annomi", "AnnoMI dev", 12), ("esconv", "ESConv valid", 14), ("cs4", "CS test (4)", 13),
           ("cs14", "CS test (14)", 14))
LABELS = {"rules": "rules (default)", "cs": "cs (own data, opt-in)", "esconv": "esconv (opt-in, CC BY-NC)"}


def move_validity(annomi_path: Path = ANNOMI_DEV, esconv_path: Path = ESCONV_VALID,
                  cs_path: Path | None = None) -> dict[str, dict[str, float]]:
    """{mode or "keyword baseline": {"annomi", "esconv", "cs4", "cs14": macro-F1}} (absent files are left out).

    cs4 is the CS test split's macro-F1 over the four moves the keyword baseline knows; cs14 over all 14
    moves (not for the baseline, which knows four).
    """
    from scoring import annomi, csmoves, esconv, model
    from scoring.moves import detect_moves

    cs_path = cs_path or csmoves.DATA
    sets = {}
    if annomi_path.exists():
        ex = annomi.load_examples(annomi_path)
        sets["annomi"] = lambda predict, ex=ex: annomi.evaluate(ex, predict).macro_f1
    if esconv_path.exists():
        ex = esconv.load_examples(esconv_path)
        sets["esconv"] = lambda predict, ex=ex: esconv.evaluate(ex, predict).macro_f1
    cs_test = csmoves.load(cs_path, split="test") if cs_path.exists() else None
    out: dict[str, dict[str, float]] = {}
    try:
        for mode in MOVE_MODES:
            path = model.weights_for(mode)
            if path is not None and not path.exists():
                continue
            model.use(model.MoveModel.load(path) if path is not None else None)
            row = {name: ev(detect_moves) for name, ev in sets.items()}
            if cs_test:
                s = csmoves.evaluate(cs_test, detect_moves)
                row["cs4"], row["cs14"] = s.macro_f1(FOUR), s.macro_f1()
            out[mode] = row
    finally:
        model.reload()
    base = {name: ev(baseline_moves) for name, ev in sets.items()}
    if cs_test:
        base["cs4"] = csmoves.evaluate(cs_test, baseline_moves, FOUR).macro_f1()
    out["keyword baseline"] = base
    return out


def print_move_validity() -> int:
    table = move_validity()
    if not any(table.values()):
        print(f"move validity: no evaluation data under {EVAL_DATA} or data/cs_moves/")
        return 0
    head = f"{'move detection (macro-F1)':<34}" + "".join(f"{title:>{w}}" for _, title, w in COLUMNS)
    print(head)
    print("-" * len(head))
    for name, row in table.items():
        print(f"{LABELS.get(name, name):<34}" + "".join(f"{row[k]:>{w}.3f}" if k in row else f"{'-':>{w}}"
                                                    for k, _, w in COLUMNS))
    print("goals: AnnoMI held-out >= 0.78 in the default mode; ESConv valid >= 0.45 (default), >= 0.49 (esconv)")
    print("CS test = data/cs_moves/ test split (pharmacy and car rental, domains the cs model never saw); "
          "(4) = question/paraphrase/reflection/affirmation, (14) = every move")
    return 0


def main() -> None:
    if "--validity" in sys.argv[1:]:
        print_move_validity()
        print()
        raise SystemExit(print_validity())
    if "--grades" in sys.argv[1:]:
        raise SystemExit(print_validity())
    if "--moves" in sys.argv[1:]:
        raise SystemExit(print_move_validity())
    if "--against" in sys.argv[1:]:
        i = sys.argv.index("--against")
        if i + 1 >= len(sys.argv) or not (Path(sys.argv[i + 1]) / "scoring" / "moves.py").is_file():
            raise SystemExit("--against needs a checkout of this project (a folder holding scoring/moves.py).")
        against(Path(sys.argv[i + 1]))
        return
    if "--halves" in sys.argv[1:]:
        halves()
        return
    if "--speed" in sys.argv[1:]:
        speed()
        return
    speed()
    print()
    print_move_validity()
    print()
    raise SystemExit(print_validity())


def speed() -> None:
    scenario = load_dir(Path(__file__).resolve().parent.parent / "scenarios").scenarios.get(
        "internet-outage-remote-worker")
    t = _transcript()
    score(t, scenario)  # warm up: loads the model once
    trainee = t.trainee_turns()
    ms = _median_ms(lambda: score(t, scenario))
    ms_base = _median_ms(lambda: [baseline_moves(x.text) for _, x in trainee])
    items = [(TRAINEE[i % len(TRAINEE)], [{"role": "customer", "text": CUSTOMER[i % len(CUSTOMER)]}])
             for i in range(4000)]
    moves_ms = _median_ms(lambda: detect_batch(items), runs=5)
    base_ms = _median_ms(lambda: [baseline_moves(x) for x, _ in items], runs=5)
    rate, base_rate = len(items) / (moves_ms / 1000), len(items) / (base_ms / 1000)
    print(f"{'measure':<40} {'scoring':>12} {'keyword baseline':>18} {'ratio':>8} {'goal':>12}")
    print(f"{'score 40-turn transcript (median ms)':<40} {ms:12.1f} {ms_base:18.2f} {ms / ms_base:8.1f}x {'<= 50 ms':>12}")
    print(f"{'moves throughput (turns/s)':<40} {rate:12,.0f} {base_rate:18,.0f} {base_rate / rate:8.1f}x {'>= 2,000/s':>12}")
    print(f"(median of {RUNS} runs for scoring, 5 for throughput over {len(items)} turns; baseline = moves only)")
    print()
    mode_speed(t, scenario, items)


def mode_speed(t, scenario, items) -> None:
    """The same two measures for each move mode, runs interleaved so load from other work hits all alike."""
    from scoring import model

    modes = [m for m in MOVE_MODES if model.weights_for(m) is None or model.weights_for(m).exists()]
    loaded = {m: (model.MoveModel.load(model.weights_for(m)) if model.weights_for(m) else None) for m in modes}
    ms: dict[str, list[float]] = {m: [] for m in modes}
    rate: dict[str, list[float]] = {m: [] for m in modes}
    try:
        for _ in range(5):
            for m in modes:
                model.use(loaded[m])
                ms[m].append(_median_ms(lambda: score(t, scenario), runs=3))
                rate[m].append(len(items) / (_median_ms(lambda: detect_batch(items), runs=1) / 1000))
    finally:
        model.reload()
    r0 = statistics.median(rate["rules"])
    m0 = statistics.median(ms["rules"])
    print(f"{'by move mode (same run, interleaved)':<40} {'40-turn ms':>12} {'vs rules':>9} {'moves/s':>10} {'vs rules':>9}")
    for m in modes:
        a, r = statistics.median(ms[m]), statistics.median(rate[m])
        print(f"{LABELS.get(m, m):<40} {a:12.1f} {a / m0:8.2f}x {r:10,.0f} {r / r0:8.2f}x")


def halves() -> None:
    """Default-mode macro-F1 on the slices move rules are designed on: AnnoMI dev split by transcript (its ids
    are all even, so by order of appearance: even places are read for errors, odd places only scored) and the
    ESConv train conversations whose index is divisible by 5 (ESConv valid is scored by --moves, at the end)."""
    from scoring import annomi, esconv
    from scoring.moves import detect_moves

    rows = []
    if ANNOMI_DEV.exists():
        ex = annomi.load_examples(ANNOMI_DEV)
        for name, part in (("AnnoMI dev, even places (design)", 0), ("AnnoMI dev, odd places (check)", 1)):
            sub = [e for e in ex if e.conv % 2 == part]
            rows.append((name, len(sub), annomi.evaluate(sub, detect_moves).macro_f1))
    train = EVAL_DATA / "esconv" / "train_rl.txt"
    if train.exists():
        sub = [e for e in esconv.load_examples(train) if e.conv % 5 == 0]
        rows.append(("ESConv train, index % 5 == 0 (design)", len(sub), esconv.evaluate(sub, detect_moves).macro_f1))
    if not rows:
        raise SystemExit(f"No evaluation data under {EVAL_DATA}.")
    print(f"{'slice (default mode)':<42} {'turns':>6} {'macro-F1':>9}")
    for name, n, f in rows:
        print(f"{name:<42} {n:6d} {f:9.4f}")


def _other_detect_moves(root: Path):
    """detect_moves of another checkout, imported beside this one (its own core/scoring modules)."""
    import importlib

    ours = {k: v for k, v in sys.modules.items() if k.split(".")[0] in ("core", "scoring", "personas")}
    for k in ours:
        del sys.modules[k]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("scoring.moves").detect_moves
    finally:
        sys.path.remove(str(root))
        for k in [k for k in sys.modules if k.split(".")[0] in ("core", "scoring", "personas")]:
            del sys.modules[k]
        sys.modules.update(ours)


def against(root: Path, reps: int = 7, chunk: int = 250, limit: int = 3000) -> None:
    """`moves` throughput here vs another checkout on the same turns, chunks alternated (which goes first
    alternates too) so load from other work hits both alike; CPU time. Turns: ESConv valid when present,
    else the speed table's synthetic turns."""
    from scoring.moves import detect_moves as here

    there = _other_detect_moves(root)
    if ESCONV_VALID.exists():
        from scoring.esconv import load_examples

        items = [(e.text, e.context) for e in load_examples(ESCONV_VALID)[:limit]]
        what = f"{len(items)} ESConv valid turns with their context"
    else:
        items = [(TRAINEE[i % len(TRAINEE)], [{"role": "customer", "text": CUSTOMER[i % len(CUSTOMER)]}])
                 for i in range(limit)]
        what = f"{len(items)} synthetic turns"
    for f in (here, there):
        for text, ctx in items[:300]:
            f(text, ctx)
    tot = {"here": 0.0, "there": 0.0}
    ratios: list[float] = []
    for rep in range(reps):
        for n, i in enumerate(range(0, len(items), chunk)):
            part = items[i:i + chunk]
            took = {}
            for name, f in ((("here", here), ("there", there)) if (rep + n) % 2 == 0 else (("there", there), ("here", here))):
                t0 = time.process_time()
                for text, ctx in part:
                    f(text, ctx)
                took[name] = time.process_time() - t0
                tot[name] += took[name]
            if took["here"] > 0:
                ratios.append(took["there"] / took["here"])
    done = len(items) * reps
    print(f"{'moves, interleaved in one process':<40} {'turns/s (CPU)':>14} {'vs other':>9}")
    print(f"{'this checkout':<40} {done / tot['here']:14,.0f} {statistics.median(ratios):8.3f}x")
    print(f"{'other: ' + str(root)[-33:]:<40} {done / tot['there']:14,.0f} {1.0:8.3f}x")
    print(f"({what}; {reps} passes in chunks of {chunk}; 'vs other' = median over {len(ratios)} chunk pairs of the "
          f"other's time / this one's, above 1 = this one is faster)")


if __name__ == "__main__":
    main()
