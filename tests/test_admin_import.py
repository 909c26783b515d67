"""Admin: groups per user, the warning for a group nobody can coach, and importing users from CSV
(validated row by row, initial passwords shown once). In the store and through the page (AppTest)."""
from __future__ import annotations

import pytest

from core.errors import AccessDenied, InputError
from tests.store_fixtures import build_org, new_store
from tests.test_app import app_as, org as app_org, texts  # noqa: F401  (app_org is a fixture)
from tests.test_app_interactions import _button

GOOD = ("username,role,name,groups\n"
        "nina.k,trainee,Nina K,Team A\n"
        "omar,Trainer,\"Omar, the coach\",Team A; Night shift\n"
        "pia,trainee,,\n")
MIXED = ("Username,Role,Name,Groups\n"
         "zoe,trainee,Zoe,Team A\n"
         "ana,trainee,Another Ana,\n"          # taken
         "bad name,trainee,,\n"                # not a username
         "quinn,boss,,\n"                      # no such role
         "zoe,trainer,,\n"                     # twice in the file
         "rae,trainee,,Nowhere\n")             # unknown group (created only when asked)


@pytest.fixture
def org():
    return build_org(new_store())


def table(at, n: int = 0):
    return at.dataframe[n].value


# -- the store -----------------------------------------------------------------------------------


def test_import_creates_users_in_groups_with_a_one_time_password_each(org):
    admin = org.scope("admin")
    res = admin.import_users(GOOD.encode(), create_groups=True)
    assert [r.status for r in res.rows] == ["created"] * 3
    assert res.created_groups == ["Night shift"]
    by_name = {u.username: u for u in admin.list_users()}
    assert (by_name["omar"].role, by_name["omar"].display_name) == ("trainer", "Omar, the coach")
    assert by_name["pia"].display_name == "pia"
    assert sorted(admin.groups_by_user()[by_name["omar"].id]) == ["Night shift", "Team A"]
    passwords = [r.password for r in res.rows]
    assert len(set(passwords)) == 3 and all(len(p) >= 12 for p in passwords)
    for r in res.rows:
        assert org.store.authenticate(r.username, r.password).username == r.username
    stored = {row["password_hash"] for row in org.store.query("SELECT password_hash FROM users")}
    assert not set(passwords) & stored, "only hashes are kept"
    # Omar shares Team A with Nina, so the new trainer sees the new trainee.
    assert "nina.k" in {u.username for u in org.store.as_user(by_name["omar"]).list_users()}


def test_each_bad_row_says_why_and_the_good_rows_are_imported(org):
    admin = org.scope("admin")
    before = {u.username for u in admin.list_users()}
    res = admin.import_users(MIXED, create_groups=False)
    why = {r.line: (r.status, r.message) for r in res.rows}
    assert why[2][0] == "created"
    assert why[3] == ("failed", "The username 'ana' is taken.")
    assert why[4][0] == "failed" and "letters, digits" in why[4][1]
    assert why[5][0] == "failed" and "'boss' is not one of" in why[5][1]
    assert why[6][0] == "failed" and "already on line 2" in why[6][1]
    assert why[7] == ("failed", "There is no group 'Nowhere'.")
    assert {u.username for u in admin.list_users()} - before == {"zoe"}
    assert all(r.password is None for r in res.failed)
    assert "Nowhere" not in {g.name for g in admin.list_groups()}


def test_a_dry_run_checks_everything_and_writes_nothing(org):
    admin = org.scope("admin")
    before = {u.username for u in admin.list_users()}
    res = admin.import_users(MIXED, create_groups=True, dry_run=True)
    assert [r.status for r in res.rows] == ["ok", "failed", "failed", "failed", "failed", "ok"]
    assert res.rows[-1].message == "new group: Nowhere"
    assert all(r.password is None for r in res.rows)
    assert {u.username for u in admin.list_users()} == before
    assert "Nowhere" not in {g.name for g in admin.list_groups()}


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\xff\xfe\x00b", "not UTF-8"),
    ("name,groups\nAna,Team A\n", "no 'username' or 'role' column"),
    ("username,role,team\nx,trainee,A\n", "unknown column 'team'"),
    ("username,role,password\nx,trainee,hunter22hunter\n", "Leave passwords out"),
    ("username,role\n", "no users"),
    ("username,role\n" + "".join(f"u{i},trainee\n" for i in range(501)), "the limit is 500"),
])
def test_a_file_that_cannot_be_read_is_refused_whole_with_the_fix(org, data, message):
    admin = org.scope("admin")
    before = len(admin.list_users())
    with pytest.raises(InputError, match=message):
        admin.import_users(data, create_groups=True)
    assert len(admin.list_users()) == before


def test_semicolon_separated_files_from_spreadsheets_are_read(org):
    res = org.scope("admin").import_users("username;role;groups\nvic;trainee;\"Team A;Team B\"\n")
    assert [(r.status, r.groups) for r in res.rows] == [("created", ["Team A", "Team B"])]


@pytest.mark.parametrize("who", ["trainer_a", "manager_a", "ana"])
def test_only_admins_import_even_a_dry_run(org, who):
    with pytest.raises(AccessDenied):
        org.scope(who).import_users(GOOD, create_groups=True, dry_run=True)
    with pytest.raises(AccessDenied):
        org.scope(who).groups_without_trainer()
    assert "nina.k" not in {u.username for u in org.scope("admin").list_users()}


def test_a_group_with_trainees_and_no_trainer_is_named(org):
    admin = org.scope("admin")
    assert admin.groups_without_trainer() == []
    g = admin.create_group("Evening cohort")
    admin.add_to_group(g.id, org.users["loner"].id)
    admin.add_to_group(g.id, org.users["manager_a"].id)  # a manager does not coach
    assert [x.name for x in admin.groups_without_trainer()] == ["Evening cohort"]
    admin.add_to_group(g.id, org.users["trainer_b"].id)
    assert admin.groups_without_trainer() == []
    admin.set_active(org.users["trainer_b"].id, False)  # a disabled trainer coaches nobody
    assert [x.name for x in admin.groups_without_trainer()] == ["Evening cohort", "Team B"]


def test_staff_see_only_the_groups_they_share(org):
    mine = org.scope("trainer_a").groups_by_user()
    assert mine[org.users["ana"].id] == ["Team A"]
    assert org.users["ben"].id not in mine


# -- the page ------------------------------------------------------------------------------------


def test_users_table_shows_each_users_groups(app_org):
    store, users = app_org
    at = app_as(users["admin"], "ui/pages/admin.py")
    assert not at.exception
    df = table(at)
    groups = dict(zip(df["username"], df["groups"]))
    assert groups["ana"] == "Team A" and groups["ben"] == "Team B" and groups["admin"] == "—"


def test_admin_page_warns_about_a_group_with_trainees_and_no_trainer(app_org):
    store, users = app_org
    at = app_as(users["admin"], "ui/pages/admin.py")
    # Team B has trainee ben and no trainer.
    warnings = [w.value for w in at.warning]
    assert any("Trainees in “Team B” are invisible to trainers until a trainer is added" in w for w in warnings)
    assert not any("Team A" in w for w in warnings)
    store.as_user(users["admin"]).add_to_group(store.as_user(users["admin"]).list_groups()[1].id,
                                               users["trainer"].id)
    at = app_as(users["admin"], "ui/pages/admin.py")
    assert not any("invisible to trainers" in w.value for w in at.warning)


def test_import_page_checks_imports_shows_passwords_once_and_hides_them(app_org):
    store, users = app_org
    at = app_as(users["admin"], "ui/pages/admin.py")
    at.get("file_uploader")[0].set_value(("people.csv", MIXED.encode(), "text/csv")).run()
    _button(at, "Check the file").click().run()
    assert not at.exception
    assert "2 of 6 row(s) can be imported; 4 cannot" in texts(at)
    assert "zoe" not in {u.username for u in store.as_user(users["admin"]).list_users()}
    report = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert list(report["result"]) == ["ready to import"] + ["not imported"] * 4 + ["ready to import"]

    _button(at, "Import users").click().run()
    assert not at.exception
    created = {u.username for u in store.as_user(users["admin"]).list_users()}
    assert {"zoe", "rae"} <= created
    assert "Nowhere" in {g.name for g in store.as_user(users["admin"]).list_groups()}
    assert "shown **only now**" in texts(at)
    shown = next(d.value for d in at.dataframe if "initial password" in d.value.columns)
    pw = dict(zip(shown["username"], shown["initial password"]))
    assert set(pw) == {"zoe", "rae"}
    assert store.authenticate("zoe", pw["zoe"]).username == "zoe"
    report = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert list(report["result"]).count("created") == 2 and "The username 'ana' is taken." in list(report["why"])
    # The new group has a trainee and no trainer: the warning names it.
    assert any("“Nowhere”" in w.value for w in at.warning)

    _button(at, "I have them — hide the passwords").click().run()
    assert not at.exception
    assert not any("initial password" in d.value.columns for d in at.dataframe)
    assert "shown **only now**" not in texts(at)


def test_import_page_refuses_a_bad_file_with_one_line(app_org):
    store, users = app_org
    at = app_as(users["admin"], "ui/pages/admin.py")
    at.get("file_uploader")[0].set_value(("people.csv", b"login,job\nx,y\n", "text/csv")).run()
    _button(at, "Import users").click().run()
    assert not at.exception
    assert any("no 'role' column" in e.value and "unknown column 'job'" in e.value for e in at.error)


def test_initial_passwords_use_the_smaller_argon2_profile_and_are_rehashed_at_first_sign_in(tmp_path):
    """A store with the real (64 MiB) hasher: the import hashes with 19 MiB; signing in upgrades the hash."""
    from argon2 import PasswordHasher

    from store import Store
    from store.user_import import INITIAL_HASHER

    store = Store(str(tmp_path / "real.db"), password_hasher=PasswordHasher())
    admin = store.as_user(store.create_first_admin("admin", "admin-password-1"))
    [row] = admin.import_users("username,role\nnew.one,trainee\n").rows
    stored = store.one("SELECT password_hash FROM users WHERE username = 'new.one'")["password_hash"]
    assert f"m={INITIAL_HASHER.memory_cost},t={INITIAL_HASHER.time_cost}" in stored
    assert store.authenticate("new.one", row.password).username == "new.one"
    upgraded = store.one("SELECT password_hash FROM users WHERE username = 'new.one'")["password_hash"]
    assert f"m={PasswordHasher().memory_cost}," in upgraded and upgraded != stored


def test_the_import_bench_prints_both_paths(capsys):
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("user_import_bench", ROOT / "bench" / "user_import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--users", "2", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "create_user one by one" in out and "import_users (CSV)" in out and "ratio" in out
