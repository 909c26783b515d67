"""`ui.common.plain` in a real browser: Streamlit's Markdown must show hostile text literally.

The source-level checks in test_rendering.py look for unescaped Markdown; this one renders the text in
Chromium, because Streamlit also links bare addresses after parsing, whatever the escapes say."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.test_browser import ARGS, CHROMIUM, _free_port

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]

HOSTILE = [
    "mail ana@example.test now", "x@y.co", "see www.example.com now", "go http://x.com/a now",
    "https://evil.test/reset", "[reset your password](http://evil.test)", "![](http://127.0.0.1:9/p.png)",
    "<a href='http://e.test'>hi</a>", "ftp://files.example.org/x", "WWW.EXAMPLE.ORG", "mailto:boss@corp.test",
]

APP = """
import json, re, sys
sys.path.insert(0, {root!r})
import streamlit as st
from ui.common import plain, plain_stream
for text in json.loads({cases!r}):
    st.markdown(plain(text))
    st.markdown("".join(plain_stream(re.findall(r"\\S+\\s*|\\s+", text))))
"""


def test_plain_text_renders_without_links_or_images_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    script = tmp_path / "render.py"
    script.write_text(APP.format(root=str(ROOT), cases=json.dumps(HOSTILE)))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.headless", "true", "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}")
            boxes = page.locator("[data-testid=stMarkdownContainer]")
            page.wait_for_function(f"document.querySelectorAll('[data-testid=stMarkdownContainer]').length >= {2 * len(HOSTILE)}",
                                   timeout=60_000)
            shown = [(boxes.nth(i).inner_text(), boxes.nth(i).inner_html()) for i in range(boxes.count())]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert len(shown) == 2 * len(HOSTILE)
    for i, (text, html) in enumerate(shown):
        original = HOSTILE[i // 2]
        assert "<a " not in html and "<img" not in html, (original, html)
        assert text.replace("\u2060", "") == original, (original, text)
