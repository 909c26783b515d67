"""Scoring a transcript at the tools' limits (500 turns, 20,000 characters a turn, ~10 MB) does bounded
work, and the bounds leave the grade of a normal call exactly as it was. (The time is measured by
bench/huge_transcripts.py, not asserted here.)"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

import scoring.dimensions as dimensions
import scoring.report as report
from core.transcript import MAX_MESSAGE_CHARS, MAX_TURN_CHARS, MAX_TURNS, parse_transcript
from personas.scenario import load_dir
from scoring import score

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = load_dir(ROOT / "scenarios").scenarios
OUTAGE = SCENARIOS["internet-outage-remote-worker"]
WORDS = ("so your internet has been down since Tuesday and the deadline is tomorrow that sounds really "
         "frustrating I will book an engineer for tomorrow morning when did the light start flashing red "
         "sorry we got this wrong calm down our policy says repairs take time is there anything else").split()


def _text(rng: random.Random, n: int) -> str:
    out: list[str] = []
    size = 0
    while size < n:
        out.append(rng.choice(WORDS) + ("." if rng.random() < 0.1 else ""))
        size += len(out[-1]) + 1
    return " ".join(out)[:n]


def _transcript(n_turns: int, trainee_chars, customer_chars, seed: int = 1, scenario_id: str = OUTAGE.id):
    rng = random.Random(seed)
    turns = []
    for i in range(n_turns):
        if i % 2 == 0:
            turns.append({"role": "customer", "text": _text(rng, customer_chars(rng)), "mood": 8 - 6 * i / n_turns})
        else:
            turns.append({"role": "trainee", "text": _text(rng, trainee_chars(rng))})
    return parse_transcript({"scenario_id": scenario_id, "turns": turns})


def _unbounded(monkeypatch) -> None:
    monkeypatch.setattr(report, "SCORED_CHARS", {"trainee": 10**9, "customer": 10**9})
    monkeypatch.setattr(report, "SCORED_TRAINEE_CHARS", 10**9)
    monkeypatch.setattr(report, "GRADED_TRAINEE_TURNS", 10**9)
    monkeypatch.setattr(dimensions, "CONTEXT_TURNS", 10**9)


def _normal_calls():
    """Calls the app can hold for a built-in scenario: up to 12 trainee turns (the scenarios' max_turns),
    short or at the app's 2,000-character message limit, customer lines of a model reply's length."""
    yield _transcript(24, lambda r: r.randint(20, 300), lambda r: r.randint(40, 200), seed=2)
    yield _transcript(25, lambda r: MAX_MESSAGE_CHARS, lambda r: r.randint(300, 800), seed=3)
    yield _transcript(9, lambda r: r.randint(100, 1500), lambda r: r.randint(60, 700), seed=4)
    from bench.scoring import _transcript as bench_call  # the 40-turn call bench/scoring.py times

    yield bench_call(40)


@pytest.mark.parametrize("i", range(4))
def test_a_normal_call_is_graded_exactly_as_without_the_bounds(i, monkeypatch):
    t = list(_normal_calls())[i]
    bounded_report = score(t, OUTAGE).model_dump(mode="json")
    assert not any("read only in part" in n or "were graded" in n for n in bounded_report["notes"])
    _unbounded(monkeypatch)
    assert score(t, OUTAGE).model_dump(mode="json") == bounded_report


def test_every_built_in_scenario_example_is_graded_as_without_the_bounds(monkeypatch):
    from personas.actors import Actor
    from personas.actors.scripted import ScriptedBackend
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine

    lines = [ln for ln in (ROOT / "personas" / "examples" / "empathetic.txt").read_text().splitlines() if ln.strip()]
    transcripts = []
    for sc in SCENARIOS.values():
        engine = PracticeEngine(sc, get_archetype(sc.persona), Actor(ScriptedBackend()))
        engine.play(lines)
        transcripts.append((parse_transcript(engine.transcript()), sc))
    bounded_reports = [score(t, sc).model_dump(mode="json") for t, sc in transcripts]
    _unbounded(monkeypatch)
    assert [score(t, sc).model_dump(mode="json") for t, sc in transcripts] == bounded_reports


@pytest.fixture(scope="module")
def huge():
    t = _transcript(MAX_TURNS, lambda r: MAX_TURN_CHARS - 5, lambda r: MAX_TURN_CHARS - 5, seed=9)
    assert sum(len(x.text) for x in t.turns) > 9_900_000  # the 10 MB, 500-turn transcript of issue 10
    return t


def test_a_10mb_transcript_reads_a_bounded_part_and_says_so(huge, monkeypatch):
    seen: list[tuple[int, int]] = []
    real = dimensions.detect_moves

    def counting(text, context=(), scenario=None):
        seen.append((len(text), len(context)))
        return real(text, context, scenario)

    monkeypatch.setattr(dimensions, "detect_moves", counting)
    r = score(huge, OUTAGE)
    assert len(seen) == report.GRADED_TRAINEE_TURNS
    assert sum(n for n, _ in seen) <= report.SCORED_TRAINEE_CHARS
    assert max(c for _, c in seen) <= dimensions.CONTEXT_TURNS
    assert len(r.turns) == MAX_TURNS  # every turn is still listed
    assert all(not t.moves for t in r.turns[2 * report.GRADED_TRAINEE_TURNS + 1:])
    assert any("read only in part" in n for n in r.notes)
    assert any(f"first {report.GRADED_TRAINEE_TURNS} trainee turns" in n for n in r.notes)
    assert r.outcome.mood_end == huge.turns[-2].mood  # the last mood of the call, graded or not
    for dim in r.dimensions.values():
        assert 0 <= dim.score <= 100
        for ev in dim.evidence:  # quotes stay verbatim in the turn as it was said
            assert ev.quote.rstrip(".…") in huge.turns[ev.turn - 1].text


def test_a_turn_is_cut_at_a_word_and_stays_a_prefix():
    text = "word " * 1000
    cut = report._clip_turn(text, 2003)
    assert len(cut) <= 2003 and text.startswith(cut) and cut.endswith("word")
    assert report._clip_turn("a" * 5000, 100) == "a" * 100
    assert report._clip_turn("short", 100) == "short"


@pytest.mark.parametrize("lengths,budget", [([100, 5000, 5000], 3000), ([10] * 50, 100), ([2000] * 64, 24000),
                                            ([1, 2, 3], 100), ([30000], 24000)])
def test_the_shared_cap_fills_the_budget_without_passing_it(lengths, budget):
    cap = report._shared_cap(lengths, budget)
    if sum(lengths) <= budget:
        assert cap is None
        return
    assert sum(min(n, cap) for n in lengths) <= budget
    assert sum(min(n, cap + 1) for n in lengths) > budget  # the largest such cap


def test_the_bench_cases_pass_the_tools_limits_and_reach_them():
    from bench.huge_transcripts import CASES, make

    made = {name: make(name, 0) for name in CASES}  # parse_transcript raises past the limits
    assert max(len(t.turns) for t in made.values()) == MAX_TURNS
    assert max(sum(len(x.text) for x in t.turns) for t in made.values()) > 9_900_000
    assert make(next(iter(CASES)), 1) != make(next(iter(CASES)), 2)  # a new seed per run: no cache hits
