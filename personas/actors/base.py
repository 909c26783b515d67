"""The Actor backend interface: one request type, one method."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from core.errors import BackendError


# The longest customer reply any backend may produce (one spoken turn is a few sentences); a backend's
# stream is read only up to this, so an endless one cannot grow memory (see personas.actors.Rendering).
MAX_REPLY_CHARS = 2000


class TooSlow(BackendError):
    """A backend passed its time deadline for one reply (``deadline_s``). The Actor then says the
    Director's authored line (a fallback, never an error), so a loaded machine cannot break a turn."""


class ActorRequest(BaseModel):
    """All an Actor may know. Deliberately no rubric, policy, needs or scores: the customer
    cannot leak or game what they never see."""
    model_config = ConfigDict(extra="forbid")

    customer: dict[str, str]          # Scenario.customer_side(): name, backstory, situation, persona
    style: str = ""                   # the archetype's voice notes
    intent: str                       # what the customer does this turn (personas.scenario.INTENTS)
    mood: float = Field(ge=0, le=10)  # the persona's feeling (see `feeling`), higher = more upset
    line: str                         # the Director's authored line: what must be said
    facts: list[str] = Field(default_factory=list)    # what the customer has told so far / may tell now
    history: list[dict[str, str]] = Field(default_factory=list)  # recent turns {role, text}, oldest first
    seed: int = 0                     # lets sampling backends be reproducible per turn
    # The customer's brief for a capable ("loose") model that improvises instead of rewording `line`.
    # All optional, so callers that only set the fields above still work; none of it is scoring.
    feeling: str = ""                 # what the 0-10 mood means for this persona: anger|anxiety|confusion|doubt
    knows: list[str] = Field(default_factory=list)    # what the customer knows about their own story
    reveal: str = ""                  # the fact/knowledge the Director lets them tell this turn ("" = none)
    commitments: list[dict[str, str]] = Field(default_factory=list)  # what the agent promised: text, owner, time, reference


@runtime_checkable
class ActorBackend(Protocol):
    name: str
    # "strict": output must stay close to the authored line (tiny models); "loose": a capable
    # model may reword freely, the guard only checks character and form.
    faithfulness: str

    def stream(self, request: ActorRequest) -> Iterator[str]:
        """Yield the customer's reply as text chunks; raise core.errors.BackendError on failure."""
        ...


def word_chunks(text: str, size: int = 3) -> Iterator[str]:
    """Split text into chunks of a few words (keeping spaces) so a buffered reply still streams."""
    words = text.split(" ")
    for i in range(0, len(words), size):
        chunk = " ".join(words[i:i + size])
        yield chunk + (" " if i + size < len(words) else "")
