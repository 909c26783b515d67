"""The real offline speech models (requirements-voice.txt): hibari speaks a sentence, Whisper tiny.en
hears it back. Skipped when the voice packages are not installed."""
from __future__ import annotations

import pytest

from core.settings import get_settings

pytestmark = pytest.mark.voice_model

speech = pytest.importorskip("speech")
if not speech.packages_installed():
    pytest.skip("voice packages not installed (pip install -r requirements-voice.txt)", allow_module_level=True)


@pytest.fixture(autouse=True)
def _local_speech(monkeypatch):
    monkeypatch.setenv("TALKDOWN_SPEECH", "local")
    get_settings.cache_clear()


def _words(text: str) -> list[str]:
    return [w.strip(".,!?;:'\"").lower() for w in text.split() if w.strip(".,!?;:'\"")]


def test_what_the_customer_says_aloud_is_heard_back(monkeypatch):
    from speech.audio import read_wav

    # No network: hibari must use its bundled voice, Whisper its packaged model.
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("tried to download"))
    line = "I understand the flight was cancelled, and I will rebook you on the first train tomorrow."
    wav = speech.speak(line, mood=5)
    clip = read_wav(wav)
    assert clip.rate == 24000 and 2.0 < clip.duration < 10.0
    heard = speech.hear(wav)
    said, got = _words(line), _words(heard.text)
    import difflib

    matched = sum(b.size for b in difflib.SequenceMatcher(a=said, b=got).get_matching_blocks())
    assert matched / len(said) >= 0.8, heard.text
    assert heard.words == len(heard.text.split())
    assert 0 <= heard.silence_before < 0.8 and heard.speaking_seconds > 1.5


def test_the_backend_is_the_real_one():
    assert speech.backend_name() == "local"
    assert "Heart" in speech.voice_label()
    assert type(speech.get_stt()).__name__ == "WhisperSpeechToText"
