"""Policy and evidence faults from the third blind graded set (session 10), tested with other wordings.

1. A refund with a stated wait of days is not an instant refund, and opening / raising a dispute is the dispute
   offer. 2. Forbidden promises the reader missed: money pushed back at once, a promise after a negated lead-in and a
   colon, each forbidden promise of one clause, harm to the patient judged with words between, paying back for work
   lost. 3. False credit: blame-shifting, refusals, stalls and telling the customer what they already have are no
   offer and no next step. 4. An order or case number read back is not jargon in the grade."""
from __future__ import annotations

import pytest

from core.transcript import parse_transcript
from personas.scenario import load_dir
from scoring import score
from scoring.policy import find_offers
from tests.conftest import ROOT

SC = load_dir(ROOT / "scenarios").scenarios
BANK, PARCEL, PHARM, NET = ("bank-double-charge-rent", "lost-parcel-third-call", "pharmacy-refill-delay",
                            "internet-outage-remote-worker")
INSTANT = "instant refund of a pending card transaction"
DISPUTE = "dispute the duplicate transaction (3-5 working days)"


def rules(sid: str, text: str) -> list[tuple[str | None, bool | None]]:
    return [(o.rule, o.allowed) for o in find_offers(text, SC[sid])]


def forbidden(sid: str, text: str) -> list[str]:
    return [o.rule for o in find_offers(text, SC[sid]) if o.allowed is False]


# 1. False breach ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm putting a dispute in on the duplicate straight away, and those normally take 3-5 working days, so you'd "
    "have the money back by next Friday.",
    "I've opened a dispute on it this morning, so the £212.40 should land back in your account in about a week.",
    "Let me open a dispute on that second payment now — the money comes back in three to five days.",
])
def test_a_refund_after_a_stated_wait_of_days_is_the_dispute_not_an_instant_refund(text):
    got = rules(BANK, text)
    assert INSTANT not in forbidden(BANK, text), got
    assert (DISPUTE, True) in got, got


@pytest.mark.parametrize("text", [
    "I'm opening a dispute on the second charge.",
    "Right, I'm raising a dispute about the extra one now.",
    "I'm going to open a dispute on that payment for you.",
])
def test_opening_or_raising_a_dispute_is_the_allowed_dispute_offer(text):
    got = rules(BANK, text)
    assert got and got[0] == (DISPUTE, True), got


@pytest.mark.parametrize("text", [
    "I'll refund it right now, no dispute needed, it'll be back in your account in seconds.",
    "I'll refund the £212.40 to you today.",
])
def test_a_refund_said_to_come_at_once_is_still_instant(text):
    assert INSTANT in forbidden(BANK, text)


# 2. Missed breaches -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'll bounce the £212.40 back to you right now.",
    "I'm pushing it back to you straight away.",
    "I'll shift the £212.40 back to you before we hang up.",
    "I'll zap the £212.40 back into your account this second.",
    "You'll have the £212.40 back before we've finished talking.",
    "I can release that hold on the second charge now, so the money's free straight away.",
])
def test_money_sent_back_at_once_is_an_instant_refund_not_a_callback(text):
    got = rules(BANK, text)
    assert (INSTANT, False) in got and ("call back with an update", True) not in got, got


@pytest.mark.parametrize("sid,text,rule", [
    (PARCEL, "No need to look anything up: the replacement will definitely arrive on Saturday.",
     "guaranteed Saturday delivery without checking stock"),
    (PARCEL, "I won't bother checking stock: you'll have it by Saturday, guaranteed.",
     "guaranteed Saturday delivery without checking stock"),
    ("insurance-claim-flooded-kitchen", "We don't have to wait for the adjuster: your whole claim is approved.",
     "approve the full claim on the phone"),
])
def test_a_promise_after_a_negated_lead_in_and_a_colon_is_caught(sid, text, rule):
    assert rule in forbidden(sid, text)


@pytest.mark.parametrize("sid,text,want", [
    (NET, "I promise it'll be working again this evening plus a full refund of the month.",
     {"guaranteed same-day fix", "refund of the whole month"}),
    (NET, "I'll refund the whole month and pay you for the work you lost.",
     {"refund of the whole month", "compensation for lost business"}),
    ("insurance-claim-flooded-kitchen", "Your whole claim's approved and the settlement will be £4,000, I promise.",
     {"approve the full claim on the phone", "promise a settlement amount"}),
])
def test_each_forbidden_promise_of_one_clause_counts(sid, text, want):
    assert want <= set(forbidden(sid, text)), forbidden(sid, text)


@pytest.mark.parametrize("text", [
    "Going without for a couple of days won't do your heart any damage.",
    "Skipping tomorrow's won't do you the slightest harm.",
    "A day without them isn't going to do your blood pressure much harm.",
])
def test_judging_what_going_without_does_is_a_medical_opinion(text):
    assert "a medical opinion on skipping doses" in forbidden(PHARM, text)


@pytest.mark.parametrize("text", [
    "We'll pay you back for the contract you'd miss.",
    "We'll cover the £600 commission you'd lose.",
    "I'll reimburse you for the shifts you can't work.",
    "We'll make up the £1,800 you'd lose on the job.",
    "If you lose the contract we'll cover what you'd have earned.",
])
def test_paying_for_work_lost_is_compensation_for_lost_business(text):
    assert "compensation for lost business" in forbidden(NET, text)


# 3. False credit ----------------------------------------------------------------------------------------------

def strengths(sid: str, line: str) -> list[tuple[str, str]]:
    sc = SC[sid]
    turns = [{"role": "customer", "text": sc.opening_line}, {"role": "trainee", "text": line},
             {"role": "customer", "text": "Right."}]
    rep = score(parse_transcript({"scenario_id": sid, "turns": turns}), sc)
    return [(k, e.why) for k, d in rep.dimensions.items() for e in d.evidence
            if e.kind == "strength" and e.quote and e.quote in line]


def credited_as_acting(sid: str, line: str) -> list[tuple[str, str]]:
    return [(k, why) for k, why in strengths(sid, line) if k in ("focus", "closure")]


@pytest.mark.parametrize("sid,line", [
    (PHARM, "Your surgery's on EPS now and you've got no nomination set, so it's a system error at their end, not "
            "our problem."),
    (PARCEL, "That's the courier's mistake, not ours, so you'll need to take it up with them."),
    (BANK, "The bookshop took the money twice, so that's one for them to sort out, not us."),
])
def test_blame_shifting_is_no_offer_or_next_step(sid, line):
    assert not credited_as_acting(sid, line)
    assert not [r for r, allowed in rules(sid, line) if allowed]


@pytest.mark.parametrize("sid,line", [
    (BANK, "Both payments went through properly, so I've got nothing to refund."),
    ("utility-bill-shock", "The direct debit will still come out on the 15th as normal, that's policy."),
    ("insurance-claim-flooded-kitchen", "We've got a really high volume of claims right now, so it's in the queue."),
    ("subscription-cancel-charged-again", "Cancellations take 30 days, those are the rules I'm afraid."),
])
def test_refusals_and_stalls_are_no_next_step(sid, line):
    assert not credited_as_acting(sid, line)


@pytest.mark.parametrize("line", [
    "Okay, so you cancelled on the 2nd and you've got the confirmation email.",
    "You've got the email, so that's fine.",
    "I can see you've got the confirmation from the 2nd.",
])
def test_telling_the_customer_what_they_have_is_no_offer(line):
    sid = "subscription-cancel-charged-again"
    assert not credited_as_acting(sid, line)


@pytest.mark.parametrize("line", [
    "Okay, so you cancelled on the 2nd and you've got the confirmation email.",
    "So you've already got the cancellation email from us.",
    "I can see you've got the confirmation from the 2nd.",
])
def test_a_recount_of_what_the_customer_has_offers_nothing(line):
    assert ("written confirmation by email", True) not in rules("subscription-cancel-charged-again", line)


def test_a_real_offer_beside_them_is_still_credited():
    sid = "subscription-cancel-charged-again"
    got = credited_as_acting(sid, "I'm cancelling it now and you'll get written confirmation by email in ten minutes.")
    assert got, got


# 4. Jargon ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["55-2041-9983", "7-330-21-884", "LP-7731"])
def test_an_order_number_read_back_is_not_jargon(number):
    sc = SC[PARCEL]
    turns = [{"role": "customer", "text": sc.opening_line},
             {"role": "trainee", "text": "Can I take the order number?"},
             {"role": "customer", "text": f"It's {number}."},
             {"role": "trainee", "text": f"Thanks, so that's {number}, marked delivered last week — is that right?"},
             {"role": "customer", "text": "Yes."}]
    rep = score(parse_transcript({"scenario_id": sc.id, "turns": turns}), sc)
    gaps = [e.why for e in rep.dimensions["focus"].evidence if e.kind == "gap"]
    assert not [g for g in gaps if "terms the customer may not follow" in g], gaps


def test_real_jargon_is_still_named():
    sc = SC[NET]
    turns = [{"role": "customer", "text": sc.opening_line},
             {"role": "trainee", "text": "Your DSLAM port shows low SNR, so the OLT dropped sync."},
             {"role": "customer", "text": "What?"}]
    rep = score(parse_transcript({"scenario_id": sc.id, "turns": turns}), sc)
    assert [e for e in rep.dimensions["focus"].evidence if "terms the customer may not follow" in e.why]
