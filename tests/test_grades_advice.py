"""Issue 9, point 5: every suggestion the engine produces reads right. Each built-in example script (and any
bench script) is played through the PracticeEngine with the scripted backend against the scenarios, and
every "Instead of …, try …" of the report is checked mechanically."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from core.transcript import parse_transcript
from personas.actors import Actor, get_backend
from personas.archetypes import get_archetype
from personas.engine import PracticeEngine
from personas.scenario import load_dir
from scoring import score
from scoring.advice import garbled
from scoring.dimensions import Context, _legit_questions
from scoring.evidence import sentences
from scoring.policy import find_offers
from scoring.understanding import read_turn
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios
EXAMPLES = sorted((ROOT / "personas" / "examples").glob("*.txt"))


def _walk(node, sid=None):
    """(scenario id or None, trainee lines) for every list of lines in a bench YAML, whatever its shape."""
    if isinstance(node, dict):
        sid = node.get("scenario") or node.get("scenario_id") or sid
        for k, v in node.items():
            yield from _walk(v, k if k in SCENARIOS else sid)
    elif isinstance(node, list):
        if len(node) >= 2 and all(isinstance(x, str) for x in node):
            yield (sid if sid in SCENARIOS else None), list(node)
        else:
            for x in node:
                yield from _walk(x, sid)


def _bench_scripts() -> list[tuple[str, str, list[str]]]:
    out = []
    for path in sorted((ROOT / "bench").glob("scripts*.yaml")) + sorted((ROOT / "bench").glob("grade_pairs*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        for k, (sid, lines) in enumerate(_walk(data)):
            for s in ([sid] if sid else sorted(SCENARIOS)[:2]):
                out.append((s, f"{path.name}#{k}", lines))
    return out


def _cases() -> list[tuple[str, str, list[str]]]:
    cases = []
    for sid in sorted(SCENARIOS):
        for script in EXAMPLES:
            cases.append((sid, script.name, script.read_text(encoding="utf-8").splitlines()))
    return cases + _bench_scripts()


@lru_cache(maxsize=None)
def _play(sid: str, lines: tuple[str, ...]) -> dict:
    sc = SCENARIOS[sid]
    return PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted"))).play(lines)


def _problems(sid: str, transcript: dict) -> list[str]:
    sc = SCENARIOS[sid]
    t = parse_transcript(transcript)
    report = score(t, sc)
    ctx = Context.build(t, sc)
    out: list[str] = []
    seen: set[str] = set()
    customer = [s for x in t.turns if x.role == "customer" for s in sentences(x.text)]
    for name, d in report.dimensions.items():
        assert len(d.advice) == len(d.suggestions)
        for sg in d.suggestions:
            where = f"{name} turn {sg.turn}: {sg.better!r}"
            turn = t.turns[sg.turn - 1]
            if turn.role != "trainee" or sg.original not in turn.text:
                out.append(f"{where}: the original is not the trainee's words")
            for g in garbled(sg.better):
                out.append(f"{where}: {g}")
            bad = [o.rule for o in find_offers(sg.better, sc) if o.allowed is False]
            if bad:
                out.append(f"{where}: offers what the policy forbids ({bad})")
            if sg.better in seen:
                out.append(f"{where}: the same line suggested twice")
            seen.add(sg.better)
            # A fragment of the customer's line glued in with its pronouns unturned.
            for s in customer:
                words = s.split()
                for i in range(len(words) - 4):
                    span = " ".join(words[i:i + 5])
                    if re.search(r"\b(?:I|my|me|I'm|I've)\b", span) and span in sg.better:
                        out.append(f"{where}: the customer's words glued in unturned ({span!r})")
            # It fits the turn it replaces: keeps the turn's allowed action and its real question.
            before = t.turns[:sg.turn - 1]
            r_orig = read_turn(sg.original, before, sc)
            r_new = read_turn(sg.better, before, sc)
            if r_orig.acted and not r_orig.forbidden and not r_new.acted:
                out.append(f"{where}: drops what the original turn did ({sg.original!r})")
            legit = [q for q in _legit_questions(ctx, sg.turn, ctx.reading(sg.turn)) if q in sg.original]
            if legit and "?" not in sg.better:
                out.append(f"{where}: replaces a diagnostic question ({legit[0]!r})")
    return out


CASES = _cases()


@pytest.mark.parametrize("sid,script,lines", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_every_suggestion_reads_right(sid, script, lines):
    problems = _problems(sid, _play(sid, tuple(lines)))
    assert not problems, "\n".join(problems)


def test_the_examples_do_produce_suggestions():
    """The check above is not vacuous: the dismissive scripts get plenty of advice."""
    n = 0
    for sid in sorted(SCENARIOS):
        t = parse_transcript(_play(sid, tuple((ROOT / "personas/examples/dismissive_generic.txt").read_text().splitlines())))
        n += sum(len(d.suggestions) for d in score(t, SCENARIOS[sid]).dimensions.values())
    assert n >= 3 * len(SCENARIOS)


@pytest.mark.parametrize("line", [
    "So Alright, thanks — have I got that right?",
    "So Thank us, you're very patient — have I got that right?",
    "So  your parcel , is lost.",
    "That sounds really {feeling}.",
])
def test_the_garble_check_catches_the_lines_the_issue_quotes(line):
    assert garbled(line)


def test_closure_advice_never_offers_a_refund_the_policy_forbids():
    sc = SCENARIOS["bank-double-charge-rent"]
    lines = ["Okay.", "Right.", "Fine."]
    t = parse_transcript(_play(sc.id, tuple(lines)))
    r = score(t, sc)
    closure = r.dimensions["closure"].suggestions
    assert closure
    for sg in closure:
        assert not [o for o in find_offers(sg.better, sc) if o.allowed is False]
        assert "arrange the refund" not in sg.better
