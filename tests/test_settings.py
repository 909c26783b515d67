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


# -- bad values: one plain line, never pydantic's report -----------------------------------------
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

BAD = [("TALKDOWN_LLM_TIMEOUT", "abc", "a number greater than 0"),
       ("TALKDOWN_LLM_TIMEOUT", "-3", "a number greater than 0"),
       ("TALKDOWN_LLM_MAX_RETRIES", "two", "a whole number at least 0"),
       ("TALKDOWN_LLM_MAX_REPLY_BYTES", "10", "at least 1000"),
       ("TALKDOWN_LOCAL_PARALLEL", "0", "from 1 to 64"),
       ("TALKDOWN_LOCAL_THREADS", "1.5", "a whole number"),
       ("TALKDOWN_BACKEND", "gpt-5", "one of auto, openai, local, scripted"),
       ("TALKDOWN_JUDGE", "perhaps", "true or false"),
       ("TALKDOWN_MOVE_MODEL", "bert\nx", "one of rules, cs, esconv"),
       ("TALKDOWN_LOCAL_DEADLINE", "0", "a number greater than 0")]
PYDANTIC_WORDS = ("validation error", "Input should be", "type=", "pydantic", "Traceback", "For further information")


def _plain_one_line(text: str, var: str, allowed: str) -> None:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert var in lines[0] and allowed in lines[0], text
    assert not any(w.lower() in text.lower() for w in PYDANTIC_WORDS), text


@pytest.mark.parametrize("var, value, allowed", BAD, ids=[f"{v}={x!r}" for v, x, _ in BAD])
def test_a_bad_setting_is_one_plain_line(monkeypatch, var, value, allowed):
    from core.settings import SettingsError

    monkeypatch.setenv(var, value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as e:
        get_settings()
    _plain_one_line(str(e.value), var, allowed)


@pytest.mark.parametrize("cli, argv", [("personas", ["validate"]), ("scoring", ["score", "/dev/null"]),
                                       ("store", ["backup", "/nonexistent/x.db"])])
@pytest.mark.parametrize("var, value, allowed", BAD[::2], ids=[f"{v}={x!r}" for v, x, _ in BAD[::2]])
def test_every_cli_reports_a_bad_setting_in_one_line_with_exit_code_2(monkeypatch, capsys, cli, argv, var, value,
                                                                     allowed):
    import importlib

    main = importlib.import_module(f"{cli}.__main__").main
    monkeypatch.setenv(var, value)
    get_settings.cache_clear()
    assert main(argv) == 2
    out = capsys.readouterr()
    assert out.out == ""
    _plain_one_line(out.err, var, allowed)


@pytest.mark.parametrize("cli, argv", [("personas", ["validate"]), ("scoring", ["score", "/dev/null"]),
                                       ("store", ["seed-demo"])])
def test_a_cli_process_with_a_bad_setting_prints_no_traceback(tmp_path, cli, argv):
    import os

    env = {**os.environ, "TALKDOWN_LLM_TIMEOUT": "abc", "TALKDOWN_DB_PATH": str(tmp_path / "t.db")}
    r = subprocess.run([sys.executable, "-m", cli, *argv], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2, r.stderr
    _plain_one_line(r.stderr, "TALKDOWN_LLM_TIMEOUT", "a number greater than 0")
    assert not (tmp_path / "t.db").exists(), "nothing ran"


@pytest.mark.parametrize("var, value, allowed", BAD[:3], ids=[f"{v}={x!r}" for v, x, _ in BAD[:3]])
def test_the_app_shows_a_bad_setting_as_one_message(monkeypatch, var, value, allowed):
    monkeypatch.setenv(var, value)
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    _plain_one_line(at.error[0].value.replace("\\", ""), var, allowed)


def test_a_bad_streamlit_secret_is_named_too(monkeypatch):
    monkeypatch.delenv("TALKDOWN_LLM_TIMEOUT", raising=False)
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["TALKDOWN_LLM_TIMEOUT"] = "soon"
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    _plain_one_line(at.error[0].value.replace("\\", ""), "LLM_TIMEOUT", "a number greater than 0")


def test_every_setting_says_what_it_allows():
    from core.settings import Settings, allowed

    for name, field in Settings.model_fields.items():
        words = allowed(name)
        assert words and "{" not in words
        if field.annotation in (int, float):
            assert "number" in words
