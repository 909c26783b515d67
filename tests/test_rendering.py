"""User and model text is shown as plain text on every page; CSV cells never start a formula."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from services import practice
from tests.test_app import SCENARIO, app_as, open_page, org  # noqa: F401  (org is a fixture)
from tests.test_app_interactions import captured_files  # noqa: F401  (a fixture)
from ui.common import csv_bytes, csv_cell, plain, plain_stream

HOSTILE = "![x](http://127.0.0.1:9/p.png) [reset your password](http://evil) $x^2$ :red[hi] <b>bold</b>"


def _live_markdown(md: str) -> list[str]:
    """Markdown constructs that would render (not backslash-escaped) in md."""
    unescaped = r"(?<!\\)"
    found = []
    for name, pattern in [("image", r"!\["), ("link", r"\]\("), ("latex", r"\$"), ("directive", r":[a-z-]+\["),
                          ("html", r"<[a-zA-Z/]"), ("autolink", r"https?:"), ("www", r"www\."), ("emphasis", r"\*\*"),
                          ("code", r"`"), ("emoji", r":[a-z_]+:"), ("entity", r"&[a-z]+;")]:
        if re.search(unescaped + pattern, md):
            found.append(name)
    return found


@pytest.mark.parametrize("text", [
    HOSTILE, "**bold** _it_ ~~gone~~ `code` # heading", "www.evil.example and a@b.example", "&amp; &#x3C;b&#x3E;",
    ":material/warning: :smile: :blue-badge[fake]", "1. one\n- two\n> quote\n===", "| a | b |\n|---|---|",
    "<script>alert(1)</script><img src=x onerror=alert(1)>", "$$\\int_0^1 x\\,dx$$", "\\[x](y)",
])
def test_plain_leaves_no_markdown_construct_alive(text):
    md = plain(text)
    assert _live_markdown(md) == [], md
    assert _live_markdown("".join(plain_stream(text.split(" ")))) == []


def test_plain_keeps_ordinary_sentences_as_they_are():
    for text in ["I'm so sorry, that sounds really stressful. When did it stop working?",
                 "That's £212.40, charged twice — on 3 March and 10:30 today?"]:
        assert plain(text) == text


def test_plain_keeps_line_breaks_and_drops_reordering_controls():
    assert plain("one\ntwo") == "one  \ntwo"
    assert plain("abc\u202edef") == "abcdef"


def _hostile_conversation(store, user) -> int:
    sc = store.as_user(user)
    conv = practice.start(sc, SCENARIO)
    list(practice.send(sc, conv, HOSTILE))
    practice.end(sc, conv)
    return conv


def test_trainees_hostile_text_shows_literally_in_the_trainers_transcript_view(org):
    store, users = org
    conv = _hostile_conversation(store, users["ana"])
    at = open_page(users["trainer"], "ui/pages/conversation.py", view_conversation=conv)
    assert not at.exception
    bodies = [m.value for bubble in at.chat_message for m in bubble.markdown]
    assert plain(HOSTILE) in bodies, bodies
    for body in bodies:
        assert _live_markdown(body) == [], body
    # Nor does it render anywhere else on the page (evidence quotes, suggestions, policy notes).
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        for e in getattr(at, kind):
            value = str(e.value)
            if any(bit in value for bit in ("reset your password", "x^2", "bold", "p.png")):
                assert _live_markdown(value) == [], (kind, value)


def test_hostile_names_and_titles_show_literally(org):
    """A display name and an assignment title, as a trainer and an admin see them."""
    store, users = org
    a = store.as_user(users["admin"])
    a.set_display_name(users["ana"].id, "**Evil** [me](http://evil)")
    store.as_user(users["trainer"]).create_assignment(SCENARIO, user_ids=[users["ana"].id],
                                                      title=":red[Urgent] ![i](http://evil/i.png)")
    conv = _hostile_conversation(store, users["ana"])
    pages = [(users["trainer"], "ui/pages/conversation.py"), (users["trainer"], "ui/pages/assignments.py"),
             (users["ana"], "ui/pages/home.py"), (users["admin"], "ui/pages/admin.py"),
             (users["ana"], "ui/pages/account.py"), (users["ana"], "ui/pages/history.py")]
    for user, page in pages:
        at = open_page(user, page, view_conversation=conv)
        assert not at.exception, page
        for kind in ("markdown", "caption", "info", "title", "success"):
            for e in getattr(at, kind):
                value = str(e.value)
                assert not re.search(r"(?<!\\)\]\(|(?<!\\):red\[|(?<!\\)\*\*Evil", value), (page, value)
        labels = [e.proto.label for e in at.get("expander")]
        assert all("![i](" not in lab for lab in labels), labels


def test_the_practice_chat_shows_the_trainees_and_customers_text_literally(org):
    store, users = org
    sc = store.as_user(users["ana"])
    conv = practice.start(sc, SCENARIO)
    at = open_page(users["ana"], "ui/pages/practice.py", practice_conv=conv)
    at.chat_input(key="chat_msg").set_value(HOSTILE).run()
    assert not at.exception
    bodies = [m.value for bubble in at.chat_message for m in bubble.markdown]
    assert plain(HOSTILE) in bodies
    assert all(_live_markdown(b) == [] for b in bodies), bodies


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_would_start_a_formula_are_neutralised(value):
    assert csv_cell(value) == "'" + value
    rows = list(csv.reader(io.StringIO(csv_bytes(pd.DataFrame([{"name": value, "score": -5}])).decode(), newline="")))
    assert rows[1][0].startswith("'") and rows[1][-1] == "-5"  # numbers stay numbers


def test_the_dashboard_csv_neutralises_a_formula_in_a_name(org, captured_files):  # noqa: F811
    store, users = org
    store.as_user(users["admin"]).set_display_name(users["ana"].id, '=HYPERLINK("http://evil","Click")')
    _hostile_conversation(store, users["ana"])
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert not at.exception
    text = captured_files["talkdown-scores.csv"].decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and rows[0]["display_name"] == "'=HYPERLINK(\"http://evil\",\"Click\")"
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
