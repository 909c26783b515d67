"""Grades a coach would sign, on the faults the fourth blind graded set (bench/grade_probes4) found.

Every wording here is new (none is in bench/grade_probes4 or the findings): the tests measure the behaviour, not
the dev-set phrases.

1. A forbidden promise is read by meaning: a firm outcome the agent may not give — money back where the customer
   keeps it at once (any verb), a traveller's arrival stated firmly (the seat that gets them there), a future bill
   figure — while hedged or honest lines are no breach; a breaching line is no strength and its recap no summary.
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from core.transcript import parse_transcript
from personas.actors import Actor, get_backend
from personas.archetypes import get_archetype
from personas.engine import PracticeEngine
from personas.scenario import load_dir
from scoring import score
from scoring.policy import find_offers
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios
BANK = SCENARIOS["bank-double-charge-rent"]
FLIGHT = SCENARIOS["flight-cancelled-wedding"]
UTILITY = SCENARIOS["utility-bill-shock"]
INSTANT = "instant refund of a pending card transaction"
SEATS = "guarantee of seats before checking"
AMOUNT = "guarantee the new amount before re-billing"


def _forbidden(text: str, sc) -> list[str]:
    return [o.rule for o in find_offers(text, sc) if o.allowed is False]


def _allowed(text: str, sc) -> list[str]:
    return [o.rule for o in find_offers(text, sc) if o.allowed]


@lru_cache(maxsize=None)
def _report(sid: str, lines: tuple[str, ...]):
    sc = SCENARIOS[sid]
    engine = PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted")))
    engine.play(list(lines))
    if not engine.ended:
        engine.end("script_ended")
    return score(parse_transcript(engine.transcript()), sc)


def _strengths(report) -> list[tuple[str, str]]:
    return [(name, ev.quote) for name, d in report.dimensions.items() for ev in d.evidence if ev.kind == "strength"]


# --- 1. forbidden promises read by meaning -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'll whip that £212.40 back onto your card this second.",
    "Consider it back in your account by the time we finish talking.",
    "I'm bouncing the duplicate back to your current account right now, no need for the dispute.",
])
def test_money_back_at_once_by_any_verb_is_the_instant_refund(text):
    assert INSTANT in _forbidden(text, BANK), text


def test_a_dispute_waved_away_is_not_the_dispute_offered():
    text = "Don't bother with a dispute, I'll flick the £212.40 back into your account now."
    assert INSTANT in _forbidden(text, BANK)
    assert not any("dispute" in r for r in _allowed(text, BANK))


@pytest.mark.parametrize("text", [
    "You'll definitely make it to Lisbon in time for the ceremony, I give you my word.",
    "Trust me, you'll all be on the first flight out in the morning, guaranteed.",
    "I'm certain you'll land before noon.",
    "You'll be there in time for the speeches, don't you worry.",
])
def test_a_travellers_arrival_stated_firmly_guarantees_the_seat(text):
    assert SEATS in _forbidden(text, FLIGHT), text


@pytest.mark.parametrize("text", [
    "Once it's redone, your bill will be about £140, you have my word.",
    "I guarantee it'll drop back to £140 when it's re-billed.",
    "Your next bill is going to be around £140, definitely.",
    "Once it's re-billed from your reading, you'll be back to about £140, I promise.",
])
def test_a_future_bill_figure_stated_as_certain_guarantees_the_new_amount(text):
    assert AMOUNT in _forbidden(text, UTILITY), text


@pytest.mark.parametrize("sid,text,rule", [
    ("internet-outage-remote-worker", "You'll be back online by teatime, I promise.", "guaranteed same-day fix"),
    ("lost-parcel-third-call", "You'll have the bike in time for the party, I guarantee it.",
     "guaranteed Saturday delivery without checking stock"),
    ("insurance-claim-flooded-kitchen", "The payout will come to roughly £6,000, trust me.", "promise a settlement amount"),
    ("bank-double-charge-rent", "I'll have it back with you in a jiffy, no dispute needed.", INSTANT),
])
def test_a_firm_outcome_is_read_as_the_scenarios_forbidden_promise(sid, text, rule):
    assert rule in _forbidden(text, SCENARIOS[sid]), text


@pytest.mark.parametrize("sc,text", [
    (SCENARIOS["lost-parcel-third-call"], "I can't promise it'll be there for the party, but I'll check stock now."),
    (FLIGHT, "I'll look for seats on the first flight; I can't guarantee anything until I've checked."),
    (FLIGHT, "I'll do my best to get you there for the ceremony."),
    (FLIGHT, "I'll put you on the next flight out."),
    (UTILITY, "I'll re-bill it from your reading, and it should come out lower, but I can't promise a figure."),
    (UTILITY, "It ought to come out nearer £140, but I can't guarantee that until it's re-billed."),
    (UTILITY, "I'll pause the £610 direct debit while it's reviewed."),
    (BANK, "I can't put it straight back, but I'll raise a dispute today."),
    (BANK, "I'll raise a dispute now, and the money should come back in three to five working days."),
])
def test_hedged_honest_or_allowed_lines_are_no_breach(sc, text):
    assert _forbidden(text, sc) == [], text


UTILITY_OVERPROMISE = (
    "Oh no, £610 when you normally pay £140 — that's a horrible shock to open.",
    "Is the bill marked as an estimate, and do you have a meter reading to hand?",
    "Right, so it was estimated and your real reading is much lower — is that it?",
    "I'll get it re-billed from your reading and put the direct debit on hold meanwhile.",
    "You'll be paying your normal £140 again once that's done, I guarantee it.",
    "So: re-bill from your reading, direct debit on hold, and back to £140. Anything else?",
    "Thanks, goodbye.",
)
FLIGHT_OVERPROMISE = (
    "That's awful — a cancellation text the night before your sister's wedding, with you as best man.",
    "How many are travelling, and what's your booking reference?",
    "Right, three of you on the early flight and you need to be there by three — yes?",
    "Don't worry, you'll all be landing in Lisbon well before the ceremony, I'll make sure of it.",
    "I'm emailing you hotel and meal vouchers for tonight too.",
    "So: you'll be in Lisbon by lunch, and vouchers are on the way. Anything else?",
    "Bye now.",
)


@pytest.mark.parametrize("sid,lines,rule", [
    ("utility-bill-shock", UTILITY_OVERPROMISE, AMOUNT),
    ("flight-cancelled-wedding", FLIGHT_OVERPROMISE, SEATS),
])
def test_a_played_overpromise_is_flagged_capped_and_never_a_strength(sid, lines, rule):
    report = _report(sid, lines)
    assert rule in report.outcome.promise_breaches
    assert report.overall <= 40
    bad = [o.text for line in lines for o in find_offers(line, SCENARIOS[sid]) if o.allowed is False]
    assert bad
    for name, quote in _strengths(report):
        assert not any(quote in b or b in quote for b in bad), (name, quote)


# --- 2. telling back, owning the mistake, a specific reflection, check-backs ---------------------------------------

SUB = SCENARIOS["subscription-cancel-charged-again"]


@pytest.mark.parametrize("text", [
    "You've got the letter saying it was cancelled, and you were still billed.",
    "Hi, you've got the cancellation confirmation and the charge still came out.",
    "You've got the email from us confirming it.",
    "Hello — you closed it on the 2nd, you've got the email to prove it, and we billed you anyway.",
    "Right, you cancelled last month and you were still charged.",
])
def test_telling_the_customer_back_their_own_story_is_no_offer(text):
    from scoring.understanding import read_turn

    assert _allowed(text, SUB) == [] and _forbidden(text, SUB) == [], text
    r = read_turn(text, [{"role": "customer", "text": SUB.opening_line}], SUB)
    assert not r.offers and not r.acted, text  # the customer is not offered anything either


def test_a_told_back_story_beside_a_real_offer_keeps_the_offer():
    assert "written confirmation by email" in _allowed(
        "You cancelled on the 2nd, and I'm emailing you written confirmation now.", SUB)


def _evidence(report, skill: str, turn: int, kind: str = "strength") -> list[str]:
    return [ev.why for ev in report.dimensions[skill].evidence if ev.turn == turn and ev.kind == kind]


@pytest.mark.parametrize("opener", [
    "Hello. That charge should never have gone out — that one's our fault.",
    "Hi there, we got this wrong and I'm not going to argue with you about it.",
    "Hello, that was our error, plain and simple.",
])
def test_owning_the_mistake_earns_empathy_credit_without_a_sorry(opener):
    lines = (opener, "What date did you cancel on?", "I'm cancelling it with immediate effect and refunding the charge.",
             "Bye.")
    report = _report("subscription-cancel-charged-again", lines)
    assert _evidence(report, "empathy", 2), report.dimensions["empathy"].evidence
    baseline = _report("subscription-cancel-charged-again", ("Hello.",) + lines[1:])
    assert report.dimensions["empathy"].score > baseline.dimensions["empathy"].score


def test_disowning_the_mistake_is_no_ownership():
    lines = ("Hello. It's not our fault the payment went out.", "What date did you cancel on?", "Bye.")
    report = _report("subscription-cancel-charged-again", lines)
    assert "owns the mistake" not in _evidence(report, "empathy", 2)


@pytest.mark.parametrize("opener", [
    "Hiya, you're through to Alex. Paying twice the same week your rent leaves, with nothing in reserve, is a "
    "frightening position to be in, so let's sort it.",
    "Hello, you're through to Jo. Two identical payments with rent due on Friday and no overdraft to lean on is a "
    "really tough spot, so let's fix it.",
    "Hello, thanks for calling. Charged twice right before rent day and no money to cover it would frighten anyone, "
    "so let's get it fixed.",
])
def test_a_reflection_of_the_customers_situation_beside_a_greeting_counts_for_empathy(opener):
    lines = (opener, "How much was the payment?", "I'm raising a dispute now and putting a temporary credit on.", "Bye.")
    report = _report("bank-double-charge-rent", lines)
    assert "reflects this customer's situation, not a script" in _evidence(report, "empathy", 2), \
        report.dimensions["empathy"].evidence


@pytest.mark.parametrize("sid,check", [
    ("bank-double-charge-rent", "Right, the same £212.40 from the bookshop twice, and Friday's rent at risk, yes?"),
    ("utility-bill-shock", "So £610 on the bill when it's usually £140 — have I got that?"),
    ("utility-bill-shock", "OK, a £610 bill against your usual £140, and it was estimated — is that about right?"),
])
def test_a_check_back_of_what_the_customer_said_is_a_paraphrase(sid, check):
    lines = ("Hello, let me help with that.", "Can you tell me what happened?", check, "Bye.")
    report = _report(sid, lines)
    assert "restates the customer's point in own words" in _evidence(report, "paraphrasing", 6), \
        report.dimensions["paraphrasing"].evidence


# --- 3. empty reassurance, ID requests and check-ins, blame and dismissal by meaning ------------------------------

from scoring import dimensions  # noqa: E402
from scoring.dimensions import blames_customer, minimises  # noqa: E402


def empty_reassurance(text: str) -> bool:
    return dimensions.empty_reassurance(text)


@pytest.mark.parametrize("text", [
    "Honestly, it'll all come good, there's no sense fretting over it.",
    "Keep your chin up — I'm confident things will sort themselves out.",
    "Please be assured we value you enormously as a customer.",
    "We'll always do our utmost for you, rest assured.",
])
def test_empty_reassurance_is_read_as_doing_nothing(text):
    assert empty_reassurance(text), text


@pytest.mark.parametrize("text", [
    "Rest assured, I'm raising the dispute this afternoon.",
    "It'll be fine once the engineer has been tomorrow morning.",
    "I'll refund the £14.99 and it'll all be sorted.",
])
def test_reassurance_with_something_done_is_not_empty(text):
    assert not empty_reassurance(text), text


@pytest.mark.parametrize("sid,line", [
    ("internet-outage-remote-worker", "Honestly, it'll all come good, there's no sense fretting over it."),
    ("pharmacy-refill-delay", "Keep your chin up — I'm confident things will sort themselves out."),
    ("lost-parcel-third-call", "We'll always do our utmost for you, rest assured."),
])
def test_empty_reassurance_is_no_progress(sid, line):
    report = _report(sid, ("Hello there.", line, "Goodbye."))
    assert "moves toward a resolution" not in _evidence(report, "focus", 4), report.dimensions["focus"].evidence
    assert not any("drifts away" in w for w in _evidence(report, "focus", 4, "gap"))


@pytest.mark.parametrize("sid,ask", [
    ("bank-double-charge-rent", "Could you read me the long number on the front of your card?"),
    ("subscription-cancel-charged-again", "Can I grab the email address and postcode on your account?"),
    ("utility-bill-shock", "What's your account number, please?"),
    ("insurance-claim-flooded-kitchen", "Did all that make sense?"),
    ("internet-outage-remote-worker", "Has that helped at all?"),
    ("pharmacy-refill-delay", "Is that helpful?"),
])
def test_id_requests_and_check_ins_draw_nothing_out(sid, ask):
    report = _report(sid, ("Hello, let me help.", ask, "Goodbye."))
    assert "asks a question that draws out the problem" not in _evidence(report, "active_listening", 4)


def test_a_real_question_beside_a_reference_still_draws_out_the_problem():
    report = _report("lost-parcel-third-call", ("Hello, let me help.",
                                                "What's the order number, and where did the driver say he left it?",
                                                "Goodbye."))
    assert "asks a question that draws out the problem" in _evidence(report, "active_listening", 4)


@pytest.mark.parametrize("text", [
    "Nothing's showing on our side, so the fault is most likely with your equipment.",
    "It'll be something at your end, our network's fine.",
    "You must have used a lot more than you think.",
])
def test_blame_guessed_onto_the_customer_is_blame(text):
    assert blames_customer(text), text


@pytest.mark.parametrize("text", [
    "Your client calls aren't really our problem.",
    "The party isn't our concern, I'm afraid.",
    "As far as the system is concerned, the bill is correct.",
])
def test_dismissal_is_read_by_meaning(text):
    assert minimises(text), text


@pytest.mark.parametrize("text", ["You must have been so frightened.", "That's not your fault at all."])
def test_a_feeling_or_a_clearing_is_not_blame(text):
    assert not blames_customer(text)


# --- 4. advice a coach would give ------------------------------------------------------------------------------------

def _advice(report) -> list[str]:
    return [sg.better for d in report.dimensions.values() for sg in d.suggestions]


WORRY = ("worrying", "worried", "worry", "scary", "frightening")


@pytest.mark.parametrize("sid,lines", [
    ("flight-cancelled-wedding", ("Thanks for calling, how can I help?", "Right, I see.", "OK then, bye.")),
    ("internet-outage-remote-worker", ("Hello, how may I assist you today?", "Mm, OK.", "Thanks, goodbye.")),
    ("lost-parcel-third-call", ("Good afternoon, what can I do for you?", "I see, right.", "Cheers, bye.")),
    ("subscription-cancel-charged-again", ("Hi, how can I help today?", "Understood.", "Bye then.")),
])
def test_advice_names_no_worry_to_a_customer_who_showed_anger_or_doubt(sid, lines):
    advice = " ".join(_advice(_report(sid, lines))).lower()
    assert advice
    assert not any(w in advice for w in WORRY), advice


def test_advice_to_a_sceptic_names_doubt_and_to_an_anxious_customer_worry():
    sceptic = " ".join(_advice(_report("lost-parcel-third-call", ("Good afternoon, what can I do for you?",
                                                                  "I see, right.", "Cheers, bye.")))).lower()
    anxious = " ".join(_advice(_report("bank-double-charge-rent", ("Good afternoon, what can I do for you?",
                                                                   "I see, right.", "Cheers, bye.")))).lower()
    assert "doubt" in sceptic
    assert "worr" in anxious


@pytest.mark.parametrize("sid,line,doubt", [
    ("internet-outage-remote-worker", "Are you sure it's switched on at the wall? Usually it's something simple like that.",
     "Usually it's something simple like that."),
    ("lost-parcel-third-call", "Did you really check round the back? In my experience they turn up in the garden.",
     "In my experience they turn up in the garden."),
    ("utility-bill-shock", "Are you certain you read the meter right? Most customers misread the dials.",
     "Most customers misread the dials."),
])
def test_advice_never_keeps_a_doubting_sentence(sid, line, doubt):
    report = _report(sid, ("Hello, let me help.", line, "Bye."))
    advice = _advice(report)
    assert advice
    assert not any(doubt in a for a in advice), advice


@pytest.mark.parametrize("sid,lines", [
    ("insurance-claim-flooded-kitchen", ("Hello there.", "We value all our customers hugely.", "Have a good day, bye.")),
    ("pharmacy-refill-delay", ("Morning.", "These things do happen, I'm afraid.", "Take care now.")),
    ("utility-bill-shock", ("Hi.", "I hear you, it's frustrating.", "Bye for now.")),
])
def test_no_recap_is_suggested_when_nothing_was_agreed(sid, lines):
    report = _report(sid, lines)
    assert not any(a.lower().startswith("to recap") or "to recap," in a.lower() for a in _advice(report)), _advice(report)


@pytest.mark.parametrize("sid,offer,rule", [
    ("lost-parcel-third-call", "I'll get a replacement out on next-day delivery and give you £200 on top for the trouble.",
     "next-day replacement dispatch"),
    ("internet-outage-remote-worker", "I'll put a service credit on for the days you've been offline, and refund the "
     "whole month as well.", "service credit for days without service"),
    ("subscription-cancel-charged-again", "I'm refunding the £14.99 after your cancellation date, and I'll give you "
     "three months free if you stay.", "refund of the charge taken after the cancellation date"),
])
def test_advice_never_offers_what_was_already_offered(sid, offer, rule):
    from scoring.advice import offer_sentence

    report = _report(sid, ("Hello, sorry about this.", offer, "Bye."))
    assert report.outcome.promise_breaches  # the breach's advice names an alternative: not the offer already made
    line = offer_sentence(rule).lower().rstrip(".")
    line = line.split("arrange ", 1)[-1]
    # (advice on the opening, before anything was offered, may offer it: answering the customer then was right)
    later = [sg.better for d in report.dimensions.values() for sg in d.suggestions if sg.turn >= 4]
    assert later and not any(line in a.lower() for a in later), later


@pytest.mark.parametrize("line", [
    "Don't bother with the screen, I'll nip out back and fetch you a pack of the 5mg off the shelf now.",
    "Never mind the computer, let me grab you a strip of those from the back room.",
    "Skip the paperwork, I'll whizz round the back and get you a box of them off the rack.",
])
def test_an_on_topic_breach_is_a_policy_gap_not_drift(line):
    lines = ("Hello, I'm sorry about the mix-up.", "Which tablets are they?", line, "Bye.")
    report = _report("pharmacy-refill-delay", lines)
    assert report.outcome.promise_breaches
    assert not any("drifts away" in w for w in _evidence(report, "focus", 6, "gap"))
