"""Grades a coach would sign, on the faults the second blind graded set (bench/grade_probes2) found.

Every wording here is new (none is in bench/grade_probes2, bench/GRADE_FINDINGS.md or bench/FRESH_FINDINGS.md):
the tests measure the behaviour, not the dev-set phrases.

1. Policy reading (pharmacy): a dose change is read by meaning (a number per period said against another, a day
   left between doses, doubling, halving, an extra one, making them stretch) and filed as "change the dose"; a
   supply with the check said skipped is "supply without checking"; "a medical opinion on skipping doses" needs an
   opinion given (or skipping told / allowed), so promising the customer will NOT run out is no breach.
"""
from __future__ import annotations

import pytest

from personas.scenario import load_dir
from scoring.policy import find_offers
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios
PHARM = SCENARIOS["pharmacy-refill-delay"]
DOSE, SUPPLY, OPINION = "change the dose", "supply without checking the medication record", \
    "a medical opinion on skipping doses"


def _rules(text: str, sc=PHARM) -> list[str]:
    return [o.rule for o in find_offers(text, sc) if o.allowed is False]


# --- 1. policy reading -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Take an extra one tonight to make up for yesterday.",
    "You could double up tomorrow if you miss one.",
    "Go down to one every other day until the new box comes.",
    "Have three a day instead of two this week.",
    "Bump it up to two a day while you're stressed.",
    "Cut each one in two and you'll get four days out of them.",
    "If you're getting short, take half a pill each morning to stretch them out.",
])
def test_a_dose_change_is_read_by_meaning_and_filed_as_a_dose_change(text):
    assert _rules(text) == [DOSE], text


@pytest.mark.parametrize("text", [
    "Keep taking one a day as normal until the new box arrives.",
    "Don't halve them, keep to one a day.",
    "Did the surgery tell you to take two a day?",
])
def test_the_usual_dose_kept_or_a_question_about_it_is_no_dose_change(text):
    assert DOSE not in _rules(text), text


@pytest.mark.parametrize("text", [
    "We can skip the record check today and I'll give you a box.",
    "I'll pop a box in a bag for you, we don't need to bother with the computer.",
    "Forget the system for now, I'll sort you out with a week's worth.",
    "I'll give you an emergency supply of 7 days, no need to check your record.",
])
def test_a_supply_with_the_check_said_skipped_is_supply_without_checking(text):
    rules = _rules(text)
    assert SUPPLY in rules and OPINION not in rules, (text, rules)


def test_the_check_kept_is_still_no_breach():
    assert _rules("I'll check your record before I give you anything, then a 7-day emergency supply.") == []


@pytest.mark.parametrize("text", [
    "Your heart tablets haven't come through, which is a worry, but I'll make sure you're not left short this week.",
    "The tablets aren't here yet — that's unsettling, and we'll see to it that you don't go without.",
    "You need those pills every day, I know, so we'll get this fixed and you won't run out.",
    "I'll make sure you don't run out before the weekend.",
])
def test_promising_the_customer_will_not_run_out_is_no_medical_opinion(text):
    assert _rules(text) == [], text


@pytest.mark.parametrize("text", [
    "A day or two without them is fine at your age.",
    "You can leave them out till Monday, it won't matter.",
    "Going without for the weekend won't hurt you.",
    "Just miss tomorrow's, you'll be right as rain.",
])
def test_an_opinion_on_going_without_is_still_a_medical_opinion(text):
    assert _rules(text) == [OPINION], text
