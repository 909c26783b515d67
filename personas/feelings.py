"""What the Director's 0-10 mood means for each persona, in words: one table for the mood meter and the
Actor's prompt, so the label, the colour and the customer's words agree with the number.

The number underneath is the same for every persona (higher = more upset); the archetype's `feeling`
says which feeling it is. Bands are Scenario.band's: high >= 7, mid 4-6.9, low < 4. Mid-band words are
deliberately moderate ("tense", "worried"): the authored mid-band lines include softening ones
("I feel a bit calmer"), so a 6.1 must not read "angry".
"""
from __future__ import annotations

from typing import NamedTuple


class FeelingBand(NamedTuple):
    word: str      # the meter's band word: "tense"
    prompt: str    # how an Actor is told it feels: "tense and short, but listening"


FEELINGS: dict[str, dict[str, FeelingBand]] = {
    "anger": {
        "high": FeelingBand("angry", "angry and fed up"),
        "mid": FeelingBand("tense", "tense and impatient, but listening"),
        "low": FeelingBand("calm", "calmer and cooperative"),
    },
    "anxiety": {
        "high": FeelingBand("very anxious", "very anxious and close to panicking"),
        "mid": FeelingBand("worried", "worried, but starting to settle"),
        "low": FeelingBand("settling", "relieved and settling down"),
    },
    "confusion": {
        "high": FeelingBand("very confused", "very confused and overwhelmed"),
        "mid": FeelingBand("unsure", "unsure and still trying to follow"),
        "low": FeelingBand("following", "clearer now and following along"),
    },
    "doubt": {
        "high": FeelingBand("distrustful", "distrustful; you expect to be fobbed off again"),
        "mid": FeelingBand("wary", "wary, waiting to see if they mean it"),
        "low": FeelingBand("reassured", "reassured, willing to believe them"),
    },
}

# Meter colours per band: the same traffic light for every feeling, so red always means "high".
BAND_COLOURS = {"high": "#d62728", "mid": "#ff7f0e", "low": "#2ca02c"}
BAND_MARKDOWN_COLOURS = {"high": "red", "mid": "orange", "low": "green"}


def band(mood: float) -> str:
    """Scenario.band's thresholds (kept identical; tests check they agree)."""
    return "high" if mood >= 7 else "mid" if mood >= 4 else "low"


def feeling_name(feeling: str | None) -> str:
    return feeling if feeling in FEELINGS else "anger"


def describe(mood: float, feeling: str | None = "anger") -> FeelingBand:
    """The band words for a mood (rounded to one decimal first, as the meter shows it)."""
    return FEELINGS[feeling_name(feeling)][band(round(float(mood), 1))]
