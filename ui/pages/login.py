"""Sign in with a username and password."""
import streamlit as st

from ui.common import get_store, guarded

st.title("Talkdown")
st.caption("De-escalation practice with customers who react to how they are treated.")
left, _ = st.columns([1, 1])
with left:
    with st.form("login"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        ok = st.form_submit_button("Sign in", type="primary")
    if ok:
        user = guarded(get_store().authenticate, username.strip(), password)
        if user is not None:
            st.session_state["user"] = user
            st.rerun()
    st.caption("No account yet? Ask your trainer or administrator to create one.")
