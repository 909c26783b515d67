"""The five skills, each a pure function of the transcript's turns and their moves.

Every score starts from a neutral base and moves with evidence a coach would
point at; every piece of evidence is a verbatim quote from the turn it names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from core.transcript import Transcript
from scoring import rules
from scoring.advice import customer_point
from scoring.evidence import instead, one_per_quote, quote
from scoring.moves import detect_moves, is_parroting
from scoring.text import FEELINGS, content_words, stem, tokens

SKILL_NAMES = ("active_listening", "paraphrasing", "empathy", "focus", "closure")
# Words of any service call that do not name a customer's issue (stems, as stem() leaves them).
_SMALL_TALK = {stem(w) for w in """please call calling called help hello thank thanks sorry someone anyone
something anything thing happen happened tell said say sure right time today day way make see look back
fine great good bad hold phone number""".split()}
_ENGAGED = {"question", "paraphrase", "reflection", "affirmation", "apology", "acknowledgement", "next_step", "summary"}


@dataclass
class Context:
    """A transcript with the moves of each turn (trainee turns only) and the scenario, if any."""
    transcript: Transcript
    scenario: Any
    moves: list[list[str]] = field(default_factory=list)

    @classmethod
    def build(cls, transcript: Transcript, scenario: Any = None) -> "Context":
        moves: list[list[str]] = []
        for i, t in enumerate(transcript.turns):
            moves.append(detect_moves(t.text, transcript.turns[:i], scenario) if t.role == "trainee" else [])
        return cls(transcript, scenario, moves)

    def trainee(self) -> list[tuple[int, str, list[str]]]:
        """(1-based turn, text, moves) for trainee turns."""
        return [(i + 1, t.text, self.moves[i]) for i, t in enumerate(self.transcript.turns) if t.role == "trainee"]

    def topic(self) -> str:
        if self.scenario is not None and self.scenario.topic_keywords:
            return self.scenario.topic_keywords[0]
        return "problem"

    def need(self) -> str:
        if self.scenario is not None and self.scenario.needs:
            return self.scenario.needs[0].keywords[0]
        return "fix"

    @cached_property
    def issue_words(self) -> set[str]:
        """Stems naming the customer's issue: the scenario's topic and need keywords, and the content words
        of the customer's first turn (where they state it), less the small talk any call has."""
        first = next((t.text for t in self.transcript.turns if t.role == "customer"), "")
        words = {stem(w) for w in content_words(tokens(first))} - _SMALL_TALK
        if self.scenario is not None:
            for k in [*self.scenario.topic_keywords, *(k for n in self.scenario.needs for k in n.keywords)]:
                words.update(stem(w) for w in content_words(tokens(k)))
        return words

    def on_issue(self, text: str) -> bool:
        """Whether a trainee turn takes up the customer's issue (names it, or words the customer used)."""
        return bool({stem(w) for w in content_words(tokens(text))} & self.issue_words)

    def moods(self) -> list[float]:
        return [t.mood for t in self.transcript.turns if t.role == "customer" and t.mood is not None]

    def need_met(self) -> bool:
        if self.scenario is None:
            return any("next_step" in m for _, _, m in self.trainee())
        text = " ".join(t.lower() for _, t, m in self.trainee() if "next_step" in m or "summary" in m)
        return any(k.lower() in text for n in self.scenario.needs for k in n.keywords)

    def outcome(self) -> dict:
        moods = self.moods()
        extra = self.transcript.model_extra or {}
        reason = extra.get("end_reason")
        reason = str(reason) if reason is not None else None
        if reason is not None:
            resolved = reason == "resolved"
        else:
            calmer = len(moods) < 2 or moods[-1] < moods[0]
            resolved = self.need_met() and calmer
        return {"resolved": resolved, "mood_start": moods[0] if moods else None,
                "mood_end": moods[-1] if moods else None, "end_reason": reason}


def _clamp(x: float) -> int:
    return int(round(max(0.0, min(100.0, x))))


def _ev(turn: int, text: str, why: str, pattern: re.Pattern[str] | None = None, *, gap: bool = False) -> dict:
    """A quoted turn and why it counts; gap=True when it is something to work on, not a strength."""
    return {"turn": turn, "quote": quote(text, pattern), "why": why, "kind": "gap" if gap else "strength"}


def _feeling(ctx: Context) -> str:
    """A feeling word the customer used, else a neutral one for advice."""
    for t in ctx.transcript.turns:
        if t.role == "customer":
            for w in tokens(t.text):
                if w in FEELINGS and w.endswith(("ing", "ful", "ed")):
                    return w
    return "frustrating"


def _point_before(ctx: Context, n: int) -> str | None:
    """What the customer said just before trainee turn n (1-based), restated in the trainee's voice."""
    said = []
    for t in reversed(ctx.transcript.turns[:n - 1]):
        if t.role != "customer":
            break
        said.insert(0, t.text)
    return customer_point(" ".join(said)) if said else None


def _reflect_line(ctx: Context, n: int | None = None) -> str:
    feel = _feeling(ctx)
    feel = {"frustrated": "frustrating", "stressed": "stressful", "worried": "worrying",
            "annoyed": "annoying", "upset": "upsetting"}.get(feel, feel)
    point = _point_before(ctx, n) if n is not None else None
    if point:
        return f"That sounds really {feel} — {point}. Let me get this sorted for you."
    return f"I can hear how {feel} this has been with your {ctx.topic()}, and I want to get it sorted for you."


_FOLLOW_UPS = ("can you tell me more about that?", "what has happened since?", "what would help most right now?")


def active_listening(ctx: Context) -> dict:
    turns = ctx.trainee()
    ev, advice = [], []
    questions = [(n, t) for n, t, m in turns if "question" in m and not {"off_topic", "check_more"} & set(m)]
    acks = [(n, t, m) for n, t, m in turns if {"acknowledgement", "paraphrase", "reflection", "summary"} & set(m)]
    ignored = []
    all_turns = ctx.transcript.turns
    for n, t, m in turns:
        prev = all_turns[n - 2] if n >= 2 else None
        if prev is None or prev.role != "customer":
            continue
        asked = "?" in prev.text or len(content_words(tokens(prev.text))) >= 5
        if asked and (not (set(m) & _ENGAGED) or {"dismissive", "off_topic"} & set(m)):
            ignored.append((n, t))
    s = 35 + 15 * min(len(questions), 2) + 25 * min(1.0, len(acks) / max(1, len(turns)) * 2) - 15 * len(ignored)
    for n, t in questions[:2]:
        ev.append(_ev(n, t, "asks a question that draws out the problem", rules.QUESTION))
    for n, t, m in acks[:2]:
        ev.append(_ev(n, t, "acknowledges what the customer said"))
    for k, (n, t) in enumerate(ignored[:3]):
        ev.append(_ev(n, t, "does not respond to what the customer had just said", gap=True))
        point = _point_before(ctx, n)
        better = (f"So {point} — {_FOLLOW_UPS[k % len(_FOLLOW_UPS)]}" if point
                  else f"So the {ctx.topic()} is the main problem — can you tell me when it started?")
        advice.append(instead(quote(t), better))
    if not questions and turns:
        n, t, _ = turns[0]
        advice.append(instead(quote(t), f"Can you tell me what's happening with your {ctx.topic()}, and when it started?"))
    return {"score": _clamp(s), "evidence": ev, "advice": advice}


def paraphrasing(ctx: Context) -> dict:
    turns = ctx.trainee()
    ev, advice = [], []
    paras = [(n, t) for n, t, m in turns if "paraphrase" in m]
    parrots = [(n, t) for n, t, m in turns if is_parroting(t, ctx.transcript.turns[:n - 1])]
    summaries = [(n, t) for n, t, m in turns if "summary" in m]
    s = 20 + 35 * min(len(paras), 2) + (10 if summaries else 0) - 20 * len(parrots)
    for n, t in paras[:2]:
        ev.append(_ev(n, t, "restates the customer's point in own words", rules.PARAPHRASE_CUE))
    for n, t in parrots[:2]:
        ev.append(_ev(n, t, "repeats the customer's words back verbatim (parroting)", gap=True))
        advice.append(instead(quote(t), f"So if I've got this right, the {ctx.topic()} problem is stopping you, "
                                        f"and you need a {ctx.need()} — is that right?"))
    if not paras and turns:
        # Advise on the first reply to the customer's opening, where a paraphrase helps most.
        n, t, _ = turns[0]
        point = _point_before(ctx, n)
        better = (f"So if I've understood, {point} — is that right?" if point
                  else f"So if I've understood, the {ctx.topic()} problem is causing you real trouble — is that right?")
        advice.append(instead(quote(t), better))
    elif len(paras) == 1:
        # One restatement earns part of the score; say where a second one would have fitted: the
        # next reply after the customer said something new.
        first = paras[0][0]
        for n, t, m in turns:
            point = _point_before(ctx, n) if n > first and "paraphrase" not in m else None
            if point:
                advice.append(instead(quote(t), f"So {point} — have I got that right?"))
                break
    return {"score": _clamp(s), "evidence": ev, "advice": advice}


def _owned(text: str) -> bool:
    return bool(rules.APOLOGY_OWNERSHIP.search(text)) and not rules.HOLLOW_APOLOGY.search(text)


def empathy(ctx: Context) -> dict:
    turns = ctx.trainee()
    ev, advice = [], []
    s = 40.0
    reflections = [(n, t) for n, t, m in turns if "reflection" in m]
    affirm = [(n, t) for n, t, m in turns if "affirmation" in m]
    apologies = [(n, t, "reflection" in m or bool(rules.REFLECTION.search(t))) for n, t, m in turns if "apology" in m]
    s += 20 * min(len(reflections), 2) + 8 * min(len(affirm), 2)
    for n, t in reflections[:2]:
        ev.append(_ev(n, t, "names the customer's feeling", rules.REFLECTION))
    for n, t, reflects in apologies[:2]:
        if _owned(t):
            s += 12
            ev.append(_ev(n, t, "apologises and owns the problem", rules.APOLOGY))
        elif reflects:
            # "I'm so sorry — two days without internet sounds awful" is specific, not a script.
            s += 6
            ev.append(_ev(n, t, "apologises and shows they understand what it means for the customer", rules.APOLOGY))
        else:
            s += 2
            ev.append(_ev(n, t, "apology without ownership sounds scripted", rules.APOLOGY, gap=True))
            advice.append(instead(quote(t, rules.APOLOGY), f"I'm sorry — we let you down on your {ctx.topic()}, "
                                                             "and I'm going to put it right."))
    for n, t, m in turns:
        if "dismissive" in m:
            s -= 22
            ev.append(_ev(n, t, "dismisses or minimises the customer's concern", rules.DISMISSIVE, gap=True))
            advice.append(instead(quote(t, rules.DISMISSIVE), _reflect_line(ctx, n)))
        if "blame" in m:
            s -= 20
            ev.append(_ev(n, t, "blames the customer", rules.BLAME, gap=True))
            advice.append(instead(quote(t, rules.BLAME), f"Thanks for telling me what you've tried — let's look at "
                                                          f"the {ctx.topic()} together."))
    if not reflections and turns and not advice:
        n, t, _ = turns[0]
        advice.append(instead(quote(t), _reflect_line(ctx, n)))
    return {"score": _clamp(s), "evidence": ev, "advice": advice}


def focus(ctx: Context) -> dict:
    turns = ctx.trainee()
    ev, advice = [], []
    s = 65.0
    seen: list[set[str]] = []
    for n, t, m in turns:
        if "off_topic" in m:
            s -= 20
            ev.append(_ev(n, t, "drifts away from the customer's issue", rules.OFF_TOPIC_CUE, gap=True))
            advice.append(instead(quote(t), f"Let's get back to your {ctx.topic()}: I can arrange a {ctx.need()} for you."))
        if "jargon" in m:
            s -= 10
            ev.append(_ev(n, t, "uses internal or technical jargon", rules.JARGON, gap=True))
            advice.append(instead(quote(t, rules.JARGON), f"In plain words: I'm arranging a {ctx.need()} to fix your "
                                                            f"{ctx.topic()}."))
        words = {stem(w) for w in content_words(tokens(t))}
        if len(words) >= 3 and any(len(words & w) / len(words | w) >= 0.8 for w in seen):
            s -= 10
            ev.append(_ev(n, t, "repeats an earlier turn: the conversation loops", gap=True))
        seen.append(words)
    steps = [(n, t) for n, t, m in turns if "next_step" in m]
    if steps:
        s += 15
        n, t = steps[0]
        ev.append(_ev(n, t, "moves toward a resolution", rules.NEXT_STEP))
    elif turns:
        n, t, _ = turns[-1]
        advice.append(instead(quote(t), f"Here's what I'll do: I'll arrange a {ctx.need()} for you today."))
        s -= 10
    if ctx.scenario is not None:
        s += 15 if ctx.need_met() else -5
    # Staying with the customer's issue: turns that never touch it (a lecture, "Okay.") do not count as focus.
    work = [(n, t) for n, t, m in turns if not set(m) <= {"check_more", "farewell"}]
    if work:
        away = [(n, t) for n, t in work if not ctx.on_issue(t)]
        s += 15 - 30 * len(away) / len(work)
        if len(away) * 2 > len(work):
            n, t = away[0]
            ev.append(_ev(n, t, "does not take up the customer's issue", gap=True))
    return {"score": _clamp(s), "evidence": ev, "advice": advice}


def closure(ctx: Context) -> dict:
    turns = ctx.trainee()
    ev, advice = [], []
    s = 10.0
    checks = {
        "summary": (20, "sums up what was agreed", rules.SUMMARY),
        "next_step": (20, "gives a concrete next step", rules.NEXT_STEP),
        "check_more": (15, "checks whether anything else is needed", rules.CHECK_MORE),
        "farewell": (10, "closes the conversation politely", rules.FAREWELL),
    }
    missing = []
    for move, (pts, why, rx) in checks.items():
        hits = [(n, t) for n, t, m in turns if move in m]
        if hits:
            s += pts
            n, t = hits[-1]
            ev.append(_ev(n, t, why, rx))
            if move == "next_step" and any(rules.TIME_WORDS.search(t) for _, t in hits):
                s += 10
                ev[-1]["why"] = "gives a concrete next step with a time"
        else:
            missing.append(move)
    moods = ctx.moods()
    if len(moods) >= 2:
        s += 15 if moods[-1] < moods[0] else -5
    if missing and turns:
        n, t, _ = turns[-1]
        parts = []
        if "summary" in missing:
            parts.append("To recap,")
        parts.append(f"I'll arrange the {ctx.need()} and confirm the time with you today.")
        if "check_more" in missing:
            parts.append("Is there anything else I can help with?")
        if "farewell" in missing:
            parts.append("Thanks for your patience — take care.")
        advice.append(instead(quote(t), " ".join(parts)))
    return {"score": _clamp(s), "evidence": ev, "advice": advice}


_SCORERS = {"active_listening": active_listening, "paraphrasing": paraphrasing, "empathy": empathy,
            "focus": focus, "closure": closure}


def score_dimensions(ctx: Context) -> dict[str, dict]:
    out = {name: _SCORERS[name](ctx) for name in SKILL_NAMES}
    for d in out.values():  # one piece of advice per quoted turn and skill: the first, most specific one
        d["advice"] = one_per_quote(d["advice"])
    return out
