"""UserScope, part two: scenarios authored in the app (readable by all signed in)."""
from __future__ import annotations

from core.errors import AccessDenied, InputError
from store.access import ScopeBase, _assignment_titles, _built_in_scenario_ids, _fresh
from store.common import iso


class ScenariosMixin(ScopeBase):
    # -- scenarios authored in the app ------------------------------------------------------
    @_fresh
    def save_scenario(self, yaml_text: str):
        """Validate and save (insert or replace by id). Raises ScenarioError naming each bad field."""
        from personas.scenario import parse_scenario

        self._require(("trainer", "admin"), "Only trainers and admins can edit scenarios.")
        scenario = parse_scenario(yaml_text, source="scenario")
        text = yaml_text.decode("utf-8") if isinstance(yaml_text, bytes) else yaml_text
        now = iso(self._store.now())
        replaces_built_in = scenario.id in _built_in_scenario_ids()
        with self._store._write() as db:
            existing = db.execute("SELECT created_by FROM scenarios WHERE id = ?", [scenario.id]).fetchone()
            if existing is not None:
                self._check_owner(existing[0], "change")
            elif replaces_built_in and self._role != "admin":
                raise AccessDenied(f"'{scenario.id}' is a built-in scenario: only an admin can replace it "
                                   "(the change applies to every group).",
                                   "Save your version under a new id instead.")
            if existing is not None:
                db.execute("UPDATE scenarios SET title = ?, yaml = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                           [scenario.title, text, self._user.id, now, scenario.id])
            else:
                db.execute("INSERT INTO scenarios (id, title, yaml, created_by, created_at, updated_by, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [scenario.id, scenario.title, text, self._user.id, now, self._user.id, now])
        return scenario

    def _check_owner(self, created_by: int | None, what: str) -> None:
        """A custom scenario is its author's: only they or an admin may change or delete it."""
        if self._role != "admin" and created_by != self._user.id:
            raise AccessDenied(f"Only the trainer who made this scenario, or an admin, can {what} it.",
                               "Save your version under a new id instead." if what == "change" else None)

    @_fresh
    def may_edit_scenario(self, scenario_id: str) -> bool:
        """Whether save_scenario / delete_scenario would let this user change this id (pages hide buttons on it)."""
        if self._role not in ("trainer", "admin"):
            return False
        if self._role == "admin":
            return True
        row = self._store.one("SELECT created_by FROM scenarios WHERE id = ?", [scenario_id])
        if row is not None:
            return row["created_by"] == self._user.id
        return scenario_id not in _built_in_scenario_ids()

    @_fresh
    def list_scenario_records(self) -> list[dict]:
        """Custom scenarios (scenarios are not private: everyone signed in may read them)."""
        rows = self._store.query(
            "SELECT s.id, s.title, s.yaml, s.created_by, s.created_at, s.updated_at, s.updated_by, "
            "u.username AS updated_by_username, o.username AS created_by_username FROM scenarios s "
            "LEFT JOIN users u ON u.id = s.updated_by LEFT JOIN users o ON o.id = s.created_by "
            "ORDER BY s.title COLLATE NOCASE")
        return rows

    @_fresh
    def get_scenario_yaml(self, scenario_id: str) -> str | None:
        row = self._store.one("SELECT yaml FROM scenarios WHERE id = ?", [scenario_id])
        return row["yaml"] if row else None

    @_fresh
    def delete_scenario(self, scenario_id: str) -> None:
        """Its author or an admin. Refused while assignments use it, unless a built-in file with the same id takes its place."""
        self._require(("trainer", "admin"), "Only trainers and admins can delete scenarios.")
        with self._store._write() as db:
            existing = db.execute("SELECT created_by FROM scenarios WHERE id = ?", [scenario_id]).fetchone()
            if existing is None:
                raise InputError(f"There is no custom scenario '{scenario_id}'.",
                                 "Built-in scenarios are files in scenarios/ and cannot be deleted here.")
            self._check_owner(existing[0], "delete")
            if scenario_id not in _built_in_scenario_ids():
                using = _assignment_titles(db, "scenario_id", scenario_id)
                if using:
                    raise InputError(f"Trainees are assigned this scenario ({using}), so it cannot be deleted.",
                                     "Delete those assignments first, or edit the scenario instead.")
            db.execute("DELETE FROM scenarios WHERE id = ?", [scenario_id])

