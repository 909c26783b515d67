"""The base of every UserScope: who the user is, and which records they may see.

Who sees what:
- admin: everything.
- trainer / manager: themselves, and "their trainees" — trainees who share any group with them —
  with those trainees' conversations, turns, reports and scores. Groups they belong to.
- trainee: only their own records.
A record outside the scope is reported exactly like a missing one, so ids reveal nothing.

The scope modules (users, scenarios, assignments, conversations, reports) never import
store.store: they reach the database through ``self._store`` only, so there is no import circle.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from typing import Any, Callable, Iterable, TypeVar

from core.errors import AccessDenied, AuthError, InputError
from store.common import user_from_row
from store.models import SKILLS, ConversationSummary, User

def _assignment_titles(db, column: str, value) -> str:
    """'“A”, “B”, “C” and 2 more': the assignments whose column (scenario_id or group_id) is value."""
    # An untitled assignment is named as the Assignments page lists it: by scenario and due date.
    titles = [r[0] or f"{r[1]}, due {r[2] or '—'}" for r in db.execute(
        f"SELECT title, scenario_id, due FROM assignments WHERE {column} = ? ORDER BY id", [value]).fetchall()]
    return ", ".join(f"“{t}”" for t in titles[:3]) + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")


def _built_in_scenario_ids() -> set[str]:
    """Ids of the scenario files (the store keeps only the ones authored in the app)."""
    from core.settings import get_settings
    from personas.scenario import load_dir_cached

    return set(load_dir_cached(get_settings().scenarios_dir).scenarios)

F = TypeVar("F", bound=Callable[..., Any])

NO_CONVERSATION = "No such conversation, or you do not have access to it."
NO_ASSIGNMENT = "No such assignment, or you do not have access to it."
NO_GROUP = "No such group, or you do not have access to it."
NO_USER = "No such user, or you do not have access to them."
STAFF = ("trainer", "manager")
MAX_COMMENT = 2000
MAX_META_CHARS = 20000


def _fresh(fn: F) -> F:
    """Re-read the user before each call: a role change or a disabled account applies at once."""
    @wraps(fn)
    def inner(self: "UserScope", *args: Any, **kwargs: Any) -> Any:
        self._refresh()
        return fn(self, *args, **kwargs)
    return inner  # type: ignore[return-value]


def _date(value: date | str | None, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"The {what} must be a date like 2025-03-31.") from None


def _score(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise InputError(f"The {what} must be a whole number from 0 to 100.")
    return int(round(value))


# The newest override of each score, one row per overridden conversation (NULL: not overridden).
_NEWEST_OVERRIDES = (
    "(SELECT o.conversation_id, " + ", ".join(f"MAX(CASE WHEN o.dimension = '{d}' THEN o.score END) AS {d}"
                                              for d in ("overall", *SKILLS))
    + " FROM overrides o WHERE o.id IN (SELECT MAX(id) FROM overrides GROUP BY conversation_id, dimension) "
      "GROUP BY o.conversation_id)")


def _overrides_join(conv: str = "c.id", alias: str = "ov") -> str:
    """SQL: LEFT JOIN the newest overrides (``_NEWEST_OVERRIDES``) of the conversation ``conv`` as ``alias``."""
    return f"LEFT JOIN {_NEWEST_OVERRIDES} {alias} ON {alias}.conversation_id = {conv}"


def _effective_skill(dim: str, table_alias: str = "r", ov: str = "ov") -> str:
    """SQL for a skill's effective score: the newest override (``_overrides_join``), else the engine's."""
    return f"COALESCE({ov}.{dim}, {table_alias}.{dim})"


def _effective_overall(table_alias: str = "r", ov: str = "ov") -> str:
    """SQL for the effective overall (needs ``_overrides_join``): the newest override of "overall";
    else, when a skill was overridden, the engine's overall moved by the weighted change of the skills.

    The weights are the ones the engine used for that report (``reports.weights``, the scenario's
    rubric weights; equal weights when unknown), so one skill override moves the overall exactly as
    the engine would have moved it, and what the engine added on top of the skills (a policy breach
    penalty, a cap) stays as it was. Without any override it is the engine's overall unchanged."""
    r = table_alias
    weight = {s: f"COALESCE(json_extract({r}.weights, '$.{s}'), 1.0)" for s in SKILLS}
    change = " + ".join(f"{weight[s]} * COALESCE({ov}.{s} - {r}.{s}, 0)" for s in SKILLS)
    moved = (f"MAX(0, MIN(100, CAST(ROUND({r}.overall + ({change}) / ({' + '.join(weight.values())})) "
             f"AS INTEGER)))")
    return f"COALESCE({ov}.overall, CASE WHEN {ov}.conversation_id IS NULL THEN {r}.overall ELSE {moved} END)"


_SUMMARY_SQL = f"""
SELECT c.*, u.username, u.display_name,
       (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turn_count,
       {_effective_overall()} AS eff_overall, r.overall AS auto_overall
FROM conversations c
JOIN users u ON u.id = c.user_id
LEFT JOIN reports r ON r.conversation_id = c.id
{_overrides_join()}
"""


def _summary(row: dict) -> ConversationSummary:
    return ConversationSummary(
        id=row["id"], user_id=row["user_id"], username=row["username"], display_name=row["display_name"],
        scenario_id=row["scenario_id"], assignment_id=row["assignment_id"], mode=row["mode"],
        status=row["status"], parent_id=row["parent_id"], branch_turn=row["branch_turn"],
        backend=row["backend"] or "", started_at=row["started_at"], ended_at=row["ended_at"],
        overall=row["eff_overall"], auto_overall=row["auto_overall"], turn_count=row["turn_count"],
        channel=row.get("channel") or "text")



class ScopeBase:
    """State and visibility rules shared by the scope's parts."""

    def __init__(self, store, user: User) -> None:
        self._store = store
        self._user = user

    @property
    def user(self) -> User:
        return self._user

    def _refresh(self) -> None:
        row = self._store.one("SELECT * FROM users WHERE id = ?", [self._user.id])
        if row is None or not row["active"]:
            raise AuthError("Your account is disabled or no longer exists.", "Ask an administrator.")
        self._user = user_from_row(row)

    # -- helpers: roles and visibility ------------------------------------------------------
    @property
    def _role(self) -> str:
        return self._user.role

    def _require(self, roles: Iterable[str], message: str) -> None:
        if self._role not in roles:
            raise AccessDenied(message)

    def _owner_clause(self, column: str) -> tuple[str, list]:
        """SQL condition: the user in `column` is someone whose records this user may see."""
        me = self._user.id
        if self._role == "admin":
            return "1", []
        if self._role in STAFF:
            return (f"({column} = ? OR {column} IN (SELECT m2.user_id FROM group_members m1 "
                    f"JOIN group_members m2 ON m2.group_id = m1.group_id "
                    f"JOIN users tu ON tu.id = m2.user_id AND tu.role = 'trainee' "
                    f"WHERE m1.user_id = ?))"), [me, me]
        return f"{column} = ?", [me]

    def _my_trainee_ids(self) -> set[int]:
        """Trainees this user may assign to and follow (admin: every trainee)."""
        if self._role == "admin":
            rows = self._store.query("SELECT id FROM users WHERE role = 'trainee'")
        elif self._role in STAFF:
            rows = self._store.query(
                "SELECT DISTINCT m2.user_id AS id FROM group_members m1 JOIN group_members m2 "
                "ON m2.group_id = m1.group_id JOIN users u ON u.id = m2.user_id AND u.role = 'trainee' "
                "WHERE m1.user_id = ?", [self._user.id])
        else:
            return set()
        return {r["id"] for r in rows}

    def _my_group_ids(self) -> set[int]:
        rows = self._store.query("SELECT group_id FROM group_members WHERE user_id = ?", [self._user.id])
        return {r["group_id"] for r in rows}

    def _conversation_row(self, conversation_id: int) -> dict:
        clause, params = self._owner_clause("c.user_id")
        row = self._store.one(f"{_SUMMARY_SQL} WHERE c.id = ? AND {clause}", [conversation_id, *params])
        if row is None:
            raise AccessDenied(NO_CONVERSATION)
        return row

    def _own_conversation_row(self, conversation_id: int) -> dict:
        row = self._conversation_row(conversation_id)
        if row["user_id"] != self._user.id:
            raise AccessDenied("Only the person who had this conversation can change it.")
        return row

