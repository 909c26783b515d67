"""Issue 9 in the app: the report shows each suggestion with the customer's predicted reaction, and a
forbidden promise as a named policy breach with what could have been offered instead."""
from __future__ import annotations

from services import practice
from tests.test_app import SCENARIO, open_page, org, texts  # noqa: F401  (org is a fixture)


def _finished(store, user, lines: list[str]) -> int:
    sc = store.as_user(user)
    conv = practice.start(sc, SCENARIO)
    for line in lines:
        list(practice.send(sc, conv, line))
    practice.end(sc, conv)
    return conv


def test_report_shows_predicted_reaction_and_policy_breach(org):
    store, users = org
    conv = _finished(store, users["ana"], ["Calm down, it's only internet.",
                                           "Fine, I promise it'll be fixed today and I'll refund the whole month."])
    report = store.as_user(users["ana"]).get_report(conv).report
    sugg = [sg for d in report["dimensions"].values() for sg in d["suggestions"]]
    assert sugg and all(sg["predicted"] for sg in sugg)
    assert report["policy"]["breaches"]
    at = open_page(users["ana"], "ui/pages/conversation.py", view_conversation=conv)
    assert not at.exception
    body = texts(at)
    assert "instead of" in body and "Predicted: anger" in body
    assert "Policy: what was offered" in body and "refund of the whole month" in body
    assert "could have offered instead" in body
