"""Shared UI plumbing: cached resources, the signed-in user, session-state defaults, errors."""
from __future__ import annotations

from typing import Any, Callable, NoReturn, TypeVar

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
        st.error(str(e))
        st.stop()


def show_error(err: Exception) -> None:
    st.error(str(err), icon=":material/error:")


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
        st.toast(message, icon=":material/check_circle:", duration="long")


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
