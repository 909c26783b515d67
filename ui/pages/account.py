"""Change your own password."""
import streamlit as st

from core.errors import TalkdownError
from store.store import MIN_PASSWORD
from ui.common import ROLE_LABELS, plain, scope, show_error, start_session

sc = scope()
user = sc.user
st.title("Account")
st.write(f"Signed in as **{plain(user.display_name)}** (`{user.username}`), role: {ROLE_LABELS[user.role]}.")
with st.form("pw", clear_on_submit=True):
    old = st.text_input("Current password", type="password")
    new = st.text_input("New password", type="password",
                        help=f"At least {MIN_PASSWORD} visible characters, not a common password or your username; a few "
                        "unrelated words make a long password that is easy to remember.")
    new2 = st.text_input("Repeat new password", type="password")
    ok = st.form_submit_button("Change password")
if ok:
    if new != new2:
        st.error("The new passwords differ.")
    else:
        try:
            sc.change_own_password(old, new)  # ends every session of this user...
            start_session(user)  # ...and this tab carries on with a new one
            st.success("Password changed. Your other tabs and devices are signed out.")
        except TalkdownError as e:
            show_error(e)
