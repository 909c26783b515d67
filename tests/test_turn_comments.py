"""Comments on one turn: who may write, read and delete them (in the store), and where they show (AppTest)."""
from __future__ import annotations

import pytest

from core.errors import AccessDenied, InputError
from store.access import MAX_COMMENT
from tests.store_fixtures import build_org, finished_conversation, new_store
from tests.test_app import open_page, org as app_org, texts  # noqa: F401  (app_org is a fixture)
from tests.test_app_interactions import _finished
from ui.common import plain


@pytest.fixture
def org():
    return build_org(new_store())


# -- the store -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["trainer_a", "manager_a", "admin"])
def test_staff_who_see_the_conversation_comment_and_its_trainee_reads_it(org, who):
    cid = finished_conversation(org, "ana")
    c = org.scope(who).add_turn_comment(cid, 2, "  Good question, but ask about the deadline first.  ")
    assert (c.turn, c.text, c.by_user_id) == (2, "Good question, but ask about the deadline first.",
                                              org.users[who].id)
    seen = org.scope("ana").turn_comments(cid)
    assert [(x.turn, x.text, x.by_name) for x in seen] == [(2, c.text, org.users[who].display_name)]
    for reader in ("trainer_a", "manager_a", "admin"):
        assert [x.id for x in org.scope(reader).turn_comments(cid)] == [c.id]


@pytest.mark.parametrize("who", ["trainer_b", "manager_b"])
def test_staff_of_another_group_can_neither_comment_nor_read(org, who):
    cid = finished_conversation(org, "ana")
    org.scope("trainer_a").add_turn_comment(cid, 2, "A note for Ana.")
    with pytest.raises(AccessDenied):
        org.scope(who).add_turn_comment(cid, 2, "Not my trainee.")
    with pytest.raises(AccessDenied):
        org.scope(who).turn_comments(cid)


def test_trainees_cannot_comment_and_read_only_their_own(org):
    cid = finished_conversation(org, "ana")
    org.scope("trainer_a").add_turn_comment(cid, 2, "A note for Ana.")
    with pytest.raises(AccessDenied):
        org.scope("ana").add_turn_comment(cid, 2, "Commenting on myself.")
    for other in ("amy", "ben"):  # same group, other group
        with pytest.raises(AccessDenied):
            org.scope(other).turn_comments(cid)
        with pytest.raises(AccessDenied):
            org.scope(other).add_turn_comment(cid, 2, "Hi.")
    assert len(org.scope("ana").turn_comments(cid)) == 1


def test_staff_cannot_comment_on_their_own_conversation(org):
    sc = org.scope("trainer_a")
    cid = sc.start_conversation("internet-outage-remote-worker", backend="scripted")
    from tests.store_fixtures import customer

    customer(sc, cid, "It's broken.", mood=8)
    with pytest.raises(AccessDenied):
        sc.add_turn_comment(cid, 1, "Note to self.")


@pytest.mark.parametrize("turn, text, message", [
    (2, "   ", "empty"), (9, "Fine.", "no turn 9"), (0, "Fine.", "no turn 0"),
    (2, "x" * (MAX_COMMENT + 1), "limit"), ("2", "Fine.", "Choose the turn")])
def test_bad_comments_are_refused_with_a_message_and_nothing_is_saved(org, turn, text, message):
    cid = finished_conversation(org, "ana")
    with pytest.raises(InputError, match=message):
        org.scope("trainer_a").add_turn_comment(cid, turn, text)
    assert org.scope("ana").turn_comments(cid) == []


def test_only_the_author_or_an_admin_deletes_a_comment(org):
    cid = finished_conversation(org, "ana")
    c = org.scope("trainer_a").add_turn_comment(cid, 2, "First.")
    for who in ("manager_a", "ana", "trainer_b"):
        with pytest.raises(AccessDenied):
            org.scope(who).delete_turn_comment(c.id)
    org.scope("trainer_a").delete_turn_comment(c.id)
    c2 = org.scope("manager_a").add_turn_comment(cid, 2, "Second.")
    org.scope("admin").delete_turn_comment(c2.id)
    assert org.scope("ana").turn_comments(cid) == []


def test_a_comment_outlives_its_authors_account_unsigned_and_goes_with_the_conversation(org):
    cid = finished_conversation(org, "ana")
    admin = org.scope("admin")
    org.scope("manager_a").add_turn_comment(cid, 2, "Nice reflection.")
    admin.delete_user(org.users["manager_a"].id, "manager_a")
    [c] = org.scope("ana").turn_comments(cid)
    assert (c.by_user_id, c.by_name, c.text) == (None, "a former user", "Nice reflection.")
    admin.delete_user(org.users["ana"].id, "ana")
    assert org.store.query("SELECT * FROM turn_comments") == []


def test_the_migration_is_recorded(org):
    assert "m007_turn_comments" in org.store.schema_version()


# -- the pages -----------------------------------------------------------------------------------


def test_trainer_comments_on_a_turn_and_the_trainee_sees_it_on_that_turn_in_the_report(app_org):
    store, users = app_org
    conv = _finished(store, users["ana"])
    at = open_page(users["trainer"], "ui/pages/conversation.py", view_conversation=conv)
    assert not at.exception
    assert "use **Comment** under it" in texts(at)
    at.text_area(key="tc_text_2").input("**Ask** about the <deadline> [first](http://x.example)")
    at.button(key="tc_add_2").click().run()
    assert not at.exception
    assert "Comment added to turn 2; Ana sees it under that turn." in [t.value for t in at.toast]
    [c] = store.as_user(users["ana"]).turn_comments(conv)
    assert (c.turn, c.by_name) == (2, "Trainer")

    at = open_page(users["ana"], "ui/pages/conversation.py", view_conversation=conv)
    assert not at.exception
    shown = [i.value for i in at.info if "Comment from" in i.value]
    assert len(shown) == 1 and "Comment from Trainer" in shown[0]
    assert plain("**Ask** about the <deadline> [first](http://x.example)") in shown[0], "shown as plain text"
    # Under turn 2: the comment is inside the second chat message of the annotated transcript.
    where = [i for i, b in enumerate(at.chat_message) if any("Comment from" in e.value for e in b.info)]
    assert where == [1], where
    assert "1 comment on turn 2: shown under that turn" in texts(at)
    assert not [t for t in at.text_area if t.key and t.key.startswith("tc_text_")], "a trainee cannot comment"


def test_an_empty_comment_says_so_and_saves_nothing(app_org):
    store, users = app_org
    conv = _finished(store, users["ana"])
    at = open_page(users["manager"], "ui/pages/conversation.py", view_conversation=conv)
    at.button(key="tc_add_1").click().run()
    assert not at.exception
    assert any("The comment is empty." in e.value for e in at.error)
    assert store.as_user(users["ana"]).turn_comments(conv) == []


def test_a_comment_on_a_conversation_in_progress_shows_under_its_turn(app_org):
    store, users = app_org
    from services import practice

    sc = store.as_user(users["ana"])
    conv = practice.start(sc, "internet-outage-remote-worker")
    list(practice.send(sc, conv, "Oh no. When did it stop working?"))
    at = open_page(users["trainer"], "ui/pages/conversation.py", view_conversation=conv)
    at.text_area(key="tc_text_2").input("Good open question.")
    at.button(key="tc_add_2").click().run()
    assert not at.exception
    at = open_page(users["ana"], "ui/pages/conversation.py", view_conversation=conv)
    where = [i for i, b in enumerate(at.chat_message) if any("Good open question." in e.value for e in b.info)]
    assert where == [1]


def test_the_author_deletes_their_comment_from_the_page(app_org):
    store, users = app_org
    conv = _finished(store, users["ana"])
    c = store.as_user(users["trainer"]).add_turn_comment(conv, 2, "Try a reflection first.")
    at = open_page(users["trainer"], "ui/pages/conversation.py", view_conversation=conv)
    at.button(key=f"del_comment_{c.id}").click().run()
    assert not at.exception
    assert store.as_user(users["ana"]).turn_comments(conv) == []


def test_the_transcripts_list_counts_each_conversations_comments(app_org):
    store, users = app_org
    conv = _finished(store, users["ana"])
    other = _finished(store, users["ana"])
    store.as_user(users["trainer"]).add_turn_comment(conv, 2, "One.")
    store.as_user(users["manager"]).add_turn_comment(conv, 1, "Two.")
    at = open_page(users["trainer"], "ui/pages/transcripts.py")
    assert not at.exception
    df = at.dataframe[0].value
    assert dict(zip(df["id"], df["comments"])) == {conv: 2, other: 0}
    assert store.as_user(users["ben"]).comment_counts() == {}
