"""Pydantic shapes of the LLM judge's view (kept apart from judge.py so reports load without LangChain)."""
from __future__ import annotations

from pydantic import BaseModel, Field


class JudgeEvidence(BaseModel):
    turn: int = Field(description="1-based turn number in the transcript")
    quote: str = Field(description="exact words copied from that turn")
    why: str = ""


class JudgeDimension(BaseModel):
    score: float = Field(description="0-100")
    evidence: list[JudgeEvidence] = Field(default_factory=list)
    comment: str = ""


class JudgeView(BaseModel):
    """The judge's own per-dimension view; shown beside the deterministic scores, never mixed in."""
    active_listening: JudgeDimension
    paraphrasing: JudgeDimension
    empathy: JudgeDimension
    focus: JudgeDimension
    closure: JudgeDimension
    summary: str = ""
    warnings: list[str] = Field(default_factory=list)
