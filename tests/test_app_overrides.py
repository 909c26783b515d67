"""AppTest: a trainer's skill override shows as the overall on every page (report, history, dashboard,
CSV, assignment pass/fail) with the engine's beside it; the dashboard's engine-vs-trainer figures;
assignments named with their scenario; late completions; the history delta says what it compares."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from services import practice
from tests.store_fixtures import REPORT, put_report
from tests.test_app import app_as, open_page, org, texts  # noqa: F401  (org is a fixture)
from tests.test_app_interactions import _finished, captured_files  # noqa: F401  (a fixture)

SCENARIO = "internet-outage-remote-worker"
OUTAGE = "Internet down on deadline day"
PARCEL_ID, PARCEL = "lost-parcel-third-call", "Lost parcel, third call"
# REPORT: overall 62; active listening 70, paraphrasing 40, empathy 80, focus 65, closure 55.
WEIGHTS = {"active_listening": 1, "paraphrasing": 1, "empathy": 1.2, "focus": 1, "closure": 1}


def _scored(store, user, report=REPORT, scenario_id=SCENARIO, assignment_id=None) -> int:
    """A finished conversation whose stored report has known scores (and the scenario's weights)."""
    sc = store.as_user(user)
    conv = practice.start(sc, scenario_id, assignment_id=assignment_id)
    list(practice.send(sc, conv, "I'm so sorry, that sounds really stressful. When did it stop working?"))
    practice.end(sc, conv)
    put_report(store, conv, report, WEIGHTS)
    return conv


def _override_empathy(store, users, conv, score=30) -> None:
    # 62 + 1.2 * (30 - 80) / 5.2 = 50.46 -> 50
    store.as_user(users["trainer"]).override_score(conv, "empathy", score, "Sympathy without any action.")


def _table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_report_shows_the_moved_overall_and_the_engines_beside_it(org):
    store, users = org
    conv = _scored(store, users["ana"])
    _override_empathy(store, users, conv)
    at = open_page(users["ana"], "ui/pages/conversation.py", view_conversation=conv)
    assert not at.exception, at.exception
    assert "50/100" in [m.value for m in at.metric]
    assert "Engine 62/100; changed by a trainer's override." in texts(at)
    assert "Empathy · 30 (engine 80)" in [t.label for t in at.tabs]
    assert "Focus · 65" in [t.label for t in at.tabs], "an untouched skill shows one score"


def test_history_lists_the_moved_overall_and_labels_its_delta(org):
    store, users = org
    _scored(store, users["ana"], {**REPORT, "overall": 40})
    _scored(store, users["ana"], {**REPORT, "overall": 90})
    latest = _scored(store, users["ana"])
    _override_empathy(store, users, latest)
    at = app_as(users["ana"], "ui/pages/history.py")
    assert not at.exception, at.exception
    [m] = [m for m in at.metric if m.label == "Overall (latest)"]
    # Against the conversation just before (90), not the first one (40): 50 - 90.
    assert m.value == "50" and m.proto.delta == "-40 vs previous conversation"
    assert "Engine 62; changed by a trainer's override." in texts(at)
    assert "score 50 (engine 62)" in texts(at) and "score 90" in texts(at)
    assert "score 90 (engine" not in texts(at)


def test_dashboard_and_csv_use_the_moved_overall_with_the_engines_beside_it(org, captured_files):  # noqa: F811
    store, users = org
    conv = _scored(store, users["ana"])
    _override_empathy(store, users, conv)
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert not at.exception, at.exception
    assert next(m.value for m in at.metric if m.label == "Average overall") == "50"
    people = _table(at, "latest")
    assert (people["latest"].iloc[0], people["average"].iloc[0], people["empathy"].iloc[0]) == (50, 50, 30)
    convs = _table(at, "auto_overall")
    assert (convs["overall"].iloc[0], convs["auto_overall"].iloc[0], convs["overridden"].iloc[0]) == (50, 62, "yes")
    [row] = list(csv.DictReader(io.StringIO(captured_files["talkdown-scores.csv"].decode())))
    assert (row["overall"], row["overall_engine"]) == ("50", "62")
    assert (row["empathy"], row["empathy_engine"], row["focus"], row["focus_engine"]) == ("30", "80", "65", "65")
    assert not any(k.startswith("auto_") for k in row), "one name per score in the file"


def test_pass_and_fail_on_the_assignments_page_follow_a_skill_override(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    a = trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], pass_mark=60, mode="assessment",
                                  title="Check")
    conv = _scored(store, users["ana"], assignment_id=a.id)
    at = app_as(users["trainer"], "ui/pages/assignments.py")
    assert list(_table(at, "status")["status"]) == ["Passed"]
    _override_empathy(store, users, conv)  # 62 -> 50, below 60
    at = app_as(users["trainer"], "ui/pages/assignments.py")
    assert not at.exception, at.exception
    t = _table(at, "status")
    assert (t["status"].iloc[0], t["best score"].iloc[0]) == ("Failed", "50")
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert _table(at, "assignment")["passed"].iloc[0] == 0


def test_dashboard_compares_engine_and_trainers_per_skill(org):
    store, users = org
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert "Engine and trainers" not in texts(at), "nothing scored: no section"
    convs = []
    for engine in (90, 80, 70, 60, 50):
        convs.append(_scored(store, users["ana"], {
            **REPORT, "dimensions": {**REPORT["dimensions"], "empathy": {"score": engine}}}))
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert "No trainer has overridden a score in these conversations" in texts(at)
    for conv, score in zip(convs[:4], (70, 65, 60, 40)):
        _override_empathy(store, users, conv, score)
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert not at.exception, at.exception
    agreement = _table(at, "correlation").set_index("score")
    assert (agreement.loc["Empathy", "overrides"], agreement.loc["Empathy", "difference"],
            agreement.loc["Empathy", "correlation"]) == (4, "-16.2", "too few (needs 5)")
    assert (agreement.loc["Focus", "overrides"], agreement.loc["Focus", "correlation"]) == (0, "—")
    _override_empathy(store, users, convs[4], 35)
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    agreement = _table(at, "correlation").set_index("score")
    # engine 90..50, trainers 70, 65, 60, 40, 35: mean difference -16, r = 950 / sqrt(1000 * 970) = 0.96
    assert (agreement.loc["Empathy", "overrides"], agreement.loc["Empathy", "difference"],
            agreement.loc["Empathy", "correlation"]) == (5, "-16.0", "0.96")
    # Another team's overrides are not this manager's to see.
    admin = store.as_user(users["admin"])
    team_b = next(g for g in admin.list_groups() if g.name == "Team B")  # ben's
    other_trainer = admin.create_user("tess", "tess-password-1", "trainer", "Tess")
    admin.add_to_group(team_b.id, other_trainer.id)
    bens = _scored(store, users["ben"])
    store.as_user(other_trainer).override_score(bens, "empathy", 10, "Cold.")
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert _table(at, "correlation").set_index("score").loc["Empathy", "overrides"] == 5


def test_assignments_are_named_with_their_scenario_wherever_they_are_listed(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    trainer.create_assignment(PARCEL_ID, user_ids=[users["ana"].id], mode="assessment", title="Quarterly assessment")
    trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], title="Outage calls: Internet down on deadline day")
    trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id])
    name = f"Quarterly assessment — {PARCEL}"
    at = app_as(users["ana"], "ui/pages/home.py")
    assert not at.exception, at.exception
    home = texts(at)
    assert f"**{name}**" in home, "the trainee's list"
    assert "**Outage calls: Internet down on deadline day**" in home, "a title naming its scenario is kept"
    assert f"**{OUTAGE}**" in home, "an untitled one is its scenario"
    at = app_as(users["trainer"], "ui/pages/assignments.py")
    assert any(e.label.startswith(name + " · ") for e in at.expander), [e.label for e in at.expander]
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    assert name in list(_table(at, "assignment")["assignment"])


def test_a_completion_after_the_due_date_is_marked_late(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    past = date.today() - timedelta(days=3)
    late = trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], pass_mark=50, due=past, title="Late")
    on_time = trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], pass_mark=50,
                                        due=date.today() + timedelta(days=3), title="On time")
    _scored(store, users["ana"], assignment_id=late.id)
    _scored(store, users["ana"], assignment_id=on_time.id)
    at = app_as(users["ana"], "ui/pages/home.py")
    assert not at.exception, at.exception
    lines = {line.split("**")[1]: line for line in texts(at).split("\n") if line.startswith("**")}
    assert ":green-badge[passed] :orange-badge[late]" in lines[f"Late — {OUTAGE}"]
    assert "after the due date" in texts(at)
    assert "late" not in lines[f"On time — {OUTAGE}"]
    at = app_as(users["trainer"], "ui/pages/assignments.py")
    late_box = next(e for e in at.expander if e.label.startswith("Late —"))
    assert "1/1 passed" in late_box.label and "1 late" in late_box.label
    statuses = [str(d.value["status"].iloc[0]) for d in at.dataframe]
    assert f"Passed — late ({date.today().isoformat()})" in statuses and "Passed" in statuses
    at = app_as(users["manager"], "ui/pages/dashboard.py")
    t = _table(at, "late").set_index("assignment")
    assert (t.loc[f"Late — {OUTAGE}", "late"], t.loc[f"On time — {OUTAGE}", "late"]) == (1, 0)
