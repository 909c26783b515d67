"""The score report of DESIGN.md: `score(transcript, scenario) -> Report` (pure, deterministic)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.transcript import Transcript
from scoring.dimensions import SKILL_NAMES, Context, score_dimensions
from scoring.judge_models import JudgeView


class Evidence(BaseModel):
    turn: int
    quote: str
    why: str
    kind: Literal["strength", "gap"] = "strength"  # a gap is something to work on; reports before it say neither


class Dimension(BaseModel):
    score: int = Field(ge=0, le=100)
    evidence: list[Evidence] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)


class TurnMoves(BaseModel):
    turn: int
    role: str
    moves: list[str] = Field(default_factory=list)
    mood: float | None = None


class Outcome(BaseModel):
    resolved: bool
    mood_start: float | None = None
    mood_end: float | None = None
    end_reason: str | None = None


class Report(BaseModel):
    scenario_id: str = ""
    overall: int = Field(ge=0, le=100)
    dimensions: dict[str, Dimension]
    turns: list[TurnMoves]
    outcome: Outcome
    notes: list[str] = Field(default_factory=list)
    # The optional LLM judge's own view, never mixed into the scores above.
    judge: JudgeView | None = None
    judge_error: str | None = None
    judge_warnings: list[str] = Field(default_factory=list)


def score(transcript: Transcript, scenario=None) -> Report:
    """Grade a transcript on the five skills, with evidence and advice. No I/O, no LLM."""
    ctx = Context.build(transcript, scenario)
    dims = score_dimensions(ctx)
    weights = scenario.rubric_weights if scenario is not None else {s: 1.0 for s in SKILL_NAMES}
    total = sum(weights.get(s, 1.0) for s in SKILL_NAMES) or 1.0
    overall = round(sum(dims[s]["score"] * weights.get(s, 1.0) for s in SKILL_NAMES) / total)
    turns = [TurnMoves(turn=i + 1, role=t.role, moves=ctx.moves[i], mood=t.mood)
             for i, t in enumerate(transcript.turns)]
    notes = [] if scenario is not None else ["Scored without a scenario: focus uses the conversation's own words."]
    return Report(scenario_id=transcript.scenario_id, overall=max(0, min(100, overall)),
                  dimensions={s: Dimension(**dims[s]) for s in SKILL_NAMES}, turns=turns,
                  outcome=Outcome(**ctx.outcome()), notes=notes)


LABELS = {"active_listening": "Active listening", "paraphrasing": "Paraphrasing", "empathy": "Empathy",
          "focus": "Focus", "closure": "Closure"}


def render_text(report: Report) -> str:
    """A plain-text report for the terminal."""
    o = report.outcome
    mood = f"mood {o.mood_start if o.mood_start is not None else '?'} -> {o.mood_end if o.mood_end is not None else '?'}"
    lines = [f"Overall: {report.overall}/100   ({'resolved' if o.resolved else 'not resolved'}, {mood})", ""]
    for key, d in report.dimensions.items():
        lines.append(f"{LABELS.get(key, key)}: {d.score}/100")
        for e in d.evidence:
            lines.append(f"  {'-' if e.kind == 'gap' else '+'} turn {e.turn}: \"{e.quote}\" — {e.why}")
        for a in d.advice:
            lines.append(f"  advice: {a}")
        lines.append("")
    lines.append("Turns:")
    for t in report.turns:
        if t.role == "trainee":
            lines.append(f"  {t.turn:>3} trainee: {', '.join(t.moves) or '-'}")
    if report.judge is not None:
        lines += ["", "LLM judge (its own view, not part of the scores above):"]
        for key in LABELS:
            lines.append(f"  {LABELS[key]}: {getattr(report.judge, key).score:.0f}")
    for w in report.judge_warnings:
        lines.append(f"warning: {w}")
    if report.judge_error:
        lines.append(f"judge unavailable: {report.judge_error}")
    for n in report.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines).rstrip() + "\n"
