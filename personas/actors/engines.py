"""The local model's inference engines: one model copy per process serves every trainee.

Two engines run the same GGUF file:

- ``xllamacpp`` (the default): llama.cpp's own server embedded in-process, from a prebuilt wheel
  (no compiler). ``parallel`` slots share one copy of the weights and are decoded together by
  continuous batching, so several trainees' replies are written at the same time. Its calls release
  the GIL and are safe from any thread.
- ``llama-cpp-python`` (optional, ``requirements-llamacpp.txt``; compiles llama.cpp on install): one
  context that writes one reply at a time behind a lock. Kept for machines where no xllamacpp wheel
  fits (it builds from source anywhere a compiler is); ``parallel`` is always 1 there.

Choose with TALKDOWN_LOCAL_ENGINE (``auto``: xllamacpp when installed, else llama-cpp-python), the
slot count with TALKDOWN_LOCAL_PARALLEL, the threads with TALKDOWN_LOCAL_THREADS.

The thread default is 1: on these shared 2-core machines llama.cpp's two threads meet at a barrier
after every operation, so when other processes take the cores each token waits for both threads to
be scheduled together, and 2 threads decoded ~10x slower than 1 (bench/turn_latency.py measures it
with a CPU-bound process beside it). ``0`` means "decide at load": 2 threads only when the load
average leaves both cores free.
"""
from __future__ import annotations

import importlib.util
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

ENGINE_NAMES = ("xllamacpp", "llama-cpp-python")


class EngineError(RuntimeError):
    """The engine failed to load a model or to answer; the backend turns it into a BackendError."""


class EngineMissing(EngineError):
    """The engine's package is not installed."""


@runtime_checkable
class Engine(Protocol):
    name: str
    path: Path
    threads: int
    parallel: int   # replies written at the same time by this one model copy

    def complete(self, prompt: str, max_tokens: int, temperature: float, top_p: float,
                 repeat_penalty: float, stop: list[str], seed: int) -> str:
        """Plain text completion of `prompt`; raises EngineError."""
        ...

    def chat(self, messages: list[dict[str, str]], max_tokens: int, temperature: float,
             stop: list[str], seed: int) -> str:
        """The assistant message for OpenAI-style `messages`, with the model's chat template."""
        ...

    # Optional (the local backend uses them when present): the same as text pieces while they are
    # generated; a generation that ends without a finish reason raises EngineError; closing the
    # iterator stops the generation.
    #   complete_stream(prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed) -> Iterator[str]
    #   chat_stream(messages, max_tokens, temperature, stop, seed) -> Iterator[str]


def installed(name: str) -> bool:
    module = {"xllamacpp": "xllamacpp", "llama-cpp-python": "llama_cpp"}[name]
    return importlib.util.find_spec(module) is not None


def resolve_engine_name(setting: str) -> str:
    """The engine a setting means: an explicit name as is, ``auto`` the first one installed."""
    if setting in ENGINE_NAMES:
        return setting
    if setting != "auto":
        raise EngineError(f"Unknown local engine {setting!r} (choose auto, {', '.join(ENGINE_NAMES)}).")
    for name in ENGINE_NAMES:
        if installed(name):
            return name
    return ENGINE_NAMES[0]  # neither: loading it reports what to install


def resolve_threads(setting: int, cores: int | None = None, load: float | None = None) -> int:
    """Threads for llama.cpp: a positive setting as is; 0 picks at load time (2 only on a quiet box)."""
    if setting > 0:
        return setting
    cores = cores or os.cpu_count() or 1
    load = os.getloadavg()[0] if load is None else load
    # Two threads pay off only when both can run at once: with other work queued for the cores,
    # one thread degrades gracefully where two collapse (see module docstring).
    return 2 if cores >= 2 and load <= cores - 1.5 else 1


class XllamaEngine:
    """llama.cpp's server in-process (xllamacpp): `parallel` slots, continuous batching."""

    name = "xllamacpp"

    def __init__(self, path: Path, threads: int, n_ctx: int, parallel: int) -> None:
        try:
            import xllamacpp
        except ImportError:
            raise EngineMissing("xllamacpp is not installed") from None
        self.path, self.threads, self.parallel, self.n_ctx = Path(path), threads, max(1, parallel), n_ctx
        p = xllamacpp.CommonParams()
        p.model.path = str(path)
        p.n_parallel = self.parallel
        p.n_ctx = n_ctx * self.parallel          # the server splits the context between its slots
        p.cpuparams.n_threads = threads
        p.cpuparams_batch.n_threads = threads
        p.verbosity = -1                          # llama.cpp's log lines off (errors come back as results)
        p.cache_ram_mib = 0                       # no host-RAM prompt cache; each slot still reuses its prefix
        p.warmup = False
        self.params = p
        try:
            self._server = xllamacpp.Server(p)
        except Exception as e:  # a missing, truncated or non-GGUF file: RuntimeError("Failed to init server...")
            raise EngineError(str(e)) from e

    def _result(self, body: dict) -> dict:
        handler = self._server.handle_chat_completions if "messages" in body else self._server.handle_completions
        out = handler(body)
        if not isinstance(out, dict) or "choices" not in out:
            msg = out.get("message") or out.get("error") if isinstance(out, dict) else out
            raise EngineError(f"llama.cpp server error: {msg}")
        return out

    def _stream(self, body: dict, piece) -> Iterator[str]:
        """Run one streamed request on a helper thread (the server's call blocks until the reply is done
        and calls back per token) and yield its pieces here. Closing the iterator cancels the request
        at its next token, so its slot is freed for another trainee."""
        handler = self._server.handle_chat_completions if "messages" in body else self._server.handle_completions
        q: queue.SimpleQueue = queue.SimpleQueue()
        cancel = threading.Event()
        END = object()

        def on_chunk(chunk) -> bool:
            q.put(chunk)
            return cancel.is_set()  # True stops the generation

        def work() -> None:
            try:
                handler(dict(body, stream=True), on_chunk)
            except BaseException as e:  # noqa: BLE001 - handed to the reading thread
                q.put(e)
            finally:
                q.put(END)

        threading.Thread(target=work, name="xllamacpp-stream", daemon=True).start()
        finished = False
        try:
            while True:
                item = q.get()
                if item is END:
                    break
                if isinstance(item, BaseException):
                    raise EngineError(f"llama.cpp server error: {item}")
                if not isinstance(item, dict) or not item.get("choices"):
                    msg = (item.get("message") or item.get("error")) if isinstance(item, dict) else item
                    raise EngineError(f"llama.cpp server error: {msg}")
                choice = item["choices"][0]
                text = piece(choice)
                if text:
                    yield text
                if choice.get("finish_reason"):
                    finished = True
            if not finished:
                raise EngineError("the generation ended before the model finished its reply")
        finally:
            cancel.set()

    def complete_stream(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed) -> Iterator[str]:
        return self._stream({"prompt": prompt, "max_tokens": max_tokens, "temperature": temperature, "top_p": top_p,
                             "repeat_penalty": repeat_penalty, "stop": list(stop), "seed": seed},
                            lambda c: c.get("text") or "")

    def chat_stream(self, messages, max_tokens, temperature, stop, seed) -> Iterator[str]:
        return self._stream({"messages": list(messages), "max_tokens": max_tokens, "temperature": temperature,
                             "stop": list(stop), "seed": seed},
                            lambda c: (c.get("delta") or {}).get("content") or "")

    def complete(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed) -> str:
        out = self._result({"prompt": prompt, "max_tokens": max_tokens, "temperature": temperature, "top_p": top_p,
                            "repeat_penalty": repeat_penalty, "stop": list(stop), "seed": seed})
        return out["choices"][0]["text"]

    def chat(self, messages, max_tokens, temperature, stop, seed) -> str:
        out = self._result({"messages": list(messages), "max_tokens": max_tokens, "temperature": temperature,
                            "stop": list(stop), "seed": seed})
        return out["choices"][0]["message"].get("content") or ""


class LlamaCppEngine:
    """llama-cpp-python: one context, one reply at a time (a Llama object is not thread-safe)."""

    name = "llama-cpp-python"
    parallel = 1

    def __init__(self, path: Path, threads: int, n_ctx: int, parallel: int = 1) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise EngineMissing("llama-cpp-python is not installed") from None
        self.path, self.threads, self.n_ctx = Path(path), threads, n_ctx
        self._lock = threading.Lock()
        try:
            self._llm = _new_llama(Llama, path, n_ctx, threads)
        except Exception as e:  # llama.cpp reports a bad file as ValueError/RuntimeError
            raise EngineError(str(e)) from e

    def complete(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed) -> str:
        with self._lock:
            out = self._llm.create_completion(prompt, max_tokens=max_tokens, temperature=temperature, top_p=top_p,
                                              repeat_penalty=repeat_penalty, stop=list(stop), seed=seed)
        return out["choices"][0]["text"]

    def chat(self, messages, max_tokens, temperature, stop, seed) -> str:
        with self._lock:
            out = self._llm.create_chat_completion(list(messages), max_tokens=max_tokens, temperature=temperature,
                                                   stop=list(stop), seed=seed)
        return out["choices"][0]["message"]["content"] or ""

    def _stream(self, make, piece) -> Iterator[str]:
        # The lock is held while the reply is read: the context writes one reply at a time.
        with self._lock:
            finished = False
            it = make()
            try:
                for chunk in it:
                    choice = chunk["choices"][0]
                    text = piece(choice)
                    if text:
                        yield text
                    if choice.get("finish_reason"):
                        finished = True
            finally:
                close = getattr(it, "close", None)
                if close is not None:
                    close()
            if not finished:
                raise EngineError("the generation ended before the model finished its reply")

    def complete_stream(self, prompt, max_tokens, temperature, top_p, repeat_penalty, stop, seed) -> Iterator[str]:
        return self._stream(lambda: self._llm.create_completion(
            prompt, max_tokens=max_tokens, temperature=temperature, top_p=top_p, repeat_penalty=repeat_penalty,
            stop=list(stop), seed=seed, stream=True), lambda c: c.get("text") or "")

    def chat_stream(self, messages, max_tokens, temperature, stop, seed) -> Iterator[str]:
        return self._stream(lambda: self._llm.create_chat_completion(
            list(messages), max_tokens=max_tokens, temperature=temperature, stop=list(stop), seed=seed, stream=True),
            lambda c: (c.get("delta") or {}).get("content") or "")


def _new_llama(Llama, path: Path, n_ctx: int, threads: int):
    """A Llama with llama.cpp's "extra buffer types" (runtime weight repacking, AMX) switched off.

    On a 2-core AVX-512/AMX machine (this project's reference box) llama-cpp-python 0.3.36 segfaulted
    in the first decode with them on, for the bundled Q4_1 file; with them off it runs. llama-cpp-python
    has no constructor argument for it, so the default-params factory is wrapped while the model loads
    (callers hold _load_lock, so nothing else builds a model meanwhile)."""
    import llama_cpp.llama_cpp as bindings  # the ctypes module Llama.__init__ reads the defaults from

    orig = bindings.llama_model_default_params

    def params():
        p = orig()
        if hasattr(p, "use_extra_bufts"):
            p.use_extra_bufts = False
        return p

    bindings.llama_model_default_params = params
    try:
        return Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
    finally:
        bindings.llama_model_default_params = orig


ENGINES: dict[str, type] = {"xllamacpp": XllamaEngine, "llama-cpp-python": LlamaCppEngine}

_load_lock = threading.Lock()
# One loaded engine per (engine, file, context per slot, threads, slots) per process: the app's
# settings are process-wide, so in practice one copy of each model file.
_engines: dict[tuple[str, str, int, int, int], Engine] = {}


def load_engine(name: str, path: Path, threads: int, n_ctx: int, parallel: int = 1) -> Engine:
    """The process's engine for this file and configuration, loaded on first use."""
    name = resolve_engine_name(name)
    parallel = 1 if name == "llama-cpp-python" else max(1, parallel)
    key = (name, str(path), n_ctx, threads, parallel)  # the thread *setting*: 0 is resolved once, here
    with _load_lock:
        if key not in _engines:
            _engines[key] = ENGINES[name](Path(path), resolve_threads(threads), n_ctx, parallel)
        return _engines[key]


def loaded_engines() -> dict[tuple[str, str, int, int, int], Engine]:
    return dict(_engines)
