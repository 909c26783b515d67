"""Real browser: one spoken turn through Chromium's fake microphone (a WAV made here), with the fake
speech backend on the server (TALKDOWN_SPEECH=fake from conftest). Screenshot: test-artifacts/browser/."""
from __future__ import annotations

import os

import pytest

from tests.test_browser import ARGS, ARTIFACTS, CHROMIUM, _page, _settle, _sign_in, server  # noqa: F401
from tests.voice_fixtures import spoken_wav

MIC = '[data-testid="stAudioInputActionButton"]'
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


def test_one_spoken_turn_with_the_fake_microphone(server, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from speech.fake import DEFAULT_HEARD
    from store import Store

    url, db = server
    store = Store(str(db))
    admin = store.create_first_admin("ada", "a-long-password", "Ada Admin")
    store.as_user(admin).create_user("tia", "tia-password-1", "trainee", "Tia Trainee")
    mic = tmp_path / "mic.wav"
    mic.write_bytes(spoken_wav(silence=0.5, speaking=2.5, tail=1.0, rate=48000))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            *ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={mic}", "--autoplay-policy=no-user-gesture-required"])
        ctx = b.new_context(viewport={"width": 1400, "height": 1000}, permissions=["microphone"])
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        _sign_in(page, url, "tia", "tia-password-1")
        page.get_by_role("link", name="Practice").click()
        page.get_by_text("Voice", exact=True).click()
        _settle(page)
        page.get_by_role("button", name="Start").click()
        try:
            page.locator(MIC).wait_for()
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "voice_failed.png"), full_page=True)
            (ARTIFACTS / "voice_failed.html").write_text(page.locator('[data-testid="stAudioInput"]').inner_html())
            raise
        _settle(page)
        page.locator(MIC).click()  # "Record"
        page.wait_for_timeout(3500)
        page.locator(MIC).click()  # "Stop recording": the recording is uploaded
        box = page.get_by_label("What you said — correct any word that was mis-heard, then send")
        box.wait_for()
        assert box.input_value() == DEFAULT_HEARD, "the recording reached the server and was transcribed"
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / "voice_transcript.png"), full_page=True)
        box.fill(DEFAULT_HEARD + " Thanks for waiting.")
        box.press("Tab")  # commit the edit before the click
        _settle(page)
        page.locator(".st-key-voice_send button").click()
        page.wait_for_function("document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 3")
        page.locator('[data-testid="stAudio"]').first.wait_for()
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / "voice_reply.png"), full_page=True)
        audio = page.locator('[data-testid="stAudio"]').first
        assert audio.evaluate("a => a.autoplay"), "the customer's reply is spoken"
        ctx.close()
        b.close()
    sc = store.as_user(store.authenticate("tia", "tia-password-1"))
    conv = sc.list_conversations()[0]
    turns = sc.get_turns(conv.id)
    assert conv.channel == "voice"
    assert turns[1]["text"] == DEFAULT_HEARD + " Thanks for waiting."
    v = turns[1]["voice"]
    assert 2.0 <= v["audio_seconds"] <= 6.0 and v["spoken_words"] == len(DEFAULT_HEARD.split())
    assert turns[2]["role"] == "customer"
