"""Real-browser tests: Debian's headless Chromium, driven by Playwright, against `streamlit run`.

Screenshots go to test-artifacts/browser/ (look at them after a run)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed "
                                 "(apt-get install chromium); scripts/test.sh installs it when run as root")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`streamlit run app.py` on a fresh database with the scripted backend."""
    port = _free_port()
    db = tmp_path / "browser.db"
    env = {**os.environ, "TALKDOWN_DB_PATH": str(db), "TALKDOWN_BACKEND": "scripted"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield f"http://127.0.0.1:{port}", db
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    return page


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


# The script run is over when the chat input is enabled again, or the conversation has ended
# (then there is no input at all, only the report).
READY_OR_OVER = ("() => { const t = document.querySelector('[data-testid=\"stChatInputTextArea\"]');"
                 " if (t && !t.disabled) return true;"
                 " return document.body.innerText.includes('Conversation over'); }")


RUNNING = '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'


def _settle(page, quiet_ms: int = 1200, timeout_s: float = 60) -> None:
    """Wait until no script run has been in progress for quiet_ms (a rerun can start right after one ends)."""
    deadline = time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if page.locator(RUNNING).count():
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page kept re-running for a minute")


def _over(page) -> bool:
    return "Conversation over" in page.inner_text("body")


def _say(page, text: str) -> bool:
    """Send a message and wait for the whole script run; False if the conversation had already ended."""
    page.wait_for_function(READY_OR_OVER, timeout=60_000)
    if _over(page):
        return False
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_placeholder("Type your reply to the customer…")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {before + 2}"
                           " || document.body.innerText.includes('Conversation over')", timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_function(READY_OR_OVER, timeout=60_000)
    _settle(page)
    return True


def test_first_run_setup_then_chat_with_a_customer(server, browser):
    url, _ = server
    page = _page(browser)
    page.goto(url)
    page.get_by_text("Create the administrator account").wait_for()
    page.get_by_label("Your name").fill("Ada Admin")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password", exact=True).fill("a-long-password")
    page.get_by_label("Repeat password").fill("a-long-password")
    page.get_by_role("button", name="Create admin account").click()
    page.get_by_role("link", name="Practice").click()
    page.get_by_role("button", name="Start").wait_for()
    page.screenshot(path=str(ARTIFACTS / "chat-1-pick.png"), full_page=True)
    page.get_by_role("button", name="Start").click()
    page.get_by_placeholder("Type your reply to the customer…").wait_for()
    _say(page, "I'm so sorry, that sounds really stressful. What happened exactly?")
    messages = page.locator('[data-testid="stChatMessage"]')
    assert messages.count() >= 3
    reply = messages.nth(2).inner_text().strip()
    assert reply, "the customer answered"
    page.get_by_text("Customer mood").wait_for()
    page.screenshot(path=str(ARTIFACTS / "chat-2-reply.png"), full_page=True)


def test_trainer_assigns_trainee_completes_manager_sees_score(server, browser):
    url, db = server
    from playwright.sync_api import expect

    from store import Store

    store = Store(str(db))
    admin = store.create_first_admin("ada", "a-long-password", "Ada Admin")
    a = store.as_user(admin)
    trainer = a.create_user("tess", "trainer-password", "trainer", "Tess Trainer")
    manager = a.create_user("max", "manager-password", "manager", "Max Manager")
    trainee = a.create_user("tom", "trainee-password", "trainee", "Tom Trainee")
    team = a.create_group("Support A")
    for u in (trainer, manager, trainee):
        a.add_to_group(team.id, u.id)

    # 1. The trainer assigns the outage scenario to the group.
    page = _page(browser)
    _sign_in(page, url, "tess", "trainer-password")
    page.get_by_role("link", name="Assignments").click()
    page.get_by_text("New assignment").wait_for()
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Scenario").click()
    page.get_by_role("option", name="Internet down on deadline day").click()
    form.get_by_label("Title (optional)").fill("Week 1 — outage call")
    form.get_by_label("Assign to a group").click()
    page.get_by_role("option", name="Support A").click()
    form.get_by_role("button", name="Assign").click()
    page.get_by_text("Week 1 — outage call").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "story-1-trainer-assigned.png"), full_page=True)

    # 2. The trainee sees it, completes it.
    page = _page(browser)
    _sign_in(page, url, "tom", "trainee-password")
    page.get_by_text("Week 1 — outage call").wait_for()
    page.screenshot(path=str(ARTIFACTS / "story-2-trainee-home.png"), full_page=True)
    page.get_by_role("button", name="Start").first.click()
    page.get_by_placeholder("Type your reply to the customer…").wait_for()
    for line in ["That sounds really stressful — two days without internet, right before a client deadline.",
                 "So your connection dropped on Tuesday and you've already restarted the router twice. "
                 "What do the lights on the router show?",
                 "I'm sorry, that's on us. I'll book an engineer for tomorrow morning at 8am, and I'm adding a "
                 "20 GB mobile data boost now so you can work today.",
                 "To sum up: the data boost is active now and the engineer arrives at 8am tomorrow. "
                 "Is there anything else I can help with?"]:
        if not _say(page, line):
            break
    _settle(page)  # the customer may have ended it: that reruns the page into the report
    if not _over(page):
        page.get_by_role("button", name="End conversation").click()
    page.get_by_text("Your report").wait_for()
    # the run that draws the report is over when the live panel's End button has gone
    page.get_by_role("button", name="End conversation").wait_for(state="detached")
    page.get_by_text("Overall", exact=True).wait_for()
    page.get_by_text("Your report").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "story-3-trainee-report.png"), full_page=True)
    scored = store.as_user(trainee).score_rows()
    assert len(scored) == 1
    overall = scored[0]["overall"]

    # 3. The manager sees the new score on the dashboard.
    page = _page(browser)
    _sign_in(page, url, "max", "manager-password")
    # The dashboard streams in: headings can show before the metric tiles, and the tiles one by one,
    # so wait on each tile's own text rather than reading the page once.
    metric = page.locator('[data-testid="stMetric"]')
    expect(metric.filter(has_text="Scored conversations")).to_contain_text("1", timeout=30_000)
    expect(metric.filter(has_text="Average overall")).to_contain_text(f"{overall:.0f}", timeout=30_000)
    page.get_by_text("Weakest skills").wait_for()
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / "story-4-manager-dashboard.png"), full_page=True)
