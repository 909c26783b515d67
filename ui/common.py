"""Shared UI plumbing: cached resources, the signed-in user, session-state defaults, errors."""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable, Iterator, Mapping, NoReturn, TypeVar

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


# -- the signed-in session ------------------------------------------------------------------
# A signed-in browser keeps a signed session cookie (store/sessions.py): a refresh, a new tab and a
# pasted deep link sign in from it, and the URL carries no secret. Every run checks the session
# against the database, so signing out elsewhere, a password change or reset, disabling the account
# and idle or age expiry end it in every tab.
SESSION_COOKIE = "talkdown_session"
_SESSION = "session_token"      # session_state: this tab's signed cookie value
_SPENT = "_spent_cookies"       # session_state: cookie values this tab knows are dead (cleared in the browser)
_WRITTEN = "_cookie_written"    # session_state: the value this tab has sent the browser
_CLEARED = "_cookies_cleared"   # session_state: the dead values this tab has had the browser clear
_COOKIE_CHARS = re.compile(r"[A-Za-z0-9._-]{1,200}")


def browser_cookies() -> Mapping[str, str]:
    """The cookies the browser sent when this tab connected (``st.context.cookies``).

    The one seam for tests: AppTest has no browser, so tests replace this function with a jar."""
    return st.context.cookies


def start_session(user) -> None:
    """Sign this browser in: a new server-side session, written to the browser's cookie on this run."""
    value, max_age = get_store().sessions.issue_cookie(user.id)
    st.session_state["user"] = user
    st.session_state[_SESSION] = value
    st.session_state.pop(_WRITTEN, None)
    # Sent at once too (a page that signs in again after the sidebar has run, e.g. a password change,
    # would otherwise leave the browser with the ended session until the next click); the next run
    # sends it once more, in case this run ends in st.rerun() before the browser got it.
    st.sidebar.html(cookie_script(set_value=value, max_age=max_age), unsafe_allow_javascript=True)


def resume_session(store):
    """The user this tab is signed in as (its own session, else the browser's cookie), or None.

    A legacy ``?s=`` token in the URL is dropped unused: a shared link must not carry a session."""
    if "s" in st.query_params:
        del st.query_params["s"]
    spent = st.session_state.setdefault(_SPENT, [])
    value = st.session_state.get(_SESSION)
    if value is None:
        cookie = _browser_cookie()
        value = cookie if cookie not in spent else None
    if value is None:
        return current_user()  # signed in without a browser (AppTests set the user directly), or not at all
    user = store.sessions.user_for_cookie(value)
    if user is None:
        if "user" in st.session_state:
            st.session_state["_session_ended"] = True
        st.session_state.pop("user", None)
        st.session_state.pop(_SESSION, None)
        if value not in spent:
            spent.append(value)
        return None
    st.session_state["user"] = user
    st.session_state[_SESSION] = value
    return user


def end_session(store, user) -> None:
    """Sign out: every session of this user ends (all tabs and devices); this tab forgets it all, and
    the browser's cookie is cleared on the next run."""
    store.sessions.end_all(user.id)
    spent = [v for v in (st.session_state.get(_SESSION), _browser_cookie()) if v]
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_SPENT] = spent


def _browser_cookie() -> str | None:
    try:
        value = browser_cookies().get(SESSION_COOKIE)
    except Exception:  # no browser connection (a bare script run)
        return None
    return value if isinstance(value, str) and value else None


def sync_session_cookie() -> None:
    """Bring the browser's cookie in line with this tab, once per change: write the session it is
    signed in with, or clear a cookie this tab knows is dead (only if the browser still holds that
    one: another tab may have signed in since). Called once per run (app.py).

    Written once, so two tabs of one browser signed in as different people do not keep taking the
    cookie from each other (the last sign-in wins; the other tab carries on until refreshed)."""
    value = st.session_state.get(_SESSION)
    if value is not None and "user" in st.session_state:
        if _browser_cookie() == value or st.session_state.get(_WRITTEN) == value:
            return  # the browser connected with it, or has been sent it
        max_age = int(get_store().sessions.seconds_left(value))
        if max_age > 0:
            st.html(cookie_script(set_value=value, max_age=max_age), unsafe_allow_javascript=True)
            st.session_state[_WRITTEN] = value
        return
    spent = [v for v in st.session_state.get(_SPENT) or [] if v not in st.session_state.get(_CLEARED, ())]
    if spent:
        st.html(cookie_script(clear_if=spent), unsafe_allow_javascript=True)
        st.session_state[_CLEARED] = list(st.session_state.get(_CLEARED, ())) + spent


def cookie_script(*, set_value: str | None = None, max_age: int = 0, clear_if: Iterable[str] = ()) -> str:
    """A hidden script that sets or clears the session cookie in this (same-origin) page.

    Path=/ (every page), SameSite=Strict, Secure when the page is served over https, Max-Age the
    session's remaining lifetime. The values are signed cookie values only (base64url and dots)."""
    safe = [v for v in clear_if if isinstance(v, str) and _COOKIE_CHARS.fullmatch(v)]
    op = {"name": SESSION_COOKIE, "set": set_value if set_value and _COOKIE_CHARS.fullmatch(set_value) else None,
          "maxAge": int(max_age), "clearIf": safe}
    data = json.dumps(op).replace("<", "\\u003c")
    return ("<script>/*talkdown-cookie*/(function(op){"
            "var attrs='; Path=/; SameSite=Strict'+(location.protocol==='https:'?'; Secure':'');"
            "if(op.set){document.cookie=op.name+'='+op.set+'; Max-Age='+op.maxAge+attrs;return;}"
            "var cur=null;document.cookie.split(';').forEach(function(c){c=c.trim();"
            "if(c.indexOf(op.name+'=')===0){cur=c.slice(op.name.length+1);}});"
            "if(cur!==null&&op.clearIf.indexOf(cur)>=0){document.cookie=op.name+'=; Max-Age=0'+attrs;}"
            f"}})({data});</script>")


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
