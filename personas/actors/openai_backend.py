"""Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio...) through LangChain, streaming.

Every failure becomes a BackendError that says what happened and what to do; the engine then keeps
the trainee's turn and the app offers retry or the authored line.
"""
from __future__ import annotations

from collections.abc import Iterator

from core.errors import BackendError
from core.settings import Settings, public_url
from personas.actors.base import ActorRequest
from personas.actors.prompts import chat_messages

SWITCH = "or switch to the offline backend (TALKDOWN_BACKEND=local)."


def _explain(e: Exception, settings: Settings) -> BackendError:
    """Turn an SDK/HTTP exception into a message for the person at the keyboard."""
    import openai

    where = public_url(settings.openai_base_url) or "the OpenAI API"  # never credentials on a trainee's screen
    if isinstance(e, openai.APITimeoutError):
        return BackendError(f"The language model at {where} did not answer within {settings.llm_timeout:g} seconds.",
                            f"Try again, raise TALKDOWN_LLM_TIMEOUT, {SWITCH}")
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
                max_retries=s.llm_max_retries,
                temperature=0.8,
                max_tokens=120,
                streaming=True,
            )
        return self._llm

    def stream(self, request: ActorRequest) -> Iterator[str]:
        try:
            for chunk in self._client().stream(chat_messages(request)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    yield text
        except BackendError:
            raise
        except Exception as e:
            raise _explain(e, self.settings) from e
