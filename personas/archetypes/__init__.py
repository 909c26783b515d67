"""Persona archetypes: how a kind of customer reacts to each move. One YAML file per archetype here.

Adding a persona = adding a file next to this one (see irate.yaml for every field). Files are
validated like scenarios; a broken file is reported and skipped, the others still load.
"""
from __future__ import annotations

import threading
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.errors import ScenarioError
from core.scenario import ID_RE, INTENTS, PLACEHOLDER_RE, file_stamp, nearest_band, parse_yaml_model, read_yaml_file

ARCHETYPE_DIR = Path(__file__).resolve().parent

# Everything the Director can react to: the moves of scoring.moves plus the Director's own signals.
MOVE_SIGNALS = (
    "question", "paraphrase", "reflection", "affirmation", "apology", "acknowledgement",
    "dismissive", "blame", "jargon", "off_topic", "next_step", "summary", "check_more", "farewell",
)
DIRECTOR_SIGNALS = (
    "policy_recital",    # "per our policy ...": reading rules at the customer
    "ignored_concern",   # the turn engages with nothing the customer said
    "asked_again",       # asks for a fact the customer already gave
    "escalate_trigger",  # a scenario's triggers.escalate phrase
    "calm_trigger",      # a scenario's triggers.calm phrase
    "timed_next_step",   # a next step that names a time ("by 5pm", "tomorrow morning")
    "need_met",          # the turn offers something that meets one of the customer's needs
)
DIRECTOR_SIGNALS += (
    "specific_empathy",  # empathy that names this customer's situation or feeling
    "generic_empathy",   # "I understand", "I hear you": helps once, then nothing, then irritates
    "hollow_empathy",    # the third generic line, or generic empathy again with nothing done
    "non_apology",       # "sorry you feel that way", "sorry for any inconvenience", "sorry if..."
    "scripted_greeting", # "how can I help you today?" after the customer has explained
    "id_first",          # asks for ID/account details before engaging with what was said
    "answered",          # answers the question or demand the customer just made
    "unanswered",        # ignores the customer's direct question or demand (second time: presses harder)
    "unanswered_again",  # the third time the same question goes unanswered: escalates
    "commitment",        # commits to an action, an owner or a time
    "broken_commitment", # contradicts or walks back something already committed
    "unwanted_offer",    # offers what the policy forbids and the customer never asked for
    "brush_off",         # "you'll be fine", "don't worry", "it'll turn up": told it is fine, nothing made fine
    "vague_promise",     # "leave it with me", "I'll see what I can do": no what, who or when
    "premature_close",   # "anything else?" before anything has been done
    "minimising",        # "three weeks isn't that long", "it's only a small amount": their problem made small
)
SIGNALS = MOVE_SIGNALS + DIRECTOR_SIGNALS

# Lines the Director composes a reply from, beside the scenario's own intent lines. Each is a list per
# mood band in the archetype file; placeholders are filled by the Director.
PARTS = {
    "dont_know": (),                      # a question their knowledge has no answer for: honest, in character
    "yours_to_say": (),                   # asked what only the agent's side can know ("When will it be fixed?")
    "already_told": ("fact",),            # asked again for something already told
    "confirm": (),                        # the agent restated their problem correctly and checked
    "hollow_empathy": (),                 # repeated generic empathy with nothing done
    "non_apology": (),                    # "sorry you feel that way"
    "greeting_after_explained": (),       # a scripted greeting after they explained everything
    "id_first": (),                       # ID requested before anyone engaged with the problem
    "jargon": ("term",),                  # a term they cannot follow
    "commitment_ack": ("commitment",),    # takes note of what the agent committed to (restated: "you'll call me at 5")
    "commitment_reminder": ("commitment",),  # refers back to it: "You said you'd call at 5"
    "recall": ("commitment",),            # asked what the agent promised: "You said you'd ring me at half four"
    "unanswered": ("ask",),               # their question was not answered (second time)
    "unanswered_again": ("ask",),         # third time: escalates
    "not_yet": (),                        # the agent wraps up before anything is resolved
    "pressure": (),                       # after an answer, while nothing is done yet: the problem still stands
    # Short reactions put before a reply that is one authored piece (acknowledgement + content):
    "lead_asked": (),                     # they were asked something and answer it
    "lead_offer": (),                     # something was offered or committed (the only place relief may show)
    "lead_heard": (),                     # they were listened to, nothing done yet
    "lead_unmoved": (),                   # nothing useful happened: impatience in the persona's voice
    "lead_leaving": (),                   # before the line they walk out with
    "restate": (),                        # still waiting, said in new words when every line has been used
    "blamed": (),                         # the agent put it on them or on someone else
    "minimised": (),                      # the agent made their problem small
    "deferred_again": (),                 # "someone will be in touch" again: what they were told last time
    "own_detail": (),                     # asked a detail of their own the story does not hold: in character
    "availability": (),                   # asked when suits them for a call or visit, and the story has no time
    "commitment_changed": ("commitment", "time"),  # the agent now gives another time for what was promised
    "wrap_reminder": ("commitment",),     # the agent wraps up: they hold the agent to what was promised
}
FEELINGS = ("anger", "anxiety", "confusion", "doubt")


class Effect(BaseModel):
    """Change to anger (0-10, positive = angrier) and trust (0-10) when a signal occurs."""
    model_config = ConfigDict(extra="forbid")
    anger: float = Field(default=0.0, ge=-5, le=5)
    trust: float = Field(default=0.0, ge=-5, le=5)


class Quirks(BaseModel):
    """Archetype-specific rules on top of the effect table; the defaults are neutral."""
    model_config = ConfigDict(extra="forbid")
    jargon_intent: str = "push_back"  # what the customer does when the agent uses jargon
    apology_without_action: float = Field(default=1.0, ge=0, le=2)  # apology effect x this without a next step
    next_step_without_time: float = Field(default=1.0, ge=0, le=2)  # next_step effect x this when no time named
    accept_min_trust: float = Field(default=0.0, ge=0, le=10)  # won't accept a resolution below this trust

    @field_validator("jargon_intent")
    @classmethod
    def _intent(cls, v: str) -> str:
        if v not in INTENTS:
            raise ValueError(f"unknown intent '{v}'; use one of {list(INTENTS)}")
        return v


class Archetype(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=2000)
    start_trust: float = Field(default=4.0, ge=0, le=10)
    responsiveness: float = Field(default=0.6, gt=0, le=1)  # share of pending mood change applied per turn
    repeat_decay: float = Field(default=0.6, ge=0, le=1)  # calming moves lose power when repeated
    effects: dict[str, Effect] = Field(default_factory=dict)
    quirks: Quirks = Field(default_factory=Quirks)
    style: str = Field(min_length=1, max_length=1000)  # voice notes for an LLM actor
    # What the 0-10 state means for this persona, as the meter labels it (the same number underneath).
    feeling: str = "anger"
    # Composable reply parts (see PARTS): name -> band (high/mid/low) -> lines.
    parts: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @field_validator("feeling")
    @classmethod
    def _feeling(cls, v: str) -> str:
        if v not in FEELINGS:
            raise ValueError(f"unknown feeling '{v}'; use one of {list(FEELINGS)}")
        return v

    @field_validator("parts")
    @classmethod
    def _parts(cls, v: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
        unknown = set(v) - set(PARTS)
        if unknown:
            raise ValueError(f"unknown part(s) {sorted(unknown)}; use {list(PARTS)}")
        for name, bands in v.items():
            bad = set(bands) - {"high", "mid", "low"}
            if bad:
                raise ValueError(f"parts.{name}: unknown band(s) {sorted(bad)}; use high, mid, low")
            allowed = set(PARTS[name])
            for band, lines in bands.items():
                for line in lines:
                    if not isinstance(line, str) or not line.strip():
                        raise ValueError(f"parts.{name}.{band} has an empty line")
                    for ph in PLACEHOLDER_RE.findall(line):
                        if ph not in allowed:
                            raise ValueError(f"parts.{name}.{band}: placeholder '{{{ph}}}' is not allowed here"
                                             + (f"; use {sorted(allowed)}" if allowed else ""))
        return v

    def part_lines(self, name: str, band: str) -> list[str]:
        """Lines of one part for a mood band, falling back to the nearest band."""
        return nearest_band(self.parts.get(name, {}), band)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError("must be 2-63 lowercase letters, digits or dashes, e.g. 'irate'")
        return v

    @field_validator("effects")
    @classmethod
    def _signals(cls, v: dict[str, Effect]) -> dict[str, Effect]:
        unknown = set(v) - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown signal(s) {sorted(unknown)}; use {list(SIGNALS)}")
        return v

    def effect(self, signal: str) -> Effect:
        return self.effects.get(signal, Effect())


def parse_archetype(text: str | bytes, source: str = "<archetype>") -> Archetype:
    """Parse one archetype file; raise ScenarioError naming file, field and fix."""
    return parse_yaml_model(text, source, Archetype, "id, name, ...")


_lock = threading.Lock()
_cache: dict[tuple, tuple[dict[str, Archetype], list[ScenarioError]]] = {}


def _stamp(d: Path) -> tuple:
    return file_stamp(d.glob("*.y*ml"))


def load_archetypes_with_errors(directory: str | Path = ARCHETYPE_DIR) -> tuple[dict[str, Archetype], list[ScenarioError]]:
    """All valid archetypes by id, and one error per broken file (re-read only when files change)."""
    d = Path(directory)
    key = (str(d), _stamp(d))
    with _lock:
        if key in _cache:
            return _cache[key]
        found: dict[str, Archetype] = {}
        errors: list[ScenarioError] = []
        for path in sorted(d.glob("*.y*ml")):
            try:
                a = parse_archetype(read_yaml_file(path), source=str(path))
            except ScenarioError as e:
                errors.append(e)
                continue
            if a.id in found:
                errors.append(ScenarioError(str(path), [("id", f"'{a.id}' is already used by another archetype")]))
                continue
            found[a.id] = a
        _cache[key] = (found, errors)
        return found, errors


def load_archetypes(directory: str | Path = ARCHETYPE_DIR) -> dict[str, Archetype]:
    """Valid archetypes by id (broken files skipped)."""
    return load_archetypes_with_errors(directory)[0]


def get_archetype(archetype_id: str) -> Archetype:
    """The archetype a scenario names; ScenarioError listing the valid ids when it does not exist."""
    found = load_archetypes()
    if archetype_id not in found:
        raise ScenarioError("persona", [("persona", f"unknown archetype '{archetype_id}'; use one of {sorted(found)}")])
    return found[archetype_id]
