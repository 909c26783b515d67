"""The practice loop as the app runs it: store + engine + scoring, through the scripted backend."""
from __future__ import annotations

import pytest

from core.errors import AccessDenied, BackendError, InputError
from core.settings import get_settings
from services import practice

SCENARIO = "internet-outage-remote-worker"
KIND = "I'm so sorry, that sounds really stressful. When did it stop working?"


@pytest.fixture
def people():
    from store import Store

    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Admin")
    a = store.as_user(admin)
    ana = a.create_user("ana", "ana-password-1", "trainee", "Ana")
    ben = a.create_user("ben", "ben-password-1", "trainee", "Ben")
    return store, store.as_user(ana), store.as_user(ben)


def roles(scope, conv):
    return [t["role"] for t in scope.get_turns(conv)]


def test_reply_is_saved_even_if_the_display_is_interrupted(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    stream = practice.send(ana, conv, KIND)
    first_chunk = next(stream)
    stream.close()  # a rerun or closed tab stops the display after one chunk
    saved = ana.get_turns(conv)
    assert roles(ana, conv) == ["customer", "trainee", "customer"]
    assert saved[-1]["text"].startswith(first_chunk.strip())


def test_restart_resumes_with_the_same_director_state(people):
    from store import Store

    store, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    list(practice.send(ana, conv, KIND))
    before = practice.load(ana, conv).engine.state
    reopened = Store(get_settings().db_path).as_user(ana.user)  # a new process would do exactly this
    live = practice.load(reopened, conv)
    assert live.engine.state == before
    list(practice.send(reopened, conv, "So it's been down since Tuesday and your deadline is tomorrow?"))
    assert roles(reopened, conv) == ["customer", "trainee", "customer", "trainee", "customer"]


def test_backend_failure_keeps_the_turn_then_offline_lines_continue(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    practice.get_actor().backend.enqueue_error(BackendError("The endpoint timed out."))
    with pytest.raises(BackendError):
        list(practice.send(ana, conv, KIND))
    assert roles(ana, conv) == ["customer", "trainee"]
    with pytest.raises(InputError):
        list(practice.send(ana, conv, "another message before the reply"))
    turn = practice.continue_offline(ana, conv)
    assert roles(ana, conv) == ["customer", "trainee", "customer"]
    assert turn["text"] and turn["mood"] is not None


def test_retry_reply_after_failure(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    practice.get_actor().backend.enqueue_error(BackendError("down"))
    with pytest.raises(BackendError):
        list(practice.send(ana, conv, KIND))
    text = "".join(practice.retry_reply(ana, conv))
    assert text.strip() == ana.get_turns(conv)[-1]["text"].strip()


def test_another_trainee_cannot_continue_or_branch_my_conversation(people):
    _, ana, ben = people
    conv = practice.start(ana, SCENARIO)
    list(practice.send(ana, conv, KIND))
    with pytest.raises(AccessDenied):
        list(practice.send(ben, conv, "hijack"))
    with pytest.raises(AccessDenied):
        practice.branch(ben, conv, 2)
    assert roles(ana, conv) == ["customer", "trainee", "customer"]


def test_retry_from_a_turn_is_a_new_branch_and_the_original_stays(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    list(practice.send(ana, conv, "Calm down, there's nothing we can do."))
    list(practice.send(ana, conv, KIND))
    practice.end(ana, conv)
    original = ana.get_turns(conv)
    new = practice.branch(ana, conv, 4)  # retry the second trainee turn
    branch = ana.get_turns(new)
    assert [t["text"] for t in branch] == [t["text"] for t in original[:3]]
    assert ana.get_turns(conv) == original
    summary = ana.get_conversation(new)
    assert summary.parent_id == conv and summary.status == "active"
    with pytest.raises(InputError):
        practice.branch(ana, conv, 3)  # a customer turn is not a retry point


def test_ending_scores_and_quotes_are_verbatim(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    for line in [KIND, "So your internet dropped on Tuesday and the deadline is tomorrow morning?",
                 "I'll book an engineer for tomorrow at 8am and add a mobile data boost now."]:
        if ana.get_conversation(conv).status != "active":
            break
        list(practice.send(ana, conv, line))
    if ana.get_conversation(conv).status == "active":
        practice.end(ana, conv)
    rec = ana.get_report(conv)
    turns = ana.get_turns(conv)
    assert set(rec.report["dimensions"]) == {"active_listening", "paraphrasing", "empathy", "focus", "closure"}
    for dim in rec.report["dimensions"].values():
        for ev in dim["evidence"]:
            assert ev["quote"] in turns[ev["turn"] - 1]["text"]
    with pytest.raises(InputError):
        list(practice.send(ana, conv, "one more"))


def test_empathetic_conversation_calms_the_customer_in_the_mood_series(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    for line in ["That sounds really stressful — two days without internet, right before a client deadline.",
                 "I'm sorry, that's on us. I'll book an engineer for tomorrow at 8am and add a 20 GB data boost now."]:
        list(practice.send(ana, conv, line))
    series = practice.mood_series(ana.get_turns(conv))
    assert series[-1]["anger"] < series[0]["anger"] - 2


def test_two_simultaneous_retries_save_exactly_one_reply(people, monkeypatch):
    import threading
    import time

    _, ana, _ = people
    backend = practice.get_actor().backend
    fast = backend.stream

    def slow(request):  # a real model takes a while; that is when a second click arrives
        time.sleep(0.2)
        yield from fast(request)

    monkeypatch.setattr(backend, "stream", slow)
    conv = practice.start(ana, SCENARIO)
    practice.get_actor().backend.enqueue_error(BackendError("down"))
    with pytest.raises(BackendError):
        list(practice.send(ana, conv, KIND))
    barrier = threading.Barrier(4)

    def retry():
        barrier.wait()
        list(practice.retry_reply(ana, conv))

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert roles(ana, conv) == ["customer", "trainee", "customer"]


def test_offline_mode_never_calls_the_failing_model(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    backend = practice.get_actor().backend
    backend.enqueue_error(BackendError("down"))
    with pytest.raises(BackendError):
        list(practice.send(ana, conv, KIND))
    practice.continue_offline(ana, conv)
    backend.enqueue_error(BackendError("still down"))  # would fail the next model call
    list(practice.send(ana, conv, "So it stopped on Tuesday and your deadline is tomorrow?", offline=True))
    assert roles(ana, conv) == ["customer", "trainee", "customer", "trainee", "customer"]
    with pytest.raises(BackendError, match="still down"):  # the queued failure was never consumed
        list(practice.send(ana, conv, "When did it start?"))


def test_hint_offers_a_question_that_draws_out_a_fact_not_yet_told(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    assert any("“When did the connection go down?”" in t for t in practice.hints(practice.load(ana, conv)))
    list(practice.send(ana, conv, KIND))  # asks when it stopped: the customer tells that fact
    list(practice.send(ana, conv, "I understand."))
    live = practice.load(ana, conv)
    tips = practice.hints(live)
    assert not any("go down" in t for t in tips)
    assert any("“What do the lights on the router show?”" in t for t in tips), tips
    # A scenario written without example questions still gets a plain hint, never a bare keyword.
    bare = live.scenario.model_copy(update={"facts": [f.model_copy(update={"ask": None}) for f in live.scenario.facts]})
    tips = practice.hints(practice.Live(live.conversation, bare, live.engine))
    assert "Ask an open question to find out more about what happened." in tips


@pytest.mark.parametrize("sid", ["pharmacy-refill-delay", "utility-bill-shock"])
def test_no_calmer_now_hint_before_the_customer_is_calmer(people, sid):
    """At turn 0 a customer starting at 6 (resolve at 4) was already 'calmer now' by the hint's old rule."""
    _, ana, _ = people
    conv = practice.start(ana, sid)
    assert not any("calmer now" in t for t in practice.hints(practice.load(ana, conv)))
    list(practice.send(ana, conv, "Calm down, that's just how it works."))
    assert not any("calmer now" in t for t in practice.hints(practice.load(ana, conv)))


def test_the_calmer_now_hint_comes_once_they_are_calmer(people):
    _, ana, _ = people
    conv = practice.start(ana, "pharmacy-refill-delay")
    list(practice.send(ana, conv, "So your tablets weren't on our system even though you filled in the slip as always — "
                                  "that must be really worrying with only two left."))
    live = practice.load(ana, conv)
    assert live.engine.turns[-1]["mood"] < live.scenario.start_mood
    assert any("calmer now" in t for t in practice.hints(live))


def test_ending_before_the_first_reply_drops_the_conversation_instead_of_scoring_it(people):
    """Start then End used to store a 34/100 report for a call in which the trainee never spoke."""
    _, ana, ben = people
    conv = practice.start(ana, SCENARIO)
    with pytest.raises(AccessDenied):
        ben.discard_conversation(conv)
    assert practice.end(ana, conv) is False
    with pytest.raises(AccessDenied):
        ana.get_conversation(conv)
    assert ana.active_conversation() is None and ana.list_conversations() == []


def test_a_conversation_with_a_reply_is_never_discarded(people):
    _, ana, _ = people
    conv = practice.start(ana, SCENARIO)
    list(practice.send(ana, conv, KIND))
    with pytest.raises(InputError, match="end it to get your report"):
        ana.discard_conversation(conv)
    assert practice.end(ana, conv) is True
    assert ana.get_report(conv) is not None


def test_starting_another_scenario_ends_the_one_in_progress(people):
    """Only one conversation stays in progress: one with replies is ended and scored, an untouched one dropped."""
    _, ana, _ = people
    first = practice.start(ana, SCENARIO)
    list(practice.send(ana, first, KIND))
    second = practice.start(ana, "lost-parcel-third-call")
    assert ana.get_conversation(first).status == "trainee_ended"
    assert ana.get_report(first) is not None
    assert ana.get_conversation(second).status == "active"
    third = practice.start(ana, "utility-bill-shock")
    kept = {c.id: (c.scenario_id, c.status) for c in ana.list_conversations()}
    assert kept == {first: (SCENARIO, "trainee_ended"), third: ("utility-bill-shock", "active")}
