"""Trainers' overrides count: a skill override moves the overall everywhere it is shown or used
(report, history list, dashboard rows, assignment pass/fail), with the engine's score kept beside it;
the agreement figures between engine and trainers on a seeded database; late completions."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from store.reports import MIN_PAIRS_FOR_CORRELATION, agreement
from tests.store_fixtures import REPORT, SCENARIO, build_org, finished_conversation, new_store

# REPORT: overall 62; active listening 70, paraphrasing 40, empathy 80, focus 65, closure 55.
# The internet-outage scenario's rubric weights: empathy 1.2, the other four 1 (total 5.2).
OUTAGE_WEIGHTS = {"active_listening": 1, "paraphrasing": 1, "empathy": 1.2, "focus": 1, "closure": 1}


@pytest.fixture
def org():
    s = new_store()
    o = build_org(s)
    yield o
    s.close()


def _everywhere(org, cid: int, viewer: str = "manager_a") -> dict:
    """The overall of one conversation as each place reads it."""
    row = next(r for r in org.scope(viewer).score_rows() if r["conversation_id"] == cid)
    return {"report": org.scope("ana").get_report(cid).effective_overall,
            "history": org.scope("ana").get_conversation(cid).overall,
            "list": next(c.overall for c in org.scope(viewer).list_conversations() if c.id == cid),
            "dashboard": row["overall"]}


def test_a_skill_override_moves_the_overall_with_equal_weights(org):
    cid = finished_conversation(org, "ana")  # no weights recorded: equal weights
    org.scope("trainer_a").override_score(cid, "empathy", 30, "No empathy at all, really.")
    # 62 + (30 - 80) / 5 = 52
    assert set(_everywhere(org, cid).values()) == {52}
    rec = org.scope("ana").get_report(cid)
    assert rec.overall == 62 and rec.dimensions["empathy"] == 80, "the engine's scores are kept"
    row = org.scope("manager_a").score_rows()[0]
    assert (row["auto_overall"], row["auto_empathy"], row["empathy"]) == (62, 80, 30)


def test_the_overall_moves_with_the_weights_the_report_was_scored_with(org):
    cid = finished_conversation(org, "ana", weights=OUTAGE_WEIGHTS)
    t = org.scope("trainer_a")
    t.override_score(cid, "empathy", 30, "Formulaic.")
    # 62 + 1.2 * (30 - 80) / 5.2 = 50.46 -> 50 (equal weights would give 52)
    assert set(_everywhere(org, cid).values()) == {50}
    t.override_score(cid, "closure", 100, "Clean close.")
    # 62 + (1.2 * -50 + 1 * 45) / 5.2 = 59.12 -> 59
    assert set(_everywhere(org, cid).values()) == {59}
    t.override_score(cid, "empathy", 80, "On second read, the engine was right.")  # the newest counts
    # 62 + 45 / 5.2 = 70.65 -> 71
    assert set(_everywhere(org, cid).values()) == {71}
    assert org.scope("ana").get_report(cid).weights["empathy"] == 1.2


def test_an_override_of_the_overall_wins_over_skill_overrides(org):
    cid = finished_conversation(org, "ana")
    t = org.scope("trainer_a")
    t.override_score(cid, "overall", 75, "Good recovery.")
    t.override_score(cid, "empathy", 20, "Cold.")
    assert set(_everywhere(org, cid).values()) == {75}


def test_what_the_engine_added_on_top_of_the_skills_is_kept(org):
    # An overall below the skills' mean (62): a policy penalty. Raising focus 65 -> 90 adds 25/5 = 5.
    cid = finished_conversation(org, "ana", report={**REPORT, "overall": 38})
    org.scope("trainer_a").override_score(cid, "focus", 90, "Stayed on the problem throughout.")
    assert set(_everywhere(org, cid).values()) == {43}


def test_the_moved_overall_stays_within_0_and_100(org):
    low = finished_conversation(org, "ana", report={**REPORT, "overall": 4})
    org.scope("trainer_a").override_score(low, "empathy", 0, "Rude.")
    assert set(_everywhere(org, low).values()) == {0}


def test_without_overrides_the_overall_is_the_engines(org):
    cid = finished_conversation(org, "ana", report={**REPORT, "overall": 47}, weights=OUTAGE_WEIGHTS)
    assert set(_everywhere(org, cid).values()) == {47}


def test_pass_and_fail_use_the_overall_a_skill_override_gives(org):
    t = org.scope("trainer_a")
    practice_a = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], pass_mark=60)
    exam = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], pass_mark=60, mode="assessment")
    p = finished_conversation(org, "ana", assignment_id=practice_a.id)
    e = finished_conversation(org, "ana", assignment_id=exam.id)
    status = {s.assignment.id: s for s in org.scope("ana").my_assignments()}
    assert status[practice_a.id].status == status[exam.id].status == "passed"  # 62 >= 60
    for cid in (p, e):
        t.override_score(cid, "empathy", 30, "No empathy shown.")  # 62 -> 52
    status = {s.assignment.id: s for s in org.scope("ana").my_assignments()}
    assert (status[practice_a.id].status, status[practice_a.id].best_score) == ("in_progress", 52)
    assert (status[exam.id].status, status[exam.id].best_score) == ("failed", 52)
    prog = t.assignment_progress(exam.id)
    assert [(x.status, x.best_score) for x in prog] == [("failed", 52)]
    rows = {r["conversation_id"]: r for r in org.scope("manager_a").score_rows()}
    assert rows[p]["passed"] is False and rows[e]["passed"] is False


def test_a_completion_after_the_due_date_is_late(org):
    t = org.scope("trainer_a")
    store = org.store
    on_time = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], due=date(2030, 5, 10), pass_mark=60)
    late = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], due=date(2030, 5, 10), pass_mark=60,
                               mode="assessment")
    with store.clock(lambda: datetime(2030, 5, 10, 17, 0)):
        finished_conversation(org, "ana", assignment_id=on_time.id)
    with store.clock(lambda: datetime(2030, 5, 12, 9, 0)):
        finished_conversation(org, "ana", report={**REPORT, "overall": 40}, assignment_id=late.id)
        status = {s.assignment.id: s for s in org.scope("ana").my_assignments()}
    assert (status[on_time.id].status, status[on_time.id].late) == ("passed", False)
    assert (status[late.id].status, status[late.id].late) == ("failed", True)
    assert status[late.id].completed_at == datetime(2030, 5, 12, 9, 0)


def test_a_pass_late_is_late_even_after_earlier_failed_attempts_on_time(org):
    t = org.scope("trainer_a")
    a = t.create_assignment(SCENARIO, user_ids=[org.users["ana"].id], due=date(2030, 5, 10), pass_mark=60)
    with org.store.clock(lambda: datetime(2030, 5, 9, 12, 0)):
        finished_conversation(org, "ana", report={**REPORT, "overall": 40}, assignment_id=a.id)
    with org.store.clock(lambda: datetime(2030, 5, 11, 12, 0)):
        finished_conversation(org, "ana", assignment_id=a.id)
        [s] = org.scope("ana").my_assignments()
    assert (s.status, s.late, s.attempts) == ("passed", True, 2)


# -- agreement between the engine and trainers ---------------------------------------------------------
def test_agreement_arithmetic():
    pairs = [(80, 60), (70, 55), (60, 50), (50, 45), (40, 30)]
    got = agreement(pairs)
    assert got["n"] == 5 and got["mean_diff"] == pytest.approx(-12)
    # Pearson's r by hand: engine dev (20, 10, 0, -10, -20), override dev (12, 7, 2, -3, -18)
    assert got["correlation"] == pytest.approx(700 / (1000 * 530) ** 0.5)
    few = agreement(pairs[:MIN_PAIRS_FOR_CORRELATION - 1])
    assert few["n"] == 4 and few["correlation"] is None and few["mean_diff"] == pytest.approx(-12.5)
    assert agreement([(50, 70)] * 6)["correlation"] is None, "no spread: r is undefined, not 0 or 1"
    assert agreement([]) == {"n": 0, "mean_diff": None, "correlation": None}


def _seed_overrides(org) -> dict[str, list[int]]:
    """Team A (ana, amy): six empathy overrides and one closure override; Team B (ben): two empathy overrides."""
    engine = [90, 80, 70, 60, 50, 40]
    trainer = [70, 65, 60, 40, 35, 20]
    made: dict[str, list[int]] = {"a": [], "b": []}
    ta, tb = org.scope("trainer_a"), org.scope("trainer_b")
    for i, (e, o) in enumerate(zip(engine, trainer)):
        cid = finished_conversation(org, "ana" if i % 2 else "amy", report={
            **REPORT, "dimensions": {**REPORT["dimensions"], "empathy": {"score": e}}})
        ta.override_score(cid, "empathy", 99, "First go.")  # superseded: only the newest counts
        ta.override_score(cid, "empathy", o, "Reviewed.")
        made["a"].append(cid)
    ta.override_score(made["a"][0], "closure", 75, "Good close.")  # engine 55
    for e, o in [(80, 90), (30, 80)]:
        cid = finished_conversation(org, "ben", report={
            **REPORT, "dimensions": {**REPORT["dimensions"], "empathy": {"score": e}}})
        tb.override_score(cid, "empathy", o, "Warmer than scored.")
        made["b"].append(cid)
    finished_conversation(org, "ana")  # not overridden: no pair
    return made


def test_agreement_figures_on_a_seeded_database_respect_scope(org):
    _seed_overrides(org)
    a = {r["dimension"]: r for r in org.scope("manager_a").override_agreement()}
    assert a["empathy"]["n"] == 6
    assert a["empathy"]["mean_diff"] == pytest.approx(-(20 + 15 + 10 + 20 + 15 + 20) / 6)
    expected = agreement(list(zip([90, 80, 70, 60, 50, 40], [70, 65, 60, 40, 35, 20])))["correlation"]
    assert expected > 0.95 and a["empathy"]["correlation"] == pytest.approx(expected)
    assert (a["closure"]["n"], a["closure"]["mean_diff"], a["closure"]["correlation"]) == (1, 20, None)
    assert a["focus"]["n"] == 0 and a["overall"]["n"] == 0
    b = {r["dimension"]: r for r in org.scope("manager_b").override_agreement()}
    assert (b["empathy"]["n"], b["empathy"]["mean_diff"], b["empathy"]["correlation"]) == (2, 30, None)
    everyone = {r["dimension"]: r for r in org.scope("admin").override_agreement()}
    assert everyone["empathy"]["n"] == 8
    assert {r["dimension"]: r["n"] for r in org.scope("admin").override_agreement(
        group_id=org.groups["Team B"])}["empathy"] == 2
    assert all(r["n"] == 0 for r in org.scope("ana").override_agreement(user_id=org.users["ben"].id))


def test_old_reports_get_their_scenarios_weights_on_upgrade(tmp_path):
    from store import Store
    from tests.store_fixtures import FAST_HASHER
    from tests.test_migrations import _old_database

    path = str(tmp_path / "old.db")
    _old_database(path)  # one report, internet outage: overall 58, empathy 72
    store = Store(path, password_hasher=FAST_HASHER)
    admin = store.as_user(store.authenticate("old_admin", "old-password-1"))
    assert admin.get_report(1).weights == {k: float(v) for k, v in OUTAGE_WEIGHTS.items()}
    trainer = admin.create_user("old_trainer", "old-trainer-pw-1", "trainer", "Trainer")
    admin.add_to_group(admin.list_groups()[0].id, trainer.id)
    store.as_user(trainer).override_score(1, "empathy", 20, "Not empathic.")
    # 58 + 1.2 * (20 - 72) / 5.2 = 46
    assert admin.get_report(1).effective_overall == 46 and admin.score_rows()[0]["overall"] == 46


def test_a_finished_conversation_records_its_scenarios_weights(org):
    sc = org.scope("ana")
    from tests.store_fixtures import customer

    cid = sc.start_conversation(SCENARIO)
    customer(sc, cid, "My internet is down!", mood=8, trust=3, intent="vent")
    sc.add_turn(cid, "trainee", "I'm sorry, that sounds stressful. When did it stop? I'll book an engineer today.")
    sc.finish_conversation(cid, "resolved")
    rec = sc.get_report(cid)
    assert rec.weights == {k: float(v) for k, v in OUTAGE_WEIGHTS.items()}
    auto = rec.dimensions["empathy"]
    new = 0 if auto >= 50 else 100
    org.scope("trainer_a").override_score(cid, "empathy", new, "Reviewed.")
    expected = max(0, min(100, int(rec.overall + 1.2 * (new - auto) / 5.2 + 0.5)))
    assert sc.get_report(cid).effective_overall == expected != rec.overall


def test_the_dashboard_bench_runs_and_prints_its_table(capsys):
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("dashboard_rows", ROOT / "bench" / "dashboard_rows.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--reports", "40", "--runs", "1", "--overridden", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "40 scored conversations, 50% overridden" in out
    assert [line.split()[0] for line in out.splitlines()[2:]] == [
        "baseline:", "score_rows:", "override_agreement:", "list_conversations", "get_report"]
