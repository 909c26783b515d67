"""Real-browser checks of turn comments and the admin's user import (Chromium, like tests/test_browser.py).

Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.test_browser import ARTIFACTS, _page, _settle, _sign_in, browser, server  # noqa: F401  (fixtures)

# Opt-in (TALKDOWN_SLOW=1): the same flows run in AppTest in test_turn_comments.py (a comment under its turn,
# read by the trainee) and test_admin_import.py (the import page, the no-trainer warning).
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed(db):
    from services import practice
    from store import Store

    store = Store(str(db))
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    a = store.as_user(admin)
    users = {n: a.create_user(n, f"{n}-password-1", r, d) for n, r, d in [
        ("trainer", "trainer", "Tom Trainer"), ("ana", "trainee", "Ana Lopez"), ("ben", "trainee", "Ben Okafor")]}
    team = a.create_group("Team A")
    for n in ("trainer", "ana"):
        a.add_to_group(team.id, users[n].id)
    a.add_to_group(a.create_group("Night shift").id, users["ben"].id)
    sc = store.as_user(users["ana"])
    conv = practice.start(sc, "internet-outage-remote-worker")
    list(practice.send(sc, conv, "That sounds really stressful, two days without internet before a deadline."))
    list(practice.send(sc, conv, "Can I take your account number first?"))
    practice.end(sc, conv)
    return store, conv


def _open(page, url: str, path: str) -> None:
    """A deep link in the signed-in browser: the session rides in its cookie, not the address."""
    page.goto(f"{url}/{path}")


def test_a_trainer_comments_under_a_turn_and_the_trainee_reads_it_there(server, browser):
    url, db = server
    store, conv = _seed(db)
    page = _page(browser)
    _sign_in(page, url, "trainer", "trainer-password-1")
    _open(page, url, f"conversation?id={conv}")
    page.get_by_text("Annotated transcript").wait_for()
    _settle(page)
    page.get_by_role("button", name="Comment", exact=True).nth(3).click()  # under turn 4
    page.get_by_label("Comment on turn 4").fill("Take up the *deadline* before the account number.")
    page.get_by_role("button", name="Add comment").click()
    _settle(page)
    ana = next(u for u in store.as_user(1).list_users() if u.username == "ana")
    assert [c.text for c in store.as_user(ana).turn_comments(conv)] == [
        "Take up the *deadline* before the account number."]

    page = _page(browser)
    _sign_in(page, url, "ana", "ana-password-1")
    _open(page, url, f"conversation?id={conv}")
    page.get_by_text("Annotated transcript").wait_for()
    _settle(page)
    body = page.inner_text("body")
    assert "1 comment on turn 4" in body
    bubble = page.locator('[data-testid="stChatMessage"]').nth(3)
    assert "Comment from Tom Trainer" in bubble.inner_text()
    assert "Take up the *deadline* before the account number." in bubble.inner_text(), "shown as typed"
    assert page.get_by_role("button", name="Comment", exact=True).count() == 0
    bubble.screenshot(path=str(ARTIFACTS / "comment-on-turn.png"))


def test_the_admin_imports_users_and_sees_the_warning_for_a_group_without_a_trainer(server, browser, tmp_path):
    url, db = server
    store, _ = _seed(db)
    page = _page(browser)
    _sign_in(page, url, "admin", "admin-password-1")
    _open(page, url, "admin")
    page.get_by_text("Users & groups").first.wait_for()
    _settle(page)
    assert "Trainees in “Night shift” are invisible to trainers" in page.inner_text("body")
    page.get_by_role("tab", name="Import users").click()
    f = tmp_path / "people.csv"
    f.write_text("username,role,name,groups\nnina.k,trainee,Nina K,Team A\nana,trainee,Dup,\n")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(f))
    _settle(page)
    page.get_by_role("button", name="Import users").click()
    _settle(page)
    body = page.inner_text("body")
    assert "Created 1 user(s)" in body and "shown only now" in body
    assert "Line 3 (ana): The username 'ana' is taken." in body
    assert "nina.k" in {u.username for u in store.as_user(1).list_users()}
    page.screenshot(path=str(ARTIFACTS / "admin-import.png"), full_page=True)
