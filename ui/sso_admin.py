"""Admin: single sign-on links — identities waiting to be linked, and the links in use (store/sso.py)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import TalkdownError
from ui.common import done, fmt_dt, get_store, plain, show_error
from ui.sso import sso_config


def _who(identity) -> str:
    parts = [identity.provider or "provider", identity.email or identity.name or identity.subject]
    return " · ".join(parts)


def sso_links_section(sc) -> None:
    """The admin page's single sign-on part; ``sc`` is the admin's UserScope (the store checks the role)."""
    from store.sso import SsoIdentities

    try:
        adm = SsoIdentities(get_store()).admin(sc.user)
        links, pending = adm.links(), adm.pending()
    except TalkdownError as e:
        show_error(e)
        return
    config = sso_config()
    st.divider()
    st.subheader("Single sign-on")
    if not config.enabled:
        st.caption(plain(config.problem or "Single sign-on is not configured: see README, “Single sign-on”."))
    elif config.problem:
        st.caption(plain(config.problem))
    if not (config.enabled or links or pending):
        return
    users = sc.list_users()

    st.markdown("**Waiting to be linked**")
    if not pending:
        st.caption("Nobody is waiting. Someone whose provider sign-in is not linked yet appears here after "
                   "their first try.")
    else:
        st.caption("These people signed in at the provider but have no Talkdown account linked. Link each to "
                   "an account (create it on the “New user” tab first if needed). The e-mail is the provider's "
                   "claim: check it is the right person before linking.")
        st.dataframe(pd.DataFrame([{"provider": p.provider, "e-mail": p.email,
                                    "e-mail verified": {True: "yes", False: "no"}.get(p.email_verified, "—"),
                                    "name": p.name, "tries": p.attempts, "last try": fmt_dt(p.last_seen),
                                    "subject": p.subject, "issuer": p.issuer} for p in pending]),
                     hide_index=True, width="stretch")
        c1, c2, c3, c4 = st.columns([3, 3, 1, 1], vertical_alignment="bottom")
        who = c1.selectbox("Identity", pending, format_func=_who, key="sso_pending_pick")
        account = c2.selectbox("Talkdown account", users, key="sso_account_pick",
                               format_func=lambda u: f"{u.display_name} ({u.username})")
        if c3.button("Link", type="primary", key="sso_link", disabled=who is None or account is None):
            try:
                link = adm.link(who.issuer, who.subject, account.id)
                done(f"Linked: that identity now signs in as {link.username}.")
            except TalkdownError as e:
                show_error(e)
        if c4.button("Dismiss", key="sso_dismiss", disabled=who is None,
                     help="Forget this identity; it appears again if it tries to sign in."):
            try:
                adm.dismiss(who.issuer, who.subject)
                done("Dismissed the identity; it appears again if it tries to sign in.")
            except TalkdownError as e:
                show_error(e)

    with st.expander("Link an identity before its first sign-in"):
        with st.form("sso_manual", clear_on_submit=True):
            st.caption("The issuer and subject are the provider's `iss` and `sub` for that person (the "
                       "provider's admin console or its ID token shows them); an e-mail address does not do.")
            issuer = st.text_input("Issuer", placeholder="https://login.example.org")
            subject = st.text_input("Subject")
            target = st.selectbox("Account it signs in", users, key="sso_manual_account",
                                  format_func=lambda u: f"{u.display_name} ({u.username})")
            if st.form_submit_button("Link identity"):
                try:
                    link = adm.link(issuer, subject, target.id)
                    done(f"Linked: that identity now signs in as {link.username}.")
                except TalkdownError as e:
                    show_error(e)

    st.markdown("**Linked identities**")
    if not links:
        st.caption("No identity is linked yet.")
        return
    st.dataframe(pd.DataFrame([{"account": f"{lk.display_name} ({lk.username})", "provider": lk.provider,
                                "e-mail": lk.email, "last sign-in": fmt_dt(lk.last_sign_in),
                                "linked": fmt_dt(lk.linked_at), "subject": lk.subject, "issuer": lk.issuer}
                               for lk in links]), hide_index=True, width="stretch")
    c1, c2 = st.columns([6, 1], vertical_alignment="bottom")
    gone = c1.selectbox("Linked identity", links, key="sso_unlink_pick",
                        format_func=lambda lk: f"{_who(lk)} → {lk.username}")
    if c2.button("Unlink", key="sso_unlink", disabled=gone is None,
                 help="The identity can no longer sign in, and the account is signed out everywhere."):
        try:
            adm.unlink(gone.issuer, gone.subject)
            done(f"Unlinked the identity from {gone.username}, who is signed out everywhere.")
        except TalkdownError as e:
            show_error(e)
