"""Grades a coach would sign, on the faults the second blind graded set (bench/grade_probes2) found.

Every wording here is new (none is in bench/grade_probes2, bench/GRADE_FINDINGS.md or bench/FRESH_FINDINGS.md):
the tests measure the behaviour, not the dev-set phrases.

1. Policy reading (pharmacy): a dose change is read by meaning (a number per period said against another, a day
   left between doses, doubling, halving, an extra one, making them stretch) and filed as "change the dose"; a
   supply with the check said skipped is "supply without checking"; "a medical opinion on skipping doses" needs an
   opinion given (or skipping told / allowed), so promising the customer will NOT run out is no breach.
"""
from __future__ import annotations

import re

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
    "You could go half and half, half in the morning and half at night.",
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
    "Let's not worry about the computer, here are a few days' tablets.",
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
    "Missing a couple won't make any difference.",
    "Skipping the weekend is no big deal.",
])
def test_an_opinion_on_going_without_is_still_a_medical_opinion(text):
    assert _rules(text) == [OPINION], text


# --- 2. a recap of a forbidden promise is never a strength ---------------------------------------------------------

from scoring import score  # noqa: E402
from tests.director_play import transcript  # noqa: E402

RECAPS = [
    ("insurance-claim-flooded-kitchen",
     ["Three weeks and mould on the wall — that's a horrible wait, I'm sorry.",
      "I'm approving your claim for you right now, on this call.",
      "Just to recap: your claim's approved and Ruth will ring you tomorrow before noon. Anything else?"],
     "Just to recap"),
    ("subscription-cancel-charged-again",
     ["You cancelled and we charged you anyway — that's not on, I'm sorry.",
      "I'll refund every payment you've made since March, not only this one.",
      "Quick recap: your account is closed, and all those old payments are coming back to you. Anything else?"],
     "Quick recap"),
    ("bank-double-charge-rent",
     ["Charged twice with the rent due Friday — I can see why you're worried.",
      "The bookshop will definitely give you your money back, I'll make sure of it.",
      "To sum up, the bookshop refunds you and I ring you on Thursday after six. Anything else I can do?"],
     "To sum up"),
    ("internet-outage-remote-worker",
     ["Two days offline with a deadline — that's rough.", "I'll refund your whole month's bill for this.",
      "Just so we're clear: the full month refunded and an engineer tomorrow at 8. Anything else?"],
     "Just so we're clear"),
    ("utility-bill-shock",
     ["A bill that size would shake anyone.", "Don't worry, I'll wipe that bill off your account.",
      "Right, so that's the bill cleared and a fresh reading next week. Anything else?"],
     "Right, so"),
]


@pytest.mark.parametrize("sid,texts,cue", RECAPS)
def test_a_recap_of_a_forbidden_promise_is_a_closure_gap_never_a_strength(sid, texts, cue):
    t = transcript(sid, texts)
    report = score(t, SCENARIOS[sid])
    assert report.policy.breaches, "the promise itself is a breach"
    recap_turn = next(i for i, x in enumerate(t.turns, start=1) if x.role == "trainee" and cue in x.text)
    praised = [(k, e.quote) for k, d in report.dimensions.items() for e in d.evidence
               if e.kind == "strength" and e.turn == recap_turn and cue in e.quote]
    assert praised == [], praised
    gaps = [e for e in report.dimensions["closure"].evidence if e.kind == "gap" and e.turn == recap_turn]
    assert gaps, report.dimensions["closure"].evidence


def test_a_recap_of_allowed_offers_is_still_a_strength():
    t = transcript("insurance-claim-flooded-kitchen",
                   ["Three weeks and mould on the wall — that's a horrible wait, I'm sorry.",
                    "I'm booking a loss adjuster to look at the kitchen and the mould within 5 working days.",
                    "Just to recap: the adjuster within 5 working days, and Ruth will ring you tomorrow before noon. "
                    "Anything else?"])
    report = score(t, SCENARIOS["insurance-claim-flooded-kitchen"])
    assert report.policy.breaches == []
    assert any(e.kind == "strength" and "Just to recap" in e.quote for e in report.dimensions["closure"].evidence)


# --- 3. empathy is a feeling or an impact on this customer; seeing the facts is not ---------------------------------

ACTION = {
    "flight-cancelled-wedding": "I'm rebooking you on the next available flight including partner airlines.",
    "bank-double-charge-rent": "I'm raising a dispute on the second payment now, which takes 3 to 5 working days.",
    "insurance-claim-flooded-kitchen": "I'm booking a loss adjuster visit for Thursday at 10am.",
    "lost-parcel-third-call": "I'm dispatching a replacement today for next-day delivery.",
    "utility-bill-shock": "I'll re-bill it from a meter reading you give me today.",
}
# (scenario, a line that only sees or checks the facts, a sympathy line with a topic word, a specific reflection)
EMPATHY_SETS = [
    ("bank-double-charge-rent", "I can see both charges sitting on your statement.",
     "I'm sorry to hear about the charges.",
     "Paying for the same thing twice with the rent due on Friday — no wonder you're worried."),
    ("insurance-claim-flooded-kitchen", "I've pulled up the claim and it's still marked under review.",
     "Sorry to hear about the claim.",
     "Three weeks of silence while mould spreads on your kitchen wall — that's a horrible wait."),
    ("lost-parcel-third-call", "I can see the parcel was scanned as delivered last week.",
     "I'm sorry about the parcel.",
     "Chasing us three times for a parcel that says delivered but never came is a lot to put up with."),
    ("utility-bill-shock", "I've found the bill, it's the six hundred and ten pound one.",
     "Sorry to hear about your bill.",
     "A bill four times what you normally pay would shake anyone, and you've done nothing wrong."),
]


def _empathy_score(sid: str, line: str) -> tuple[int, list]:
    t = transcript(sid, [line, ACTION[sid]])
    d = score(t, SCENARIOS[sid]).dimensions["empathy"]
    return d.score, [e.quote for e in d.evidence if e.kind == "strength"]


@pytest.mark.parametrize("sid,seeing,sympathy,specific", EMPATHY_SETS)
def test_seeing_the_facts_is_no_empathy_and_a_specific_reflection_clearly_beats_sympathy(sid, seeing, sympathy,
                                                                                        specific):
    see, see_praised = _empathy_score(sid, seeing)
    sym, _ = _empathy_score(sid, sympathy)
    spec, spec_praised = _empathy_score(sid, specific)
    assert not any(seeing.split(",")[0][:20] in q for q in see_praised), see_praised
    assert spec >= see + 20 and spec >= sym + 20, (see, sym, spec)
    assert spec_praised, "the specific reflection is a named strength"


@pytest.mark.parametrize("sid,line", [
    ("lost-parcel-third-call", "Eight days of chasing and the birthday on Saturday — that's a lot to deal with."),
    ("insurance-claim-flooded-kitchen",
     "Three weeks without a word and a kitchen you can't use — you shouldn't have had to ring us to find out."),
    ("utility-bill-shock", "Six hundred and ten pounds when it's usually a hundred and forty is the last thing you need."),
    ("flight-cancelled-wedding",
     "A cancellation text late at night with your sister's wedding tomorrow — that's the worst timing imaginable."),
])
def test_a_validation_of_their_own_story_is_specific_empathy_without_a_feeling_word(sid, line):
    s, praised = _empathy_score(sid, line)
    assert s >= 60 and praised, (s, praised)


@pytest.mark.parametrize("sid,line", [
    ("bank-double-charge-rent", "Having the same charge twice when the rent leaves on Friday, with no overdraft behind you "
                                "— that's a worrying spot. Is the card still with you?"),
    ("bank-double-charge-rent", "The double charge has left too little money for Friday's rent, and a bounce fee would make "
                                "it worse. Which card was used?"),
    ("bank-double-charge-rent", "One payment taken twice, rent going out Friday and nothing spare to cover a fee. Is the "
                                "card still with you?"),
    ("flight-cancelled-wedding", "Your flight's cancelled, the wedding is tomorrow and the rebooking link won't work. Which "
                                 "airport could you get to?"),
])
def test_a_real_restatement_earns_paraphrasing_whatever_the_move_label(sid, line):
    t = transcript(sid, [line, ACTION[sid]])
    d = score(t, SCENARIOS[sid]).dimensions["paraphrasing"]
    assert d.score >= 55 and any(e.kind == "strength" for e in d.evidence), (d.score, d.evidence)


# --- 4. a plain goodbye after the recap and the next step is a fine close -----------------------------------------

PARCEL_CALL = [
    "Three calls and two callbacks that never came, with the birthday on Saturday — that's a lot to deal with.",
    "I'm dispatching a replacement today for next-day delivery, and I'll ring you at 4pm tomorrow with the tracking.",
    "So, to sum up: a replacement goes out today on next-day delivery, and I call you at 4pm tomorrow. Anything else?",
]


def _closure(texts: list[str]):
    t = transcript("lost-parcel-third-call", texts)
    return score(t, SCENARIOS["lost-parcel-third-call"]).dimensions["closure"], t


@pytest.mark.parametrize("bye", ["Bye now.", "Okay, goodbye then.", "Right, bye."])
def test_a_bare_goodbye_after_the_recap_is_no_abrupt_ending(bye):
    d, t = _closure(PARCEL_CALL + [bye])
    last = max(i for i, x in enumerate(t.turns, start=1) if x.role == "trainee")
    assert t.turns[last - 1].text == bye, "the goodbye was played"
    assert not any(e.kind == "gap" and e.turn == last for e in d.evidence), d.evidence
    warm, _ = _closure(PARCEL_CALL + ["Take care, and thanks for bearing with us. Goodbye."])
    assert d.score == warm.score, (d.score, warm.score)


@pytest.mark.parametrize("bye", ["Goodnight, and enjoy the party.", "Good luck with the birthday. Night night."])
def test_a_goodbye_the_move_rules_do_not_list_is_still_a_close(bye):
    d, t = _closure(PARCEL_CALL + [bye])
    last = max(i for i, x in enumerate(t.turns, start=1) if x.role == "trainee")
    assert any(e.kind == "strength" and e.turn == last and "politely" in e.why for e in d.evidence), d.evidence


def test_a_bare_goodbye_with_no_recap_is_still_abrupt():
    d, t = _closure(PARCEL_CALL[:2] + ["Right, bye."])
    last = max(i for i, x in enumerate(t.turns, start=1) if x.role == "trainee")
    assert any(e.kind == "gap" and e.turn == last and "abrupt" in e.why for e in d.evidence), d.evidence


# --- 5. advice lines read right and never repeat what they should replace ------------------------------------------

from scoring.advice import customer_point, garbled  # noqa: E402


@pytest.mark.parametrize("text,want", [
    ("Please don't hurry me along like that on the phone, young lady. The boiler has been off since Sunday.", "boiler"),
    ("Everybody on your helpline keeps saying they understand how upsetting all this is. My card was charged.",
     "card"),
    ("I've been given that exact same line by your colleagues before, twice last week. The engineer never came.",
     "engineer"),
    ("That still doesn't really help me with the deposit for the new flat on Friday. The landlord won't wait.",
     "landlord"),
    ("I honestly can't remember the reference number they gave me last time I rang. The parcel never came.",
     "parcel"),
    ("My reference is 5521 8830 1174 and I rang about it twice already. The boiler has been off since Sunday.",
     "boiler"),
    ("I've explained all this to three different people on your team already. The engineer never came.", "engineer"),
    ("Nice try, but I'm not falling for the same old excuse again today. The parcel still hasn't turned up at my door.", "parcel"),
])
def test_the_point_restated_is_the_customers_problem_not_their_remark_about_the_call(text, want):
    point = customer_point(text)
    assert point and want in point, point


@pytest.mark.parametrize("line", [
    "So you need it by Friday. So the refund went to the wrong card. Let me fix that.",
    "That sounds worrying — the parcel is late. Hello, sorry about that.",
])
def test_a_line_glued_from_two_restatements_or_a_late_greeting_reads_wrong(line):
    assert garbled(line), line


CALLS = [
    ("utility-bill-shock", ["Hi there, sorry about that bill.", "I understand, that must be a pain.",
                            "It'll most likely sort itself out.", "Our system shows the bill is correct, so it's probably "
                                                                   "your meter.", "Thanks, bye."]),
    ("internet-outage-remote-worker", ["Thanks for waiting, sorry about the internet.", "I know exactly how you feel.",
                                       "We've got lots of calls today, so I can't say when.",
                                       "It should be back at some point.", "Cheers, bye."]),
    ("pharmacy-refill-delay", ["Morning, sorry about that.", "I totally understand how you feel.",
                               "It ought to turn up eventually.", "There's not much I can add, sorry.", "Bye then."]),
]


@pytest.mark.parametrize("sid,texts", CALLS)
def test_no_advice_is_garbled_or_keeps_a_line_the_report_names_as_a_gap(sid, texts):
    report = score(transcript(sid, texts), SCENARIOS[sid])
    gaps = {e.quote.rstrip("…").strip() for d in report.dimensions.values() for e in d.evidence if e.kind == "gap"}
    gaps = {g for g in gaps if len(g) >= 12 and not re.search(r"\b(?:bye|goodbye|take care)\b", g, re.I)}
    lines = [sg.better for d in report.dimensions.values() for sg in d.suggestions]
    assert lines, "the call gets advice"
    for better in lines:
        assert garbled(better) == [], (better, garbled(better))
        kept = better.split(". ", 1)[1] if ". " in better else ""
        assert not any(g in kept for g in gaps), (better, gaps)


# --- 6. a retention offer after a clear cancellation is the forbidden discount, however it is asked ----------------

SUB = SCENARIOS["subscription-cancel-charged-again"]
DISCOUNT = "a discount to stay (after a clear cancellation)"


@pytest.mark.parametrize("text", [
    "Are you certain you'd like to go? I could do you a cheaper rate.",
    "Have you thought about staying? There's 30% off for loyal members.",
    "Do you really want to leave us? I can knock a few pounds off.",
])
def test_doubting_the_cancellation_then_offering_a_deal_is_the_forbidden_discount(text):
    assert _rules(text, SUB) == [DISCOUNT], text


def test_no_discount_and_the_cancellation_done_is_no_breach():
    assert _rules("There's no discount on offer, I've just cancelled it.", SUB) == []


def test_a_dismissive_call_with_a_retention_offer_scores_below_a_mediocre_one():
    mediocre = ["Hello, thanks for calling, what can I do for you today?", "Could I take the account email first?",
                "I'll pass it on to the billing team.", "Anything else?"]
    dismissive = ["Our terms say cancellations take a month to go through.", "You ought to have cancelled sooner.",
                  "Are you certain you'd like to go? I could do you a cheaper rate."]
    m = score(transcript(SUB.id, mediocre), SUB)
    d = score(transcript(SUB.id, dismissive), SUB)
    assert d.policy.breaches and d.overall < m.overall, (d.overall, m.overall)
