"""The transcript interchange format of DESIGN.md, validated at the edge."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import InputError
from core.files import read_capped
from core.text import plain_quotes

# A trainee message longer than this is refused in the UI; a transcript turn
# longer than MAX_TURN_CHARS is refused by the tools (scoring, import).
MAX_MESSAGE_CHARS = 2000
MAX_TURN_CHARS = 20000
MAX_TURNS = 500
MAX_TRANSCRIPT_BYTES = 12_000_000  # MAX_TURNS turns of MAX_TURN_CHARS, with room for JSON

Role = Literal["customer", "trainee"]


class Turn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Role
    text: str = Field(max_length=MAX_TURN_CHARS)
    mood: float | None = None

    @field_validator("text")
    @classmethod
    def _straight_quotes(cls, v: str) -> str:
        return plain_quotes(v)  # "I\u2019ll book it" is read, scored and quoted as "I'll book it"


class Transcript(BaseModel):
    model_config = ConfigDict(extra="allow")

    scenario_id: str = ""
    turns: list[Turn] = Field(max_length=MAX_TURNS)

    def trainee_turns(self) -> list[tuple[int, Turn]]:
        """(1-based turn number, turn) for every trainee turn."""
        return [(i + 1, t) for i, t in enumerate(self.turns) if t.role == "trainee"]


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors()[:5]:
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


def parse_transcript(data: str | bytes | dict, source: str = "transcript") -> Transcript:
    """Parse and validate a transcript; raise InputError naming what is wrong."""
    if isinstance(data, (str, bytes)):
        if not data.strip():
            raise InputError(f"{source} is empty.", "Give a JSON object with 'scenario_id' and 'turns'.")
        try:
            data = json.loads(data)
        except json.JSONDecodeError as e:
            raise InputError(f"{source} is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}).") from None
        except RecursionError:
            raise InputError(f"{source} is nested too deeply to be a transcript.",
                             "A transcript is one object with a flat list of turns.") from None
        except UnicodeDecodeError:
            raise InputError(f"{source} is not UTF-8 text.", "Save it as UTF-8 JSON.") from None
    if not isinstance(data, dict):
        raise InputError(f"{source} must be a JSON object with 'scenario_id' and 'turns'.")
    try:
        t = Transcript.model_validate(data)
    except ValidationError as e:
        raise InputError(f"{source} is not a valid transcript: {_describe(e)}.",
                         "Each turn needs 'role' ('customer' or 'trainee') and 'text'.") from None
    if not any(turn.role == "trainee" for turn in t.turns):
        raise InputError(f"{source} has no trainee turns, so there is nothing to score.")
    return t


def load_transcript(path: str | Path) -> Transcript:
    return parse_transcript(read_capped(path, MAX_TRANSCRIPT_BYTES, "a transcript"), source=str(Path(path)))


_IS_MAPPING: dict[type, bool] = {}


def role_text(turn) -> tuple[str, str]:
    """(role, text) of a Turn or of a {"role", "text"} mapping (saved turns are dicts)."""
    mapping = _IS_MAPPING.get(type(turn))
    if mapping is None:  # isinstance(x, Mapping) is an ABC check, slow on the ~2,000 calls of a report: once per type
        mapping = _IS_MAPPING[type(turn)] = isinstance(turn, Mapping)
    if mapping:
        return str(turn.get("role", "")), str(turn.get("text", "") or "")
    return str(getattr(turn, "role", "")), str(getattr(turn, "text", "") or "")


def customer_context(context, last: int = 2) -> list[str]:
    """Texts of the customer's turns since the trainee last spoke (at least the latest `last`)."""
    out: list[str] = []
    for turn in reversed(context):
        role, text = role_text(turn)
        if role == "customer":
            out.append(text)
            if len(out) >= last:
                break
        elif out:  # reached the trainee turn before this customer run
            break
    return out[::-1]
