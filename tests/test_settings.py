"""Settings: env vars, the auto backend choice, and Streamlit secrets."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.settings import Settings, get_settings
from tests.conftest import ROOT


def test_nothing_configured_means_the_offline_local_backend(monkeypatch):
    monkeypatch.delenv("TALKDOWN_BACKEND")
    assert Settings().resolved_backend() == "local"


def test_a_base_url_alone_selects_the_openai_backend(monkeypatch):
    monkeypatch.delenv("TALKDOWN_BACKEND")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    s = Settings()
    assert s.resolved_backend() == "openai" and s.llm_configured()


def test_explicit_backend_wins_over_a_configured_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("TALKDOWN_BACKEND", "local")
    assert Settings().resolved_backend() == "local"


def test_streamlit_secrets_configure_the_endpoint(monkeypatch):
    monkeypatch.delenv("TALKDOWN_BACKEND")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
    at.secrets["TALKDOWN_OPENAI_MODEL"] = "team-model"
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "OpenAI-compatible · team-model" in captions


def test_environment_wins_over_secrets(monkeypatch):
    get_settings.cache_clear()  # TALKDOWN_BACKEND=scripted is set in the environment by conftest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["TALKDOWN_BACKEND"] = "openai"
    at.run()
    assert "scripted lines" in " ".join(c.value for c in at.sidebar.caption)


def test_an_endpoint_address_is_shown_without_credentials():
    from core.settings import public_url

    shown = public_url("https://alice:s3cret@llm.example.com:8443/v1?api-key=abc#x")
    assert shown == "https://llm.example.com:8443/v1"
    assert "s3cret" not in shown and "abc" not in shown and "alice" not in shown
    assert public_url(None) is None


def test_a_backend_error_names_the_endpoint_without_its_password():
    import openai

    from core.settings import Settings
    from personas.actors.openai_backend import _explain

    s = Settings(OPENAI_BASE_URL="http://bob:hunter2@127.0.0.1:9/v1?token=t0k", OPENAI_API_KEY="k")
    err = _explain(openai.APIConnectionError(request=__import__("httpx").Request("GET", "http://127.0.0.1:9")), s)
    text = f"{err}"
    assert "127.0.0.1:9/v1" in text and "hunter2" not in text and "t0k" not in text and "bob" not in text
