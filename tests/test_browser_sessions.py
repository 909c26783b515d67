"""The session cookie in a real browser (Chromium): a refresh and a deep link stay signed in, signing out
in one tab signs the others out, and a copied URL signs nobody in. Screenshots in test-artifacts/browser/."""
from __future__ import annotations

import time

import pytest

from tests.test_browser import ARTIFACTS, _page, _settle, _sign_in, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def accounts(server):  # noqa: F811
    from store import Store

    url, db = server
    store = Store(str(db))
    admin = store.create_first_admin("ada", "a-long-password", "Ada Admin")
    store.as_user(admin).create_user("tess", "tess-password-1", "trainee", "Tess Trainee")
    yield url, store
    store.close()


EITHER = 'button:has-text("Sign out"), button:has-text("Sign in")'


def _signed_in(page) -> bool:
    page.wait_for_selector(EITHER)  # the first run after a load has drawn the page
    _settle(page)
    return page.get_by_role("button", name="Sign out").count() > 0


def _on_sign_in_page(page) -> bool:
    page.get_by_label("Username").wait_for()  # a rerun may still be on its way
    _settle(page)
    return page.get_by_role("button", name="Sign in").count() > 0 and page.get_by_role(
        "button", name="Sign out").count() == 0


def test_the_session_survives_a_refresh_and_deep_links_and_ends_everywhere(accounts, browser):  # noqa: F811
    url, store = accounts
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(30_000)
    tab_a = ctx.new_page()
    _sign_in(tab_a, url, "tess", "tess-password-1")
    _settle(tab_a)
    assert "s=" not in tab_a.url, "the URL carries no session"

    cookie = next(c for c in ctx.cookies() if c["name"] == "talkdown_session")
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and not cookie["secure"]  # http here
    assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600 + 5
    assert store.sessions.user_for_cookie(cookie["value"]).username == "tess"

    tab_a.reload()
    assert _signed_in(tab_a), "a refresh keeps the tab signed in"

    tab_b = ctx.new_page()  # a deep link pasted into a new tab of the same browser
    tab_b.goto(f"{url}/practice")
    assert _signed_in(tab_b)
    assert "Page not found" not in tab_b.inner_text("body")
    tab_b.goto(f"{url}/history")
    assert _signed_in(tab_b) and "My history" in tab_b.inner_text("body")
    tab_b.screenshot(path=str(ARTIFACTS / "session-deep-link.png"))

    stranger = browser.new_context()  # the same address, sent by chat to someone else
    other = stranger.new_page()
    other.goto(tab_b.url)
    assert _on_sign_in_page(other)
    assert "Page not found" not in other.inner_text("body")
    other.get_by_label("Username").fill("ada")  # signing in there lands on the page that was linked
    other.get_by_label("Password", exact=True).fill("a-long-password")
    other.get_by_role("button", name="Sign in").click()
    other.get_by_role("button", name="Sign out").wait_for()
    _settle(other)
    assert "My history" in other.inner_text("body") and other.url.endswith("/history")
    stranger.close()

    tab_a.get_by_role("button", name="Sign out").click()
    assert _on_sign_in_page(tab_a)
    tab_a.screenshot(path=str(ARTIFACTS / "session-signed-out.png"))
    deadline = time.time() + 10
    while any(c["name"] == "talkdown_session" for c in ctx.cookies()) and time.time() < deadline:
        tab_a.wait_for_timeout(200)
    assert not any(c["name"] == "talkdown_session" for c in ctx.cookies()), "signing out clears the cookie"

    tab_b.get_by_role("link", name="Practice").click()  # the other tab's next action
    assert _on_sign_in_page(tab_b)
    assert "You were signed out" in tab_b.inner_text("body")
    tab_b.screenshot(path=str(ARTIFACTS / "session-signed-out-elsewhere.png"))
    tab_b.reload()
    assert _on_sign_in_page(tab_b)
    ctx.close()
