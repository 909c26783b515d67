"""Integrity in the data layer: what a caller with a user's scope cannot make the store believe.

Reports are the scoring engine's, computed by the store from the saved turns; customer lines are
the engine's; one attempt per assessment is kept by the database; a custom scenario is its
author's. (Scenario ownership is checked per actor in test_access.py.)
"""
from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

import scoring
from core.errors import AccessDenied, InputError
from core.settings import get_settings
from core.transcript import Transcript
from personas.scenario import load_dir_cached
from store import Store
from store.migrations import migrations
from tests.store_fixtures import FAST_HASHER, SCENARIO, build_org, customer, new_store

ROOT = Path(__file__).resolve().parent.parent
TRAINEE_LINE = "That sounds really stressful. When did it stop?"


@pytest.fixture
def org():
    s = new_store()
    o = build_org(s)
    yield o
    s.close()


def _talk(org, who: str = "ana", assignment_id: int | None = None) -> int:
    sc = org.scope(who)
    cid = sc.start_conversation(SCENARIO, assignment_id=assignment_id, backend="scripted")
    customer(sc, cid, "My internet is down!", mood=8, trust=3, intent="vent")
    sc.add_turn(cid, "trainee", TRAINEE_LINE)
    customer(sc, cid, "Two days ago.", mood=6, trust=4)
    return cid


def _engine_score(status: str = "resolved") -> scoring.Report:
    scenario = load_dir_cached(get_settings().scenarios_dir).scenarios[SCENARIO]
    t = Transcript.model_validate({"scenario_id": SCENARIO, "persona": scenario.persona, "end_reason": status,
                                   "turns": [{"role": "customer", "text": "My internet is down!", "mood": 8},
                                             {"role": "trainee", "text": TRAINEE_LINE},
                                             {"role": "customer", "text": "Two days ago.", "mood": 6}]})
    return scoring.score(t, scenario)


# -- reports are the engine's ---------------------------------------------------------------------
@pytest.mark.parametrize("forged", [{"overall": 100},
                                    {"overall": 100, "dimensions": {"empathy": {"score": 100}}},
                                    "not a report"])
def test_a_forged_report_is_refused_and_nothing_is_stored(org, forged):
    cid = _talk(org)
    ana = org.scope("ana")
    with pytest.raises(InputError):
        ana.finish_conversation(cid, "resolved", forged)
    assert ana.get_conversation(cid).status == "active" and ana.get_report(cid) is None
    assert org.scope("manager_a").score_rows() == []


def test_a_report_with_the_engines_scores_but_forged_skills_is_refused(org):
    cid = _talk(org)
    real = _engine_score().model_dump(mode="json")
    real["dimensions"]["empathy"]["score"] = 100 if real["dimensions"]["empathy"]["score"] != 100 else 0
    with pytest.raises(InputError, match="does not match"):
        org.scope("ana").finish_conversation(cid, "resolved", real)


def test_the_store_scores_the_saved_turns_itself(org):
    """No report passed: the engine's report is stored, and the manager's dashboard shows its score."""
    cid = _talk(org)
    org.scope("ana").finish_conversation(cid, "resolved")
    expected = _engine_score()
    rec = org.scope("manager_a").get_report(cid)
    assert rec is not None and rec.overall == expected.overall != 100
    assert rec.dimensions == {k: v.score for k, v in expected.dimensions.items()}
    [row] = org.scope("manager_a").score_rows()
    assert row["overall"] == expected.overall


def test_the_services_report_is_kept_with_its_judge_view_when_the_scores_agree(org):
    cid = _talk(org)
    report = _engine_score().model_dump(mode="json")
    report["judge_error"] = "The LLM judge was unavailable (Timeout); showing the deterministic scores only."
    report["notes"] = ["Forged note: the trainee was perfect."]  # not the engine's: not kept
    org.scope("ana").finish_conversation(cid, "resolved", report)
    stored = org.scope("admin").get_report(cid).report
    assert stored["judge_error"] == report["judge_error"]
    assert "Forged note: the trainee was perfect." not in stored["notes"]


def test_the_practice_service_path_stores_the_engines_report(org):
    from services import practice

    ana = org.scope("ana")
    cid = practice.start(ana, SCENARIO)
    list(practice.send(ana, cid, TRAINEE_LINE))
    assert practice.end(ana, cid) is True
    rec = ana.get_report(cid)
    assert rec is not None and ana.get_conversation(cid).status != "active"
    turns = ana.get_turns(cid)
    assert [t["role"] for t in turns][:3] == ["customer", "trainee", "customer"]


# -- customer lines are the engine's --------------------------------------------------------------
@pytest.mark.parametrize("actor", ["ana", "trainer_a", "admin"])
def test_a_users_scope_cannot_write_a_customer_line(org, actor):
    cid = org.scope("ana").start_conversation(SCENARIO)
    with pytest.raises(AccessDenied):
        org.scope(actor).add_turn(cid, "customer", "Your manager says: reset your password here.")
    assert org.scope("ana").get_turns(cid) == []


def test_one_customer_reply_per_trainee_message(org):
    ana = org.scope("ana")
    cid = ana.start_conversation(SCENARIO)
    customer(ana, cid, "Hello?")
    with pytest.raises(InputError, match="already answered"):
        customer(ana, cid, "Hello again?")
    ana.add_turn(cid, "trainee", "Hi, how can I help?")
    customer(ana, cid, "My internet is down.")
    with pytest.raises(InputError, match="already answered"):
        customer(org.store.as_user(org.users["ana"]), cid, "A second reply to the same message.")
    assert [t["role"] for t in ana.get_turns(cid)] == ["customer", "trainee", "customer"]


def test_the_engine_path_writes_only_into_ones_own_active_conversation(org):
    cid = org.scope("ana").start_conversation(SCENARIO)
    with pytest.raises(AccessDenied):
        customer(org.scope("amy"), cid, "Not your conversation.")
    with pytest.raises(AccessDenied):
        customer(org.scope("admin"), cid, "Not yours either.")


def test_no_page_uses_the_engines_write_path():
    """Only services (the practice engine's caller) write customer lines; pages go through services."""
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        for name in ("engine_turns", "EngineTurns", "record_turn", "_append_turn", "add_customer_turn"):
            assert name not in text, f"{path.relative_to(ROOT)} uses {name}"


# -- one attempt per assessment -------------------------------------------------------------------
def test_two_attempts_at_one_assessment_cannot_both_be_open(org):
    a = org.scope("trainer_a").create_assignment(SCENARIO, user_ids=[org.users["ana"].id], mode="assessment")
    ana = org.scope("ana")
    first = ana.start_conversation(SCENARIO, assignment_id=a.id)
    with pytest.raises(InputError, match="in progress"):
        ana.start_conversation(SCENARIO, assignment_id=a.id)
    assert [c.id for c in ana.list_conversations(assignment_id=a.id)] == [first]


def test_the_database_itself_refuses_a_second_assessment_attempt(org):
    """Even a write that skips the scope's check (another process, an old version) is refused."""
    a = org.scope("trainer_a").create_assignment(SCENARIO, user_ids=[org.users["ana"].id], mode="assessment")
    org.scope("ana").start_conversation(SCENARIO, assignment_id=a.id)
    insert = ("INSERT INTO conversations (user_id, scenario_id, assignment_id, mode, status, started_at) "
              "VALUES (?, ?, ?, 'assessment', ?, '2030-01-01T00:00:00')")
    for status in ("active", "resolved"):
        with pytest.raises(sqlite3.IntegrityError), org.store._write() as db:
            db.execute(insert, [org.users["ana"].id, SCENARIO, a.id, status])
    # Practice attempts at a practice assignment stay unlimited.
    p = org.scope("trainer_a").create_assignment(SCENARIO, user_ids=[org.users["ana"].id])
    with org.store._write() as db:
        for _ in range(2):
            db.execute(insert.replace("'assessment'", "'practice'"), [org.users["ana"].id, SCENARIO, p.id, "resolved"])


def test_two_racing_starts_of_one_assessment_give_one_attempt(tmp_path):
    """Two processes' stores on one file, both past the scope's check: the index decides."""
    import threading

    path = str(tmp_path / "race.db")
    o = build_org(new_store(path))
    a = o.scope("trainer_a").create_assignment(SCENARIO, user_ids=[o.users["ana"].id], mode="assessment")
    stores = [new_store(path) for _ in range(4)]
    barrier, results = threading.Barrier(4), []

    def go(s: Store) -> None:
        sc = s.as_user(o.users["ana"])
        barrier.wait()
        try:
            results.append(sc.start_conversation(SCENARIO, assignment_id=a.id))
        except InputError as e:
            results.append(e)

    threads = [threading.Thread(target=go, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(isinstance(r, int) for r in results) == 1
    assert len(o.scope("admin").list_conversations(assignment_id=a.id)) == 1


def test_migration_keeps_the_first_finished_attempt_and_makes_the_rest_practice(tmp_path):
    path = str(tmp_path / "old.db")
    db = Database(path)
    migrations.apply(db, stop_before="m003_one_attempt_per_assessment")
    pw = FAST_HASHER.hash("old-password-1")
    db.execute("INSERT INTO users VALUES (1, 'boss', ?, 'admin', 'Boss', 1, '2024-01-01T09:00:00')", [pw])
    db.execute("INSERT INTO users VALUES (2, 'tia', ?, 'trainee', 'Tia', 1, '2024-01-01T09:00:00')", [pw])
    db.execute("INSERT INTO assignments (id, scenario_id, mode, created_by, created_at) "
               "VALUES (1, ?, 'assessment', 1, '2024-01-01T09:00:00')", [SCENARIO])
    for cid, status, ended in [(1, "active", None), (2, "resolved", "2024-02-02T10:00:00"),
                               (3, "walked_out", "2024-02-01T10:00:00")]:
        db.execute("INSERT INTO conversations (id, user_id, scenario_id, assignment_id, mode, status, started_at, "
                   "ended_at) VALUES (?, 2, ?, 1, 'assessment', ?, '2024-02-01T09:00:00', ?)",
                   [cid, SCENARIO, status, ended])
    db.close()
    store = Store(path, password_hasher=FAST_HASHER)
    rows = {r["id"]: (r["mode"], r["assignment_id"]) for r in store.query("SELECT * FROM conversations")}
    assert rows == {3: ("assessment", 1), 1: ("practice", None), 2: ("practice", None)}


# -- the store's modules: no import circle --------------------------------------------------------
def _store_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "store").glob("*.py")):
        mod = f"store.{path.stem}" if path.stem != "__init__" else "store"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("store"):
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("store")}
        graph[mod] = deps - {mod}
    return graph


def test_the_store_modules_import_no_circle():
    graph = _store_imports()
    graph.pop("store")  # the package face re-exports everything
    for deps in graph.values():
        deps.discard("store")

    def visit(mod: str, trail: tuple[str, ...]) -> None:
        assert mod not in trail, " -> ".join((*trail, mod))
        for dep in graph.get(mod, ()):
            visit(dep, (*trail, mod))

    for mod in graph:
        visit(mod, ())
    # The scope's parts never import the Store's module (the old store.scope <-> store.store circle).
    for mod in ("store.scope", "store.access", "store.users", "store.scenarios", "store.assignments",
                "store.conversations", "store.reports"):
        assert "store.store" not in graph[mod], mod


def test_scope_is_still_imported_as_before():
    from store import UserScope as A
    from store.scope import UserScope as B

    assert A is B
    for name in ("create_user", "save_scenario", "create_assignment", "start_conversation", "get_report",
                 "score_rows", "list_groups"):
        assert callable(getattr(B, name))


def test_migrations_tolerate_malformed_stored_reports(tmp_path):
    """Valid JSON that is not an object, or with odd dimensions, must not stop a newer version opening the file."""
    path = str(tmp_path / "odd.db")
    db = Database(path)
    migrations.apply(db, stop_before="m002_skill_columns_and_indexes")
    pw = FAST_HASHER.hash("old-password-1")
    db.execute("INSERT INTO users VALUES (1, 'boss', ?, 'admin', 'Boss', 1, '2024-01-01T09:00:00')", [pw])
    odd = ["[]", '"text"', "1", "null", "true", '{"dimensions": []}', '{"dimensions": {"empathy": [1]}}',
           '{"dimensions": {"empathy": {"score": "high"}}}', '{"dimensions": {"empathy": {"score": 1e999}}}',
           "not json", "[" * 5000 + "]" * 5000]
    for cid, text in enumerate(odd, start=1):
        db.execute("INSERT INTO conversations (id, user_id, scenario_id, status, started_at) "
                   "VALUES (?, 1, ?, 'resolved', '2024-02-01T09:00:00')", [cid, SCENARIO])
        db.execute("INSERT INTO reports (conversation_id, report, overall, created_at) VALUES (?, ?, 50, "
                   "'2024-02-01T10:00:00')", [cid, text])
    db.close()
    store = Store(path, password_hasher=FAST_HASHER)
    assert store.schema_version() == [m.name for m in migrations._migrations]
    admin = store.as_user(1)
    for cid in range(1, len(odd) + 1):
        rec = admin.get_report(cid)
        assert rec is not None and rec.overall == 50 and isinstance(rec.report, dict)
    assert len(admin.score_rows()) == len(odd)
    assert json.loads(json.dumps(admin.score_rows()[0], default=str))
