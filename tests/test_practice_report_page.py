"""Issue 13: when a conversation ends, its report is on the conversation's own page (?id=...), so the Practice
page only ever shows the picker or a live conversation: the sidebar's Practice after a finished call is the
picker, a refresh of the report page shows the report again, and a conversation in progress still resumes."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from services import practice
from tests.conftest import ROOT
from tests.test_app import SCENARIO, open_page, org, texts  # noqa: F401  (org is a fixture)
from ui.common import plain

KIND = "I'm so sorry, that sounds really stressful. When did it stop working?"
RUDE = "Calm down. You should have checked before calling. That's our policy."


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


# The browser's cookies as app.py reads them (ui.common.browser_cookies): AppTest has no browser.
_JAR: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _cookie_jar(monkeypatch):
    import ui.common

    _JAR.clear()
    monkeypatch.setattr(ui.common, "browser_cookies", lambda: dict(_JAR))


def _signed_in(store, user, page: str, **params) -> AppTest:
    """A browser tab signed in the way app.py keeps it: a signed session cookie, plus any query params."""
    from ui.common import SESSION_COOKIE

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    _JAR[SESSION_COOKIE] = store.sessions.issue_cookie(user.id)[0]
    for k, v in params.items():
        at.query_params[k] = v
    return at.switch_page(page).run()


def _live(store, user, text: str = KIND, **kw) -> int:
    sc = store.as_user(user)
    conv = practice.start(sc, SCENARIO, **kw)
    list(practice.send(sc, conv, text))
    return conv


def _is_picker(at: AppTest) -> bool:
    return any(s.label == "Scenario" for s in at.selectbox) and not at.chat_input


def _is_report_of(at: AppTest, conv: int) -> bool:
    return "Your report" in texts(at) and at.query_params.get("id") == str(conv)


def _end_on_practice_page(store, user) -> tuple[AppTest, int]:
    conv = _live(store, user)
    at = _signed_in(store, user, "ui/pages/practice.py", ref="newsletter")
    assert at.chat_input, "the conversation in progress resumes on Practice"
    _button(at, "End conversation").click().run()
    assert not at.exception
    return at, conv


@pytest.mark.parametrize("how", ["sidebar link", "rerun"])
def test_practice_after_a_finished_call_shows_the_picker(org, how):
    store, users = org
    at, conv = _end_on_practice_page(store, users["ana"])
    assert "Your report" in texts(at), "the report shows right after the call"
    on_its_page = _is_report_of(at, conv)
    if how == "sidebar link":
        at.switch_page("ui/pages/practice.py").run()
    else:  # AppTest's next run is the practice page again, as a rerun of it
        at.run()
    assert not at.exception
    assert _is_picker(at) and "Your report" not in texts(at)
    at.run()
    assert _is_picker(at), "and it stays the picker"
    assert store.as_user(users["ana"]).get_report(conv) is not None, "the report is kept (in My history)"
    assert on_its_page, "the report was shown on the conversation's page (?id=...)"


def test_the_switch_to_the_report_keeps_the_sign_in_and_other_query_params(org):
    store, users = org
    at, conv = _end_on_practice_page(store, users["ana"])
    from ui.common import SESSION_COOKIE

    assert "s" not in at.query_params, "no session token in the address"
    assert store.sessions.user_for_cookie(_JAR[SESSION_COOKIE]).id == users["ana"].id, "still signed in"
    assert "Your report" in texts(at)
    assert at.query_params["ref"] == "newsletter"
    assert at.query_params["id"] == str(conv)


def test_a_refresh_of_the_report_page_shows_the_report_again(org):
    store, users = org
    at, conv = _end_on_practice_page(store, users["ana"])
    # A refresh is a new browser session: nothing in session state, only the URL.
    again = _signed_in(store, users["ana"], "ui/pages/conversation.py", id=at.query_params["id"])
    assert not again.exception
    assert _is_report_of(again, conv)
    assert "Conversation over: Ended by trainee." in [i.value for i in again.info]


def test_a_customer_who_ends_the_call_sends_the_trainee_to_the_report(org):
    store, users = org
    ana = store.as_user(users["ana"])
    conv = practice.start(ana, SCENARIO)
    at = _signed_in(store, users["ana"], "ui/pages/practice.py")
    for _ in range(8):
        at.chat_input[0].set_value(RUDE).run()
        assert not at.exception
        if ana.get_conversation(conv).status != "active":
            break
    assert ana.get_conversation(conv).status == "walked_out"
    assert _is_report_of(at, conv)
    assert "Conversation over: Customer walked out." in [w.value for w in at.warning]
    at.switch_page("ui/pages/practice.py").run()
    assert _is_picker(at)


def test_an_assessment_ends_on_its_report_and_practise_again_is_a_practice_run(org):
    store, users = org
    a = store.as_user(users["trainer"]).create_assignment(SCENARIO, user_ids=[users["ana"].id], pass_mark=70,
                                                          mode="assessment")
    ana = store.as_user(users["ana"])
    conv = _live(store, users["ana"], mode="assessment", assignment_id=a.id)
    at = _signed_in(store, users["ana"], "ui/pages/practice.py")
    assert "assessment mode" in texts(at) and "Customer mood" not in texts(at)
    _button(at, "End and score this attempt").click().run()
    assert not at.exception
    assert _is_report_of(at, conv)
    at.switch_page("ui/pages/conversation.py")  # the browser is on the report page now
    _button(at, "Practise this scenario again").click().run()
    assert not at.exception
    new = at.session_state["practice_conv"]
    assert new != conv and ana.get_conversation(new).mode == "practice"
    assert at.chat_input and "Customer mood" in texts(at), "the new practice run is open, with its meter"


def test_someone_elses_report_has_no_practice_buttons(org):
    store, users = org
    conv = _live(store, users["ana"])
    practice.end(store.as_user(users["ana"]), conv)
    at = open_page(users["trainer"], "ui/pages/conversation.py", view_conversation=conv)
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "Practise this scenario again" not in labels and "Choose another scenario" not in labels
    assert "Save override" in labels and "Your report" not in texts(at)


def test_a_voice_call_the_customer_ends_plays_their_last_line_once_on_the_report(org):
    store, users = org
    ana = store.as_user(users["ana"])
    conv = practice.start(ana, SCENARIO, channel="voice")
    at = _signed_in(store, users["ana"], "ui/pages/practice.py")
    assert at.audio_input, "a voice call"
    for _ in range(8):
        at.chat_input[0].set_value(RUDE).run()  # typed, in a voice call: answered aloud too
        assert not at.exception
        if ana.get_conversation(conv).status != "active":
            break
    assert _is_report_of(at, conv)
    last = ana.get_turns(conv)[-1]
    assert last["role"] == "customer"
    players = [e for e in at.main if e.type == "audio"]
    assert len(players) == 1 and players[0].proto.autoplay, "the customer's last words are heard"
    assert any(m.value.endswith(plain(last["text"])) for m in at.markdown)
    at.switch_page("ui/pages/conversation.py").run()
    assert not [e for e in at.main if e.type == "audio" and e.proto.autoplay], "once, not on every rerun"
