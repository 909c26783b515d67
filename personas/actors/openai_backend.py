"""Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio...) through LangChain, streaming.

One reply is one bounded call (core.llm_calls): connecting, the first byte, the whole stream and any
retries share one deadline (TALKDOWN_LLM_TIMEOUT), and at most TALKDOWN_LLM_MAX_REPLY_BYTES are read.
The reply is passed on as it streams (the guard shows each sentence once it passes), but it counts only if
the endpoint says it finished (a finish_reason): one that stops early or is cut mid-sentence is a failure,
never a customer line, even after its first sentences were shown. Every failure becomes a BackendError that says what
happened and what to do; the engine then keeps the trainee's turn and the app offers retry or the
authored line.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

from core.errors import BackendError
from core.llm_calls import (RETRY_STATUSES, Bounds, DeadlineExceeded, ReplyTooLarge, activate, bound_hit, http_client,
                             retry_pause)
from core.settings import Settings, public_url
from personas.actors.base import MAX_REPLY_CHARS, ActorRequest
from personas.actors.prompts import chat_messages

SWITCH = "or switch to the offline backend (TALKDOWN_BACKEND=local)."


class StreamCut(Exception):
    """The stream ended without the endpoint saying the reply was finished."""


def seconds(n: float) -> str:
    return f"{n:g} second" + ("" if n == 1 else "s")


def _caused_by(e: BaseException | None, kinds: tuple) -> bool:
    """An exception of one of `kinds` in e's chain (the SDK wraps a connection cut mid-reply)."""
    for _ in range(20):
        if e is None:
            return False
        if isinstance(e, kinds):
            return True
        e = e.__cause__ or e.__context__
    return False


def _explain(e: Exception, settings: Settings) -> BackendError:
    """Turn an SDK/HTTP exception into a message for the person at the keyboard."""
    import httpx
    import openai

    where = public_url(settings.openai_base_url) or "the OpenAI API"  # never credentials on a trainee's screen
    hit = bound_hit(e)
    if isinstance(hit, DeadlineExceeded) or isinstance(e, openai.APITimeoutError):
        return BackendError(f"The language model at {where} did not answer within {seconds(settings.llm_timeout)}.",
                            f"Try again, raise TALKDOWN_LLM_TIMEOUT, {SWITCH}")
    if isinstance(hit, ReplyTooLarge):
        return BackendError(f"The language model at {where} sent {hit} for one reply, so it was stopped.",
                            f"Try again, {SWITCH}")
    if isinstance(e, StreamCut) or _caused_by(e, (httpx.RemoteProtocolError, httpx.ReadError)):
        return BackendError(f"The reply from the language model at {where} broke off before it was finished.",
                            f"Try again, {SWITCH}")
    if isinstance(e, openai.APIConnectionError):
        return BackendError(f"Could not connect to the language model at {where}.",
                            f"Check OPENAI_BASE_URL and that the server is running, then try again, {SWITCH}")
    if isinstance(e, openai.AuthenticationError):
        return BackendError(f"The language model at {where} refused the API key.", f"Check OPENAI_API_KEY, {SWITCH}")
    if isinstance(e, openai.RateLimitError):
        return BackendError(f"The language model at {where} is rate-limiting requests (429).",
                            f"Wait a moment and try again, {SWITCH}")
    if isinstance(e, openai.NotFoundError):
        return BackendError(f"The model '{settings.openai_model}' was not found at {where}.",
                            f"Check TALKDOWN_OPENAI_MODEL, {SWITCH}")
    if isinstance(e, openai.APIStatusError):
        return BackendError(f"The language model at {where} returned an error (HTTP {e.status_code}).",
                            f"Try again in a moment, {SWITCH}")
    return BackendError(f"The language model call failed ({type(e).__name__}).", f"Try again, {SWITCH}")


def retryable(e: Exception) -> bool:
    """Worth another try within the deadline: a refused or broken connection, a cut stream, 408/429/5xx."""
    import httpx
    import openai

    if isinstance(e, openai.APIStatusError):
        return e.status_code in RETRY_STATUSES
    return isinstance(e, (openai.APIConnectionError, StreamCut, httpx.RemoteProtocolError, httpx.ReadError))


class OpenAIBackend:
    name = "openai"
    faithfulness = "loose"  # a capable model rewords freely; the guard still checks character and form

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._llm = None

    def _client(self):
        if self._llm is None:
            from langchain_openai import ChatOpenAI

            s = self.settings
            self._llm = ChatOpenAI(
                model=s.openai_model,
                # Local servers (Ollama, vLLM) ignore the key but the SDK insists on one.
                api_key=s.openai_api_key or "not-needed",
                base_url=s.openai_base_url,
                timeout=s.llm_timeout,
                max_retries=0,  # retries happen in `stream`, inside the one deadline
                http_client=http_client(),
                temperature=0.8,
                max_tokens=120,
                streaming=True,
            )
        return self._llm

    def _pieces(self, llm, request: ActorRequest, bounds) -> Iterator[str]:
        """The reply's text as the endpoint streams it. Every read of the stream runs inside the reply's
        bounds (its deadline and byte cap); the caller's work between pieces does not."""
        size = 0
        finished = False
        with activate(bounds):
            it = iter(llm.stream(chat_messages(request)))
        try:
            while True:
                with activate(bounds):
                    chunk = next(it, None)
                if chunk is None:
                    break
                # The socket reads stop at the deadline; this stops the parsing of what one read brought in.
                if bounds.remaining() <= 0:
                    raise bounds.expired()
                if (chunk.response_metadata or {}).get("finish_reason"):
                    finished = True
                text = chunk.content if isinstance(chunk.content, str) else ""
                size += len(text)
                if size > MAX_REPLY_CHARS:
                    raise ReplyTooLarge(f"more than {MAX_REPLY_CHARS:,} characters")
                if text:
                    yield text
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                with activate(bounds):
                    close()
        if not finished:
            raise StreamCut("the stream ended without a finish_reason")

    def stream(self, request: ActorRequest) -> Iterator[str]:
        """The reply streamed as it arrives (the guard shows each sentence once it passes). A failure before
        the first piece is retried within the deadline; one after it (the stream broke off, the deadline or
        the cap was hit) is a BackendError: what was read is never a customer line on its own."""
        s = self.settings
        try:
            llm = self._client()  # built (and LangChain imported) before the clock starts
            bounds = Bounds(float(s.llm_timeout), int(s.llm_max_reply_bytes))
            for attempt in range(max(0, s.llm_max_retries) + 1):
                started = False
                try:
                    for text in self._pieces(llm, request, bounds):
                        started = True
                        yield text
                    return
                except Exception as e:
                    wait = None if started else retry_pause(e, attempt, bounds, s.llm_max_retries, retryable)
                    if wait is None:
                        raise
                    time.sleep(wait)
        except BackendError:
            raise
        except Exception as e:
            raise _explain(e, s) from e
