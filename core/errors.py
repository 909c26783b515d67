"""Every error a user can meet, each with a message that says what to do.

Pages show these with ``st.error(str(err))``; CLIs print them and exit non-zero.
Nothing here should ever surface as a traceback.
"""
from __future__ import annotations


class TalkdownError(Exception):
    """Base for errors whose message is written for the person at the keyboard."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} {hint}")


class ScenarioError(TalkdownError):
    """A scenario file or form failed validation.

    ``problems`` holds (source, field, message) triples, one per problem.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{source}: {field}: {msg}" for field, msg in problems]
        super().__init__("\n".join(lines))


class UnknownScenarioError(TalkdownError):
    pass


class UnknownBackendError(TalkdownError):
    """Asked for an Actor backend that is not registered."""


class BackendError(TalkdownError):
    """The LLM endpoint failed, timed out or refused; the trainee's turn is already saved."""


class InputError(TalkdownError):
    """Bad user input: empty, too long, malformed upload or transcript."""


class AccessDenied(TalkdownError):
    """The current user may not see or change this record."""


class AuthError(TalkdownError):
    """Wrong username or password, or a disabled account."""
