"""AppTest tests of the assignments page, the team dashboard and the trainee's history: deleting an
assignment, readable progress, a form that clears, filters that apply everywhere and survive a
drill-down, a readable conversations table and charts that can be read."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.errors import AccessDenied
from services import practice
from store.models import SKILLS
from tests.test_app import SCENARIO, app_as, org, texts  # noqa: F401  (org is a fixture)
from tests.test_app_interactions import _button, _finished

OTHER = "lost-parcel-third-call"
OUTAGE, PARCEL = "Internet down on deadline day", "Lost parcel, third call"  # the two scenarios' titles
KIND = "I'm so sorry, that sounds really stressful. When did it stop working?"
ASSIGNMENTS = "ui/pages/assignments.py"
DASHBOARD = "ui/pages/dashboard.py"
HISTORY = "ui/pages/history.py"


def _attempt(store, user, assignment_id: int, scenario_id: str = SCENARIO) -> int:
    """A finished, scored attempt at an assignment."""
    sc = store.as_user(user)
    conv = practice.start(sc, scenario_id, assignment_id=assignment_id)
    list(practice.send(sc, conv, KIND))
    practice.end(sc, conv)
    return conv


def _confirmations(at) -> list[str]:
    """The message app.py shows after an action reran the page (a toast, or a success box)."""
    return [t.value for t in at.get("toast")] + [s.value for s in at.success]


def _popovers(at) -> list[str]:
    return [p.proto.popover.label for p in at.get("popover")]


def _expander(at, starts: str):
    found = [e for e in at.expander if e.label.startswith(starts)]
    assert found, f"no expander starting {starts!r}; expanders: {[e.label for e in at.expander]}"
    return found[0]


def _select(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _assignment_table(at):
    """The dashboard's assignments table, or None."""
    return next((d.value for d in at.dataframe if "assignment" in d.value.columns), None)


def _columns(df_element) -> dict:
    return json.loads(df_element.proto.columns)


# -- assignments.py ------------------------------------------------------------------------------


def test_trainer_deletes_their_assignment_and_the_attempts_stay_in_the_history(org):
    store, users = org
    admin = store.as_user(users["admin"])
    other_trainer = admin.create_user("tom", "tom-password-1", "trainer", "Tom")
    admin.add_to_group(admin.list_groups()[0].id, other_trainer.id)  # Team A, with ana
    mine = store.as_user(users["trainer"]).create_assignment(SCENARIO, user_ids=[users["ana"].id], title="Outage drill")
    conv = _attempt(store, users["ana"], mine.id)

    at = app_as(other_trainer, ASSIGNMENTS)
    assert "Outage drill" in _expander(at, "Outage drill").label
    assert "Delete assignment…" not in _popovers(at), "only its creator or an admin is offered the delete"
    assert "Only the trainer who made this assignment, or an admin, can delete it." in texts(at)
    with pytest.raises(AccessDenied):
        store.as_user(other_trainer).delete_assignment(mine.id)

    at = app_as(users["trainer"], ASSIGNMENTS)
    assert _popovers(at) == ["Delete assignment…"]
    warning = texts(at)
    assert "1 trainee" in warning and "1 conversation so far" in warning and "are **not** deleted" in warning
    at.button(key=f"delete_assignment_{mine.id}").click().run()
    assert not at.exception, at.exception
    assert any(m == f"Deleted “Outage drill — {OUTAGE}”; the attempts made for it are kept."
               for m in _confirmations(at))
    assert not [e for e in at.expander if e.label.startswith("Outage drill")]
    assert "No assignments yet." in texts(at)
    assert store.as_user(users["trainer"]).list_assignments() == []
    kept = store.as_user(users["ana"]).get_conversation(conv)
    assert kept.assignment_id is None and kept.overall is not None, "the attempt stays, unlinked, with its score"


def test_admin_may_delete_any_assignment(org):
    store, users = org
    a = store.as_user(users["trainer"]).create_assignment(SCENARIO, user_ids=[users["ana"].id])
    at = app_as(users["admin"], ASSIGNMENTS)
    at.button(key=f"delete_assignment_{a.id}").click().run()
    assert not at.exception, at.exception
    assert store.as_user(users["admin"]).list_assignments() == []


def test_progress_table_shows_readable_statuses_and_a_true_summary(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    late = trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], title="Late one",
                                     due=date.today() - timedelta(days=1))
    easy = trainer.create_assignment(OTHER, user_ids=[users["ana"].id], title="Easy one", pass_mark=0,
                                     due=date.today() + timedelta(days=5))
    _attempt(store, users["ana"], easy.id, OTHER)
    at = app_as(users["trainer"], ASSIGNMENTS)
    assert not at.exception, at.exception
    assert _expander(at, "Late one").label.endswith("0/1 passed · 0/1 attempted · 1 overdue")
    assert _expander(at, "Easy one").label.endswith("1/1 passed · 1/1 attempted")
    tables = {str(d.value["status"].iloc[0]): d.value for d in at.dataframe}
    assert set(tables) == {"Overdue", "Passed"}
    assert tables["Overdue"]["best score"].iloc[0] == "—"
    assert tables["Passed"]["best score"].iloc[0].isdigit()
    assert trainer.assignment_progress(late.id)[0].status == "overdue"


def test_new_assignment_form_clears_after_assigning_so_a_second_click_makes_no_duplicate(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    at = app_as(users["trainer"], ASSIGNMENTS)
    next(t for t in at.text_input if t.label == "Title (optional)").input("Week 2")
    next(m for m in at.multiselect if m.label == "…and/or these trainees").select(users["ana"])
    _button(at, "Assign").click().run()
    assert not at.exception, at.exception
    assert len(trainer.list_assignments()) == 1
    _button(at, "Assign").click().run()  # the same click again
    assert len(trainer.list_assignments()) == 1, "no duplicate"
    assert any("Choose at least one trainee or a group" in e.value for e in at.error)
    assert next(t for t in at.text_input if t.label == "Title (optional)").value == ""
    assert next(m for m in at.multiselect if m.label == "…and/or these trainees").value == []


def test_assigning_says_what_was_assigned_at_the_top_of_the_fresh_page(org):
    store, users = org
    at = app_as(users["trainer"], ASSIGNMENTS)
    next(t for t in at.text_input if t.label == "Title (optional)").input("Week 2")
    next(m for m in at.multiselect if m.label == "…and/or these trainees").select(users["ana"])
    _button(at, "Assign").click().run()
    due = date.today() + timedelta(days=7)
    first = at.selectbox[0].format_func(at.selectbox[0].value)  # the scenario picked by default
    assert _confirmations(at) == [f"Assigned “Week 2 — {first}” (due {due}). It is listed below."]
    assert _expander(at, "Week 2").label.endswith("0/1 passed · 0/1 attempted")


# -- dashboard.py --------------------------------------------------------------------------------


def test_dashboard_assignments_follow_the_filters_and_stay_when_no_conversation_matches(org):
    store, users = org
    admin = store.as_user(users["admin"])
    team_b = next(g for g in admin.list_groups() if g.name == "Team B")
    admin.create_assignment(SCENARIO, user_ids=[users["ana"].id], title="For Ana")
    admin.create_assignment(OTHER, group_id=team_b.id, title="For Team B")
    at = app_as(users["admin"], DASHBOARD)
    assert not at.exception, at.exception
    assert "No scored conversations match" in texts(at)
    assert sorted(_assignment_table(at)["assignment"]) == [f"For Ana — {OUTAGE}", f"For Team B — {PARCEL}"]
    assert at.get("download_button")[0].label == "Download scores (CSV)"

    _select(at, "Group").set_value(team_b).run()
    assert list(_assignment_table(at)["assignment"]) == [f"For Team B — {PARCEL}"]
    assert list(_assignment_table(at)["trainees"]) == [1]
    assert list(_assignment_table(at)["due"]) == ["—"], "no due date reads as a dash, not None"
    _select(at, "Group").set_value(None).run()
    _select(at, "Scenario").set_value(SCENARIO).run()
    assert list(_assignment_table(at)["assignment"]) == [f"For Ana — {OUTAGE}"]
    _select(at, "Group").set_value(team_b).run()
    assert _assignment_table(at) is None and "No assignments match these filters." in texts(at)


def test_dashboard_filters_on_all_are_not_drawn_as_cleared_boxes(org):
    """A keyed selectbox whose value is None gets a clear (x) button in the browser: "All" must not be None."""
    store, users = org
    team_a = next(g for g in store.as_user(users["manager"]).list_groups() if g.name == "Team A")
    at = app_as(users["manager"], DASHBOARD)
    _select(at, "Group").set_value(team_a).run()
    _select(at, "Group").set_value(None).run()  # back to the first option, "All my groups"
    assert [(s.label, s.proto.HasField("default")) for s in at.selectbox] == [("Group", True), ("Scenario", True)]
    assert _select(at, "Group").value == "" and "All my groups" in _select(at, "Group").options


def test_dashboard_counts_attempted_and_passed_not_done(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    a = trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], pass_mark=100, title="Hard")
    _attempt(store, users["ana"], a.id)
    at = app_as(users["manager"], DASHBOARD)
    row = _assignment_table(at).iloc[0]
    assert (row["assignment"], row["passed"], row["attempted"]) == (f"Hard — {OUTAGE}", 0, 100)


def test_dashboard_filters_survive_opening_a_transcript_and_coming_back(org):
    store, users = org
    team_a = next(g for g in store.as_user(users["manager"]).list_groups() if g.name == "Team A")
    _finished(store, users["ana"])
    at = app_as(users["manager"], DASHBOARD)
    _select(at, "Group").set_value(team_a).run()
    _select(at, "Scenario").set_value(SCENARIO).run()
    span = (date.today() - timedelta(days=10), date.today())
    at.date_input[0].set_value(span).run()
    at.session_state["dash_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    _button(at, "Open transcript and report").click().run()
    assert at.title[0].value == "Internet down on deadline day"
    at.switch_page(DASHBOARD).run()
    assert not at.exception, at.exception
    assert _select(at, "Group").value == team_a
    assert _select(at, "Scenario").value == SCENARIO
    assert tuple(at.date_input[0].value) == span


def test_conversations_table_has_readable_headers_and_overridden_as_text(org):
    store, users = org
    ana_conv = _finished(store, users["ana"])
    _finished(store, users["ana"], OTHER)
    store.as_user(users["trainer"]).override_score(ana_conv, "empathy", 90, "Clear empathy in turn 2.")
    at = app_as(users["manager"], DASHBOARD)
    table = at.dataframe[-1]
    config = _columns(table)
    shown = [c for c in table.value.columns if not config.get(c, {}).get("hidden")]
    labels = [config.get(c, {}).get("label", c) for c in shown]
    assert labels == ["Finished", "Trainee", "Scenario", "Overall", "Engine", "Overridden", "Active listening",
                      "Paraphrasing", "Empathy", "Focus", "Closure"]
    assert config["conversation_id"]["hidden"] is True
    overridden = dict(zip(table.value["conversation_id"], table.value["overridden"]))
    assert set(overridden.values()) == {"yes", ""} and overridden[ana_conv] == "yes"
    at.session_state["dash_table"] = {"selection": {"rows": [list(table.value["conversation_id"]).index(ana_conv)],
                                                    "columns": []}}
    at.run()
    _button(at, "Open transcript and report").click().run()
    assert at.title[0].value == "Internet down on deadline day", "the drill-down opens the selected row"


def _assert_readable(spec: dict) -> None:
    enc = spec["encoding"]
    for channel in ("x", "y"):
        e = enc.get(channel, {})
        if e.get("type") == "temporal":
            assert e["axis"]["format"] == "%d %b", "a date axis shows day and month"
        if e.get("type") == "quantitative":
            assert e["axis"]["values"] == [0, 25, 50, 75, 100]
    colour = enc.get("color", {})
    assert colour.get("field") != "trainee", "no chart of one line per trainee"
    if colour.get("field") == "skill":
        assert colour["scale"]["domain"] == ["Active listening", "Paraphrasing", "Empathy", "Focus", "Closure"]
        assert len(set(colour["scale"]["range"])) == 5


def test_dashboard_charts_are_readable_and_trainees_get_a_row_each(org):
    store, users = org
    _finished(store, users["ana"])
    _finished(store, users["ana"], OTHER)
    at = app_as(users["manager"], DASHBOARD)
    charts = _charts(at)
    for spec in charts:
        _assert_readable(spec)
    assert len(charts) == 2, "weakest skills and the team trend per skill"
    assert any(c["encoding"].get("color", {}).get("field") == "skill" for c in charts)
    rows = store.as_user(users["manager"]).score_rows()
    assert min(sum(r[s] for r in rows) / len(rows) for s in SKILLS) < 60, "the test needs a red bar"
    assert "Red: a team average below 60 — the skills to coach first." in texts(at)
    per_trainee = next(d for d in at.dataframe if "trend" in d.value.columns)
    assert _columns(per_trainee)["trend"]["type_config"]["type"] == "line_chart"
    assert list(per_trainee.value["trainee"]) == ["Ana"]
    assert list(per_trainee.value["conversations"]) == [2]


# -- history.py ----------------------------------------------------------------------------------


def test_history_says_turn_in_the_singular_and_names_a_retry_by_its_date(org):
    store, users = org
    sc = store.as_user(users["ana"])
    original = _finished(store, users["ana"])
    retry = practice.branch(sc, original, 2)  # keeps the customer's opening line: one turn
    assert sc.get_conversation(retry).turn_count == 1
    at = app_as(users["ana"], HISTORY)
    shown = texts(at)
    assert "· 1 turn ·" in shown and "1 turns" not in shown
    started = str(sc.get_conversation(original).started_at)[:16].replace("T", " ")
    assert f"retry of your {started} attempt" in shown
    assert f"#{original}" not in shown
    for spec in _charts(at):
        _assert_readable(spec)
    assert any(c["encoding"].get("color", {}).get("field") == "skill" for c in _charts(at))

