"""Small WAV recordings made in the test (nothing binary committed): speech-like bursts after a chosen
silence, carrying what they "say" in an INFO comment for the fake speech-to-text."""
from __future__ import annotations

import numpy as np

from speech.audio import wav_bytes

RATE = 16000


def spoken_wav(text: str = "", *, silence: float = 1.0, speaking: float = 2.0, tail: float = 0.3,
               rate: int = RATE, noise: float = 0.002) -> bytes:
    """`silence` s of low noise, then `speaking` s of voiced syllables (a 150 Hz buzz, 4 per second),
    then `tail` s of noise."""
    rng = np.random.default_rng(0)
    t = np.arange(int(rate * speaking)) / rate
    envelope = 0.5 + 0.5 * np.abs(np.sin(np.pi * 4 * t))  # syllables, never fully quiet
    voiced = 0.3 * envelope * np.sign(np.sin(2 * np.pi * 150 * t)) * 0.5
    quiet = lambda s: noise * rng.standard_normal(int(rate * s))  # noqa: E731
    samples = np.concatenate([quiet(silence), voiced, quiet(tail)]).astype(np.float32)
    return wav_bytes(samples, rate, comment=text)


def silent_wav(seconds: float = 2.0, rate: int = RATE) -> bytes:
    return wav_bytes(np.zeros(int(rate * seconds), np.float32), rate)


def long_wav_header(seconds: float = 600.0, rate: int = RATE) -> bytes:
    """A WAV whose header says `seconds` long (a 10-minute recording), with real samples: 19 MB at 16 kHz."""
    return wav_bytes(np.zeros(int(rate * seconds), np.float32), rate)
