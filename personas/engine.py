"""The headless practice loop shared by the CLI and the app: Director + Actor over a list of turn dicts.

No storage here. The caller saves the dict add_trainee() returns BEFORE calling stream_reply(), and
the customer turn appended at the end of stream_reply(); PracticeEngine(..., turns=saved) resumes.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator

from core.errors import BackendError, InputError
from core.transcript import MAX_MESSAGE_CHARS
from personas.actors import Actor, ActorRequest
from personas.archetypes import Archetype
from personas.director import Beat, Director
from personas.scenario import Scenario

HISTORY_TURNS = 6  # recent turns an LLM actor sees; older ones add cost, not realism


def _commitments(state) -> list[dict[str, str]]:
    """The agent's commitments from the Director state (keys text, owner, time, reference), read
    defensively: an older state has none, an item may be a dict or a model, values become strings."""
    out: list[dict[str, str]] = []
    for c in getattr(state, "commitments", None) or []:
        if hasattr(c, "model_dump"):
            c = c.model_dump()
        if not isinstance(c, dict):
            continue
        item = {k: str(c.get(k) or "").strip() for k in ("text", "owner", "time", "reference")}
        if any(item.values()):
            out.append({k: v for k, v in item.items() if v})
    return out


def saved_variant(turns: list[dict]) -> int:
    """The wording variant a saved conversation was played with: its opening turn's "variant" (or the
    same key in the stored turn's meta); 0 for conversations saved before variants existed."""
    first = turns[0] if turns else {}
    value = first.get("variant") if isinstance(first, dict) else None
    if value is None and isinstance(first, dict) and isinstance(first.get("meta"), dict):
        value = first["meta"].get("variant")
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class PracticeEngine:
    def __init__(self, scenario: Scenario, archetype: Archetype, actor: Actor | None,
                 turns: list[dict] | None = None, variant: int = 0) -> None:
        self.scenario = scenario
        self.archetype = archetype
        self.actor = actor
        self.turns: list[dict] = [dict(t) for t in (turns or [])]
        # The wording variant (two attempts at one scenario read differently): chosen for a new
        # conversation, read back from its opening turn when it resumes, so a replay says the same.
        self.variant = saved_variant(self.turns) if self.turns else int(variant or 0)
        self.director = Director(scenario, archetype, variant=self.variant)
        self.state, self.pending = self.director.replay(self.turns)
        self.ended: str | None = self.state.ended if self.pending is None else None
        self.last_rendering = None  # the latest Rendering: .fell_back / .reason for the UI and bench

    # -- conversation ---------------------------------------------------------------------
    def open(self) -> dict:
        """The customer's opening turn (authored, so it needs no model call)."""
        if self.turns:
            return self.turns[0]
        self.state, beat = self.director.start()
        turn = self._customer_turn(beat, beat.line)
        if self.variant:
            turn["variant"] = self.variant
        self.turns.append(turn)
        return turn

    def add_trainee(self, text: str) -> dict:
        """Validate and record a trainee turn; the Director's reaction waits in .pending."""
        if self.ended:
            raise InputError(f"This conversation has ended ({self.ended.replace('_', ' ')}).",
                             "Start a new attempt to practise again.")
        if self.pending is not None:
            raise InputError("The customer has not answered your last message yet.", "Retry the reply first.")
        if not self.turns:
            self.open()
        text = (text or "").strip()
        if not text:
            raise InputError("Your message is empty.", "Type what you would say to the customer.")
        if len(text) > MAX_MESSAGE_CHARS:
            raise InputError(f"Your message is {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}.",
                             "Shorten it — in a real conversation, shorter is clearer.")
        self.state, self.pending, moves = self.director.step(self.state, text, self.turns)
        turn = {"role": "trainee", "text": text, "moves": moves}
        self.turns.append(turn)
        return turn

    def request(self, beat: Beat | None = None) -> ActorRequest:
        """What the Actor gets for a beat: the customer side only (never rubric, policy, needs or scores).

        A strict backend rewords beat.line; a loose one improvises from the brief (knows, reveal,
        commitments, feeling), the guard holding it to the beat's intent."""
        beat = beat or self.pending
        if beat is None:
            raise InputError("There is no customer reply to give.")
        told = [f.text for f in self.scenario.facts if f.id in self.state.disclosed]
        history = [{"role": t["role"], "text": t["text"]} for t in self.turns[-HISTORY_TURNS:]]
        seed = zlib.crc32(f"{self.scenario.id}|{len(self.turns)}|{beat.line}".encode())
        return ActorRequest(customer=self.scenario.customer_side(), style=self.archetype.style, intent=beat.intent,
                            mood=beat.mood, line=beat.line, facts=told, history=history, seed=seed,
                            feeling=getattr(self.archetype, "feeling", "") or "anger",
                            knows=[k.say for k in getattr(self.scenario, "knows", None) or [] if getattr(k, "say", "")],
                            reveal=self._reveal(beat), commitments=_commitments(self.state))

    def _reveal(self, beat: Beat) -> str:
        """What the Director lets the customer tell this turn: beat.reveal (the fact or knowledge text),
        else the text of beat.fact_id; "" when nothing new may be told."""
        reveal = getattr(beat, "reveal", None)
        if isinstance(reveal, str) and reveal.strip():
            return reveal.strip()
        fact_id = getattr(beat, "fact_id", None)
        if fact_id:
            for f in self.scenario.facts:
                if f.id == fact_id:
                    return f.text
        say = getattr(getattr(beat, "knowledge", None), "say", None)  # a Knowledge object, not an id
        return say.strip() if isinstance(say, str) else ""

    def stream_reply(self) -> Iterator[str]:
        """Render the pending beat; when done, append the customer turn. On BackendError nothing is
        appended and the beat stays pending, so the caller can retry or fall back."""
        beat = self.pending
        if beat is None:
            return
        if self.actor is None:
            raise BackendError("No actor backend is configured.", "Use --backend scripted or set TALKDOWN_BACKEND.")
        rendering = self.actor.render(self.request(beat))
        self.last_rendering = rendering
        yield from rendering
        self._finish_reply(beat, rendering.text, fell_back=rendering.fell_back)

    def play(self, lines) -> dict:
        """Open, then each non-blank trainee line and the customer's reply, until the conversation ends
        (scripts, benches, the CLI). Returns transcript()."""
        self.open()
        for line in lines:
            if self.ended:
                break
            if line.strip():
                self.add_trainee(line)
                self.reply()
        return self.transcript()

    def reply(self) -> dict:
        """stream_reply() run to the end; returns the customer turn."""
        for _ in self.stream_reply():
            pass
        return self.turns[-1]

    def fallback_reply(self) -> dict:
        """Answer the pending beat with its authored line (the endpoint is down, practice goes on)."""
        beat = self.pending
        if beat is None:
            raise InputError("There is no unanswered message.")
        return self._finish_reply(beat, beat.line, fell_back=True)

    def end(self, reason: str = "trainee_ended") -> str:
        """Stop here. A customer who already accepted a resolution keeps the outcome 'resolved'."""
        if not self.ended:
            self.ended = "resolved" if self.state.accepted else reason
            self.pending = None
        return self.ended

    def transcript(self) -> dict:
        """DESIGN.md's transcript JSON; customer turns carry mood, plus an end_reason key."""
        return {"scenario_id": self.scenario.id, "persona": self.archetype.id, "turns": [dict(t) for t in self.turns],
                "end_reason": self.ended}

    # -- internals ------------------------------------------------------------------------
    def _customer_turn(self, beat: Beat, text: str) -> dict:
        return {"role": "customer", "text": text, "mood": beat.mood, "trust": beat.trust, "intent": beat.intent}

    def _finish_reply(self, beat: Beat, text: str, fell_back: bool) -> dict:
        turn = self._customer_turn(beat, text)
        if fell_back:
            turn["fell_back"] = True
        self.turns.append(turn)
        self.pending = None
        if beat.end_reason:
            self.ended = beat.end_reason
        return turn
