"""Promises the policy forbids are read by meaning, whatever the wording, and allowed offers are not mistaken for them.

Each scenario's may_not_offer items said the way agents say them: outright ("I'll bump you up to business
class"), in the negative ("you won't have to pay that bill"), as a decision ("consider the claim approved"),
as an instruction ("cut them in half") or an assurance ("missing a couple of days won't hurt"). On the code
before this change 21 of the 63 forbidden wordings were missed (one read as "a named case owner"), and 3 of
the 48 allowed ones were not credited. The third batch of wordings was written before it was run: the change
then caught 15 of its 20 forbidden ones (before: 13) and 24 of 24 allowed (before: 23).
"""
from __future__ import annotations

import pytest

from personas.scenario import load_dir
from scoring.policy import find_offers

SCENARIOS = load_dir("scenarios").scenarios

FORBIDDEN = [
    ('bank-double-charge-rent', "I'll get that money back into your account right this minute."),
    ('bank-double-charge-rent', "The shop will definitely give you your money back, don't worry."),
    ('bank-double-charge-rent', "I'll cancel your rent direct debit for you so it can't bounce."),
    ('bank-double-charge-rent', "I'll have the duplicate payment back with you within minutes."),
    ('bank-double-charge-rent', "Page & Quill will sort the refund for you, I'm certain."),
    ('bank-double-charge-rent', 'Let me stop your rent payment going out this month.'),
    ('bank-double-charge-rent', "Right now I'm putting that money straight back in your account."),
    ('bank-double-charge-rent', "Don't worry, the bookshop is bound to refund you."),
    ('flight-cancelled-wedding', 'I can pay you £400 in cash compensation right now.'),
    ('flight-cancelled-wedding', "I promise you'll have three seats on the 9am, no problem."),
    ('flight-cancelled-wedding', "I'll bump you all up to business class."),
    ('flight-cancelled-wedding', "We'll give you £250 each, cash, today."),
    ('flight-cancelled-wedding', "You've definitely got three seats on the morning flight, I don't even need to check."),
    ('flight-cancelled-wedding', "I'll put you all in first class to make up for it."),
    ('flight-cancelled-wedding', "I'll hand you £300 compensation in cash right here on the call."),
    ('flight-cancelled-wedding', "Three seats are yours on the 7am, I'm certain, no need to look."),
    ('flight-cancelled-wedding', "We'll upgrade the three of you to premium economy."),
    ('insurance-claim-flooded-kitchen', 'I can tell you now the whole claim is approved.'),
    ('insurance-claim-flooded-kitchen', "You'll get £8,000 for the kitchen, I'm sure of it."),
    ('insurance-claim-flooded-kitchen', "Don't worry, the mould will be covered, no need for anyone to look at it."),
    ('insurance-claim-flooded-kitchen', 'Consider the claim fully approved.'),
    ('insurance-claim-flooded-kitchen', "I can promise you'll receive at least £5,000."),
    ('insurance-claim-flooded-kitchen', "We'll pay for the mould removal, there's no need for an inspection."),
    ('insurance-claim-flooded-kitchen', 'Your claim is accepted in full, you have my word.'),
    ('insurance-claim-flooded-kitchen', "You're looking at a payout of £6,000, I promise."),
    ('insurance-claim-flooded-kitchen', "We'll definitely cover the mould, no one needs to come and assess it."),
    ('internet-outage-remote-worker', "I guarantee you'll be back online by this evening."),
    ('internet-outage-remote-worker', "I'll refund you the entire month's bill."),
    ('internet-outage-remote-worker', "We'll pay you back for the work you lost."),
    ('internet-outage-remote-worker', "It'll definitely be fixed before you finish work today."),
    ('internet-outage-remote-worker', "I'll credit back everything you paid this month."),
    ('internet-outage-remote-worker', "We'll compensate you for the contract you lose."),
    ('internet-outage-remote-worker', "You'll 100% be up and running by tonight."),
    ('internet-outage-remote-worker', "I'll give you back the whole of this month's payment."),
    ('internet-outage-remote-worker', "We'll make up for the clients you've lost."),
    ('lost-parcel-third-call', "I promise it'll be with you before Saturday."),
    ('lost-parcel-third-call', "I'll personally refund you double what you paid."),
    ('lost-parcel-third-call', "I'll give you £200 on top of the refund for the hassle."),
    ('lost-parcel-third-call', "You have my word it'll arrive by Saturday."),
    ('lost-parcel-third-call', "I'll refund you the bike and give you another £100 for your trouble."),
    ('lost-parcel-third-call', 'Rest assured, the bike will be there for Saturday.'),
    ('lost-parcel-third-call', "I'll send you £150 extra on top of your refund."),
    ('pharmacy-refill-delay', "I'll just hand you some tablets now, no need to look anything up."),
    ('pharmacy-refill-delay', "Take one every other day until the new ones come, that'll stretch them out."),
    ('pharmacy-refill-delay', "It's fine to skip a few days, you'll be alright."),
    ('pharmacy-refill-delay', "Here, I'll give you a box now without checking your record."),
    ('pharmacy-refill-delay', "Cut them in half and they'll last until Monday."),
    ('pharmacy-refill-delay', "Missing a couple of days won't hurt you."),
    ('pharmacy-refill-delay', "I'll pop some tablets in a bag for you right now, no checks needed."),
    ('pharmacy-refill-delay', 'Just take half a tablet each day until they come in.'),
    ('pharmacy-refill-delay', "You'll be fine going without for a few days."),
    ('subscription-cancel-charged-again', 'How about I give you 50% off for three months if you stay?'),
    ('subscription-cancel-charged-again', "I'll refund every month you've paid since March too."),
    ('subscription-cancel-charged-again', "Stay with us and I'll knock 30% off your next three months."),
    ('subscription-cancel-charged-again', "I'll refund the last six months as well."),
    ('subscription-cancel-charged-again', 'If you stay I can give you three months at half price.'),
    ('subscription-cancel-charged-again', "I'll pay back all the months since you first joined."),
    ('utility-bill-shock', "Don't worry, you won't have to pay that bill at all."),
    ('utility-bill-shock', 'I can promise the new bill will be under £100.'),
    ('utility-bill-shock', "I'll wipe that bill off completely."),
    ('utility-bill-shock', 'Your new bill will definitely be about £80.'),
    ('utility-bill-shock', 'Forget about that bill, you owe us nothing.'),
    ('utility-bill-shock', 'I promise the corrected bill will come to £95.'),
]

ALLOWED = [
    ('bank-double-charge-rent', "I'll raise a dispute on the duplicate today; it takes 3-5 working days."),
    ('bank-double-charge-rent', 'While the dispute runs I can put a temporary credit on your account so the rent goes through.'),
    ('bank-double-charge-rent', "If the rent bounces, I'll waive the returned-payment fee."),
    ('bank-double-charge-rent', "I'll dispute the second payment now; allow 3-5 working days."),
    ('bank-double-charge-rent', 'I can add a temporary credit while the dispute is open.'),
    ('bank-double-charge-rent', "I'll waive the returned payment fee."),
    ('flight-cancelled-wedding', 'I can rebook all three of you on the next available flight, including partner airlines.'),
    ('flight-cancelled-wedding', "I'll give you hotel and meal vouchers for tonight."),
    ('flight-cancelled-wedding', "Keep your receipts and we'll reimburse reasonable expenses."),
    ('flight-cancelled-wedding', 'Let me rebook you on the next available flight, partner airlines included.'),
    ('flight-cancelled-wedding', "I'll issue hotel and meal vouchers for the three of you."),
    ('flight-cancelled-wedding', "Send us your receipts and we'll reimburse reasonable costs."),
    ('insurance-claim-flooded-kitchen', "I'll book a loss adjuster to visit within 5 working days."),
    ('insurance-claim-flooded-kitchen', "I'm sending an emergency drying company out to you."),
    ('insurance-claim-flooded-kitchen', 'I can arrange an interim payment of up to £500 while the assessment is pending.'),
    ('insurance-claim-flooded-kitchen', "I'll get a loss adjuster booked in within five working days."),
    ('insurance-claim-flooded-kitchen', "I'm arranging an emergency drying company for tomorrow."),
    ('insurance-claim-flooded-kitchen', 'I can authorise an interim payment of up to £500 until the assessment.'),
    ('internet-outage-remote-worker', "I'll run a line test now."),
    ('internet-outage-remote-worker', "I'll book an engineer visit within 24 hours."),
    ('internet-outage-remote-worker', "I'll add a 20 GB mobile data boost to your account right now."),
    ('internet-outage-remote-worker', 'Let me run a line test on your connection.'),
    ('internet-outage-remote-worker', 'I can get an engineer to you within 24 hours.'),
    ('internet-outage-remote-worker', "I'll put a 20 GB data boost on your mobile."),
    ('lost-parcel-third-call', "I'll dispatch a replacement by next-day delivery."),
    ('lost-parcel-third-call', "I'll refund you in full within 3-5 working days."),
    ('lost-parcel-third-call', "I'm your case owner, Priya, and I'll call you back at 5pm."),
    ('lost-parcel-third-call', "I'll send a replacement out for next-day delivery."),
    ('lost-parcel-third-call', 'I can refund you in full within 3-5 working days.'),
    ('lost-parcel-third-call', "I'll open a courier investigation today."),
    ('pharmacy-refill-delay', "Once I've checked your record, I can give you an emergency supply of up to 7 days."),
    ('pharmacy-refill-delay', "I'll call the surgery now to chase it."),
    ('pharmacy-refill-delay', "I'll text you when the prescription is ready."),
    ('pharmacy-refill-delay', "After checking your medication record I can give you up to 7 days' emergency supply."),
    ('pharmacy-refill-delay', "I'll ring the surgery right now to chase it up."),
    ('pharmacy-refill-delay', 'We can nominate this pharmacy for your electronic prescriptions.'),
    ('subscription-cancel-charged-again', "I'll cancel the subscription immediately."),
    ('subscription-cancel-charged-again', "I'll refund the charge taken after you cancelled, within 5 working days."),
    ('subscription-cancel-charged-again', "You'll get written confirmation by email."),
    ('subscription-cancel-charged-again', "I'll cancel it straight away."),
    ('subscription-cancel-charged-again', "I'll refund the charge taken after your cancellation date."),
    ('subscription-cancel-charged-again', "I'll email you written confirmation."),
    ('utility-bill-shock', "If you send me a meter reading I'll re-bill you from it."),
    ('utility-bill-shock', "I'll hold the direct debit while the bill is reviewed."),
    ('utility-bill-shock', 'We can set up a payment plan.'),
    ('utility-bill-shock', "Give me a meter reading and I'll re-bill you."),
    ('utility-bill-shock', "I'll pause the direct debit while we review the bill."),
    ('utility-bill-shock', 'I can book a smart meter engineer.'),
]


@pytest.mark.parametrize("sid,text", FORBIDDEN)
def test_a_forbidden_promise_is_read_as_one(sid, text):
    offers = find_offers(text, SCENARIOS[sid])
    assert any(o.allowed is False for o in offers), [(o.rule, o.allowed) for o in offers]


@pytest.mark.parametrize("sid,text", ALLOWED)
def test_an_allowed_offer_is_credited_and_not_called_a_breach(sid, text):
    offers = find_offers(text, SCENARIOS[sid])
    assert any(o.allowed is True for o in offers), [(o.rule, o.allowed) for o in offers]
    assert not any(o.allowed is False for o in offers), [(o.rule, o.allowed) for o in offers]


@pytest.mark.parametrize("text", [
    "I'll cancel your rent direct debit for you so it can't bounce.",   # the negation is the outcome's, not a refusal
    "Don't worry, you won't have to pay that bill at all.",              # a promise in the negative
])
def test_a_negation_inside_a_promise_is_not_a_refusal(text):
    sid = "bank-double-charge-rent" if "rent" in text else "utility-bill-shock"
    assert any(o.allowed is False for o in find_offers(text, SCENARIOS[sid]))


@pytest.mark.parametrize("sid,text", [
    ("bank-double-charge-rent", "I can't refund a pending transaction instantly, I'm afraid."),
    ("lost-parcel-third-call", "I can't guarantee Saturday, but I'll check stock now."),
    ("utility-bill-shock", "We're not able to write the bill off."),
    ("pharmacy-refill-delay", "That isn't something I can change — the dose is your GP's decision."),
])
def test_a_refusal_is_no_promise(sid, text):
    assert not any(o.allowed is False for o in find_offers(text, SCENARIOS[sid]))
