"""What only voice shows, for the report: speaking pace and long silences before replying, each with
the turn that shows it. Reads the stored turns' voice measures (see speech.audio for definitions);
never touches the five skills' scores."""
from __future__ import annotations

from dataclasses import dataclass, field

SLOW_WPM = 110  # below this a caller hears hesitation or reading
FAST_WPM = 170  # above this an upset caller cannot keep up
LONG_SILENCE_SECONDS = 3.0  # dead air on a call before the agent speaks
MIN_WORDS_FOR_PACE = 4  # a "yes" or "okay" has no meaningful pace
MIN_SECONDS_FOR_PACE = 1.0


@dataclass
class VoiceTurn:
    turn: int  # 1-based position in the conversation
    text: str
    words: int
    speaking_seconds: float
    silence_before: float
    audio_seconds: float

    @property
    def wpm(self) -> float | None:
        if self.words < MIN_WORDS_FOR_PACE or self.speaking_seconds < MIN_SECONDS_FOR_PACE:
            return None
        return self.words / self.speaking_seconds * 60.0


@dataclass
class VoiceSummary:
    turns: list[VoiceTurn]
    typed_turns: int
    wpm: float | None  # over all paced turns: total words / total speaking time
    fast: list[VoiceTurn] = field(default_factory=list)
    slow: list[VoiceTurn] = field(default_factory=list)
    long_silences: list[VoiceTurn] = field(default_factory=list)

    @property
    def pace_word(self) -> str:
        if self.wpm is None:
            return "not measured (replies too short)"
        return "fast" if self.wpm > FAST_WPM else "slow" if self.wpm < SLOW_WPM else "steady"


def voice_turns(turns: list[dict]) -> list[VoiceTurn]:
    out = []
    for i, t in enumerate(turns, start=1):
        v = t.get("voice") if t.get("role") == "trainee" else None
        if not isinstance(v, dict):
            continue
        try:
            out.append(VoiceTurn(i, str(t.get("text", "")), int(v.get("spoken_words") or 0),
                                 float(v.get("speaking_seconds") or 0.0), float(v.get("silence_before") or 0.0),
                                 float(v.get("audio_seconds") or 0.0)))
        except (TypeError, ValueError):
            continue
    return out


def summarise(turns: list[dict]) -> VoiceSummary | None:
    """None when no trainee turn was spoken."""
    spoken = voice_turns(turns)
    if not spoken:
        return None
    typed = sum(1 for t in turns if t.get("role") == "trainee") - len(spoken)
    paced = [v for v in spoken if v.wpm is not None]
    secs = sum(v.speaking_seconds for v in paced)
    wpm = sum(v.words for v in paced) / secs * 60.0 if paced and secs > 0 else None
    return VoiceSummary(
        turns=spoken, typed_turns=typed, wpm=wpm,
        fast=[v for v in paced if v.wpm > FAST_WPM],
        slow=[v for v in paced if v.wpm < SLOW_WPM],
        long_silences=[v for v in spoken if v.silence_before >= LONG_SILENCE_SECONDS])
