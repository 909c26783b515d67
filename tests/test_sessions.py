"""Sessions that survive a refresh, expire, and end on sign-out, password change or reset, and disabling."""
from __future__ import annotations

import json
import os
import re

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


# -- the signed cookie ------------------------------------------------------------------------
def _tamper(value: str, part: int) -> str:
    pieces = value.split(".")
    p = pieces[part]
    pieces[part] = p[:-1] + ("A" if p[-1] != "A" else "B") if part != 1 else str(int(p) + 3600)
    return ".".join(pieces)


def test_a_signed_cookie_signs_its_user_in(org):
    value, max_age = org.store.sessions.issue_cookie(org.users["ana"].id)
    assert max_age == int(sessions_mod.MAX_AGE_S)
    assert org.store.sessions.user_for_cookie(value).username == "ana"
    assert org.store.sessions.seconds_left(value) == pytest.approx(sessions_mod.MAX_AGE_S, abs=1)


@pytest.mark.parametrize("part", [0, 1, 2], ids=["token", "expiry", "signature"])
def test_a_tampered_cookie_is_rejected_before_any_database_lookup(org, part, monkeypatch):
    value, _ = org.store.sessions.issue_cookie(org.users["ana"].id)
    bad = _tamper(value, part)
    assert bad != value

    def no_db(*a, **k):
        raise AssertionError("a badly signed cookie reached the database")

    monkeypatch.setattr(org.store, "one", no_db)
    assert org.store.sessions.verify_cookie(bad) is None
    assert org.store.sessions.user_for_cookie(bad) is None


@pytest.mark.parametrize("bad", [None, "", "x" * 10_000, "a.b.c", "not-a-cookie", "\u00e9" * 43 + ".1.x",
                                 "a" * 43 + "." + "9" * 12 + "." + "b" * 43])
def test_a_forged_cookie_is_rejected_before_any_database_lookup(org, bad, monkeypatch):
    monkeypatch.setattr(org.store, "one", lambda *a, **k: pytest.fail("forged cookie reached the database"))
    assert org.store.sessions.user_for_cookie(bad) is None


def test_a_bare_token_without_a_signature_is_not_a_cookie(org):
    token = org.store.sessions.issue(org.users["ana"].id)
    assert org.store.sessions.user_for(token) is not None
    assert org.store.sessions.user_for_cookie(token) is None


def test_a_cookie_expires_with_its_session(org):
    s, clock = org.store.sessions, org.clock
    value, max_age = s.issue_cookie(org.users["ana"].id)
    clock.t += max_age - 10
    # kept busy so the idle limit does not end it first
    assert s.verify_cookie(value) is not None
    clock.t += 10
    assert s.verify_cookie(value) is None and s.user_for_cookie(value) is None
    assert s.seconds_left(value) == 0


def test_a_revoked_session_keeps_a_good_signature_but_signs_nobody_in(org):
    s = org.store.sessions
    value, _ = s.issue_cookie(org.users["ana"].id)
    s.end_all(org.users["ana"].id)
    assert s.verify_cookie(value) is not None  # the signature is fine...
    assert s.user_for_cookie(value) is None    # ...but the server ended the session


def test_a_cookie_signed_with_another_secret_is_rejected(org, tmp_path):
    other = new_store(str(tmp_path / "other" / "talkdown.db"))
    try:
        other.create_first_admin("admin", "admin-password", "Ada Admin")
        foreign, _ = other.sessions.issue_cookie(1)
        assert other.sessions.user_for_cookie(foreign) is not None
        # Same user id and a well-formed value, but the other install's secret signed it.
        assert org.store.sessions.verify_cookie(foreign) is None
    finally:
        other.close()


def test_the_secret_is_private_persistent_and_shared_by_processes_on_one_file(org):
    s = org.store.sessions
    value, _ = s.issue_cookie(org.users["ana"].id)
    path = s.secret_path
    assert path.is_file() and (os.stat(path).st_mode & 0o777) == 0o600
    again = new_store(org.store.path)  # another process on the same database
    again.sessions.clock = org.clock
    try:
        assert again.sessions.user_for_cookie(value).username == "ana"
    finally:
        again.close()


def test_a_damaged_secret_file_is_replaced_and_old_cookies_stop_working(org):
    s = org.store.sessions
    value, _ = s.issue_cookie(org.users["ana"].id)
    s.secret_path.write_text("not hex at all")
    fresh = new_store(org.store.path)
    fresh.sessions.clock = org.clock
    try:
        assert fresh.sessions.user_for_cookie(value) is None
        assert bytes.fromhex(s.secret_path.read_text().strip())  # a new, usable secret
        assert fresh.sessions.user_for_cookie(fresh.sessions.issue_cookie(org.users["ana"].id)[0]) is not None
    finally:
        fresh.close()


# -- in the app ---------------------------------------------------------------------------------
# AppTest has no browser, so a small jar stands in for one: each tab sees the cookies the jar held
# when it "connected" (as st.context.cookies does), and the hidden script the app sends is applied
# to the jar the way the browser runs it. Signing and checking are the real code.
_OP = re.compile(r"/\*talkdown-cookie\*/.*\}\)\((\{.*\})\);</script>", re.S)


class Browser:
    def __init__(self, monkeypatch) -> None:
        self.jar: dict[str, str] = {}
        self._mp = monkeypatch

    def tab(self, page: str | None = None, **query) -> "Tab":
        return Tab(self, page, query)


class Tab:
    def __init__(self, browser: Browser, page: str | None, query: dict) -> None:
        self.browser = browser
        self.sent = dict(browser.jar)  # the cookies of this tab's connection
        self.at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in query.items():
            self.at.query_params[k] = v
        self.page = page
        self.scripts: list[dict] = []
        self._opened = False

    def run(self, action=None) -> "Tab":
        import ui.common

        self.browser._mp.setattr(ui.common, "browser_cookies", lambda: dict(self.sent))
        if action is not None:
            action(self.at)
        elif self.page and not self._opened:  # the tab opens at this page's address
            self.at.switch_page(self.page)
            self.at.run()
        else:
            self.at.run()
        assert not self.at.exception, self.at.exception
        self._opened = True
        self._apply_scripts()
        return self

    def _apply_scripts(self) -> None:
        jar = self.browser.jar
        self.scripts = []
        for h in self.at.get("html"):
            m = _OP.search(h.proto.body)
            if not m:
                continue
            op = json.loads(m.group(1))
            self.scripts.append(op)
            if op["set"]:
                jar[op["name"]] = op["set"]
            elif jar.get(op["name"]) in op["clearIf"]:
                del jar[op["name"]]

    @property
    def user(self):
        return self.at.session_state["user"] if "user" in self.at.session_state else None

    def sign_in(self, username: str, password: str) -> "Tab":
        self.run()
        self.at.text_input[0].input(username)
        self.at.text_input[1].input(password)
        return self.run(lambda at: next(b for b in at.button if b.label == "Sign in").click().run())

    def sign_out(self) -> "Tab":
        return self.run(lambda at: at.button(key="sign_out").click().run())

    def on_sign_in_page(self) -> bool:
        return any(b.label == "Sign in" for b in self.at.button)


@pytest.fixture
def app_org():
    store = new_store()
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana")
    return store


@pytest.fixture
def browser(monkeypatch):
    return Browser(monkeypatch)


def test_signing_in_writes_a_signed_strict_cookie_and_keeps_the_url_clean(app_org, browser):
    tab = browser.tab().sign_in("ana", "ana-password-1")
    assert tab.user.username == "ana"
    value = browser.jar.get("talkdown_session")
    assert value and app_org.sessions.user_for_cookie(value).username == "ana"
    assert "s" not in tab.at.query_params and all(value not in str(v) for v in dict(tab.at.query_params).values())
    body = next(h.proto.body for h in tab.at.get("html") if "talkdown-cookie" in h.proto.body)
    assert "SameSite=Strict" in body and "Path=/" in body and "Secure" in body and "Max-Age" in body
    assert 0 < tab.scripts[-1]["maxAge"] <= sessions_mod.MAX_AGE_S


def test_signing_in_survives_a_refresh(app_org, browser):
    browser.tab().sign_in("ana", "ana-password-1")
    refreshed = browser.tab().run()  # a new connection of the same browser
    assert refreshed.user.username == "ana" and not refreshed.on_sign_in_page()
    assert not refreshed.scripts, "a tab that connected with the cookie has nothing to write"


def test_a_deep_link_opens_signed_in(app_org, browser):
    browser.tab().sign_in("ana", "ana-password-1")
    deep = browser.tab("ui/pages/history.py").run()
    assert deep.user.username == "ana" and not deep.on_sign_in_page()
    assert any("history" in t.value.lower() for t in deep.at.title)


def test_signing_out_in_one_tab_signs_out_the_others_and_clears_the_cookie(app_org, browser):
    tab_a = browser.tab().sign_in("ana", "ana-password-1")
    tab_b = browser.tab().run()
    assert tab_b.user.username == "ana"
    tab_a.sign_out()
    assert tab_a.user is None and tab_a.on_sign_in_page()
    assert "talkdown_session" not in browser.jar
    tab_b.run()  # the other tab's next interaction
    assert tab_b.user is None and tab_b.on_sign_in_page()
    assert any("signed out" in i.value for i in tab_b.at.info)
    assert app_org.query("SELECT * FROM sessions") == []
    assert browser.tab().run().on_sign_in_page()  # and a refresh stays signed out


def test_clearing_a_dead_cookie_spares_one_another_tab_wrote_since(app_org, browser):
    tab_a = browser.tab().sign_in("ana", "ana-password-1")
    tab_b = browser.tab().run()
    tab_a.sign_out()
    tab_c = browser.tab().sign_in("admin", "admin-password-1")  # the browser now holds the admin's cookie
    tab_b.run()  # tab B learns its session ended and clears only the cookie it knew
    assert tab_b.user is None
    assert app_org.sessions.user_for_cookie(browser.jar.get("talkdown_session")).username == "admin"
    assert tab_c.run().user.username == "admin"


def test_a_copied_url_in_a_fresh_browser_lands_on_sign_in(app_org, browser, monkeypatch):
    tab = browser.tab().sign_in("ana", "ana-password-1")
    url_query = {k: (v[0] if isinstance(v, list) else v) for k, v in dict(tab.at.query_params).items()}
    stranger = Browser(monkeypatch).tab("ui/pages/history.py", **url_query).run()
    assert stranger.user is None and stranger.on_sign_in_page()
    stranger.sign_in("admin", "admin-password-1")  # lands on the linked page, not the home page
    assert stranger.user.username == "admin"
    assert any("history" in t.value.lower() for t in stranger.at.title)


def test_a_legacy_session_token_in_the_url_is_dropped_unused(app_org, browser):
    token = app_org.sessions.issue(2)  # a raw token, as the old ?s= links carried
    tab = browser.tab(s=token).run()
    assert tab.user is None and tab.on_sign_in_page()
    assert "s" not in tab.at.query_params


@pytest.mark.parametrize("cookie", ["not-a-real-token", "x" * 5000, "</script><script>alert(1)</script>"])
def test_a_forged_cookie_signs_nobody_in(app_org, browser, cookie):
    browser.jar["talkdown_session"] = cookie
    tab = browser.tab().run()
    assert tab.user is None and tab.on_sign_in_page()
    assert all("alert(1)" not in h.proto.body for h in tab.at.get("html"))


def test_an_admin_disabling_the_account_ends_its_open_tab(app_org, browser):
    tab = browser.tab().sign_in("ana", "ana-password-1")
    admin = app_org.as_user(1)
    ana_id = next(u.id for u in admin.list_users() if u.username == "ana")
    admin.set_active(ana_id, False)
    tab.run()
    assert tab.user is None
    assert browser.tab().run().user is None


def test_a_password_change_moves_this_browser_to_a_new_session_at_once(app_org, browser):
    tab = browser.tab().sign_in("ana", "ana-password-1")
    before = browser.jar["talkdown_session"]
    other_device = Browser.__new__(Browser)
    other_device.__dict__.update(jar={"talkdown_session": before}, _mp=browser._mp)
    tab.at.switch_page("ui/pages/account.py")
    tab.run(lambda at: at.run())
    tab.at.text_input[0].input("ana-password-1")
    tab.at.text_input[1].input("a-new-secret-phrase-9")
    tab.at.text_input[2].input("a-new-secret-phrase-9")
    tab.run(lambda at: next(b for b in at.button if b.label == "Change password").click().run())
    assert any("Password changed" in s.value for s in tab.at.success)
    after = browser.jar["talkdown_session"]
    assert after != before, "the browser holds the new session straight after the change, before any click"
    assert app_org.sessions.user_for_cookie(before) is None
    assert browser.tab().run().user.username == "ana"  # a refresh now stays signed in
    assert other_device.tab().run().user is None        # the old session is over elsewhere


def test_a_conversation_link_opened_signed_out_shows_that_conversation_after_signing_in(app_org, browser):
    from services import practice
    from services.catalog import scenario_titles

    ana = app_org.as_user(next(u for u in app_org.as_user(1).list_users() if u.username == "ana"))
    conv = practice.start(ana, "internet-outage-remote-worker")
    list(practice.send(ana, conv, "I'm sorry to hear that. When did it stop working?"))
    title = scenario_titles(ana)["internet-outage-remote-worker"]
    tab = browser.tab("ui/pages/conversation.py", id=str(conv)).run()
    assert tab.user is None and tab.on_sign_in_page()
    tab.sign_in("ana", "ana-password-1")
    assert not tab.on_sign_in_page()
    assert [t.value for t in tab.at.title] == [title]
