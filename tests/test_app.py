"""AppTest tests of every page for every role, through the real store and the scripted backend."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import BackendError
from core.settings import get_settings
from tests.conftest import ROOT

SCENARIO = "internet-outage-remote-worker"
PAGES = {
    "trainee": ["ui/pages/home.py", "ui/pages/practice.py", "ui/pages/history.py", "ui/pages/account.py"],
    "trainer": ["ui/pages/scenarios.py", "ui/pages/assignments.py", "ui/pages/transcripts.py",
                "ui/pages/dashboard.py", "ui/pages/home.py", "ui/pages/practice.py", "ui/pages/history.py",
                "ui/pages/account.py"],
    "manager": ["ui/pages/dashboard.py", "ui/pages/transcripts.py", "ui/pages/account.py"],
    "admin": ["ui/pages/dashboard.py", "ui/pages/admin.py", "ui/pages/scenarios.py", "ui/pages/assignments.py",
              "ui/pages/transcripts.py", "ui/pages/account.py"],
}


@pytest.fixture
def org():
    """An admin, a trainer, a manager and two trainees; trainer, manager and trainee 'ana' share a group."""
    from tests.store_fixtures import new_store

    store = new_store()
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    a = store.as_user(admin)
    users = {"admin": admin}
    for name, role in [("trainer", "trainer"), ("manager", "manager"), ("ana", "trainee"), ("ben", "trainee")]:
        users[name] = a.create_user(name, f"{name}-password-1", role, name.title())
    team = a.create_group("Team A")
    for name in ("trainer", "manager", "ana"):
        a.add_to_group(team.id, users[name].id)
    other = a.create_group("Team B")
    a.add_to_group(other.id, users["ben"].id)
    return store, users


def app_as(user, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def open_page(user, page: str, **state) -> AppTest:
    """Sign in as user with some session state (e.g. the open conversation), then go to page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = user
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at.switch_page(page).run()


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader"):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_first_run_asks_for_the_admin_account_and_signs_in():
    at = app_as(None)
    assert not at.exception
    assert "Create the administrator account" in texts(at)
    at.text_input[0].input("Ada")
    at.text_input[1].input("ada")
    at.text_input[2].input("a-long-password")
    at.text_input[3].input("a-long-password")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["user"].role == "admin"


def test_first_run_refuses_a_short_password_with_a_message():
    at = app_as(None)
    for i, v in enumerate(["Ada", "ada", "short", "short"]):
        at.text_input[i].input(v)
    at.button[0].click().run()
    assert not at.exception
    assert at.error, "a too-short password must be refused with a message"
    assert "user" not in at.session_state


def test_wrong_password_shows_a_message_not_a_traceback(org):
    at = app_as(None)
    assert "Sign in" in texts(at) or at.text_input
    at.text_input[0].input("ana")
    at.text_input[1].input("not-her-password")
    at.button[0].click().run()
    assert not at.exception
    assert any("Wrong username or password" in e.value for e in at.error)
    at.text_input[1].input("ana-password-1")
    at.button[0].click().run()
    assert at.session_state["user"].username == "ana"


@pytest.mark.parametrize("role,page", [(r, p) for r, pages in PAGES.items() for p in pages])
def test_every_page_renders_for_its_role(org, role, page):
    _, users = org
    user = users["ana" if role == "trainee" else role]
    at = app_as(user, page)
    assert not at.exception, at.exception


def _practice(store, user, text="I'm so sorry, that sounds really stressful. When did it stop working?"):
    at = app_as(user, "ui/pages/practice.py")
    at.selectbox[0].set_value(SCENARIO)
    [b for b in at.button if b.label == "Start"][0].click().run()
    assert not at.exception
    at.chat_input[0].set_value(text).run()
    assert not at.exception
    return at


def test_trainee_chats_and_every_turn_is_saved(org):
    store, users = org
    at = _practice(store, users["ana"])
    sc = store.as_user(users["ana"])
    conv = sc.active_conversation()
    turns = sc.get_turns(conv.id)
    assert [t["role"] for t in turns] == ["customer", "trainee", "customer"]
    assert turns[1]["text"].startswith("I'm so sorry")
    assert turns[2]["mood"] is not None
    shown = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert turns[2]["text"] in shown, "the customer's reply is on the page"
    assert any("Anger" in str(p.value) or "Anger" in str(getattr(p, "text", "")) for p in at.get("progress")) or \
        "Customer mood" in texts(at)


def test_assessment_mode_hides_the_mood_meter_and_hints(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    a = trainer.create_assignment(SCENARIO, user_ids=[users["ana"].id], due=None, pass_mark=70, mode="assessment")
    sc = store.as_user(users["ana"])
    from services import practice

    conv = practice.start(sc, SCENARIO, mode="assessment", assignment_id=a.id)
    at = open_page(users["ana"], "ui/pages/practice.py", practice_conv=conv)
    assert not at.exception
    body = texts(at)
    assert "assessment mode" in body
    assert "Customer mood" not in body and "Hints" not in body


def test_failing_backend_keeps_the_turn_and_offers_retry(org):
    store, users = org
    from services import practice

    sc = store.as_user(users["ana"])
    conv = practice.start(sc, SCENARIO)
    practice.get_actor().backend.enqueue_error(BackendError("The LLM endpoint did not answer in time."))
    at = open_page(users["ana"], "ui/pages/practice.py", practice_conv=conv)
    at.chat_input[0].set_value("I hear you, that sounds awful. When did it start?").run()
    assert not at.exception
    assert any("did not answer in time" in e.value for e in at.error)
    turns = sc.get_turns(conv)
    assert turns[-1]["role"] == "trainee", "the trainee's turn was saved before the failing call"
    at.run()
    retry = [b for b in at.button if b.label == "Try the reply again"]
    assert retry, "a retry button is offered"
    retry[0].click().run()
    assert not at.exception
    assert sc.get_turns(conv)[-1]["role"] == "customer"


def test_an_over_long_paste_is_kept_for_shortening_not_silently_dropped(org):
    """The box used to declare max_chars=2,000: the browser then refused a longer paste without a word."""
    from core.transcript import MAX_MESSAGE_CHARS

    store, users = org
    at = app_as(users["ana"], "ui/pages/practice.py")
    [b for b in at.button if b.label == "Start"][0].click().run()
    assert at.chat_input[0].proto.max_chars > MAX_MESSAGE_CHARS
    long = "I understand your concern about the bill. " * 60  # ~2,500 characters
    at.chat_input[0].set_value(long).run()
    assert not at.exception
    assert any("the limit is 2,000" in e.value for e in at.error)
    assert at.text_area[0].value == long, "the message is kept, to shorten"
    sc = store.as_user(users["ana"])
    conv = sc.active_conversation()
    assert [t["role"] for t in sc.get_turns(conv.id)] == ["customer"], "nothing was sent"
    at.text_area[0].set_value("Sorry about the bill — when did you first notice it?").run()
    [b for b in at.button if b.label == "Send this message"][0].click().run()
    assert not at.exception
    assert [t["role"] for t in sc.get_turns(conv.id)] == ["customer", "trainee", "customer"]
    assert not at.text_area, "the shortening box is gone once sent"


@pytest.mark.parametrize("text,why", [("word " * 2000, "limit"), ("   ", "empty")])
def test_bad_message_is_refused_by_the_service_and_nothing_is_lost(org, text, why):
    """The browser enforces max_chars, but a client that bypasses it still gets a clear refusal."""
    from core.errors import InputError
    from services import practice

    store, users = org
    sc = store.as_user(users["ana"])
    conv = practice.start(sc, SCENARIO)
    with pytest.raises(InputError, match=why):
        list(practice.send(sc, conv, text))
    assert [t["role"] for t in sc.get_turns(conv)] == ["customer"]
    list(practice.send(sc, conv, "That sounds really stressful. When did it start?"))
    assert [t["role"] for t in sc.get_turns(conv)] == ["customer", "trainee", "customer"]


def test_ending_shows_the_report_with_five_skills(org):
    store, users = org
    at = _practice(store, users["ana"])
    [b for b in at.button if b.label == "End conversation"][0].click().run()
    assert not at.exception
    body = texts(at)
    assert "Your report" in body
    tabs = [t.label for t in at.tabs]
    for skill in ("Active listening", "Paraphrasing", "Empathy", "Focus", "Closure"):
        assert any(label.startswith(skill) for label in tabs), skill
    assert store.as_user(users["ana"]).get_report(store.as_user(users["ana"]).list_conversations()[0].id)


def test_trainee_cannot_open_another_trainees_conversation(org):
    store, users = org
    from services import practice

    ben_conv = practice.start(store.as_user(users["ben"]), SCENARIO)
    at = open_page(users["ana"], "ui/pages/conversation.py", view_conversation=ben_conv)
    assert not at.exception
    assert any("No such conversation" in e.value for e in at.error)
    assert not at.chat_message, "nothing of Ben's conversation is shown"


def test_trainer_override_keeps_the_automated_score(org):
    store, users = org
    at = _practice(store, users["ana"])
    [b for b in at.button if b.label == "End conversation"][0].click().run()
    conv = store.as_user(users["ana"]).list_conversations()[0]
    at = open_page(users["trainer"], "ui/pages/conversation.py", view_conversation=conv.id)
    assert not at.exception
    at.slider[0].set_value(95)
    next(t for t in at.text_area if t.label == "Comment (required)").input("Good recovery after a rough start.")
    [b for b in at.button if b.label == "Save override"][0].click().run()
    assert not at.exception
    rec = store.as_user(users["trainer"]).get_report(conv.id)
    assert rec.effective_overall == 95
    assert rec.overall != 95 or rec.report["overall"] == 95
    assert rec.overrides[-1].comment == "Good recovery after a rough start."


def test_broken_scenario_file_is_reported_and_the_others_still_load(org, tmp_path, monkeypatch):
    import shutil

    d = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", d)
    (d / "zz-broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    monkeypatch.setenv("TALKDOWN_SCENARIOS_DIR", str(d))
    get_settings.cache_clear()
    _, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    assert not at.exception
    assert "zz-broken.yaml" in texts(at) + "".join(c.value for c in at.code)
    at = app_as(users["ana"], "ui/pages/home.py")
    assert not at.exception
    assert "Internet down on deadline day" in texts(at)


def _yaml(**overrides) -> str:
    import yaml

    data = yaml.safe_load((ROOT / "scenarios" / f"{SCENARIO}.yaml").read_text())
    data.update(id="outage-copy", title="Outage, trainer's copy")
    data.update(overrides)
    return yaml.safe_dump(data, sort_keys=False)


def test_trainer_yaml_editor_names_the_bad_field_and_saves_nothing(org):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.text_area(key="sc_yaml").input(_yaml(start_mood=14)).run()
    [b for b in at.button if b.label == "Save"][0].click().run()
    assert not at.exception
    assert any("not valid" in e.value for e in at.error)
    assert "start_mood" in texts(at)
    assert store.as_user(users["trainer"]).get_scenario_yaml("outage-copy") is None


def test_trainer_saves_a_scenario_and_trainees_can_practise_it(org):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.text_area(key="sc_yaml").input(_yaml()).run()
    [b for b in at.button if b.label == "Save"][0].click().run()
    assert not at.exception
    assert any("Saved" in s.value for s in at.success)
    at = app_as(users["ana"], "ui/pages/home.py")
    assert "Outage, trainer's copy" in texts(at)


def test_deleting_an_assigned_custom_scenario_says_why_not_and_keeps_it(org):
    store, users = org
    trainer = store.as_user(users["trainer"])
    trainer.save_scenario(_yaml())
    a = trainer.create_assignment("outage-copy", user_ids=[users["ana"].id], title="Copy drill")
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    [b for b in at.button if b.key == "edit_outage-copy"][0].click().run()
    [b for b in at.button if b.label == "Delete custom version"][0].click().run()
    assert not at.exception
    assert any("“Copy drill”" in e.value and "Delete those assignments first" in e.value for e in at.error)
    assert trainer.get_scenario_yaml("outage-copy") is not None
    trainer.delete_assignment(a.id)
    [b for b in at.button if b.label == "Delete custom version"][0].click().run()
    assert any("Deleted" in s.value for s in at.success)
    assert trainer.get_scenario_yaml("outage-copy") is None


def test_admin_renames_and_deletes_a_group_on_the_admin_page(org):
    store, users = org
    admin = store.as_user(users["admin"])
    team_b = next(g for g in admin.list_groups() if g.name == "Team B")
    at = app_as(users["admin"], "ui/pages/admin.py")
    at.text_input(key=f"gname_{team_b.id}").input("Night shift").run()
    at.button(key=f"gren_{team_b.id}").click().run()
    assert not at.exception
    assert "Night shift" in {g.name for g in admin.list_groups()}
    at.button(key=f"gdel_{team_b.id}").click().run()
    assert not at.exception
    assert {g.name for g in admin.list_groups()} == {"Team A"}
    assert store.as_user(users["ben"]).user.active  # the member's account stays


def test_admin_deletes_a_trainee_account_after_typing_its_username(org):
    store, users = org
    from services import practice

    ben = store.as_user(users["ben"])
    conv = practice.start(ben, SCENARIO)
    at = app_as(users["admin"], "ui/pages/admin.py")
    at.selectbox(key="adm_user").select(users["ben"]).run()
    at.text_input(key="adm_del_confirm").input("bem").run()
    at.button(key="adm_delete").click().run()
    assert any("Type the username 'ben'" in e.value for e in at.error)
    at.text_input(key="adm_del_confirm").input("ben").run()
    at.button(key="adm_delete").click().run()
    assert not at.exception
    admin = store.as_user(users["admin"])
    assert "ben" not in {u.username for u in admin.list_users()}
    from core.errors import AccessDenied

    with pytest.raises(AccessDenied):  # gone with the account
        admin.get_conversation(conv)


def test_trainee_cannot_save_scenarios_even_bypassing_the_page(org):
    from core.errors import AccessDenied

    store, users = org
    with pytest.raises(AccessDenied):
        store.as_user(users["ana"]).save_scenario(_yaml())


def test_after_choosing_offline_lines_the_conversation_goes_on_without_the_model(org):
    store, users = org
    from services import practice

    sc = store.as_user(users["ana"])
    conv = practice.start(sc, SCENARIO)
    backend = practice.get_actor().backend
    backend.enqueue_error(BackendError("The endpoint is down."))
    at = open_page(users["ana"], "ui/pages/practice.py", practice_conv=conv)
    at.chat_input[0].set_value("I hear you, that sounds awful. When did it start?").run()
    [b for b in at.button if b.label == "Continue with offline lines"][0].click().run()
    assert not at.exception
    backend.enqueue_error(BackendError("Still down."))
    at.chat_input[0].set_value("So it dropped on Tuesday and your deadline is tomorrow?").run()
    assert not at.exception
    assert not at.error
    assert [t["role"] for t in sc.get_turns(conv)][-2:] == ["trainee", "customer"]


def _fill_scenario_form(at: AppTest, facts: str) -> None:
    fields = {w.label: w for w in list(at.text_input) + list(at.text_area)}
    for label, value in {
        "Title": "Lost card abroad", "Id (lowercase-with-dashes)": "lost-card-abroad",
        "One-line summary": "A customer lost their bank card on holiday.", "Domain": "banking",
        "Customer name": "Sam", "Customer backstory": "On holiday in Spain with no other card.",
        "What happened": "The card was lost yesterday at a market.",
        "Customer's opening line": "I've lost my card and I'm stuck abroad with no money!",
        "Core issue keywords (comma separated)": "card, lost, abroad",
        "Agent may offer (one per line)": "emergency cash",
    }.items():
        fields[label].input(value)
    next(w for label, w in fields.items() if label.startswith("Needs")).input(
        "A replacement card sent today | replacement, new card, send")
    next(w for label, w in fields.items() if label.startswith("Facts")).input(facts)
    next(b for b in at.button if b.label == "Check and save").click().run()


def test_trainer_builds_a_scenario_from_the_form_and_trainees_get_its_example_question(org):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_scenario_form(at, "I lost it yesterday at the market. | when, where, lost | Where did you last use it?")
    assert not at.exception
    assert any("Saved “Lost card abroad”" in t.value for t in at.toast)
    assert "id: lost-card-abroad" in at.text_area(key="sc_yaml").value, "the built YAML is in the editor"
    saved = store.as_user(users["trainer"]).get_scenario_yaml("lost-card-abroad")
    assert "ask: Where did you last use it?" in saved

    at = app_as(users["ana"], "ui/pages/practice.py")
    at.selectbox[0].set_value("lost-card-abroad")
    next(b for b in at.button if b.label == "Start").click().run()
    at.chat_input[0].set_value("I'm sorry, that sounds really stressful.").run()
    assert not at.exception
    assert "“Where did you last use it?”" in texts(at)


@pytest.mark.parametrize("facts, why", [
    ("I lost it yesterday. when, lost", "needs 'text | keyword, keyword | example question? | kind'"),
    ("I lost it yesterday. | when | When? | timeline | extra", "needs 'text | keyword, keyword | example question? | kind'"),
    ("I lost it yesterday. | when | When? | mood", "The kind 'mood' is not one of identity"),
    ("I lost it yesterday. | when, lost | Is it blue?", "uses none of this fact's keywords"),
])
def test_scenario_form_names_a_bad_fact_line_and_saves_nothing(org, facts, why):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_scenario_form(at, facts)
    assert not at.exception
    assert any("not valid" in e.value for e in at.error)
    assert why in texts(at)
    assert "- **Facts** — " in texts(at), "the problem is named by the form's label, not a YAML path"
    assert store.as_user(users["trainer"]).get_scenario_yaml("lost-card-abroad") is None
