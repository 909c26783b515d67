"""UserScope: the signed-in user's view of the store. Every access rule lives here.

Who sees what:
- admin: everything.
- trainer / manager: themselves, and "their trainees" — trainees who share any group with them —
  with those trainees' conversations, turns, reports and scores. Groups they belong to.
- trainee: only their own records.
A record outside the scope is reported exactly like a missing one, so ids reveal nothing.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any, Callable, Iterable, TypeVar

from core.errors import AccessDenied, AuthError, InputError
from core.transcript import MAX_MESSAGE_CHARS, MAX_TURN_CHARS
from store.migrations import _skill_scores
from store.models import (END_STATUSES, MODES, OVERRIDE_DIMENSIONS, ROLES, SKILLS, Assignment, AssignmentStatus,
                          ConversationSummary, Group, Override, ReportRecord, User)
from store.store import (Store, check_password_rules, clean_display_name, iso, user_from_row)


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


def _effective(dim: str, table_alias: str = "r", conv: str = "c.id") -> str:
    """SQL for the effective score of one dimension: the newest override, else the automated score."""
    return (f"COALESCE((SELECT o.score FROM overrides o WHERE o.conversation_id = {conv} "
            f"AND o.dimension = '{dim}' ORDER BY o.id DESC LIMIT 1), {table_alias}.{dim})")


_SUMMARY_SQL = f"""
SELECT c.*, u.username, u.display_name,
       (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turn_count,
       {_effective('overall')} AS eff_overall
FROM conversations c
JOIN users u ON u.id = c.user_id
LEFT JOIN reports r ON r.conversation_id = c.id
"""


def _summary(row: dict) -> ConversationSummary:
    return ConversationSummary(
        id=row["id"], user_id=row["user_id"], username=row["username"], display_name=row["display_name"],
        scenario_id=row["scenario_id"], assignment_id=row["assignment_id"], mode=row["mode"],
        status=row["status"], parent_id=row["parent_id"], branch_turn=row["branch_turn"],
        backend=row["backend"] or "", started_at=row["started_at"], ended_at=row["ended_at"],
        overall=row["eff_overall"], turn_count=row["turn_count"])


class UserScope:
    def __init__(self, store: Store, user: User) -> None:
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

    # -- users ----------------------------------------------------------------------------
    @_fresh
    def create_user(self, username: str, password: str, role: str, display_name: str | None = None) -> User:
        self._require(("admin",), "Only admins can create accounts.")
        return self._store.create_user_unscoped(username, password, role, display_name)

    def _admin_target(self, user_id: int) -> dict:
        self._require(("admin",), "Only admins can change accounts.")
        row = self._store.one("SELECT * FROM users WHERE id = ?", [user_id])
        if row is None:
            raise InputError(NO_USER)
        return row

    def _other_active_admins(self, db, user_id: int) -> int:
        return db.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?",
                          [user_id]).fetchone()[0]

    @_fresh
    def set_role(self, user_id: int, role: str) -> User:
        row = self._admin_target(user_id)
        if role not in ROLES:
            raise InputError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
        with self._store._write() as db:
            if row["role"] == "admin" and role != "admin" and not self._other_active_admins(db, user_id):
                raise InputError("Talkdown needs at least one active admin.", "Make someone else an admin first.")
            db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
        return self._store.get_user(user_id)

    @_fresh
    def set_active(self, user_id: int, active: bool) -> User:
        row = self._admin_target(user_id)
        if not active and user_id == self._user.id:
            raise InputError("You cannot disable your own account.")
        with self._store._write() as db:
            if not active and row["role"] == "admin" and not self._other_active_admins(db, user_id):
                raise InputError("Talkdown needs at least one active admin.")
            db.execute("UPDATE users SET active = ? WHERE id = ?", [1 if active else 0, user_id])
        return self._store.get_user(user_id)

    @_fresh
    def delete_user(self, user_id: int, confirm_username: str) -> None:
        """Erase an account with all of its conversations, transcripts and scores (e.g. on request).

        Refused for staff whose assignments, scenarios or score overrides others rely on: disable those."""
        row = self._admin_target(user_id)
        if user_id == self._user.id:
            raise InputError("You cannot delete your own account.")
        if (confirm_username or "").strip().lower() != row["username"].lower():
            raise InputError(f"Type the username '{row['username']}' to confirm.")
        with self._store._write() as db:
            made = [what for what, sql in (
                ("assignments", "SELECT 1 FROM assignments WHERE created_by = ?"),
                ("scenarios", "SELECT 1 FROM scenarios WHERE ? IN (created_by, updated_by)"),
                ("score overrides", "SELECT 1 FROM overrides WHERE by_user_id = ?"))
                if db.execute(sql, [user_id]).fetchone()]
            if made:
                raise InputError(f"{row['username']} made {' and '.join(made)} that other people use, so the "
                                 "account cannot be deleted.", "Disable it instead: nobody can sign in with it.")
            if row["role"] == "admin" and row["active"] and not self._other_active_admins(db, user_id):
                raise InputError("Talkdown needs at least one active admin.")
            mine = "SELECT id FROM conversations WHERE user_id = ?"
            db.execute(f"UPDATE conversations SET parent_id = NULL WHERE parent_id IN ({mine})", [user_id])
            db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])  # turns, reports cascade
            db.execute("DELETE FROM users WHERE id = ?", [user_id])  # group and assignment membership cascade

    @_fresh
    def set_display_name(self, user_id: int, display_name: str) -> User:
        """Admins rename anyone; everyone may rename themselves."""
        if user_id != self._user.id:
            self._admin_target(user_id)
        name = clean_display_name(display_name, "")
        if not name:
            raise InputError("The display name cannot be empty.")
        with self._store._write() as db:
            db.execute("UPDATE users SET display_name = ? WHERE id = ?", [name, user_id])
        return self._store.get_user(user_id)

    @_fresh
    def reset_password(self, user_id: int, new_password: str) -> None:
        self._admin_target(user_id)
        pw_hash = self._store.hash_password(new_password)
        with self._store._write() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [pw_hash, user_id])

    @_fresh
    def change_own_password(self, old_password: str, new_password: str) -> None:
        row = self._store.one("SELECT password_hash FROM users WHERE id = ?", [self._user.id])
        if not self._store._verify(row["password_hash"], old_password or ""):
            raise AuthError("Your current password is not right.")
        check_password_rules(new_password)
        pw_hash = self._store.hash_password(new_password)
        with self._store._write() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [pw_hash, self._user.id])

    @_fresh
    def list_users(self, role: str | None = None) -> list[User]:
        """Admin: every account (disabled ones too). Trainer/manager: themselves and their active
        trainees. Trainee: themselves."""
        if role is not None and role not in ROLES:
            raise InputError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
        clause, params = self._owner_clause("u.id")
        where = [clause]
        if self._role != "admin":
            where.append("(u.active = 1 OR u.id = ?)")
            params.append(self._user.id)
        if role:
            where.append("u.role = ?")
            params.append(role)
        rows = self._store.query(f"SELECT u.* FROM users u WHERE {' AND '.join(where)} "
                                 "ORDER BY u.display_name COLLATE NOCASE, u.id", params)
        return [user_from_row(r) for r in rows]

    @_fresh
    def get_user(self, user_id: int) -> User:
        clause, params = self._owner_clause("u.id")
        row = self._store.one(f"SELECT u.* FROM users u WHERE u.id = ? AND {clause}", [user_id, *params])
        if row is None:
            raise AccessDenied(NO_USER)
        return user_from_row(row)

    # -- groups ---------------------------------------------------------------------------
    @_fresh
    def create_group(self, name: str) -> Group:
        self._require(("admin",), "Only admins can create groups.")
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise InputError("A group name is 1–100 characters.")
        with self._store._write() as db:
            if db.execute("SELECT 1 FROM groups WHERE name = ?", [name]).fetchone():
                raise InputError(f"A group called '{name}' already exists.")
            gid = db.execute("INSERT INTO groups (name) VALUES (?)", [name]).lastrowid
        return Group(id=gid, name=name)

    @_fresh
    def rename_group(self, group_id: int, name: str) -> Group:
        self._require(("admin",), "Only admins can change groups.")
        self._group_exists(group_id)
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise InputError("A group name is 1–100 characters.")
        with self._store._write() as db:
            if db.execute("SELECT 1 FROM groups WHERE name = ? AND id != ?", [name, group_id]).fetchone():
                raise InputError(f"A group called '{name}' already exists.")
            db.execute("UPDATE groups SET name = ? WHERE id = ?", [name, group_id])
        return Group(id=group_id, name=name)

    @_fresh
    def delete_group(self, group_id: int) -> None:
        """Members keep their accounts and history; refused while assignments are set for the group."""
        self._require(("admin",), "Only admins can delete groups.")
        self._group_exists(group_id)
        with self._store._write() as db:
            using = _assignment_titles(db, "group_id", group_id)
            if using:
                raise InputError(f"This group has assignments ({using}), so it cannot be deleted.",
                                 "Delete those assignments first (the attempts made stay in each trainee's history).")
            db.execute("DELETE FROM groups WHERE id = ?", [group_id])

    def _group_exists(self, group_id: int) -> dict:
        row = self._store.one("SELECT * FROM groups WHERE id = ?", [group_id])
        if row is None:
            raise InputError(NO_GROUP)
        return row

    @_fresh
    def add_to_group(self, group_id: int, user_id: int) -> None:
        self._require(("admin",), "Only admins can change groups.")
        self._group_exists(group_id)
        self._admin_target(user_id)
        with self._store._write() as db:
            db.execute("INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)", [group_id, user_id])

    @_fresh
    def remove_from_group(self, group_id: int, user_id: int) -> None:
        self._require(("admin",), "Only admins can change groups.")
        with self._store._write() as db:
            db.execute("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [group_id, user_id])

    @_fresh
    def list_groups(self) -> list[Group]:
        """Admin: all groups. Everyone else: the groups they belong to."""
        if self._role == "admin":
            rows = self._store.query("SELECT * FROM groups ORDER BY name COLLATE NOCASE")
        else:
            rows = self._store.query("SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id "
                                     "WHERE m.user_id = ? ORDER BY g.name COLLATE NOCASE", [self._user.id])
        return [Group(id=r["id"], name=r["name"]) for r in rows]

    @_fresh
    def group_members(self, group_id: int) -> list[User]:
        """Members of a visible group. A trainee sees only themselves and the group's staff."""
        if self._role != "admin" and group_id not in self._my_group_ids():
            raise AccessDenied(NO_GROUP)
        params: list = [group_id]
        extra = ""
        if self._role == "trainee":
            extra = " AND (u.id = ? OR u.role != 'trainee')"
            params.append(self._user.id)
        rows = self._store.query("SELECT u.* FROM users u JOIN group_members m ON m.user_id = u.id "
                                 f"WHERE m.group_id = ?{extra} ORDER BY u.display_name COLLATE NOCASE", params)
        return [user_from_row(r) for r in rows]

    @_fresh
    def user_groups(self, user_id: int) -> list[Group]:
        """The visible groups a visible user belongs to (admin page: who is where)."""
        self.get_user(user_id)
        mine = None if self._role == "admin" else self._my_group_ids()
        rows = self._store.query("SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id "
                                 "WHERE m.user_id = ? ORDER BY g.name COLLATE NOCASE", [user_id])
        return [Group(id=r["id"], name=r["name"]) for r in rows if mine is None or r["id"] in mine]

    # -- scenarios authored in the app ------------------------------------------------------
    @_fresh
    def save_scenario(self, yaml_text: str):
        """Validate and save (insert or replace by id). Raises ScenarioError naming each bad field."""
        from personas.scenario import parse_scenario

        self._require(("trainer", "admin"), "Only trainers and admins can edit scenarios.")
        scenario = parse_scenario(yaml_text, source="scenario")
        text = yaml_text.decode("utf-8") if isinstance(yaml_text, bytes) else yaml_text
        now = iso(self._store.now())
        with self._store._write() as db:
            if db.execute("SELECT 1 FROM scenarios WHERE id = ?", [scenario.id]).fetchone():
                db.execute("UPDATE scenarios SET title = ?, yaml = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                           [scenario.title, text, self._user.id, now, scenario.id])
            else:
                db.execute("INSERT INTO scenarios (id, title, yaml, created_by, created_at, updated_by, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [scenario.id, scenario.title, text, self._user.id, now, self._user.id, now])
        return scenario

    @_fresh
    def list_scenario_records(self) -> list[dict]:
        """Custom scenarios (scenarios are not private: everyone signed in may read them)."""
        rows = self._store.query(
            "SELECT s.id, s.title, s.yaml, s.created_by, s.created_at, s.updated_at, s.updated_by, "
            "u.username AS updated_by_username FROM scenarios s LEFT JOIN users u ON u.id = s.updated_by "
            "ORDER BY s.title COLLATE NOCASE")
        return rows

    @_fresh
    def get_scenario_yaml(self, scenario_id: str) -> str | None:
        row = self._store.one("SELECT yaml FROM scenarios WHERE id = ?", [scenario_id])
        return row["yaml"] if row else None

    @_fresh
    def delete_scenario(self, scenario_id: str) -> None:
        """Refused while assignments use it, unless a built-in file with the same id takes its place."""
        self._require(("trainer", "admin"), "Only trainers and admins can delete scenarios.")
        with self._store._write() as db:
            if not db.execute("SELECT 1 FROM scenarios WHERE id = ?", [scenario_id]).fetchone():
                raise InputError(f"There is no custom scenario '{scenario_id}'.",
                                 "Built-in scenarios are files in scenarios/ and cannot be deleted here.")
            if scenario_id not in _built_in_scenario_ids():
                using = _assignment_titles(db, "scenario_id", scenario_id)
                if using:
                    raise InputError(f"Trainees are assigned this scenario ({using}), so it cannot be deleted.",
                                     "Delete those assignments first, or edit the scenario instead.")
            db.execute("DELETE FROM scenarios WHERE id = ?", [scenario_id])

    # -- assignments ----------------------------------------------------------------------
    def _assignment_from_row(self, row: dict) -> Assignment:
        targets = self._store.query("SELECT user_id FROM assignment_targets WHERE assignment_id = ? "
                                    "ORDER BY user_id", [row["id"]])
        return Assignment(id=row["id"], scenario_id=row["scenario_id"], title=row["title"], due=row["due"],
                          pass_mark=row["pass_mark"], mode=row["mode"], created_by=row["created_by"],
                          created_at=row["created_at"], user_ids=[t["user_id"] for t in targets],
                          group_id=row["group_id"])

    def _assignments_where(self) -> tuple[str, list]:
        me = self._user.id
        targets_me = ("(a.id IN (SELECT assignment_id FROM assignment_targets WHERE user_id = ?) "
                      "OR a.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?))")
        if self._role == "admin":
            return "1", []
        if self._role in STAFF:
            clause, params = self._owner_clause("t.user_id")
            return (f"(a.created_by = ? OR {targets_me} OR a.id IN "
                    f"(SELECT t.assignment_id FROM assignment_targets t WHERE {clause}))"), [me, me, me, *params]
        return targets_me, [me, me]

    @_fresh
    def create_assignment(self, scenario_id: str, *, user_ids: Iterable[int] = (), group_id: int | None = None,
                          due: date | str | None = None, pass_mark: int = 70, mode: str = "practice",
                          title: str | None = None) -> Assignment:
        self._require(("trainer", "admin"), "Only trainers and admins can assign scenarios.")
        scenario_id = (scenario_id or "").strip()
        if not scenario_id:
            raise InputError("Choose a scenario to assign.")
        if scenario_id not in _built_in_scenario_ids() and self.get_scenario_yaml(scenario_id) is None:
            raise InputError(f"There is no scenario '{scenario_id}'.", "Pick one from the scenario list.")
        if mode not in MODES:
            raise InputError("The mode must be practice or assessment.")
        pass_mark = _score(pass_mark, "pass mark")
        due_date = _date(due, "due date")
        title = (title or "").strip() or None
        if title and len(title) > 200:
            raise InputError("The title is too long; the limit is 200 characters.")
        ids = list(dict.fromkeys(int(u) for u in user_ids or ()))
        if not ids and group_id is None:
            raise InputError("Choose at least one trainee or a group to assign this to.")
        mine = self._my_trainee_ids()
        active = {r["id"] for r in self._store.query("SELECT id FROM users WHERE active = 1")}
        for uid in ids:
            if uid not in mine or uid not in active:
                raise InputError("You can assign scenarios only to active trainees in your groups.")
        if group_id is not None:
            self._group_exists(group_id)
            if self._role != "admin" and group_id not in self._my_group_ids():
                raise InputError("You can assign scenarios only to groups you belong to.")
        now = iso(self._store.now())
        with self._store._write() as db:
            aid = db.execute(
                "INSERT INTO assignments (scenario_id, title, due, pass_mark, mode, group_id, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [scenario_id, title, due_date.isoformat() if due_date else None, pass_mark, mode, group_id,
                 self._user.id, now]).lastrowid
            db.conn.executemany("INSERT INTO assignment_targets (assignment_id, user_id) VALUES (?, ?)",
                                [(aid, uid) for uid in ids])
        return self._get_assignment(aid)

    def _get_assignment(self, assignment_id: int) -> Assignment:
        where, params = self._assignments_where()
        row = self._store.one(f"SELECT a.* FROM assignments a WHERE a.id = ? AND {where}", [assignment_id, *params])
        if row is None:
            raise AccessDenied(NO_ASSIGNMENT)
        return self._assignment_from_row(row)

    @_fresh
    def get_assignment(self, assignment_id: int) -> Assignment:
        return self._get_assignment(assignment_id)

    @_fresh
    def list_assignments(self) -> list[Assignment]:
        """Trainee: assigned to them (directly or through a group). Trainer/manager: ones they made or
        that target their trainees or groups. Admin: all. Newest first."""
        where, params = self._assignments_where()
        rows = self._store.query(f"SELECT a.* FROM assignments a WHERE {where} ORDER BY a.id DESC", params)
        return [self._assignment_from_row(r) for r in rows]

    @_fresh
    def delete_assignment(self, assignment_id: int) -> None:
        """Its creator or an admin. Attempts already made stay in the history, unlinked."""
        a = self._get_assignment(assignment_id)
        if not (self._role == "admin" or (self._role == "trainer" and a.created_by == self._user.id)):
            raise AccessDenied("Only the trainer who made this assignment, or an admin, can delete it.")
        with self._store._write() as db:
            db.execute("DELETE FROM assignments WHERE id = ?", [assignment_id])

    def _targets_user(self, a: Assignment, user_id: int) -> bool:
        if user_id in a.user_ids:
            return True
        if a.group_id is None:
            return False
        return self._store.one("SELECT 1 AS x FROM group_members WHERE group_id = ? AND user_id = ?",
                               [a.group_id, user_id]) is not None

    def _status(self, a: Assignment, user_id: int, today: date) -> AssignmentStatus:
        rows = self._store.query(
            f"SELECT c.id, c.status, c.ended_at, {_effective('overall')} AS score FROM conversations c "
            "LEFT JOIN reports r ON r.conversation_id = c.id WHERE c.assignment_id = ? AND c.user_id = ? "
            "ORDER BY c.ended_at, c.id", [a.id, user_id])
        finished = [r for r in rows if r["status"] != "active"]
        counted = finished[:1] if a.mode == "assessment" else finished  # an assessment counts once
        scores = [r["score"] for r in counted if r["score"] is not None]
        best = max(scores) if scores else None
        if best is not None and best >= a.pass_mark:
            status = "passed"
        elif a.mode == "assessment" and finished:
            status = "failed"
        elif a.due is not None and today > a.due:
            status = "overdue"
        elif rows:
            status = "in_progress"
        else:
            status = "not_started"
        return AssignmentStatus(assignment=a, user_id=user_id, status=status, best_score=best, attempts=len(finished))

    @_fresh
    def my_assignments(self, today: date | None = None) -> list[AssignmentStatus]:
        """The current user's own assignments with their status (due soonest first)."""
        me = self._user.id
        rows = self._store.query(
            "SELECT a.* FROM assignments a WHERE a.id IN (SELECT assignment_id FROM assignment_targets WHERE user_id = ?) "
            "OR a.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?) "
            "ORDER BY a.due IS NULL, a.due, a.id DESC", [me, me])
        today = today or self._store.now().date()
        return [self._status(self._assignment_from_row(r), me, today) for r in rows]

    @_fresh
    def assignment_progress(self, assignment_id: int, today: date | None = None) -> list[AssignmentStatus]:
        """One row per targeted trainee this user may follow."""
        self._require(("trainer", "manager", "admin"), "Only trainers, managers and admins can follow assignments.")
        a = self._get_assignment(assignment_id)
        ids = set(a.user_ids)
        if a.group_id is not None:
            ids |= {r["user_id"] for r in self._store.query(
                "SELECT m.user_id FROM group_members m JOIN users u ON u.id = m.user_id "
                "WHERE m.group_id = ? AND u.role = 'trainee'", [a.group_id])}
        ids &= self._my_trainee_ids()
        names = {r["id"]: (r["display_name"] or "").lower() for r in self._store.query("SELECT id, display_name FROM users")}
        today = today or self._store.now().date()
        return [self._status(a, uid, today) for uid in sorted(ids, key=lambda u: (names.get(u, ""), u))]

    # -- conversations and turns ------------------------------------------------------------
    @_fresh
    def start_conversation(self, scenario_id: str, *, mode: str = "practice", assignment_id: int | None = None,
                           parent_id: int | None = None, branch_turn: int | None = None, backend: str = "") -> int:
        """Open a conversation owned by the current user. Linked to an assignment, it takes that
        assignment's mode and scenario; an assessment already finished once cannot be started again."""
        scenario_id = (scenario_id or "").strip()
        if not scenario_id:
            raise InputError("Choose a scenario to practise.")
        if mode not in MODES:
            raise InputError("The mode must be practice or assessment.")
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
        if parent_id is not None:
            self._own_conversation_row(parent_id)
        if branch_turn is not None and (not isinstance(branch_turn, int) or branch_turn < 1):
            raise InputError("A retry starts at a turn number of 1 or more.")
        with self._store._write() as db:
            if assignment_id is not None and mode == "assessment" and db.execute(
                    "SELECT 1 FROM conversations WHERE assignment_id = ? AND user_id = ? AND status != 'active'",
                    [assignment_id, self._user.id]).fetchone():
                raise InputError("This assessment has already been taken.",
                                 "An assessment counts once; practise the scenario freely instead.")
            cid = db.execute(
                "INSERT INTO conversations (user_id, scenario_id, assignment_id, mode, status, parent_id, "
                "branch_turn, backend, started_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)",
                [self._user.id, scenario_id, assignment_id, mode, parent_id, branch_turn, backend or "",
                 iso(self._store.now())]).lastrowid
        return cid

    @_fresh
    def add_turn(self, conversation_id: int, role: str, text: str, *, mood: float | None = None,
                 trust: float | None = None, moves: list[str] | None = None, intent: str | None = None,
                 meta: dict | None = None) -> int:
        """Append one turn and commit it before returning; returns its 1-based position."""
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
        with self._store._write() as db:
            # Owner and status are checked inside the write lock, so a turn cannot slip in after finishing.
            row = self._own_conversation_row(conversation_id)
            if row["status"] != "active":
                raise InputError("This conversation has ended.", "Start a new attempt or retry from a turn.")
            idx = db.execute("SELECT COALESCE(MAX(idx), 0) + 1 FROM turns WHERE conversation_id = ?",
                             [conversation_id]).fetchone()[0]
            db.execute("INSERT INTO turns (conversation_id, idx, role, text, mood, trust, moves, intent, meta, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [conversation_id, idx, role, text, mood, trust, moves_json, intent, meta_json,
                        iso(self._store.now())])
        return idx

    @_fresh
    def get_conversation(self, conversation_id: int) -> ConversationSummary:
        return _summary(self._conversation_row(conversation_id))

    @_fresh
    def get_turns(self, conversation_id: int) -> list[dict]:
        self._conversation_row(conversation_id)
        rows = self._store.query("SELECT idx, role, text, mood, trust, moves, intent, meta, created_at FROM turns "
                                 "WHERE conversation_id = ? ORDER BY idx", [conversation_id])
        for r in rows:
            r["moves"] = json.loads(r["moves"]) if r["moves"] else []
            r["meta"] = json.loads(r["meta"]) if r["meta"] else None
        return rows

    @_fresh
    def finish_conversation(self, conversation_id: int, status: str, report: dict | None = None) -> None:
        """End an active conversation and store its report (JSON plus score columns for the dashboard)."""
        if status not in END_STATUSES:
            raise InputError(f"A conversation ends as one of: {', '.join(END_STATUSES)}.")
        report_row = None
        if report is not None:
            if not isinstance(report, dict) or "overall" not in report:
                raise InputError("The report has no overall score.")
            report_json = json.dumps(report, default=str)
            report_row = [conversation_id, report_json, _score(report["overall"], "overall score"),
                          *[_skill_scores(report_json).get(s) for s in SKILLS]]
        with self._store._write() as db:
            row = self._own_conversation_row(conversation_id)
            if row["status"] != "active":
                raise InputError("This conversation has already ended.")
            now = iso(self._store.now())
            db.execute("UPDATE conversations SET status = ?, ended_at = ? WHERE id = ?", [status, now, conversation_id])
            if report_row:
                db.execute(f"INSERT INTO reports (conversation_id, report, overall, {', '.join(SKILLS)}, created_at) "
                           f"VALUES (?, ?, ?, {', '.join('?' for _ in SKILLS)}, ?)", [*report_row, now])

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

    # -- reports and overrides --------------------------------------------------------------
    @_fresh
    def get_report(self, conversation_id: int) -> ReportRecord | None:
        self._conversation_row(conversation_id)
        row = self._store.one("SELECT * FROM reports WHERE conversation_id = ?", [conversation_id])
        if row is None:
            return None
        overrides = self._overrides(conversation_id)
        auto = {s: row[s] for s in SKILLS if row[s] is not None}
        newest: dict[str, int] = {}
        for o in overrides:  # newest first
            newest.setdefault(o.dimension, o.score)
        eff = {**auto, **{k: v for k, v in newest.items() if k in SKILLS}}
        return ReportRecord(conversation_id=conversation_id, report=json.loads(row["report"]), overall=row["overall"],
                            dimensions=auto, overrides=overrides,
                            effective_overall=newest.get("overall", row["overall"]), effective_dimensions=eff)

    def _overrides(self, conversation_id: int) -> list[Override]:
        rows = self._store.query("SELECT o.*, u.username AS by_username FROM overrides o JOIN users u "
                                 "ON u.id = o.by_user_id WHERE o.conversation_id = ? ORDER BY o.id DESC",
                                 [conversation_id])
        return [Override(**r) for r in rows]

    @_fresh
    def override_score(self, conversation_id: int, dimension: str, score: int, comment: str) -> Override:
        """A trainer's or admin's score beside the automated one (which is kept); the newest one counts."""
        self._require(("trainer", "admin"), "Only trainers and admins can override scores.")
        row = self._conversation_row(conversation_id)
        if row["user_id"] == self._user.id:
            raise AccessDenied("You cannot override the score of your own conversation.")
        if dimension not in OVERRIDE_DIMENSIONS:
            raise InputError(f"Unknown score '{dimension}'; use one of {', '.join(OVERRIDE_DIMENSIONS)}.")
        score = _score(score, "score")
        comment = (comment or "").strip()
        if not comment:
            raise InputError("Say why you are changing the score: a comment is required.")
        if len(comment) > MAX_COMMENT:
            raise InputError(f"The comment is too long; the limit is {MAX_COMMENT:,} characters.")
        with self._store._write() as db:
            if not db.execute("SELECT 1 FROM reports WHERE conversation_id = ?", [conversation_id]).fetchone():
                raise InputError("This conversation has no score to override yet.")
            oid = db.execute("INSERT INTO overrides (conversation_id, dimension, score, comment, by_user_id, at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [conversation_id, dimension, score, comment,
                                                           self._user.id, iso(self._store.now())]).lastrowid
        return next(o for o in self._overrides(conversation_id) if o.id == oid)

    # -- dashboard --------------------------------------------------------------------------
    @_fresh
    def score_rows(self, *, group_id: int | None = None, scenario_id: str | None = None, user_id: int | None = None,
                   since: date | None = None, until: date | None = None) -> list[dict]:
        """One flat row per finished, scored, visible conversation, oldest first (charts and CSV)."""
        clause, params = self._owner_clause("c.user_id")
        where = [clause, "c.status != 'active'"]
        if group_id is not None:
            where.append("c.user_id IN (SELECT user_id FROM group_members WHERE group_id = ?)")
            params.append(group_id)
        if scenario_id:
            where.append("c.scenario_id = ?")
            params.append(scenario_id)
        if user_id is not None:
            where.append("c.user_id = ?")
            params.append(user_id)
        s, u = _date(since, "start date"), _date(until, "end date")
        if s:
            where.append("c.ended_at >= ?")
            params.append(s.isoformat())
        if u:
            where.append("c.ended_at < ?")
            params.append((u + timedelta(days=1)).isoformat())
        dims = ", ".join(f"{_effective(d)} AS {d}" for d in ("overall", *SKILLS))
        rows = self._store.query(
            f"SELECT c.id AS conversation_id, c.user_id, u.username, u.display_name, c.scenario_id, "
            f"c.assignment_id, c.mode, c.status, c.ended_at AS finished_at, {dims}, r.overall AS auto_overall, "
            f"(SELECT COUNT(*) FROM overrides o WHERE o.conversation_id = c.id) AS n_overrides, a.pass_mark "
            f"FROM conversations c JOIN users u ON u.id = c.user_id "
            f"JOIN reports r ON r.conversation_id = c.id LEFT JOIN assignments a ON a.id = c.assignment_id "
            f"WHERE {' AND '.join(where)} ORDER BY c.ended_at, c.id", params)
        for r in rows:
            r["overridden"] = bool(r.pop("n_overrides"))
            pass_mark = r.pop("pass_mark")
            r["passed"] = (r["overall"] >= pass_mark) if pass_mark is not None else None
        return rows
