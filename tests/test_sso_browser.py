"""Single sign-on end to end: a fake OIDC provider on 127.0.0.1 (discovery, authorize, token with a
signed ID token, JWKS, end session), the real app under `streamlit run` configured for it through
`[auth]` secrets, and headless Chromium clicking "Sign in with …" (marked like the other browser tests).

Screenshots go to test-artifacts/browser/ and /tmp/sso-sign-in.png."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.conftest import ROOT
from tests.test_browser import _settle

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
CLIENT_ID, CLIENT_SECRET = "talkdown-test", "fake-client-secret-123"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed "
                                 "(apt-get install chromium); scripts/test.sh installs it when run as root")]


class FakeOIDC:
    """A minimal OpenID Connect provider: the authorization code flow with PKCE, RS256 ID tokens.

    It signs in whoever ``next_identity`` names (there is no login form), and checks what a real
    provider checks: the client, the redirect URI, the code (once), the PKCE verifier and the secret."""

    def __init__(self) -> None:
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": "fake-key-1", "use": "sig", "alg": "RS256"})
        self.next_identity: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens_issued: list[dict] = []
        self.errors: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeOIDC":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"]}

    def id_token(self, grant: dict) -> str:
        from joserfc import jwt

        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 600, "nonce": grant["nonce"],
                  "email_verified": True, **grant["identity"]}
        return jwt.encode({"alg": "RS256", "kid": "fake-key-1"}, claims, self.key)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _refuse(self, why: str) -> None:
                fake.errors.append(why)
                self._send(400, {"error": "invalid_request", "error_description": why})

            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._send(200, fake.metadata())
                if url.path == "/jwks":
                    return self._send(200, {"keys": [fake.key.as_dict(private=False)]})
                if url.path == "/authorize":
                    if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
                        return self._refuse("unknown client or response type")
                    if "openid" not in q.get("scope", "").split() or not q.get("nonce") or not q.get("state"):
                        return self._refuse("scope openid, a nonce and a state are required")
                    if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                        return self._refuse("PKCE S256 is required")
                    code = secrets.token_urlsafe(16)
                    fake.codes[code] = {"identity": dict(fake.next_identity), "nonce": q["nonce"],
                                        "redirect_uri": q["redirect_uri"], "challenge": q["code_challenge"]}
                    back = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
                    return self._send(302, headers={"Location": back})
                if url.path == "/logout":
                    return self._send(302, headers={"Location": q.get("post_logout_redirect_uri", "/")})
                return self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                if urlparse(self.path).path != "/token":
                    return self._send(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                client_id, secret = form.get("client_id"), form.get("client_secret")
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                    return self._refuse("bad client credentials")
                grant = fake.codes.pop(form.get("code", ""), None)  # a code is good once
                if grant is None or form.get("grant_type") != "authorization_code":
                    return self._refuse("unknown or used code")
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._refuse("redirect_uri differs from the authorize request")
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != grant["challenge"]:
                    return self._refuse("PKCE verifier does not match")
                fake.tokens_issued.append(grant["identity"])
                return self._send(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                        "expires_in": 600, "id_token": fake.id_token(grant)})

        return Handler


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def idp():
    with FakeOIDC() as fake:
        yield fake


@pytest.fixture
def sso_app(tmp_path, idp):
    """`streamlit run app.py` with [auth] secrets for the fake provider, on a database where ana is linked."""
    from store import Store
    from store.sso import SsoIdentities
    from tests.store_fixtures import FAST_HASHER

    db = tmp_path / "sso.db"
    store = Store(db, password_hasher=FAST_HASHER)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    ana = store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana Agent")
    SsoIdentities(store).admin(admin).link(idp.issuer, "ana-at-fake", ana.id)
    store.close()

    port = _free_port()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        "[auth.fakeid]\n"
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{idp.metadata_url}"\nlabel = "Fake ID"\n')
    env = {**os.environ, "TALKDOWN_DB_PATH": str(db), "TALKDOWN_BACKEND": "scripted", "NO_PROXY": "127.0.0.1,localhost"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets_file)],
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


def _fresh_page(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()  # its own cookies
    page.set_default_timeout(30_000)
    return page


def test_a_linked_identity_signs_in_and_an_unknown_one_is_refused(sso_app, idp, browser):
    url, db = sso_app

    page = _fresh_page(browser)
    page.goto(url)
    button = page.get_by_role("button", name="Sign in with Fake ID")
    button.wait_for()
    page.get_by_label("Username").wait_for()  # the password form is still there, beside it
    page.wait_for_timeout(500)
    page.screenshot(path="/tmp/sso-sign-in.png")
    page.screenshot(path=str(ARTIFACTS / "sso-sign-in.png"))

    idp.next_identity = {"sub": "ana-at-fake", "email": "ana@example.test", "name": "Ana Agent"}
    button.click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.get_by_role("heading", name="My training").wait_for()  # a trainee lands on their home page
    _settle(page)
    assert "s=" not in page.url, "the session is in the cookie, not the URL"
    assert [c for c in page.context.cookies() if c["name"] == "talkdown_session"], "a normal Talkdown session"
    page.reload()  # the cookie keeps it signed in
    page.get_by_role("heading", name="My training").wait_for()
    page.get_by_role("button", name="Sign out").wait_for()
    _settle(page)
    assert page.get_by_role("button", name="Sign out").count() == 1
    assert idp.tokens_issued == [idp.next_identity] and not idp.errors
    page.screenshot(path=str(ARTIFACTS / "sso-signed-in.png"))

    # Signing out ends the session and st.logout() drops the provider sign-in: a reload stays signed out.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in with Fake ID").wait_for()
    page.reload()
    page.get_by_role("button", name="Sign in with Fake ID").wait_for()
    page.wait_for_timeout(1000)
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert not [c["name"] for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert not [c for c in page.context.cookies() if c["name"] == "talkdown_session"]

    stranger = _fresh_page(browser)
    stranger.goto(url)
    idp.next_identity = {"sub": "someone-new", "email": "ana@example.test", "name": "Not Ana"}
    stranger.get_by_role("button", name="Sign in with Fake ID").click()
    stranger.get_by_text("Ask an admin to link your account").wait_for()
    assert stranger.get_by_role("button", name="Sign out").count() == 0
    stranger.screenshot(path=str(ARTIFACTS / "sso-refused.png"))

    # The admin sees the waiting identity and links it to ana's account; its next sign-in lets it in.
    admin = _fresh_page(browser)
    admin.goto(url)
    admin.get_by_label("Username").fill("admin")
    admin.get_by_label("Password", exact=True).fill("admin-password-1")
    admin.get_by_role("button", name="Sign in", exact=True).click()
    admin.get_by_role("link", name="Users & groups").click()
    admin.get_by_text("Waiting to be linked").wait_for()
    _settle(admin)  # a rerun while the picker is open would detach its options
    picker = admin.get_by_label("Talkdown account")
    for _ in range(3):
        try:
            picker.click()
            admin.get_by_role("option", name="Ana Agent (ana)").click(timeout=5_000)
            break
        except Exception:  # the list closed under a rerun: open it again
            admin.screenshot(path=str(ARTIFACTS / "sso-admin-picker.png"), full_page=True)
            admin.keyboard.press("Escape")
            _settle(admin)
    admin.wait_for_function("() => [...document.querySelectorAll('input[aria-label=\"Talkdown account\"]')]"
                            ".some(i => (i.value || i.placeholder || '').includes('Ana Agent')) || "
                            "document.body.innerText.includes('Ana Agent (ana)')")
    _settle(admin)
    admin.get_by_role("button", name="Link", exact=True).click()
    admin.get_by_text("Linked identities").wait_for()
    admin.get_by_text("Nobody is waiting").wait_for()
    admin.screenshot(path=str(ARTIFACTS / "sso-admin.png"), full_page=True)
    stranger.get_by_role("button", name="Sign in with Fake ID").click()
    stranger.get_by_role("button", name="Sign out").wait_for()
    assert "Ana Agent" in stranger.inner_text("body")

    from store import Store

    store = Store(db)
    try:
        links = store.query("SELECT l.subject, u.username FROM sso_links l JOIN users u ON u.id = l.user_id "
                            "ORDER BY l.subject")
        assert links == [{"subject": "ana-at-fake", "username": "ana"}, {"subject": "someone-new", "username": "ana"}]
        assert store.query("SELECT * FROM sso_pending") == []
        assert [r["username"] for r in store.query("SELECT username FROM users ORDER BY id")] == ["admin", "ana"]
    finally:
        store.close()
