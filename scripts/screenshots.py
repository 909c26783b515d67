"""Retake the README screenshots from the real app: python scripts/screenshots.py

Seeds a demo database in a temporary folder, runs `streamlit run app.py` on a free loopback port with the
scripted (offline) customer, drives Debian's headless Chromium (/usr/bin/chromium) with Playwright and saves
1400 px wide PNGs to docs/screenshots/: practice, report, dashboard, scenario-form. The server is stopped at
the end, also on error. Voice is not photographed: in a browser it needs a fake microphone and the fake
speech backend, which would not show what a trainee really sees.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
WIDTH = 1400
SCENARIO = "Internet down on deadline day"
RUNNING = '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'
READY_OR_OVER = ("() => { const t = document.querySelector('[data-testid=\"stChatInputTextArea\"]');"
                 " if (t && !t.disabled) return true;"
                 " return document.body.innerText.includes('Conversation over'); }")
# A reply that dismisses the customer, then replies that hear, ask and act: the mood meter moves both ways.
PRACTICE_LINES = [
    "Please calm down, outages happen and there's nothing I can do about it.",
    "I'm sorry, you're right to be upset: two days without internet right before a client deadline is awful.",
    "So the connection dropped on Tuesday and restarting the router hasn't helped. What do its lights show?",
]
CLOSING_LINES = [
    "That's on us. I'll book an engineer for tomorrow at 8am and add a 20 GB mobile data boost now so you can work today.",
    "To sum up: the data boost is active now and the engineer comes at 8am tomorrow. Anything else I can help with?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(db: Path) -> dict[str, tuple[str, str]]:
    """Seed the demo organisation; returns {role: (username, password)} for the first account of each role."""
    out = subprocess.run([sys.executable, "-m", "store", "seed-demo", "--db", str(db), "--seed", "7"],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("seed-demo failed: " + (out.stderr or out.stdout).strip().splitlines()[-1])
    accounts: dict[str, tuple[str, str]] = {}
    for line in out.stdout.splitlines():
        m = re.fullmatch(r"\s+(\S+)\s+(admin|trainer|manager|trainee)\s+(\S+)", line)
        if m and m.group(2) not in accounts:
            accounts[m.group(2)] = (m.group(1), m.group(3))
    if len(accounts) < 4:
        raise SystemExit("seed-demo did not print an account for every role:\n" + out.stdout)
    return accounts


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "TALKDOWN_DB_PATH": str(db), "TALKDOWN_BACKEND": "scripted"}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):  # the scripted customer only; nothing leaves the machine
        env.pop(var, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("streamlit did not start; its output:\n" + log.read_text(errors="replace")[-2000:])


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def settle(page, quiet_ms: int = 1500, timeout_s: float = 90) -> None:
    """Wait until no script run has been in progress for quiet_ms (a rerun can start right after one ends)."""
    deadline = time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if page.locator(RUNNING).count() or page.locator('[data-testid="stSpinner"]').count():
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
            return
        page.wait_for_timeout(100)
    raise RuntimeError("the page kept re-running for 90 seconds")


def check_no_error(page, name: str) -> None:
    """An error box or exception on the page means the screenshot would show a fault, not the app."""
    bad = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    if bad.count():
        raise RuntimeError(f"{name}: the page shows an error: {bad.first.inner_text()[:300]}")


def content_height(page) -> int:
    """The app scrolls inside its own container, so a full-page screenshot would stop at the viewport."""
    return page.evaluate("""() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
        '[data-testid="stSidebarContent"]'].map(s => document.querySelector(s)).filter(Boolean)
        .map(e => e.scrollHeight), document.documentElement.scrollHeight)""")


def shoot(page, name: str, stop: str | None = None, below: str | None = None, max_height: int = 2600) -> Path:
    """Grow the window to the whole page (up to a cap) and save it, down to just above the element `stop`
    or just below the element `below` if given."""
    settle(page)
    page.set_viewport_size({"width": WIDTH, "height": min(max(content_height(page), 800), 6000)})
    page.wait_for_timeout(800)  # charts redraw at the new size
    settle(page)
    check_no_error(page, name)
    page.mouse.move(0, 0)  # no hover tooltips
    end = content_height(page)
    if stop is not None:
        end = int(page.locator(stop).first.bounding_box()["y"]) - 8
    elif below is not None:
        box = page.locator(below).first.bounding_box()
        end = int(box["y"] + box["height"]) + 40
    height = min(max_height, end)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
    page.set_viewport_size({"width": WIDTH, "height": 1000})
    print(f"  {path.relative_to(ROOT)}")
    return path


def new_page(browser):
    page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
    page.set_default_timeout(60_000)
    return page


def sign_in(page, url: str, account: tuple[str, str]) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(account[0])
    page.get_by_label("Password", exact=True).fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    settle(page)


def over(page) -> bool:
    return "Conversation over" in page.inner_text("body")


def say(page, text: str) -> bool:
    """Send one reply and wait for the customer's answer; False if the conversation had already ended."""
    page.wait_for_function(READY_OR_OVER, timeout=60_000)
    if over(page):
        return False
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_placeholder("Type your reply to the customer…")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {before + 2}"
                           " || document.body.innerText.includes('Conversation over')", timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_function(READY_OR_OVER, timeout=60_000)
    settle(page)
    return True


def practice_and_report(browser, url: str, trainee: tuple[str, str]) -> None:
    page = new_page(browser)
    sign_in(page, url, trainee)
    page.get_by_role("link", name="Practice").click()
    page.wait_for_url("**/practice*")
    page.get_by_role("heading", name="Practice", exact=True).wait_for()
    settle(page)  # the home page's own Start buttons are gone
    page.get_by_label("Scenario").click()
    page.get_by_role("option", name=re.compile("^" + re.escape(SCENARIO))).click()
    settle(page)
    page.get_by_role("button", name="Start").click()
    page.get_by_placeholder("Type your reply to the customer…").wait_for()
    for line in PRACTICE_LINES:
        if not say(page, line):
            raise RuntimeError("the customer ended the practice conversation before the screenshot")
    page.get_by_text("Customer mood").first.wait_for()
    shoot(page, "practice", below=".st-key-end_conv")
    for line in CLOSING_LINES:
        if not say(page, line):
            break
    settle(page)
    if not over(page):
        page.get_by_role("button", name="End conversation").click()
    page.get_by_text("Your report").wait_for()
    page.get_by_role("button", name="End conversation").wait_for(state="detached")
    page.get_by_text("Overall", exact=True).wait_for()
    shoot(page, "report", stop=':is(h1,h2,h3,h4):has-text("Annotated transcript")')
    page.close()


def dashboard(browser, url: str, manager: tuple[str, str]) -> None:
    page = new_page(browser)
    sign_in(page, url, manager)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    page.get_by_text("Weakest skills").wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"], canvas').first.wait_for()
    page.wait_for_timeout(1500)  # charts draw after their element appears
    shoot(page, "dashboard", stop=':is(h1,h2,h3,h4):has-text("Conversations")')
    page.close()


def scenario_form(browser, url: str, trainer: tuple[str, str]) -> None:
    page = new_page(browser)
    sign_in(page, url, trainer)
    page.get_by_role("link", name="Scenarios").click()
    page.get_by_role("tab", name="New from form").click()
    form = page.locator('[data-testid="stForm"]')
    fields = {
        "title": "Boiler broken in a cold snap", "id": "boiler-cold-snap", "domain": "home services",
        "summary": "A parent whose boiler failed in freezing weather wants an engineer today.",
        "customer_name": "Priya", "topic_keywords": "boiler, heating, engineer",
        "situation": "The boiler stopped working on Friday night during a cold snap; the house is freezing, there "
                     "is a baby at home, and the booked engineer did not turn up this morning.",
        "needs": "An engineer visit today | engineer, today, visit\nA portable heater delivered | heater, deliver",
    }
    for key, value in fields.items():  # by widget key: labels repeat in help texts
        form.locator(f".st-key-scf_{key} input, .st-key-scf_{key} textarea").fill(value)
    form.get_by_role("button", name="Write starter lines").click()
    settle(page)
    page.get_by_role("tab", name="New from form").click()  # the rerun keeps the tab; make sure it is shown
    form.locator('[data-testid="stExpander"] summary').first.click()  # show the first intent's starter lines
    settle(page)
    shoot(page, "scenario-form", below='[data-testid="stForm"]', max_height=3400)
    page.close()


def main() -> int:
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed (apt-get install chromium).", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="talkdown-shots-") as tmp:
        db, log = Path(tmp) / "demo.db", Path(tmp) / "streamlit.log"
        accounts = seed(db)
        proc, url = start_server(db, log)
        try:
            print(f"Taking screenshots from {url} into {OUT.relative_to(ROOT)}/:")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                try:
                    practice_and_report(browser, url, accounts["trainee"])
                    dashboard(browser, url, accounts["manager"])
                    scenario_form(browser, url, accounts["trainer"])
                finally:
                    browser.close()
        except Exception as e:  # noqa: BLE001 - one line and the app's log, never a traceback
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            print(f"Screenshots stopped: {first}", file=sys.stderr)
            print("The app's last output:\n" + log.read_text(errors="replace")[-1500:], file=sys.stderr)
            return 1
        finally:
            stop_server(proc)
    print(f"Done: look at the PNGs in {OUT}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
