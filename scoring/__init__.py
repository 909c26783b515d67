"""Scoring: turn-level moves, five skill dimensions, the report, an optional LLM judge.

Import-light on purpose: the Director imports `detect_moves` on every app start.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scoring.moves import MOVES, detect_batch, detect_moves

if TYPE_CHECKING:
    from scoring.report import Report, score

__all__ = ["MOVES", "detect_moves", "detect_batch", "score", "Report", "render_text"]


def __getattr__(name: str) -> Any:
    # report pulls in pydantic models; load it on first use only.
    if name in ("score", "Report", "render_text"):
        from scoring import report
        return getattr(report, name)
    raise AttributeError(name)
