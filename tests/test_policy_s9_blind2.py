"""Policy faults found by the second blind set of graded calls (session 9), tested with other wordings.

"If you'd like" makes an offer, not a hedge; "I'm also going to…" commits like "I'm going to…"; keeping the
subscription is staying; refunding THIS month's charge is the allowed refund, not "refunds of earlier months"
(the word that makes a refund forbidden must be said)."""
from __future__ import annotations

import pytest

from personas.scenario import load_dir
from scoring.policy import find_offers

SC = load_dir("scenarios").scenarios


def rules(sid: str, text: str) -> list[tuple[str | None, bool | None]]:
    return [(o.rule, o.allowed) for o in find_offers(text, SC[sid])]


@pytest.mark.parametrize("text", [
    "I can knock 40% off your next three months if you'd like to keep it going.",
    "We'll do you a cheaper rate if you want to carry on with us.",
])
def test_a_discount_to_keep_it_is_the_forbidden_discount_to_stay(text):
    assert ("a discount to stay (after a clear cancellation)", False) in rules("subscription-cancel-charged-again", text)


@pytest.mark.parametrize("text", [
    "I'm also going to refund every payment since you signed up.",
    "I'll also pay back the last six months.",
])
def test_an_also_going_to_refund_of_earlier_months_is_caught(text):
    assert ("refunds of earlier months", False) in rules("subscription-cancel-charged-again", text)


@pytest.mark.parametrize("text", [
    "I'll refund this month's £14.99 charge today.",
    "I can refund the charge from the 1st if you'd like.",
])
def test_refunding_the_charge_after_cancelling_is_allowed_not_earlier_months(text):
    got = rules("subscription-cancel-charged-again", text)
    assert ("refunds of earlier months", False) not in got
    assert any(allowed for _, allowed in got), got


def test_a_hedged_refund_is_still_not_a_promise():
    assert all(r is None for r, _ in rules("bank-double-charge-rent", "I'll refund it if the dispute goes our way."))


@pytest.mark.parametrize("text", [
    "I'm sending the £212.40 straight back to you this minute, you don't need a dispute.",
    "I'll give it back to you right now, no waiting for the bank.",
])
def test_sending_the_money_straight_back_now_is_an_instant_refund(text):
    assert ("instant refund of a pending card transaction", False) in rules("bank-double-charge-rent", text)


def test_getting_back_to_them_is_a_callback_not_a_refund():
    got = rules("bank-double-charge-rent", "I'll get back to you right away with an update.")
    assert ("instant refund of a pending card transaction", False) not in got
