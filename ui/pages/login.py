"""Sign in with a username and password."""
import streamlit as st

from ui.common import get_store, guarded, start_session

st.title("Talkdown")
st.caption("De-escalation practice with customers who react to how they are treated.")
if st.session_state.pop("_session_ended", False):
    st.info("You were signed out (from another tab, after a password change, or after a while idle). "
            "Sign in again.")
left, _ = st.columns([1, 1])
with left:
    with st.form("login"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        ok = st.form_submit_button("Sign in", type="primary")
    if ok:
        # The client's address keys the per-client throttle (behind a proxy: the proxy's address).
        client = getattr(st.context, "ip_address", None) or "local"
        user = guarded(get_store().authenticate, username.strip(), password, client=client)
        if user is not None:
            start_session(user)
            st.rerun()
    st.caption("No account yet? Ask your trainer or administrator to create one.")
