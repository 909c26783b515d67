"""The score report of DESIGN.md: `score(transcript, scenario) -> Report` (pure, deterministic)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from core.transcript import MAX_MESSAGE_CHARS, Transcript
from scoring.dimensions import SKILL_NAMES, Context, score_dimensions
from scoring.text import tokens
from scoring.judge_models import JudgeView


class Evidence(BaseModel):
    turn: int
    quote: str
    why: str
    kind: Literal["strength", "gap"] = "strength"  # a gap is something to work on; reports before it say neither


class Prediction(BaseModel):
    """The customer's predicted reaction (personas.whatif): their level before the turn, after what was
    said, and after the suggested line instead. `feeling` names the level ("anger", "anxiety"...)."""
    feeling: str = "anger"
    before: float
    actual: float
    suggested: float


class Suggestion(BaseModel):
    """One "Instead of <original>, try <better>" on trainee turn `turn` (1-based)."""
    turn: int
    original: str
    better: str
    predicted: Prediction | None = None


class Dimension(BaseModel):
    score: int = Field(ge=0, le=100)
    evidence: list[Evidence] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)   # the suggestions below as "Instead of …, try …" lines
    suggestions: list[Suggestion] = Field(default_factory=list)


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
    promise_breaches: list[str] = Field(default_factory=list)  # policy rules a promise broke
    note: str | None = None  # e.g. "Resolved on a promise that cannot be kept (...)"


class PolicyItem(BaseModel):
    turn: int
    quote: str
    rule: str | None = None
    instead: str | None = None  # the allowed offer closest to a forbidden one


class PolicyReview(BaseModel):
    """What the trainee offered, against the scenario's may_offer / may_not_offer."""
    breaches: list[PolicyItem] = Field(default_factory=list)
    allowed: list[PolicyItem] = Field(default_factory=list)


class Report(BaseModel):
    scenario_id: str = ""
    overall: int = Field(ge=0, le=100)
    dimensions: dict[str, Dimension]
    turns: list[TurnMoves]
    outcome: Outcome
    notes: list[str] = Field(default_factory=list)
    policy: PolicyReview | None = None  # None when the scenario has no policy
    # The optional LLM judge's own view, never mixed into the scores above.
    judge: JudgeView | None = None
    judge_error: str | None = None
    judge_warnings: list[str] = Field(default_factory=list)


# What is read of a transcript: a call of a built-in scenario's length is read whole, even with every
# message at the app's limit, and the tools' limits (500 turns of 20,000 characters, core.transcript)
# cannot make scoring take more than about a second (bench/huge_transcripts.py measures it).
# - A turn: every message the app lets a trainee send (MAX_MESSAGE_CHARS) and any customer line (authored
#   lines are ~200 characters, a model reply at most 120 tokens) whole; nobody says 20,000 characters on
#   a call: past these, the rest of the turn is not read.
# - Each trainee turn is read against the scoring.dimensions.CONTEXT_TURNS turns before it.
# - The trainee's text: at most SCORED_TRAINEE_CHARS in all (twelve turns, the built-in scenarios' length,
#   of the longest message the app allows); past that each trainee turn is read to the same shorter length.
# - Trainee turns graded: the first GRADED_TRAINEE_TURNS (a scenario ends the call by its max_turns, at most
#   60, and the Director two turns later at the latest); later ones are listed in the report, not graded.
SCORED_CHARS = {"trainee": MAX_MESSAGE_CHARS, "customer": 800}
SCORED_TRAINEE_CHARS = 12 * MAX_MESSAGE_CHARS
GRADED_TRAINEE_TURNS = 64


def _clip_turn(text: str, limit: int) -> str:
    """The first `limit` characters of a turn, cut at the last space before it when there is one."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit + 1)
    return text[:cut if cut > 0 else limit].rstrip()


def _shared_cap(lengths: list[int], budget: int) -> int | None:
    """The largest c with sum(min(l, c)) <= budget, or None when everything fits."""
    if sum(lengths) <= budget:
        return None
    rest, left = sorted(lengths), budget
    for i, n in enumerate(rest):
        share = left // (len(rest) - i)
        if n > share:
            return share
        left -= n
    return None


@dataclass
class Bounds:
    """What `bounded` left out, for the report's notes."""
    cut: list[int] = field(default_factory=list)  # 1-based turns read only in part
    ungraded: int = 0  # trainee turns past GRADED_TRAINEE_TURNS
    shared_cap: int | None = None


def bounded(transcript: Transcript) -> tuple[Transcript, Bounds]:
    """The part of the transcript that is graded, each turn as far as it is read, and what was left out."""
    turns, b = transcript.turns, Bounds()
    trainee_at = [i for i, t in enumerate(turns) if t.role == "trainee"]
    graded = turns
    if len(trainee_at) > GRADED_TRAINEE_TURNS:
        graded = turns[:trainee_at[GRADED_TRAINEE_TURNS]]
        b.ungraded = len(trainee_at) - GRADED_TRAINEE_TURNS
    limits = [SCORED_CHARS.get(t.role, MAX_MESSAGE_CHARS) for t in graded]
    b.shared_cap = _shared_cap([min(len(t.text), lim) for t, lim in zip(graded, limits) if t.role == "trainee"],
                               SCORED_TRAINEE_CHARS)
    out = []
    for i, (t, lim) in enumerate(zip(graded, limits), start=1):
        if t.role == "trainee" and b.shared_cap is not None:
            lim = min(lim, b.shared_cap)
        if len(t.text) > lim:
            b.cut.append(i)
            t = t.model_copy(update={"text": _clip_turn(t.text, lim)})
        out.append(t)
    if not b.cut and not b.ungraded:
        return transcript, b
    return transcript.model_copy(update={"turns": out}), b


def _bound_notes(b: Bounds) -> list[str]:
    notes = []
    if b.cut:
        shown = ", ".join(map(str, b.cut[:10])) + (f" and {len(b.cut) - 10} more" if len(b.cut) > 10 else "")
        each = (f"the trainee's {SCORED_TRAINEE_CHARS:,} characters in all" if b.shared_cap is not None
                else f"{MAX_MESSAGE_CHARS:,} characters of a trainee turn")
        notes.append(f"Turn(s) {shown} were read only in part: scoring reads at most {each} and "
                     f"{SCORED_CHARS['customer']:,} of a customer turn.")
    if b.ungraded:
        notes.append(f"Only the first {GRADED_TRAINEE_TURNS} trainee turns were graded (a practice call ends "
                     f"before then); the {b.ungraded} after them are listed without moves.")
    return notes


def score(transcript: Transcript, scenario=None) -> Report:
    """Grade a transcript on the five skills, with evidence and advice. No I/O, no LLM."""
    full = transcript
    transcript, bounds = bounded(transcript)
    ctx = Context.build(transcript, scenario)
    dims = score_dimensions(ctx)
    weights = scenario.rubric_weights if scenario is not None else {s: 1.0 for s in SKILL_NAMES}
    total = sum(weights.get(s, 1.0) for s in SKILL_NAMES) or 1.0
    overall = sum(dims[s]["score"] * weights.get(s, 1.0) for s in SKILL_NAMES) / total
    turns = [TurnMoves(turn=i + 1, role=t.role, moves=ctx.moves[i] if i < len(ctx.moves) else [], mood=t.mood)
             for i, t in enumerate(full.turns)]
    notes = [] if scenario is not None else ["Scored without a scenario: focus uses the conversation's own words."]
    overall, more = _adjust(ctx, overall)
    notes += more
    notes += _bound_notes(bounds)
    outcome = ctx.outcome()
    if bounds.ungraded:  # the mood the call ended on is the last one, graded or not
        moods = [t.mood for t in full.turns if t.role == "customer" and t.mood is not None]
        outcome["mood_end"] = moods[-1] if moods else outcome["mood_end"]
    return Report(scenario_id=transcript.scenario_id, overall=max(0, min(100, round(overall))),
                  dimensions={s: Dimension(**dims[s]) for s in SKILL_NAMES}, turns=turns,
                  outcome=Outcome(**outcome), notes=notes, policy=_policy_review(ctx))


# A call where nothing was done, or the same message pasted again, never reaches the pass mark.
NOTHING_DONE_CAP = 55
REPEATS_CAP = 60
# A forbidden promise: BREACH_COST for each policy rule broken, and the overall capped at BREACH_CAP (one rule),
# BREACH_CAP_STEP lower for each further rule, never below BREACH_CAP_FLOOR (40, 15, 10). 40 is under the
# default pass mark (70) and the nothing-done cap: a call that over-promises never passes, and one that does
# it twice or more ranks with hollow and dismissive calls, at or below an honest mediocre one.
BREACH_COST = 10
BREACH_CAP = 40
BREACH_CAP_STEP = 25
BREACH_CAP_FLOOR = 10


def _adjust(ctx: Context, overall: float) -> tuple[float, list[str]]:
    """The overall after what the five skills cannot see on their own: promises the policy forbids,
    sympathy with nothing done, and one message sent again and again."""
    notes = []
    read = ctx.read()
    rules_broken = list(dict.fromkeys(o.rule for _, o in ctx.breaches()))
    if rules_broken:
        # A coach fails a call that makes a promise the policy forbids, however pleased the customer sounded:
        # each rule broken costs BREACH_COST, and the overall is capped below any pass mark, lower with each
        # further rule broken (the same promise repeated in a recap is one breach, not two).
        n = len(rules_broken)
        before = overall
        cap = max(BREACH_CAP_FLOOR, BREACH_CAP - BREACH_CAP_STEP * (n - 1))
        overall = min(overall - BREACH_COST * n, cap)
        notes.append(f"Overall lowered by {max(0, round(before - overall))} (to at most {cap}): {n} promise(s) the "
                     f"policy forbids ({'; '.join(r for r in rules_broken if r)}), however pleased the customer sounded.")
    if read and not any(r.acted for *_, r in read):
        if overall > NOTHING_DONE_CAP:
            notes.append(f"Overall capped at {NOTHING_DONE_CAP}: nothing was done about the problem "
                         "(no action, offer or next step), whatever was said.")
        overall = min(overall, NOTHING_DONE_CAP)
    seen: list[set[str]] = []
    repeats = 0
    for _, t, _, _ in read:
        words = set(tokens(t))
        if len(words) >= 4 and any(len(words & w) / len(words | w) >= 0.8 for w in seen):
            repeats += 1
        seen.append(words)
    if repeats:
        overall -= 6 * repeats
        if repeats >= 2:
            overall = min(overall, REPEATS_CAP)
        notes.append(f"{repeats} message(s) repeated an earlier one almost word for word.")
    return overall, notes


def _policy_review(ctx: Context) -> PolicyReview | None:
    if ctx.policy is None:
        return None
    from scoring.evidence import clip
    from scoring.policy import alternative

    review = PolicyReview()
    for n, _, _, r in ctx.read():
        for o in r.offers:
            if o.allowed is False:
                review.breaches.append(PolicyItem(turn=n, quote=clip(o.text), rule=o.rule,
                                                  instead=alternative(o.rule, ctx.scenario) if o.rule else None))
            elif o.allowed:
                review.allowed.append(PolicyItem(turn=n, quote=clip(o.text), rule=o.rule))
    return review


LABELS = {"active_listening": "Active listening", "paraphrasing": "Paraphrasing", "empathy": "Empathy",
          "focus": "Focus", "closure": "Closure"}


def render_text(report: Report) -> str:
    """A plain-text report for the terminal."""
    o = report.outcome
    mood = f"mood {o.mood_start if o.mood_start is not None else '?'} -> {o.mood_end if o.mood_end is not None else '?'}"
    lines = [f"Overall: {report.overall}/100   ({'resolved' if o.resolved else 'not resolved'}, {mood})"]
    if o.note:
        lines.append(f"Outcome: {o.note}")
    lines.append("")
    for key, d in report.dimensions.items():
        lines.append(f"{LABELS.get(key, key)}: {d.score}/100")
        for e in d.evidence:
            lines.append(f"  {'-' if e.kind == 'gap' else '+'} turn {e.turn}: \"{e.quote}\" — {e.why}")
        if d.suggestions:
            for sg in d.suggestions:
                p = sg.predicted
                pred = (f"   [{p.feeling} {p.before:.1f} -> {p.suggested:.1f} instead of {p.actual:.1f}]"
                        if p is not None else "")
                lines.append(f'  advice: Instead of "{sg.original}", try "{sg.better}"{pred}')
        else:
            for a in d.advice:
                lines.append(f"  advice: {a}")
        lines.append("")
    if report.policy is not None and (report.policy.breaches or report.policy.allowed):
        lines.append("Policy:")
        for b in report.policy.breaches:
            alt = f" (could have offered: {b.instead})" if b.instead else ""
            lines.append(f"  - turn {b.turn}: \"{b.quote}\" — forbidden: {b.rule}{alt}")
        for a in report.policy.allowed:
            lines.append(f"  + turn {a.turn}: \"{a.quote}\" — allowed: {a.rule}")
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
