"""The Director: decides WHAT the customer does next. Pure and deterministic.

Same scenario + archetype + trainee texts (and moves) => same states and beats, so a saved
conversation resumes exactly by replaying its turns. The Actor later decides HOW a beat is said.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from core.transcript import role_text as _role_text
from personas.archetypes import Archetype
from personas.scenario import Scenario, keyword_hits, mentions

EndReason = Literal["resolved", "walked_out", "turn_limit"]

# Moves that show the trainee engaged with what the customer said.
ENGAGING = frozenset({"question", "paraphrase", "reflection", "affirmation", "apology", "next_step", "summary"})
# Signals that make the customer push back this turn.
ESCALATING = ("dismissive", "blame", "policy_recital", "escalate_trigger")

# Not move detection (scoring.moves owns that): two Director-only cues that moves do not name.
# Reading rules at the customer is a classic escalator; a named time is what makes a next step concrete.
POLICY_RE = re.compile(
    r"\b(?:(?:our|company|the) polic(?:y|ies)|per (?:our )?policy|policy (?:is|states|says)|"
    r"terms (?:and|&) conditions|terms of (?:service|use)|as stated in|procedure is|rules are)\b", re.I)
TIME_RE = re.compile(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week)|right now|straight away|"
    r"within (?:the )?(?:\d+|an?|one|two|three|24|48)\b|by (?:\d|noon|midday|end of|close of|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|tonight|tomorrow)|\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|"
    r"\d+\s?(?:minutes?|mins?|hours?|hrs?|days?|working days?|business days?)\b|"
    r"(?:on |next )(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))", re.I)


class DirectorState(BaseModel):
    """Everything the Director remembers between turns (JSON-serialisable)."""
    mood: float = Field(ge=0, le=10)        # anger, higher = angrier
    trust: float = Field(ge=0, le=10)
    pending: float = 0.0                    # mood change not landed yet (the lag)
    turn: int = 0                           # trainee turns so far
    disclosed: list[str] = Field(default_factory=list)   # fact ids, in the order told
    needs_met: list[str] = Field(default_factory=list)
    hot_turns: int = 0                      # consecutive turns at/above end.walkout_mood
    ignored: int = 0                        # turns that engaged with nothing the customer said
    signal_counts: dict[str, int] = Field(default_factory=dict)  # for repeat decay
    intent_counts: dict[str, int] = Field(default_factory=dict)  # rotates the authored lines
    last_intent: str = "vent"
    accepted: bool = False
    ended: EndReason | None = None


class Beat(BaseModel):
    """What the customer does on one turn: the intent and the authored line that carries it."""
    intent: str
    line: str
    mood: float
    trust: float
    fact_id: str | None = None
    end_reason: EndReason | None = None
    signals: list[str] = Field(default_factory=list)  # why the mood moved (for hints, debugging, bench)


def _clamp(x: float, lo: float = 0.0, hi: float = 10.0) -> float:
    return max(lo, min(hi, x))


def _ranked(facts: Sequence, text: str) -> list:
    """The facts text asks about, most keywords matched first (stable: ties keep scenario order)."""
    scored = [(keyword_hits(f.keywords, text), i, f) for i, f in enumerate(facts)]
    return [f for n, _, f in sorted(scored, key=lambda x: (-x[0], x[1])) if n]


class Director:
    """Runs one scenario with one archetype: start(), step() per trainee turn, replay() to resume."""

    def __init__(self, scenario: Scenario, archetype: Archetype) -> None:
        self.scenario = scenario
        self.archetype = archetype

    # -- public API -------------------------------------------------------------------------
    def start(self) -> tuple[DirectorState, Beat]:
        sc = self.scenario
        state = DirectorState(mood=sc.start_mood, trust=self.archetype.start_trust,
                              intent_counts={"vent": 1}, last_intent="vent")
        return state, Beat(intent="vent", line=sc.opening_line, mood=state.mood, trust=state.trust)

    def step(self, state: DirectorState, trainee_text: str, history: Sequence = (),
             moves: Sequence[str] | None = None) -> tuple[DirectorState, Beat, list[str]]:
        """The customer's reaction to one trainee turn. `history`: the turns before it, oldest first.

        `moves` may be given (e.g. the ones saved with the turn) so a replay never depends on a
        newer move model; otherwise scoring.moves.detect_moves decides them."""
        if state.ended:
            raise ValueError(f"the conversation has ended ({state.ended})")
        if moves is None:
            from scoring.moves import detect_moves  # the one move detector, shared with scoring

            moves = detect_moves(trainee_text, list(history), self.scenario)
        moves = list(moves)
        s = state.model_copy(deep=True)
        s.turn += 1
        signals, fact_id, new_needs, asked_again = self._signals(s, trainee_text, moves)
        anger, trust = self._effects(s, signals, moves)

        # Lag: the change joins what is still pending and only part of it lands this turn.
        s.pending = _clamp(s.pending + anger, -s.mood, 10 - s.mood)
        landed = s.pending * self.archetype.responsiveness
        s.mood = round(_clamp(s.mood + landed), 3)
        s.pending = round(s.pending - landed, 3)
        s.trust = round(_clamp(s.trust + trust), 3)
        s.hot_turns = s.hot_turns + 1 if s.mood >= self.scenario.end.walkout_mood else 0
        if "ignored_concern" in signals or "off_topic" in signals:
            s.ignored += 1
        s.needs_met.extend(new_needs)

        intent, end = self._decide(s, signals, fact_id, new_needs, asked_again, anger)
        if intent == "answer" and fact_id:
            s.disclosed.append(fact_id)  # only what the customer actually told: a fact they withheld can be asked again
        if intent == "accept":
            s.accepted = True
        s.ended = end
        beat = self._beat(s, intent, fact_id if intent == "answer" else None, end, signals)
        return s, beat, moves

    def replay(self, turns: Sequence) -> tuple[DirectorState, Beat | None]:
        """The state after a saved conversation, and the beat still owed if the last turn is the trainee's."""
        state, _ = self.start()
        pending: Beat | None = None
        for i, turn in enumerate(turns):
            role, text = _role_text(turn)
            if role == "trainee":
                saved = turn.get("moves") if isinstance(turn, Mapping) else getattr(turn, "moves", None)
                state, pending, _ = self.step(state, text, turns[:i], moves=saved)
            elif role == "customer":
                pending = None
        return state, pending

    # -- internals ---------------------------------------------------------------------------
    def _signals(self, s: DirectorState, text: str, moves: list[str]):
        sc = self.scenario
        signals = [m for m in moves]
        if POLICY_RE.search(text):
            signals.append("policy_recital")
        low = text.lower()
        if any(p.strip() and p.lower() in low for p in sc.triggers.escalate):
            signals.append("escalate_trigger")
        if any(p.strip() and p.lower() in low for p in sc.triggers.calm):
            signals.append("calm_trigger")

        fact_id, asked_again = None, False
        if "question" in moves:
            # Match the question itself first: in "So you restarted it. What do the lights show?"
            # the customer is being asked about the lights, not about restarting.
            # Several facts can match: the one whose keywords the question uses most wins ("Have you tried
            # restarting the router?" asks what they tried, not about the router), ties in scenario order.
            questions = " ".join(q for q in re.findall(r"[^.!?]*\?", text) if q.strip())
            asked = _ranked(sc.facts, questions) if questions else []
            asked = asked or _ranked(sc.facts, text)
            fresh = [f for f in asked if f.id not in s.disclosed]
            if fresh:
                fact_id = fresh[0].id
            elif asked and not ({"paraphrase", "summary"} & set(moves)):
                asked_again = True  # checking understanding is fine; asking again as if unheard is not
                signals.append("asked_again")

        new_needs: list[str] = []
        if {"next_step", "summary"} & set(moves):
            new_needs = [n.id for n in sc.needs if n.id not in s.needs_met and mentions(n.keywords, text)]
            if new_needs:
                signals.append("need_met")
            if "next_step" in moves and TIME_RE.search(text):
                signals.append("timed_next_step")

        harmful = {"dismissive", "blame", "off_topic", "jargon"}
        if not (set(moves) & ENGAGING) and not (set(moves) & harmful) and not new_needs:
            signals.append("ignored_concern")
        return signals, fact_id, new_needs, asked_again

    def _effects(self, s: DirectorState, signals: list[str], moves: list[str]) -> tuple[float, float]:
        a, q = self.archetype, self.archetype.quirks
        anger = trust = 0.0
        has_action = "next_step" in moves or "need_met" in signals
        for sig in signals:
            e = a.effect(sig)
            f = 1.0
            if sig == "apology" and not has_action:
                f *= q.apology_without_action
            if sig == "next_step" and "timed_next_step" not in signals:
                f *= q.next_step_without_time
            if e.anger < 0:  # saying the same soothing thing again works less each time
                f *= a.repeat_decay ** s.signal_counts.get(sig, 0)
            anger += e.anger * f
            trust += e.trust * f
            s.signal_counts[sig] = s.signal_counts.get(sig, 0) + 1
        return anger, trust

    def _decide(self, s: DirectorState, signals: list[str], fact_id: str | None, new_needs: list[str],
                asked_again: bool, anger: float) -> tuple[str, EndReason | None]:
        end = self.scenario.end
        sig = set(signals)
        if s.accepted:
            return "farewell", "resolved"
        if s.hot_turns >= end.walkout_after:
            return "walk_out", "walked_out"
        if s.needs_met and s.mood <= end.resolve_mood and s.trust >= self.archetype.quirks.accept_min_trust:
            # The exit door: accept now; the trainee's next turn gets a farewell and ends it.
            return "accept", ("resolved" if s.turn >= end.max_turns else None)
        if s.turn >= end.max_turns:
            return "walk_out", "turn_limit"
        if sig & set(ESCALATING):
            return "push_back", None
        if "jargon" in sig:
            return self.archetype.quirks.jargon_intent, None
        if fact_id:
            return "answer", None
        if asked_again:
            return "push_back", None
        if sig & {"ignored_concern", "off_topic"}:
            return "press", None
        if new_needs:
            return "soften", None
        if anger < 0:
            # Heard but nothing offered yet: after one softer reply, ask what happens next.
            return ("press" if s.last_intent == "soften" and not s.needs_met else "soften"), None
        return ("vent" if self.scenario.band(s.mood) == "high" else "press"), None

    def _lines(self, intent: str, mood: float) -> tuple[str, list[str]]:
        # Optional intents fall back to a close relative when a scenario has no lines for them.
        fallbacks = {"clarify": ("clarify", "push_back"), "answer": ("answer",),
                     "farewell": ("farewell", "accept", "soften"), "accept": ("accept", "soften")}
        for name in fallbacks.get(intent, (intent,)):
            lines = self.scenario.lines_for(name, mood)
            if lines:
                return name, lines
        return intent, []

    def _beat(self, s: DirectorState, intent: str, fact_id: str | None, end: EndReason | None,
              signals: list[str]) -> Beat:
        fact_text = next((f.text for f in self.scenario.facts if f.id == fact_id), "")
        used, lines = self._lines(intent, s.mood)
        if not lines:  # only 'answer' can get here (a scenario without answer lines has no facts)
            line = fact_text or self.scenario.opening_line
        else:
            n = s.intent_counts.get(intent, 0)
            key = f"{self.scenario.id}|{used}|{self.scenario.band(s.mood)}".encode()
            line = lines[(zlib.crc32(key) + n) % len(lines)]
        line = line.replace("{fact}", fact_text)
        s.intent_counts[intent] = s.intent_counts.get(intent, 0) + 1
        s.last_intent = intent
        return Beat(intent=intent, line=line, mood=round(s.mood, 2), trust=round(s.trust, 2), fact_id=fact_id,
                    end_reason=end, signals=signals)
