"""Mood trajectories: each scenario's empathetic example script vs a dismissive one (scripted backend).

Run: python bench/mood_dynamics.py — prints one row per scenario and script. Deterministic.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from personas.actors import Actor, get_backend  # noqa: E402
from personas.archetypes import get_archetype  # noqa: E402
from personas.engine import PracticeEngine  # noqa: E402
from personas.scenario import load_dir  # noqa: E402

EXAMPLES = ROOT / "personas" / "examples"


def play(scenario, script: Path) -> tuple[float, float, str | None]:
    engine = PracticeEngine(scenario, get_archetype(scenario.persona), Actor(get_backend("scripted")))
    engine.play(script.read_text(encoding="utf-8").splitlines())
    moods = [t["mood"] for t in engine.turns if t["role"] == "customer"]
    return moods[0], moods[-1], engine.ended or engine.state.ended


def main() -> int:
    scenarios = load_dir(ROOT / "scenarios").scenarios
    print(f"{'scenario':<36}{'script':<40}{'start':>6}{'end':>6}{'change':>8}  outcome")
    for sid, sc in sorted(scenarios.items()):
        kind = EXAMPLES / f"{sid}.txt"
        for script in (kind if kind.exists() else EXAMPLES / "empathetic.txt", EXAMPLES / "dismissive_generic.txt"):
            start, end, outcome = play(sc, script)
            print(f"{sid:<36}{script.name:<40}{start:>6.1f}{end:>6.1f}{end - start:>+8.1f}  {outcome or 'still talking'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
