"""Voice practice with the fake speech backend (TALKDOWN_SPEECH=fake, set in conftest): recordings checked
and measured, the store's channel rules, the report's voice section, and the practice page end to end."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import InputError
from core.settings import get_settings
from services import practice
from tests.conftest import ROOT
from tests.voice_fixtures import long_wav_header, silent_wav, spoken_wav

SCENARIO = "internet-outage-remote-worker"
SAID = "I am so sorry your internet is down on deadline day, let me check the line now."


# -- speech/audio: reading and measuring a recording -------------------------------------------------

def test_speech_is_found_after_the_silence_and_measured():
    import speech

    heard = speech.hear(spoken_wav(SAID, silence=2.4, speaking=3.0, tail=0.5))
    assert heard.text == SAID
    assert heard.silence_before == pytest.approx(2.4, abs=0.1)
    assert heard.speaking_seconds == pytest.approx(3.0, abs=0.15)
    assert heard.duration == pytest.approx(5.9, abs=0.01)
    assert heard.words == len(SAID.split()) == 17


def test_speech_span_holds_at_other_rates_levels_and_in_stereo():
    import numpy as np

    from speech.audio import read_wav, wav_bytes

    base = spoken_wav("x", silence=1.0, speaking=1.5, rate=44100)
    clip = read_wav(base)
    assert clip.rate == 44100 and clip.speech_start == pytest.approx(1.0, abs=0.1)
    quiet = read_wav(wav_bytes(clip.samples * 0.1, 44100))  # a quiet microphone: 20 dB lower
    assert quiet.speech_start == pytest.approx(1.0, abs=0.1)
    stereo = np.repeat(clip.samples, 2)
    import io, wave  # noqa: E401
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(44100)
        w.writeframes((stereo * 32767).astype("<i2").tobytes())
    assert read_wav(buf.getvalue()).speech_start == pytest.approx(1.0, abs=0.1)
    assert len(clip.at_rate(16000)) == pytest.approx(len(clip.samples) * 16000 / 44100, abs=2)


@pytest.mark.parametrize("data, says", [
    (b"", "empty"),
    (None, "empty"),
    (b"%PDF-1.7 this is not audio at all" * 10, "not a WAV"),
    (b"RIFF\x10\x00\x00\x00WAVEfmt garbage", "damaged"),
    (silent_wav(3.0), "silent"),
    (silent_wav(0.1), "too short"),
])
def test_bad_recordings_get_a_plain_message(data, says):
    import speech

    with pytest.raises(InputError) as e:
        speech.hear(data)
    assert says in str(e.value)
    assert "Traceback" not in str(e.value) and "\n" not in str(e.value)


def test_a_ten_minute_recording_is_refused_from_its_header():
    import speech

    with pytest.raises(InputError) as e:
        speech.hear(long_wav_header(600))
    assert "10:00 long" in str(e.value) and "2:00" in str(e.value)


def test_speech_off_or_missing_packages_says_how_to_add_them(monkeypatch):
    import speech

    monkeypatch.setenv("TALKDOWN_SPEECH", "off")
    get_settings.cache_clear()
    assert "switched off" in speech.unavailable_reason()
    monkeypatch.setenv("TALKDOWN_SPEECH", "auto")
    monkeypatch.setattr(speech, "packages_installed", lambda: False)
    get_settings.cache_clear()
    assert speech.backend_name() is None
    assert "requirements-voice.txt" in speech.unavailable_reason()
    with pytest.raises(speech.SpeechUnavailable):
        speech.hear(spoken_wav(SAID))


def test_the_customer_speaks_faster_when_heated():
    import speech
    from speech.audio import read_wav

    calm, heated = read_wav(speech.speak("Thank you, that helps a lot.", mood=1)), \
        read_wav(speech.speak("Thank you, that helps a lot.", mood=9))
    assert heated.duration < calm.duration


# -- store: channel rules and voice measures ---------------------------------------------------------

@pytest.fixture
def people():
    from store import Store

    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    a = store.as_user(admin)
    trainer = a.create_user("trainer", "trainer-password-1", "trainer", "Tess")
    ana = a.create_user("ana", "ana-password-1", "trainee", "Ana")
    g = a.create_group("Team")
    a.add_to_group(g.id, trainer.id)
    a.add_to_group(g.id, ana.id)
    return store, trainer, ana


VOICE = {"audio_seconds": 4.0, "silence_before": 0.8, "speaking_seconds": 3.0, "spoken_words": 9}


def test_an_assignment_that_requires_voice_cannot_be_typed(people):
    store, trainer, ana = people
    a = store.as_user(trainer).create_assignment(SCENARIO, user_ids=[ana.id], channel="voice")
    assert a.channel == "voice"
    sc = store.as_user(ana)
    with pytest.raises(InputError, match="must be done by voice"):
        sc.start_conversation(SCENARIO, assignment_id=a.id, channel="text")
    conv = practice.start(sc, SCENARIO, assignment_id=a.id)  # the assignment decides the channel
    assert sc.get_conversation(conv).channel == "voice"
    with pytest.raises(InputError, match="must be done by voice"):
        list(practice.send(sc, conv, "I'm sorry, let me help."))
    assert [t["role"] for t in sc.get_turns(conv)] == ["customer"], "the refused typed turn was not saved"
    list(practice.send(sc, conv, "I'm sorry, let me help.", voice=VOICE))
    assert sc.get_turns(conv)[1]["voice"] == VOICE


def test_a_typed_conversation_holds_no_speech_and_measures_are_checked(people):
    store, trainer, ana = people
    with pytest.raises(InputError, match="any, voice or text"):
        store.as_user(trainer).create_assignment(SCENARIO, user_ids=[ana.id], channel="phone")
    sc = store.as_user(ana)
    typed = sc.start_conversation(SCENARIO)
    assert sc.get_conversation(typed).channel == "text"
    with pytest.raises(InputError, match="typed"):
        sc.add_turn(typed, "trainee", "hello", voice=VOICE)
    spoken = sc.start_conversation(SCENARIO, channel="voice")
    for bad in ({**VOICE, "silence_before": 5.0}, {**VOICE, "spoken_words": -1}, {**VOICE, "audio_seconds": "4"},
                {**VOICE, "extra": 1}, {**VOICE, "audio_seconds": float("nan")}):
        with pytest.raises(InputError):
            sc.add_turn(spoken, "trainee", "hello", voice=bad)
    sc.add_turn(spoken, "trainee", "typed in a free voice practice is fine")
    assert "voice" not in sc.get_turns(spoken)[0]
    with pytest.raises(InputError, match="by text or by voice"):
        sc.start_conversation(SCENARIO, channel="carrier pigeon")


def test_a_retry_keeps_the_channel_and_the_spoken_turns(people):
    store, _, ana = people
    sc = store.as_user(ana)
    conv = practice.start(sc, SCENARIO, channel="voice")
    list(practice.send(sc, conv, "I'm so sorry about the outage.", voice=VOICE))
    list(practice.send(sc, conv, "Let me check the line for you.", voice=VOICE))
    practice.end(sc, conv)
    new = practice.branch(sc, conv, 4)
    assert sc.get_conversation(new).channel == "voice"
    assert sc.get_turns(new)[1]["voice"] == VOICE


def test_voice_turns_score_exactly_like_typed_ones(people):
    store, _, ana = people
    sc = store.as_user(ana)
    lines = ["I'm so sorry the internet is down on your deadline day.", "When did it stop working?",
             "I'll send an engineer today and call you back by three."]
    scores = []
    for channel in ("text", "voice"):
        conv = practice.start(sc, SCENARIO, channel=channel)
        for line in lines:
            list(practice.send(sc, conv, line, voice=VOICE if channel == "voice" else None))
        practice.end(sc, conv)
        scores.append(sc.get_report(conv).dimensions)
    assert scores[0] == scores[1]


# -- the report's voice section -----------------------------------------------------------------------

def _turn(text, words, speaking, silence, audio=None):
    return {"role": "trainee", "text": text, "voice": {"audio_seconds": audio or speaking + silence + 0.2,
                                                       "silence_before": silence, "speaking_seconds": speaking,
                                                       "spoken_words": words}}


def test_pace_and_silences_quote_the_turns_that_show_them():
    from speech.pace import summarise

    turns = [{"role": "customer", "text": "Hello?"},
             _turn("steady reply of a good length here", 10, 4.0, 0.5),      # 150 wpm
             {"role": "customer", "text": "And?"},
             _turn("rushed words tumbling out all at once now", 16, 4.0, 0.3),  # 240 wpm
             {"role": "customer", "text": "Hm."},
             _turn("well um let me see", 5, 4.0, 6.5),                      # 75 wpm, long silence
             {"role": "customer", "text": "Ok."},
             {"role": "trainee", "text": "typed one"},
             {"role": "customer", "text": "Yes."},
             _turn("ok", 1, 0.4, 0.2)]                                      # too short for a pace
    s = summarise(turns)
    assert [v.turn for v in s.fast] == [4] and [v.turn for v in s.slow] == [6]
    assert [v.turn for v in s.long_silences] == [6]
    assert s.typed_turns == 1 and len(s.turns) == 4
    assert s.wpm == pytest.approx((10 + 16 + 5) / 12.0 * 60)
    assert summarise([{"role": "trainee", "text": "typed"}]) is None


# -- the practice page ---------------------------------------------------------------------------------

def _app(user, page="ui/pages/practice.py", **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = user
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    return at.switch_page(page).run()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "error", "warning", "info", "success", "header")
                     for e in getattr(at, kind))


def _start_voice(user) -> AppTest:
    at = _app(user)
    next(s for s in at.selectbox if s.label == "Scenario").set_value(SCENARIO).run()
    at.radio(key="practice_channel").set_value("Voice").run()
    _button(at, "Start").click().run()
    assert not at.exception
    return at


def test_a_spoken_turn_is_transcribed_editable_sent_and_answered_aloud(people):
    store, _, ana = people
    at = _start_voice(ana)
    assert at.audio_input, "the voice page records"
    assert "localhost or over HTTPS" in _texts(at)
    at.audio_input[0].set_value(("reply.wav", spoken_wav("I am sorry your internet is down", silence=3.6),
                                 "audio/wav")).run()
    assert not at.exception
    box = next(t for t in at.text_area if t.label.startswith("What you said"))
    assert box.value == "I am sorry your internet is down"
    sc = store.as_user(ana)
    conv = sc.active_conversation()
    assert [t["role"] for t in sc.get_turns(conv.id)] == ["customer"], "nothing is sent before the trainee says so"
    box.input("I am so sorry your internet is down on deadline day.").run()  # a mis-hearing, corrected
    at.button(key="voice_send").click().run()
    assert not at.exception
    turns = sc.get_turns(conv.id)
    assert turns[1]["text"] == "I am so sorry your internet is down on deadline day."
    assert turns[1]["voice"]["silence_before"] == pytest.approx(3.6, abs=0.1)
    assert turns[1]["voice"]["spoken_words"] == 7, "words heard, before the edit"
    assert turns[2]["role"] == "customer" and turns[2]["text"] in _texts(at), "the reply is shown as text"
    players = [e for e in at.main if e.type == "audio"]
    assert len(players) == 1 and players[0].proto.autoplay, "and spoken"
    assert at.get("progress"), "the mood meter shows as in text mode"
    assert not [t for t in at.text_area if t.label.startswith("What you said")], "the next turn starts clean"
    at.run()
    assert not [e for e in at.main if e.type == "audio" and e.proto.autoplay], "spoken once, not on every rerun"


def test_bad_recordings_keep_the_conversation_and_the_draft(people):
    store, _, ana = people
    at = _start_voice(ana)
    at.audio_input[0].set_value(("reply.wav", spoken_wav(SAID), "audio/wav")).run()
    box = next(t for t in at.text_area if t.label.startswith("What you said"))
    box.input(SAID + " Edited.").run()
    for data, says in ((silent_wav(2.0), "silent"), (long_wav_header(600), "10:00 long"),
                       (b"RIFF....WAVEnot really", "damaged")):
        at.audio_input[0].set_value(("again.wav", data, "audio/wav")).run()
        assert not at.exception
        assert any(says in e.value for e in at.error), says
        assert next(t for t in at.text_area if t.label.startswith("What you said")).value == SAID + " Edited."
    at.file_uploader[0].set_value(("notes.pdf", b"%PDF-1.4 not audio", "application/pdf")).run()
    assert any("not a WAV recording" in e.value for e in at.error)
    assert next(t for t in at.text_area if t.label.startswith("What you said")).value == SAID + " Edited."
    sc = store.as_user(ana)
    assert len(sc.get_turns(sc.active_conversation().id)) == 1, "nothing was sent"


def test_voice_unavailable_explains_how_to_add_it(people, monkeypatch):
    store, _, ana = people
    import speech

    monkeypatch.setenv("TALKDOWN_SPEECH", "auto")
    monkeypatch.setattr(speech, "packages_installed", lambda: False)
    get_settings.cache_clear()
    at = _app(ana)
    at.radio(key="practice_channel").set_value("Voice").run()
    assert "pip install -r requirements-voice.txt" in _texts(at)
    assert _button(at, "Start").disabled
    at.radio(key="practice_channel").set_value("Text").run()
    assert not _button(at, "Start").disabled


def test_the_report_of_a_spoken_call_has_the_voice_section(people):
    store, _, ana = people
    sc = store.as_user(ana)
    conv = practice.start(sc, SCENARIO, channel="voice")
    slow = {"audio_seconds": 12.0, "silence_before": 7.5, "speaking_seconds": 4.0, "spoken_words": 6}
    list(practice.send(sc, conv, "Um, right, let me look.", voice=slow))
    at = _app(ana, practice_conv=conv)
    _button(at, "End conversation").click().run()
    assert not at.exception
    t = _texts(at)
    assert "Voice: pace and silences" in t
    assert "Turn 2: 7.5 s of silence before you spoke — “Um, right, let me look.”" in t
    assert "Turn 2: 90 words/min" in t


def test_trainer_requires_voice_when_assigning(people):
    store, trainer, ana = people
    at = _app(trainer, "ui/pages/assignments.py")
    form_people = next(m for m in at.multiselect if m.label.startswith("…and/or"))
    form_people.select(form_people.options[0])
    next(r for r in at.radio if r.label == "Reply by").set_value("voice")
    next(b for b in at.button if b.label == "Assign").click().run()
    assert not at.exception
    (a,) = store.as_user(trainer).list_assignments()
    assert a.channel == "voice"
    assert "by voice" in " ".join(e.label for e in at.expander)


# -- issue 13: after a finished call, the sidebar's Practice shows the picker ------------------------

def test_practice_from_the_sidebar_after_a_finished_call_shows_the_picker(people):
    store, _, ana = people
    sc = store.as_user(ana)
    conv = practice.start(sc, SCENARIO)
    list(practice.send(sc, conv, "I'm so sorry about the outage."))
    at = _app(ana, practice_conv=conv)
    _button(at, "End conversation").click().run()
    assert "Your report" in _texts(at), "the report shows right after the call, on the conversation's page"
    at.switch_page("ui/pages/conversation.py").run()  # a rerun of the report page (any click in it) keeps it
    assert "Your report" in _texts(at)
    at.switch_page("ui/pages/home.py").run()
    at.switch_page("ui/pages/practice.py").run()
    assert not at.exception
    assert "Your report" not in _texts(at)
    assert any(s.label == "Scenario" for s in at.selectbox), "the scenario picker"
    assert sc.get_report(conv) is not None, "the report is kept (in My history)"


# -- bench/voice.py runs end to end (its figures come from the real models: see README) ----------------

def test_voice_bench_prints_its_tables(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("voice_bench", ROOT / "bench" / "voice.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.wer("I will call you back", "I'll call you back") == pytest.approx(2 / 5)
    assert bench.wer("call you back", "call you back") == 0
    assert bench.main(["--speech", "fake", "--runs", "1", "--no-espeak"]) == 0
    out = capsys.readouterr().out
    for heading in ("Speech to text", "Text to speech", "extra wait per voice turn", "goal: spoken reply starts"):
        assert heading in out


def test_an_assignment_that_requires_voice_opens_as_a_call_with_typing_locked(people):
    store, trainer, ana = people
    store.as_user(trainer).create_assignment(SCENARIO, user_ids=[ana.id], channel="voice", title="Phone week")
    at = _app(ana, "ui/pages/home.py")
    assert "by voice" in _texts(at)
    next(b for b in at.button if b.label == "Start").click().run()
    assert not at.exception
    assert at.audio_input, "the assignment opens as a voice conversation"
    assert "must be done by voice" in _texts(at)
    assert at.chat_input[0].proto.disabled
