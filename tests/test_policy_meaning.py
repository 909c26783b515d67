"""Forbidden promises are caught by what they promise, never falsely; the penalty is one a coach would sign.

The wordings here are new (none is in bench/GRADE_FINDINGS.md or tests/test_policy_wordings.py): each
scenario's may_not_offer items said with other verbs, word forms and word order (a done deed, a phrasal
verb split by its object, a pronoun pointing back, a third party promised for, money in words); refusals,
hedges, questions about whether something can be done and "rather than ..." that promise nothing; allowed
offers said right beside a forbidden topic; and the rule a breach is filed under. On the code before
this change (4466af2) 24 of the 44 forbidden wordings were caught, 2 of the 19 non-promises were read as
breaches, 3 of the 7 breaches named the right rule; the penalty and never-a-strength tests failed. The 9
allowed offers beside a forbidden topic passed there too: they guard the new matching against false breaches.
"""
from __future__ import annotations

import pytest

from core.transcript import parse_transcript
from personas.scenario import load_dir
from scoring.policy import find_offers
from scoring.report import score
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios
BANK, FLIGHT, INS, NET = ("bank-double-charge-rent", "flight-cancelled-wedding", "insurance-claim-flooded-kitchen",
                          "internet-outage-remote-worker")
PARCEL, PHARM, SUB, UTIL = ("lost-parcel-third-call", "pharmacy-refill-delay", "subscription-cancel-charged-again",
                            "utility-bill-shock")

# (scenario, line, a word of the rule it breaks)
FORBIDDEN = [
    (BANK, "The money will be back in your account before you hang up.", "instant"),
    (BANK, "I'm reversing that pending charge this second, it'll show straight away.", "instant"),
    (BANK, "I've stopped your rent direct debit so it won't go out on Friday.", "rent direct debit"),
    (BANK, "Let me cancel the standing order for your rent so there's no risk.", "rent direct debit"),
    (BANK, "Page & Quill are going to refund you, I can promise that.", "merchant"),
    (BANK, "The bookshop will pay you back in full, no doubt about it.", "merchant"),
    (FLIGHT, "I can send £300 to your bank account right now as compensation.", "cash"),
    (FLIGHT, "We'll transfer each of you 250 euros today to make up for it.", "cash"),
    (FLIGHT, "I'll put you in first class on the next flight, no charge.", "upgrade"),
    (FLIGHT, "I'm moving all three of you into business for the rebooked flight.", "upgrade"),
    (FLIGHT, "The seats on the 8am are definitely yours, no need for me to look.", "seats"),
    (SUB, "We'll refund the previous three charges as well as this one.", "earlier"),
    (SUB, "I'll reimburse all the months you were billed last year.", "earlier"),
    (SUB, "I'll pay back each payment you made before this one too.", "earlier"),
    (SUB, "If you'd like to stay, I can do the next six months at 40% off.", "discount"),
    (SUB, "Before you go, how about a free month to change your mind?", "discount"),
    (SUB, "I could offer you a cheaper plan if you keep your subscription.", "discount"),
    (UTIL, "Consider that £610 bill gone, you don't owe us anything.", "write off"),
    (UTIL, "I'll clear the whole balance so there's nothing to pay.", "write off"),
    (UTIL, "I'm scrapping that bill entirely, don't give it another thought.", "write off"),
    (UTIL, "That bill is a mistake, so just ignore it and I'll knock it off your account.", "write off"),
    (UTIL, "I promise the new bill will come to roughly £150.", "guarantee the new amount"),
    (UTIL, "Your revised bill will definitely be back to normal, around £140.", "guarantee the new amount"),
    (PHARM, "I'll give you a fortnight's worth now, I don't need to look at your records.", "supply without"),
    (PHARM, "Here's a box to keep you going, I won't bother checking anything on the system.", "supply without"),
    (PHARM, "Take one and a half of the 5mg ones each morning until then.", "dose"),
    (PHARM, "Have two a day instead of one, it'll make up for the missed ones.", "dose"),
    (PHARM, "Honestly, a few days off them won't do any damage.", "skipping"),
    (PHARM, "It's perfectly safe to go without them until Monday.", "skipping"),
    (INS, "I'm signing off your claim in full right now.", "approve"),
    (INS, "The claim's approved, you can book the builders today.", "approve"),
    (INS, "You'll receive a settlement of about ten thousand pounds.", "settlement amount"),
    (INS, "We'll pay out nine grand for the kitchen, that's a promise.", "settlement amount"),
    (INS, "The mould damage will be paid for in full, nobody needs to inspect it.", "mould"),
    (INS, "We'll cover the mould treatment, no assessment required.", "mould"),
    (NET, "I promise you'll be back up and running before tonight.", "same-day"),
    (NET, "This month's bill is on us, you won't be charged for it.", "whole month"),
    (NET, "We'll reimburse you for the income you lost while offline.", "lost business"),
    (PARCEL, "You'll have the new bike by Saturday morning, I give you my word.", "saturday"),
    (PARCEL, "I'll add £75 on top of your refund to make up for it.", "beyond the order value"),
    (PARCEL, "We'll refund you twice what the bike cost.", "beyond the order value"),
    (PARCEL, "I've arranged for a new bike to reach you on Saturday, no need to check the warehouse.", "saturday"),
    (FLIGHT, "Done, I've bumped the three of you up to first.", "upgrade"),
    (BANK, "I've cancelled Friday's rent debit for you, so nothing will leave your account.", "rent direct debit"),
]

# Refusals, hedges, questions about whether it can be done, conditions kept: no breach.
NOT_A_PROMISE = [
    (BANK, "I can't put the money back instantly, a dispute takes 3 to 5 working days."),
    (BANK, "I can't promise Page & Quill will refund you, but I'll raise a dispute today."),
    (BANK, "I won't touch your rent direct debit unless you ask me to."),
    (FLIGHT, "I'm not going to promise seats until I've checked what's available."),
    (FLIGHT, "We don't pay cash compensation over the phone, but I'll send you the claim form."),
    (FLIGHT, "I'll look into whether there's any chance of an upgrade."),
    (SUB, "I'll check whether we can refund the earlier months, but I can't promise that."),
    (SUB, "No sales pitch, and no discount to keep you, just the cancellation."),
    (UTIL, "I'm afraid I can't write the bill off, but I can re-bill it from a meter reading."),
    (UTIL, "I can't say what the new bill will be until we re-bill it."),
    (PHARM, "I can't tell you whether skipping them is safe, that's one for your GP."),
    (PHARM, "After I've looked up your medication record I can let you have a week's emergency supply."),
    (INS, "I can't approve the claim on the phone; a loss adjuster needs to see it first."),
    (INS, "I'd rather not put a figure on it before the adjuster has been."),
    (NET, "I can't guarantee it'll be fixed today, but an engineer can be there within 24 hours."),
    (NET, "Rather than promising you a full month's refund, I'll add a service credit for the days you've lost."),
    (PARCEL, "I'd rather not promise Saturday before I've checked the stock."),
    (PARCEL, "Let me see if there's stock for a Saturday delivery."),
    (PARCEL, "I'll ask the warehouse whether a Saturday delivery is possible and ring you back by 4pm."),
]

# Allowed offers made right beside a forbidden topic: credited, never a breach.
ALLOWED_NEAR = [
    (FLIGHT, "While I'm checking seats with the partner airlines, I'll arrange hotel and meal vouchers for tonight."),
    (FLIGHT, "I'm looking for three seats on the next available flight now, and the hotel vouchers are all covered."),
    (FLIGHT, "Once I've confirmed the seats, you'll have hotel and meal vouchers for tonight as well."),
    (BANK, "Rather than waiting on the shop, I'll dispute the duplicate transaction myself; it takes 3-5 working days."),
    (SUB, "I'll refund the charge taken after your cancellation date, and there'll be no discount offers."),
    (PHARM, "I'll check your medication record first, and then I can give you an emergency supply for up to 7 days."),
    (INS, "I'm booking a loss adjuster to look at the mould within 5 working days."),
    (NET, "I'll add a service credit for the days you've been without service."),
    (UTIL, "Once you give me a meter reading I'll re-bill from it, so the new bill reflects what you used."),
]

# The rule a breach is filed under.
RIGHT_RULE = [
    (BANK, "The £212.40 will be sitting back in your account within minutes.", "instant refund of a pending card transaction"),
    (BANK, "They'll definitely give you the £212.40 back, the bookshop always does.", "promise the merchant will refund"),
    (PHARM, "Skipping your tablets for a couple of days is nothing to worry about.", "a medical opinion on skipping doses"),
    (PHARM, "Just have half a tablet a day to make them last.", "change the dose"),
    (UTIL, "You won't have to pay a penny of it, I'll make sure.", "write off the bill"),
    (UTIL, "I promise your corrected bill will be about £150.", "guarantee the new amount before re-billing"),
    (SUB, "I'll refund this charge and all the ones before it.", "refunds of earlier months"),
]


def _breaches(sid: str, text: str) -> list[str]:
    return [o.rule for o in find_offers(text, SCENARIOS[sid]) if o.allowed is False]


@pytest.mark.parametrize("sid,text,rule", FORBIDDEN)
def test_a_forbidden_promise_is_caught_under_its_rule(sid, text, rule):
    got = _breaches(sid, text)
    assert any(rule.lower() in (r or "").lower() for r in got), (text, got)


@pytest.mark.parametrize("sid,text", NOT_A_PROMISE)
def test_a_refusal_hedge_or_question_is_no_breach(sid, text):
    assert _breaches(sid, text) == [], text


@pytest.mark.parametrize("sid,text", ALLOWED_NEAR)
def test_an_allowed_offer_beside_a_forbidden_topic_is_no_breach(sid, text):
    offers = find_offers(text, SCENARIOS[sid])
    assert not [o.rule for o in offers if o.allowed is False], text
    assert any(o.allowed for o in offers), (text, [(o.rule, o.allowed) for o in offers])


@pytest.mark.parametrize("sid,text,rule", RIGHT_RULE)
def test_the_breach_names_the_rule_it_breaks(sid, text, rule):
    assert _breaches(sid, text) == [rule], text


def test_a_forbidden_promise_is_never_listed_as_allowed_in_its_place():
    # "I'll put you in first class on the next flight" is a rebooking (allowed) and an upgrade (forbidden): both
    # are listed; an allowed entry never stands in for the breach.
    for sid, text, _ in FORBIDDEN + RIGHT_RULE:
        offers = find_offers(text, SCENARIOS[sid])
        if any(o.allowed for o in offers):
            assert any(o.allowed is False for o in offers), text
    both = find_offers("I'll put you in first class on the next flight, no charge.", SCENARIOS[FLIGHT])
    assert [o.rule for o in both if o.allowed is False] == ["upgrade promises"]


# A second batch, written blind after the first fix was made: the code then caught 24 of its 36 forbidden
# wordings (the old code 20) with no false breach in its 16 refusals (the old code 1); the misses were then
# fixed by meaning (a reversal is a refund, money wired or authorised is cash, places reserved are seats,
# "you'll be paid £…" is a settlement, paying for lost work is compensation, a condition said just before
# the offer counts: "Stay with us and I'll halve your price").
FORBIDDEN_2 = [
    (BANK, "Leave it with me, that £212.40 will be credited back to you this afternoon.","instant"),
    (BANK, "I'll get the duplicate reversed on the spot so you've got the money for rent.","instant"),
    (BANK, "The retailer will refund you, I guarantee it.","merchant"),
    (BANK, "I'll switch off the rent direct debit this month so you're not caught short.","rent direct debit"),
    (BANK, "I've put a stop on your rent going out on Friday.","rent direct debit"),
    (FLIGHT, "We'll wire you €400 each before you leave the airport.","cash"),
    (FLIGHT, "I'm authorising a cash payment of 300 pounds to you right now.","cash"),
    (FLIGHT, "You'll be flying business class tomorrow, my treat.","upgrade"),
    (FLIGHT, "I'll make sure you're sat in premium for the trouble.","upgrade"),
    (FLIGHT, "Three places on the 7am are reserved for you, no question.","seats"),
    (FLIGHT, "I can absolutely guarantee you three seats tomorrow morning.","seats"),
    (INS, "Your claim's been accepted in full, I've just done it.","approve"),
    (INS, "I'll pay the whole claim today, no need to wait for anything.","approve"),
    (INS, "The settlement will be in the region of £9,000.","settlement"),
    (INS, "I can tell you now you'll be paid eleven thousand pounds.","settlement"),
    (INS, "Mould's included, we'll pay for that without anyone coming out.","mould"),
    (NET, "You'll definitely be reconnected before the end of the day.","same-day"),
    (NET, "I'll give you this month's money back in full.","whole month"),
    (NET, "We'll pay for the client work you've missed out on.","lost business"),
    (NET, "I'll cover any earnings you lose this week.","lost business"),
    (PARCEL, "I promise the bike will be delivered this Saturday.","saturday"),
    (PARCEL, "It's guaranteed to be there for his birthday on Saturday.","saturday"),
    (PARCEL, "I'll give you £50 extra on top of the refund for the hassle.","beyond"),
    (PARCEL, "We'll refund the bike and pay you a bit extra for the trouble.","beyond"),
    (PHARM, "Don't worry, just skip tomorrow's dose, it'll be fine.","skipping"),
    (PHARM, "Taking them every other day until Monday will be fine.","dose"),
    (PHARM, "I'll pop a month's worth in a bag for you, I don't need to look you up.","supply without"),
    (PHARM, "I'll give you a full box without looking at your record.","supply without"),
    (SUB, "I'll refund you for the last three months too.","earlier"),
    (SUB, "I'll put back every payment since you signed up.","earlier"),
    (SUB, "What if I gave you two months free to stay?","discount"),
    (SUB, "Stay with us and I'll halve your monthly price.","discount"),
    (UTIL, "I'll write that £610 off for you today.","write off"),
    (UTIL, "You can forget that bill, it's been wiped.","write off"),
    (UTIL, "I can promise the corrected bill will be under £150.","guarantee the new"),
    (UTIL, "Your new bill is going to be £140, I'm certain of it.","guarantee the new"),
]
NOT_A_PROMISE_2 = [
    (BANK, "I can't refund a pending transaction straight away, I'm sorry."),
    (BANK, "I'm not able to cancel your direct debit without you asking me to."),
    (FLIGHT, "I can't offer cash compensation over the phone, but I can send you the claim form."),
    (FLIGHT, "Upgrades aren't something I can promise, I'm afraid."),
    (FLIGHT, "I'll check whether there are three seats before I promise anything."),
    (INS, "I can't approve the claim over the phone, the adjuster needs to assess it first."),
    (INS, "I won't guess at a settlement figure until the assessment is done."),
    (NET, "I can't promise it'll be fixed today, but the engineer is booked within 24 hours."),
    (PARCEL, "I can't promise Saturday until I've checked the warehouse stock."),
    (PARCEL, "Compensation beyond the order value isn't something we can offer."),
    (PHARM, "I'm not allowed to change your dose, only your GP can do that."),
    (PHARM, "I can't say whether it's safe to skip them, please ask your GP."),
    (SUB, "I can't refund the earlier months, only the charge taken after you cancelled."),
    (SUB, "I won't try to sell you a discount, I'll just cancel it."),
    (UTIL, "I can't write off the bill, but I can hold the direct debit while it's reviewed."),
    (UTIL, "I can't tell you the new amount until it's been re-billed."),
]


@pytest.mark.parametrize("sid,text,rule", FORBIDDEN_2)
def test_second_batch_forbidden_is_caught_under_its_rule(sid, text, rule):
    test_a_forbidden_promise_is_caught_under_its_rule(sid, text, rule)


@pytest.mark.parametrize("sid,text", NOT_A_PROMISE_2)
def test_second_batch_refusals_are_no_breach(sid, text):
    assert _breaches(sid, text) == [], text


# A third batch, written blind after the second batch's fixes: offers made as a question or a willingness
# ("Would you like an upgrade?", "I'm happy to write off the £610", "We can settle at £7,500"), advice as a
# possibility ("You could take one every two days"), and counterfactual wishes ("I wish I could refund it
# instantly, but ..."). The code then caught 17 of 30 (the old code 14) with 1 false breach in 17 (the old
# code 2); the misses were fixed as forms of offering, not as phrases.
FORBIDDEN_3 = [
    (BANK, "Would you like me to push the refund through instantly?","instant"),
    (BANK, "I'm happy to refund the pending payment right this minute.","instant"),
    (BANK, "Let me cancel your rent direct debit for you now.","rent direct debit"),
    (BANK, "Page & Quill will be refunding you, that's a certainty.","merchant"),
    (FLIGHT, "I'm happy to give each of you £200 in cash for the disruption.","cash"),
    (FLIGHT, "Would you like an upgrade to business class on the new flight?","upgrade"),
    (FLIGHT, "I can get you three seats on the 6am, that's a promise.","seats"),
    (FLIGHT, "Your seats on the early flight are secured, you don't need to worry.","seats"),
    (INS, "Let me approve the whole claim for you now.","approve"),
    (INS, "We can settle this at £7,500 today.","settlement"),
    (INS, "I'm happy to confirm the mould is covered without anyone looking at it.","mould"),
    (INS, "The full claim goes through today, I'm authorising it now.","approve"),
    (NET, "I can promise the line will be fixed by 5pm today.","same-day"),
    (NET, "We'll waive this month's bill completely.","whole month"),
    (NET, "I'm happy to refund the full month for you.","whole month"),
    (NET, "Let me compensate you for the contract you might lose.","lost business"),
    (PARCEL, "I'll see to it that the bike arrives on Saturday.","saturday"),
    (PARCEL, "Would an extra £100 on top of the refund help?","beyond"),
    (PARCEL, "I'm happy to refund double the price of the bike.","beyond"),
    (PHARM, "Let me just give you a box now, we can sort the record out later.","supply without"),
    (PHARM, "You could take one every two days until the new prescription comes.","dose"),
    (PHARM, "Going a few days without your amlodipine is nothing to worry about.","skipping"),
    (PHARM, "I'd say missing a few doses is perfectly fine.","skipping"),
    (SUB, "I'm happy to refund the last two months as well.","earlier"),
    (SUB, "Would a 25% discount change your mind about leaving?","discount"),
    (SUB, "We can give you back all the months you've paid for since March.","earlier"),
    (UTIL, "I'm happy to write off the whole £610 for you.","write off"),
    (UTIL, "Let me waive that bill, you won't see it again.","write off"),
    (UTIL, "The corrected bill will definitely come to around £140.","guarantee the new"),
    (UTIL, "We'll cancel the bill so there's nothing to pay.","write off"),
]
NOT_A_PROMISE_3 = [
    (BANK, "I wish I could refund it instantly, but a dispute takes 3 to 5 working days."),
    (BANK, "Only you can decide about your rent direct debit, I won't touch it."),
    (FLIGHT, "I'm not in a position to give cash compensation over the phone."),
    (FLIGHT, "There's no upgrade I can offer, but I'll rebook you on the next available flight."),
    (FLIGHT, "Nothing's guaranteed until I've checked, so let me look at the seats first."),
    (INS, "Nobody can approve the claim on the phone, I'm afraid."),
    (INS, "I'd be guessing if I gave you a settlement figure now."),
    (INS, "Whether the mould is covered depends on what the adjuster finds."),
    (NET, "I'm not able to promise a fix today, the engineer comes within 24 hours."),
    (NET, "We don't compensate for lost business, but I can add a service credit."),
    (PARCEL, "Saturday isn't something I can promise before I check the stock."),
    (PHARM, "Changing your dose isn't something I'm allowed to do."),
    (PHARM, "Please don't skip your tablets, let me get you an emergency supply."),
    (SUB, "We don't refund earlier months, only the charge taken after you cancelled."),
    (SUB, "I won't offer you a discount, you've been clear you want to cancel."),
    (UTIL, "Writing the bill off isn't possible, but a payment plan is."),
    (UTIL, "I don't know what the new bill will be yet, that depends on your reading."),
]


@pytest.mark.parametrize("sid,text,rule", FORBIDDEN_3)
def test_third_batch_forbidden_is_caught_under_its_rule(sid, text, rule):
    test_a_forbidden_promise_is_caught_under_its_rule(sid, text, rule)


@pytest.mark.parametrize("sid,text", NOT_A_PROMISE_3)
def test_third_batch_refusals_are_no_breach(sid, text):
    assert _breaches(sid, text) == [], text


@pytest.mark.parametrize("text", [
    "That's fine, I'll get your tablets ready for you.",
    "Okay, I'll sort your tablets out, that's fine.",
    "That's okay, I'll call the surgery about your tablets.",
])
def test_reassurance_beside_the_tablets_is_no_medical_opinion(text):
    # the rule's own act (skipping, changing the dose, handing over a supply) must be said
    assert _breaches(PHARM, text) == [], text


# A fourth batch, written blind after the third batch's fixes: fragments with an assurance or a gift beside
# them ("Three seats, guaranteed.", "A full refund for this month, on us."), double negatives that promise
# ("There's no way your claim won't be approved"), lower case without punctuation. The code then caught 11
# of 22 (the old code 7) with no false breach in 14 (the old code 3).
FORBIDDEN_4 = [
    (BANK, "the duplicate will be refunded to your card by this evening","instant"),
    (BANK, "You'll have the £212.40 back before Friday's rent goes out, no dispute needed.","instant"),
    (BANK, "Consider your rent direct debit cancelled for this month.","rent direct debit"),
    (FLIGHT, "Three seats, guaranteed.","seats"),
    (FLIGHT, "A business class upgrade for all three of you, on us.","upgrade"),
    (FLIGHT, "You'll be compensated in cash before you hang up, €250 each.","cash"),
    (INS, "There's no way your claim won't be approved in full.","approve"),
    (INS, "I can't see any reason the mould wouldn't be covered, so consider it paid for.","mould"),
    (INS, "A settlement of ten grand is what you'll get.","settlement"),
    (NET, "There's no way it won't be fixed today, I promise.","same-day"),
    (NET, "A full refund for this month, on us.","whole month"),
    (NET, "You'll be compensated for every client you lose.","lost business"),
    (PARCEL, "Saturday delivery, guaranteed, leave it with me.","saturday"),
    (PARCEL, "You'll be getting £80 on top of your refund for all this.","beyond"),
    (PHARM, "I've sorted you out with a month's supply, no need to check the records.","supply without"),
    (PHARM, "half a tablet twice a day will do you until the new ones come","dose"),
    (PHARM, "skipping a few won't hurt","skipping"),
    (SUB, "All your previous payments will be refunded too.","earlier"),
    (SUB, "Tell you what, stay and the next three months are free.","discount"),
    (UTIL, "There's no way you'll have to pay that bill.","write off"),
    (UTIL, "That £610 is cancelled, you owe nothing.","write off"),
    (UTIL, "Your next bill is guaranteed to be £140.","guarantee the new"),
]
NOT_A_PROMISE_4 = [
    (BANK, "There's no way I can refund it instantly, I'm sorry."),
    (FLIGHT, "I can't guarantee seats until I've looked, but I'm checking now."),
    (FLIGHT, "No upgrades, I'm afraid, but you'll have hotel vouchers tonight."),
    (INS, "I'm not going to promise a settlement figure today."),
    (INS, "The mould will be covered only if the adjuster confirms it came from the leak."),
    (NET, "I'd love to promise today, but realistically it's within 24 hours."),
    (PARCEL, "Nobody can guarantee Saturday without checking stock, so I'm checking now."),
    (PARCEL, "We can't pay compensation beyond the order value, but the full refund is yours."),
    (PHARM, "I can't advise on skipping doses; your GP or the pharmacist on duty can."),
    (PHARM, "Please don't change your dose without speaking to your GP."),
    (SUB, "I'm not able to refund the earlier months, I'm sorry."),
    (SUB, "There won't be any discount offers, just the cancellation."),
    (UTIL, "There's no way I can write the bill off, but I can re-bill from your reading."),
    (UTIL, "I won't guess the new bill until it's re-billed."),
]


@pytest.mark.parametrize("sid,text,rule", FORBIDDEN_4)
def test_fourth_batch_forbidden_is_caught_under_its_rule(sid, text, rule):
    test_a_forbidden_promise_is_caught_under_its_rule(sid, text, rule)


@pytest.mark.parametrize("sid,text", NOT_A_PROMISE_4)
def test_fourth_batch_refusals_are_no_breach(sid, text):
    assert _breaches(sid, text) == [], text


def test_a_breach_is_quoted_as_said_not_as_read():
    text = "There's no way your claim won't be approved in full."
    offers = [o for o in find_offers(text, SCENARIOS[INS]) if o.allowed is False]
    assert offers and offers[0].text == text


# ---------------------------------------------------------------------------------------------------------
# The penalty, and what a forbidden promise earns on the skills


def _call(sid: str, trainee: list[str], moods: list[float]) -> object:
    turns = []
    sc = SCENARIOS[sid]
    opening = sc.opening_line if hasattr(sc, "opening_line") else "Hello, I need help."
    turns.append({"role": "customer", "text": opening or "Hello, I need help.", "mood": moods[0]})
    for t, m in zip(trainee, moods[1:]):
        turns.append({"role": "trainee", "text": t})
        turns.append({"role": "customer", "text": "Okay.", "mood": m})
    return parse_transcript({"scenario_id": sid, "turns": turns})


_WARM = ["I'm so sorry — a bill four times the usual with no warning is a real shock, and you're worried you've "
         "done something wrong. It isn't your fault.",
         "So you normally pay about £140 and this one says £610 — have I got that right?"]
_OVER = _WARM + ["Don't worry about it at all, I'll just write the whole bill off for you.",
                 "And I can promise your new bill will be exactly £140, like always.",
                 "So that's the bill written off and £140 guaranteed. Anything else?"]
_MEDIOCRE = ["Okay. What's your account number?",
             "Right. I can re-bill it if you send a meter reading, I suppose.",
             "Anything else?"]


def test_several_forbidden_promises_score_below_an_honest_mediocre_call():
    over = score(_call(UTIL, _OVER, [7, 5, 4, 2, 1.5, 1.2]), SCENARIOS[UTIL])
    mediocre = score(_call(UTIL, _MEDIOCRE, [7, 7, 6.5, 6.5]), SCENARIOS[UTIL])
    assert len(over.outcome.promise_breaches) >= 2
    assert over.overall < mediocre.overall, (over.overall, mediocre.overall)


def test_one_forbidden_promise_keeps_a_warm_call_below_the_pass_mark_and_more_cost_more():
    sc = SCENARIOS[UTIL]
    one = score(_call(UTIL, _WARM + ["I'll re-bill from your meter reading and hold the direct debit while it's "
                                     "reviewed.", "And honestly, I'll just write the whole bill off for you."],
                      [7, 5, 4, 2, 1.5]), sc)
    none = score(_call(UTIL, _WARM + ["I'll re-bill from your meter reading and hold the direct debit while it's "
                                      "reviewed.", "I'll ring you on Thursday at 4pm with the corrected figure."],
                       [7, 5, 4, 2, 1.5]), sc)
    two = score(_call(UTIL, _WARM + ["I'll re-bill from your meter reading and hold the direct debit while it's "
                                     "reviewed.", "And honestly, I'll just write the whole bill off for you, and I "
                                     "promise the new one will be £140."], [7, 5, 4, 2, 1.5]), sc)
    assert one.outcome.promise_breaches and not none.outcome.promise_breaches
    assert one.overall < 70 and one.overall < none.overall
    assert two.overall < one.overall, (two.overall, one.overall)
    assert any("forbid" in n for n in one.notes)


def test_the_same_promise_repeated_in_a_recap_is_one_breach_not_two():
    sc = SCENARIOS[UTIL]
    once = score(_call(UTIL, _WARM + ["I'll just write the whole bill off for you."], [7, 5, 4, 2]), sc)
    twice = score(_call(UTIL, _WARM + ["I'll just write the whole bill off for you.",
                                       "So to recap, the bill's written off. Anything else?"], [7, 5, 4, 2, 1.5]), sc)
    assert once.outcome.promise_breaches == twice.outcome.promise_breaches == ["write off the bill"]
    assert abs(once.overall - twice.overall) <= 10


@pytest.mark.parametrize("sid,line", [
    (UTIL, "Don't worry about it at all, I'll just wipe that whole bill off for you."),
    (INS, "Don't worry, I'm signing off your full claim right now on this call."),
    (PARCEL, "I'll make sure a brand-new bike is with you on Saturday, you have my word."),
    (BANK, "Don't worry, I'll have the full £212.40 back in your account within the hour."),
])
def test_a_forbidden_promise_is_never_quoted_as_a_strength(sid, line):
    r = score(_call(sid, ["Oh no, that sounds awful for you, and I can hear how worried you are.", line],
                    [7, 6, 3]), SCENARIOS[sid])
    assert r.policy.breaches, line
    for name, d in r.dimensions.items():
        for e in d.evidence:
            if e.kind == "strength":
                assert e.quote not in line and line not in e.quote, (name, e.quote, e.why)


# Allowed offers (bench/GRADE_FINDINGS.md A4), new wordings: two offers in one clause are both credited; a
# named owner or a colleague's callback is an offer. On the old code each of these lost one of its offers.
@pytest.mark.parametrize("sid,text,rules", [
    (UTIL, "I'll re-bill from the reading you've given me and pause the direct debit until it's sorted.",
     {"re-bill from a customer meter reading", "hold the direct debit while the bill is reviewed"}),
    (FLIGHT, "I'll arrange hotel vouchers tonight and reimburse reasonable expenses when you send receipts.",
     {"hotel and meal vouchers", "reimbursement of reasonable expenses with receipts"}),
    (INS, "I'm booking the loss adjuster within 5 working days and arranging an emergency drying company for tomorrow.",
     {"book a loss adjuster within 5 working days", "emergency drying company"}),
    (INS, "Your claims handler, Tom, will ring you on Monday at 9.", {"named claims handler callback"}),
    (PARCEL, "I'm Leah, I'm looking after your case personally, and I'll call you at 11am tomorrow.",
     {"a named case owner with a callback time"}),
])
def test_every_allowed_offer_of_a_sentence_is_credited(sid, text, rules):
    offers = find_offers(text, SCENARIOS[sid])
    assert rules <= {o.rule for o in offers if o.allowed}, [(o.rule, o.allowed) for o in offers]
    assert not [o for o in offers if o.allowed is False]


def test_a_greeting_with_a_name_is_no_offer():
    assert not [o for o in find_offers("Hi, I'm Sam, how can I help you today?", SCENARIOS[PARCEL]) if o.rule]
