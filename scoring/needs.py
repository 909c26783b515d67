"""Which of the customer's needs a trainee turn meets: by what it offers or does, not by words said anywhere.

A scenario's need ("Enough tablets to avoid a gap (emergency supply or the prescription chased today)")
lists keywords. A keyword counts only inside a clause that acts — an offer, a commitment, a next step, or
a recap of what was agreed — and not inside a refusal ("I can't give you an emergency supply"). A keyword
that says only *when* ("today", "within the hour") does not meet a need on its own: the same clause must
also say something of *what* the need is about, so "I'll ring you back at 4pm today" does not give the
pharmacy customer her tablets. The customer (personas.director) and the grade (scoring.dimensions) both
read needs through this one function.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import re

from core.text import STOPWORDS, keys, phrase_in
from scoring import policy

if TYPE_CHECKING:
    from core.scenario import Need, Scenario

# Words that place something in time and say nothing of what is done (word keys are compared).
_TIME_WORDS = (
    "today tomorrow tonight yesterday now soon later asap morning afternoon evening night noon midday "
    "minute minutes hour hours day days week weeks month months weekend weekday working business end "
    "monday tuesday wednesday thursday friday saturday sunday am pm o'clock oclock time times first next "
    "within by before after until till this that few couple half quarter past straight away right "
    "immediately shortly earliest latest"
)


@lru_cache(maxsize=1)
def _time_keys() -> frozenset[str]:
    return frozenset(keys(_TIME_WORDS))


def _content(text: str) -> set[str]:
    """The word keys of text that are neither filler nor time words, and not bare numbers."""
    tk = _time_keys()
    return {k for k in keys(text) if k not in tk and k not in STOPWORDS and not k.isdigit() and len(k) > 1}


def _time_only(keyword: str) -> bool:
    return not _content(keyword)


# Words that say who, not what ("send someone" is about the visit, "someone will phone" is not).
_ANYONE = frozenset(keys("someone somebody anyone anybody one person people colleague team"))

# Concepts of the policy table that say when, not what.
_TIME_CONCEPTS = frozenset({"today", "instant", "next_day", "saturday"})


def _what(text: str) -> set[str]:
    """The policy concepts text says, less those about time: "a few days' worth to tide you over" says supply."""
    tk = _time_keys()
    return {c for c in policy.concepts(text) if c not in _TIME_CONCEPTS and not (c.startswith("w:") and c[2:] in tk)}


# Acting said in other ways than "I'll / we'll": someone else will do it ("An engineer will come out tomorrow",
# "My colleague Jess will ring you at 5"), it is done or under way ("you three are on it", "the account is
# closed", "a replacement is on its way"), or in any -ing form of the agent's ("I'm re-billing it").
_ACTS = re.compile(
    r"\b(?!you\b|you'll\b|it\b)(?:someone|somebody|an? \w+|the \w+|our \w+|my \w+(?: \w+)?|[A-Z][a-z]+)"
    r"(?: (?:from|at|in|on) (?:our|the) \w+(?: \w+)?)?(?:'ll| will| is going to| are going to|'s going to) "
    r"(?!not\b|never\b|need\b|have to\b|want\b|try\b|probably\b|hopefully\b)\w+|"
    # "from next month your prescriptions can come straight here": what will happen, said of their thing
    r"\b(?:your|the) \w+(?: \w+)? (?:can|will|'ll) (?:now |then |also )?(?:come|go|arrive|be sent|be delivered|be set up|"
    r"be ready|be waiting|come through)\b|"
    # "...next month it'll come straight here", "they'll go straight to us": where it will go, not "it'll come eventually"
    r"\b(?:it|they)(?:'ll| will| can) (?:now |then |also |just )?(?:come|go|arrive|be sent|come through|drop)"
    r" (?:straight|directly|right|here|to us|to you|to your|through to)\b|"
    r"\b(?!you\b|it\b)(?:someone|somebody|an? \w+|the \w+|our \w+|my \w+(?: \w+)?|[A-Z][a-z]+)(?:'s|'re| is| are) "
    r"(?:now |already )?(?:coming|heading|booked|scheduled|being sent|on (?:its|their|his|her) way)\b|"
    r"\b(?:you|you all|you both|all of you|the (?:two|three|four|five) of you|you (?:two|three|four|five)|"
    r"your \w+|the \w+|it|that|this|everything|the lot)(?:'s|'re| is| are| has been| have been| will be|'ll be)"
    r" (?:now |all |already |definitely |fully |both )?(?:on (?:it|the|a|its way|their way)\b|booked|closed|cancell?ed|"
    r"dispatched|sent|refunded|credited|reversed|arranged|confirmed|added|scheduled|sorted|on hold|paused|held|"
    r"stopped|covered|approved|ready|reserved|rebooked|re-booked|done|fixed)\b|"
    r"\b(?:i|we)(?:'m| am|'re| are) (?:now |also |just |personally )?[a-z]+(?:-[a-z]+)*ing\b|"
    r"\b(?:i|we)(?:'ve| have) (?:now |just |already |also )?(?:[a-z]+-)?[a-z]+ed\b|"
    # the same with a verb that does not end in -ed: "I've just run a line test", "we've sent it", "I've put a hold on"
    r"\b(?:i|we)(?:'ve| have) (?:now |just |already |also )?(?:run|done|sent|put|set up|made|got|taken|given|found|"
    r"rung|written|paid|held|frozen|begun|brought|spoken to)\b|"
    r"\b(?:your|the) (?:case |claim |booking |order )?(?:reference|ref|case number|claim number)(?: number)? (?:is|will be)\b|"
    r"\bi(?:'m| am) (?:your|the) (?:named )?(?:case )?(?:owner|handler|contact|point of contact)\b|"
    r"\b(?:there(?:'s| is| will be)|you(?:'ve| have) got) (?:an? |your |the )?(?:\w+ )?(?:\w+ )?(?:booked|reserved|on its way|"
    r"coming|waiting for you|with your name on)\b",
    re.I)
# Not acting: "I'm afraid", "I'm not sure", "you'll need to", "I'm going to need".
_NOT_ACTING = re.compile(r"\b(?:i(?:'m| am) (?:afraid|sorry|not|just checking|looking|checking|wondering|calling|"
                         r"trying|hoping|going to need)|nothing|no one|nobody|you(?:'ll| will) (?:need|have) to)\b", re.I)


# The agent saying what the customer already holds ("You've got your booking reference there.", "You have the order
# number to hand"): a remark or a question in disguise, never something granted. "You've got a seat on the 6:40" or
# "you've got three seats booked" still grant.
_HELD = r"(?:reference|ref|number|email|e-mail|receipt|card|confirmation|details|letter|bill|photo|account|code|slip|booking)s?"
_IN_HAND = re.compile(
    r"^\W*(?:(?:and|so|okay|ok|right|now|great|good|oh)\W+)*(?:i (?:can )?see |i think |i take it |i assume )?"
    r"you(?:'ve| have|'ll have| will have|'d have)(?: still| already)?(?: got)? (?:(?:your|the) (?:\w+[ -]){0,3}?\w+ (?:there|to hand|with you|on you|handy|"
    r"in front of you|nearby|on hand|ready|somewhere|at home|still)|your (?:\w+[ -]){0,3}?" + _HELD + r")"
    r"(?:,? (?:then|right|yes|haven't you|have you|I assume|I take it|I hope))?\W*$", re.I)


def holds_their_own(sentence: str) -> bool:
    """Whether a sentence only says the customer has their own thing to hand (see _IN_HAND)."""
    s = (sentence or "").strip()
    return bool(_IN_HAND.search(s)) and not re.search(r"\b(?:booked|reserved|coming|on (?:its|the) way|waiting for you|"
                                                       r"with your name on|sent|refunded|credited)\b", s, re.I)


def _acts(clause: str) -> bool:
    """Whether a clause acts in one of the ways _ACTS reads, judged on the part that says it ("I'm putting a
    hold on it, so nothing comes out" acts; "nothing" is about the money, not the agent)."""
    for part in re.split(r",\s*|\s+(?:so|until|because|and|which means|so that)\s+", clause):
        if _ACTS.search(part) and not _NOT_ACTING.search(part) and not policy._HEDGE.search(part):
            return True
    return False


# A turn that goes back over what was agreed, however it says so: "Just to go over it:", "So, running through
# that again", "Let me read that back", "To sum up", "So that's ...". Read alongside the `summary` move.
_RECAP = re.compile(
    r"^\W*(?:(?:so|okay|ok|right|alright|now|and)\W+)*(?:just |quickly |briefly )?(?:to |let me |let's |i'll |i will |i'm going to )?"
    r"(?:just |quickly |briefly )?(?:go(?:ing)? (?:back )?(?:over|through)|run(?:ning)? (?:through|over|back over)|recap(?:ping)?|"
    r"sum(?:ming)? (?:\w+ ){0,2}?up|summari[sz](?:e|ing)|read(?:ing)? (?:\w+ ){0,3}?back|"
    r"check what we(?:'ve| have) (?:agreed|said|done)|(?:re)?cap what we(?:'ve| have))\b(?!\s+(?:to|into|at) (?:the|a|your|our)\b)|"
    r"^\W*(?:so|okay|ok|right)\W+(?:that's|here's) (?:what (?:we've|we have|happens|we're doing)|the plan|where we are)\b",
    re.I)


def recaps(text: str) -> bool:
    """Whether a turn opens with going back over what was agreed (see _RECAP)."""
    from scoring.evidence import sentences

    return any(_RECAP.search(s) for s in sentences(text or "")[:2])


def acting_clauses(text: str, moves: Iterable[str] = ()) -> list[str]:
    """The clauses of a trainee turn that act: offers, commitments and next steps, never refusals. In a recap
    (a `summary` move, or a turn opening with "just to go over it") every clause that is not a refusal counts:
    it restates what was agreed."""
    recap = "summary" in set(moves) or recaps(text)
    out = []
    for clause in policy._clauses(text):
        # "I can't promise it'll be fixed today, so for tonight I'm adding a data boost": the refusal, then an offer
        parts = _AFTER_REFUSAL.split(clause) if policy._refused(clause) else [clause]
        out += [c for c in parts if c.strip() and not c.rstrip().endswith("?") and not policy._refused(c)
                and not holds_their_own(c) and (recap or policy._offering(c) or _acts(c))]
    return out


# Where an offer starts after a refusal in one clause: ", so for tonight I'm...", ", but what I can do is...", ", instead we'll..."
_AFTER_REFUSAL = re.compile(r",\s*(?:so|but|instead|though|and so)\s+(?=(?:(?:for|from|in the meantime|meanwhile)\b[^,]{0,20}?\s+)?"
                            r"(?:i|we|what i|what we)\b)", re.I)


def acts(text: str) -> bool:
    """Whether any clause of text acts (see acting_clauses): the reading counts it as a commitment."""
    return bool(acting_clauses(text))


def _norm_key(k: str) -> str:
    """A word key with the forms the stemmer leaves apart joined: "close"/"closed" ("clos"), "re-bill"/"rebill",
    "electronic"/"electronically"."""
    if len(k) > 6 and k.endswith("ical"):
        return k[:-2]  # "electronically" (electronical) is said as "electronic"
    return k[:-1] if len(k) > 3 and k.endswith("e") else k


_CONTRACTED = [(re.compile(r"(?<=[a-z])'ll\b", re.I), " will"), (re.compile(r"\b(i)'m\b", re.I), r"\1 am"),
               (re.compile(r"(?<=[a-z])'ve\b", re.I), " have"), (re.compile(r"(?<=[a-z])'re\b", re.I), " are"),
               (re.compile(r"\bwon't\b", re.I), "will not"), (re.compile(r"\bcan't\b", re.I), "cannot"),
               (re.compile(r"(?<=[a-z])n't\b", re.I), " not")]


def _nkeys(text: str) -> list[str]:
    text = text.replace("’", "'")
    for rx, full in _CONTRACTED:
        text = rx.sub(full, text)
    ks = keys(text.replace("-", ""))
    return [_norm_key(k) for k in ks]


_DETERMINERS = frozenset({"the", "a", "an", "your", "my", "our", "this", "that", "his", "her", "their", "its"})


def _nphrase_in(phrase: str, have: list[str]) -> bool:
    """phrase_in on normalised keys, the determiners aside ("close the account" ~ "closed your account")."""
    want = [k for k in _nkeys(phrase) if k not in _DETERMINERS]
    have = [k for k in have if k not in _DETERMINERS]
    n = len(want)
    return bool(want) and any(have[i:i + n] == want for i in range(len(have) - n + 1))


# Ways of saying a concept of the policy table it does not list (read for needs only).
_MORE_CONCEPTS: dict[str, tuple[str, ...]] = {
    "visit": ("come out", "come round", "come over", "come and", "pop round", "pop out", "call round", "come to you",
              "come to your house", "come to your home", "come to the house", "at your house", "at your home", "on site", "inspect",
              "inspection", "take a look at the", "have a look at the"),
    "handler": ("taking this on", "take this on", "taking it on", "take it on", "i'll handle", "i'm handling",
                "i will handle", "i'll look after", "i'm looking after", "i'll deal with this myself", "myself",
                "personally", "stay with you", "your case is with me", "named owner", "case owner", "owner of your case",
                "with me from now on"),
    "data": ("gig", "gigs", "gigabyte", "gigabytes", "tether", "tethering", "phone as a", "on your mobile", "to your mobile"),
    "rebook": ("put you all on", "put you both on", "put all of you on", "put the three of you on", "got you all on",
               "moved you all", "booked you all", "seats on", "three seats", "places on"),
    "callback": ("ring you", "call you", "phone you", "give you a ring", "give you a call", "be in touch at"),
}
# "you three are on it", "the three of you are booked on": a seat is theirs.
_ON_IT = re.compile(r"\b(?:you|you all|you both|all of you|the (?:two|three|four|five) of you|you (?:two|three|four|five))"
                    r"(?:'re| are) (?:now |all |both )?(?:on (?:it|that one|that flight|the)|booked|confirmed)\b", re.I)


@lru_cache(maxsize=1)
def _concept_index() -> tuple[dict[tuple[str, ...], frozenset[str]], int]:
    """The policy table's phrases as normalised keys (so "closed the account" says cancel, as "close" does)."""
    idx: dict[tuple[str, ...], set[str]] = {}
    longest = 1
    table = [*policy._CONCEPTS.items(), *_MORE_CONCEPTS.items()]
    for concept, phrases in table:
        for p in (concept.replace("_", " "), *phrases):
            if not re.search(r"[a-z0-9]", p, re.I):
                continue
            k = tuple(_nkeys(p))
            if k:
                idx.setdefault(k, set()).add(concept)
                longest = max(longest, len(k))
    return {k: frozenset(v) for k, v in idx.items()}, longest


_NO_COST = re.compile(r"\b(?:at no|no|without (?:any )?|free of)\s+(?:extra |additional |further )?(?:cost|charge)s?"
                      r"(?: to you)?\b", re.I)
_EXPENSE_WORDS = re.compile(r"\b(?:costs?|expenses?|receipts?|reimburs\w*|out of pocket|hotel|meals?|taxi|food|"
                            r"accommodation|travel)\b", re.I)


@lru_cache(maxsize=4096)
def _named_concepts(text: str) -> frozenset[str]:
    idx, longest = _concept_index()
    ks = _nkeys(text)
    out: set[str] = set()
    for i in range(len(ks)):
        for n in range(1, longest + 1):
            out |= idx.get(tuple(ks[i:i + n]), frozenset())
    if re.search(r"\b\d+\s*(?:gb|gigs?|gigabytes?)\b", text, re.I):
        out.add("data")
    if _ON_IT.search(text):
        out.add("rebook")
    if "expenses" in out and _NO_COST.search(text) and not _EXPENSE_WORDS.search(_NO_COST.sub(" ", text)):
        out.discard("expenses")  # "I'm booking those seats at no cost to you": the seats are free, no costs are covered
    if "hold_dd" in out and not out & {"direct_debit", "payment", "bill", "transaction", "rent", "fee", "amount", "cash"}:
        out.discard("hold_dd")  # "I'm putting you on hold": the call waits, not the money
    return frozenset(out)


# Concepts specific enough to meet a need by meaning alone ("dispatch" is said by "send" and "courier" too,
# "cancel" by "stop" and "end": those need the keyword's own words).
_SPECIFIC = frozenset({"hold_dd", "rebook", "visit", "engineer", "adjuster", "data", "handler", "rebill", "refund",
                       "replace", "emergency", "temporary_credit", "waive", "drying", "interim", "line_test", "dispute",
                       "payment_plan", "immediate_cancel", "nominate", "chase", "voucher", "expenses", "direct_debit"})


@lru_cache(maxsize=1024)
def _keyword_units(keyword: str) -> tuple[frozenset[str], ...]:
    """What a need's keyword says, one unit per phrase (the concepts that phrase may be said by), leaving out
    the units that say only when or say little ("payment"). Empty when it names no concept."""
    units = [frozenset(c for c in u if not c.startswith("w:")) for u in policy._units(keyword)]
    if not units or any(not u for u in units):
        return ()  # a word no concept covers: matched by its word only
    units = [u for u in units if not (u <= _TIME_CONCEPTS or u <= policy._WEAK)]
    if not units or any(not (u & _SPECIFIC) for u in units):
        return ()
    return tuple(u & _SPECIFIC for u in units)


def _said_by_meaning(keyword: str, have: frozenset[str]) -> bool:
    units = _keyword_units(keyword)
    return bool(units) and all(u & have for u in units)


def need_met_in(need: Need, clauses: Sequence[str]) -> bool:
    """Whether any acting clause meets this need (see the module docstring)."""
    whole = " ".join([need.description, *(k for k in need.keywords if not _time_only(k))])
    about = _content(whole) - _ANYONE
    what = _what(whole) - {"w:" + k for k in _ANYONE}
    for c in clauses:
        ck = keys(c)
        nk = _nkeys(c)
        have = _named_concepts(c)
        # A keyword counts said in its own words or word forms ("re-billing it", "closed the account"), or by
        # meaning: every concept it names said in the clause ("a hold on the direct debit").
        hits = [k for k in need.keywords if k.strip() and (phrase_in(k, ck) or _nphrase_in(k, nk)
                                                           or _said_by_meaning(k, have))]
        if not hits:
            continue
        if any(not _time_only(k) for k in hits) or (set(ck) & about) or (_what(c) & what):
            return True
    return False


def need_named(need: Need, text: str, others: Sequence[Need] = ()) -> bool:
    """Whether text speaks of this need: one of its keywords that says what (not only when), or a concept of
    it that none of the other needs shares ("data" for a way to work tonight, not for the engineer)."""
    ks = keys(text)
    if any(k.strip() and not _time_only(k) and phrase_in(k, ks) for k in need.keywords):
        return True
    # Concepts of its keywords only: the description's everyday words ("a way to *work* today") say too little.
    mine = _what(" ".join(k for k in need.keywords if not _time_only(k)))
    theirs: set[str] = set()
    for o in others:
        theirs |= _what(" ".join([o.description, *o.keywords]))
    own = {c for c in mine - theirs - policy._WEAK if not c.startswith("w:")}
    return bool(own & _what(text))


# A need for being told something ("A plain explanation of what went wrong and what to do next month", "Clear
# information about what costs will be reimbursed"): an explanation meets it, not only an offer.
_TELL_NEED = re.compile(r"\b(?:explanation|explain\w*|information|informed|clear (?:answer|idea|picture)|"
                        r"understand\w*|know (?:what|why|how|when|where))\b", re.I)


def informational(need: Need) -> bool:
    """Whether a need is met by telling the customer something (see _TELL_NEED)."""
    return bool(_TELL_NEED.search(need.description or ""))


def telling_clauses(text: str) -> list[str]:
    """The clauses of a turn that tell the customer something as fact: no question, refusal, hedge, blame or
    shrinking of their problem ("it's all electronic now, you should have been told" explains nothing)."""
    from scoring.understanding import _BLAME_RX, _MINIMISE_RX  # here: scoring.understanding imports this module

    return [c for c in policy._clauses(text)
            if not c.rstrip().endswith("?") and not policy._refused(c) and not policy._HEDGE.search(c)
            and not _BLAME_RX.search(c) and not _MINIMISE_RX.search(c) and len(c.split()) >= 4]


def needs_met(scenario: Scenario | None, text: str, moves: Iterable[str] = (),
              skip: Iterable[str] = (), telling: bool = False) -> list[Need]:
    """The scenario's needs (in scenario order) this trainee turn meets, leaving out the ids in `skip`.
    `telling`: a need for being told something (see `informational`) is met by a plain explanation too
    ("your surgery sends it electronically now, so next month..."), not only by an acting clause."""
    if scenario is None or not scenario.needs:
        return []
    clauses = acting_clauses(text, moves)
    told = telling_clauses(text) if telling and any(informational(n) for n in scenario.needs) else []
    if not clauses and not told:
        return []
    done = set(skip)
    return [n for n in scenario.needs if n.id not in done and (
        (clauses and need_met_in(n, clauses)) or (told and informational(n) and need_met_in(n, told)))]


__all__ = ["acting_clauses", "acts", "informational", "need_met_in", "need_named", "needs_met", "recaps", "telling_clauses"]


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
