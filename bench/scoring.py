"""Scoring speed: a 40-turn transcript and `moves` throughput, each beside the keyword baseline.

    python bench/scoring.py
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


def main() -> None:
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


if __name__ == "__main__":
    main()
