"""The store's behaviour: accounts and login, scenarios, assignments, conversations, reports, resume."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from core.errors import AccessDenied, AuthError, BackendError, InputError, ScenarioError
from core.settings import get_settings
from store import Store
from tests.conftest import ROOT
from tests.store_fixtures import (FAST_HASHER, REPORT, SCENARIO, build_org, customer, finished_conversation, new_store,
                                  put_report)


@pytest.fixture
def store():
    s = new_store()
    yield s
    s.close()


@pytest.fixture
def org(store):
    return build_org(store)


# -- setup and login -------------------------------------------------------------------------
def test_new_file_is_created_in_wal_mode_and_needs_setup(tmp_path):
    store = Store(str(tmp_path / "new.db"), password_hasher=FAST_HASHER)  # made here, not new_store's copy
    assert store.needs_setup()
    with store._db() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version()[0] == "m001_initial"


def test_default_path_comes_from_settings():
    s = Store(password_hasher=FAST_HASHER)
    assert s.path == get_settings().db_path


def test_first_admin_once_only(store):
    admin = store.create_first_admin("ada", "a-long-password", "Ada")
    assert admin.role == "admin" and not store.needs_setup()
    with pytest.raises(InputError, match="already set up"):
        store.create_first_admin("eve", "another-password", "Eve")


@pytest.mark.parametrize("password", ["", "short", "1234567"])
def test_short_passwords_are_refused_with_the_rule(store, password):
    with pytest.raises(InputError, match="at least 8 characters"):
        store.create_first_admin("ada", password, "Ada")
    assert store.needs_setup()


@pytest.mark.parametrize("username", ["", "  ", "has space", "-leading", "x" * 65, "semi;colon"])
def test_bad_usernames_are_refused(store, username):
    with pytest.raises(InputError, match="username"):
        store.create_first_admin(username, "a-long-password", "Ada")


def test_password_is_stored_as_argon2id_never_in_clear(store):
    store.create_first_admin("ada", "a-long-password", "Ada")
    stored = store.one("SELECT password_hash FROM users")["password_hash"]
    assert stored.startswith("$argon2id$") and "a-long-password" not in stored
    raw = open(store.path, "rb").read() + open(store.path + "-wal", "rb").read()
    assert b"a-long-password" not in raw


@pytest.mark.parametrize("username,password", [("ada", "wrong-password"), ("nobody", "a-long-password"),
                                               ("ada", ""), ("", "")])
def test_unknown_user_and_wrong_password_get_the_same_message(store, username, password):
    store.create_first_admin("ada", "a-long-password", "Ada")
    with pytest.raises(AuthError) as e:
        store.authenticate(username, password)
    assert str(e.value) == "Wrong username or password."


def test_login_is_case_insensitive_on_username_and_trims_it(store):
    store.create_first_admin("Ada", "a-long-password", "Ada")
    assert store.authenticate("  ada ", "a-long-password").username == "Ada"


def test_disabled_user_cannot_log_in_or_use_a_scope(org):
    a = org.scope("admin")
    ana_scope = org.scope("ana")
    a.set_active(org.users["ana"].id, False)
    with pytest.raises(AuthError, match="^Wrong username or password.$"):  # the right password says nothing more
        org.store.authenticate("ana", "ana-password")
    with pytest.raises(AuthError):
        org.store.as_user(org.users["ana"])
    with pytest.raises(AuthError):  # a scope made before the change is refused too
        ana_scope.list_conversations()
    a.set_active(org.users["ana"].id, True)
    assert org.store.authenticate("ana", "ana-password").active


@pytest.mark.real_hasher
def test_a_store_made_without_a_hasher_uses_argon2id_with_the_librarys_default_cost(tmp_path):
    """conftest gives every other test a cheap default hasher; the app's own Store must not be cheap."""
    s = Store(str(tmp_path / "real.db"))
    s.create_first_admin("ada", "a-long-password", "Ada")
    stored = s.one("SELECT password_hash FROM users")["password_hash"]
    real = PasswordHasher()
    assert stored.startswith("$argon2id$")
    assert f"m={real.memory_cost},t={real.time_cost},p={real.parallelism}" in stored
    assert s.authenticate("ada", "a-long-password").username == "ada"


def test_hash_is_upgraded_when_parameters_change(tmp_path):
    path = str(tmp_path / "rehash.db")
    weak = Store(path, password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    weak.create_first_admin("ada", "a-long-password", "Ada")
    before = weak.one("SELECT password_hash FROM users")["password_hash"]
    stronger = Store(path, password_hasher=PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    stronger.authenticate("ada", "a-long-password")
    after = stronger.one("SELECT password_hash FROM users")["password_hash"]
    assert before != after and "t=2" in after
    assert stronger.authenticate("ada", "a-long-password").username == "ada"


def test_role_change_applies_to_an_existing_scope(org):
    sc = org.scope("ana")
    org.scope("admin").set_role(org.users["ana"].id, "trainer")
    sc.list_users()
    assert sc.user.role == "trainer"


def test_passwords_can_be_reset_and_changed(org):
    a = org.scope("admin")
    a.reset_password(org.users["ana"].id, "brand-new-password")
    ana = org.store.authenticate("ana", "brand-new-password")
    sc = org.store.as_user(ana)
    with pytest.raises(AuthError, match="current password"):
        sc.change_own_password("not-it", "another-password")
    with pytest.raises(InputError, match="at least 8"):
        sc.change_own_password("brand-new-password", "short")
    sc.change_own_password("brand-new-password", "another-password")
    assert org.store.authenticate("ana", "another-password")


def test_duplicate_username_is_refused(org):
    with pytest.raises(InputError, match="taken"):
        org.scope("admin").create_user("ANA", "other-ana-secret", "trainee", "Other Ana")


def test_the_last_admin_cannot_be_demoted_or_disabled(org):
    a = org.scope("admin")
    with pytest.raises(InputError, match="at least one active admin"):
        a.set_role(org.users["admin"].id, "trainer")
    with pytest.raises(InputError, match="your own account"):
        a.set_active(org.users["admin"].id, False)


def test_deleting_a_trainee_erases_their_conversations_and_scores(org):
    a = org.scope("admin")
    ana = org.users["ana"].id
    conv = finished_conversation(org, "ana")
    branch = org.scope("ana").start_conversation(SCENARIO, backend="scripted", parent_id=conv, branch_turn=1)
    customer(org.scope("ana"), branch, "My internet is down!", mood=8)
    other = finished_conversation(org, "amy")
    org.scope("trainer_a").override_score(conv, "empathy", 90, "Warmer than the score says.")
    with pytest.raises(InputError, match="Type the username 'ana'"):
        a.delete_user(ana, "amy")
    a.delete_user(ana, "ANA")
    with pytest.raises(AuthError):
        org.scope("ana")
    with org.store._db() as db:
        for table, col in (("conversations", "user_id"), ("group_members", "user_id"), ("users", "id")):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} = ?", [ana]).fetchone()[0] == 0
        for table in ("turns", "reports", "overrides"):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE conversation_id IN (?, ?)",
                              [conv, branch]).fetchone()[0] == 0
    assert [r["conversation_id"] for r in org.scope("manager_a").score_rows()] == [other]


def test_accounts_others_rely_on_are_disabled_not_deleted(org):
    a = org.scope("admin")
    org.scope("trainer_a").create_assignment(SCENARIO, user_ids=[org.users["ana"].id])
    with pytest.raises(InputError, match="made assignments.*Disable it instead"):
        a.delete_user(org.users["trainer_a"].id, "trainer_a")
    with pytest.raises(InputError, match="your own account"):
        a.delete_user(org.users["admin"].id, "admin")
    a.delete_user(org.users["manager_b"].id, "manager_b")  # made nothing: can go
    assert "manager_b" not in {u.username for u in a.list_users()}


def test_groups_and_members(org):
    a = org.scope("admin")
    with pytest.raises(InputError, match="already exists"):
        a.create_group("team a")
    gid = org.groups["Team A"]
    assert {u.username for u in a.group_members(gid)} == {"trainer_a", "manager_a", "ana", "amy"}
    a.remove_from_group(gid, org.users["amy"].id)
    assert "amy" not in {u.username for u in a.group_members(gid)}
    assert [g.name for g in a.user_groups(org.users["ana"].id)] == ["Team A"]


def test_groups_can_be_renamed_but_not_to_a_name_in_use(org):
    a = org.scope("admin")
    gid = org.groups["Team A"]
    assert a.rename_group(gid, "  Support North ").name == "Support North"
    assert "Support North" in {g.name for g in org.scope("ana").list_groups()}
    with pytest.raises(InputError, match="already exists"):
        a.rename_group(gid, "team b")
    with pytest.raises(InputError, match="1–100"):
        a.rename_group(gid, " ")


def test_deleting_a_group_keeps_accounts_and_history_but_ends_what_it_shared(org):
    a = org.scope("admin")
    gid = org.groups["Team B"]
    conv = finished_conversation(org, "ben")
    asg = org.scope("trainer_b").create_assignment(SCENARIO, group_id=gid, title="Team B drill")
    with pytest.raises(InputError, match="“Team B drill”.*Delete those assignments first"):
        a.delete_group(gid)
    assert org.scope("manager_b").get_conversation(conv).id == conv
    org.scope("trainer_b").delete_assignment(asg.id)
    a.delete_group(gid)
    assert "Team B" not in {g.name for g in a.list_groups()}
    assert org.scope("ben").get_conversation(conv).id == conv  # ben keeps his history
    assert org.scope("ben").user.active
    with pytest.raises(AccessDenied):  # the manager saw ben through the group only
        org.scope("manager_b").get_conversation(conv)
    with pytest.raises(InputError):
        a.delete_group(gid)


# -- scenarios -----------------------------------------------------------------------------------
def _scenario_yaml(**changes) -> str:
    import yaml

    data = yaml.safe_load((ROOT / "scenarios" / f"{SCENARIO}.yaml").read_text())
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False)


def test_custom_scenario_upsert_list_and_delete(org):
    t = org.scope("trainer_a")
    sc = t.save_scenario(_scenario_yaml(id="custom-outage", title="Custom outage"))
    assert sc.id == "custom-outage"
    org.scope("admin").save_scenario(_scenario_yaml(id="custom-outage", title="Renamed"))
    recs = org.scope("ana").list_scenario_records()
    assert [(r["id"], r["title"], r["updated_by"]) for r in recs] == [("custom-outage", "Renamed", org.users["admin"].id)]
    assert recs[0]["created_by"] == org.users["trainer_a"].id
    assert "Renamed" in org.scope("ana").get_scenario_yaml("custom-outage")
    t.delete_scenario("custom-outage")
    assert org.scope("ana").get_scenario_yaml("custom-outage") is None
    with pytest.raises(InputError, match="no custom scenario"):
        t.delete_scenario("custom-outage")


def test_assigning_a_scenario_that_does_not_exist_is_refused(org):
    t = org.scope("trainer_a")
    ana = org.users["ana"].id
    with pytest.raises(InputError, match="no scenario 'no-such-scenario'"):
        t.create_assignment("no-such-scenario", user_ids=[ana])
    t.save_scenario(_scenario_yaml(id="custom-outage", title="Custom outage"))
    assert t.create_assignment("custom-outage", user_ids=[ana]).scenario_id == "custom-outage"
    assert t.create_assignment(SCENARIO, user_ids=[ana]).scenario_id == SCENARIO  # a built-in file


def test_a_custom_scenario_in_use_by_assignments_cannot_be_deleted(org):
    t = org.scope("trainer_a")
    t.save_scenario(_scenario_yaml(id="custom-outage", title="Custom outage"))
    a = t.create_assignment("custom-outage", user_ids=[org.users["ana"].id], title="Week 2 drill")
    with pytest.raises(InputError, match="“Week 2 drill”.*Delete those assignments first"):
        org.scope("admin").delete_scenario("custom-outage")
    assert t.get_scenario_yaml("custom-outage") is not None
    untitled = t.create_assignment("custom-outage", user_ids=[org.users["ana"].id], due=date(2031, 1, 31))
    with pytest.raises(InputError, match="“Week 2 drill”, “custom-outage, due 2031-01-31”"):
        org.scope("admin").delete_scenario("custom-outage")  # named as the Assignments page lists it
    t.delete_assignment(a.id)
    t.delete_assignment(untitled.id)
    t.delete_scenario("custom-outage")
    assert t.get_scenario_yaml("custom-outage") is None


def test_deleting_a_custom_version_of_a_built_in_is_allowed_while_assigned(org):
    """The built-in file takes its place again, so the assignment still works."""
    a, t = org.scope("admin"), org.scope("trainer_a")
    a.save_scenario(_scenario_yaml(title="Our own outage call"))  # same id as the built-in file: admins only
    t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id])
    a.delete_scenario(SCENARIO)
    assert t.get_scenario_yaml(SCENARIO) is None


def test_invalid_scenario_is_refused_naming_the_field(org):
    with pytest.raises(ScenarioError) as e:
        org.scope("trainer_a").save_scenario(_scenario_yaml(start_mood="very"))
    assert "start_mood" in str(e.value)
    assert org.scope("trainer_a").list_scenario_records() == []


# -- conversations, turns, resume -------------------------------------------------------------------
def test_turns_are_numbered_and_read_back_with_their_state(org):
    sc = org.scope("ana")
    cid = sc.start_conversation(SCENARIO, backend="scripted")
    assert customer(sc, cid, "Hello?", mood=8, trust=2, intent="vent") == 1
    assert sc.add_turn(cid, "trainee", "Hi, I hear you.", moves=["reflection"], meta={"latency_ms": 3}) == 2
    turns = sc.get_turns(cid)
    assert [(t["idx"], t["role"], t["text"]) for t in turns] == [(1, "customer", "Hello?"), (2, "trainee", "Hi, I hear you.")]
    assert turns[0]["mood"] == 8 and turns[0]["intent"] == "vent" and turns[1]["moves"] == ["reflection"]
    assert turns[1]["meta"] == {"latency_ms": 3}
    conv = sc.get_conversation(cid)
    assert conv.status == "active" and conv.turn_count == 2 and conv.backend == "scripted" and conv.overall is None


@pytest.mark.parametrize("role,text,match", [("agent", "x", "role"), ("trainee", "x" * 2001, "limit"),
                                             ("customer", "x" * 20001, "limit")])
def test_bad_turns_are_refused(org, role, text, match):
    sc = org.scope("ana")
    cid = sc.start_conversation(SCENARIO)
    with pytest.raises(InputError, match=match):
        if role == "customer":
            customer(sc, cid, text)
        else:
            sc.add_turn(cid, role, text)
    assert sc.get_turns(cid) == []


def test_conversation_resumes_after_the_store_is_reopened(org):
    sc = org.scope("ana")
    cid = sc.start_conversation(SCENARIO)
    customer(sc, cid, "Where is my internet?", mood=8)
    sc.add_turn(cid, "trainee", "Let me look at that for you right now.")
    org.store.close()
    reopened = new_store(org.store.path)  # a server restart: a fresh Store over the same file
    sc2 = reopened.as_user(org.users["ana"])
    active = sc2.active_conversation()
    assert active is not None and active.id == cid
    assert sc2.active_conversation(scenario_id="some-other-scenario") is None
    assert [t["text"] for t in sc2.get_turns(cid)] == ["Where is my internet?", "Let me look at that for you right now."]


def test_a_turn_saved_before_a_backend_failure_is_kept(org):
    """The practice loop saves the trainee's turn, then calls the model; the call blows up."""
    sc = org.scope("ana")
    cid = sc.start_conversation(SCENARIO)
    customer(sc, cid, "Opening line", mood=8)

    def failing_model_call():
        raise BackendError("The model endpoint timed out.")

    with pytest.raises(BackendError):
        sc.add_turn(cid, "trainee", "I'm sorry, that sounds awful.")
        failing_model_call()
    reopened = new_store(org.store.path)
    turns = reopened.as_user(org.users["ana"]).get_turns(cid)
    assert [t["role"] for t in turns] == ["customer", "trainee"]
    assert turns[-1]["text"] == "I'm sorry, that sounds awful."


def test_finish_stores_the_report_and_closes_the_conversation(org):
    cid = finished_conversation(org, "ana")
    sc = org.scope("ana")
    conv = sc.get_conversation(cid)
    assert conv.status == "resolved" and conv.ended_at is not None and conv.overall == 62
    rec = sc.get_report(cid)
    assert rec.overall == 62 and rec.dimensions["paraphrasing"] == 40 and rec.report == REPORT
    assert rec.effective_overall == 62 and rec.overrides == []
    with pytest.raises(InputError, match="ended"):
        sc.add_turn(cid, "trainee", "one more thing")
    with pytest.raises(InputError, match="already ended"):
        sc.finish_conversation(cid, "resolved")
    assert sc.active_conversation() is None


def test_finish_without_report_and_bad_status(org):
    sc = org.scope("ana")
    cid = sc.start_conversation(SCENARIO)
    with pytest.raises(InputError):
        sc.finish_conversation(cid, "exploded", None)
    with pytest.raises(InputError, match="does not match"):
        sc.finish_conversation(cid, "resolved", {"dimensions": {}})
    sc.finish_conversation(cid, "walked_out", None)  # nothing said by the trainee: nothing to score
    assert sc.get_report(cid) is None and sc.get_conversation(cid).status == "walked_out"


def test_branch_keeps_parent_and_turn(org):
    sc = org.scope("ana")
    parent = finished_conversation(org, "ana")
    child = sc.start_conversation(SCENARIO, parent_id=parent, branch_turn=2)
    conv = sc.get_conversation(child)
    assert (conv.parent_id, conv.branch_turn) == (parent, 2)
    with pytest.raises(AccessDenied):  # cannot branch someone else's conversation
        org.scope("amy").start_conversation(SCENARIO, parent_id=parent, branch_turn=2)


def test_list_conversations_filters(org):
    a1 = finished_conversation(org, "ana")
    b1 = finished_conversation(org, "ben")
    active = org.scope("ana").start_conversation("bank-double-charge-rent")
    adm = org.scope("admin")
    assert [c.id for c in adm.list_conversations()] == [active, b1, a1]
    assert [c.id for c in adm.list_conversations(user_id=org.users["ana"].id)] == [active, a1]
    assert [c.id for c in adm.list_conversations(scenario_id="bank-double-charge-rent")] == [active]
    assert [c.id for c in adm.list_conversations(group_id=org.groups["Team B"])] == [b1]
    assert [c.id for c in adm.list_conversations(status="finished")] == [b1, a1]
    assert [c.id for c in adm.list_conversations(status="active")] == [active]
    today = org.store.now().date()
    assert len(adm.list_conversations(since=today, until=today)) == 3
    assert adm.list_conversations(until=today - timedelta(days=1)) == []
    assert len(adm.list_conversations(limit=1)) == 1


# -- overrides ---------------------------------------------------------------------------------------
def test_override_keeps_the_automated_score_and_the_newest_wins(org):
    cid = finished_conversation(org, "ana")
    t = org.scope("trainer_a")
    t.override_score(cid, "empathy", 50, "Reflection was formulaic.")
    o = t.override_score(cid, "empathy", 60, "On second read, fair.")
    t.override_score(cid, "overall", 71, "Good recovery.")
    assert o.by_username == "trainer_a" and o.score == 60
    rec = org.scope("ana").get_report(cid)
    assert rec.dimensions["empathy"] == 80 and rec.effective_dimensions["empathy"] == 60
    assert rec.overall == 62 and rec.effective_overall == 71
    assert [x.score for x in rec.overrides] == [71, 60, 50]
    assert org.scope("ana").get_conversation(cid).overall == 71
    row = org.scope("manager_a").score_rows()[0]
    assert (row["overall"], row["auto_overall"], row["empathy"], row["overridden"]) == (71, 62, 60, True)


@pytest.mark.parametrize("dimension,score,comment,match", [
    ("charm", 50, "x", "Unknown score"), ("overall", 101, "x", "0 to 100"), ("overall", -1, "x", "0 to 100"),
    ("overall", 50, "   ", "comment"), ("overall", True, "x", "0 to 100")])
def test_bad_overrides_are_refused(org, dimension, score, comment, match):
    cid = finished_conversation(org, "ana")
    with pytest.raises(InputError, match=match):
        org.scope("trainer_a").override_score(cid, dimension, score, comment)


def test_unscored_conversation_cannot_be_overridden(org):
    cid = finished_conversation(org, "ana", report=None)
    with pytest.raises(InputError, match="no score"):
        org.scope("trainer_a").override_score(cid, "overall", 50, "why")


# -- assignments ---------------------------------------------------------------------------------------
def test_assignment_needs_targets_and_valid_fields(org):
    t = org.scope("trainer_a")
    with pytest.raises(InputError, match="at least one"):
        t.create_assignment(SCENARIO)
    with pytest.raises(InputError, match="pass mark"):
        t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], pass_mark=120)
    with pytest.raises(InputError, match="mode"):
        t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], mode="exam")
    a = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], due="2030-01-31", title="Week 1")
    assert a.due == date(2030, 1, 31) and a.title == "Week 1" and a.user_ids == [org.users["ana"].id]


def test_practice_assignment_status_progression(org):
    t = org.scope("trainer_a")
    a = t.create_assignment(SCENARIO, group_id=org.groups["Team A"], pass_mark=70, due=date(2030, 1, 1))
    ana = org.scope("ana")
    [s] = ana.my_assignments(today=date(2029, 12, 1))
    assert (s.status, s.attempts, s.best_score) == ("not_started", 0, None)
    cid = ana.start_conversation(SCENARIO, assignment_id=a.id)
    assert ana.my_assignments(today=date(2029, 12, 1))[0].status == "in_progress"
    customer(ana, cid, "Hi")
    ana.add_turn(cid, "trainee", "Hello, how can I help?")
    ana.finish_conversation(cid, "resolved")
    put_report(org.store, cid, {**REPORT, "overall": 60})
    s = ana.my_assignments(today=date(2029, 12, 1))[0]
    assert (s.status, s.attempts, s.best_score) == ("in_progress", 1, 60)
    assert ana.my_assignments(today=date(2030, 1, 2))[0].status == "overdue"
    finished_conversation(org, "ana", report={**REPORT, "overall": 80}, assignment_id=a.id)
    s = ana.my_assignments(today=date(2030, 1, 2))[0]
    assert (s.status, s.attempts, s.best_score) == ("passed", 2, 80)
    prog = {p.user_id: p.status for p in t.assignment_progress(a.id, today=date(2030, 1, 2))}
    assert prog == {org.users["ana"].id: "passed", org.users["amy"].id: "overdue"}


def test_assessment_counts_the_first_attempt_only_and_cannot_be_retaken(org):
    t = org.scope("trainer_a")
    a = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], mode="assessment", pass_mark=70)
    finished_conversation(org, "ana", report={**REPORT, "overall": 50}, assignment_id=a.id)
    s = org.scope("ana").my_assignments()[0]
    assert (s.status, s.best_score, s.attempts) == ("failed", 50, 1)
    with pytest.raises(InputError, match="already been taken"):
        org.scope("ana").start_conversation(SCENARIO, assignment_id=a.id)
    # A trainer's override of that one attempt is what counts.
    cid = org.scope("ana").list_conversations(assignment_id=a.id)[0].id
    t.override_score(cid, "overall", 75, "The scorer missed the paraphrase in turn 4.")
    assert org.scope("ana").my_assignments()[0].status == "passed"


def test_conversation_takes_the_assignments_mode_and_checks_its_scenario(org):
    a = org.scope("trainer_a").create_assignment(SCENARIO, user_ids=[org.users["ana"].id], mode="assessment")
    sc = org.scope("ana")
    cid = sc.start_conversation(SCENARIO, mode="practice", assignment_id=a.id)
    assert sc.get_conversation(cid).mode == "assessment"
    with pytest.raises(InputError, match="different scenario"):
        sc.start_conversation("bank-double-charge-rent", assignment_id=a.id)
    with pytest.raises(AccessDenied):
        org.scope("amy").start_conversation(SCENARIO, assignment_id=a.id)


def test_group_assignment_reaches_trainees_who_join_later(org):
    a = org.scope("trainer_a").create_assignment(SCENARIO, group_id=org.groups["Team A"])
    assert org.scope("loner").my_assignments() == []
    org.scope("admin").add_to_group(org.groups["Team A"], org.users["loner"].id)
    assert [s.assignment.id for s in org.scope("loner").my_assignments()] == [a.id]


def test_delete_assignment_keeps_the_attempts(org):
    t = org.scope("trainer_a")
    a = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id])
    cid = finished_conversation(org, "ana", assignment_id=a.id)
    with pytest.raises(AccessDenied):
        org.scope("trainer_b").delete_assignment(a.id)
    t.delete_assignment(a.id)
    assert org.scope("ana").list_assignments() == []
    assert org.scope("ana").get_conversation(cid).assignment_id is None


# -- dashboard rows ----------------------------------------------------------------------------------------
def test_score_rows_are_flat_and_filterable(org):
    a = org.scope("trainer_a").create_assignment(SCENARIO, user_ids=[org.users["ana"].id], pass_mark=60)
    finished_conversation(org, "ana", assignment_id=a.id)
    finished_conversation(org, "amy")
    finished_conversation(org, "ben")
    org.scope("ana").start_conversation(SCENARIO)  # unfinished: no row
    rows = org.scope("admin").score_rows()
    assert len(rows) == 3
    r = rows[0]
    assert set(r) >= {"conversation_id", "user_id", "username", "display_name", "scenario_id", "assignment_id",
                      "mode", "finished_at", "overall", "active_listening", "paraphrasing", "empathy", "focus",
                      "closure", "auto_overall", "overridden", "passed"}
    assert (r["username"], r["passed"], r["paraphrasing"]) == ("ana", True, 40)
    assert rows[1]["passed"] is None
    datetime.fromisoformat(r["finished_at"])
    adm = org.scope("admin")
    assert {x["username"] for x in adm.score_rows(group_id=org.groups["Team B"])} == {"ben"}
    assert {x["username"] for x in adm.score_rows(user_id=org.users["amy"].id)} == {"amy"}
    assert adm.score_rows(scenario_id="nope") == []
    assert adm.score_rows(since=org.store.now().date() + timedelta(days=1)) == []


def test_backdated_clock_stamps_records(org):
    when = datetime(2024, 3, 5, 9, 30)
    with org.store.clock(lambda: when):
        cid = finished_conversation(org, "ana")
    conv = org.scope("ana").get_conversation(cid)
    assert conv.started_at == when and conv.ended_at == when
    assert org.scope("ana").score_rows(since=date(2024, 3, 5), until=date(2024, 3, 5))[0]["conversation_id"] == cid
