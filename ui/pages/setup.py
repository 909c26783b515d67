"""First run: the database has no users, so the first account created is the admin."""
import streamlit as st

from ui.common import get_store, guarded, start_session

st.title("Welcome to Talkdown")
st.write("This is a new installation. Create the administrator account to begin. "
         "There is no default password: choose one now (at least 8 characters).")
with st.form("setup"):
    display = st.text_input("Your name")
    username = st.text_input("Username")
    pw = st.text_input("Password", type="password")
    pw2 = st.text_input("Repeat password", type="password")
    ok = st.form_submit_button("Create admin account", type="primary")
if ok:
    if pw != pw2:
        st.error("The two passwords differ. Type the same password twice.")
    elif not username.strip():
        st.error("Choose a username.")
    else:
        user = guarded(get_store().create_first_admin, username.strip(), pw, display.strip() or username.strip())
        if user is not None:
            start_session(user)
            st.rerun()
