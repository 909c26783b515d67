"""What a trainee turn offers or promises, matched by meaning to the scenario's policy.

A policy item is a short phrase ("refund of the whole month", "guaranteed same-day fix"). Both it and
each offering sentence are read as a set of *concepts*: word forms grouped with the other words a
customer-service call uses for the same thing ("refund" ~ "money back" ~ "reimburse", "whole" ~ "full"
~ "entire", "guarantee" ~ "promise" ~ a firm "it will be fixed today"). An item's core is the part before
its qualifiers ("... without checking stock", "... within 3-5 working days"); a sentence offers an item
when it holds most of that core. The best-matching item wins; an allowed item wins a tie only when it
matches at least as many concepts as the forbidden one.

Meaning, not surface: word forms are brought together ("wiping" ~ "wipe"), a phrase may be said with a
few words inside it ("write the whole bill off"), a pronoun takes what the clause before named, and a
forbidden item needs its own act or thing said (its head) and, when it is a guarantee, a promise *about*
that thing. Refusals, hedges, questions about whether something can be done, "rather than ..." and a
forbidden item's condition met ("while I confirm those seats") are no breach; double negatives that
promise ("there's no way it won't be approved") are. A forbidden promise beside an allowed offer in one
clause is reported as well, and every allowed offer a clause makes is credited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from core.text import STOPWORDS, keys, tokens, word_key
from scoring import rules
from scoring.evidence import sentences

if TYPE_CHECKING:
    from core.scenario import Scenario

# Concept -> the words and phrases that say it (matched by word key, phrases in order).
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "guarantee": ("guarantee", "guaranteed", "promise", "promised", "assure", "definitely", "certainly", "for sure",
                  "bound to", "i'm certain", "i am certain", "i'm sure", "i am sure", "no doubt", "without a doubt",
                  "without fail", "100%", "hundred percent", "absolutely", "i give you my word", "you have my word",
                  "rest assured", "trust me", "no question", "mark my words", "take it from me", "i'm sure of it",
                  "i'd put money on it", "you can count on it", "count on it"),
    "today": ("today", "same day", "same-day", "tonight", "this afternoon", "this evening", "this morning",
              "within the hour", "within hours", "in a few hours", "by the end of the day", "end of today",
              "end of the day", "as we speak", "in minutes", "within minutes", "by lunchtime", "later today",
              "teatime", "tea time", "by noon", "by midday", "before noon", "before midday", "by dinnertime", "by bedtime",
              "before bedtime", "by the time you get home", "before you finish work"),
    "instant": ("instant", "instantly", "immediately", "right now", "straight away", "right away", "now",
                "on the spot", "this minute", "this second", "no dispute needed", "without a dispute", "no need for a dispute",
                "without waiting", "no waiting", "in seconds", "in a moment", "before you hang up",
                "before you put the phone down", "before we hang up", "before we put the phone down", "before we finish",
                "before the call ends", "before this call ends", "by the time we hang up", "before we've finished",
                "before we're done", "by the end of this call", "before you're off the phone", "before the end of this call", "while we're on the phone",
                "while you're on the line", "while we speak", "on this call", "as we speak"),
    "fix": ("fix", "fixed", "repair", "resolve", "resolved", "sort", "sorted", "restore", "restored", "back up",
            "back online", "working again", "up and running", "reconnect", "have it working", "get it working", "online", "connected",
            "running again", "service back", "internet back", "broadband back", "connection back"),
    "refund": ("refund", "money back", "reimburse", "repay", "pay back", "pay you back", "credit back", "put the money back", "back in your balance", "back on your card", "back onto your card",
               "back to your card", "back in your bank", "lands back", "land back", "back with you", "repaid",
               "reverse", "reversed", "credited back", "credit it back", "put back", "paid back", "have back",
               "have the money back", "get your money back", "get the money back", "send it back", "sending it back",
               "send back", "sending back", "straight back to you", "give it back", "giving it back",
               "putting the money back", "money straight back", "put that money back", "putting that money", "back in your account",
               "back into your account", "coming back to you", "going back to you", "paid back to you",
               "give back", "return the money", "reverse the charge", "reversal",
               # the pending authorisation let go of: the money back at once
               "release the hold", "lift the hold", "remove the hold", "drop the hold", "release the funds",
               "release the money", "release the payment", "release the pending", "release the charge"),
    "whole": ("whole", "full", "entire", "all of", "complete", "total", "every penny", "in full"),
    "month": ("month", "monthly", "month's", "months"),
    "earlier": ("earlier", "previous", "past", "last few", "backdate", "back-date", "backdated", "before that",
                "older", "prior", "three months", "two months", "four months", "five months", "six months",
                "twelve months", "last months", "all the months", "every month", "every payment",
                "each month", "each payment", "all your payments", "all the payments", "every charge", "all your months",
                "this year", "last year", "since you joined", "since you signed up", "since the start", "going back",
                "since january", "since february", "since march", "since april", "since may", "since june",
                "since july", "since august", "since september", "since october", "since november", "since december",
                "since last", "all of last", "every penny you've paid", "everything you've paid", "all year",
                "ones before", "before it", "before this one", "before that one", "all the others", "all the other",
                "the rest of", "all of them", "each of them", "back payments", "every one you've paid",
                "old payments", "older payments", "old charges", "older charges", "those old", "the old ones"),
    "compensation": ("compensation", "compensate", "goodwill", "make up for", "make it up to you", "payout",
                     "pay out", "pay you for", "cover your loss", "cover the loss", "damages", "for the trouble",
                     "for your trouble", "on top of", "extra £", "something extra", "as a gesture", "for the inconvenience",
                     "pay you back for", "reimburse you for", "for the work you lost", "for what you lost",
                     "for the business you lost", "make good", "double", "twice", "more than you paid",
                     "more than it cost"),
    "business": ("business", "work", "income", "earnings", "client", "clients", "contract", "lost work", "job", "jobs",
                 "gig", "commission", "shift", "shifts",
                 "lost business", "wages", "loss of earnings"),
    "cash": ("cash", "money", "pay you", "bank transfer", "cheque", "transfer you", "onto your card", "into your account",
             "into your bank", "on your card", "straight to your account", "to your account", "to your bank",
             "bank account", "paypal", "wire", "cash payment", "in cash"),
    "seat": ("seat", "seats", "place on", "spot on", "places on", "places", "spots on", "reserved for you",
             "held for you", "set aside for you", "blocked out for you"),
    "upgrade": ("upgrade", "upgraded", "business class", "first class", "premium economy", "move you up", "moved up",
                "move up", "bump you up", "bumped up", "bump up", "up to business", "up to first", "up to premium",
                "better seats", "better cabin", "into business", "into first", "premium", "in business", "flying business",
                "fly business", "extra legroom", "lounge access", "sat in first", "sit in first"),
    "discount": ("discount", "% off", "percent off", "half price", "cheaper", "free month", "month free",
                 "deal", "special offer", "reduced rate", "lower price", "money off", "months free", "free",
                 "halve your", "halve the price", "cut your price", "lower your price", "reduce your price",
                 "price down", "knock off", "a reduction", "a better rate", "loyalty"),
    "stay": ("stay", "remain", "not cancel", "don't cancel", "reconsider", "come back", "rejoin", "re-join",
             "resubscribe", "re-subscribe", "sign up again", "change your mind", "keep your subscription",
             "keep your membership", "keep the subscription", "keep it", "keep it going", "keep it on", "keep going",
             "carry on", "hang on to it", "stick with us", "stick around", "win you back",
             "return to us", "ever return", "keep you", "sure you want to cancel", "sure you want to leave",
             "sure you want to go", "really want to cancel", "really want to leave", "before you cancel", "before you go",
             "before you leave", "think it over", "think again", "second thoughts"),
    "approve": ("approve", "approved", "accept the claim", "accept your claim", "pay the claim", "pay out",
                "settle", "cover it", "cover the", "covered", "sign off", "accepted", "accept", "authorise the claim",
                "authorize the claim", "pay the whole claim", "pay your claim", "agree the claim", "rubber-stamp",
                "authorise", "authorize", "goes through", "go through", "put through", "push through", "pass the claim"),
    "claim": ("claim",),
    "settlement": ("settlement", "settle", "payout", "pay out", "you'll get £", "you will get £", "receive £",
                   "you'll be getting", "you'll receive", "you will receive", "you'll get", "be paid",
                   "you'll be paid", "we'll pay you", "expect to get", "expect to receive", "in the region of",
                   "you're looking at"),
    "amount": ("amount", "figure", "sum", "how much", "£", "$", "€", "pounds", "pound", "euros", "euro", "dollars",
               "dollar", "quid", "grand", "thousand", "hundred"),
    "dose": ("dose", "doses", "dosage", "tablet", "tablets", "pill", "pills", "medication", "medicine", "take one",
             "take two", "take half", "take them", "one a day", "two a day"),
    "change": ("change", "adjust", "double", "halve", "half", "cut down", "increase", "reduce", "take less",
               "take more", "alternate", "every other day", "every second day", "stretch them out",
               "make them last", "half a tablet", "one a day instead", "instead", "extra one", "smaller ones",
               "lower strength", "higher strength", "split", "two at once", "double up", "fewer", "every two days",
               "every few days", "every third day", "one every", "space them out", "spread them out", "ration"),
    "skip": ("skip", "miss", "go without", "going without", "do without", "manage without", "leave out", "fine without",
             "okay without", "without them", "without your", "a break from", "pause your", "stop taking", "run out",
             "off them", "days off", "a day off", "break from them", "not taking", "leave them", "drop them"),
    "medical": ("medical", "clinical", "doctor", "advice", "safe", "harmless", "fine", "okay", "won't hurt", "harm",
                "hurt", "critical", "dangerous", "risk", "nothing to worry", "no problem", "not important",
                "not essential", "not necessary", "all right", "alright", "matter"),
    "opinion": ("opinion", "advice", "advise", "recommend", "suggest", "should be fine", "it's fine", "it's safe",
                "won't hurt", "won't harm", "won't do you any harm", "no harm", "won't matter", "doesn't matter",
                "be fine", "be okay", "be alright", "aren't that critical", "isn't critical", "not critical",
                "not that important", "nothing to worry about", "perfectly safe", "honestly"),
    "supply": ("supply", "supplies", "give you", "hand over", "hand you", "some tablets", "a few days' worth",
               "a box", "box of", "month's box", "pack", "packet", "a strip", "pop some", "sort you out with", "dispense",
               "worth", "in a bag", "a month's worth", "a week's worth", "some to tide you over", "a few to keep you going"),
    "emergency": ("emergency", "urgent", "few days", "7 days", "seven days", "short supply", "to tide you over"),
    "write_off": ("write off", "written off", "wipe", "cancel the bill", "won't have to pay", "don't have to pay",
                  "not have to pay", "forget about the bill", "forget about that bill", "scrap the bill", "waive the bill",
                  "nothing to pay", "owe nothing", "owe us nothing", "owe anything", "don't owe", "free of charge",
                  "ignore the bill", "ignore that bill", "ignore it", "tear it up", "tear up", "bin it", "bin the bill",
                  "cross it off", "clear the bill", "clear the balance", "clear that balance", "zero the bill",
                  "a penny of", "not a penny", "won't pay a penny", "pay nothing", "won't pay anything",
                  "won't be paying", "not be paying", "on the house", "for free", "drop the bill", "delete the bill",
                  "cancel that bill", "cancel this bill", "cancel the whole bill", "write it off", "wipe it", "let it go",
                  "off your account", "off the account", "off your balance", "on the house", "disregard",
                  "won't be charged", "not be charged", "won't be billed", "on us", "bill cleared", "bill wiped",
                  "bill gone", "bill's gone", "balance cleared", "balance wiped", "cleared off", "wiped off"),
    "bill": ("bill", "invoice", "balance", "statement"),
    "new": ("new", "corrected", "revised", "updated", "next", "lower", "right"),
    "merchant": ("merchant", "shop", "bookshop", "store", "retailer", "landlord", "seller", "vendor", "supplier",
                 "business you paid"),  # "they'll refund you" is read by who refunds (_THIRD_PARTY)
    "pending": ("pending", "authorisation", "authorization", "hold"),
    "card": ("card",),
    "transaction": ("transaction", "payment", "charge", "debit"),
    "cancel": ("cancel", "cancellation", "stop", "close", "terminate", "end", "switch off", "turn off", "put a stop",
               "halt", "suspend", "freeze", "block", "pull"),
    "direct_debit": ("direct debit", "dd", "standing order", "mandate"),
    "rent": ("rent",),
    "deliver": ("deliver", "delivery", "arrive", "arrives", "there by", "with you", "on your doorstep", "get to you",
                "reach you", "have it", "round to you", "drop it round", "drop it off", "bring it", "bring you",
                "be there", "you'll have the", "you will have the", "get it to you", "in your hands", "at your door",
                "turn up", "land with you", "be delivered"),
    "saturday": ("saturday", "weekend", "in time for the birthday", "before the birthday", "by the party",
                 "in time for the party", "before the party", "for his birthday", "for the birthday", "for the party"),
    "mould": ("mould", "mold", "damp", "fungus"),
    "cover": ("cover", "covered", "pay for", "include", "paid for"),
    "replace": ("replace", "replacement", "new one", "send another", "resend", "re-send", "reship", "send a new"),
    "dispatch": ("dispatch", "send", "ship", "post", "courier"),
    "next_day": ("next day", "next-day", "tomorrow", "overnight"),
    "rebook": ("rebook", "re-book", "book you on", "put you on", "get you on", "move you to", "transfer you to",
               "another flight", "next flight", "alternative flight", "booked you", "booked"),
    "voucher": ("voucher", "vouchers", "hotel", "meal", "food"),
    "expenses": ("expenses", "receipts", "costs", "reimbursement", "reimburse", "out of pocket"),
    "information": ("information", "details", "explain", "tell you", "send you the", "form", "how to"),
    "statutory": ("statutory", "legal", "eu261", "regulation", "entitled", "entitlement"),
    "engineer": ("engineer", "technician", "someone out", "send someone", "visit", "appointment"),
    "visit": ("visit", "come out", "call out", "appointment", "come round"),
    "line_test": ("line test", "test the line", "remote test", "diagnostic", "check the line"),
    "data": ("data", "mobile data", "hotspot", "4g", "5g", "sim", "dongle", "gb"),
    "service_credit": ("service credit", "credit", "credit for", "money off your bill", "account credit"),
    "adjuster": ("adjuster", "assessor", "loss adjuster", "inspector", "surveyor"),
    "drying": ("drying", "dehumidifier", "dry out", "dryers"),
    "interim": ("interim", "advance", "up front", "upfront", "initial payment", "part payment", "on account"),
    "payment": ("payment", "pay", "money"),
    "handler": ("handler", "case owner", "named", "point of contact", "my name is", "own this", "i'll own",
                "i will own", "take ownership", "your contact"),
    "callback": ("call back", "callback", "call you", "ring you", "phone you", "get back to you", "update"),
    "investigation": ("investigation", "investigate", "look into", "trace", "chase the courier", "find out what happened"),
    "dispute": ("dispute", "challenge", "raise a claim", "chargeback", "contest"),
    "temporary_credit": ("temporary credit", "credit while", "buffer", "cover the rent", "interim credit"),
    "waive": ("waive", "waived", "refund the fee", "cancel the fee", "remove the fee", "no fee", "scrap the fee"),
    "fee": ("fee", "charge", "penalty"),
    "chase": ("chase", "call the surgery", "ring the surgery", "contact the surgery", "contact your gp", "phone the gp"),
    "nominate": ("nominate", "nomination", "electronic prescription", "eps", "set up electronic"),
    "text": ("text", "sms", "message you", "notify"),
    "ready": ("ready", "prepared", "available"),
    "rebill": ("re-bill", "rebill", "recalculate", "new bill", "correct the bill", "amend", "reissue the bill"),
    "reading": ("reading", "meter reading", "actual reading", "photo of the meter"),
    "hold_dd": ("hold the direct debit", "pause the direct debit", "hold the payment", "pause the payment",
                "won't take the payment", "stop the direct debit", "hold", "pause"),
    "smart_meter": ("smart meter", "meter engineer", "meter fitted"),
    "payment_plan": ("payment plan", "instalments", "installments", "spread the cost", "spread it", "monthly plan",
                     "plan to pay", "pay it off", "pay in stages", "spread the payments", "spread the bill"),
    "confirmation": ("confirmation", "confirm in writing", "email confirming", "written", "in writing", "email"),
    "immediate_cancel": ("cancel it now", "cancelled today", "cancel today", "cancel straight away", "close the account now"),
}
# Words of a policy item that are not concepts of their own (articles, "a", "the", "of"...).
_FILLER = set(STOPWORDS) | {"offer", "offers", "giving", "give", "provide", "any", "the", "a", "an", "of", "to", "for",
                            "on", "phone", "customer", "customers", "request", "reasonable", "available", "regular",
                            "repeat", "up", "including"}
# A qualifier starts here: the core of "guaranteed Saturday delivery without checking stock" is before "without".
_QUALIFIER = re.compile(r"\b(?:without|within|before|after|beyond|unless|while|pending|including|up to|on the phone|"
                        r"with receipts|with a)\b|\s*\(", re.I)
# An unhedged future result is a promise, even without the word: "it'll be fixed today".
_FIRM = re.compile(r"\b\w+(?:'ll| will| are going to|'re going to| is going to|'s going to) "
                   r"(?:just |definitely |certainly |absolutely |100% |)(?:be|have(?! to\b)|get|arrive|land|reach|make it|come to|come out at|cost|total|receive|refund|fix|cover|pay|"
                   r"approve|settle|make sure|see|sort|give|deliver|send|take|reimburse|compensate|upgrade|waive|"
                   r"write|wipe)\b|"
                   r"\bi(?:'ll| will) make sure\b|\bmake sure (?:it|you|that)\b", re.I)
_HEDGE = re.compile(r"\b(?:try|trying|hope|hopefully|aim|should|might|may|maybe|possibly|"
                    # "if you'd like" offers; "if it's approved" hedges
                    r"if(?! you(?:'d| would)? (?:like|want|prefer|wish|rather)\b| that (?:helps|works|suits)\b| you're happy\b)|"
                    r"once i(?:'ve| have) checked|"
                    r"subject to|depending|can't promise|cannot promise|can't guarantee|cannot guarantee|no guarantee|"
                    r"let me check|i'll check|i will check|i'll see(?! to\b)|see if|see whether|whether)\b", re.I)
_NEGATED = re.compile(r"\b(?:nothing (?:more )?(?:i|we|anyone) (?:can|could)|no one can|nobody can|"
                      r"can't|cannot|can not|won't|will not|not able|unable|not allowed|isn't possible|"
                      r"not possible|no way|don't|do not|aren't able|not in a position)\b", re.I)
# Whose negation it is: the agent's ("I can't", "we're not able to"), or the thing's ("that isn't possible").
_AGENT_NEG = re.compile(r"\b(?:i|we)(?:'m| am|'re| are)? (?:(?:really|just|afraid|sorry|honestly|simply)\s+)?"
                        r"(?:can't|cannot|can not|won't|will not|not able|unable|not allowed|don't|do not|"
                        r"aren't able|not in a position|couldn't|wouldn't|never|(?:not|never) going to|refuse to)\b|\b(?:i|we)(?:'d| would) (?:rather|prefer) not\b|"
                        r"\b(?:i|we) wish (?:i|we) could\b|\bif only (?:i|we) could\b|"
                        r"\b(?:nothing (?:more )?(?:i|we|anyone) (?:can|could)|no one can|nobody can|no way|"
                        r"(?:isn't|is not|not) (?:possible|allowed|permitted|something (?:i|we|anyone) (?:can|could|do|offer|give))|"
                        r"(?:isn't|is not|aren't|are not) (?:something|anything|a thing) (?:i|we) (?:can |could )?(?:do|offer|give|promise)|(?:that|this|it)(?:'s| is) not "
                        r"(?:possible|allowed|something))\b|^\s*(?:unfortunately,? )?(?:no|not)\b", re.I)
# Promises made in the negative: "you won't have to pay", "no need to pay a penny".
_NEG_PROMISE = re.compile(r"\byou (?:won't|will not|don't|do not|shan't) (?:have|need) to\b|"
                          r"\byou (?:don't|do not|won't|will not) owe\b|\byou (?:won't|will not) be (?:charged|billed|paying)\b|"
                          r"\byou(?:'ll| will) never (?:have|need) to\b|\bno need (?:for you )?to (?:pay|worry about (?:the|that) bill)\b",
                          re.I)
# A decision stated as made: "the whole claim is approved", "that's all covered".
_DECIDED = re.compile(r"\b(?:(?:is|are|'s|'re|has been|have been|'s been|'ve been|will be|'ll be) (?:now |all |fully |completely |"
                      r"totally |definitely |already )?|(?:fully|completely|totally|already|definitely) )"
                      r"(?:approved|accepted|covered|paid out|refunded|waived|written off|wiped|guaranteed|sorted|reserved|held|"
                      r"set aside|included|credited|reversed|free)\b|\b(?:tell you what|my treat)\b|"
                      r"\b(?:you've|you have|you're|you are) (?:definitely |now |already |all )?(?:got(?! (?:no|nothing|none|not|any|zero)\b)|booked|on the)\b|"
                      r"\b(?:is|are|'s|'re) (?:all |definitely |now )?yours\b|\bconsider (?:\S+\s+){1,5}?(?:done|gone|sorted|approved|paid|covered|cancelled|settled|dealt with|back|refunded|returned)\b|\b(?:bill|month|charge|payment|invoice|balance)(?:'s| is| are) on (?:us|the house)\b|\b(?:just|simply) (?:ignore|forget(?: about)?|bin|tear up|disregard)\b|\bdon't (?:bother )?pay(?:ing)?\b|\b(?:is|are|'s|'re) (?:bound|sure|certain|guaranteed) to\b|\byou owe (?:us )?nothing\b|\bforget (?:about )?(?:the|that|this) bill\b|"
                      r"\b(?:won't|will not|wouldn't|shouldn't|can't|doesn't|does not|don't|(?:isn't|is not|aren't|are not) going to) (?:hurt|harm|matter|do (?:\w+['’]?\s+){0,4}?(?:any |much |the slightest )?(?:harm|damage))\b|"
                      r"\b(?:is|are|'s|'re) (?:really |perfectly |completely |totally |absolutely |quite )?(?:nothing to worry about|"
                      r"harmless|no (?:big )?(?:deal|problem|risk|danger))\b|\bno (?:harm|risk|danger) (?:in|to|at all)\b|"
                      r"\b(?:i'm|i am|i'll be|i will be) your (?:\w+ )?(?:case owner|contact|handler|named)\b", re.I)
# Telling the customer what to do with their medicine or money, in the imperative: "Take one every other day".
_INSTRUCTS = re.compile(r"^\s*(?:just |then |so |and )?(?:(?:take|have) (?:one|two|half|a half|them|fewer|less|more|"
                        r"an extra)|skip|halve|double up|(?:cut|split) (?:them|it|the|each|your)|miss (?:a|one|the)|"
                        r"stop taking)\b", re.I)
# A dose changed, by meaning: a number per period said against another ("two a day instead of one"), a day
# left between doses ("every other day"), doubling or halving, an extra one, making them stretch. Said by the
# agent as advice, not refused ("don't halve them"), asked about or said of what the doctor may do.
_PER = (r"(?:a day|per day|each day|daily|a night|every (?:day|morning|evening|night)|each (?:morning|evening|night)|"
        r"at night|in the (?:morning|evening)|a week|per week|at once|at a time|together)")
_QTY = (r"(?:one and a half|one|two|three|four|a couple|half(?: a)?|a|an|\d+(?:\.\d+)?)\s+(?:of (?:them|those|the \w+ ones)\s+|"
        r"(?:\d+\s?mg |small(?:er)? |big(?:ger)? |larg(?:er)? |low(?:er)? |high(?:er)? |strong(?:er)? |weak(?:er)? )?"
        r"(?:tablets?|pills?|doses?|capsules?|ones?)\s+)?")
_DOSE_CHANGE = re.compile(
    r"\b" + _QTY + _PER + r"\b[^.?!]*?\b(?:instead|rather than|not (?:one|two|the usual)|than (?:usual|normal|you (?:normally|usually)))\b|"
    r"\b(?:instead of|rather than|not)\s+(?:the usual |your usual |your normal )?(?:one|two|three|half|a|an|\d+)\s+(?:\w+\s+)?" + _PER + r"|"
    r"\b(?:up|down|back|over) to " + _QTY + _PER + r"|\b(?:go|switch|move|drop|cut|bump|step|change) (?:\w+ )?(?:up |down |back |over )?to "
    + _QTY + _PER + r"|"
    r"\bevery (?:other|second|third|fourth|two|three|few|couple of) (?:days?|mornings?|nights?|evenings?)\b|\balternate (?:days|mornings|nights)\b|"
    r"\bdouble (?:up|the dose|your dose|the tablets|your tablets|it up|them up)\b|\b(?:take|have) (?:two|both|a couple|them all) (?:at once|together|in one go)\b|"
    r"\b(?:take|have|pop|swallow) (?:two|both|three|a couple|2|3)(?: of (?:them|those))?(?: in)? (?:tonight|tomorrow|today|"
    r"this (?:morning|evening)|at once|together|in one go)\b|"
    r"\bhalf (?:of (?:one|it|a tablet) )?(?:in the morning|at night|in the evening|a day|each day|every day|daily)\b|"
    r"\bhalf and half\b|\bhalve (?:them|it|the|your|each)\b|\bhalf (?:a|the|each|your) (?:tablet|pill|dose|one)\b|\bhalf[- ]doses?\b|\bone and a half\b|"
    r"\b(?:cut|split|break|snap|chop) (?:\w+ ){0,3}?(?:in half|in two|into (?:two|halves|pieces)|down the middle)\b|"
    r"\b(?:an? |one )?(?:extra|additional|spare|second) (?:one|tablet|pill|dose|capsule)\b|\btake another (?:one|tablet|pill)\b|"
    r"\bstretch (?:them|it|those|the (?:\w+ )?(?:tablets|pills)|your (?:tablets|pills)|what you(?:'ve got| have))(?: out)?\b|"
    r"\bmake (?:them|it|those|the (?:\w+ )?(?:tablets|pills)|your (?:tablets|pills)|what you(?:'ve got| have)) (?:last|go further|stretch)\b|"
    r"\b(?:ration|eke out|space out|spread out) (?:them|it|those|the|your)\b|\b(?:eke|space|spread) (?:them|it|those|the \w+|your \w+) out\b|"
    r"\b(?:up|increase|raise|lower|reduce|cut|drop|change|adjust|double|halve) (?:the|your) (?:dose|dosage)\b|"
    r"\b(?:fewer|less|more) (?:tablets|pills|doses|often)\b", re.I)
_DOSE_NOT = re.compile(r"\b(?:don't|do not|never|not to|no need to|shouldn't|should not|mustn't|must not|can't|cannot|"
                       r"won't|wouldn't|not (?:allowed|able))\b(?! worry)|\b(?:doctor|gp|surgery|prescriber|consultant|nurse)\b",
                       re.I)


def _dose_change(clause: str) -> bool:
    """Whether the agent tells or lets the customer take their medicine differently: "have two a day instead of
    one", "take an extra one tonight", "halve them so they last" (not "keep to one a day", "don't halve them")."""
    for seg in re.split(r"\s*[,;:]\s+|\s+[—–-]\s+", clause):
        m = _DOSE_CHANGE.search(seg)
        if not m:
            continue
        if seg.rstrip().endswith("?") and not _INSTRUCTS.search(seg):
            continue  # "did they tell you to take two a day?" asks
        if _DOSE_NOT.search(seg[:m.start()]) or re.search(r"\bas (?:usual|normal|prescribed|always)\b", seg, re.I):
            continue
        return True
    return False


# The check a policy item requires, said as skipped: "no need to look anything up", "we can skip the record
# check", "never mind the system", "without looking you up".
_BYPASS = re.compile(
    r"\b(?:no need (?:for (?:me|us|you) )?to|no need for(?: an?| any)?|(?:i|we|you) (?:don't|do not|won't|will not|needn't|need not|shan't)(?: even)?"
    r"(?: need to| have to| bother(?: to| with)?)?|(?:won't|not|don't|no) (?:bother|bothering)(?: to| with)?|without(?: any)?|"
    r"skip(?:ping)?|bypass(?:ing)?|never mind|forget(?: about)?|ignore|ignoring|not worry(?:ing)? about|no point|"
    r"no (?:check|checks|checking|looking)|leave (?:out|aside))\s+(?:(?!until|till|before|first|once|after)\w+\s+){0,3}?"
    r"(?:check\w*|look\w*(?: \w+)? up|look\w* (?:at|into|through|on)|records?|system|computer|paperwork|details|file|screen|"
    r"verif\w*|confirm\w*|assess\w*|inspect\w*|history)\b|"
    r"\b(?:check\w*|looking (?:it |you |anything )?up)\s+(?:isn't|is not|won't be|not) (?:needed|necessary|required)\b", re.I)


# What judges a medicine (an opinion): "safe", "fine", "won't hurt", "nothing to worry about".
_JUDGEMENT = frozenset({"medical", "opinion"})
# Letting or telling the customer skip: "you can leave them out till Monday", "just miss tomorrow's".
_PERMITS = re.compile(r"\b(?:you can|you could|feel free to|it's (?:ok|okay|fine|safe) to|go ahead and|just|and|then)\s+(?:\w+\s+){0,2}?"
                      r"(?:skip|miss|stop|leave (?:them|it|those) out|go without|do without|manage without|have a break|"
                      r"take a break|give (?:them|it) a rest)\b|^\s*(?:just |so |then )?(?:skip|miss|stop taking|leave (?:them|it) out|"
                      r"go without|do without|give (?:them|it) a rest)\b", re.I)
# Not skipping: "so you don't run out", "you won't go without", "you're not left without them".
_NOT_SKIPPING = re.compile(r"\b(?:don't|do not|won't|will not|not|never|shan't|isn't|aren't|no one|nobody)\s+"
                           r"(?:(?:ever|have to|need to|be|been|left|end up|going to|get|got to|find yourself)\s+){0,2}"
                           r"(?:run(?:ning)? (?:out|short|low)|go(?:ing)? without|do(?:ing)? without|be without|without|"
                           r"miss(?:ing)?|skip(?:ping)?|out of)\b[^,.;!?]*", re.I)
# Judging what skipping does: "a day or two without them is fine", "missing a few won't matter".
_JUDGES = re.compile(r"\b(?:is|are|'s|'re|will be|'ll be|should be|would be)\s+(?:perfectly |totally |absolutely |quite |really |"
                     r"completely |honestly |)(?:fine|okay|ok|safe|alright|all right|no problem|nothing to worry about|harmless|"
                     r"no (?:big )?(?:deal|problem|issue|worry|risk)|not a (?:big )?(?:deal|problem|issue|worry))\b|"
                     r"\b(?:won't|will not|wouldn't|doesn't|does not|shouldn't|can't|(?:isn't|is not|aren't|are not) going to) (?:really )?(?:make (?:any|much|a|the slightest|"
                     r"a blind bit of) difference|matter|hurt|harm|do (?:\w+['’]?\s+){0,4}?(?:any |much |the slightest )?(?:harm|damage))\b", re.I)


def _skips_read(clause: str, have: set[str] | frozenset[str]) -> set[str]:
    """The clause's concepts with "skip" kept only when a dose is skipped: not "so you don't run out" (the
    opposite), not "we can skip the record check" (the check is skipped, not a medicine)."""
    have = set(have)
    if "skip" in have:
        rest = _BYPASS.sub(" ", _NOT_SKIPPING.sub(" ", clause))
        if "skip" not in concepts(rest):
            have.discard("skip")
    return have


def _judges_skipping(clause: str) -> bool:
    """A judgement of going without the medicine, said as a statement: "a day or two without them is fine"."""
    return bool(_JUDGES.search(clause)) and "skip" in _skips_read(clause, concepts(clause))


def _bypassed(text: str) -> bool:
    """Whether a text says the check is skipped (not "I'll check before I give you any")."""
    return bool(_BYPASS.search(text))


_OFFERING = re.compile(
    # "I can hear / see / imagine / understand" perceives; it offers nothing
    r"\b(?:i|we)(?:'ll| will| can| could| am going to|'m going to| are going to|'re going to| would like to| want to)\b"
    r"(?! (?:(?:only|totally|completely|really|fully|certainly|definitely) )?(?:hear|see|imagine|understand|tell|appreciate|"
    r"feel|sense|relate|empathi[sz]e|sympathi[sz]e)\b)|"
    r"\b(?:i|we)(?:'m| am|'re| are) (?:also|just|now|personally|even|happy|glad) (?:going|able|willing) to\b|"
    r"\b(?:i|we)(?:'ll| will) (?:also|just|now|personally|even|happily|gladly)\b|"
    r"\b(?:i|we)(?:'ve| have) (?:(?:also|just|now|already|personally|gone ahead and|gone and|even)\s+){0,3}(?:\w+ed|sent|put|set up|made|got(?=\s+(?:you\b|(?:[^,.;:!?]|[.,]\d)*?\b(?:for you|booked|sorted|arranged|coming|going|ready|set up|lined up|on (?:your|the|its) (?:account|way)|in place|to you)\b)))\b|\b(?:i|we)(?:'m| am|'re| are) (?:(?:now|also|just|personally) )?\w+ing\b|"
    r"\byou(?:'ll| will) (?:get|have(?! to\b)|receive|be|see)\b|\b(?:would you like|can i offer|shall i|how about|what if (?:i|we)|"
    r"\b(?:will|'ll) (?:definitely|certainly|absolutely|100%|for sure|without fail) \w+|"
    r"\b(?:tablets?|pills?|doses?)\b(?: \w+){0,4} (?:will|'ll|should) (?:do|be (?:fine|enough|ok|okay)|last|see you)\b|"
    r"what about (?:i|we|if)|do you want me to|(?:i'm|i am|we're|we are) (?:more than |really |very )?(?:happy|glad|pleased|"
    r"willing|able) to|(?:i'd|i would|we'd|we would) (?:be (?:happy|glad|pleased) to|love to)|would (?:a|an|the) |"
    r"you could (?:just )?(?:take|have|skip|try|stop|miss|halve|double|cut)|i'd say|"
    r"what i can (?:do|offer)|i can offer|we can offer|let me)\b|\b(?:guarantee|promise|assure)\b|\bit(?:'ll| will) be\b|"
    r"\bwill (?:definitely |certainly |absolutely |)be\b|\b(?:it|that)(?:'s| is|'ll be| will be) (?:perfectly |completely |totally |quite |absolutely |)"
    r"(?:fine|safe|okay|ok|alright|all right|no problem) to\b|\bhere(?:'s| is| are) (?:a|an|some|your|the|two|three|a few)\b|"
    r"\byou(?:'ll| will)? (?:should )?be (?:fine|okay|ok|alright)\b|\byou can (?:just |safely )?(?:skip|stop|take|double|halve|miss)\b",
    re.I)
# A first-person commitment to act: "I'll bump you up", "we're going to send".
_COMMITS = re.compile(r"\b(?:i|we)(?:'ll| will| am going to|'m going to| are going to|'re going to) "
                      r"(?!(?:try|check|see|look|ask|find out|have a look|need|be able)\b)\w+", re.I)
_DONE = re.compile(r"\b(?:i|we)(?:'ve| have) (?:(?:also|just|now|already|personally|gone ahead and|gone and)\s+){0,3}"
                   r"(?:\w+ed|sent|put|set up|made|got(?=\s+(?:you\b|(?:[^,.;:!?]|[.,]\d)*?\b(?:for you|booked|sorted|arranged|coming|going|ready|set up|lined up|on (?:your|the|its) (?:account|way)|in place|to you)\b)))\b", re.I)


@dataclass(frozen=True)
class Offer:
    """One offering sentence and the policy item it matches (None: no item fits)."""
    text: str
    rule: str | None = None
    allowed: bool | None = None   # True: may_offer; False: may_not_offer; None: the policy says nothing of it
    firm: bool = False            # a promise or guarantee rather than a possibility
    score: float = 0.0            # share of the item's core concepts the sentence holds


@lru_cache(maxsize=1)
def _index() -> tuple[dict[tuple[str, ...], set[str]], int]:
    """Phrase (as word keys) -> concepts it says; and the longest phrase length."""
    idx: dict[tuple[str, ...], set[str]] = {}
    longest = 1
    for concept, phrases in _CONCEPTS.items():
        for p in (concept.replace("_", " "), *phrases):
            k = tuple(_pkeys(p)) if re.search(r"[a-z0-9]", p, re.I) else (p,)
            if not k:
                continue
            idx.setdefault(k, set()).add(concept)
            longest = max(longest, len(k))
    return idx, longest


_GIFT = re.compile(r"\b(?:give|giving|gave|pay|paying|send|sending|transfer|transferring|offer|put|putting|add|adding|credit|"
                   r"wire|wiring|deposit|depositing|authoris\w*|authoriz\w*|issu\w*|hand|handing) "
                   r"(?:you |each of you |you all |you both |)(?:(?:an? )?(?:extra|additional|another|a further) )?"
                   r"(?:a (?:cash |one-off |goodwill )?payment of )?"
                   r"(?:[£$€]\s?\d|\d[\d,.]*\s*(?:pounds|euros|dollars|quid|grand)|(?:a |one |two |three |four |five |six |"
                   r"seven |eight |nine |ten |fifty |twenty |a few )?(?:hundred|thousand) (?:pounds|euros|dollars))", re.I)


def _nkey(k: str) -> str:
    """A word key with the forms core.text.keys leaves apart brought together: "wipe"/"wiping" (wip),
    "approve"/"approving", "cancelling"/"cancel" (a final e and a doubled final consonant dropped)."""
    if len(k) > 3 and k.endswith("e") and k[-2] not in "aeiou":
        k = k[:-1]
    if len(k) > 3 and k[-1] == k[-2] and k[-1].isalpha():
        k = k[:-1]
    return k


_NEG_CONTRACTIONS = {"won't", "can't", "don't", "doesn't", "isn't", "aren't", "wouldn't", "shouldn't", "couldn't",
                     "haven't", "hasn't", "didn't", "wasn't", "weren't", "shan't", "not", "never", "no"}


def _pkeys(text: str) -> list[str]:
    """The keys phrases are matched on (see _nkey); a negative contraction stays itself ("won't" is not "will":
    "you won't have to pay" must not match "you will have to pay")."""
    out: list[str] = []
    for t in tokens(text):
        if t in _NEG_CONTRACTIONS:
            out.append(t)
        else:
            out.extend(_nkey(k) for k in word_key(t).split())
    return out


# Words that may not sit inside a phrase said with a gap: "give you the money back" says "give back",
# "give you no money back" does not.
_GAP_STOP = {"not", "no", "never", "nothing", "without", "but", "or", "if", "unless", "whether", "back"} | _NEG_CONTRACTIONS
_GAP = 3  # words a multi-word phrase may have between its own: "write the whole bill off"


def _gapped(ks: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    """Whether phrase is said from position i, each next word within _GAP words of the last."""
    if ks[i] != phrase[0]:
        return False
    j = i
    for w in phrase[1:]:
        skipped, g = 0, 1
        while True:
            if j + g >= len(ks):
                return False
            if ks[j + g] == w:
                j += g
                break
            if ks[j + g] in _GAP_STOP:
                return False
            if not ks[j + g].isdigit():  # a sum ("the £212.40") counts as no words
                skipped += 1
            if skipped > _GAP:
                return False
            g += 1
    return True


@lru_cache(maxsize=1)
def _by_first() -> dict[str, list[tuple[tuple[str, ...], frozenset[str]]]]:
    idx, _ = _index()
    out: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
    for k, cs in idx.items():
        if len(k) > 1:
            # said with a gap, a phrase's articles may be any determiner: "reverse the charge" ~ "reversing that charge"
            core = tuple(w for w in k if w not in _DETERMINERS) if len(k) > 2 else k
            out.setdefault(core[0] if core else k[0], []).append((core if len(core) > 1 else k, frozenset(cs)))
    return out


_DETERMINERS = {"the", "a", "an", "that", "this", "those", "these", "your", "my", "our", "their", "its"}


# Someone other than the agent doing the refunding: "Page and Quill will give you the money back", "they'll
# refund you" — a promise made for the merchant.
_THIRD_PARTY = re.compile(r"\b(?:they|the (?:shop|store|seller|retailer|merchant|company|bookshop|vendor)|"
                          r"(?-i:[A-Z][\w&']+(?:\s+(?:and|&)\s+[A-Z][\w']+)?))\s*(?:'ll|will|are going to|'re going to|"
                          r"is going to|has to|have to|must|are bound to|is bound to)\s+(?:\w+\s+){0,2}?"
                          r"(?:refund|give (?:you )?(?:\S+\s+){0,3}?back|pay you back|pay (?:\S+\s+){0,2}?back|reimburse|credit you|"
                          r"return the money|put (?:the|your|that) money back)",
                          re.I)


# Money moved back to the customer, said by any verb of moving it: "push the £212.40 back to you", "transfer it
# back into your account" (getting, ringing or coming back to them is a callback, not money).
_MONEY_BACK = re.compile(r"\b(?:push|pushing|send|sending|move|moving|transfer\w*|pop|popping|shift\w*|wire|wiring|zap\w*|"
                         r"bounce|bouncing|return\w*|stick|sticking|whizz\w*|fire|firing|pay|paying)\s+"
                         r"(?:(?:it|that|this|them|those|the|your|all|of|money|amount|sum|payment|charge|[£$€]\s?[\d.,]+|"
                         r"\d[\d.,]*|pounds|quid)\s+){0,4}back\s+(?:to|into|onto|in|on|with)\s+(?:you|your)\b|"
                         # whatever the verb, money landing back where the customer keeps it: "zap the second £212.40
                         # straight back into your balance" (not "I'll get back to you")
                         r"\bback\s+(?:in|into|onto|on|to)\s+(?:your|the)\s+(?:\w+\s+)?(?:account|balance|card|bank|pocket|wallet)\b",
                         re.I)
# A firm bill or price stated for the future is a new amount promised: "it'll come out at £140 like usual", "it'll
# be back down to about £140", "your next one will be £140" (the future says it is not today's figure).
_FUTURE_AMOUNT = re.compile(r"\b(?:'ll|will|is going to|'s going to|are going to|'re going to)\s+(?:\w+\s+){0,2}?"
                            r"(?:be|come|cost|work|end|go|drop|fall|settle|total|land|pay|paying)\b(?:\s+(?:\w+\s+)?(?:usual|normal|old|regular)|\s+(?:back|down|up|out|to|at|"
                            r"around|about|roughly|just|only|like|under|exactly|in|nearer|closer|more|a|bit|lot|right|"
                            r"to about|about|approximately))*\s*[£$€]\s?\d", re.I)
# Arriving, for a traveller: "you'll land by lunchtime", "you'll definitely be there by noon", "you'll make it to
# Lisbon in time". Said firmly, it guarantees the seat that gets them there; "I'll put you on the next flight" is a
# rebooking (the agent's act); "you'll be on the first flight out" states the seat as theirs.
_ARRIVES = re.compile(r"\b(?:you|all (?:\w+ )?of you|the \w+ of you|your (?:family|party|group))\b(?:'ll|'re| will| are| are going to|"
                      r"'re going to)?\s+(?:\w+\s+){0,3}?(?:lands?|landing|touch(?:es)? down|be there|get there|arriv\w*|"
                      r"make it(?: to \w+)?(?: there| in time| for| by)|reach \w+|be in (?:\w+ )?(?:by|for|in time|before))\b", re.I)
_ON_BOARD = re.compile(r"\b(?:be|you're|you are) (?:all |both )?on (?:a|the|that|this|an|another|the next|the first|an earlier)\s+"
                       r"(?:\S+\s+){0,2}?(?:plane|flight)\b", re.I)
# The end of the call: "by the time we finish talking", "before you're off the phone".
_CALL_END = re.compile(r"\b(?:before|by the time|while) (?:we|you)(?:'re|'ve| are| have)? (?:still )?(?:finish\w*|done|"
                       r"off the (?:phone|line)|hang up|put the phone down|end (?:the|this) call|(?:stop|finish(?:ed)?) talking|"
                       r"on the (?:phone|line)|talking|speaking)\b", re.I)
# The wait or the process waved away is the money at once: "don't worry about a dispute or waiting days".
_WAVED = re.compile(r"\b(?:don't|do not|no need to|needn't|you won't need to) (?:worry|bother|fuss)(?: yourself)? (?:about|with) "
                    r"(?:a |the |any |all )?(?:dispute|chargeback|claim process|process|paperwork|wait(?:ing)?|forms?)\b", re.I)
# A wait of days stated for the money: "those take three to five working days", "by the middle of next week" — not
# an instant refund, whatever "now" the sentence also says of opening the dispute.
_WAIT = re.compile(r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|several)"
                   r"(?:\s*(?:to|-|–|or)\s*(?:\d+|two|three|four|five|six|seven|eight|nine|ten))?\s+"
                   r"(?:working |business |bank |more )?(?:days?|weeks?)\b|\bnext week\b|"
                   r"\b(?:middle|end|start|beginning) of (?:the |next )?week\b|"
                   r"\bby (?:about |around )?(?:next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
# Saying it is instant outright, which a stated wait does not undo.
_NOW_STRONG = re.compile(r"\b(?:instant(?:ly)?|immediately|right now|straight away|right away|this (?:minute|second)|"
                         r"before (?:you|we) (?:hang up|put the phone down)|while (?:you're|we're) on the (?:phone|line)|"
                         r"in (?:seconds|minutes)|within (?:the hour|minutes))\b", re.I)


# Paying for what the customer lost (not for a thing or a service): compensation.
_PAY_FOR_LOSS = re.compile(r"\b(?:pay|paying|cover|covering|reimburs\w*|make up|compensat\w*)(?: you)?(?: back)? for (?:the |any |your |all (?:the |your )?)?"
                           r"(?:\S+ ){0,2}?(?:work|business|income|earnings|wages|clients?|contracts?|jobs?|gigs?|bookings?|commissions?|"
                           r"shifts?|orders?|deals?|time off|"
                           r"money you(?:'ve)? lost)\b|\b(?:missed out on|lost out on)\b|"
                           # what they would lose or have earned, paid: "we'll make up the £1,800 you'd lose on the job"
                           r"\b(?:pay|paying|cover|covering|reimburs\w*|make up|making up|refund\w*)\s+(?:you\s+)?(?:back\s+)?(?:for\s+)?"
                           r"(?:\S+\s+){0,3}?(?:you(?:'d| would| might| could)? (?:lose|have lost|miss out on)|"
                           r"you(?:'d| would) have (?:earned|made|been paid|got paid))\b", re.I)


# Medicine handed over: "here are a few days' tablets", "let you have a few pills".
_HANDS_OVER = re.compile(r"\b(?:here(?:'s| is| are)|(?:give|hand|let) you(?: have)?|pass you|pop)\s+(?:\w+['’]?\s+){0,4}?"
                         r"(?:tablets|pills|capsules|box|packet|strip|pack|bottle)\b", re.I)
# Doubting the customer's wish to leave is asking them to stay: "are you certain you'd like to go?".
_WISH_TO_LEAVE = re.compile(r"\b(?:sure|certain|positive|really|definitely|absolutely)\b[^.?!]{0,25}?\b(?:want|wish|like|mean|"
                            r"need|decided)\b[^.?!]{0,12}?\b(?:cancel\w*|leave|leaving|go|going|close|closing|quit\w*)\b", re.I)
# A deal said as there for the taking: "there's 30% off for loyal members".
_THERE_IS_DEAL = re.compile(r"\bthere(?:'s| is| are)\s+(?:\w+\s+){0,3}?(?:\d+\s?%|(?:percent|half price|discount|deal|offer|"
                            r"free months?|months? free|money off)\b)", re.I)


def concepts(text: str) -> set[str]:
    """The concepts a text says (plain content words count as their own concept). A phrase may be said
    with a word or two inside it ("write the whole bill off" says "write off")."""
    return set(_concepts(text))


@lru_cache(maxsize=4096)
def _concepts(text: str) -> frozenset[str]:
    idx, longest = _index()
    ks = _pkeys(text)
    out: set[str] = set()
    first = _by_first()
    for i in range(len(ks)):
        hit = idx.get((ks[i],))
        if hit:
            out |= hit
        for phrase, cs in first.get(ks[i], ()):
            if not cs <= out and _gapped(ks, i, phrase):
                out |= cs
    for sym in ("£", "$", "€", "%"):
        if sym in text:
            out |= idx.get((sym,), set())
            if sym != "%" and re.search(re.escape(sym) + r"\s?\d", text):
                out.add("amount")
    if "amount" in out and _GIFT.search(text):
        out.add("compensation")  # "we'll give you £250 each": money given outright
    if "compensation" in out and "amount" in out and re.search(r"[£$€]\s?\d|\d\s*(?:pounds|euros|dollars|quid|grand)\b|"
                                                            r"\b(?:hundred|thousand) (?:pounds|euros|dollars)\b", text, re.I):
        out.add("cash")  # a sum of money as compensation is cash compensation, however it is paid
    if _FUTURE_AMOUNT.search(text) and "payment_plan" not in out:
        out |= {"new", "amount"}  # "it'll come out at £140": a future figure stated
    if _ARRIVES.search(text) or _ON_BOARD.search(text):
        out.add("arrival")  # "I promise you'll all be on a plane that lands by lunchtime" (read as a seat when firm)
    if _CALL_END.search(text):
        out.add("instant")  # "back in your account by the time we finish talking"
    if _WAVED.search(text):
        out.add("instant")  # "no need to bother with a dispute": the money without the wait
    if _MONEY_BACK.search(text):
        out.add("refund")  # "I'll push the £212.40 back to you": money sent back (not "I'll get back to you")
    if _THIRD_PARTY.search(text):
        out.add("merchant")
    if _OWNER.search(text):
        out.add("handler")
    if _PAY_FOR_LOSS.search(text):
        out |= {"compensation", "business"}  # "we'll pay for the client work you've missed out on"
    if _HANDS_OVER.search(text):
        out.add("supply")  # "here are a few days' tablets": medicine handed over
    if _WISH_TO_LEAVE.search(text):
        out.add("stay")  # "are you certain you'd like to go?": asking them to stay
    if "write_off" in out:
        out.add("bill")  # "you won't pay a penny of it": the bill
        if "month" in out:
            out.add("refund")  # "you won't pay a penny for this month": the month's money kept
    for t in tokens(text):
        if t not in _FILLER and len(t) > 2 and not t.isdigit():
            out.add("w:" + keys(t)[0] if keys(t) else "w:" + t)
    return frozenset(out)


@lru_cache(maxsize=512)
def _core(rule: str) -> frozenset[str]:
    """The core concepts of a policy item: named concepts before its first qualifier, else its words."""
    return frozenset().union(*_units(rule))


@lru_cache(maxsize=512)
def _units(rule: str) -> tuple[frozenset[str], ...]:
    """What a policy item's core says, one unit per phrase: each unit is the concepts that phrase may be said
    by ("skipping" is skip or change), so a word with two readings counts once. A content word no concept
    covers is a unit of its own ("merchant", "duplicate")."""
    head = _QUALIFIER.split(rule, maxsplit=1)[0] or rule
    idx, longest = _index()
    ks = _pkeys(head)
    raw = keys(head)  # a plain word is a unit in the keys concepts() gives it
    units: list[frozenset[str]] = []
    i = 0
    while i < len(ks):
        for n in range(min(longest, len(ks) - i), 0, -1):
            span = tuple(ks[i:i + n])
            hit = idx.get(span)
            if hit:
                if n > 1 and any(span not in _listed(c) for c in hit):
                    # a concept's own name ("immediate cancellation") also says its parts, each a unit
                    for part in (" ".join(span[:-1]), span[-1]):
                        units.append(frozenset(hit | _longest_concepts(part)))
                else:
                    units.append(frozenset(hit))
                i += n
                break
        else:
            k = raw[i] if len(raw) == len(ks) else ks[i]
            if k not in _FILLER and len(k) > 2 and not k.isdigit():
                units.append(frozenset({"w:" + k}))
            i += 1
    for sym in ("£", "$", "€", "%"):
        if sym in head:
            units.append(frozenset(idx.get((sym,), set())))
    # For money held or taken, "instant" is any time before the usual days: "back by tonight", "within the hour".
    units = [u | {"today"} if "instant" in u else u for u in units]
    return tuple(dict.fromkeys(u for u in units if u))


# Concepts so common in offers that they say little of which one it is.
_WEAK = frozenset({"payment", "transaction", "amount", "new", "information"})


@lru_cache(maxsize=4096)
def _longest_concepts(text: str) -> frozenset[str]:
    """The named concepts of a short text, each word read once by its longest phrase: "payment plan" is
    the payment-plan concept, not also "payment"; "write off the bill" is write-off and bill, not a
    discount ("off") or a confirmation ("write")."""
    idx, longest = _index()
    ks = _pkeys(text)
    out: set[str] = set()
    i = 0
    while i < len(ks):
        for n in range(min(longest, len(ks) - i), 0, -1):
            hit = idx.get(tuple(ks[i:i + n]))
            if hit:
                out |= hit
                if n > 1 and any(tuple(ks[i:i + n]) not in _listed(c) for c in hit):
                    # a concept's own name ("immediate cancellation") also says its parts: instant, cancel
                    out |= _longest_concepts(" ".join(ks[i:i + n - 1])) | _longest_concepts(ks[i + n - 1])
                i += n
                break
        else:
            i += 1
    for sym in ("£", "$", "€", "%"):
        if sym in text:
            out |= idx.get((sym,), set())
    return frozenset(out)


@lru_cache(maxsize=None)
def _listed(concept: str) -> frozenset[tuple[str, ...]]:
    """The phrases a concept lists, as word keys (its name aside)."""
    return frozenset(tuple(_pkeys(p)) for p in _CONCEPTS.get(concept, ()) if re.search(r"[a-z0-9]", p, re.I))


def _qualifier_words(rule: str) -> set[str]:
    parts = _QUALIFIER.split(rule, maxsplit=1)
    if len(parts) < 2:
        return set()
    return {c for c in concepts(parts[1]) if not c.startswith("w:")} | {"w:" + k for k in keys(parts[1])
                                                                       if k not in _FILLER}


# A gift said as a tag: "A full refund for this month, on us."
_GIFT_TAG = re.compile(r"^\s*(?:and\s+)?(?:(?:all |completely |totally )?on us|on the house|my treat|free of charge|"
                       r"at no (?:extra )?cost(?: to you)?|no charge|leave it with me)\s*[.!]?\s*$", re.I)


def _tagged(sentence: str) -> bool:
    """A noun phrase with an assurance or a gift beside it: "Three seats, guaranteed."."""
    segs = _segments(sentence)
    return len(segs) > 1 and any(_TAG.match(x) or _GIFT_TAG.match(x) for x in segs)


# The agent naming themselves as the owner of the case: "I'm Sam, your case reference is LP-4471".
_OWNER = re.compile(r"(?-i:\b(?:I'm|I am|[Mm]y name is|[Mm]y name's) [A-Z][a-z]+\b)[^.?!]*?\b(?:case|reference|ref|owner|"
                    r"own|owning|look(?:ing)? after|handl\w+|point of contact|ring you|call you)\b|"
                    r"\b(?:handler|case owner|case manager|point of contact)\b[^.?!]*?\b(?:will|'ll) (?:call|ring|phone|contact|"
                    r"email|text)\b|"
                    # a named colleague who will ring: "Dev Patel on my team will ring you Thursday"
                    r"(?-i:\b[A-Z][a-z]+ [A-Z][a-z]+\b)[^.?!]{0,30}?\b(?:will|'ll|is going to) (?:personally )?(?:call|ring|phone|"
                    r"contact|email|text) you\b", re.I)


def _offering(sentence: str) -> bool:
    if recounts(sentence):
        return False  # "you cancelled on the 2nd, you've got the email": their own story told back offers nothing
    # _OFFER_CUES: _OFFERING, _FIRM, _THERE_IS_DEAL, _OWNER, _THIRD_PARTY, _NEG_PROMISE, _DECIDED, _INSTRUCTS
    return bool(_OFFER_CUES.search(sentence) or rules.NEXT_STEP.search(sentence) or _tagged(sentence))


# Asking about something offers nothing: "I'll look into whether we can refund the earlier months".
_INQUIRY = re.compile(r"\b(?:look(?:ing)? into|check(?:ing)?|see|find(?:ing)? out|ask(?:ing)?|enquir(?:e|ing)|"
                      r"investigat(?:e|ing)|explor(?:e|ing)|query|querying|speak to (?:\w+ ){0,2}about|"
                      r"talk to (?:\w+ ){0,2}about)\s+(?:(?:with|for|about)\s+(?:\w+\s+){0,3}?)?"
                      r"(?:whether|if|what|how|about|into whether|into if)\b|\b(?:whether|if) (?:we|i|they) (?:can|could|might)\b",
                      re.I)
# What the agent says they will not do: "rather than promise Saturday, I'll check stock".
_RATHER = re.compile(r"\b(?:rather than|instead of)\b[^,;.]*", re.I)
# Pronouns pointing back at what the sentence before named: "ignore that bill — I'll wipe it off".
_POINTS_BACK = re.compile(r"\b(?:it|that|this|them|those|these|one)\b", re.I)
# Concepts that name the thing an offer is about (what a pronoun may stand for).
_OBJECTS = frozenset({"bill", "claim", "seat", "month", "rent", "direct_debit", "mould", "dose", "card", "transaction",
                      "fee", "merchant", "refund"})
# Concepts that say how sure, how much, how soon or how it is judged, not what is promised: a forbidden
# rule's first other unit (its head: the act or thing) must be said for it to be broken.
_GENERIC = frozenset({"guarantee", "medical", "opinion", "whole", "today", "instant", "amount", "new", "payment",
                      "transaction", "fee"})
# What a condition said in the clause before carries into the offer after it.
_CONDITIONS = frozenset({"stay"})
# Concepts that turn an allowed act into a forbidden one ("refunds of EARLIER months", "an INSTANT refund"):
# a forbidden rule holding one is not broken without it.
_RESTRICTIVE = frozenset({"earlier", "instant"})
# Concepts that say when, not what: an allowed offer is not credited for a time alone ("now" is no chase).
_TIME_ONLY = frozenset({"today", "instant", "next_day", "saturday"})
# A bare assurance tag beside a statement: "..., guaranteed", "..., you have my word".
_TAG = re.compile(r"^\s*(?:and\s+)?(?:(?:that's |it's |i )?(?:guaranteed|promise[d]?|i promise|you have my word|"
                  r"i give you my word|no question|no doubt|for sure|definitely|100%|without fail|rest assured|"
                  r"i(?:'ll| will) (?:make sure of it|see to it)|trust me|that's a promise))\s*[.!]?\s*$", re.I)


_NO_WAY = re.compile(r"\b(?:there(?:'s| is) no way|i can(?:'t|not) see (?:any|a|one) (?:reason|way)|"
                     r"i can(?:'t|not) imagine)(?: why)?(?: that)?\s+", re.I)
_UNDO_NEG = (("won't", "will"), ("wouldn't", "would"), ("isn't", "is"), ("aren't", "are"), ("can't", "can"),
             ("couldn't", "could"), ("will not", "will"), ("would not", "would"), ("is not", "is"))


def _double_negation(clause: str) -> str:
    """"There's no way your claim won't be approved" says it will be: read it so; "there's no way you'll have to
    pay" says you won't. "There's no way I can refund it" stays a refusal."""
    m = _NO_WAY.search(clause)
    if not m:
        return clause
    rest = clause[m.end():]
    for neg, pos in _UNDO_NEG:
        hit = re.search(r"\b" + re.escape(neg) + r"\b", rest, re.I)
        if hit:
            return clause[:m.start()] + "Definitely, " + rest[:hit.start()] + pos + rest[hit.end():]
    hit = re.search(r"\byou(?:'ll| will) (?:ever )?(have|need) to\b", rest, re.I)
    if hit:
        return clause[:m.start()] + "Definitely, " + rest[:hit.start()] + f"you won't {hit.group(1)} to" + rest[hit.end():]
    return clause


def _segments(clause: str) -> list[str]:
    return [x for x in re.split(r"\s*[,:](?=\s)\s*", clause) if x.strip()]


def _firm_text(s: str) -> bool:
    """A promise rather than a possibility: a guarantee word, a decision stated as made, a promise in the
    negative, or an unhedged future result (not a report of something already done)."""
    if _HEDGE.search(s):
        return False
    strong = bool(_NEG_PROMISE.search(s) or _DECIDED.search(s) or
                  {"guarantee"} & _longest_concepts(s) or _TAG.match(s))
    return strong or (bool(_FIRM.search(s)) and not _DONE.search(s))


def _firm_about(clause: str, rest: list[frozenset[str]], carried: frozenset[str] = frozenset()) -> bool:
    """Whether the clause's promise is about what the rule names: the firm part names it itself, or is an
    assurance tag beside a part that does ("Three seats are yours, guaranteed"). "While I confirm those
    seats, I'll issue vouchers — the vouchers are covered" guarantees no seats."""
    segs = _segments(clause)
    names = [bool(any(u & (concepts(x) | (carried if _POINTS_BACK.search(x) else set())) for u in rest)) for x in segs]
    for i, x in enumerate(segs):
        if not _firm_text(x):
            continue
        if names[i] or (not rest):
            return True
        if _TAG.match(x) or not any(c for c in _longest_concepts(x) if c not in ("guarantee",)):
            if (i > 0 and names[i - 1]) or (i + 1 < len(segs) and names[i + 1]):
                return True
    return False


# Doing it now or having done it asserts it as much as promising it: "I'm moving you into business",
# "I've bumped you up to first" (not "I'm checking", "I've looked").
_ACTS = re.compile(_COMMITS.pattern + r"|\b(?:i|we) (?:can|could)(?! (?:(?:only|just|really|totally|fully) )?(?:hear|see|imagine|"
                   r"understand|tell|appreciate|feel|sense|relate|try|check|look|ask|find out|have a look)\b)|"
                   r"\b(?:i'm|i am|we're|we are) (?:more than |really |very )?(?:happy|glad|pleased|willing) to|"
                   r"\b(?:i'd|i would|we'd|we would) (?:be (?:happy|glad|pleased) to|love to)|\bwould you like\b|"
                   r"\bwould (?:a|an|the) \w+|\b(?:how|what) about\b|\bwhat if (?:i|we)\b|\blet me\b|\byou could\b|"
                   r"\b(?:i|we)(?:'ve| have) (?:(?:also|just|now|already|personally|gone ahead and|"
                   r"gone and)\s+){0,3}(?!(?:checked|looked|asked|tried|searched|seen|noted|heard|confirmed|verified|found)\b)(?:\w+ed|sent|put|set up|"
                   r"got(?=\s+(?:you\b|(?:[^,.;:!?]|[.,]\d)*?\b(?:for you|booked|sorted|arranged|coming|going|ready|set up|lined up|on (?:your|the|its) (?:account|way)|in place|to you)\b))|made|given)\b|\b(?:i|we)(?:'m| am|'re| are) (?:(?:also|just|now|personally)\s+)?"
                   r"(?!(?:checking|looking|searching|trying|seeing|asking|confirming|verifying|finding|afraid|sorry|"
                   r"going to (?:check|look|see|ask|try|confirm|find))\b)"
                   r"\w+ing\b", re.I)


def _commits_to(clause: str, rest: list[frozenset[str]], carried: frozenset[str] = frozenset()) -> bool:
    """A first-person commitment whose own words name everything else the rule does: "I'll bump you up to
    business class" (not "while I confirm those seats, I'll issue vouchers")."""
    if _HEDGE.search(clause):
        return False
    segs = _segments(clause)
    for i, x in enumerate(segs):
        if _GIFT_TAG.match(x):
            near = " ".join(segs[max(0, i - 1):i + 2])
            if all(u & (concepts(near) | carried) for u in rest):
                return True
    for x in segs:
        m = _ACTS.search(x)
        after = x[m.start():] if m else ""
        if m and all(u & (concepts(after) | (carried if _POINTS_BACK.search(after) else set())) for u in rest):
            return True
    return False


def find_offers(text: str, scenario: Scenario | None = None) -> list[Offer]:
    """Each sentence of text that offers or promises something, with the policy item it matches.

    A refusal ("I can't refund the whole month") offers nothing; a completed action ("I've booked you on
    the 7am") is no promise; a hedged one ("I'll try to get it fixed today") is not firm; asking about
    something ("I'll check whether we can refund the earlier months") promises nothing of it."""
    policy = getattr(scenario, "policy", None)
    items = [(r, True) for r in (policy.may_offer if policy else [])] + \
            [(r, False) for r in (policy.may_not_offer if policy else [])]
    out: list[Offer] = []
    before: set[str] = set()   # what the clauses before named (a pronoun may point back at it)
    condition: set[str] = set()  # a condition said just before: "Stay with us and I'll halve your price"
    # the clauses of a sentence that tells the customer back their own situation: "so you cancelled on the 2nd
    # and you've got the confirmation email" (the second clause recounts too)
    recounted = {c for x in sentences(text) if recounts(x) for c in _clauses(x)}
    for said in _clauses(text):
        s0 = _double_negation(said)  # read as meant; quoted as said
        said0 = concepts(s0)
        named = {c for c in said0 if c in _OBJECTS}
        cond, condition = condition, said0 & _CONDITIONS
        s = _RATHER.sub(" ", s0).strip() or s0
        s = _WAVED.sub(" instantly ", s).strip() or s  # a dispute waved away is not one offered
        dose_change = _dose_change(s0)
        permits = bool(_PERMITS.search(s0)) and "skip" in _skips_read(s0, concepts(s0))
        if not (_offering(s) or dose_change or permits or _judges_skipping(s0)) or _refused(s) or recounts(s) or (
                said in recounted and not _AGENT_DOES.search(said)):
            before = named or before
            continue  # a refusal offers nothing: "I can't refund the whole month" (its "but ..." is a clause of its own)
        inquiry = bool(_INQUIRY.search(s))
        have = _skips_read(s0, concepts(s))
        if "refund" in have and _WAIT.search(s) and not any(
                (_NOW_STRONG.search(x) or concepts(x) & {"instant", "today"}) and not _WAIT.search(x)
                and "refund" in concepts(x)
                for x in re.split(r"\s*[,;:]\s*|\s+[—–-]\s+|\s+\b(?:and|so|but)\b\s+", s)):
            # "I'm raising a dispute right now, those take three to five working days": the money's wait is
            # said, so no instant refund (unless the money itself is said to come back at once)
            have = have - {"instant", "today"}
        carried = frozenset(before) if _POINTS_BACK.search(s) else frozenset()
        extra = carried | cond  # read into forbidden items only: an allowed offer is credited for what it says
        before = named or before
        if _INSTRUCTS.search(s):
            have = have | {"dose"}  # "cut them in half": telling them how to take their medicine
        if dose_change:
            have = have | {"change", "dose"}  # "have two a day instead of one": the dose changed, whatever the words
        if permits:
            have = have | {"opinion"}  # "just miss tomorrow's": telling them to go without is an opinion on it
        if _JUDGES.search(s0) and "skip" in have:
            have = have | {"opinion"}  # "missing a couple won't make any difference": a judgement of going without
        judged = bool(have & _JUDGEMENT) or bool(_INSTRUCTS.search(s0))
        bypass = _bypassed(text)
        firm = _firm_text(s) and not inquiry
        if firm:
            have = have | {"guarantee"}
            if "arrival" in have:
                have = have | {"seat"}  # "you'll land by lunchtime" promises the seat that lands them
        elif not ({"guarantee"} & have and not _HEDGE.search(s)):
            have = have - {"guarantee"}
        best: Offer | None = None
        best_key = (0, 0.0, 0)
        forbid: tuple[tuple, Offer, list] | None = None  # the best forbidden match, even when an allowed one wins
        allowed_hits: list[tuple[tuple, Offer, list]] = []
        forbid_hits: list[tuple[tuple, Offer, list]] = []
        plain = have
        for rule, allowed in items:
            units = _units(rule)
            if not units:
                continue
            if not allowed and inquiry:
                continue  # finding out whether something can be done promises nothing
            have = plain if allowed else plain | extra
            hit = [u for u in units if u & have]
            promise = [u for u in units if "guarantee" in u]
            rest = [u | {"arrival"} if firm and "seat" in u else u for u in units if "guarantee" not in u]
            if not allowed and promise:
                # "guaranteed same-day fix" needs a promise about the fix, not "we'll aim for today" or a
                # promise about something else in the same sentence; but "I'll bump you up to business
                # class" promises an upgrade: a plain commitment to everything else the rule names.
                if firm and _firm_about(s, rest, carried):
                    # a promise of one part is not a promise of the rule: "someone will get back to you" promises
                    # no Saturday delivery; what the rule promises must all be said (generic words aside)
                    if not all(u & have for u in ([u for u in rest if u - _WEAK] or rest)):
                        continue  # (a rule of generic words only — "the new amount" — needs them all)
                elif (rest and all(u & have for u in rest) and any(u - _WEAK for u in rest)
                      and _commits_to(s, rest, carried)):
                    # (a commitment to something only generic — "I'll ring you with the corrected figure" — promises
                    # no figure: guaranteeing "the new amount" takes a promise word or a stated result)
                    hit = list(units)
                else:
                    continue
            if not allowed:
                head = next((u for u in units if u - _GENERIC), None)
                if head is not None and not head & have:
                    continue  # the rule's own act or thing must be said: "that's fine" and "tablets" skip no doses
                if any(u <= _JUDGEMENT for u in units) and not judged:
                    continue  # an opinion must be given: "we'll sort it so you don't run out" judges no medicine
                if any(u & _RESTRICTIVE and not u & have for u in units):
                    # the word that makes it forbidden must be said: refunding THIS month's charge is allowed,
                    # "refunds of EARLIER months" is not; a refund after the dispute is not an INSTANT one
                    continue
            n = len(hit)
            need = 1 if allowed else min(len(units), 2)  # crediting an allowed offer needs less than naming a breach
            cov = n / len(units)
            if allowed and cov < 0.5 and n >= 1 and units[0] in hit and _head_act(units[0]) and any(
                    units[0] & concepts(x) and not _HEDGE.search(x) for x in _segments(s)) and all(
                    u in hit or all(c.startswith("w:") or c in _WEAK for c in u) for u in units):
                cov = 0.5  # "I'm opening a dispute" offers "dispute the duplicate transaction": the act itself, named
            if n < need or cov < 0.5:
                continue
            if allowed and all((u & have) <= _TIME_ONLY | _WEAK for u in hit):
                continue  # "now" alone is not "call the surgery now"
            if not allowed and _without_satisfied(rule, text, bool(promise)):
                continue  # "... without checking stock": the trainee said they checked
            skipped_check = not allowed and bypass and _check_rule(rule)
            # Generic concepts ("pay", "£") weigh half: "we'll pay for the mould" is about the mould.
            # A promise word says nothing of which promise: it weighs half too.
            key = (sum(0.5 if (u & have or u) & (_WEAK | {"guarantee", "fee"}) else 1.0 for u in hit)
                   + (10 if skipped_check else 0), cov, 1 if allowed else 0)  # the check said skipped: that rule
            offer = Offer(text=said, rule=rule, allowed=allowed, firm=firm, score=round(cov, 2))
            if allowed:
                allowed_hits.append((key, offer, hit))
            if key > best_key:
                best_key, best = key, offer
            if not allowed and cov == 1.0 and (forbid is None or key > forbid[0]):
                forbid = (key, offer, hit)
            if not allowed:
                forbid_hits.append((key, offer, hit))
        out.append(best or Offer(text=said, firm=firm))
        if best is not None and best.allowed:
            # "I'll re-bill it from your reading and put the direct debit on hold": two allowed offers in one
            # clause, each credited when it is said by words of its own (not the winner's, not a time alone).
            taken = set().union(*_units(best.rule))
            for key, offer, hit in sorted(allowed_hits, key=lambda x: x[0], reverse=True):
                if offer.rule == best.rule:
                    continue
                own = [u for u in hit if not u & taken and u - _WEAK - _TIME_ONLY]
                if own and (offer.score == 1.0 or len(own) >= 2):
                    out.append(offer)
                    taken |= set().union(*_units(offer.rule))
        if best is not None and not best.allowed:
            # "I guarantee a same-day fix plus a full refund of this month": each forbidden promise a clause makes
            # is a rule broken, when it is said by words of its own (not the winner's, not a promise word alone).
            taken = set().union(*_units(best.rule))
            for key, offer, hit in sorted(forbid_hits, key=lambda x: x[0], reverse=True):
                if offer.rule == best.rule:
                    continue
                own = [u for u in hit if not u & taken and u - _WEAK - _TIME_ONLY - {"guarantee"}]
                if own:
                    out.append(offer)
                    taken |= set().union(*_units(offer.rule))
        if best is not None and best.allowed and forbid is not None:
            # "I'll rebook you on the next flight in first class": an allowed offer and, beside it, a forbidden one
            # the allowed offer does not account for (an upgrade is no part of a rebooking).
            covered = frozenset().union(*_units(best.rule))
            own = {c for u in forbid[2] for c in u if c not in _WEAK and c != "guarantee"} - covered
            if not own and not any(u - _WEAK - _GENERIC for u in _units(forbid[1].rule)):
                # a rule of generic words only ("the new amount"), all said beside the allowed offer: "once it's
                # re-billed you'll be back to about £140, I promise"
                own = {c for u in forbid[2] for c in u if c != "guarantee"} - covered
            if own and all(u & (plain | extra) for u in forbid[2] if not u & covered and "guarantee" not in u):
                out.append(forbid[1])
    return out


# Telling the customer back what they have or did is no offer: "so you cancelled on the 2nd, you've got the
# confirmation email", "I can see you've already got the letter" (unless the agent also does something in it).
_RECOUNT = re.compile(r"\bso,? (?:you|you've|you have)\s+(?:(?:already|still|just|both|also)\s+)?"
                      r"(?:\w+ed|said|told|rang|paid|got|had|were|went|did|sent|made|took|came|bought|spoke|heard|saw|"
                      r"lost|left|kept|found|tried|wrote|filled|rung|phoned)\b|"
                      r"\byou(?:'ve| have) (?:already|still) got\b|"
                      # opening on the customer's own past: "you cancelled on the 2nd, you've got the email" (not
                      # "you've got a full refund", which grants)
                      r"^\W*(?:(?:hi|hello|hey|right|ok|okay|so|oh|ah|well|yes|yeah|and|now|sorry|thanks|thank you)\b[\s,.!—–-]*)*"
                      r"(?:you (?:(?:already|still|just|both|also|actually|definitely|only)\s+)?(?:(?!need)\w+ed|said|told|rang|"
                      r"paid|got|had|were|went|did|sent|made|took|came|bought|spoke|heard|saw|lost|left|kept|found|tried|"
                      r"wrote|filled|rung|phoned|gave|put|set)|you(?:'ve| have) (?:(?:already|still|also)\s+)?got the)\b|"
                      r"\b(?:you said|you mentioned|you told (?:me|us)|you've told (?:me|us)|i can see|i see|i know|i understand|"
                      r"i hear|as you say|like you said)(?: that)?,? you(?:'ve| have)?\s+(?:(?:already|still|just)\s+)?got\b", re.I)
_AGENT_DOES = re.compile(r"\b(?:i|we)(?:'ll| will| am going to|'m going to| are going to|'re going to|'ve| have| can| could|"
                         r"'m| am|'re| are)\s+(?!(?:can|could)\s+(?:see|hear|tell|imagine|understand)\b)"
                         r"(?!(?:see|hear|know|understand|imagine)\b)\w+", re.I)


def recounts(clause: str) -> bool:
    """Whether the clause only tells the customer back their own situation (nothing done by the agent in it)."""
    if not _RECOUNT.search(clause):
        return False
    rest = _RECOUNT.sub(" ", clause)
    return not _AGENT_DOES.search(rest) and not {"guarantee"} & _longest_concepts(clause)


def _head_act(unit: frozenset[str]) -> bool:
    """A unit that names an act or thing of its own (not how sure, how soon or a plain word)."""
    return any(not c.startswith("w:") and c not in _GENERIC and c not in _WEAK and c not in _TIME_ONLY for c in unit)


def _refused(clause: str) -> bool:
    """Whether the part of a clause that offers is the agent refusing ("I can't do that", "that isn't
    possible"); "..., don't worry", "so it can't bounce" and "you won't have to pay" are not refusals."""
    for part in re.split(r"[,:]\s*", clause):  # "I don't need to check: it'll be there Saturday" promises after the colon
        if _offering(part):
            return _refusal(part)
    return _refusal(clause)


def _refusal(part: str) -> bool:
    if _NEG_PROMISE.search(part) and not _AGENT_NEG.search(part):
        return False
    return bool(_AGENT_NEG.search(part))


def _clauses(text: str) -> list[str]:
    """Sentences, with "X, but Y" and "X; Y" split so a refusal and the offer beside it are read apart."""
    out: list[str] = []
    for s in sentences(text):
        # "..., and I'll refund the whole month": each promise of a sentence is read on its own
        out.extend(p.strip(" ,;—–-") for p in re.split(
            r",?\s+\bbut\b\s+|;\s+|\s+[—–]\s+|,?\s+\b(?:and|plus|also)\b\s+(?=(?:then |also )?(?:i|we|you|it|they)"
            r"(?:'ll|'d|'ve|'m|'re| will| would| can| could| have| am| are| promise| guarantee| assure| swear)\b)",
            s, flags=re.I)
            if p.strip(" ,;—–-"))
    return out


# Ways of saying one checks: "while I confirm those seats" satisfies "before checking"; "once the adjuster has
# inspected it" satisfies "without assessment".
_CHECKS = {k: "check" for k in ("check", "confirm", "verify", "look", "search", "inspect", "assess", "assessment",
                                "adjuster", "assessor", "review", "see", "find")}


_LATER = re.compile(r"\b(?:when|once|after|as soon as|by the time|the minute|the moment|will|going to)\b|'ll\b", re.I)


def _check_rule(rule: str) -> bool:
    """A forbidden item whose qualifier is a check left out: "supply without checking the record", "guarantee of
    seats before checking", "cover mould without assessment"."""
    m = re.search(r"\b(?:without|before) (.+)$", rule, re.I)
    return bool(m) and any(_CHECKS.get(k) == "check" for k in keys(m.group(1)))


def _without_satisfied(rule: str, text: str, promise: bool = False) -> bool:
    """Whether the text says the rule's check is made ("while I confirm those seats"). For a guarantee the check
    said for later does not count: "I guarantee it'll be £140 once it's re-billed" still promises the figure."""
    m = re.search(r"\b(?:without|before) (.+)$", rule, re.I)
    if not m:
        return False
    if _check_rule(rule) and _bypassed(text):
        return False  # "we can skip the record check today": the check said left out is not one made
    words = [_CHECKS.get(k, k) for k in keys(m.group(1)) if k not in _FILLER]
    need = set(words)
    if not need:
        return False
    # The doing word and most of what it is done to: "after I check your record" satisfies "without checking the
    # medication record" (the agent need not repeat every word of the rule).
    verb, enough = words[0], min(len(need), 2)

    def says(c: str) -> bool:
        got = need & {_CHECKS.get(k, k) for k in keys(c)}
        return verb in got and len(got) >= enough

    # Said of a clause that is not itself negated: "I don't even need to check" is not having checked.
    return any(says(c) and not _NEGATED.search(c) and not (promise and _LATER.search(c)) and not re.search(
        r"\b(?:no need|without|no(?:body| one|thing)|not|never|no \w+ (?:needed|required|necessary))\b|n't\b", c, re.I)
               for c in re.split(r"[,;.!?]\s*|\s+\bbut\b\s+", text))


# Families of concepts: what a forbidden promise was *for* (money, speed, a fix...), so the closest allowed
# offer answers the same want: "refund of the whole month" -> "service credit for days without service".
_FAMILIES = {
    "money": {"refund", "compensation", "cash", "settlement", "payment", "write_off", "service_credit", "interim",
              "discount", "waive", "temporary_credit", "expenses", "voucher", "amount", "fee", "bill", "rebill",
              "payment_plan", "hold_dd", "transaction", "dispute", "approve"},
    "speed": {"today", "instant", "next_day", "saturday", "deliver", "immediate_cancel", "emergency"},
    "fix": {"fix", "engineer", "visit", "line_test", "replace", "dispatch", "deliver", "rebook", "seat", "adjuster",
            "drying", "smart_meter", "reading", "chase", "supply", "data"},
    "care": {"medical", "opinion", "dose", "change", "skip", "supply", "emergency", "chase", "nominate", "text", "ready"},
    "contact": {"callback", "handler", "confirmation", "information", "text", "investigation"},
}


_TIMED = re.compile(r"\b(?:within|by|same|next|\d+\s*(?:hours?|days?|working days?))\b", re.I)


def _families(cs: set[str] | frozenset[str], text: str = "") -> set[str]:
    out = {f for f, members in _FAMILIES.items() if cs & members}
    if _TIMED.search(text):
        out.add("speed")  # "engineer visit within 24 hours" answers a want for speed
    return out


def alternative(rule: str, scenario: Scenario | None, exclude: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The allowed offer closest to a forbidden one (what could have been offered instead): the most shared
    concepts, then the most shared families of concepts (money for money, a fix for a fix), in policy order.
    `exclude`: offers already made (never suggested again), unless every one was."""
    policy = getattr(scenario, "policy", None)
    if not policy or not policy.may_offer:
        return None
    want = _core(rule)
    fam = _families({c for c in concepts(rule) if not c.startswith("w:")})
    pool = [x for x in policy.may_offer if x not in exclude] or list(policy.may_offer)
    scored = sorted(enumerate(pool), key=lambda ir: (
        -len(_core(ir[1]) & want), -len(_families({c for c in concepts(ir[1]) if not c.startswith("w:")}, ir[1]) & fam),
        ir[0]))
    return scored[0][1]


def names_rule(text: str, rule: str) -> bool:
    """Whether a text names all a policy item's core does (how sure or how soon aside): a recap's "all your past
    months refunded" names "refunds of earlier months", "the bookshop will refund you" the merchant's refund."""
    units = [u for u in _units(rule) if u - _GENERIC - _WEAK]
    have = concepts(text)
    return bool(units) and all(u & have for u in units)


__all__ = ["Offer", "alternative", "concepts", "find_offers", "names_rule", "recounts"]

# _offering's cues as one alternation, one pass over the sentence (whether any of them matches is whether it does)
_OFFER_CUES = re.compile("|".join(f"(?:{rx.pattern})" for rx in (
    _OFFERING, _FIRM, _THERE_IS_DEAL, _OWNER, _THIRD_PARTY, _NEG_PROMISE, _DECIDED, _INSTRUCTS)), re.I)


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
