"""Move labels the blind grade tester found wrong (session 9), each with wordings not from the findings file.

Blame is the agent putting the fault on the customer, not sympathy about what happened to them; a farewell
phrase inside a question is small talk; "if it happens, we'll ..." is a plan, not a brush-off; "So: ..." opens
a recap."""
from __future__ import annotations

import pytest

from scoring.moves import detect_moves

CTX = [{"role": "customer", "text": "Nobody called me back and the parcel still hasn't come."}]


@pytest.mark.parametrize("text", [
    "You shouldn't have to ring us three times for this.",
    "Your GP telling you never to skip a dose was good advice.",
    "I'm sorry you didn't get the callback you were promised.",
    "You shouldn't have been left waiting like that.",
])
def test_sympathy_about_what_happened_to_them_is_not_blame(text):
    assert "blame" not in detect_moves(text, CTX)


@pytest.mark.parametrize("text", [
    "You should have been home when the driver came.",
    "If you'd read the email properly you wouldn't be in this mess.",
    "You didn't fill the form in right.",
])
def test_putting_the_fault_on_them_is_blame(text):
    assert "blame" in detect_moves(text, CTX)


@pytest.mark.parametrize("text", ["Did you have a good weekend at least?", "So did you have a lovely day out?"])
def test_a_farewell_phrase_inside_a_question_is_no_farewell(text):
    assert "farewell" not in detect_moves(text, CTX)


def test_a_real_farewell_still_is():
    assert "farewell" in detect_moves("Thanks for your patience, have a lovely evening.", CTX)


@pytest.mark.parametrize("text", ["If it happens again, I'll refund the fee myself.",
                                  "We'll waive the charge if that happens."])
def test_a_plan_for_if_it_happens_is_not_dismissive(text):
    assert "dismissive" not in detect_moves(text, CTX)


def test_shrugging_it_off_still_is_dismissive():
    assert "dismissive" in detect_moves("Well, it happens. Parcels go missing.", CTX)


@pytest.mark.parametrize("text", ["So: replacement sent today, tracking by text, and I'll call you Friday at 10.",
                                  "Quick recap: refund today, confirmation email within the hour."])
def test_so_colon_opens_a_recap(text):
    assert "summary" in detect_moves(text, CTX)
