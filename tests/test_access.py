"""Every role against every kind of record: the access rules live in the store, not the pages.

The organisation (tests/store_fixtures.py): Team A = trainer_a, manager_a, ana, amy;
Team B = trainer_b, manager_b, ben; loner is a trainee in no group; admin sees everything.
The records under test belong to ana (Team A).
"""
from __future__ import annotations

import pytest

from core.errors import AccessDenied, AuthError
from tests.store_fixtures import SCENARIO, build_org, customer, finished_conversation, new_store

ACTORS = ["admin", "trainer_a", "manager_a", "ana", "amy", "trainer_b", "manager_b", "ben", "loner"]
SEES_ANA = {"admin", "trainer_a", "manager_a", "ana"}
NO_CONV = "No such conversation, or you do not have access to it."


@pytest.fixture
def org():
    s = new_store()
    o = build_org(s)
    o.conv = finished_conversation(o, "ana")  # type: ignore[attr-defined]
    o.active = o.scope("ana").start_conversation(SCENARIO)  # type: ignore[attr-defined]
    customer(o.scope("ana"), o.active, "Hello?")
    o.assignment = o.scope("trainer_a").create_assignment(  # type: ignore[attr-defined]
        SCENARIO, user_ids=[o.users["ana"].id], title="Ana's outage")
    yield o
    s.close()


def expect(allowed: bool, fn, *args, **kwargs):
    if allowed:
        return fn(*args, **kwargs)
    with pytest.raises(AccessDenied):
        fn(*args, **kwargs)


# -- conversations, turns, reports ---------------------------------------------------------------------
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("read", ["get_conversation", "get_turns", "get_report"])
def test_reading_anas_conversation(org, actor, read):
    sc = org.scope(actor)
    if actor in SEES_ANA:
        assert getattr(sc, read)(org.conv) is not None
    else:
        with pytest.raises(AccessDenied) as e:
            getattr(sc, read)(org.conv)
        assert str(e.value) == NO_CONV


@pytest.mark.parametrize("actor", ACTORS)
def test_missing_and_forbidden_conversations_look_the_same(org, actor):
    sc = org.scope(actor)
    for read in ("get_conversation", "get_turns", "get_report"):
        with pytest.raises(AccessDenied) as e:
            getattr(sc, read)(999_999)
        assert str(e.value) == NO_CONV


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_owner_adds_turns_or_finishes(org, actor):
    sc = org.scope(actor)
    allowed = actor == "ana"
    expect(allowed, sc.add_turn, org.active, "trainee", "Hello, I can help.")
    expect(allowed, sc.finish_conversation, org.active, "trainee_ended", None)
    n = len(org.scope("ana").get_turns(org.active))
    assert n == (2 if allowed else 1)


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_override_a_score(org, actor):
    allowed = actor in {"admin", "trainer_a"}
    expect(allowed, org.scope(actor).override_score, org.conv, "overall", 70, "Reviewed.")
    assert len(org.scope("admin").get_report(org.conv).overrides) == (1 if allowed else 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_overrides_are_seen_with_the_report_by_whoever_sees_it(org, actor):
    org.scope("trainer_a").override_score(org.conv, "closure", 90, "Clean close.")
    if actor in SEES_ANA:
        assert org.scope(actor).get_report(org.conv).overrides[0].comment == "Clean close."
    else:
        with pytest.raises(AccessDenied):
            org.scope(actor).get_report(org.conv)


@pytest.mark.parametrize("actor", ACTORS)
def test_list_conversations_and_score_rows_are_scoped(org, actor):
    for who in ("amy", "ben", "loner", "trainer_a"):
        finished_conversation(org, who)
    expected = {
        "admin": {"ana", "amy", "ben", "loner", "trainer_a"},
        "trainer_a": {"ana", "amy", "trainer_a"}, "manager_a": {"ana", "amy"},
        "trainer_b": {"ben"}, "manager_b": {"ben"},
        "ana": {"ana"}, "amy": {"amy"}, "ben": {"ben"}, "loner": {"loner"},
    }[actor]
    sc = org.scope(actor)
    assert {c.username for c in sc.list_conversations()} == expected
    assert {r["username"] for r in sc.score_rows()} == expected
    # Asking for someone else's by id or group yields nothing extra.
    assert {c.username for c in sc.list_conversations(user_id=org.users["ana"].id)} <= expected
    assert {r["username"] for r in sc.score_rows(user_id=org.users["ben"].id)} <= expected
    assert {r["username"] for r in sc.score_rows(group_id=org.groups["Team B"])} <= expected


@pytest.mark.parametrize("actor", ACTORS)
def test_a_trainers_own_practice_is_private_to_them_and_admins(org, actor):
    cid = finished_conversation(org, "trainer_a")
    expect(actor in {"trainer_a", "admin"}, org.scope(actor).get_turns, cid)


def test_a_trainee_who_leaves_the_group_leaves_the_trainers_view(org):
    org.scope("admin").remove_from_group(org.groups["Team A"], org.users["ana"].id)
    with pytest.raises(AccessDenied):
        org.scope("trainer_a").get_report(org.conv)


# -- users and groups ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ACTORS)
def test_list_users_is_scoped(org, actor):
    all_names = {"admin", *ACTORS}
    expected = {
        "admin": all_names, "trainer_a": {"trainer_a", "ana", "amy"}, "manager_a": {"manager_a", "ana", "amy"},
        "trainer_b": {"trainer_b", "ben"}, "manager_b": {"manager_b", "ben"},
    }.get(actor, {actor})
    sc = org.scope(actor)
    assert {u.username for u in sc.list_users()} == expected
    assert {u.username for u in sc.list_users(role="trainee")} == {n for n in expected if n in
                                                                  {"ana", "amy", "ben", "loner"}}
    expect(actor in SEES_ANA, sc.get_user, org.users["ana"].id)


@pytest.mark.parametrize("actor", ACTORS)
def test_account_and_group_management_is_admin_only(org, actor):
    sc = org.scope(actor)
    allowed = actor == "admin"
    amy, gid = org.users["amy"].id, org.groups["Team B"]
    expect(allowed, sc.create_user, f"new_{actor}", "a-long-password", "trainee", "New")
    expect(allowed, sc.set_role, amy, "trainee")
    expect(allowed, sc.set_active, amy, True)
    expect(allowed, sc.reset_password, amy, "another-password")
    expect(allowed, sc.create_group, f"Group of {actor}")
    expect(allowed, sc.add_to_group, gid, amy)
    expect(allowed, sc.remove_from_group, gid, amy)
    expect(allowed or actor == "amy", sc.set_display_name, amy, "Amy A.")
    expect(allowed, sc.rename_group, gid, f"Team B of {actor}")
    expect(allowed, sc.delete_group, gid)
    expect(allowed, sc.delete_user, org.users["loner"].id, "loner")


@pytest.mark.parametrize("actor", ACTORS)
def test_groups_are_visible_to_their_members(org, actor):
    sc = org.scope(actor)
    in_a = actor in {"admin", "trainer_a", "manager_a", "ana", "amy"}
    mine = {g.name for g in sc.list_groups()}
    assert ("Team A" in mine) == in_a
    members = expect(in_a, sc.group_members, org.groups["Team A"])
    if members is not None and actor in {"ana", "amy"}:
        # A trainee sees the group's staff and themselves, not fellow trainees.
        assert {u.username for u in members} == {"trainer_a", "manager_a", actor}


# -- scenarios ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ACTORS)
def test_scenarios_are_readable_by_all_and_written_by_trainers_and_admins(org, actor):
    from tests.test_store import _scenario_yaml

    org.scope("admin").save_scenario(_scenario_yaml(id="shared-one", title="Shared"))
    sc = org.scope(actor)
    assert [r["id"] for r in sc.list_scenario_records()] == ["shared-one"]
    assert sc.get_scenario_yaml("shared-one")
    allowed = actor in {"admin", "trainer_a", "trainer_b"}
    mine = f"by-{actor.replace('_', '-')}"
    expect(allowed, sc.save_scenario, _scenario_yaml(id=mine, title="Mine"))
    if allowed:
        assert sc.may_edit_scenario(mine)
        sc.save_scenario(_scenario_yaml(id=mine, title="Mine, revised"))  # one's own: change it again
        sc.delete_scenario(mine)
    # Someone else's custom scenario (here the admin's): only its author or an admin changes or deletes it.
    expect(actor == "admin", sc.save_scenario, _scenario_yaml(id="shared-one", title="Taken over"))
    expect(actor == "admin", sc.delete_scenario, "shared-one")


@pytest.mark.parametrize("actor", ACTORS)
def test_a_trainers_custom_scenario_is_changed_only_by_them_or_an_admin(org, actor):
    from tests.test_store import _scenario_yaml

    org.scope("trainer_a").save_scenario(_scenario_yaml(id="trainer-a-own", title="A's own"))
    sc = org.scope(actor)
    allowed = actor in {"admin", "trainer_a"}
    assert sc.may_edit_scenario("trainer-a-own") == allowed
    expect(allowed, sc.save_scenario, _scenario_yaml(id="trainer-a-own", title="Overwritten"))
    title = org.scope("admin").list_scenario_records()[0]["title"]
    assert title == ("Overwritten" if allowed else "A's own")
    expect(allowed, sc.delete_scenario, "trainer-a-own")
    assert bool(org.scope("admin").list_scenario_records()) == (not allowed)


@pytest.mark.parametrize("actor", ACTORS)
def test_replacing_a_built_in_scenario_needs_an_admin(org, actor):
    from tests.test_store import _scenario_yaml

    sc = org.scope(actor)
    assert sc.may_edit_scenario(SCENARIO) == (actor == "admin")
    expect(actor == "admin", sc.save_scenario, _scenario_yaml(id=SCENARIO, title="Replaced for every group"))
    records = org.scope("admin").list_scenario_records()
    assert [r["id"] for r in records] == ([SCENARIO] if actor == "admin" else [])


# -- assignments --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ACTORS)
def test_who_sees_anas_assignment(org, actor):
    sc = org.scope(actor)
    sees = actor in SEES_ANA
    assert (org.assignment.id in {a.id for a in sc.list_assignments()}) == sees
    expect(sees, sc.get_assignment, org.assignment.id)
    can_follow = sees and actor != "ana"
    rows = expect(can_follow, sc.assignment_progress, org.assignment.id)
    if rows is not None:
        assert [r.user_id for r in rows] == [org.users["ana"].id]
    assert (org.assignment.id in {s.assignment.id for s in sc.my_assignments()}) == (actor == "ana")


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_assign_to_whom(org, actor):
    sc = org.scope(actor)
    ana, ben = org.users["ana"].id, org.users["ben"].id
    if actor not in {"admin", "trainer_a", "trainer_b"}:
        with pytest.raises(AccessDenied):
            sc.create_assignment(SCENARIO, user_ids=[ana])
        return
    from core.errors import InputError

    own, other = ((ana, ben) if actor == "trainer_a" else (ben, ana))
    if actor == "admin":
        sc.create_assignment(SCENARIO, user_ids=[ana, ben])
        sc.create_assignment(SCENARIO, group_id=org.groups["Team B"])
        return
    sc.create_assignment(SCENARIO, user_ids=[own])
    with pytest.raises(InputError, match="your groups"):
        sc.create_assignment(SCENARIO, user_ids=[other])
    with pytest.raises(InputError, match="groups you belong to"):
        sc.create_assignment(SCENARIO, group_id=org.groups["Team B" if actor == "trainer_a" else "Team A"])
    with pytest.raises(InputError):  # a trainer is not a trainee target
        sc.create_assignment(SCENARIO, user_ids=[org.users["manager_a"].id])


@pytest.mark.parametrize("actor", ACTORS)
def test_only_a_targeted_trainee_can_attempt_an_assignment(org, actor):
    expect(actor == "ana", org.scope(actor).start_conversation, SCENARIO, assignment_id=org.assignment.id)


@pytest.mark.parametrize("actor", ["trainer_a", "admin"])
def test_only_the_creator_or_admin_deletes_an_assignment(org, actor):
    org.scope(actor).delete_assignment(org.assignment.id)
    assert org.scope("ana").list_assignments() == []


# -- disabled accounts ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "admin"])
def test_an_inactive_users_scope_is_refused(org, actor):
    held = org.scope(actor)
    org.scope("admin").set_active(org.users[actor].id, False)
    with pytest.raises(AuthError):
        org.store.as_user(org.users[actor])
    for call in (lambda: held.list_conversations(), lambda: held.list_users(), lambda: held.score_rows(),
                 lambda: held.list_assignments(), lambda: held.list_scenario_records(),
                 lambda: held.start_conversation(SCENARIO)):
        with pytest.raises(AuthError):
            call()
