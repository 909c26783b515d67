"""Sessions that survive a refresh, expire, and end on sign-out, password change or reset, and disabling."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from store import sessions as sessions_mod
from tests.conftest import ROOT
from tests.store_fixtures import Clock, build_org, new_store




@pytest.fixture
def org():
    s = new_store()
    o = build_org(s)
    o.clock = Clock(2_000_000.0)  # type: ignore[attr-defined]
    s.sessions.clock = o.clock
    yield o
    s.close()


def test_a_token_signs_its_user_in_and_nothing_else_does(org):
    token = org.store.sessions.issue(org.users["ana"].id)
    assert org.store.sessions.user_for(token).username == "ana"
    for bad in (None, "", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "y" * 10_000):
        assert org.store.sessions.user_for(bad) is None
    # The database keeps only a digest of the token.
    rows = org.store.query("SELECT * FROM sessions")
    assert rows and all(token not in str(r) for r in rows)


def test_a_session_expires_when_idle_and_when_old(org):
    s, clock = org.store.sessions, org.clock
    idle = s.issue(org.users["ana"].id)
    busy = s.issue(org.users["ana"].id)
    for _ in range(int(sessions_mod.MAX_AGE_S // 1800) + 1):  # used every half hour
        clock.t += 1800
        if s.user_for(busy) is None:
            break
    assert s.user_for(busy) is None, "even a busy session ends at its maximum age"
    assert s.user_for(idle) is None, "an idle session ends"
    fresh = s.issue(org.users["ana"].id)
    clock.t += sessions_mod.IDLE_S - 5
    assert s.user_for(fresh) is not None
    clock.t += sessions_mod.IDLE_S - 5
    assert s.user_for(fresh) is not None, "use keeps it alive"


@pytest.mark.parametrize("how", ["sign_out", "change_own_password", "reset_password", "disable", "delete"])
def test_every_session_of_the_user_ends(org, how):
    s = org.store.sessions
    ana = org.users["ana"].id
    tabs = [s.issue(ana), s.issue(ana)]
    other = s.issue(org.users["amy"].id)
    if how == "sign_out":
        s.end_all(ana)
    elif how == "change_own_password":
        org.scope("ana").change_own_password("ana-password", "a-new-secret-9")
    elif how == "reset_password":
        org.scope("admin").reset_password(ana, "a-new-secret-9")
    elif how == "disable":
        org.scope("admin").set_active(ana, False)
    else:
        org.scope("admin").delete_user(ana, "ana")
    assert [s.user_for(t) for t in tabs] == [None, None]
    assert s.user_for(other).username == "amy"


def test_a_token_of_a_disabled_account_stays_dead_after_re_enabling(org):
    s = org.store.sessions
    ana = org.users["ana"].id
    token = s.issue(ana)
    org.scope("admin").set_active(ana, False)
    org.scope("admin").set_active(ana, True)
    assert s.user_for(token) is None


# -- in the app ---------------------------------------------------------------------------------
def _app(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def _sign_in(username: str, password: str) -> AppTest:
    at = _app()
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    return at


@pytest.fixture
def app_org():
    from core.settings import get_settings
    from store import Store

    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana")
    return store


def _token(at: AppTest) -> str:
    value = at.query_params.get("s")
    return value[0] if isinstance(value, list) else value


def test_signing_in_survives_a_refresh(app_org):
    at = _sign_in("ana", "ana-password-1")
    token = _token(at)
    assert token and at.session_state["user"].username == "ana"
    refreshed = _app(s=token)  # a new browser session (a refresh) with the same URL
    refreshed.run()
    assert not refreshed.exception
    assert refreshed.session_state["user"].username == "ana"
    assert not any(b.label == "Sign in" for b in refreshed.button)


def test_signing_out_in_one_tab_signs_out_the_others(app_org):
    tab_a = _sign_in("ana", "ana-password-1")
    tab_b = _app(s=_token(tab_a))
    tab_b.run()
    assert tab_b.session_state["user"].username == "ana"
    tab_a.button(key="sign_out").click().run()
    assert not tab_a.exception and "user" not in tab_a.session_state
    tab_b.run()  # the other tab's next interaction
    assert "user" not in tab_b.session_state
    assert any(b.label == "Sign in" for b in tab_b.button)
    assert any("signed out" in i.value for i in tab_b.info)


def test_an_admin_disabling_the_account_ends_its_open_tab(app_org):
    tab = _sign_in("ana", "ana-password-1")
    admin = app_org.as_user(1)
    ana_id = next(u.id for u in admin.list_users() if u.username == "ana")
    admin.set_active(ana_id, False)
    tab.run()
    assert "user" not in tab.session_state


def test_a_forged_or_stale_token_in_the_url_signs_nobody_in(app_org):
    at = _app(s="not-a-real-token")
    at.run()
    assert not at.exception and "user" not in at.session_state
    assert any(b.label == "Sign in" for b in at.button)
