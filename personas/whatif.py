"""What would have happened: the customer's predicted reaction to each piece of advice.

For a suggestion on trainee turn n ("Instead of <original>, try <better>"), the Director is replayed over
the turns before n — the very state the customer was in — and stepped once with what the trainee said
and once with the suggested turn (the original turn with the quoted part replaced by the better line).
The report then shows e.g. "anger 7.2 → 5.9 instead of 7.8": advice shown to work in this conversation.

Deterministic and pure (the Director is); a suggestion whose state cannot be rebuilt gets no prediction.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.transcript import role_text
from personas.archetypes import Archetype, get_archetype
from personas.director import Director


def _turn_dicts(transcript: Any) -> list[dict]:
    """Turns as dicts (role, text, mood, saved moves) from a transcript dict, a Transcript or a list."""
    turns = transcript.get("turns", []) if isinstance(transcript, Mapping) else getattr(transcript, "turns", transcript)
    out = []
    for t in turns or []:
        if isinstance(t, Mapping):
            out.append(dict(t))
        else:
            d = t.model_dump() if hasattr(t, "model_dump") else {"role": role_text(t)[0], "text": role_text(t)[1]}
            out.append(d)
    return out


def suggested_turn(text: str, original: str, better: str) -> str:
    """The trainee turn as it would have been with the suggestion: the quoted part replaced."""
    if original and original in text:
        return text.replace(original, better, 1).strip()
    return better


class WhatIf:
    """Predicts the customer's level after a trainee turn, from the state just before it."""

    def __init__(self, scenario: Any, archetype: Archetype | None = None, turns: Sequence[dict] = ()) -> None:
        self.archetype = archetype or get_archetype(scenario.persona)
        self.director = Director(scenario, self.archetype)
        self.turns = list(turns)
        self._states: dict[int, Any] = {}

    @property
    def feeling(self) -> str:
        return getattr(self.archetype, "feeling", "anger") or "anger"

    def _state(self, n: int):
        """The Director's state before trainee turn n (1-based)."""
        if n not in self._states:
            state, _ = self.director.replay(self.turns[:n - 1])
            self._states[n] = state
        return self._states[n]

    def level_after(self, n: int, text: str, moves: Sequence[str] | None = None) -> tuple[float, float]:
        """(level before turn n, level after it) if trainee turn n had been `text`."""
        state = self._state(n)
        _, beat, _ = self.director.step(state, text, self.turns[:n - 1], moves=moves)
        return float(state.mood), float(beat.mood)

    def predict(self, n: int, original: str, better: str) -> dict | None:
        """{feeling, before, actual, suggested} for a suggestion on trainee turn n, or None."""
        if not (1 <= n <= len(self.turns)) or role_text(self.turns[n - 1])[0] != "trainee":
            return None
        said = role_text(self.turns[n - 1])[1]
        try:
            before, actual = self.level_after(n, said, self.turns[n - 1].get("moves"))
            _, suggested = self.level_after(n, suggested_turn(said, original, better))
        except (ValueError, KeyError, IndexError, TypeError):
            return None  # the conversation had ended, or the saved turns do not replay
        return {"feeling": self.feeling, "before": round(before, 1), "actual": round(actual, 1),
                "suggested": round(suggested, 1)}


def add_predictions(report: Any, transcript: Any, scenario: Any, archetype: Archetype | None = None) -> Any:
    """Fill `predicted` on every suggestion of a report (a scoring.report.Report or its JSON dict).
    Without a scenario there is no customer to replay: the report comes back unchanged."""
    if scenario is None:
        return report
    turns = _turn_dicts(transcript)
    if archetype is None:
        persona = transcript.get("persona") if isinstance(transcript, Mapping) else getattr(transcript, "persona", None)
        try:
            archetype = get_archetype(persona or scenario.persona)
        except Exception:  # an unknown persona id: use the scenario's own
            archetype = get_archetype(scenario.persona)
    w = WhatIf(scenario, archetype, turns)
    dims = report["dimensions"] if isinstance(report, Mapping) else report.dimensions
    for d in dims.values():
        suggestions = d.get("suggestions", []) if isinstance(d, Mapping) else d.suggestions
        for sg in suggestions:
            if isinstance(sg, Mapping):
                sg["predicted"] = w.predict(sg["turn"], sg["original"], sg["better"])
            else:
                from scoring.report import Prediction

                p = w.predict(sg.turn, sg.original, sg.better)
                sg.predicted = Prediction(**p) if p else None
    return report


def describe(predicted: Mapping | Any | None) -> str:
    """"anger 7.2 → 5.9 instead of 7.8" for a prediction, "" for none."""
    if not predicted:
        return ""
    get = predicted.get if isinstance(predicted, Mapping) else (lambda k: getattr(predicted, k))
    return f"{get('feeling')} {get('before'):.1f} → {get('suggested'):.1f} instead of {get('actual'):.1f}"


__all__ = ["WhatIf", "add_predictions", "describe", "suggested_turn"]
