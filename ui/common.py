"""Shared UI plumbing: cached resources, the signed-in user, session-state defaults, errors."""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator, NoReturn, TypeVar

import streamlit as st

from core.errors import TalkdownError
from core.settings import get_settings

T = TypeVar("T")

ROLE_LABELS = {"trainee": "Trainee", "trainer": "Trainer", "manager": "Manager", "admin": "Admin"}


@st.cache_resource(show_spinner=False)
def _store_for(path: str):
    from store import Store

    return Store(path)


def get_store():
    """One Store per database file per process; it is thread-safe (a connection per thread)."""
    return _store_for(get_settings().db_path)


def init_state(defaults: dict[str, Any]) -> None:
    """Set each session_state key once, so pages never KeyError on a fresh session."""
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def start_session(user) -> None:
    """Sign this browser tab in: a new server-side session whose token rides in the URL (?s=...)."""
    token = get_store().sessions.issue(user.id)
    st.session_state["user"] = user
    st.session_state["session_token"] = token
    st.query_params["s"] = token


def current_user():
    return st.session_state.get("user")


def scope():
    """The signed-in user's view of the store; every read and write goes through it."""
    user = current_user()
    if user is None:
        st.stop()
    try:
        return get_store().as_user(user)
    except TalkdownError as e:
        # Account disabled or deleted since login: sign out.
        st.session_state.pop("user", None)
        st.error(plain(e))
        st.stop()


# What starts something in Streamlit's Markdown, backslash-escaped (CommonMark lets any ASCII
# punctuation be escaped), so user and model text shows literally:
#   anywhere: \ ` * _ ~ < > [ ] # $ & @  (emphasis, code, strikethrough, HTML and <autolinks>,
#     links and images, headings, LaTeX, entities, e-mail autolinks); ':' before a letter, '/', '_', '+'
#     or '-' (colour and badge directives :red[...], emoji and icon codes, http:// autolinks); '.' after
#     'www' (www.example autolinks);
#   at the start of a line: '-', '+', '=' and '1.' / '1)' (lists, setext headings);
#   '|' in text of more than one line (tables).
# Ordinary sentences ("I'm sorry, it's £12.40. When?") come out unchanged.
_MD_ANYWHERE = re.compile(r"[\\`*_~<>\[\]#$&@]|:(?=[A-Za-z/_+\-])|(?<=[wW][wW][wW])\.")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # controls that reorder how text reads


# Streamlit's Markdown also turns bare addresses into links after parsing, escaped or not (measured in
# Chromium: "ana\\@example.test", "www\\.example.com" and "http\\://x.com" all rendered as live links). A word
# joiner (U+2060, invisible, no width) after the '@', after 'www' and after the ':' of "://" breaks those
# patterns while the text reads the same.
_WJ = "\u2060"


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    if ch == "@" or (ch == ":" and m.string.startswith("/", m.end())):
        return "\\" + ch + _WJ
    if ch == ".":  # the '.' after 'www'
        return _WJ + "\\."
    return "\\" + ch


def _clean(text: Any) -> str:
    s = "" if text is None else str(text)
    return _BIDI.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def _plain_lines(lines: list[str], *, first_at_line_start: bool = True, tables: bool = False) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        at_start = i > 0 or first_at_line_start
        if at_start:
            line = line.lstrip()  # leading spaces would make a code block
        line = _MD_ANYWHERE.sub(_escape, line)
        if tables:  # a '|' can only make a table when another line follows it
            line = line.replace("|", "\\|")
        m = _MD_LINE_START.match(line) if at_start else None
        if m:
            line = (m.group(0) + "\\" + line[m.end():]) if m.group(0)[0].isdigit() else "\\" + line
        out.append(line)
    return out


def plain(text: Any) -> str:
    """User or model text (a trainee's message, a customer line, a name, a title, a comment, model
    output) as Markdown that shows it literally: no formatting, links, images, HTML, LaTeX or colour.

    Use it wherever such text goes into st.markdown / st.caption / st.info / st.title / a label:
    everything Streamlit renders as Markdown. Line breaks are kept."""
    lines = _clean(text).split("\n")
    return "  \n".join(line.rstrip() for line in _plain_lines(lines, tables=len(lines) > 1))


def code(text: Any) -> str:
    """Short user text (an id, a field name) as an inline code span, which Markdown shows literally;
    text a code span cannot hold (a backtick, a line break) falls back to ``plain``."""
    s = _clean(text)
    return f"`{s}`" if s and "`" not in s and "\n" not in s else plain(s)


def plain_stream(chunks: Iterable[str]) -> Iterator[str]:
    """``plain`` for a stream of display chunks (st.write_stream renders what it is given as Markdown).

    Text is let through a word at a time (up to each space or line break), so every escape sees the
    characters around it, as ``plain`` does; the shown result is the same."""
    pending, at_line_start, tables = "", True, False
    for chunk in chunks:
        pending += _clean(chunk)
        tables = tables or "\n" in pending
        cut = max(pending.rfind(" "), pending.rfind("\n"))
        if cut < 0:
            continue
        ready, pending = pending[: cut + 1], pending[cut + 1:]
        yield "  \n".join(_plain_lines(ready.split("\n"), first_at_line_start=at_line_start, tables=tables))
        at_line_start = ready.endswith("\n")
    if pending:
        yield "  \n".join(_plain_lines(pending.split("\n"), first_at_line_start=at_line_start, tables=tables))


def show_plain(text: Any, *, where: Any = None) -> None:
    """Show user or model text on its own, literally (see ``plain``)."""
    (where or st).markdown(plain(text))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(df: Any) -> bytes:
    """A DataFrame as CSV for download, with every text cell neutralised (``csv_cell``), headers too."""
    import pandas as pd

    safe = df.copy()
    for col in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[col]) or pd.api.types.is_datetime64_any_dtype(safe[col])):
            safe[col] = safe[col].astype(object).map(csv_cell)
    safe.columns = [csv_cell(str(c)) for c in safe.columns]
    # CRLF rows (RFC 4180): the csv writer then quotes any cell holding a CR or LF, so none splits a row.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def with_engine(score: Any, engine: Any) -> str:
    """"72 (engine 79)" when a trainer's override changed a score, else just the score ("—" if none)."""
    if score is None:
        return "—"
    return f"{score} (engine {engine})" if engine is not None and engine != score else f"{score}"


def assignment_name(assignment: Any, titles: dict[str, str]) -> str:
    """An assignment named with its scenario: "Quarterly assessment — Lost parcel" (raw text: pass it
    through ``plain`` before Markdown). An untitled one is its scenario; a title that already names
    the scenario is left as it is."""
    scenario = titles.get(assignment.scenario_id, assignment.scenario_id)
    title = (assignment.title or "").strip()
    if not title:
        return scenario
    return title if scenario.casefold() in title.casefold() else f"{title} — {scenario}"


def show_error(err: Exception) -> None:
    st.error(plain(err), icon=":material/error:")


def chat_bubble(role: str):
    """A chat message for a stored turn's role, with the same avatars on every page (agent, customer)."""
    trainee = role == "trainee"
    return st.chat_message("user" if trainee else "assistant",
                           avatar=":material/support_agent:" if trainee else ":material/person:")


def selected_row(event: Any, n_rows: int) -> int | None:
    """The row picked in a single-row ``st.dataframe``, or None.

    The browser keeps a selected row number when a filter shrinks the table, so one past the end
    means nothing is selected."""
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    return rows[0] if rows and rows[0] < n_rows else None


def done(message: str) -> NoReturn:
    """Rerun the page to show a change, and say what changed at the top of the new run.

    A message drawn just before ``st.rerun()`` is wiped by that rerun, so it is kept for the next one."""
    st.session_state["_done"] = message
    st.rerun()


def show_done() -> None:
    """The message of the action that just reran the page, once (app.py calls this on every page)."""
    if message := st.session_state.pop("_done", None):
        # A toast, not a box at the top: the person may be scrolled down at the form they used.
        st.toast(plain(message), icon=":material/check_circle:", duration="long")


def guarded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run fn; show a TalkdownError as a message instead of a traceback."""
    try:
        return fn(*args, **kwargs)
    except TalkdownError as e:
        show_error(e)
        return None


def fmt_dt(value: Any) -> str:
    if value is None:
        return "—"
    s = str(value)
    return s[:16].replace("T", " ")


SKILL_LABELS = {
    "active_listening": "Active listening",
    "paraphrasing": "Paraphrasing",
    "empathy": "Empathy",
    "focus": "Focus",
    "closure": "Closure",
}
STATUS_LABELS = {
    "active": "In progress", "resolved": "Resolved", "walked_out": "Customer walked out",
    "turn_limit": "Turn limit reached", "trainee_ended": "Ended by trainee",
}
