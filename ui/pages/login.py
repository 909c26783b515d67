"""Sign in with a username and password, or with a single sign-on provider when one is configured."""
import streamlit as st

from ui.common import get_store, guarded, plain, start_session
from ui.sso import provider_signed_in, refusal, sign_out_of_provider, sso_config, start_provider_sign_in, take_note

st.title("Talkdown")
st.caption("De-escalation practice with customers who react to how they are treated.")
ended = st.session_state.pop("_session_ended", False)
if ended:
    st.info("You were signed out (from another tab, after a password change, or after a while idle). "
            "Sign in again.")
sso = sso_config()
left, right = st.columns([1, 1])
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
with right:
    if sso.enabled:
        st.write("Or sign in with your organisation's account:")
        if refused := refusal():
            st.error(plain(refused), icon=":material/block:")
        elif (note := take_note()) and not ended:
            st.caption(plain(note))
        for provider in sso.providers:
            if st.button(f"Sign in with {provider.label}", key=f"sso_{provider.key or 'default'}",
                         icon=":material/key:", width="stretch"):
                start_provider_sign_in(provider)
        if provider_signed_in() and st.button("Use a different account", key="sso_switch",
                                              help="Forget this browser's single sign-on, then pick again."):
            sign_out_of_provider()
    if sso.problem:
        st.caption(plain(sso.problem + " Password sign-in works as usual."))
