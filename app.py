"""Talkdown: Streamlit entry. Builds the navigation from the signed-in user's role; nothing else."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Talkdown", page_icon=":material/record_voice_over:", layout="wide")

from core.errors import TalkdownError  # noqa: E402
from core.settings import get_settings  # noqa: E402
from ui.common import (ROLE_LABELS, end_session, get_store, plain, resume_session, show_done,  # noqa: E402
                       start_session, sync_session_cookie)
from ui.sso import sign_in_from_provider, sign_out_of_provider  # noqa: E402


# The address of every page a signed-in user may have (ui/pages/<name>.py is at /<name>).
SIGNED_IN_PATHS = sorted(p.stem for p in (Path(__file__).parent / "ui" / "pages").glob("*.py")
                         if p.stem not in ("login", "setup") and not p.stem.startswith("_"))


def P(path: str, title: str, icon: str, **kw) -> st.Page:
    return st.Page(f"ui/pages/{path}", title=title, icon=f":material/{icon}:", **kw)


try:
    store = get_store()
    first_run = store.needs_setup()
except TalkdownError as e:  # unreadable database file, failed migration
    st.error(plain(e))
    st.stop()

# The session rides in a signed cookie, never in the URL (ui.common.resume_session).
user = resume_session(store) if not first_run else None
if user is None and not first_run:
    # Back from the single sign-on provider (st.login): a linked identity starts a normal session.
    user = sign_in_from_provider(store)
    if user is not None:
        start_session(user)
if first_run:
    pages = [P("setup.py", "Set up Talkdown", "settings", default=True)]
elif user is None:
    # A deep link opened signed out (/practice, /conversation?id=5) shows the sign-in page at that
    # address, so signing in lands on the page that was asked for.
    pages = [P("login.py", "Sign in", "login", default=True)] + [
        P("login.py", "Sign in", "login", url_path=path, visibility="hidden") for path in SIGNED_IN_PATHS]
else:
    role = user.role
    practise = [P("home.py", "My training", "school", default=role == "trainee"),
                P("practice.py", "Practice", "forum"),
                P("history.py", "My history", "history")]
    conversation = P("conversation.py", "Conversation", "article", visibility="hidden")
    coach = [P("scenarios.py", "Scenarios", "edit_note", default=role == "trainer"),
             P("assignments.py", "Assignments", "assignment"),
             P("transcripts.py", "Transcripts", "list_alt")]
    dashboard = P("dashboard.py", "Team dashboard", "monitoring", default=role in ("manager", "admin"))
    admin = [P("admin.py", "Users & groups", "group")]
    account = [P("account.py", "Account", "person")]
    if role == "trainee":
        sections = {"Practise": practise + [conversation], "You": account}
    elif role == "trainer":
        sections = {"Coach": coach + [dashboard, conversation], "Practise": practise, "You": account}
    elif role == "manager":
        sections = {"Team": [dashboard, P("transcripts.py", "Transcripts", "list_alt"), conversation],
                    "You": account}
    else:  # admin
        sections = {"Team": [dashboard] + coach + [conversation], "Admin": admin,
                    "Practise": practise, "You": account}
    pages = sections

nav = st.navigation(pages)

with st.sidebar:
    if user is not None and not first_run:
        st.markdown(f"**{plain(user.display_name)}**  \n{ROLE_LABELS.get(user.role, user.role)} · `{user.username}`")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            end_session(store, user)  # every tab and device of this user is signed out
            st.query_params.clear()
            if not sign_out_of_provider():  # st.logout() reloads the app itself
                st.rerun()
            st.stop()
    settings = get_settings()
    backend = settings.resolved_backend()
    where = {"local": "embedded local model (offline)", "scripted": "scripted lines (offline)",
             "openai": f"OpenAI-compatible · {settings.openai_model}"}.get(backend, backend)
    st.caption(f"Customer voice: {where}")
    sync_session_cookie()  # writes or clears the browser's session cookie (a hidden script)

show_done()
nav.run()
