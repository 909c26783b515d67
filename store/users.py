"""UserScope, part one: accounts and groups (admins manage them; staff see their trainees)."""
from __future__ import annotations

from core.errors import AccessDenied, AuthError, InputError
from store.access import NO_GROUP, NO_USER, ScopeBase, _assignment_titles, _fresh
from store.auth import account_key
from store.common import check_password_rules, clean_display_name, iso, user_from_row
from store.models import ROLES, Group, User
from store.user_import import ImportResult, hash_initial, initial_password, parse_users_csv


class UsersMixin(ScopeBase):
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
            if not active:
                db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])  # signed out everywhere
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
        row = self._admin_target(user_id)
        pw_hash = self._store.hash_password(new_password, row["username"])
        with self._store._write() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [pw_hash, user_id])
            db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])  # signed out everywhere
        self._store.throttle.clear(account_key(row["username"]))  # a reset lifts any sign-in lockout

    @_fresh
    def change_own_password(self, old_password: str, new_password: str) -> None:
        row = self._store.one("SELECT password_hash FROM users WHERE id = ?", [self._user.id])
        if not self._store._verify(row["password_hash"], old_password or ""):
            raise AuthError("Your current password is not right.")
        check_password_rules(new_password, self._user.username)
        pw_hash = self._store.hash_password(new_password, self._user.username)
        with self._store._write() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [pw_hash, self._user.id])
            db.execute("DELETE FROM sessions WHERE user_id = ?", [self._user.id])  # every tab signs in again

    @_fresh
    def sign_in_lock(self, user_id: int) -> dict | None:
        """Admin: the account's failed sign-ins ({failures, wait_s, locked}), or None if there are none."""
        row = self._admin_target(user_id)
        return self._store.throttle.state(account_key(row["username"]))

    @_fresh
    def clear_sign_in_lock(self, user_id: int) -> None:
        """Admin: forget the account's failed sign-ins, lifting any wait or lockout at once."""
        row = self._admin_target(user_id)
        self._store.throttle.clear(account_key(row["username"]))

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


    @_fresh
    def groups_by_user(self) -> dict[int, list[str]]:
        """{user id: names of the groups they are in} for the users and groups this user may see."""
        rows = self._store.query("SELECT m.user_id, g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id "
                                 "ORDER BY g.name COLLATE NOCASE")
        visible = {u.id for u in self.list_users()}
        mine = None if self._role == "admin" else self._my_group_ids()
        out: dict[int, list[str]] = {}
        for r in rows:
            if r["user_id"] in visible and (mine is None or r["id"] in mine):
                out.setdefault(r["user_id"], []).append(r["name"])
        return out

    @_fresh
    def groups_without_trainer(self) -> list[Group]:
        """Admin: groups with active trainees but no active trainer: nobody can coach those trainees
        (trainers see only trainees who share a group with them)."""
        self._require(("admin",), "Only admins can see every group.")
        rows = self._store.query(
            "SELECT g.* FROM groups g WHERE EXISTS (SELECT 1 FROM group_members m JOIN users u ON u.id = m.user_id "
            "WHERE m.group_id = g.id AND u.role = 'trainee' AND u.active = 1) AND NOT EXISTS (SELECT 1 FROM "
            "group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = g.id AND u.role = 'trainer' "
            "AND u.active = 1) ORDER BY g.name COLLATE NOCASE")
        return [Group(id=r["id"], name=r["name"]) for r in rows]

    @_fresh
    def import_users(self, data: bytes | str, *, create_groups: bool = False, dry_run: bool = False) -> ImportResult:
        """Admin: accounts from a CSV file (store.user_import describes it), each row checked on its own.

        Rows that pass are created, with a random initial password each, returned once in the result and
        kept nowhere else; rows that fail are reported with why and nothing of theirs is written. With
        ``dry_run`` the rows are checked and nothing is written. Groups are matched by name ignoring
        case; a missing group fails its rows unless ``create_groups``."""
        self._require(("admin",), "Only admins can import users.")
        rows = parse_users_csv(data)
        groups = {r["name"].lower(): r["name"] for r in self._store.query("SELECT name FROM groups")}
        taken = {r["username"].lower() for r in self._store.query("SELECT username FROM users")}
        for row in rows:
            if row.username and row.username.lower() in taken:
                row.problems.append(f"The username '{row.username}' is taken.")
            for g in row.groups:
                if g.lower() not in groups:
                    if create_groups:
                        row.new_groups.append(g)
                    else:
                        row.problems.append(f"There is no group '{g}'.")
            row.status = "failed" if row.problems else "ok"
        result = ImportResult(rows=rows, dry_run=dry_run)
        good = [r for r in rows if r.status == "ok"]
        if dry_run or not good:
            return result
        for r in good:
            r.password = initial_password(r.username)  # checked against the password policy
        # Slow (argon2): outside the write lock.
        hashes = dict(zip((r.line for r in good), hash_initial([r.password for r in good], self._store.hasher)))
        now = iso(self._store.now())
        with self._store._write() as db:
            ids = {r[1].lower(): r[0] for r in db.execute("SELECT id, name FROM groups").fetchall()}
            for r in good:
                if db.execute("SELECT 1 FROM users WHERE username = ?", [r.username]).fetchone():
                    r.status, r.password = "failed", None  # taken since the check
                    r.problems.append(f"The username '{r.username}' is taken.")
                    continue
                uid = db.execute(
                    "INSERT INTO users (username, password_hash, role, display_name, active, created_at) "
                    "VALUES (?, ?, ?, ?, 1, ?)",
                    [r.username, hashes[r.line], r.role, r.name or r.username, now]).lastrowid
                for g in r.groups:
                    gid = ids.get(g.lower())
                    if gid is None:
                        gid = ids[g.lower()] = db.execute("INSERT INTO groups (name) VALUES (?)", [g]).lastrowid
                        result.created_groups.append(g)
                    db.execute("INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)", [gid, uid])
                r.status = "created"
        return result
