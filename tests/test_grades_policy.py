"""Issue 9, point 3: what a trainee offers, matched by meaning to the scenario's policy."""
from __future__ import annotations

import pytest

from personas.scenario import load_dir
from scoring.advice import offer_sentence
from scoring.policy import alternative, find_offers
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios
NET = SCENARIOS["internet-outage-remote-worker"]


def _rules(text, sc=NET):
    return [(o.rule, o.allowed) for o in find_offers(text, sc) if o.rule]


@pytest.mark.parametrize("text,rule", [
    ("I'll refund the whole month.", "refund of the whole month"),
    ("You'll get every penny of this month back.", "refund of the whole month"),
    ("I promise it'll be fixed today.", "guaranteed same-day fix"),
    ("You'll definitely be back online by this evening.", "guaranteed same-day fix"),
    ("We'll compensate you for the lost business.", "compensation for lost business"),
    ("We'll pay you for the work you lost.", "compensation for lost business"),
])
def test_forbidden_offers_match_by_meaning(text, rule):
    assert (rule, False) in _rules(text)


def test_each_promise_of_a_sentence_is_read_on_its_own():
    found = _rules("I promise it'll be fixed today, and I'll refund the whole month on top.")
    assert ("guaranteed same-day fix", False) in found and ("refund of the whole month", False) in found


@pytest.mark.parametrize("text", [
    "I can hear how stressful this is.",
    "I can imagine how that feels.",
    "Calm down, there's nothing we can do about outages.",
    "I can't refund the whole month, I'm afraid.",
    "You'll have to contact the merchant.",
])
def test_perceiving_refusing_or_obliging_is_no_promise(text):
    sc = SCENARIOS["bank-double-charge-rent"] if "merchant" in text else NET
    assert not [o for o in find_offers(text, sc) if o.allowed is False]
    if not text.startswith("You'll have"):
        assert not [o for o in find_offers(text, sc) if o.firm]


def test_allowed_offers_are_recognised():
    assert ("engineer visit within 24 hours", True) in _rules("I'll book an engineer visit for tomorrow morning.")
    assert ("20 GB mobile data boost", True) in _rules("I'm adding a 20 GB mobile data boost right now.")


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_every_alternative_is_allowed_and_said_as_an_allowed_offer(sid):
    sc = SCENARIOS[sid]
    for rule in sc.policy.may_not_offer:
        alt = alternative(rule, sc)
        assert alt in sc.policy.may_offer
        line = offer_sentence(alt)
        assert line.endswith(".") and line[0].isupper()
        assert not [o for o in find_offers(line, sc) if o.allowed is False], line


def test_the_closest_alternative_answers_the_same_want():
    assert alternative("refund of the whole month", NET) == "service credit for days without service"
    assert alternative("guaranteed same-day fix", NET) == "engineer visit within 24 hours"
    ins = SCENARIOS["insurance-claim-flooded-kitchen"]
    assert alternative("promise a settlement amount", ins).startswith("interim payment")
