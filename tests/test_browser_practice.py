"""Real-browser check of issue 13's picker after a finished call (Chromium, like tests/test_browser.py): the
report opens on the conversation's own page, the sidebar's Practice then shows the scenario picker, and
reloading the report's address shows the report again.

Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.test_browser import ARTIFACTS, _page, _say, _settle, _sign_in, browser, server  # noqa: F401  (fixtures)

# Opt-in (TALKDOWN_SLOW=1): test_practice_report_page.py checks the same in AppTest (the picker after the
# sidebar link and a rerun, the report on its own ?id= page, a refresh of it).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_after_a_finished_call_the_sidebar_practice_link_shows_the_picker(server, browser):
    url, db = server
    from store import Store

    store = Store(str(db))
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana Lopez")

    page = _page(browser)
    _sign_in(page, url, "ana", "ana-password-1")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Practice", exact=True).click()
    page.get_by_role("button", name="Start").click()
    page.get_by_placeholder("Type your reply to the customer…").wait_for()
    _say(page, "I'm so sorry, that sounds really stressful. When did it stop working?")
    page.get_by_role("button", name="End conversation").click()
    page.get_by_text("Your report").wait_for()
    page.get_by_text("Overall", exact=True).wait_for()
    _settle(page)
    report_url = page.url
    assert "/conversation?" in report_url and "id=" in report_url, report_url
    assert "s=" not in report_url, "the session is in a cookie, not the address"
    page.screenshot(path=str(ARTIFACTS / "practice-1-report-page.png"), full_page=True)

    sidebar.get_by_role("link", name="Practice", exact=True).click()
    page.get_by_text("Pick a customer to talk to").wait_for()
    _settle(page)
    body = page.inner_text("body")
    assert "Your report" not in body and "Conversation over" not in body
    assert page.get_by_role("button", name="Start").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible(), "still signed in"
    page.screenshot(path=str(ARTIFACTS / "practice-2-picker-after-the-call.png"), full_page=True)

    page.goto(report_url)  # a reload of the report's address: a new browser session
    page.get_by_text("Your report").wait_for()
    page.get_by_text("Conversation over: Ended by trainee.").wait_for()
    _settle(page)
    assert page.get_by_role("button", name="Sign out").is_visible()
