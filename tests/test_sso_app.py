"""Single sign-on in the app (AppTest): how [auth] secrets turn it on, a provider sign-in landing on
the home page or being refused, sign-out calling st.logout, and the admin's link section."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from store.sso import SsoIdentities
from tests.conftest import ROOT
from tests.store_fixtures import new_store
from tests.test_app import texts
from ui.sso import parse_auth_section

ISSUER = "https://idp.example.test"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-long-random-cookie-secret",
        "contoso": {"client_id": "talkdown", "client_secret": "s3cret",
                    "server_metadata_url": "https://idp.example.test/.well-known/openid-configuration",
                    "label": "Contoso ID"}}
_n = iter(range(1, 10_000))


@pytest.fixture
def store():
    s = new_store()
    admin = s.create_first_admin("admin", "admin-password-1", "Ada Admin")
    s.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana Agent")
    yield s
    s.close()


def claims(sub: str, **extra) -> dict:
    return {"is_logged_in": True, "provider": "contoso", "iss": ISSUER, "sub": sub, "aud": "talkdown",
            "iat": int(time.time()), "exp": int(time.time()) + 3600, "nonce": f"n{next(_n)}",
            "email": f"{sub}@example.test", "email_verified": True, "name": sub.title(), **extra}


def app(user_info: dict | None = None, auth: dict | None = AUTH) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user_info if user_info is not None else {}
    return at


def shown(at) -> str:
    """The page's text as a reader sees it (plain() escapes Markdown characters with backslashes)."""
    return texts(at).replace("\\", "")


def buttons(at) -> list[str]:
    return [b.label for b in at.button]


def link(store, sub: str, username: str) -> None:
    admin = store.one("SELECT id FROM users WHERE username = 'admin'")["id"]
    uid = store.one("SELECT id FROM users WHERE username = ?", [username])["id"]
    SsoIdentities(store).admin(admin).link(ISSUER, sub, uid)


# -- when SSO is on ------------------------------------------------------------------------------
def test_the_sign_in_page_offers_the_provider_beside_the_password_form(store):
    at = app().run()
    assert not at.exception
    assert "Sign in with Contoso ID" in buttons(at)
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_without_auth_secrets_there_is_only_the_password_form(store):
    at = app(auth=None).run()
    assert not at.exception
    assert not [b for b in buttons(at) if b.startswith("Sign in with")]
    assert "single sign-on" not in shown(at).lower()


def test_an_incomplete_auth_section_says_what_is_missing_and_keeps_password_sign_in(store):
    at = app(auth={"redirect_uri": AUTH["redirect_uri"], "contoso": AUTH["contoso"]}).run()
    assert not at.exception
    assert not [b for b in buttons(at) if b.startswith("Sign in with")]
    assert "lacks cookie_secret" in shown(at)
    assert [t.label for t in at.text_input] == ["Username", "Password"]


@pytest.mark.parametrize("section, labels, problem", [
    ({}, [], None),
    ({**AUTH}, ["Contoso ID"], None),
    ({k: v for k, v in AUTH.items() if k != "contoso"}, [], "names no provider"),
    ({**AUTH, "contoso": {**AUTH["contoso"], "client_secret": ""}}, [], "[auth.contoso] lacks client_secret"),
    ({**AUTH, "redirect_uri": "http://localhost:8501/"}, [], "must end with /oauth2callback"),
    # One unnamed provider in [auth] itself, and two named ones, one of them broken.
    ({"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x" * 32, "client_id": "a", "client_secret": "b",
      "server_metadata_url": "https://idp/.well-known/openid-configuration"}, ["single sign-on"], None),
    ({**AUTH, "google": {"client_id": "g", "client_secret": "h", "server_metadata_url": "https://g/x"},
      "my_idp": {"client_id": "g", "client_secret": "h", "server_metadata_url": "https://g/x"}},
     ["Contoso ID", "Google"], "cannot contain '_'"),
])
def test_which_auth_sections_turn_single_sign_on_on(section, labels, problem):
    config = parse_auth_section(section)
    assert [p.label for p in config.providers] == labels
    assert (problem is None and config.problem is None) or (problem and problem in (config.problem or ""))


def test_single_sign_on_needs_authlib():
    config = parse_auth_section(AUTH, authlib=False)
    assert not config.enabled and "Authlib" in config.problem


# -- back from the provider ----------------------------------------------------------------------
def test_a_linked_identity_lands_signed_in_on_its_home_page(store):
    link(store, "ana-sub", "ana")
    at = app(claims("ana-sub")).run()
    assert not at.exception
    assert at.session_state["user"].username == "ana"
    assert store.sessions.user_for_cookie(at.session_state["session_token"]).username == "ana"
    assert "s" not in at.query_params  # the session rides in the signed cookie, not the URL
    assert "My training" in shown(at)
    assert any(b == "Sign out" for b in buttons(at))


def test_an_unknown_identity_is_refused_on_the_sign_in_page(store):
    users_before = store.query("SELECT id FROM users")
    at = app(claims("stranger")).run()
    assert not at.exception
    assert "user" not in at.session_state
    assert "ask an admin to link your account" in shown(at).lower()
    assert store.query("SELECT id FROM users") == users_before
    assert store.query("SELECT * FROM sessions") == []
    assert [r["subject"] for r in store.query("SELECT subject FROM sso_pending")] == ["stranger"]
    # Rerunning the page shows the same refusal and does not count another try.
    at.run()
    assert "ask an admin to link your account" in shown(at).lower()
    assert store.one("SELECT attempts FROM sso_pending")["attempts"] == 1
    assert "Use a different account" in buttons(at)


def test_a_used_provider_sign_in_does_not_sign_in_again_after_sign_out(store):
    link(store, "ana-sub", "ana")
    c = claims("ana-sub")
    first = app(c).run()
    assert first.session_state["user"].username == "ana"
    store.sessions.end_all(first.session_state["user"].id)  # signed out (another tab, an admin, idle expiry)
    again = app(c).run()  # a new tab: Streamlit's identity cookie still holds the same sign-in
    assert not again.exception
    assert "user" not in again.session_state
    assert "Sign in with Contoso ID" in buttons(again)
    assert "cannot be used again" in shown(again)


def test_a_disabled_account_is_refused(store):
    link(store, "ana-sub", "ana")
    admin = store.as_user(store.one("SELECT id FROM users WHERE username = 'admin'")["id"])
    admin.set_active(store.one("SELECT id FROM users WHERE username = 'ana'")["id"], False)
    at = app(claims("ana-sub")).run()
    assert not at.exception
    assert "user" not in at.session_state
    assert "disabled" in shown(at)


def test_signing_out_ends_the_session_and_calls_st_logout(store):
    link(store, "ana-sub", "ana")
    at = app(claims("ana-sub")).run()
    token = at.session_state["session_token"]
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert not at.exception
    assert store.sessions.user_for(token) is None
    assert at.user.get("is_logged_in") is False, "st.logout() cleared the provider sign-in"


def test_a_password_sign_out_without_a_provider_sign_in_does_not_call_st_logout(store):
    at = app().run()
    at.text_input[0].input("ana")
    at.text_input[1].input("ana-password-1")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert at.session_state["user"].username == "ana"
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert not at.exception
    assert "user" not in at.session_state
    assert "is_logged_in" not in at.user


# -- the admin's section -------------------------------------------------------------------------
def _admin_page(store) -> AppTest:
    at = app()
    at.session_state["user"] = store.get_user(store.one("SELECT id FROM users WHERE username = 'admin'")["id"])
    at.run()
    return at.switch_page("ui/pages/admin.py").run()


def test_an_admin_links_a_waiting_identity_and_it_then_signs_in(store):
    refused = app(claims("new-hire", email="ana.agent@example.test")).run()
    assert "user" not in refused.session_state
    at = _admin_page(store)
    assert not at.exception
    assert "Waiting to be linked" in shown(at)
    at.selectbox(key="sso_pending_pick").select_index(0)
    ana = next(u for u in at.selectbox(key="sso_account_pick").options if "(ana)" in u)
    at.selectbox(key="sso_account_pick").select(ana)
    at.button(key="sso_link").click().run()
    assert not at.exception
    (row,) = store.query("SELECT l.subject, u.username FROM sso_links l JOIN users u ON u.id = l.user_id")
    assert row == {"subject": "new-hire", "username": "ana"}
    assert store.query("SELECT * FROM sso_pending") == []
    signed_in = app(claims("new-hire")).run()
    assert signed_in.session_state["user"].username == "ana"


def test_an_admin_unlinks_an_identity(store):
    link(store, "ana-sub", "ana")
    at = _admin_page(store)
    assert "Linked identities" in shown(at)
    at.button(key="sso_unlink").click().run()
    assert not at.exception
    assert store.query("SELECT * FROM sso_links") == []
    at2 = app(claims("ana-sub")).run()
    assert "user" not in at2.session_state


def test_an_admin_links_an_identity_by_hand_before_its_first_sign_in(store):
    at = _admin_page(store)
    inputs = {t.label: t for t in at.text_input}
    inputs["Issuer"].input(ISSUER)
    inputs["Subject"].input("pre-linked")
    pick = at.selectbox(key="sso_manual_account")
    pick.select(next(u for u in pick.options if "(ana)" in u))
    next(b for b in at.button if b.label == "Link identity").click().run()
    assert not at.exception
    assert app(claims("pre-linked")).run().session_state["user"].username == "ana"
    # Bad input is one plain message and links nothing.
    at = _admin_page(store)
    inputs = {t.label: t for t in at.text_input}
    inputs["Issuer"].input("")
    inputs["Subject"].input("someone")
    next(b for b in at.button if b.label == "Link identity").click().run()
    assert not at.exception
    assert "issuer and a subject" in shown(at)
    assert len(store.query("SELECT * FROM sso_links")) == 1
