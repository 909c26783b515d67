"""Recordings in and out: read a WAV (checked before anything is decoded), measure where the speech is,
write a WAV. numpy and the standard library only.

How the voice measures are defined (the report quotes them):
- duration: the recording's length, from its header (frames / sample rate).
- speech: 30 ms frames whose loudness (RMS) reaches the speech threshold — the louder of -42 dBFS and
  the recording's own noise floor (its 10th-percentile frame) + 14 dB, capped at 20 dB under the
  loudest frame; a run of 3 such frames (90 ms)
  starts speech, so a click does not.
- silence before replying: from the moment recording starts to the first speech frame — the dead air
  the customer would hear before the trainee says anything. (Time spent reading the customer's reply
  before pressing record is not counted: on a call, the line is open from the moment you record.)
- speaking time: first speech frame to the last one, pauses inside included (as speaking rate is
  usually measured); pace = words recognised / speaking time, in words per minute.
"""
from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass

import numpy as np

from core.errors import InputError

MAX_RECORDING_SECONDS = 120.0  # two minutes per turn: a reply on a call, not a speech
MIN_RECORDING_SECONDS = 0.3
MAX_UPLOAD_BYTES = 40_000_000  # a two-minute 48 kHz stereo 24-bit WAV is ~35 MB
FRAME_SECONDS = 0.03
SPEECH_FLOOR_DBFS = -42.0
ABOVE_NOISE_DB = 14.0
PEAK_RANGE_DB = 20.0
SILENT_PEAK_DBFS = -50.0  # nothing in the recording gets louder than this: the microphone heard nothing
MIN_SPEECH_FRAMES = 3
STT_RATE = 16000


@dataclass
class Clip:
    """A decoded recording: mono float32 samples in [-1, 1] and what was measured in them."""
    samples: np.ndarray
    rate: int
    duration: float
    speech_start: float  # seconds from the start of the recording to the first speech
    speech_end: float
    comment: str = ""  # a WAV's INFO comment (the fake speech-to-text reads it; real ones ignore it)

    @property
    def speaking_seconds(self) -> float:
        return max(0.0, self.speech_end - self.speech_start)

    def at_rate(self, rate: int = STT_RATE) -> np.ndarray:
        """The samples resampled (linear) to `rate`, as speech-to-text models want them."""
        if self.rate == rate or len(self.samples) == 0:
            return self.samples
        n = int(round(len(self.samples) * rate / self.rate))
        x = np.linspace(0, len(self.samples) - 1, n)
        return np.interp(x, np.arange(len(self.samples)), self.samples).astype(np.float32)


def _minutes(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def _info_comment(data: bytes) -> str:
    """The ICMT text of a RIFF LIST/INFO chunk, if any (the wave module skips unknown chunks)."""
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"LIST" and body[:4] == b"INFO":
            p = 4
            while p + 8 <= len(body):
                sid, ssize = body[p:p + 4], struct.unpack("<I", body[p + 4:p + 8])[0]
                if sid == b"ICMT":
                    return body[p + 8:p + 8 + ssize].split(b"\0")[0].decode("utf-8", "replace")
                p += 8 + ssize + (ssize & 1)
        pos += 8 + size + (size & 1)
    return ""


def read_wav(data: bytes | None) -> Clip:
    """Decode a recording; InputError with a plain message for anything that is not usable speech.

    Checked in this order, each before the costlier step: empty, too large, not a WAV, too long
    (from the header, before decoding), too short, silent."""
    if not data:
        raise InputError("The recording is empty.", "Press the microphone, speak, then press stop.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"That file is {len(data) / 1e6:.0f} MB; a recording of one reply is at most "
                         f"{MAX_UPLOAD_BYTES // 1_000_000} MB.", "Record a shorter reply.")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InputError("That file is not a WAV recording, so it cannot be heard.",
                         "Record your reply with the microphone, or upload a .wav file.")
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            rate, width, channels, n = w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()
            if rate <= 0 or channels <= 0 or width not in (1, 2, 3, 4):
                raise wave.Error("bad format")
            duration = n / rate
            if duration > MAX_RECORDING_SECONDS:
                raise InputError(f"The recording is {_minutes(duration)} long; one reply can be at most "
                                 f"{_minutes(MAX_RECORDING_SECONDS)}.",
                                 "Nothing was sent. Record a shorter reply — on a call, shorter is clearer.")
            raw = w.readframes(n)
    except (wave.Error, EOFError, struct.error, ValueError, RuntimeError, OverflowError):
        raise InputError("That WAV file is damaged or in a format that cannot be read (only PCM WAV).",
                         "Record your reply with the microphone instead.") from None
    samples = _pcm(raw, width, channels)
    duration = len(samples) / rate
    if duration < MIN_RECORDING_SECONDS:
        raise InputError("The recording is empty or too short to hear anything.",
                         "Press the microphone, speak, then press stop.")
    start, end = speech_span(samples, rate)
    if start is None:
        raise InputError("The recording is silent: no speech was heard.",
                         "Check that the microphone is on and not muted, then record again.")
    return Clip(samples, rate, duration, start, end, _info_comment(data))


def _pcm(raw: bytes, width: int, channels: int) -> np.ndarray:
    if width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw[: len(raw) // 3 * 3], np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = (np.where(v >= 1 << 23, v - (1 << 24), v)).astype(np.float32) / float(1 << 23)
    else:
        x = np.frombuffer(raw[: len(raw) // 4 * 4], "<i4").astype(np.float32) / float(1 << 31)
    if channels > 1:
        x = x[: len(x) // channels * channels].reshape(-1, channels).mean(axis=1)
    return np.ascontiguousarray(x, dtype=np.float32)


def frame_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """Loudness of each 30 ms frame in dBFS."""
    size = max(1, int(rate * FRAME_SECONDS))
    n = len(samples) // size
    if n == 0:
        return np.zeros(0)
    frames = samples[: n * size].reshape(n, size).astype(np.float64)
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-9))


def speech_span(samples: np.ndarray, rate: int) -> tuple[float | None, float]:
    """(first speech, end of last speech) in seconds; (None, 0) when nothing in it is speech."""
    levels = frame_levels(samples, rate)
    if len(levels) == 0 or levels.max() < SILENT_PEAK_DBFS:
        return None, 0.0
    # Above the noise floor, but never more than PEAK_RANGE_DB under the loudest frame (a recording
    # that is speech from end to end has no quiet frames to set a floor from).
    threshold = max(SPEECH_FLOOR_DBFS, min(float(np.percentile(levels, 10)) + ABOVE_NOISE_DB,
                                           float(levels.max()) - PEAK_RANGE_DB))
    loud = levels >= threshold
    run = np.convolve(loud.astype(int), np.ones(MIN_SPEECH_FRAMES, int), "valid") >= MIN_SPEECH_FRAMES
    if not run.any():
        return None, 0.0
    first = int(np.argmax(run))
    last = len(loud) - 1 - int(np.argmax(loud[::-1]))
    return first * FRAME_SECONDS, (last + 1) * FRAME_SECONDS


def wav_bytes(samples: np.ndarray, rate: int, comment: str = "") -> bytes:
    """A 16-bit mono PCM WAV; `comment` goes in a LIST/INFO ICMT chunk (used by test fixtures)."""
    pcm = (np.clip(np.asarray(samples, np.float32), -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    data = buf.getvalue()
    if not comment:
        return data
    text = comment.encode("utf-8") + b"\0"
    if len(text) & 1:
        text += b"\0"
    info = b"INFO" + b"ICMT" + struct.pack("<I", len(text)) + text
    chunk = b"LIST" + struct.pack("<I", len(info)) + info
    body = data[12:] + chunk
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def words_in(text: str) -> int:
    return len([w for w in text.split() if any(c.isalnum() for c in w)])
