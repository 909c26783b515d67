"""UserScope, part three: assignments and their status per trainee."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from core.errors import AccessDenied, InputError
from store.access import (NO_ASSIGNMENT, STAFF, ScopeBase, _built_in_scenario_ids, _date, _effective_overall,
                          _fresh, _overrides_join, _score)
from store.common import iso
from store.models import ASSIGNMENT_CHANNELS, MODES, Assignment, AssignmentStatus


class AssignmentsMixin(ScopeBase):
    # -- assignments ----------------------------------------------------------------------
    def _assignment_from_row(self, row: dict) -> Assignment:
        targets = self._store.query("SELECT user_id FROM assignment_targets WHERE assignment_id = ? "
                                    "ORDER BY user_id", [row["id"]])
        return Assignment(id=row["id"], scenario_id=row["scenario_id"], title=row["title"], due=row["due"],
                          pass_mark=row["pass_mark"], mode=row["mode"], created_by=row["created_by"],
                          created_at=row["created_at"], user_ids=[t["user_id"] for t in targets],
                          group_id=row["group_id"], channel=row.get("channel") or "any")

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
                          title: str | None = None, channel: str = "any") -> Assignment:
        self._require(("trainer", "admin"), "Only trainers and admins can assign scenarios.")
        scenario_id = (scenario_id or "").strip()
        if not scenario_id:
            raise InputError("Choose a scenario to assign.")
        if scenario_id not in _built_in_scenario_ids() and self.get_scenario_yaml(scenario_id) is None:
            raise InputError(f"There is no scenario '{scenario_id}'.", "Pick one from the scenario list.")
        if mode not in MODES:
            raise InputError("The mode must be practice or assessment.")
        if channel not in ASSIGNMENT_CHANNELS:
            raise InputError("The channel must be any, voice or text.")
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
                "INSERT INTO assignments (scenario_id, title, due, pass_mark, mode, group_id, created_by, created_at, "
                "channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [scenario_id, title, due_date.isoformat() if due_date else None, pass_mark, mode, group_id,
                 self._user.id, now, channel]).lastrowid
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
            f"SELECT c.id, c.status, c.ended_at, {_effective_overall()} AS score FROM conversations c "
            f"LEFT JOIN reports r ON r.conversation_id = c.id {_overrides_join()} "
            "WHERE c.assignment_id = ? AND c.user_id = ? "
            "ORDER BY c.ended_at, c.id", [a.id, user_id])
        finished = [r for r in rows if r["status"] != "active"]
        counted = finished[:1] if a.mode == "assessment" else finished  # an assessment counts once
        scores = [r["score"] for r in counted if r["score"] is not None]
        best = max(scores) if scores else None
        # The attempt that settled it: the first to reach the pass mark, else an assessment's one attempt.
        settled = next((r for r in counted if r["score"] is not None and r["score"] >= a.pass_mark), None)
        if best is not None and best >= a.pass_mark:
            status = "passed"
        elif a.mode == "assessment" and finished:
            status = "failed"
            settled = finished[0]
        elif a.due is not None and today > a.due:
            status = "overdue"
        elif rows:
            status = "in_progress"
        else:
            status = "not_started"
        completed = datetime.fromisoformat(settled["ended_at"]).date() if settled and settled["ended_at"] else None
        late = completed is not None and a.due is not None and completed > a.due
        return AssignmentStatus(assignment=a, user_id=user_id, status=status, best_score=best, attempts=len(finished),
                                completed_at=settled["ended_at"] if settled else None, late=late)

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

