"""Voice practice speed and accuracy, offline: speech-to-text word error rate and real-time factor on
sentences spoken by the shipped TTS (and espeak-ng voices when installed), text-to-speech time per
customer line, and the extra wait a voice turn adds over a typed one.

    python bench/voice.py [--runs 5] [--backend scripted|local] [--speech local|fake] [--no-espeak]

Goal (issue 14): on a quiet 2-core machine the customer's spoken reply starts <= 1.5 s after the
trainee stops talking. "Starts" is measured as the app does it: transcribe the recording + the
customer's reply (the same call a typed turn makes) + synthesize the whole reply (the page plays one
WAV) — the moment the audio can start playing. The trainee's own time reading and editing the transcript is not counted. Every figure is a
median of --runs runs in this process; the typed turn is the baseline, measured the same way beside it.
"""
from __future__ import annotations

import argparse
import difflib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# What trainees say (the STT test set) and what customers say (the TTS test set).
AGENT_LINES = [
    "I'm really sorry your flight was cancelled the night before the wedding.",
    "Let me check the next available seats, including partner airlines.",
    "So the parcel was marked delivered on Monday, but nothing arrived at your door.",
    "I can see two charges of four hundred and twenty pounds on the twelfth of March.",
    "I'll book an engineer for tomorrow morning and call you back by three today.",
    "That sounds really stressful, especially with your deadline this afternoon.",
    "Could you tell me the reference number on the text message?",
    "Is there anything else I can help you with today?",
]
CUSTOMER_LINES = [
    "This is the third time I've called about the same parcel.",
    "My sister gets married tomorrow and I'm the best man. What are you going to do?",
    "Fine. But I want that in writing, today.",
    "I don't understand why I was charged twice. Nobody has explained it.",
]
ESPEAK_VOICES = ["en-us", "en-gb", "en-us+m3", "en-gb+f2"]


def _norm(text: str) -> list[str]:
    out = []
    for w in text.lower().replace("-", " ").split():
        w = "".join(c for c in w if c.isalnum() or c == "'")
        if w:
            out.append(w)
    return out


def wer(ref: str, hyp: str) -> float:
    """Word error rate: (substitutions + deletions + insertions) / reference words (Levenshtein on words)."""
    r, h = _norm(ref), _norm(hyp)
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)] / max(1, len(r))


def _espeak(text: str, voice: str) -> bytes | None:
    exe = shutil.which("espeak-ng")
    if not exe:
        return None
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        r = subprocess.run([exe, "-v", voice, "-w", f.name, text], capture_output=True)
        return Path(f.name).read_bytes() if r.returncode == 0 else None


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    p.add_argument("--backend", default="scripted", help="customer's Actor backend for the turn (scripted|local)")
    p.add_argument("--speech", default="local", help="speech backend: local (the real models) or fake")
    p.add_argument("--no-espeak", action="store_true", help="leave out espeak-ng voices even if installed")
    a = p.parse_args(argv)
    os.environ["TALKDOWN_SPEECH"] = a.speech
    os.environ["TALKDOWN_BACKEND"] = a.backend
    from core.settings import get_settings

    get_settings.cache_clear()
    import speech
    from speech.audio import read_wav

    if speech.backend_name() is None:
        print(speech.unavailable_reason())
        return 1
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    stt, tts = speech.get_stt(), speech.get_tts()
    load_s = time.perf_counter() - t0
    print(f"speech backend: {a.speech} · customer backend: {a.backend} · runs: {a.runs} · "
          f"load average at start: {load:.2f} on {os.cpu_count()} cores · model load {load_s:.2f} s")
    if load > 1.0:
        print("NOTE: the machine is busy (load average above 1); figures are slower than on a quiet machine.")

    # -- 1. speech to text ------------------------------------------------------------------------
    sets: dict[str, list[tuple[str, bytes]]] = {"hibari heart": [(s, speech.speak(s)) for s in AGENT_LINES]}
    if not a.no_espeak and shutil.which("espeak-ng"):
        for v in ESPEAK_VOICES:
            clips = [(s, w) for s in AGENT_LINES if (w := _espeak(s, v))]
            if clips:
                sets[f"espeak-ng {v}"] = clips
    print("\nSpeech to text (Whisper tiny.en int8, 2 threads)" if a.speech == "local" else "\nSpeech to text")
    print(f"{'voice':<22} {'clips':>5} {'WER':>7} {'audio s':>8} {'STT s':>7} {'RTF':>6}")
    all_stt = []
    for name, clips in sets.items():
        errs, durs, secs = [], [], []
        for ref, wav in clips:
            clip = read_wav(wav)
            s, text = _median_time(lambda: stt.transcribe(clip), a.runs)
            errs.append(wer(ref, text))
            durs.append(clip.duration)
            secs.append(s)
        all_stt += list(zip(durs, secs))
        print(f"{name:<22} {len(clips):>5} {statistics.mean(errs):>6.1%} {statistics.median(durs):>8.2f} "
              f"{statistics.median(secs):>7.2f} {sum(secs) / sum(durs):>6.2f}")
    if a.speech != "local":
        print("(fake speech: the WER column is not meaningful)")

    # -- 2. text to speech ------------------------------------------------------------------------
    print("\nText to speech (hibari 'heart', 1 thread)" if a.speech == "local" else "\nText to speech")
    print(f"{'customer line':<52} {'words':>5} {'audio s':>8} {'TTS s':>6} {'1st sent. s':>11}")
    tts_all, first_all = [], []
    for line in CUSTOMER_LINES:
        s, (samples, rate) = _median_time(lambda: tts.synthesize(line), a.runs)
        first = line.split(". ")[0].split("? ")[0]
        f, _ = _median_time(lambda: tts.synthesize(first), a.runs)
        tts_all.append(s)
        first_all.append(f)
        print(f"{line[:50]:<52} {len(line.split()):>5} {len(samples) / rate:>8.2f} {s:>6.2f} {f:>11.2f}")
    print(f"{'median per line':<52} {'':>5} {'':>8} {statistics.median(tts_all):>6.2f} "
          f"{statistics.median(first_all):>11.2f}")

    # -- 3. a voice turn against a typed one --------------------------------------------------------
    from personas.actors import Actor, get_backend
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine
    from personas.scenario import load_dir

    sc = load_dir(get_settings().scenarios_dir).scenarios["internet-outage-remote-worker"]
    actor = Actor(get_backend())
    reply_line = AGENT_LINES[5]
    utterance = read_wav(sets["hibari heart"][5][1])

    def typed_turn():
        eng = PracticeEngine(sc, get_archetype(sc.persona), actor)
        eng.open()
        eng.add_trainee(reply_line)
        return eng.reply()

    def voice_turn():
        heard = stt.transcribe(utterance)
        eng = PracticeEngine(sc, get_archetype(sc.persona), actor)
        eng.open()
        eng.add_trainee(heard or reply_line)
        turn = eng.reply()
        tts.synthesize(turn["text"])  # the page's st.audio can start here
        return turn

    typed_turn()  # warm-up (model load, caches)
    typed, voiced = [], []
    for _ in range(a.runs):  # interleaved: both see the same machine load
        typed.append(_median_time(typed_turn, 1)[0])
        voiced.append(_median_time(voice_turn, 1)[0])
    t, v = statistics.median(typed), statistics.median(voiced)
    print(f"\nOne turn, trainee stops talking -> customer's reply can start (utterance {utterance.duration:.1f} s)")
    print(f"{'path':<40} {'median s':>9} {'x typed':>8}")
    print(f"{'typed turn (reply only, baseline)':<40} {t:>9.2f} {1.0:>8.2f}")
    print(f"{'voice turn (STT + reply + TTS of reply)':<40} {v:>9.2f} {v / t if t else float('nan'):>8.1f}")
    print(f"{'extra wait per voice turn':<40} {v - t:>9.2f}")
    print(f"goal: spoken reply starts <= 1.50 s -> {'met' if v <= 1.5 else 'NOT met'} here "
          f"(load average now {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
