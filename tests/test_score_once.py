"""A finished conversation is scored once: the store scores the saved turns and the practice service
only adds the advisory parts (the judge's view, predicted reactions) to that report. A trainee's
scope still cannot get a forged score stored, however it passes it."""
from __future__ import annotations

import json

import pytest

import scoring.report
from core.errors import InputError
from core.settings import get_settings
from services import practice

SCENARIO = "internet-outage-remote-worker"
LINES = ["I'm so sorry, that sounds really stressful. When did it stop working?",
         "So your internet dropped on Tuesday and the deadline is tomorrow morning?"]


@pytest.fixture
def ana():
    from store import Store

    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Admin")
    a = store.as_user(admin)
    user = a.create_user("ana", "ana-password-1", "trainee", "Ana")
    yield store.as_user(user)
    store.close()


@pytest.fixture
def score_calls(monkeypatch):
    calls = []
    real = scoring.report.score

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring.report, "score", counting)
    return calls


def _talk(scope) -> int:
    conv = practice.start(scope, SCENARIO)
    for line in LINES:
        if scope.get_conversation(conv).status == "active":
            list(practice.send(scope, conv, line))
    assert scope.get_conversation(conv).status == "active"
    return conv


def test_ending_a_conversation_scores_it_once_and_stores_that_report(ana, score_calls):
    conv = _talk(ana)
    assert score_calls == []
    assert practice.end(ana, conv) is True
    assert len(score_calls) == 1
    rec = ana.get_report(conv)
    assert rec is not None and set(rec.report["dimensions"]) >= {"empathy", "closure"}
    assert rec.overall == rec.report["overall"]


def test_with_the_judge_on_scoring_still_runs_once_and_the_judges_view_is_kept(ana, score_calls, fake_openai,
                                                                              monkeypatch):
    conv = _talk(ana)  # played offline; the judge is configured for the ending
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("TALKDOWN_BACKEND", "openai")
    monkeypatch.setenv("TALKDOWN_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    dim = {"score": 55, "evidence": [], "comment": "fine"}
    fake_openai.enqueue(json.dumps({d: dim for d in ("active_listening", "paraphrasing", "empathy", "focus",
                                                      "closure")} | {"summary": "ok", "warnings": []}))
    practice.end(ana, conv)
    assert len(score_calls) == 1
    rec = ana.get_report(conv)
    assert rec.report["judge"]["empathy"]["score"] == 55
    assert rec.report["dimensions"]["empathy"]["score"] != 55 or rec.report["overall"] != 55  # engine's own


@pytest.mark.parametrize("forge", [
    lambda r: {**r, "overall": 100},
    lambda r: {**r, "dimensions": {**r["dimensions"], "empathy": {**r["dimensions"]["empathy"], "score": 100}}},
    lambda r: {"overall": 100},
    lambda r: "a hundred",
])
def test_an_advisor_cannot_change_the_engines_scores(ana, forge):
    conv = _talk(ana)
    with pytest.raises(InputError):
        ana.finish_conversation(conv, "trainee_ended", advise=forge)
    assert ana.get_conversation(conv).status == "active" and ana.get_report(conv) is None


def test_a_forged_report_passed_directly_is_still_refused(ana):
    conv = _talk(ana)
    with pytest.raises(InputError):
        ana.finish_conversation(conv, "trainee_ended", {"overall": 100})
    assert ana.get_report(conv) is None


def test_an_advisor_sees_a_copy_and_the_engine_report_is_what_is_stored(ana, score_calls):
    conv = _talk(ana)
    seen = []

    def scribble(report):
        seen.append(report["overall"])
        report["summary"] = "scribbled"  # not an advisory field: must not reach the store
        return None

    stored = ana.finish_conversation(conv, "trainee_ended", advise=scribble)
    assert len(score_calls) == 1 and seen == [stored["overall"]]
    assert ana.get_report(conv).report.get("summary") != "scribbled"
