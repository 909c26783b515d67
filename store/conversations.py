"""UserScope, part four: conversations and their turns."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta

from core.errors import AccessDenied, InputError
from core.transcript import MAX_MESSAGE_CHARS, MAX_TURN_CHARS
from store.access import MAX_META_CHARS, NO_ASSIGNMENT, ScopeBase, _SUMMARY_SQL, _date, _fresh, _summary
from store.common import iso
from store.models import CHANNELS, END_STATUSES, MODES, ConversationSummary
from store.reports import checked_report, insert_report

ASSESSMENT_TAKEN = "This assessment has already been taken."
VOICE_FIELDS = ("audio_seconds", "silence_before", "speaking_seconds", "spoken_words")
MAX_VOICE_SECONDS = 600.0


def _checked_voice(voice: dict | None) -> dict | None:
    """A spoken turn's measures (see speech.audio): numbers in range, silence and speaking inside the recording."""
    if voice is None:
        return None
    if not isinstance(voice, dict) or set(voice) - set(VOICE_FIELDS):
        raise InputError(f"A spoken turn's measures are: {', '.join(VOICE_FIELDS)}.")
    out = {}
    for k in VOICE_FIELDS:
        v = voice.get(k)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or not 0 <= v <= (
                100_000 if k == "spoken_words" else MAX_VOICE_SECONDS):
            raise InputError(f"A spoken turn needs '{k}' as a number in range.")
        out[k] = int(v) if k == "spoken_words" else float(v)
    if out["audio_seconds"] <= 0 or out["silence_before"] + out["speaking_seconds"] > out["audio_seconds"] + 0.05:
        raise InputError("A spoken turn's silence and speaking time must fit inside its recording.")
    return out


class ConversationsMixin(ScopeBase):
    # -- conversations and turns ------------------------------------------------------------
    @_fresh
    def start_conversation(self, scenario_id: str, *, mode: str = "practice", assignment_id: int | None = None,
                           parent_id: int | None = None, branch_turn: int | None = None, backend: str = "",
                           channel: str | None = None) -> int:
        """Open a conversation owned by the current user. Linked to an assignment, it takes that
        assignment's mode and scenario; an assessment already finished once cannot be started again.
        channel: "text" or "voice"; None takes what the assignment requires, else text. An assignment that
        requires voice (or text) cannot be started the other way."""
        scenario_id = (scenario_id or "").strip()
        if not scenario_id:
            raise InputError("Choose a scenario to practise.")
        if mode not in MODES:
            raise InputError("The mode must be practice or assessment.")
        if channel is not None and channel not in CHANNELS:
            raise InputError("A conversation is held by text or by voice.")
        if assignment_id is not None:
            try:
                a = self._get_assignment(assignment_id)
            except AccessDenied:
                raise AccessDenied(NO_ASSIGNMENT) from None
            if not self._targets_user(a, self._user.id):
                raise AccessDenied(NO_ASSIGNMENT)
            if a.scenario_id != scenario_id:
                raise InputError("This assignment is for a different scenario.")
            mode = a.mode
            if a.channel != "any":
                if channel is not None and channel != a.channel:
                    raise InputError(f"This assignment must be done by {a.channel}.",
                                     f"Start it in {a.channel} mode.")
                channel = a.channel
        channel = channel or "text"
        if parent_id is not None:
            self._own_conversation_row(parent_id)
        if branch_turn is not None and (not isinstance(branch_turn, int) or branch_turn < 1):
            raise InputError("A retry starts at a turn number of 1 or more.")
        with self._store._write() as db:
            if assignment_id is not None and mode == "assessment":
                taken = db.execute("SELECT status FROM conversations WHERE assignment_id = ? AND user_id = ? "
                                   "AND mode = 'assessment'", [assignment_id, self._user.id]).fetchone()
                if taken is not None and taken[0] == "active":
                    raise InputError("This assessment is already in progress.", "Continue that attempt.")
                if taken is not None:
                    raise InputError(ASSESSMENT_TAKEN, "An assessment counts once; practise the scenario freely instead.")
            try:
                cid = db.execute(
                    "INSERT INTO conversations (user_id, scenario_id, assignment_id, mode, status, parent_id, "
                    "branch_turn, backend, started_at, channel) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)",
                    [self._user.id, scenario_id, assignment_id, mode, parent_id, branch_turn, backend or "",
                     iso(self._store.now()), channel]).lastrowid
            except sqlite3.IntegrityError:
                # The unique index (migration m003) is the last word: one attempt per assessment.
                raise InputError(ASSESSMENT_TAKEN, "An assessment counts once; practise the scenario freely instead.") from None
        return cid

    @_fresh
    def add_turn(self, conversation_id: int, role: str, text: str, *, mood: float | None = None,
                 trust: float | None = None, moves: list[str] | None = None, intent: str | None = None,
                 meta: dict | None = None, voice: dict | None = None) -> int:
        """Append one of one's own (trainee) turns and commit it before returning; returns its 1-based position.
        voice: a spoken turn's measures (VOICE_FIELDS); only in a voice conversation, and required in one
        whose assignment requires voice.

        The customer's lines are the practice engine's output: they go through ``EngineTurns``, never here."""
        if role == "customer":
            raise AccessDenied("Only the practice engine writes the customer's lines.")
        return self._append_turn(conversation_id, role, text, mood=mood, trust=trust, moves=moves, intent=intent,
                                 meta=meta, voice=voice)

    def _append_turn(self, conversation_id: int, role: str, text: str, *, mood: float | None = None,
                     trust: float | None = None, moves: list[str] | None = None, intent: str | None = None,
                     meta: dict | None = None, voice: dict | None = None) -> int:
        if role not in ("customer", "trainee"):
            raise InputError("A turn's role is 'customer' or 'trainee'.")
        if not isinstance(text, str):
            raise InputError("A turn's text must be text.")
        if len(text) > MAX_TURN_CHARS:
            raise InputError(f"The turn is {len(text):,} characters; the limit is {MAX_TURN_CHARS:,}.")
        if role == "trainee" and len(text.strip()) > MAX_MESSAGE_CHARS:
            # The engine checks this too; the store is the last line, whatever path a message took.
            raise InputError(f"Your message is {len(text.strip()):,} characters; the limit is {MAX_MESSAGE_CHARS:,}.",
                             "Shorten it — in a real conversation, shorter is clearer.")
        moves_json = json.dumps(list(moves)) if moves is not None else None
        meta_json = json.dumps(meta, default=str) if meta is not None else None
        if meta_json and len(meta_json) > MAX_META_CHARS:
            raise InputError("The turn's metadata is too large.")
        voice = _checked_voice(voice)
        if voice is not None and role != "trainee":
            raise InputError("Only the trainee's turns are recorded speech.")
        with self._store._write() as db:
            # Owner and status are checked inside the write lock, so a turn cannot slip in after finishing.
            row = self._own_conversation_row(conversation_id)
            if row["status"] != "active":
                raise InputError("This conversation has ended.", "Start a new attempt or retry from a turn.")
            if voice is not None and row.get("channel") != "voice":
                raise InputError("This conversation is typed, so a turn cannot be recorded speech.")
            if role == "trainee" and voice is None and row.get("channel") == "voice" and row["assignment_id"]:
                need = db.execute("SELECT channel FROM assignments WHERE id = ?", [row["assignment_id"]]).fetchone()
                if need is not None and need[0] == "voice":
                    raise InputError("This assignment must be done by voice: record your reply.",
                                     "Typed replies do not count for it.")
            last = db.execute("SELECT idx, role FROM turns WHERE conversation_id = ? ORDER BY idx DESC LIMIT 1",
                              [conversation_id]).fetchone()
            if role == "customer" and last is not None and last[1] != "trainee":
                # A customer line opens the conversation or answers one trainee turn: one reply per message,
                # decided inside the write transaction, so it holds across threads and processes.
                raise InputError("The customer has already answered that message.")
            idx = (last[0] if last else 0) + 1
            v = voice or {}
            db.execute("INSERT INTO turns (conversation_id, idx, role, text, mood, trust, moves, intent, meta, "
                       "created_at, audio_seconds, silence_before, speaking_seconds, spoken_words) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [conversation_id, idx, role, text, mood, trust, moves_json, intent, meta_json,
                        iso(self._store.now()), *(v.get(k) for k in VOICE_FIELDS)])
        return idx

    @_fresh
    def get_conversation(self, conversation_id: int) -> ConversationSummary:
        return _summary(self._conversation_row(conversation_id))

    @_fresh
    def get_turns(self, conversation_id: int) -> list[dict]:
        self._conversation_row(conversation_id)
        rows = self._store.query("SELECT idx, role, text, mood, trust, moves, intent, meta, created_at, "
                                 f"{', '.join(VOICE_FIELDS)} FROM turns WHERE conversation_id = ? ORDER BY idx",
                                 [conversation_id])
        for r in rows:
            r["moves"] = json.loads(r["moves"]) if r["moves"] else []
            r["meta"] = json.loads(r["meta"]) if r["meta"] else None
            measures = {k: r.pop(k) for k in VOICE_FIELDS}
            if measures["audio_seconds"] is not None:  # a spoken turn; typed turns carry no "voice" key
                r["voice"] = measures
        return rows

    @_fresh
    def finish_conversation(self, conversation_id: int, status: str, report: dict | None = None, *,
                            advise: Callable[[dict], dict] | None = None) -> dict | None:
        """End one's own active conversation, store the scoring engine's report of it and return it
        (None when there was nothing to score).

        The report is computed here, once, from the saved turns, by the scoring engine; it is never
        taken from the caller. ``advise`` (the practice service's) gets a copy of the engine's report
        and returns it with the advisory parts added (the LLM judge's view, predicted reactions); a
        ``report`` passed in instead is treated the same way. Either must agree with the engine's
        scores, else nothing is saved; only the advisory parts are taken from it. A conversation with
        no trainee turn, or whose scenario no longer exists, ends without a report."""
        if status not in END_STATUSES:
            raise InputError(f"A conversation ends as one of: {', '.join(END_STATUSES)}.")
        if report is not None and not isinstance(report, dict):
            raise InputError("The report must be a JSON object.")
        if report is not None and advise is not None:
            raise InputError("Pass a report or an advisor, not both.")
        for _ in range(3):
            row = self._own_conversation_row(conversation_id)
            if row["status"] != "active":
                raise InputError("This conversation has already ended.")
            n_turns, engine = self._engine_report(row, status)  # slow part: outside the write lock
            given = report
            if advise is not None and engine is not None:
                given = advise(json.loads(json.dumps(engine)))  # a copy: the engine's own stays as computed
                if given is not None and not isinstance(given, dict):
                    raise InputError("The report must be a JSON object.")
            stored = checked_report(engine, given)
            weights = self._weights_for(row["scenario_id"]) if stored is not None else None
            with self._store._write() as db:
                row = self._own_conversation_row(conversation_id)
                if row["status"] != "active":
                    raise InputError("This conversation has already ended.")
                if db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?",
                              [conversation_id]).fetchone()[0] != n_turns:
                    continue  # a turn arrived while scoring: score again
                now = iso(self._store.now())
                db.execute("UPDATE conversations SET status = ?, ended_at = ? WHERE id = ?",
                           [status, now, conversation_id])
                if stored is not None:
                    insert_report(db, conversation_id, stored, now, weights)
            return stored
        raise InputError("The conversation kept changing while it was being scored.", "End it again.")

    @_fresh
    def discard_conversation(self, conversation_id: int) -> None:
        """Drop one's own conversation in progress in which one has not said anything yet.

        Nothing is lost (only the customer's opening line) and there is nothing to score; a
        conversation with a trainee turn is ended and scored instead, never deleted."""
        with self._store._write() as db:
            row = self._own_conversation_row(conversation_id)
            if row["status"] != "active":
                raise InputError("This conversation has already ended.")
            said = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ? AND role = 'trainee'",
                              [conversation_id]).fetchone()[0]
            if said:
                raise InputError("You have replied in this conversation: end it to get your report instead.")
            db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])

    @_fresh
    def active_conversation(self, scenario_id: str | None = None) -> ConversationSummary | None:
        """The current user's latest unfinished conversation (resume after a reload or restart)."""
        params: list = [self._user.id]
        extra = ""
        if scenario_id:
            extra = " AND c.scenario_id = ?"
            params.append(scenario_id)
        row = self._store.one(f"{_SUMMARY_SQL} WHERE c.user_id = ? AND c.status = 'active'{extra} "
                              "ORDER BY c.id DESC LIMIT 1", params)
        return _summary(row) if row else None

    @_fresh
    def list_conversations(self, *, user_id: int | None = None, scenario_id: str | None = None,
                           group_id: int | None = None, status: str | None = None, since: date | None = None,
                           until: date | None = None, assignment_id: int | None = None,
                           limit: int = 500) -> list[ConversationSummary]:
        """Visible conversations, newest first. status may also be "finished" (anything but active)."""
        clause, params = self._owner_clause("c.user_id")
        where = [clause]
        if user_id is not None:
            where.append("c.user_id = ?")
            params.append(user_id)
        if scenario_id:
            where.append("c.scenario_id = ?")
            params.append(scenario_id)
        if group_id is not None:
            where.append("c.user_id IN (SELECT user_id FROM group_members WHERE group_id = ?)")
            params.append(group_id)
        if assignment_id is not None:
            where.append("c.assignment_id = ?")
            params.append(assignment_id)
        if status == "finished":
            where.append("c.status != 'active'")
        elif status:
            where.append("c.status = ?")
            params.append(status)
        s, u = _date(since, "start date"), _date(until, "end date")
        if s:
            where.append("c.started_at >= ?")
            params.append(s.isoformat())
        if u:
            where.append("c.started_at < ?")
            params.append((u + timedelta(days=1)).isoformat())
        limit = max(1, min(int(limit), 10000))
        rows = self._store.query(f"{_SUMMARY_SQL} WHERE {' AND '.join(where)} ORDER BY c.id DESC LIMIT {limit}",
                                 params)
        return [_summary(r) for r in rows]



class EngineTurns:
    """The practice engine's own write path: the customer's lines.

    A user's scope adds only their own (trainee) turns. The customer's side of a conversation is the
    engine's output, written through this by the practice service (``services.practice``) and the
    demo seeder only: no page imports it (``tests/test_access.py`` checks). It still writes only into
    the scope user's own active conversation, and a customer line only opens a conversation or
    answers a trainee turn."""

    def __init__(self, scope: ConversationsMixin) -> None:
        self._scope = scope

    def add_customer_turn(self, conversation_id: int, text: str, *, mood: float | None = None,
                          trust: float | None = None, intent: str | None = None, meta: dict | None = None) -> int:
        self._scope._refresh()
        return self._scope._append_turn(conversation_id, "customer", text, mood=mood, trust=trust, intent=intent,
                                        meta=meta)


def engine_turns(scope: ConversationsMixin) -> EngineTurns:
    return EngineTurns(scope)


def record_turn(scope: ConversationsMixin, conversation_id: int, turn: dict) -> int:
    """Save one turn dict from the practice engine: the trainee's through the scope, the customer's
    through the engine's path (``EngineTurns``). For the practice service and the demo seeder."""
    meta = {"fell_back": True} if turn.get("fell_back") else None
    # The opening turn's wording variant (also when copied from a saved turn): a resumed conversation replays the same words.
    variant = turn.get("variant") or (turn.get("meta") if isinstance(turn.get("meta"), dict) else {}).get("variant")
    if isinstance(variant, int) and variant:
        meta = {**(meta or {}), "variant": variant}
    if turn.get("role") == "customer":
        return engine_turns(scope).add_customer_turn(conversation_id, turn["text"], mood=turn.get("mood"),
                                                     trust=turn.get("trust"), intent=turn.get("intent"), meta=meta)
    return scope.add_turn(conversation_id, turn.get("role", ""), turn["text"], mood=turn.get("mood"),
                          trust=turn.get("trust"), moves=turn.get("moves"), intent=turn.get("intent"), meta=meta,
                          voice=turn.get("voice"))
