"""Deterministic stand-ins registered as the "fake" speech backend: the default in tests (no packages).

FakeSpeechToText returns the recording's WAV INFO comment when it has one (test fixtures carry what they
"say"), else a fixed agent sentence; FakeTextToSpeech writes a soft tone whose length follows the words."""
from __future__ import annotations

import numpy as np

from speech.audio import Clip, words_in

DEFAULT_HEARD = "I'm sorry about this. Let me check what happened and sort it out for you today."
RATE = 16000
SECONDS_PER_WORD = 0.3


class FakeSpeechToText:
    name = "fake"

    def transcribe(self, clip: Clip) -> str:
        return clip.comment or DEFAULT_HEARD


class FakeTextToSpeech:
    name = "fake"
    voice = "test tone"

    def synthesize(self, text: str, *, speed: float = 1.0) -> tuple[np.ndarray, int]:
        seconds = max(0.2, words_in(text) * SECONDS_PER_WORD / max(0.5, speed))
        t = np.arange(int(RATE * seconds)) / RATE
        return (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE
