"""The practice loop as the app runs it: engine + store + scoring, with every turn saved
before the next model call, and resume from the store after a reload or restart."""
from __future__ import annotations

import random
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from core.errors import AccessDenied, InputError, TalkdownError
from core.settings import get_settings
from core.transcript import Transcript
from personas.actors.base import word_chunks
from personas.scenario import Scenario
from services.catalog import get_scenario

_actor_lock = threading.Lock()
_actors: dict[tuple, Any] = {}


def get_actor():
    """One Actor per process and backend configuration (the local model loads once)."""
    from personas.actors import Actor, get_backend

    s = get_settings()
    key = (s.resolved_backend(), s.openai_base_url, s.openai_model, s.local_model_path,
           s.local_engine, s.local_threads, s.local_parallel, s.local_deadline, s.local_rewrite_budget)
    with _actor_lock:
        if key not in _actors:
            _actors[key] = Actor(get_backend(settings=s))
        return _actors[key]


def _engine(scenario: Scenario, turns: list[dict] | None = None):
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine

    # A new attempt gets its own wording variant (saved with the opening turn), so attempts read differently.
    variant = 0 if turns else random.randrange(1, 2**31)
    return PracticeEngine(scenario, get_archetype(scenario.persona), get_actor(), turns=turns, variant=variant)


@dataclass
class Live:
    """A conversation loaded from the store with its engine rebuilt from the saved turns."""
    conversation: Any
    scenario: Scenario
    engine: Any


def load(scope, conversation_id: int) -> Live:
    conv = scope.get_conversation(conversation_id)
    scenario = get_scenario(scope, conv.scenario_id)
    return Live(conv, scenario, _engine(scenario, turns=scope.get_turns(conversation_id)))


def _own_active(scope, live: Live) -> None:
    if live.conversation.user_id != scope.user.id:
        raise AccessDenied("Only the trainee who started this conversation can continue it.")
    if live.conversation.status != "active":
        raise InputError("This conversation has ended. Start a new attempt or retry from a turn.")


def _save(scope, conversation_id: int, turn: dict) -> None:
    # The customer's lines go through the store's engine path (a user's scope adds only trainee turns).
    from store import record_turn

    record_turn(scope, conversation_id, turn)


def start(scope, scenario_id: str, *, mode: str = "practice", assignment_id: int | None = None,
          channel: str | None = None) -> int:
    """A new conversation; one already in progress is set aside first (see `set_aside`).
    channel "voice" or "text"; None: what the assignment requires, else text (the store decides)."""
    scenario = get_scenario(scope, scenario_id)
    set_aside(scope)
    engine = _engine(scenario)
    opening = engine.open()
    conv_id = scope.start_conversation(scenario_id, mode=mode, assignment_id=assignment_id,
                                       backend=get_settings().resolved_backend(), channel=channel)
    _save(scope, conv_id, opening)
    return conv_id


def awaiting_reply(live: Live) -> bool:
    """The last saved turn is the trainee's: the customer's reply failed and can be retried."""
    turns = live.engine.turns
    return bool(turns) and turns[-1]["role"] == "trainee" and not live.engine.ended


LEASE_POLL_S = 0.1


@contextmanager
def _reply_lease(scope, conversation_id: int) -> Iterator[None]:
    """Hold the conversation's reply lease (store.leases, in the database): a rerun, a second tab, a retry
    click or another app process on the same file never renders a reply twice. Waits while another holds
    it; a crashed holder's lease lapses after Settings.reply_lease_seconds()."""
    seconds = get_settings().reply_lease_seconds()
    give_up = time.monotonic() + seconds
    token = scope.take_reply_lease(conversation_id, seconds)
    while token is None:
        if time.monotonic() >= give_up:
            raise InputError("The customer's reply to this conversation is still being written elsewhere.",
                             "Wait a moment, then reload the page.")
        time.sleep(LEASE_POLL_S)
        if not scope.reply_in_progress(conversation_id):  # a read first: the write lock only when it is free
            token = scope.take_reply_lease(conversation_id, seconds)
    try:
        yield
    finally:
        try:
            scope.release_reply_lease(conversation_id, token)
        except Exception:  # never hide the real outcome; an unreleased lease lapses on its own
            pass


def replying(scope, conversation_id: int) -> bool:
    """A reply for this conversation is being generated right now (in another script run or process)."""
    return scope.reply_in_progress(conversation_id)


def wait_for_reply(scope, conversation_id: int, timeout: float | None = None) -> bool:
    """Wait until nobody is writing this conversation's reply; False if still busy after `timeout`."""
    give_up = time.monotonic() + (get_settings().reply_lease_seconds() if timeout is None else timeout)
    while scope.reply_in_progress(conversation_id):
        if time.monotonic() >= give_up:
            return False
        time.sleep(LEASE_POLL_S)
    return True


class ReplyStream:
    """The customer's reply while it is written: iterate it for display chunks (guarded sentence by
    sentence, personas.actors.Rendering). The reply lease is held until the whole reply is saved, so no
    other model call for this conversation starts before that. When the iteration ends the reply is
    saved (and the conversation scored if it ended); if the display stops early (a rerun, a closed tab:
    `close()`, or the stream simply dropped) the rest is generated unseen and saved the same way. A
    BackendError mid-stream (the model's stream broke off) saves nothing and releases the lease: the
    trainee's turn stays unanswered and the page offers a retry.

    It is created with its first chunk already read, so a failure before anything could be shown raises
    from send()/retry_reply() themselves, as before streaming."""

    def __init__(self, scope, live: Live, lease: ExitStack) -> None:
        self._scope, self._live, self._lease = scope, live, lease
        self._gen = live.engine.stream_reply()
        self._head: list[str] = []
        self._open = True
        try:
            self._head = [next(self._gen)]
        except StopIteration:
            self._done()
        except BaseException:
            self._release()
            raise

    def __iter__(self) -> "ReplyStream":
        return self

    def __next__(self) -> str:
        if self._head:
            return self._head.pop()
        if not self._open:
            raise StopIteration
        try:
            return next(self._gen)
        except StopIteration:
            self._done()
            raise
        except BaseException:
            self._release()
            raise

    def _done(self) -> None:
        try:
            _record_reply(self._scope, self._live, self._live.engine.turns[-1])
        finally:
            self._release()

    def _release(self) -> None:
        if self._open:
            self._open = False
            self._lease.close()

    def close(self) -> None:
        """Stop displaying: the reply is still finished and saved (a failure now just leaves it unanswered)."""
        self._head = []
        if not self._open:
            return
        try:
            for _ in self._gen:
                pass
            self._done()
        except Exception:  # noqa: BLE001 - nobody is watching; the trainee's turn stays unanswered
            pass
        finally:
            self._release()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


def _streamed_reply(scope, live: Live, lease: ExitStack) -> ReplyStream:
    return ReplyStream(scope, live, lease)


def send(scope, conversation_id: int, text: str, *, offline: bool = False,
         voice: dict | None = None) -> Iterator[str]:
    """Save the trainee's turn, then stream the customer's reply: each sentence is shown once the guard
    has passed it, while the rest is generated (see ReplyStream; the reply is saved when complete, also
    if the display is interrupted).

    Raises InputError before saving anything for an empty or oversized message, and
    BackendError after the trainee's turn is saved when the LLM endpoint fails.
    offline=True answers with the scenario's authored lines and never calls the model
    (the trainee chose this after the endpoint failed). voice: a spoken turn's measures
    (`Heard.as_turn_voice()`), saved with the turn for the report's voice section."""
    lease = ExitStack()
    lease.enter_context(_reply_lease(scope, conversation_id))
    try:
        live = load(scope, conversation_id)
        _own_active(scope, live)
        if awaiting_reply(live):
            raise InputError("The customer has not answered your last message yet. Retry the reply first.")
        turn = live.engine.add_trainee(text)
        if voice is not None:
            turn["voice"] = dict(voice)
        _save(scope, conversation_id, turn)  # saved before the model is called
        if offline:
            reply = _record_reply(scope, live, live.engine.fallback_reply())
            lease.close()
            return word_chunks(reply["text"])
    except BaseException:
        lease.close()
        raise
    return _streamed_reply(scope, live, lease)  # owns the lease from here


def has_replied(live: Live) -> bool:
    return any(t["role"] == "trainee" for t in live.engine.turns)


def set_aside(scope) -> None:
    """One conversation in progress at a time: the one in progress is dropped if the trainee has not
    replied yet (nothing to lose or score), else ended and scored like "End conversation"."""
    for _ in range(100):  # normally one; more only if earlier versions left several open
        active = scope.active_conversation()
        if active is None:
            return
        try:
            end(scope, active.id)
        except TalkdownError:  # e.g. its custom scenario was deleted: close it without a report
            still = scope.active_conversation()
            if still is not None and still.id == active.id:
                scope.finish_conversation(active.id, "trainee_ended")


def retry_reply(scope, conversation_id: int) -> Iterator[str]:
    """Ask the model again for the unanswered message, streamed like send()."""
    lease = ExitStack()
    lease.enter_context(_reply_lease(scope, conversation_id))
    try:
        live = load(scope, conversation_id)
        _own_active(scope, live)
        if not awaiting_reply(live):  # another run answered it meanwhile
            lease.close()
            return iter(())
    except BaseException:
        lease.close()
        raise
    return _streamed_reply(scope, live, lease)


def continue_offline(scope, conversation_id: int) -> dict:
    """The endpoint is down: answer with the scenario's authored line so practice goes on."""
    with _reply_lease(scope, conversation_id):
        live = load(scope, conversation_id)
        _own_active(scope, live)
        if not awaiting_reply(live):
            raise InputError("There is no unanswered message.")
        return _record_reply(scope, live, live.engine.fallback_reply())


def _record_reply(scope, live: Live, turn: dict) -> dict:
    """Save the customer's turn; if it ended the conversation, score it."""
    _save(scope, live.conversation.id, turn)
    if live.engine.ended:
        finish(scope, live, live.engine.ended)
    return turn


def end(scope, conversation_id: int) -> bool:
    """End the conversation; True if it was scored, False if it was dropped because the trainee had
    not replied yet (there is nothing to score)."""
    with _reply_lease(scope, conversation_id):
        live = load(scope, conversation_id)
        _own_active(scope, live)
        if not has_replied(live):
            scope.discard_conversation(conversation_id)
            return False
        # A customer who already accepted the resolution makes this "resolved", not "trainee_ended".
        finish(scope, live, live.engine.end("trainee_ended"))
        return True


def finish(scope, live: Live, reason: str) -> dict | None:
    """End and score: the store scores the saved turns (once) and stores that report; this only adds
    the advisory parts to it (the judge's view, predicted reactions), which the store checks."""
    transcript = live.engine.transcript()
    return scope.finish_conversation(live.conversation.id, reason,
                                     advise=lambda engine: advise(engine, transcript, live.scenario))


def advise(engine_report: dict, transcript: dict, scenario: Scenario | None) -> dict:
    """The engine's report plus the LLM judge's separate view when one is configured and, beside each
    suggestion, the customer's predicted reaction. Scores are the engine's, untouched."""
    from scoring.report import Report

    report = Report.model_validate(engine_report)
    try:
        from scoring.judge import add_judge  # offline: unchanged; a failure becomes report.judge_error

        report = add_judge(report, Transcript.model_validate(transcript))
    except Exception:  # the judge is advisory: never lose the report over it
        pass
    try:  # the Director replayed from each suggestion's turn
        from personas.whatif import add_predictions

        report = add_predictions(report, transcript, scenario)
    except Exception:  # a prediction is a bonus: never lose the report over it
        pass
    return report.model_dump(mode="json")


def score_transcript(transcript: dict, scenario: Scenario | None) -> dict:
    """The deterministic report with its advisory parts, for a transcript not in the store (previews)."""
    import scoring

    return advise(scoring.score(Transcript.model_validate(transcript), scenario).model_dump(mode="json"),
                  transcript, scenario)


def branch(scope, conversation_id: int, turn_no: int) -> int:
    """Retry from a trainee turn: a new conversation with the turns before it; the original stays."""
    conv = scope.get_conversation(conversation_id)
    if conv.user_id != scope.user.id:
        raise AccessDenied("Only the trainee who had this conversation can retry it.")
    turns = scope.get_turns(conversation_id)
    if not (1 <= turn_no <= len(turns)) or turns[turn_no - 1]["role"] != "trainee":
        raise InputError("Retry starts at one of your own turns.")
    keep = turns[: turn_no - 1]
    # An assessment counts once: a retry of it is plain practice, not a second attempt.
    assessment = conv.mode == "assessment"
    new_id = scope.start_conversation(conv.scenario_id, mode="practice",
                                      assignment_id=None if assessment else conv.assignment_id,
                                      parent_id=conv.id, branch_turn=turn_no, backend=get_settings().resolved_backend(),
                                      channel=conv.channel)
    for t in keep:
        _save(scope, new_id, t)
    return new_id


def mood_series(turns: list[dict]) -> list[dict]:
    """(customer turn number, anger, trust) for the mood meter."""
    out, n = [], 0
    for t in turns:
        if t["role"] == "customer" and t.get("mood") is not None:
            n += 1
            out.append({"reply": n, "anger": float(t["mood"]),
                        "trust": float(t["trust"]) if t.get("trust") is not None else None})
    return out


def preview_open(scenario: Scenario) -> list[dict]:
    """Trainer preview: the opening turn, nothing saved."""
    engine = _engine(scenario)
    engine.open()
    return list(engine.turns)


def preview_reply(scenario: Scenario, turns: list[dict], text: str) -> list[dict]:
    engine = _engine(scenario, turns=turns)
    if engine.ended:
        raise InputError("The preview conversation has ended. Restart it to try again.")
    engine.add_trainee(text)
    for _ in engine.stream_reply():
        pass
    return list(engine.turns)


def hints(live: Live) -> list[str]:
    """Practice-mode coaching for the next reply, from the moves so far and the Director's state."""
    turns = live.engine.turns
    trainee = [t for t in turns if t["role"] == "trainee"]
    used = {m for t in trainee for m in (t.get("moves") or [])}
    last = set(trainee[-1].get("moves") or []) if trainee else set()
    customer = [t for t in turns if t["role"] == "customer"]
    mood = float(customer[-1]["mood"]) if customer and customer[-1].get("mood") is not None else None
    sc = live.scenario
    tips: list[str] = []
    if last & {"dismissive", "blame"}:
        tips.append("That last reply sounded dismissive or blaming, and it made things worse. "
                    "Acknowledge what they said before anything else.")
    if "jargon" in last:
        tips.append("Plain words, please: the customer did not follow the technical terms.")
    state = live.engine.state
    ask = state.open_ask or {}
    if ask.get("times", 0) >= 1:
        tips.append(f"They asked “{ask.get('text', '')}” and have not had an answer: answer it, even if the "
                    "honest answer is “I don't know yet — I'll find out by …”.")
    if state.generic_empathy >= 2:
        tips.append("“I understand” on its own has stopped working: say what you understand about their "
                    "situation, and what you will do about it.")
    if not used & {"reflection", "apology", "affirmation"}:
        tips.append("Show you understand what this means for them: name their situation and the feeling in it, "
                    "not just “I understand”.")
    elif "paraphrase" not in used and len(trainee) >= 1:
        tips.append("Restate their problem in your own words so they know you have it right.")
    hidden = [f for f in sc.facts if f.id not in live.engine.state.disclosed]
    if hidden and "question" not in last:
        example = next((f.ask for f in hidden if f.ask), None)
        tips.append(f"Ask an open question to learn more — e.g. “{example}”" if example
                    else "Ask an open question to find out more about what happened.")
    met = live.engine.state.needs_met
    calmer = mood is not None and trainee and mood < sc.start_mood and mood <= sc.end.resolve_mood + 2
    if calmer and not met and sc.policy.may_offer:  # "calmer now" only once they really are, not at turn 0
        tips.append("They are calmer now: offer a concrete next step with a time. You may offer: "
                    + "; ".join(sc.policy.may_offer[:3]) + ".")
    if met and "summary" not in used:
        tips.append("Summarise what will happen next, check if there is anything else, then close warmly.")
    return tips[:3]


# -- voice -------------------------------------------------------------------------------------------

def voice_unavailable() -> str | None:
    """Why voice practice cannot run here (packages missing, switched off), or None when it can."""
    import speech

    return speech.unavailable_reason()


def hear(data: bytes | None):
    """One recording checked and transcribed (speech.Heard); InputError for empty, silent, over-long or
    non-audio input, speech.SpeechUnavailable when voice is off. Nothing is saved: the trainee edits the
    transcript and sends it with `send(..., voice=heard.as_turn_voice())`."""
    import speech

    return speech.hear(data)


def speak(turn: dict) -> bytes:
    """The customer's line as WAV bytes, paced by their mood."""
    import speech

    return speech.speak(turn["text"], mood=turn.get("mood"))


def customer_voice() -> str:
    import speech

    return speech.voice_label()
