"""The five skills, each graded from one shared reading of every trainee turn (scoring.understanding).

Every score starts from a neutral base and moves with evidence a coach would point at; every piece of
evidence is a verbatim sentence of the turn it names, and it shows the skill it is listed under:
a greeting, "OK.", "Thanks." or an ID request earns no listening, empathy or closure credit; generic
sympathy earns little once and nothing when repeated; a promise the scenario's policy forbids is a
named gap. Advice is structured (turn, original, better) and each suggested line is checked before it
is shown: it must read right, keep what the original turn did and offer nothing the policy forbids.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from core.text import keys, word_key
from core.transcript import Transcript
from scoring import rules
from scoring.advice import customer_point, garbled, offer_sentence
from scoring.evidence import MAX_QUOTE, clip, instead, quote, sentences
from scoring.moves import detect_moves, is_parroting
from scoring.needs import needs_met
from scoring.policy import alternative, concepts, find_offers, names_rule, recounts
from scoring.text import FEELINGS, content_words, stem, tokens
from scoring.understanding import ID_REQUEST, SCRIPTED_GREETING, TurnReading, customer_keys, read_turn

SKILL_NAMES = ("active_listening", "paraphrasing", "empathy", "focus", "closure")
# Each trainee turn is read against at most this many turns before it: the whole of any built-in scenario's
# call (10-12 trainee turns, about 25 turns in all), and it keeps a 500-turn transcript from reading
# 500 x 500 turns. What was said further back than this no longer decides what one reply does.
CONTEXT_TURNS = 30
# Words of any service call that do not name a customer's issue (stems, as stem() leaves them).
# A customer who is content and thanking (the call is done): a goodbye is the reply that fits.
_CONTENT_CUSTOMER = re.compile(r"\b(?:thank(?:s| you)|cheers|ta\b|sorted|that's (?:great|fine|lovely|perfect|brilliant|all)|"
                               r"brilliant|marvellous|lovely|perfect|that works|much appreciated|bye)\b", re.I)

_SMALL_TALK = {stem(w) for w in """please call calling called help hello thank thanks sorry someone anyone
something anything thing happen happened tell said say sure right time today day way make see look back
fine great good bad hold phone number""".split()}

# A question that doubts what the customer already said: "Are you sure it's not with a neighbour?"
_DOUBT = re.compile(
    r"\b(?:are you (?:sure|certain|positive)|you sure|is it possible (?:that )?you|could you have|maybe you|"
    r"(?:have|did) you (?:actually|really|even) |are you (?:really|actually) )", re.I)
# The customer's word set against what usually happens: "Most people don't.", "Nine times out of ten that's where it
# is.", "In my experience it's always the router." — doubt said as a statement.
_DOUBT_SAID = re.compile(
    r"\b(?:most (?:people|customers|folk|of the time)|nine times out of ten|\d+ times out of \d+|(?:almost )?always turns out|"
    r"usually turns out|in my experience|(?:a lot of|lots of|many) (?:people|customers) (?:forget|don't|never|think|say)|"
    r"people (?:often|usually|always|tend to) (?:forget|think|say|miss|don't)|customers (?:often|usually|always|tend to)|"
    r"(?:it's|that's|it is|that is) (?:usually|normally|nearly always|almost always|generally|often) (?:where|what|the|because|down to|"
    r"user error|something)|(?:usually|normally|nearly always|almost always|generally|typically|more often than not|"
    r"most of the time),? (?:it's|that's|it is|it turns out|it was|people|customers|they|you'll find|the (?:problem|issue|fault)))\b",
    re.I)
# Second-guessing where the thing is: "Could someone at home have taken it in?", "Did you check your safe place?"
_ELSEWHERE = re.compile(r"\b(?:neighbou?rs?|next door|safe place|porch|doorstep|garden|shed|bins?|recycling|reception|"
                        r"signed for|someone (?:at home|else)|somebody (?:at home|else)|spam|junk(?: folder)?|"
                        r"wrong (?:address|account|card))\b", re.I)
# Questions that only collect details (name, account, reference, contact): admin, not listening.
_ADMIN_KINDS = {"identity", "reference", "contact"}
_ADMIN_NOUNS = re.compile(r"\b(?:(?:full |first |last |sur)?name|who am i|speaking to|date of birth|dob|postcode|post code|"
                          r"zip|address|email|e-mail|phone|mobile|account (?:number|id)|customer (?:number|id)|"
                          r"(?:order|booking|policy|membership|reference|ref|claim|case|ticket) (?:number|no|reference|id)|"
                          r"security|verify|verification|details)\b", re.I)
# "Have you tried / checked ...?": diagnostic unless the customer already said they had.
_TRIED = re.compile(r"\b(?:have|did) you (?:tried|try|checked|check|looked|look|asked|ask|restarted|restart|read)\b", re.I)
# Reading rules at the customer, not restating them: never a paraphrase.
_POLICY = re.compile(r"\b(?:(?:our|company|the) (?:polic(?:y|ies)|terms|rules|procedure)|per (?:our )?policy|"
                     r"policy (?:is|states|says)|terms (?:and|&) conditions|terms of (?:service|use|carriage))\b", re.I)
_HEARD = {"paraphrase", "reflection", "summary"}
_FEEL_ADJ = (("frustrat", "frustrating"), ("stress", "stressful"), ("worr", "worrying"), ("anxi", "worrying"),
             ("nervous", "worrying"), ("upset", "upsetting"), ("annoy", "annoying"), ("scar", "scary"),
             ("afraid", "scary"), ("confus", "confusing"), ("disappoint", "disappointing"), ("exhaust", "exhausting"),
             ("tired", "exhausting"), ("angry", "infuriating"), ("furious", "infuriating"), ("fuming", "infuriating"))


# ---------------------------------------------------------------------------------------------------------
# The grade's own reading of what a turn does to the customer, where a move label over- or under-reads it.
# The detected moves stay as they are (the report lists them, the Director reacts to them); the five
# skills grade on `Context.graded`, the moves with these corrections.

# Blame read into a turn that takes the customer's side: "you shouldn't have to chase us" (spared), "the doctor
# telling you never to stop them" (told), "you never got the callback" (let down), "you did nothing wrong".
_NOT_BLAME = re.compile(
    r"\byou (?:should(?:n't| not)|ought(?:n't| not)(?: to)?|would(?:n't| not)) (?:have )?(?:to|need to|had to)\b|"
    r"\b(?:tell|told|telling|tells|ask|asked|asking|warn|warned|warning|advised?|advising|instruct(?:ed|ing)?|said to|"
    r"reminded?|reminding|wanted|want|expect(?:ed)?|taught|teach) you (?:never|not)\b|"
    r"\byou (?:didn't|did not|never|haven't|have not) (?:\w+ )?(?:get|got|gotten|receive[d]?|hear[d]?|see|seen|have|had|need(?:ed)?|"
    r"deserve[d]?|ask(?:ed)? for|expect(?:ed)?|sign(?:ed)? up for|agree[d]? to|authori[sz]e[d]?|want(?:ed)?|order(?:ed)?)\b|"
    r"\byou (?:did|have done|'ve done) (?:nothing|everything) (?:wrong|right)\b|\byou (?:didn't|did not) do anything wrong\b|"
    r"\bnone of (?:this|it|that) (?:is|was) (?:your|on you)\b|"
    # a feeling said of them: "you must have been so worried"
    r"\byou must (?:have been|be|have felt|feel) (?:\w+ )?(?:so |really |very |absolutely |completely )?(?:worried|frightened|scared|"
    r"stressed|upset|anxious|exhausted|frustrated|fed up|angry|furious|shocked|panicking|panicked|gutted|devastated|"
    r"beside yourself|at your wits' end|livid|distraught|terrified|confused)\b", re.I)
# Blame the move rules miss: the counterfactual ("If you'd set the router up properly in the first place …").
_PP = (r"(?:\w+ed|set|done|read|put|kept|made|told|sent|paid|left|taken|given|written|got|gotten|shut|run|rung|known|"
       r"brought|bought|chosen|spoken|checked|rung|thought|worn|drawn|shown|seen|come|gone|hung|stuck|switched)")
_BLAME_MORE = re.compile(
    r"\bif (?:only )?you(?:'d| had)(?: (?:just|only|actually|bothered to|properly|ever))? " + _PP + r"\b(?<!\bneed)(?<!\bbeen)|"
    r"\b(?:wouldn't|would not|never) have happened if you\b|\bthat(?:'s| is) what happens (?:when|if) you\b|"
    r"\byou(?:'d| would) have known\b|\byou should(?:'ve| have) been (?!(?:told|sent|paid|given|kept|made|put|set|shown|left|"
    r"sold|billed|charged|refunded|offered|warned|informed|contacted|called|rung|helped|treated|able)\b)(?!\w+(?:ed|en)\b)\w+|\byour own (?:fault|doing|mistake)\b|\b(?:it's|it is|that's|that is) (?:down to|on) you\b|"
    r"\byou (?:were|are) (?:meant|supposed|expected) to\b|\byou (?:really )?ought to have\b|"
    r"\byou (?:clearly|obviously|evidently) (?:haven't|have not|weren't|didn't|did not|can't)\b|"
    # the fault guessed to be at the customer's side: "it's probably something on your end", "the issue will be your setup"
    r"\b(?:something|an? (?:issue|problem|fault)|the (?:issue|problem|fault)|it|that)(?:'s| is| must be| will be| could be| "
    r"has to be)? (?:(?:probably|likely|most likely|almost certainly|definitely|clearly|obviously|just|more than likely) )?"
    r"(?:be )?(?:something |a problem |an issue |a fault )?(?:on|at|with|in) your (?:end|side|equipment|setup|set-up|wiring|"
    r"kit|devices?|settings)\b|"
    r"\byou must(?:'ve| have) (?:\w+ed|used|left|done|forgotten|put|made|got|typed|entered|set|switched|missed|broken|"
    r"knocked|misread|lost)\b(?<!\bbeen)", re.I)
# Fault put on someone else (a third party) instead of dealing with it: "that's the surgery's fault, not ours",
# "that's not on us", "take it up with the bookshop", "you'll have to ring them yourself".
_SHIFT = re.compile(
    r"\b(?:that|this|it)(?:'s| is| was)(?: (?:really|honestly|actually|all|entirely|totally|squarely))? "
    r"(?:their|his|her|(?:the |your )?[a-z][\w -]{0,25}?(?:'s|s'|’s)) (?:own )?(?:fault|problem|doing|responsibility|issue|mistake|"
    r"error|lookout|department|mess|call|decision|screw-up|cock-up|job)\b|"
    r"\b(?:fault|problem|doing|responsibility|issue|mistake|error|mess|job)(?: really)?,? (?:not|rather than|and not) "
    r"(?:ours|us|mine|the bank|the company|our (?:fault|problem|doing))\b|\bbetween you and (?:them|the \w+)\b|"
    r"\bnot (?:on|down to) (?:us|me)\b|\bnothing to do with (?:us|me)\b|\bout of our hands\b|"
    r"\bnot our (?:responsibility|problem|department|job|issue)\b|"
    r"\b(?:take|raise) (?:it|that|this|the matter) up with\b|\b(?:blame|complain to) (?:the|them|your)\b|"
    r"\b(?:ring|call|contact|chase|phone|email|speak to|talk to|go to) (?:them|the \w+|your \w+)\b[^.!?]{0,25}\byourself\b",
    re.I)
# Telling the customer not to feel what they feel, or shrinking the problem: "There's no need to panic, a bit of
# mould never hurt anyone", "There's no point getting upset over a few quid".
_MINIMISE = re.compile(
    r"\b(?:there's|there is|there's really|no) (?:no |really no )?(?:need|point|reason|use) (?:to |in |for )?(?:get(?:ting)? )?(?:so |all |too |that )?"
    r"(?:panic|upset|worked up|wound up|angry|cross|so cross|hysterical|dramatic|excited|shout|fuss|overreact|stress(?:ed)?)\w*|"
    r"\bnever (?:hurt|killed|harmed) (?:anyone|anybody|nobody)\b|\bworse things happen\b|\bit could be (?:a lot )?worse\b|"
    r"\bover (?:a few|a couple of|a little|a bit of|such a small|nothing)\b|\b(?:only|just) (?:a few|a couple of) (?:quid|pounds|bucks|dollars|euros)\b|"
    r"\bdon't be (?:so )?(?:silly|daft|dramatic|ridiculous|hysterical|like that)\b|\b(?:you're|you are) being (?:dramatic|silly|daft|hysterical|unreasonable)\b|"
    r"\b(?:chill out|settle down|get a grip|simmer down|take a chill pill)\b|"
    # what the customer needs ruled none of the company's business: "your work deadlines aren't our responsibility"
    r"\b(?:isn't|aren't|is not|are not|wasn't|weren't|not) (?:really |exactly )?(?:our|my|the company's) (?:responsibility|problem|"
    r"concern|lookout|business|worry|issue)\b|"
    # the record taken over the customer's word: "as far as we're concerned it's been delivered"
    r"\bas far as (?:we're|we are|i'm|i am|the company is|(?:the|our) (?:system|records?|tracking) (?:is|are|goes)) concerned\b|"
    # the record set against what the customer says: "It says delivered, so it was delivered."
    r"\b(?:it|the (?:system|tracking|record|records|app|screen|website|computer|meter))(?: clearly)? (?:says|shows) "
    r"[^.!?]{0,40}\bso (?:it|that|you)(?: must| definitely| clearly)? (?:was|is|were|has|did|must|have)\b", re.I)
# Small talk: the customer's weekend, the weather, their plans — not a question about their problem.
_SMALL_TALK_Q = re.compile(
    r"\b(?:weekend|bank holiday|holidays?|vacation|weather|sunshine|sunny|raining|plans|planned|up to (?:anything|much)|"
    r"anything nice|anything fun|doing anything|been anywhere|off anywhere|going away|summer|christmas|easter|half[- ]term|"
    r"football|the match|the game|telly|tv|watching|hobbies|hobby|"
    r"your (?:day|week|morning|evening) (?:going|been)|how(?:'s| has| was) your (?:day|week|weekend|morning)|"
    r"having a (?:good|nice) (?:day|week)|how(?:'s| is) (?:life|the family|your family))\b", re.I)
# A sentence that is only a filler ("Okay.", "Right.", "Sure, got it.") or only a goodbye ("Ok bye.", "Bye now.").
_FILLER_ONLY = re.compile(r"^\W*(?:(?:ok(?:ay)?|right|sure|fine|alright|all right|i see|got it|understood|noted|yes|yeah|yep|"
                          r"mm+|hmm+|great|perfect|cool|thanks|thank you|cheers|so|well|then|now|oh|ah)\W*)+$", re.I)
_FAREWELL_WARM = re.compile(r"\b(?:take care|all the best|have a (?:good|great|nice|lovely)|thanks for|thank you for|"
                            r"good luck|enjoy (?:the|your)|look after yourself)\b", re.I)
# Goodbyes the move rules may not list ("Goodnight.", "Enjoy the wedding, and good luck with the speech."), read
# as a farewell in the last turns of a call.
_FAREWELL_MORE = re.compile(r"\bgood ?night\b|\bnight night\b|\bcheerio\b|\bbye for now\b|\bspeak (?:to you )?soon\b|"
                            r"\b(?:enjoy|good luck with) (?:the|your) \w+", re.I)
_BARE_BYE = re.compile(r"^\W*(?:(?:ok(?:ay)?|right|alright|well|so|then|now|cheers|thanks|ta|yeah|yes|bye|bye-bye|bye bye|"
                       r"goodbye|good bye|see ya|see you|later|ciao)\W*)+$", re.I)
# A vague time ("at some point this week", "at some stage", "soon") or a hedge ("we might be able to", "I'll see"):
# not the owner-and-time a customer can hold the agent to.
_VAGUE_TIME = re.compile(r"\b(?:at some (?:point|stage|time)(?: (?:this|next|during the) (?:week|month))?|some ?time|sooner or later|in due course|when (?:we|i) can|"
                         r"as soon as (?:we|i) can|soon(?:ish)?|eventually|one of these days|when(?:ever)? (?:possible|we get (?:a|the) chance)|"
                         r"in the (?:near )?future|shortly|(?:later|sometime) (?:this|next) (?:week|month))\b", re.I)
_HEDGE = re.compile(r"\b(?:might|may|could) (?:be able to|possibly|perhaps)\b|\b(?:i'll|we'll|let me) see\b|\bmaybe\b|\bperhaps\b|"
                    r"\bpossibly\b|\bhopefully\b|\bshould be (?:in touch|able)\b|\bsomeone (?:should|will|may|might) (?:be in touch|get back|call)\b|"
                    r"\bi(?:'ll| will) (?:try|see what i can do)\b|\bsort something out\b|\bno promises\b|"
                    r"\bsee what (?:they|he|she|it|we) (?:say|says|come back with|can do)\b", re.I)
# A recap said as one ("So: seven days of tablets today, I'm chasing the surgery, and …", "So, recap: …").
_RECAP_CUE = re.compile(r"^\W*(?:so|ok(?:ay)?|right|alright)?[,\s]*(?:(?:a )?(?:quick |just a )?(?:recap|summary|to (?:recap|sum up|summari[sz]e|confirm))\b|"
                        r"(?:so|right|okay|ok|alright|now)?(?:,? then)? ?[:—–]|so,? that(?:'s| is) (?:\w+ ){0,4}(?:and|plus)\b|"
                        r"(?:so,? )?(?:just )?to (?:go over|run through|sum|wrap) (?:that|what|it|everything|up)\b|"
                        r"(?:so )?here(?:'s| is) where we are\b|in short\b|(?:so )?all in all\b|"
                        # "So that's: account closed today, £14.99 back …", "Here's the plan — …"
                        r"(?:so,? )?(?:that(?:'s| is)|here(?:'s| is))(?: (?:it|everything|all|the plan|what's happening))?\s*[:—–])",
                        re.I)


@lru_cache(maxsize=4096)
def blames_customer(text: str) -> str | None:
    """The sentence that puts the fault on the customer, if any ("you should have", "if you'd set it up
    properly"), not one that only says "you" beside a fault ("you shouldn't have to chase us")."""
    for s in sentences(text):
        if _BLAME_MORE.search(s):
            return s
        spared = [m.span() for m in _NOT_BLAME.finditer(s)]
        for m in rules.BLAME.finditer(s):
            if not any(a < m.end() and m.start() < b for a, b in spared):
                return s
    return None


@lru_cache(maxsize=4096)
def shifts_blame(text: str) -> str | None:
    """The sentence that puts the fault on someone else to be rid of the problem, if any."""
    return next((s for s in sentences(text) if _SHIFT.search(s) and not re.search(
        r"(?<!not )\b(?:on us|our fault|our mistake|we got (?:it|this) wrong|my fault|my mistake)\b(?!,? not)", s, re.I)), None)


@lru_cache(maxsize=4096)
def minimises(text: str) -> str | None:
    """The sentence that tells the customer not to feel it, or shrinks the problem, if any."""
    return next((s for s in sentences(text) if _MINIMISE.search(s)), None)


def filler_only(sentence: str) -> bool:
    """'Okay.', 'Right.', 'Ok bye.': a sentence with nothing a coach could praise."""
    s = sentence.strip()
    return bool(s) and bool(_FILLER_ONLY.match(s) or _BARE_BYE.match(s))


def _grade_moves(text: str, mv: list[str]) -> list[str]:
    """The moves with the grade's corrections: blame only where the fault is put on the customer, and
    blame-shifting and minimising named (they are never a paraphrase or a reflection)."""
    out = [x for x in mv if x != "blame"]
    if blames_customer(text):
        out.append("blame")
    if shifts_blame(text):
        out.append("blame_shift")
    if minimises(text) and "dismissive" not in out:
        out.append("dismissive")
    if {"blame", "blame_shift", "dismissive"} & set(out):
        out = [x for x in out if x not in ("paraphrase", "reflection")]
    if "blame_shift" in out:
        out = [x for x in out if x != "off_topic"]  # on the topic: refusing it, not drifting from it
    return out


@dataclass
class Context:
    """A transcript, the moves and the shared reading of each trainee turn, and the scenario, if any."""
    transcript: Transcript
    scenario: Any
    moves: list[list[str]] = field(default_factory=list)   # as detected (listed in the report)
    readings: dict[int, TurnReading] = field(default_factory=dict)  # 0-based turn index -> reading
    graded: list[list[str]] = field(default_factory=list)  # the moves the skills grade on (_grade_moves)

    @classmethod
    def build(cls, transcript: Transcript, scenario: Any = None) -> "Context":
        moves: list[list[str]] = []
        readings: dict[int, TurnReading] = {}
        turns = transcript.turns
        for i, t in enumerate(turns):
            if t.role == "trainee":
                before = turns[max(0, i - CONTEXT_TURNS):i]  # bounded: 500 turns must not read 500 x 500
                mv = detect_moves(t.text, before, scenario)
                readings[i] = read_turn(t.text, before, scenario, moves=mv)
            else:
                mv = []
            moves.append(mv)
        graded = [_grade_moves(t.text, mv) if t.role == "trainee" else [] for t, mv in zip(turns, moves)]
        return cls(transcript, scenario, moves, readings, graded)

    def trainee(self) -> list[tuple[int, str, list[str]]]:
        """(1-based turn, text, moves) for trainee turns."""
        return [(i + 1, t.text, self._graded(i)) for i, t in enumerate(self.transcript.turns) if t.role == "trainee"]

    def _graded(self, i: int) -> list[str]:
        return self.graded[i] if i < len(self.graded) else self.moves[i]

    def read(self) -> list[tuple[int, str, list[str], TurnReading]]:
        """(1-based turn, text, moves, reading) for trainee turns."""
        return [(i + 1, t.text, self._graded(i), self.readings[i]) for i, t in enumerate(self.transcript.turns)
                if t.role == "trainee"]

    def reading(self, n: int) -> TurnReading:
        return self.readings[n - 1]

    def said(self, n: int, with_scenario: bool = False) -> set[str]:
        """Content keys of what the customer said before turn n (and their situation, with_scenario). Cached."""
        memo = self.__dict__.get("_said")
        if memo is None:  # cumulative, one pass: customer_keys of turns[:n-1] for every n
            memo, run = {}, set()
            situation = customer_keys([], self.scenario) if self.scenario is not None else set()
            for i, t in enumerate(self.transcript.turns, start=1):
                memo[(i, False)], memo[(i, True)] = set(run), run | situation
                if t.role == "customer":
                    run |= customer_keys([t])
            self.__dict__["_said"] = memo
        return memo.get((n, with_scenario), set())

    def topic(self) -> str:
        if self.scenario is not None and self.scenario.topic_keywords:
            return self.scenario.topic_keywords[0]
        return "problem"

    def need(self) -> str:
        if self.scenario is not None and self.scenario.needs:
            return self.scenario.needs[0].keywords[0]
        return "fix"

    @cached_property
    def policy(self):
        p = getattr(self.scenario, "policy", None)
        return p if p is not None and (p.may_offer or p.may_not_offer) else None

    @cached_property
    def best_offer(self) -> str | None:
        """The allowed offer that best meets the customer's needs (what closure advice may promise)."""
        return self._best_offer(self.offered_rules)

    def _best_offer(self, made: frozenset[str]) -> str | None:
        if self.policy is None or not self.policy.may_offer:
            return None
        want: set[str] = set()
        for n in self.scenario.needs:
            want |= concepts(" ".join([n.description, *n.keywords]))
        # never what the trainee already offered or did: advice offering the booked callback again reads wrong
        scored = [(len(concepts(item) & want), -i, item) for i, item in enumerate(self.policy.may_offer)
                  if item not in made]
        return max(scored)[2] if scored else None

    @cached_property
    def offered_rules(self) -> frozenset[str]:
        """The allowed offers the trainee made in the call (each policy item, by name)."""
        return self.offered_upto(10 ** 9)

    def offered_upto(self, upto: int) -> frozenset[str]:
        """The allowed offers the trainee made in turns before `upto` (each policy item, by name): what advice on a
        later turn must not offer again."""
        from scoring.policy import _GENERIC, _WEAK, _units

        memo = self.__dict__.setdefault("_offered_upto", {})
        if upto in memo:
            return memo[upto]
        made = {o.rule for k, _, _, r in self.read() if k < upto for o in r.offers if o.allowed and o.rule}
        if self.policy is not None:
            # ... or said in other words in a turn that acts: "Dev Patel on my team will ring you Thursday" books
            # the named handler's callback, however the reading filed it
            for k, t, _, r in self.read():
                if k >= upto or not r.acted:
                    continue
                have = concepts(t)
                for item in self.policy.may_offer:
                    units = [u for u in _units(item) if u - _GENERIC - _WEAK]
                    if len(units) >= 2 and 3 * sum(1 for u in units if u & have) >= 2 * len(units):
                        made.add(item)

            def head(item: str) -> frozenset[str] | None:
                return next((u for u in _units(item) if u - _GENERIC - _WEAK), None)

            # two items for the same act ("refund of the charge …", "refund within 5 working days"): one made is both
            heads = [h for h in (head(x) for x in made) if h]
            made |= {x for x in self.policy.may_offer if (h := head(x)) and any(h & g for g in heads)}
        memo[upto] = frozenset(made)
        return memo[upto]

    def offer_line(self, n: int | None = None) -> str:
        """A line promising what can be done: an allowed offer not yet made (before turn `n`, or in the whole call),
        else a follow-up with a time."""
        made = self.offered_rules if n is None else self.offered_upto(n)
        best = self.best_offer if n is None else self._best_offer(made)
        if best:
            line = offer_sentence(best)
            if line and not _forbidden_in(line, self.scenario):
                return line
        if self.policy is not None and self.policy.may_offer and made:
            return "I'll call you back by 5pm to confirm it's all in place."  # everything it allows is offered
        return f"I'll look into your {self.topic()} today and call you back by 5pm with an update."

    @cached_property
    def issue_words(self) -> set[str]:
        """Stems naming the customer's issue: the scenario's topic and need keywords, and the content words
        of the customer's first turn (where they state it), less the small talk any call has."""
        first = next((t.text for t in self.transcript.turns if t.role == "customer"), "")
        words = {stem(w) for w in content_words(tokens(first))} - _SMALL_TALK
        if self.scenario is not None:
            for k in [*self.scenario.topic_keywords, *(k for n in self.scenario.needs for k in n.keywords)]:
                words.update(stem(w) for w in content_words(tokens(k)))
        return words

    def on_issue(self, text: str) -> bool:
        """Whether a trainee turn takes up the customer's issue (names it, or words the customer used)."""
        return bool({stem(w) for w in content_words(tokens(text))} & self.issue_words)

    def moods(self) -> list[float]:
        return [t.mood for t in self.transcript.turns if t.role == "customer" and t.mood is not None]

    def need_met(self) -> bool:
        if "_need_met" not in self.__dict__:  # asked by focus, closure and the outcome: read once
            self.__dict__["_need_met"] = self._need_met_uncached()
        return self.__dict__["_need_met"]

    def _need_met_uncached(self) -> bool:
        if self.scenario is None:
            return any("next_step" in m for _, _, m in self.trainee())
        return any(needs_met(self.scenario, t, m) for _, t, m in self.trainee() if "next_step" in m or "summary" in m)

    def breaches(self) -> list[tuple[int, Any]]:
        """(turn, Offer) for each promise the scenario's policy forbids."""
        return [(n, o) for n, _, _, r in self.read() for o in r.forbidden]

    def outcome(self) -> dict:
        moods = self.moods()
        extra = self.transcript.model_extra or {}
        reason = extra.get("end_reason")
        reason = str(reason) if reason is not None else None
        if reason is not None:
            resolved = reason == "resolved"
        else:
            calmer = len(moods) < 2 or moods[-1] < moods[0]
            resolved = self.need_met() and calmer
        rules_broken = list(dict.fromkeys(o.rule for _, o in self.breaches() if o.rule))
        note = None
        if rules_broken:
            what = "; ".join(rules_broken)
            note = (f"Resolved on a promise that cannot be kept ({what}): the customer will call back angrier "
                    "when it is not honoured." if resolved else
                    f"Promised what the policy does not allow ({what}).")
        return {"resolved": resolved, "mood_start": moods[0] if moods else None,
                "mood_end": moods[-1] if moods else None, "end_reason": reason,
                "promise_breaches": rules_broken, "note": note}


# ---------------------------------------------------------------------------------------------------------
# Small helpers


def _clamp(x: float) -> int:
    return int(round(max(0.0, min(100.0, x))))


def _ev(turn: int, text: str, why: str, pattern: re.Pattern[str] | None = None, *, gap: bool = False,
        sentence: str | None = None) -> dict:
    """A quoted turn and why it counts; gap=True when it is something to work on, not a strength.
    `sentence`: the very sentence that shows it (else the one matching `pattern`, else the first)."""
    q = clip(sentence) if sentence else quote(text, pattern)
    return {"turn": turn, "quote": q, "why": why, "kind": "gap" if gap else "strength"}


def _forbidden_in(line: str, scenario: Any) -> bool:
    pol = getattr(scenario, "policy", None)
    key = (tuple(getattr(pol, "may_offer", None) or ()), tuple(getattr(pol, "may_not_offer", None) or ()))
    memo = _FORBIDDEN_MEMO.setdefault(key, {}) if pol is not None else {}
    if line not in memo:
        if len(memo) > 4096:
            memo.clear()
        memo[line] = any(o.allowed is False for o in find_offers(line, scenario))
    return memo[line]


_FORBIDDEN_MEMO: dict[tuple, dict[str, bool]] = {}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _low(s: str) -> str:
    return s if re.match(r"^I\b|^I'", s) else s[:1].lower() + s[1:]


# The feeling each way of playing a customer shows in every line (whatever words they use); a sceptic shows doubt.
_PERSONA_FEELING = {"irate": "frustrating", "angry": "frustrating", "anxious": "worrying", "worried": "worrying",
                    "confused": "confusing", "skeptical": "doubt", "sceptical": "doubt"}


def _feeling(ctx: Context) -> str | None:
    """A feeling adjective fitting what the customer showed ("frustrating", "worrying"...): a feeling word of their
    own, else the one their manner shows ("doubt" for a sceptic), else None (no feeling is named for them)."""
    for t in ctx.transcript.turns:
        if t.role == "customer":
            for w in tokens(t.text):
                if w in FEELINGS:
                    for start, adj in _FEEL_ADJ:
                        if w.startswith(start):
                            return adj
    return _PERSONA_FEELING.get(str(getattr(ctx.scenario, "persona", "") or "").lower())


def _point_before(ctx: Context, n: int) -> str | None:
    """What the customer said just before trainee turn n (1-based), restated in the trainee's voice."""
    memo = ctx.__dict__.setdefault("_points", {})
    if n not in memo:
        memo[n] = _point_uncached(ctx, n)
    return memo[n]


def _point_uncached(ctx: Context, n: int) -> str | None:
    said = []
    for t in reversed(ctx.transcript.turns[:n - 1]):
        if t.role != "customer":
            break
        said.insert(0, t.text)
    return customer_point(" ".join(said), frozenset(ctx.issue_words)) if said else None


def _legit_questions(ctx: Context, n: int, r: TurnReading) -> list[str]:
    """The questions of a turn that draw out the customer's problem (not a greeting, an ID check, the check
    for more, or a question doubting what the customer already said)."""
    memo = ctx.__dict__.setdefault("_legit", {})
    if n not in memo:
        memo[n] = _legit_uncached(ctx, n, r)
    return list(memo[n])


# Asking for what identifies the customer or the account (the move reading may not list the wording): "the last four
# digits of your card", "your account number", "the postcode on the account".
_ID_ASK = re.compile(
    r"\b(?:last|first|long) (?:four|4|three|3|two|2|six|6|eight|8|few|\w+) (?:digits|numbers)\b|"
    r"\b(?:digits|numbers?|code) (?:of|on|from|across) (?:your|the) (?:(?:front|back) of (?:your|the) )?(?:card|account|"
    r"reference|booking|order|policy|front|back)\b|\blong (?:number|card number)\b|"
    r"\b(?:card|account|sort|reference|booking|order|policy|customer|member(?:ship)?|meter|mobile|phone|claim|case|prescription) "
    r"(?:number|code|ref|reference|id)\b|\b(?:booking|order|case|claim) ref(?:erence)?\b|"
    r"\bsecurity (?:question|answer|word|code|check|details)\b|\b(?:date of birth|dob|postcode|post code|passcode|password|pin)\b|"
    r"\b(?:verify|confirm) (?:your|who you are|you)\b|\b(?:full )?name (?:on|for) the (?:account|card|booking|order|policy)\b|"
    r"\bemail address\b|\b(?:first line of )?(?:your|the) address\b", re.I)
# Checking the agent was understood or helped, which draws nothing out: "Does that help?", "Does that make sense?".
_CHECKS_IN = re.compile(r"^\W*(?:(?:so|ok(?:ay)?|right|and|well|now)[,\s]+)*(?:(?:does|did|is|was|would|will|has|have) (?:that|this|it|"
                        r"all (?:that|this)|everything) (?:\w+ )?(?:help(?:ed|ful)?|useful|make sense|made sense|work|suit|answer|"
                        r"clear|ok|okay|alright|all right|fine|sound (?:ok|okay|good|fair|alright|all right|right)|"
                        r"cover (?:it|everything)|do)|are you (?:ok|okay|happy|alright|all right|good) with (?:that|this|it))"
                        r"\b[^?]*\?\s*$", re.I)


def _id_only(question: str) -> bool:
    """A question that only asks for identifying details, however many: "Can I take your name and the last four
    digits of your card?" (not "What's the booking ref, and what time was your flight?")."""
    parts = [p for p in re.split(r",?\s+\b(?:and|or|plus|also)\b\s+|,\s+|;\s+", question)
             if not re.fullmatch(r"\W*(?:(?:please|thanks|thank you|then|now|too|first|quickly|just)\W*)*", p, re.I)]
    return bool(parts) and all(_ID_ASK.search(p) or ID_REQUEST.search(p) for p in parts)


def _legit_uncached(ctx: Context, n: int, r: TurnReading) -> list[str]:
    return [q for q in r.questions if not (SCRIPTED_GREETING.search(q) or ID_REQUEST.search(q) or _admin(q)
                                           or _id_only(q) or _CHECKS_IN.search(q)
                                           or rules.CHECK_MORE.search(q) or rules.DISMISSIVE.search(q)
                                           or blames_customer(q) or shifts_blame(q) or minimises(q)
                                           or _small_talk(ctx, q) or _bare_echo(ctx, n, q) or _doubts(ctx, n, q))]


def _small_talk(ctx: Context, question: str) -> bool:
    """A question about the customer's weekend, the weather or their plans, not about their problem."""
    return bool(_SMALL_TALK_Q.search(question) or rules.OFF_TOPIC_CUE.search(question)) and not ctx.on_issue(question)


def _bare_echo(ctx: Context, n: int, question: str) -> bool:
    """"Twice?", "Not on the system?": the customer's own words handed back with a question mark draw nothing out."""
    words = content_words(tokens(question))
    return 0 < len(words) <= 3 and len(tokens(question)) <= 4 and is_parroting(question, ctx.transcript.turns[:n - 1])


_CHECK_BACK = re.compile(r"\b(?:is that (?:right|correct|it)|have i got (?:that|it|this) right|did i get (?:that|it) right|"
                         r"am i right|does that sound right)\W*$", re.I)


def _doubts(ctx: Context, n: int, question: str) -> bool:
    """A question that doubts the customer, or asks them to have done what they already said they did.
    A check-back of what they said ("So it was left in a safe place, but nothing's there — is that right?")
    is hearing them, not doubting them."""
    if _CHECK_BACK.search(question) and len(set(keys(" ".join(content_words(tokens(question))))) & ctx.said(n)) >= 2:
        return False
    if _DOUBT.search(question):
        return True
    if _ELSEWHERE.search(question) and len(content_words(tokens(" ".join(
            t.text for t in ctx.transcript.turns[:n - 1] if t.role == "customer")))) >= 6:
        return True  # the customer has explained; asking if it is somewhere else doubts them
    triggers = getattr(getattr(ctx.scenario, "triggers", None), "escalate", []) or []
    if any(p.strip() and p.lower() in question.lower() for p in triggers):
        return True
    if _TRIED.search(question):
        said = ctx.said(n)
        asked = set(keys(" ".join(content_words(tokens(question))))) - {"tri", "try", "check", "look", "ask"}
        return len(asked & said) >= 1 and bool(said & {"tri", "restart", "check", "alreadi", "twice"} | (asked & said))
    return False


def _admin(question: str) -> bool:
    """A question that only collects details: "Who am I speaking to?", "What's your postcode?"."""
    from scoring.understanding import question_kinds

    kinds = set(question_kinds(question))
    return bool(kinds) and kinds <= _ADMIN_KINDS and bool(_ADMIN_NOUNS.search(question))


def _restates(ctx: Context, n: int, text: str, moves: list[str]) -> bool:
    """A real restatement: the paraphrase move (or, whatever the move label, a statement that gives back three
    or more things the customer brought, in the agent's own words), and no policy read out."""
    if _POLICY.search(text) or {"dismissive", "blame", "blame_shift"} & set(moves):
        return False
    if is_parroting(text, ctx.transcript.turns[:n - 1]):
        return False
    own = _customer_own(ctx, n)
    if "paraphrase" in moves:
        return len(set(keys(" ".join(content_words(tokens(text))))) & own) >= 2
    return _restatement(ctx, n, text) is not None


# What an agent's own plans sound like (not a restatement of the customer's story).
_AGENT_PLAN = re.compile(r"\b(?:i|we)(?:'ll| will|'m going to| am going to|'re going to| are going to| can| could|'ve| have|'m| am|"
                         r"'re| are)\b|\b(?:let me|here's what|please)\b", re.I)


# A check-back tag closing a statement of what the customer said: "..., yeah?", "... — right?", "..., is that it?".
_CHECK_TAG = re.compile(r"[,\s—–-]*\b(?:yeah|yes|right|correct|ok(?:ay)?|yep|isn't it|is it|aren't you|don't you|did you|"
                        r"have i got (?:that|it|this|all that|everything)(?: right)?|is that (?:right|correct|it|about right)|"
                        r"am i right|did i get (?:that|it) right|does that sound right|fair|true|no)\s*\?\s*$", re.I)


def _restatement(ctx: Context, n: int, text: str) -> str | None:
    """The sentence (or the part before its dash) that restates three or more things the customer brought, said
    as a statement of their situation: "So the £212.40 shows twice from Monday and you're now short of the rent"
    (not a question, not the agent's own plans)."""
    own = _customer_own(ctx, n)
    for x in sentences(text):
        segs = re.split(r"\s+[—–]\s+|;\s+", x)
        # the part before a dash ("… twice, and the rent's due — that's a lot"), past a greeting ("Hi — you …")
        seg = next((g for g in segs if len(content_words(tokens(g))) >= 2), segs[0])
        whole = seg
        seg = _CHECK_TAG.sub("", seg) or seg  # "so X, and Y, yeah?": a statement checked back, not a question
        # checked back ("..., right?", "... — have I got that?"), two of their own things are enough
        checked = seg != whole or (x != whole and bool(_CHECK_TAG.search(x)))
        if seg.rstrip().endswith("?") or _AGENT_PLAN.search(seg) or len(content_words(tokens(seg))) < 4:
            continue
        if len(set(keys(" ".join(content_words(tokens(seg))))) & own) >= (2 if checked else 3):
            return x
    return None


# What does nothing for the customer, however it is worded: a refusal ("there's nothing for me to refund"), the
# rules read out ("that's policy", "those are the rules"), the thing going ahead unchanged ("it'll still come out
# as normal"), a status with no one acting on it ("it's in the queue", "under review like everyone else's").
_STALL = re.compile(
    r"\b(?:i|we)(?:'ve| have) (?:got )?nothing\b|\bnothing (?:(?:more|else) )?for (?:me|us) to\b|"
    r"\bthere(?:'s| is) nothing (?:(?:more|else) )?to (?!worry|fear|pay|lose)\w+|"
    r"\bnothing (?:more |else )?(?:i|we) (?:can|could)\b|"
    r"\b(?:that's|that is|it's|it is|those are|them's) (?:just |simply |all )?(?:our |the |company )?(?:polic(?:y|ies)|rules?|procedure|process|"
    r"system|terms)\b(?! (?:is|says|states) (?:that )?(?:i|we) (?:can|will|'ll))|"
    r"\b(?:as (?:normal|usual|planned|scheduled|always|standard)|still (?:go|come|be) (?:out|ahead|taken|charged|collected))\b|"
    r"\b(?:in (?:the|a|our) (?:queue|backlog|pile|list|system)|under review|(?:being|still being) (?:processed|reviewed|assessed|looked at)|"
    r"same as (?:every|any)(?:one|body)(?: else)?(?:'s)?|like (?:every|any)(?:one|body) else(?:'s)?|wait (?:your|its) turn|"
    r"(?:high|huge|large|big) (?:volume|number) of|a (?:big |huge |long )?backlog)\b", re.I)
# The agent doing something in the sentence: "I'll", "we're going to", "I've sent", "let me" (not "I can see").
_AGENT_ACTS = re.compile(r"\b(?:i|we)(?:'ll| will| am going to|'m going to| are going to|'re going to| can| could)\s+"
                         r"(?!(?:see|hear|imagine|understand|tell|appreciate|only|not)\b)\w+|"
                         r"\b(?:i|we)(?:'ve| have) (?:just |now |already )?(?!(?:got|had|been)\b)\w+(?:ed|t|en)\b|"
                         r"\b(?:i|we)(?:'m| am|'re| are) (?:now |just )?(?!(?:afraid|sorry|not|unable)\b)\w+ing\b|\blet me\b", re.I)
_YOU_HAVE = re.compile(r"^\W*(?:(?:okay|ok|right|so|yes|yeah|and|um|alright)\W+)*you(?:'ve| have)? (?:(?:already|still|now|got|both)\s+)*"
                       r"(?:got|have|received)\b", re.I)


# Reassurance with nothing behind it: a good outcome or a good will said of nothing in particular ("I'm sure it'll
# all work out", "rest assured we do care", "we'll always try our best", "try to stay positive").
_REASSURE = re.compile(
    r"\b(?:will|'ll|is going to|'s going to|are going to|'re going to) (?:all )?(?:be (?:fine|ok|okay|alright|all right|good|grand|"
    r"for the best)|work (?:itself |themselves )?out|turn out (?:fine|ok|okay|well|alright|all right|for the best)|come (?:good|right)|"
    r"sort (?:itself|themselves) out|(?:all )?fall into place)\b|"
    r"\brest assured\b|\b(?:want to |just want to |can )?reassure you\b|"
    r"\b(?:try|trying) (?:not to (?:stress|worry|panic|fret|get upset|think about it)|to (?:stay|keep|be|think|remain) "
    r"(?:positive|calm|cheerful|optimistic|strong))\b|\b(?:stay|keep) positive\b|\blook on the bright side\b|"
    r"\b(?:we|i) (?:do |really |truly |genuinely |honestly )?(?:care|value (?:you|your custom|our customers))\b|"
    r"\b(?:we|i)(?:'ll| will)? (?:always )?(?:try|do) (?:our|my) (?:very )?(?:best|utmost)\b|"
    r"\b(?:we|i) (?:take|are taking) (?:this|it|these things|your \w+) (?:very |really |extremely )?seriously\b|"
    r"\b(?:you're|you are) (?:in (?:good|safe) hands|important to us|a valued customer)\b|\bthese things happen\b", re.I)
# What a reassurance must name to do something: the policy's things, a time, a sum ("rest assured, the refund is
# on its way today" acts).
_CONCRETE_GENERIC = frozenset({"guarantee", "instant", "new", "amount", "payment", "transaction", "fee", "medical",
                               "opinion", "fix", "whole", "arrival"})


def empty_reassurance(text: str) -> bool:
    """Whether every sentence of text is reassurance that names nothing done: "I'm sure it'll be fine, try not to
    stress", "Rest assured we'll always try our best for you" (not "Rest assured, I'm refunding it today")."""
    ss = [x for x in sentences(text) if x.strip()]
    if not ss:
        return False
    for x in ss:
        if not _REASSURE.search(x) or rules.TIME_WORDS.search(x) or re.search(r"\d", x):
            return False
        rest = re.sub(r"\b(?:in the end|eventually|one way or (?:another|the other)|at the end of the day)\b", " ",
                      _REASSURE.sub(" ", x), flags=re.I)
        named = {c for c in concepts(rest) if not c.startswith("w:")} - _CONCRETE_GENERIC
        if named:
            return False
    return True


def _does_nothing(ctx: Context, n: int, text: str) -> bool:
    """Whether a sentence read as an offer or a commitment does nothing for the customer: it refuses, reads
    out the rules, lets the thing go ahead unchanged, reports a status nobody acts on, shifts the blame, or
    only tells the customer what they already have ("you've got the confirmation email", their own words)."""
    if shifts_blame(text) or blames_customer(text) or empty_reassurance(text):
        return True
    if _AGENT_ACTS.search(text):
        return False
    if _STALL.search(text) or recounts(text):
        return True
    if _YOU_HAVE.search(text):
        mine = set(keys(" ".join(content_words(tokens(text))))) - _GENERIC_WORDS
        theirs = _customer_own(ctx, n)
        return bool(mine) and len(mine & theirs) * 2 >= len(mine)
    return False


_GENERIC_WORDS = frozenset(keys("okay right yes yeah already still got have received fine good"))


def _customer_own(ctx: Context, n: int) -> set[str]:
    """Content keys the customer brought before turn n: said by the customer before the agent said them
    (a customer repeating the agent's offer back does not make it theirs)."""
    cache = ctx.__dict__.setdefault("_own", {})  # asked for every trainee turn by three skills: once per n
    hit = cache.get(n)
    if hit is None:
        agent, theirs = set(), set()
        for t in ctx.transcript.turns[:n - 1]:
            if t.role == "customer":
                theirs |= customer_keys([t]) - agent
            else:
                agent |= set(keys(" ".join(content_words(tokens(t.text)))))
        hit = cache[n] = frozenset(theirs)
    return set(hit)


def _recaps_customer(ctx: Context, n: int, text: str) -> bool:
    """A summary that takes up what the customer brought to the call (two of their content words), not
    only a recap of the agent's own actions ("To sum up: the boost is on and the engineer comes at 8"):
    that is closure, not evidence of listening."""
    return len(set(keys(" ".join(content_words(tokens(text))))) & _customer_own(ctx, n)) >= 2


# Feelings by what they are, so "you sound worried" names a customer's "I'm panicking" but "that must be
# frustrating" does not name it. Words that judge the situation ("awful", "hard") name no feeling of the customer.
_FEELING_FAMILIES = (
    frozenset("angry anger annoyed annoying frustrated frustrating frustration furious infuriating irritated irritating "
              "fed-up livid fuming cross outraged".split()),
    frozenset("anxious anxiety worried worry worrying worries scared afraid frightened frightening fear nervous panicked "
              "panic panicking concerned concern unsettling unsettled scary stressed stressful stress overwhelmed "
              "overwhelming distressed distressing desperate terrified".split()),
    frozenset("sad sadness depressed depression lonely alone hurt hurtful disappointed disappointing disappointment "
              "heartbroken devastated devastating miserable betrayed let down upset upsetting".split()),
    frozenset("confused confusing baffled baffling lost".split()),
    frozenset("exhausted tired drained weary".split()),
    frozenset("embarrassed ashamed guilty humiliated".split()),
)
_SAID_OF_YOU = re.compile(r"\b(?:you(?:'re| are| must be| must feel| must have been| sound| seem| feel|'ve been| have been| look)|"
                          r"i can (?:tell|see|hear) (?:that )?you(?:'re| are)?)(?: (?:so|really|very|quite|pretty|a bit|a little|"
                          r"understandably|incredibly|extremely|absolutely|completely|totally))* (?P<w>[a-z-]+)", re.I)


def _families(words) -> set[int]:
    return {i for w in words for i, fam in enumerate(_FEELING_FAMILIES) if w in fam}


_FAMILY_WORDS = frozenset(w for fam in _FEELING_FAMILIES for w in fam if " " not in w)


def _shown_families(ctx: Context, n: int) -> set[int]:
    """The kinds of feeling the customer put into words before turn n (one pass over the call, cached)."""
    memo = ctx.__dict__.get("_shown")
    if memo is None:
        memo, run = {}, set()
        for i, t in enumerate(ctx.transcript.turns, start=1):
            memo[i] = frozenset(run)
            if t.role == "customer":
                words = {w for w in tokens(t.text) if w in FEELINGS or w in _FAMILY_WORDS}
                if "let down" in t.text.lower():
                    words.add("let down")
                run |= _families(words)
        ctx.__dict__["_shown"] = memo
    return set(memo.get(n, frozenset()))


# Feeling words that name no feeling of the customer: reassurance ("don't you worry") and the agent's own plans.
_NOT_A_FEELING = re.compile(r"\b(?:don't|do not|no need to|not to|never|nothing to|won't|needn't)\b(?: \w+){0,2} "
                            r"(?:worry|worried|panic|stress|fret|upset)|\b(?:i|we)(?:'ll| will| can|'m going to| am going to)\b",
                            re.I)
# Saying what this has done to the customer is fair, hard or too much: "that's a lot", "you shouldn't have had to
# chase us", "no wonder", "the last thing you need" (empathy without a feeling word).
_VALIDATES = re.compile(
    r"\b(?:that's|that is|it's|it is|this is|that must be|this must be|what|is|was|has been|must be|would be|must have been|"
    r"sounds like|sounds) (?:(?:such|quite|really|just|so|far|an?|absolutely|"
    r"completely|totally|genuinely|properly|honestly|a really|a truly) )*(?:a lot|too much|so much|not (?:on|right|fair|good enough|"
    r"okay|ok|acceptable|how it should be)|unacceptable|unfair|awful|terrible|horrible|rotten|rough|hard|tough|a nightmare|a mess|"
    r"a worry|worrying|scary|frightening|stressful|upsetting|miserable|dreadful|appalling|(?:horrible|frightening|awful|rotten|"
    r"rough|tough|hard|difficult|worrying|scary|stressful|miserable|dreadful|horrid|nasty) (?:\w+ )?(?:spot|position|place|"
    r"situation|time|thing|week|day|wait|way)|the last thing you need(?:ed)?|a lot to (?:deal with|cope with|put up with|take))\b|"
    r"\byou (?:shouldn't|should not|should never|oughtn't) (?:have )?(?:had )?(?:to|been)\b|\bno wonder\b|"
    r"\b(?:i'd|i would) (?:\w+ )?be (?:\w+ )?(?:too|as well)\b|\banyone would (?:be|feel)\b|\bof all (?:days|times|weeks|nights)\b|"
    r"\bnot what you need(?:ed)?\b|\bthe last thing you need(?:ed)?\b|\b(?:on top of|after) everything\b|"
    r"\b(?:the )?worst (?:possible |imaginable )?(?:timing|time|luck|moment|thing)\b|"
    r"\b(?:terrible|awful|horrible|rotten|cruel|dreadful|shocking) (?:timing|luck)\b|\bof all the (?:times|days|weeks)\b|"
    r"\b(?:would|could|will) (?:\w+ )?(?:shake|throw|rattle|floor|alarm|upset|worry|panic|stress|scare|frighten) anyone\b|"
    r"\b(?:would|could|will) give anyone (?:a |quite a )?(?:fright|shock|scare|turn|headache)\b|"
    r"\byou(?:'ve| have) done nothing wrong\b|\byou (?:haven't|have not|didn't|did not) do (?:anything|a thing) wrong\b|"
    r"\b(?:it's|it is|this is|that's|that is|it isn't|this isn't) (?:not |in no way |)(?:your fault|your doing|on you|down to you)\b|"
    r"\bnone of (?:this|that|it) is (?:on you|your fault|your doing|down to you)\b", re.I)
# A report of what the agent sees or checked: "I can see the two payments", "I've pulled up the claim".
_PERCEIVES = re.compile(r"^\W*(?:(?:ok(?:ay)?|right|so|yes|yeah|thanks|thank you)[,.!]?\s+)*(?:i|we)(?:'ve| have| can| do)? "
                        r"(?:just |now |already )?(?:see|seen|found|checked|looked|pulled up|got|notice|noticed|spotted|"
                        r"confirm|confirmed|have|located|brought up|opened)\b|\b(?:it|that|this|the \w+) (?:shows|says|is showing|"
                        r"is marked|has been marked|was marked|was scanned|is still marked)\b", re.I)
# Warmth of any kind in a sentence: a feeling named, an apology, a validation, "I can see why".
_WARMTH = re.compile(r"\b(?:sorry|apologi[sz]e|apologies)\b|\b(?:see|understand|hear|imagine|get|know) (?:exactly )?(?:why|how)\b",
                     re.I)


# Sorry for a thing that happened to them, said as a clause: "I'm sorry it took a call to get this moving".
_SORRY_THAT = re.compile(r"\bsorry (?:that )?(?:it|we|you|i|they|this|that|nobody|no one|our)\b(?!'s all)", re.I)


# The fault said to be someone else's or nobody's: "it's not our fault", "that wasn't a mistake on our part".
_DISOWNS = re.compile(r"\b(?:not|never|isn't|wasn't|no|hardly)\s+(?:\w+\s+)?(?:(?:my|our) (?:mistake|fault|error)|"
                      r"(?:a )?(?:mistake|fault|error) (?:on|of) (?:our|my))\b", re.I)


def _warm(text: str) -> bool:
    return any(w in FEELINGS for w in tokens(text)) or bool(_VALIDATES.search(text) or _WARMTH.search(text))


def _validation(ctx: Context, n: int, x: str) -> bool:
    """Whether sentence x validates what happened to this customer: a validation (or a feeling word) said of two
    or more things of their own story ("Two days offline with a client deadline tomorrow — that's a lot")."""
    if len(set(keys(" ".join(content_words(tokens(x))))) & ctx.said(n, True)) < 2:
        return False
    for seg in re.split(r"\s+[—–-]\s+|;\s+|,\s+(?:and|but|so)\s+", x):
        if (_VALIDATES.search(seg) or any(w in FEELINGS for w in tokens(seg))) and not _NOT_A_FEELING.search(seg):
            return True
    return False


# Sympathy by rote, in forms the reading may not list: it fits any call, so it counts as generic.
_SCRIPTED_SYMPATHY = re.compile(
    r"\b(?:thanks|thank you|cheers) (?:so much |very much )?for (?:your patience|bearing with (?:me|us)|your understanding|"
    r"being (?:so )?patient|waiting)\b|\byour (?:patience|understanding) is (?:much |greatly |really |very much )?appreciated\b|"
    r"\bi (?:totally |completely |really )?get where you(?:'re| are) coming from\b|\bi can (?:only )?imagine\b|"
    r"\bi hear you\b|\bi (?:totally |completely |really )?get (?:it|that)\b", re.I)
# The manner a persona plays (the customer shows it in every line, whatever words they use).
_PERSONA_FAMILY = {"anxious": 1, "irate": 0, "confused": 3}


def misread_feeling(ctx: Context, n: int, text: str) -> str | None:
    """The sentence that tells the customer they feel what they never showed, when they showed something
    else ("I can tell you're really angry with us" to an anxious customer who apologised for calling)."""
    shown = _shown_families(ctx, n)
    persona = _PERSONA_FAMILY.get(str(getattr(ctx.scenario, "persona", "") or ""))
    if persona is not None:
        shown.add(persona)
    if not shown:
        return None
    for s in sentences(text):
        for m in _SAID_OF_YOU.finditer(s):
            fam = _families([m.group("w").lower()])
            if fam and not fam & shown:
                return s
    return None


def _empathy(ctx: Context, n: int, r: TurnReading) -> tuple[str, str | None]:
    """The reading's empathy kind, with "specific" kept only when the quoted sentence itself says something
    of this customer (a bare "I'm sorry." beside an action is an apology, not a reflection of their story),
    and "feeling" only for a feeling the customer showed ("That sounds really frustrating." to a worried
    customer is generic sympathy: it would fit any call)."""
    memo = ctx.__dict__.setdefault("_emp", {})
    if n in memo:
        return memo[n]
    kind, q = r.empathy, r.empathy_quote
    if kind == "specific" and q:
        own = set(keys(" ".join(content_words(tokens(q))))) & ctx.said(n, True)
        if not own and len(content_words(tokens(q))) < 4:
            kind = "feeling" if any(w in FEELINGS for w in tokens(q)) else "generic"
        elif not _warm(q) and _PERCEIVES.search(q):
            # "I can see the two payments": seeing or checking the facts is listening or action, not empathy
            kind = "none"
            v = next((x for x in sentences(ctx.transcript.turns[n - 1].text) if _validation(ctx, n, x)), None)
            if v:
                kind, q = "specific", v
        elif len(own) < 2 and not (any(w in FEELINGS for w in tokens(q)) or _VALIDATES.search(q)
                                   or _SORRY_THAT.search(q)):
            kind = "generic"  # "I'm sorry to hear about the payment": sympathy with a topic word, no impact on them
    if kind in ("feeling", "generic") and q:
        named = _families([w for w in tokens(q) if w in FEELINGS] + (["let down"] if "let down" in q.lower() else []))
        if kind == "feeling" and (not named & _shown_families(ctx, n) or _SCRIPTED_SYMPATHY.search(q)):
            kind = "generic"  # (or wrapped in a script: "I can only imagine how stressful that is")
        elif kind == "generic" and named & _shown_families(ctx, n) and _SAID_OF_YOU.search(q):
            kind = "feeling"  # "You sound really anxious" to a customer who said they were panicking
    elif kind == "none" and "farewell" not in (ctx.graded[n - 1] if ctx.graded else ()) and (
            g := next((x for x in sentences(ctx.transcript.turns[n - 1].text) if _SCRIPTED_SYMPATHY.search(x)), None)):
        # (a thank-you in the goodbye of a call is good manners, not sympathy)
        kind, q = "generic", g  # "Thanks for your patience", "I can only imagine": a script that fits any call
    elif kind == "none" and not {"dismissive", "blame", "blame_shift"} & set(ctx.graded[n - 1] if ctx.graded else ()):
        # A feeling said of this customer's own story ("… rent due on Friday — a horrible spot to be in").
        for x in sentences(ctx.transcript.turns[n - 1].text):
            if (any(w in FEELINGS for w in tokens(x)) and not _NOT_A_FEELING.search(x)
                    and len(set(keys(" ".join(content_words(tokens(x))))) & ctx.said(n, True)) >= 2) \
                    or _validation(ctx, n, x):
                kind, q = "specific", x
                break
    if kind == "generic" and not {"dismissive", "blame", "blame_shift"} & set(ctx.graded[n - 1] if ctx.graded else ()):
        # A greeting or a script read as the turn's sympathy, beside a sentence that says what this has done to
        # the customer ("Hiya, you're through to Sam. Charged twice the week your rent's due … is a scary spot"):
        # the reflection is the turn's empathy.
        v = next((x for x in sentences(ctx.transcript.turns[n - 1].text) if _validation(ctx, n, x)), None)
        if v:
            kind, q = "specific", v
    memo[n] = (kind, q)
    return kind, q


def _closest(ctx: Context, n: int, text: str) -> str:
    """The sentence of a turn that says most of what the customer said (for quoting a restatement)."""
    said = ctx.said(n, True)
    best, best_k = None, 0
    for s in sentences(text):
        k = len(set(keys(" ".join(content_words(tokens(s))))) & said)
        if k > best_k:
            best, best_k = s, k
    return best or quote(text)


def _hollow_turn(r: TurnReading) -> bool:
    """A turn that is only a greeting, an ID request or an acknowledgement: it shows no skill."""
    substantive = bool(set(r.moves) & (_HEARD | {"next_step"})) or r.empathy == "specific" or r.acted
    return r.empty_ack or ((r.greeting or r.id_request) and not substantive)


def _shouted(sentence: str) -> bool:
    """A sentence typed in capitals: shouting (or caps lock), not internal shorthand."""
    letters = [c for c in sentence if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _jargon_said(text: str) -> bool:
    """Whether the jargon move stands: a jargon term in a sentence not shouted, and not a number or reference
    the customer is being given ("case ref 55-1020-33")."""
    return any(not re.search(r"\d", m.group()) for x in sentences(text) if not _shouted(x)
               for m in rules.JARGON.finditer(x))


# A reference or number on its own: digits (and a few letters) joined by dashes, slashes, dots or spaces.
_REFERENCE = re.compile(r"#?(?:[A-Za-z]{1,4}[-/ ]?)?\d[\d]*(?:[-/. ]\d+)*(?:[-/ ]?[A-Za-z]{1,3})?")


def real_jargon(text: str, terms) -> list[str]:
    """The terms a customer would not follow, less capitals that are only shouting ("I WILL BOOK AN ENGINEER")
    and the letters of a case reference the agent gives them ("LP-4471")."""
    out = []
    for term in terms:
        if _REFERENCE.fullmatch(term.strip()):
            continue  # an order or case number read back ("48-1192-7735", "LP-2208"): the customer's own, not jargon
        if re.fullmatch(r"[A-Z]{1,6}s?", term):
            if re.search(r"\b" + re.escape(term) + r"[-/ ]?\d", text):
                continue
            if any(term in x and _shouted(x) for x in sentences(text)):
                continue
        out.append(term)
    return out


def _target(text: str) -> str:
    """What a suggestion replaces: the whole turn when it is short enough to quote, else its first sentence."""
    t = text.strip()
    if len(t) <= MAX_QUOTE:
        return t
    return quote(t)


def _kept(ctx: Context, n: int, original: str, r: TurnReading) -> list[str]:
    """Sentences of the replaced text a better line should keep: all but the ones that hurt (dismissive,
    blaming, policy read out, jargon, a forbidden promise, a non-apology or script, a greeting, a bare
    acknowledgement, a doubting question, a lecture). So a suggestion keeps what the turn did."""
    from scoring.understanding import EMPTY_ACK, GENERIC_EMPATHY, NON_APOLOGY

    forbidden = [o.text for o in r.forbidden]
    keep: list[str] = []
    for s in sentences(original):
        st = s.strip()
        if (not st or len(st) > 200 or EMPTY_ACK.match(st) or SCRIPTED_GREETING.search(st)
                or rules.DISMISSIVE.search(st) or rules.BLAME.search(st) or _POLICY.search(st)
                or real_jargon(st, [m.group() for m in rules.JARGON.finditer(st)] + [j for j in r.jargon if j in st])
                or rules.OFF_TOPIC_CUE.search(st)
                or any(f in st or st in f for f in forbidden) or NON_APOLOGY.search(st) or GENERIC_EMPATHY.search(st)
                or (r.id_first and ID_REQUEST.search(st)) or (st.endswith("?") and _doubts(ctx, n, st))
                or blames_customer(st) or shifts_blame(st) or minimises(st) or _forbidden_in(st, ctx.scenario)
                or _DOUBT_SAID.search(st)
                or re.match(r"^\W*(?:thanks|thank you|cheers)\b", st, re.I) or _SMALL_TALK_Q.search(st)
                or (_hedged(st) and not rules.TIME_WORDS.search(st))):
            continue
        st = re.sub(r"^(?:ok(?:ay)?|right|sure|alright|all right|thanks|thank you|got it|i see)[,.!]?\s+(?=\w)", "", st,
                    flags=re.I)
        if not st.endswith("?") and (len(tokens(st)) < 3 or EMPTY_ACK.match(st)):
            continue  # "Much appreciated.", "Sure thing.": nothing to keep
        keep.append(_cap(st))
    return keep


def _suggest(n: int, original: str, better: str) -> dict:
    return {"turn": n, "original": original, "better": better, "predicted": None}


def _with_kept(lead: str, kept: list[str], tail: str | None = None) -> str:
    """A lead sentence followed by what the original turn did (or `tail` when it did nothing to keep)."""
    parts = [lead.rstrip()]
    parts += kept if kept else ([tail] if tail else [])
    out = " ".join(p.strip() for p in parts if p and p.strip())
    return re.sub(r"\s{2,}", " ", out)


# ---------------------------------------------------------------------------------------------------------
# Active listening


def _answer_line(ctx: Context, kind: str, ask: str = "", n: int | None = None) -> str:
    """A reply that answers a question of this kind: with what the policy allows when the question is about
    it ("What happens if it bounces?" -> the temporary credit), else honestly, when the answer is not known yet.
    `n`: the turn it replaces (what was offered before it is never offered again)."""
    if ask and ctx.policy is not None and kind not in ("when", "who", "reference"):
        want = concepts(ask) - concepts("what happens if you can will do")
        made = ctx.offered_upto(n) if n is not None else ctx.offered_rules
        fits = [(len(concepts(item) & want), -i, item) for i, item in enumerate(ctx.policy.may_offer)
                if item not in made]  # (never what was already offered or done)
        fits = [f for f in fits if f[0] > 0]
        if fits:
            line = offer_sentence(max(fits)[2])
            if line and not _forbidden_in(line, ctx.scenario):
                return f"Here's what I can do about that: {_low(line)}"
    if kind == "when":
        return "I can't promise an exact time yet, but I'll find out and call you back within the hour."
    if kind == "who":
        return "I'll look after this myself and stay with it until it's sorted."
    if kind == "reference":
        return "I'll give you a reference number before we finish, so you never have to explain this again."
    if kind in ("yes_no", "why", "amount", "where", "which", "info"):
        return "Honestly, I don't know yet — I'll check now and tell you before we finish this call."
    return f"Here's what I'll do: {_low(ctx.offer_line(n))}"


def active_listening(ctx: Context) -> dict:
    turns = ctx.read()
    ev, sugg = [], []
    asked = [(n, t, q) for n, t, m, r in turns for q in _legit_questions(ctx, n, r)[:1]]
    heard = []
    gaps: list[tuple[int, str, str, float, str | None]] = []   # (turn, text, why, penalty, better)
    all_turns = ctx.transcript.turns
    for n, t, m, r in turns:
        r_kind = _empathy(ctx, n, r)[0]
        n_content = len(content_words(tokens(t)))
        if not _hollow_turn(r) and not (r.greeting_after_explained or r.id_first) \
                and not {"dismissive", "blame", "blame_shift"} & set(m) \
                and (_restates(ctx, n, t, m) or ("summary" in m and n_content >= 4 and _recaps_customer(ctx, n, t))
                     or r_kind == "specific" or (r.empathy == "specific" and r_kind == "none")  # (seeing their facts)
                     or (r_kind == "feeling" and "reflection" in m and _voiced_feeling(ctx, n, t))
                     or ("acknowledgement" in m and ctx.on_issue(t) and n_content >= 4
                         and r_kind not in ("generic", "non_apology") and "farewell" not in m
                         and not _SCRIPTED_SYMPATHY.search(t) and not empty_reassurance(t))):
            heard.append((n, t, m))
        prev = all_turns[n - 2] if n >= 2 else None
        after_customer = prev is not None and prev.role == "customer"
        doubt = next((q for q in r.questions if _doubts(ctx, n, q)), None) if after_customer else None
        if r.greeting_after_explained or r.id_first or doubt or r.premature_solution:
            point = _point_before(ctx, n)
            restate = f"So {point}." if point else f"So the {ctx.topic()} is the main problem."
            kept = _kept(ctx, n, _target(t), r) if (r.greeting_after_explained or doubt or r.premature_solution) else []
        else:
            point, restate, kept = None, "", []
        if r.greeting_after_explained:
            gaps.append((n, t, "a scripted greeting after the customer had already explained the problem", 12,
                         _with_kept(restate, kept, "Let me sort that out for you now.")))
            continue
        admin_first = not r.id_first and r.questions and all(_admin(q) for q in r.questions) \
            and not _restates(ctx, n, t, m) and r_kind != "specific" and not r.acted and after_customer \
            and not any(_legit_questions(ctx, k, ctx.reading(k)) or _restates(ctx, k, x, mv)
                        for k, x, mv, _ in turns if k < n) and len(ctx.said(n)) >= 6
        if r.id_first or admin_first:
            ask_id = next((x for x in sentences(t) if ID_REQUEST.search(x)), "")
            ask_id = _low(ask_id.strip()) if ask_id.rstrip().endswith("?") else "could I take a few details?"
            if not restate:  # an admin-only question: restate what they said before asking it
                point = _point_before(ctx, n)
                restate = f"So {point}." if point else f"So the {ctx.topic()} is the main problem."
            again = next((k for k, _, _, rk in turns if k < n and any(
                _same_question(q, qk) for q in r.questions for qk in rk.questions)), None)
            if again is not None:
                # The customer answered this already: use the answer and get on with the problem.
                gaps.append((n, t, f"asks again what the customer already answered (turn {again})", 10,
                             f"{restate} Let me look into it now."))
                continue
            gaps.append((n, t, "asks for details before taking up what the customer explained", 10,
                         f"{restate} Let me sort that out for you — {ask_id}"))
            continue
        if doubt:
            gaps.append((n, t, "questions what the customer already told you", 12,
                         _with_kept(f"I believe you — {point}." if point else "I believe you.", kept,
                                    "Let me take it from here.")))
            continue
        engaged = (bool(set(m) & {"question", "paraphrase", "reflection", "affirmation", "apology", "next_step",
                                  "summary"}) or (r.acted and not r.forbidden and not empty_reassurance(t)) or _recap(t)
                   or _restates(ctx, n, t, m) or r_kind in ("specific", "feeling")) and not _hollow_turn(r)
        real_ask = r.ask is not None and (r.ask.kind in ("when", "who", "action", "why", "amount", "reference")
                                          or len(content_words(tokens(r.ask.text))) >= 2)
        if r.answered is False and real_ask and not (
                _restates(ctx, n, t, m) or r_kind in ("specific", "feeling") or _legit_questions(ctx, n, r)
                or set(m) & _HEARD):
            gaps.append((n, t, f"does not answer the customer's question (\u201c{clip(r.ask.text, 70)}\u201d)", 12,
                         _with_kept(_answer_line(ctx, r.ask.kind, r.ask.text, n), [])))
            continue
        if after_customer:
            said = "?" in prev.text or len(content_words(tokens(prev.text))) >= 5
            bye = "farewell" in m or (n in {k for k, *_ in turns[-2:]} and bool(_FAREWELL_MORE.search(t)))
            if bye and "?" not in prev.text and _CONTENT_CUSTOMER.search(prev.text):
                said = False  # "That's me sorted, thank you." -> "You're welcome, take care.": the fitting reply
            if said and (not engaged or {"dismissive", "off_topic"} & set(m) and not _legit_questions(ctx, n, r)):
                k = len(gaps)
                point = _point_before(ctx, n)
                follow = ("can you tell me more about that?", "what has happened since?",
                          "what would help most right now?")[k % 3]
                kept = _kept(ctx, n, _target(t), r)
                if {"dismissive", "blame", "blame_shift"} & set(m):
                    # Pushed away: take up what they said and own it, not a question about when it started.
                    better = _with_kept(f"So {point} — that's ours to sort, and I will." if point else
                                        f"I hear you — your {ctx.topic()} is ours to sort, and I will.", kept)
                elif "?" in prev.text and ({"farewell", "check_more"} & set(m) or filler_only(t)):
                    # They asked and got a goodbye or an "Okay.": the fitting line answers them.
                    from scoring.understanding import ask_kind

                    q = next((x for x in reversed(sentences(prev.text)) if x.rstrip().endswith("?")), prev.text)
                    better = _answer_line(ctx, ask_kind(q), q, n)
                elif kept:  # keep what the turn did, with the customer's point taken up first
                    better = _with_kept(f"So {point}." if point else f"So the {ctx.topic()} is the main problem.", kept)
                else:
                    better = f"So {point} — {follow}" if point else \
                        f"So the {ctx.topic()} is the main problem — what would help most right now?"
                if r.forbidden:
                    better = None  # the closure advice replaces the forbidden promise with what can be offered
                gaps.append((n, t, "does not respond to what the customer had just said", 15, better))
                continue
        if r.premature_solution and not empty_reassurance(t):  # (a reassurance offers no solution at all)
            gaps.append((n, t, "offers a solution before understanding the problem (no question or reflection yet)", 8,
                         _with_kept(f"{restate[:-1]} — is that right?", kept)))
    s = 35 + 15 * min(len(asked), 2) + 25 * min(1.0, len(heard) / max(1, len(turns)) * 2) \
        - sum(p for _, _, _, p, _ in gaps)
    for n, t, q in asked[:2]:
        ev.append(_ev(n, t, "asks a question that draws out the problem", sentence=q))
    for n, t, m in heard[:2]:
        r = ctx.reading(n)
        kind, q = _empathy(ctx, n, r)
        if kind == "none" and r.empathy == "specific":
            kind, q = "specific", r.empathy_quote  # "I can see the two payments": heard, though no empathy
        ev.append(_ev(n, t, "shows they heard what the customer said",
                      sentence=q if kind == "specific" and not _restates(ctx, n, t, m) else _closest(ctx, n, t)))
    for n, t, why, _, better in gaps[:4]:
        ev.append(_ev(n, t, why, gap=True))
        if better:
            sugg.append(_suggest(n, _target(t), better))
    # No question asked: advise one where it fits, before anything was done about the problem, never on a
    # goodbye, a filler, a forbidden promise or a line that pushed the customer away.
    first_act = next((n for n, t, m, r in turns if r.acted and not r.forbidden), None)
    spot = next(((n, t, m, r) for n, t, m, r in turns if (first_act is None or n < first_act) and not r.acted
                 and not r.forbidden and not filler_only(t) and "farewell" not in m and "check_more" not in m
                 and not {"dismissive", "blame", "blame_shift"} & set(m)), None) if not asked else None
    if spot is not None:
        n, t, m, r = spot
        point = _point_before(ctx, n)
        ask = f"So {point} — what would help most right now?" if point else \
            f"Can you tell me what's happened with your {ctx.topic()} so far?"
        sugg.append(_suggest(n, _target(t), _with_kept(ask, [])))
    return {"score": _clamp(s), "evidence": ev, "suggestions": sugg}


# ---------------------------------------------------------------------------------------------------------
# Paraphrasing


def paraphrasing(ctx: Context) -> dict:
    turns = ctx.read()
    ev, sugg = [], []
    paras = [(n, t) for n, t, m, r in turns if _restates(ctx, n, t, m)]
    parrots = [(n, t) for n, t, m, r in turns if is_parroting(t, ctx.transcript.turns[:n - 1])]
    recitals = [(n, t) for n, t, m, r in turns if "paraphrase" in m and _POLICY.search(t)]
    summaries = [(n, t) for n, t, m, r in turns if "summary" in m and (r.commitments or r.acted)]
    s = 20 + 35 * min(len(paras), 2) + (10 if summaries else 0) - 20 * len(parrots) - 10 * len(recitals)
    for n, t in paras[:2]:
        cue = next((x for x in sentences(t) if rules.PARAPHRASE_CUE.search(x)), None) or _restatement(ctx, n, t)
        ev.append(_ev(n, t, "restates the customer's point in own words", sentence=cue or _closest(ctx, n, t)))
    for n, t in parrots[:2]:
        ev.append(_ev(n, t, "repeats the customer's words back verbatim (parroting)", gap=True))
        sugg.append(_suggest(n, _target(t), f"So if I've got this right, the {ctx.topic()} problem is stopping you "
                                             "— is that right?"))
    for n, t in recitals[:1]:
        ev.append(_ev(n, t, "reads out policy instead of restating the customer's problem", _POLICY, gap=True))
    if len(paras) < 2:
        first = paras[0][0] if paras else 0
        for n, t, m, r in turns:
            if n <= first or _restates(ctx, n, t, m) or {"paraphrase", "summary"} & set(m) or _hollow_turn(r) \
                    and not r.greeting_after_explained:
                continue
            if {"farewell", "check_more"} & set(m) or r.forbidden:
                continue  # a restatement is no fix for a goodbye or a forbidden promise (closure advises on those)
            point = _point_before(ctx, n)
            if not point:
                continue
            target = _target(t)
            kept = _kept(ctx, n, target, r)
            lead = f"So if I've understood, {point}" if not paras else f"So {point}"
            sugg.append(_suggest(n, target, _with_kept(f"{lead}." if kept else f"{lead} — have I got that right?",
                                                       kept)))
            break
        else:
            if not paras and turns:
                n, t, m, r = turns[0]
                target = _target(t)
                sugg.append(_suggest(n, target, _with_kept(
                    f"So if I've understood, the {ctx.topic()} problem is causing you real trouble — is that right?",
                    [])))
    return {"score": _clamp(s), "evidence": ev, "suggestions": sugg}


# ---------------------------------------------------------------------------------------------------------
# Empathy


def _reflect_line(ctx: Context, n: int | None = None) -> str:
    """A reflection naming only a feeling the customer showed: frustration to an angry one, worry to an anxious
    one, doubt to a sceptic; none named when they showed none."""
    feel = _feeling(ctx)
    point = _point_before(ctx, n) if n is not None else None
    if feel == "doubt":
        return (f"I can see why you'd doubt us — {point}." if point else
                f"I can see why you'd doubt us after how your {ctx.topic()} has been handled.")
    if feel is None:
        return f"That's a lot to deal with — {point}." if point else f"That's a lot to deal with on your {ctx.topic()}."
    if point:
        return f"That sounds really {feel} — {point}."
    return f"I can hear how {feel} this has been with your {ctx.topic()}."


def _norm(s: str) -> str:
    return " ".join(tokens(s))


def empathy(ctx: Context) -> dict:
    turns = ctx.read()
    ev, sugg = [], []
    s = 35.0
    said: dict[str, int] = {}
    n_specific = n_feeling = n_generic = n_owned = 0
    for n, t, m, r in turns:
        if _hollow_turn(r) and _empathy(ctx, n, r)[0] != "specific":
            continue  # (a greeting that also says what this has done to the customer is empathy all the same)
        kind, q = _empathy(ctx, n, r)
        key = _norm(q or "")
        if kind in ("specific", "feeling", "generic") and key in said:
            ev.append(_ev(n, t, "repeats the same sympathy line: it sounds scripted the second time", gap=True,
                          sentence=q))
            s -= 4
            continue
        if kind in ("specific", "feeling", "generic"):
            said[key] = n
        if kind == "specific":
            s += (30, 18)[n_specific] if n_specific < 2 else 4
            n_specific += 1
            ev.append(_ev(n, t, "reflects this customer's situation, not a script", sentence=q))
        elif kind == "feeling":
            s += 10 if n_feeling == 0 else 3
            n_feeling += 1
            ev.append(_ev(n, t, "names the feeling the customer showed", sentence=q))
        elif kind == "generic":
            n_generic += 1
            if n_generic == 1:
                s += 3  # a little, once: a reflection of this customer's story scores far more
            else:
                s -= 3
                ev.append(_ev(n, t, "generic sympathy that would fit any call", gap=True, sentence=q))
                target = _target(t)
                sugg.append(_suggest(n, target, _with_kept(_reflect_line(ctx, n), _kept(ctx, n, target, r))))
        elif kind == "non_apology":
            s -= 10
            ev.append(_ev(n, t, "a non-apology: sorry for the customer's feelings or for nothing in particular, not for what "
                          "happened — it sounds scripted",
                          gap=True, sentence=q))
            target = _target(t)
            sugg.append(_suggest(n, target, _with_kept(
                f"I'm sorry — the {ctx.topic()} problem is on us, not you, and I'm going to put it right.",
                _kept(ctx, n, target, r))))
        if "apology" in m and kind != "non_apology":
            owned = bool(rules.APOLOGY_OWNERSHIP.search(t)) and not rules.HOLLOW_APOLOGY.search(t)
            if owned:
                s += (12, 5)[min(n_owned, 1)]
                n_owned += 1
                ev.append(_ev(n, t, "apologises and owns the problem", rules.APOLOGY_OWNERSHIP))
            elif kind in ("specific", "feeling"):
                s += 4
            elif r.acted:
                s += 3
            else:
                s += 1
                ev.append(_ev(n, t, "apology without ownership sounds scripted", rules.APOLOGY, gap=True))
                target = _target(t)
                sugg.append(_suggest(n, target, _with_kept(
                    f"I'm sorry — we let you down on your {ctx.topic()}, and I'm going to put it right.",
                    _kept(ctx, n, target, r))))
        elif "apology" not in m and not {"blame", "blame_shift", "dismissive"} & set(m) and (
                own_m := rules.APOLOGY_OWNERSHIP.search(t)) and not _DISOWNS.search(t) and not re.search(
                r"\bsorry\b", own_m.group(0), re.I):
            # "That's our mistake, and I'm not going to try to keep you": owning it is accountability, sorry or not
            s += (12, 5)[min(n_owned, 1)]
            n_owned += 1
            ev.append(_ev(n, t, "owns the mistake", rules.APOLOGY_OWNERSHIP))
        if "affirmation" in m and kind not in ("generic", "non_apology") and not {"dismissive", "blame"} & set(m) \
                and rules.AFFIRMATION.search(t) and not re.search(r"\b(?:i|we) (?:\w+ )?understand\b", t, re.I):
            s += 5
        if "dismissive" in m:
            s -= 22
            where = minimises(t) if not rules.DISMISSIVE.search(t) else None
            ev.append(_ev(n, t, "dismisses or minimises the customer's concern", rules.DISMISSIVE, gap=True,
                          sentence=where))
            sugg.append(_suggest(n, clip(where) if where else quote(t, rules.DISMISSIVE), _reflect_line(ctx, n)))
        if "blame" in m:
            s -= 20
            where = blames_customer(t)
            ev.append(_ev(n, t, "blames the customer", rules.BLAME, gap=True, sentence=where))
            sugg.append(_suggest(n, clip(where) if where else quote(t, rules.BLAME),
                                 f"None of this is on you — let's get your {ctx.topic()} sorted."))
        if "blame_shift" in m:
            s -= 15
            where = shifts_blame(t)
            ev.append(_ev(n, t, "shifts the blame onto someone else instead of owning the problem", gap=True,
                          sentence=where))
            sugg.append(_suggest(n, clip(where or t), f"Whoever caused it, I'll sort it from here: {_low(ctx.offer_line())}"))
        wrong = misread_feeling(ctx, n, t) if kind not in ("specific",) else None
        if wrong:
            s -= 5
            ev.append(_ev(n, t, "names a feeling the customer did not show: check how they feel before naming it",
                          gap=True, sentence=wrong))
    if turns and not any(r.acted for *_, r in turns) and (n_specific or n_feeling or n_generic):
        s = min(s, 50 if n_specific else 40)  # a reflection of their story stays clearly above sympathy alone
        # Named on a turn that earned no praise here, so a real reflection keeps its credit as evidence.
        praised = {e["turn"] for e in ev if e["kind"] == "strength"}
        # ...and on a turn that offered sympathy, not on a goodbye or a question after it.
        sympathetic = [n for n, t, m, r in turns if _empathy(ctx, n, r)[0] in ("specific", "feeling", "generic")]
        n_last = next((n for n in reversed(sympathetic) if n not in praised), sympathetic[-1] if sympathetic else None)
        if n_last is not None and n_last not in praised:
            ev.append(_ev(n_last, ctx.transcript.turns[n_last - 1].text,
                          "sympathy with nothing done about the problem", gap=True,
                          sentence=_empathy(ctx, n_last, ctx.reading(n_last))[1]))
        elif n_last is not None:
            # A real reflection stays a strength; the advice is to follow it with something done.
            target = _target(ctx.transcript.turns[n_last - 1].text)
            sugg.append(_suggest(n_last, target, _with_kept(target, [f"Here's what I'll do: {_low(ctx.offer_line())}"])))
    if not (n_specific or n_feeling) and turns and not sugg:
        n, t, m, r = next(((n, t, m, r) for n, t, m, r in turns if not _legit_questions(ctx, n, r)), turns[0])
        target = _target(t)
        sugg.append(_suggest(n, target, _with_kept(_reflect_line(ctx, n), _kept(ctx, n, target, r),
                                                   "Let me get this sorted for you.")))
    return {"score": _clamp(s), "evidence": ev, "suggestions": sugg}


# ---------------------------------------------------------------------------------------------------------
# Focus


def focus(ctx: Context) -> dict:
    turns = ctx.read()
    ev, sugg = [], []
    s = 65.0
    seen: list[set[str]] = []
    n_jargon = 0
    pushed: list[dict] = []  # turns that push the problem away (blame, blame-shifting, "calm down")
    for n, t, m, r in turns:
        # Drifting is leaving the issue: a vague line about it ("there may be some help with costs") or jargon
        # about it ("a POD scan exception on the last-mile DSP") is on the topic, and named for what it is.
        drift = "off_topic" in m and not real_jargon(t, r.jargon) and not empty_reassurance(t) \
            and not {"blame", "blame_shift", "dismissive"} & set(m) \
            and not any(o.rule for o in r.offers) and (
            not ctx.on_issue(t) or bool(rules.OFF_TOPIC_CUE.search(t) or _SMALL_TALK_Q.search(t)))
        if drift:
            s -= 20
            ev.append(_ev(n, t, "drifts away from the customer's issue", rules.OFF_TOPIC_CUE, gap=True))
            sugg.append(_suggest(n, quote(t, rules.OFF_TOPIC_CUE),
                                 f"Let's get back to your {ctx.topic()}: {_low(ctx.offer_line())}"))
        if {"blame", "blame_shift", "dismissive"} & set(m):
            what = ("blames the customer" if "blame" in m else
                    "shifts the blame onto someone else" if "blame_shift" in m else
                    "tells the customer how to feel or shrinks the problem")
            where = blames_customer(t) or shifts_blame(t) or minimises(t)
            s -= 10
            pushed.append(_ev(n, t, f"{what} instead of working on the problem", rules.DISMISSIVE, gap=True,
                              sentence=where))
        terms = real_jargon(t, r.jargon)
        if terms or ("jargon" in m and _jargon_said(t)):
            n_jargon += 1
            s -= 10 if n_jargon <= 3 else 0
            rx = re.compile(re.escape(terms[0]), re.I) if terms else rules.JARGON
            named = ", ".join(terms[:3]) if terms else "internal terms"
            ev.append(_ev(n, t, f"uses terms the customer may not follow ({named})", rx, gap=True))
            sugg.append(_suggest(n, quote(t, rx), f"In plain words: {_low(ctx.offer_line())}"))
        elif r.lecture:
            s -= 10
            ev.append(_ev(n, t, f"a {len(t):,}-character explanation: too much to take in on the phone", gap=True))
            sugg.append(_suggest(n, quote(t), f"Put simply: {_low(ctx.offer_line())}"))
        words = {stem(w) for w in content_words(tokens(t))}
        if len(words) >= 3 and any(len(words & w) / len(words | w) >= 0.8 for w in seen):
            s -= 10
            ev.append(_ev(n, t, "repeats an earlier turn: the conversation loops", gap=True))
        seen.append(words)
    def real(n, r):  # what the turn does for the customer (not a refusal, a stall or their own words told back)
        return ([c for c in r.commitments if not _does_nothing(ctx, n, c.text)],
                [o for o in r.offers if o.allowed is not False and not _does_nothing(ctx, n, o.text)])

    steps = [(n, t, r) for n, t, m, r in turns if not _hollow_turn(r) and not {"blame", "blame_shift", "dismissive"} & set(m) and (
        ("next_step" in m and not _does_nothing(ctx, n, t)) or any(real(n, r)))
        and not (r.forbidden and not real(n, r)[1])]
    if steps:
        s += 15
        n, t, r = steps[0]
        cs, os_ = real(n, r)
        act = next((c.text for c in cs), None) or next((o.text for o in os_), None)
        ev.append(_ev(n, t, "moves toward a resolution", rules.NEXT_STEP, sentence=act))
    elif turns:
        s -= 10
        spot = _last_without_question(ctx, turns)
        if spot is not None:
            n, t, m, r = spot
            sugg.append(_suggest(n, _target(t), f"Here's what I'll do: {_low(ctx.offer_line())}"))
    if ctx.scenario is not None:
        s += 15 if ctx.need_met() else -5
    # Staying with the customer's issue: turns that never touch it (a lecture, "Okay.") do not count as focus.
    work = [(n, t, m) for n, t, m, r in turns if not set(m) <= {"check_more", "farewell"}]
    # (a blame line names the issue only to push it away)
    if work:
        # Minimising, blaming or reading policy names the issue only to push it away: not staying with it.
        away = [(n, t) for n, t, m in work if not ctx.on_issue(t) or {"dismissive", "blame", "blame_shift"} & set(m)]
        s += 15 - 30 * len(away) / len(work)
        if len(away) * 2 > len(work):
            n, t = away[0]
            ev.append(_ev(n, t, "does not take up the customer's issue", gap=True))
    named = {e["turn"] for e in ev if e["why"] == "does not take up the customer's issue"}
    ev += [e for e in pushed if e["turn"] not in named]
    return {"score": _clamp(s), "evidence": ev, "suggestions": sugg}


# ---------------------------------------------------------------------------------------------------------
# Closure (and the policy: what was promised)


def _hedged(text: str) -> bool:
    return bool(_HEDGE.search(text))


def _vague(text: str) -> bool:
    return bool(_VAGUE_TIME.search(text))


def _step_strength(turn: str, pieces: list[str]) -> str:
    """How firm a next step is: "timed" (a time the customer can hold the agent to), None (a firm action),
    "weak" (a vague time or a hedge beside an action: "at some point this week") or "none" (only a hedge:
    "we might be able to sort something out, I'll see")."""
    texts = [p for p in pieces if p] or [turn]
    best = "none"
    for p in texts:
        sent = next((x for x in sentences(turn) if p in x or x in p), p)
        hedge, vague = _hedged(p) or _hedged(sent), _vague(p) or _vague(sent)
        timed = bool(rules.TIME_WORDS.search(p) or rules.TIME_WORDS.search(sent)) and not vague
        if not hedge and not vague:
            return "timed" if timed else None if best != "timed" else best
        if timed and not hedge:
            best = "timed"
        elif vague or timed:
            best = "weak" if best == "none" else best
    return best


def _step_sentence(text: str) -> str | None:
    """The sentence of a turn that says what will be done (never a filler beside it: "Okay. I'll …")."""
    return next((x for x in sentences(text) if rules.NEXT_STEP.search(x) and not filler_only(x)),
                next((x for x in sentences(text) if not filler_only(x)), None))


def _recap(text: str) -> bool:
    """A recap said as one: a recap cue, then two or more things agreed ("So: seven days of tablets today,
    I'm chasing the surgery, and I'll nominate us")."""
    return _recap_sentence(text) is not None


def _recap_sentence(text: str) -> str | None:
    for x in sentences(text):
        if (rules.SUMMARY.search(x) or _RECAP_CUE.search(x)) and len(re.findall(r",|;| and | plus ", x)) >= 1 \
                and len(content_words(tokens(x))) >= 5:
            return x
    return None


def _firm_up(ctx: Context, sentence: str) -> str:
    """A vague or hedged step said firmly: the same action with a time and a promise to confirm it
    ("I'll give the surgery a ring at some point" -> "I'll give the surgery a ring this morning, and I'll call you
    back by 5pm to confirm"), or the scenario's allowed offer when the firm line would promise too much."""
    line = re.sub(r"\bat some (?:point|stage|time)\s+(?=(?:tomorrow|today|tonight)\b)", "first thing ", sentence.strip(),
                  flags=re.I)
    line = _VAGUE_TIME.sub("today", line)
    line = re.sub(r",?\s*\b(?:and )?(?:i'll|we'll|let me) see(?: what i can do)?\b[^.!?]*", "", line, flags=re.I)
    line = re.sub(r"\b(?:we|i) (?:might|may|could) (?:be able to|possibly) ", "I'll ", line, flags=re.I)
    line = re.sub(r"\b(?:someone|somebody) (?:should|will|may|might) (?:be in touch|get back to you|call you)\b",
                  "I'll call you myself by 5pm tomorrow", line, flags=re.I)
    line = re.sub(r"\b(?:maybe|perhaps|possibly|hopefully),?\s*", "", line, flags=re.I).strip().rstrip(".!,; ")
    if not line or _hedged(line) or _forbidden_in(line, ctx.scenario) or len(content_words(tokens(line))) < 3:
        return ctx.offer_line()
    tail = "" if rules.TIME_WORDS.search(line.replace("today", "")) else ", and I'll call you back by 5pm to confirm it's done"
    return _cap(line) + tail + "."


def _agreed(ctx: Context, turns: list, upto: int) -> list[str]:
    """What the trainee firmly agreed to do up to turn `upto` (the offers the policy allows, each once, in
    their own words), for a recap."""
    out: list[str] = []
    for n, t, m, r in turns:
        if n > upto or {"dismissive", "blame", "blame_shift"} & set(m):
            continue
        pieces = [o.text for o in r.offers if o.allowed]  # only what the policy is known to allow
        for p in pieces:
            p = re.sub(r"^(?:(?:and|so|also|then|plus|but|ok(?:ay)?|right|alright|sure)\b[,\s]+)+", "",
                       p.strip().rstrip(".!;,"), flags=re.I)
            p = re.sub(r"\b(I'm|I'll|we're|we'll|I've|we've) also\b", r"\1", p)  # "I'm also sending …" recapped
            if not p or _hedged(p) or _vague(p) or _forbidden_in(p, ctx.scenario) or len(p) > 120 \
                    or any(p in q or q in p for q in out):
                continue
            out.append(p)
    return [_low(x) for x in out[:3]]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + ", and " + items[-1]


def _recaps_forbidden(ctx: Context, text: str) -> bool:
    """Whether a recap repeats a promise the policy forbids (made in this turn or earlier)."""
    bad = [set(keys(" ".join(content_words(tokens(o.text))))) for _, o in ctx.breaches()]
    if not bad:
        return False
    for x in sentences(text):
        if rules.SUMMARY.search(x) or _RECAP_CUE.search(x):
            mine = set(keys(" ".join(content_words(tokens(x)))))
            if any(len(mine & b) >= 2 for b in bad):
                return True
    return False


def _last_without_question(ctx: Context, turns: list) -> tuple | None:
    """The latest trainee turn that asks no diagnostic question: advice never replaces a good question."""
    return next(((n, t, m, r) for n, t, m, r in reversed(turns) if not _legit_questions(ctx, n, r)), None)


def _voiced_feeling(ctx: Context, n: int, text: str) -> bool:
    """Whether turn n names a feeling the customer put into words before it ("I'm so worried" -> "you're
    worried"): that is hearing them. A feeling the agent supposes ("this must be frustrating") is empathy,
    not listening."""
    from scoring.understanding import customer_feelings

    said = {word_key(f) for f in customer_feelings(ctx.transcript.turns[:n - 1])}
    return bool(said & {word_key(w) for w in tokens(text) if w in FEELINGS})


def _same_question(a: str, b: str) -> bool:
    """Whether two questions ask for the same thing: two content words in common ("Can I take the order
    number?" / "What's the order number?"), or all of a short one's."""
    ka = {stem(w) for w in content_words(tokens(a))}
    kb = {stem(w) for w in content_words(tokens(b))}
    common = ka & kb
    return len(common) >= 2 or (bool(common) and (common == ka or common == kb))


def _needs_met_by(ctx: Context, text: str) -> list[str]:
    memo = ctx.__dict__.setdefault("_met_by", {})
    if text not in memo:
        memo[text] = [n.description for n in needs_met(ctx.scenario, text)]
    return memo[text]


def closure(ctx: Context) -> dict:
    turns = ctx.read()
    ev, sugg = [], []
    s = 10.0
    last_two = {n for n, *_ in turns[-2:]}
    found: dict[str, tuple[int, str, str | None]] = {}
    for n, t, m, r in turns:
        if _hollow_turn(r) or r.greeting:
            continue
        clean = [o for o in r.offers if o.allowed is not False and not _does_nothing(ctx, n, o.text)]
        if "summary" in m and len(content_words(tokens(t))) >= 4:
            found["summary"] = (n, t, None)
        acts = [c for c in r.commitments if not any(c.text in f.text or f.text in c.text for f in r.forbidden)
                and not _does_nothing(ctx, n, c.text)
                and (c.time or c.owner or c.reference or ctx.on_issue(c.text)
                     or any(o.allowed and (o.text in c.text or c.text in o.text) for o in r.offers))]
        clean = [o for o in clean if o.allowed or ctx.on_issue(o.text) or rules.TIME_WORDS.search(o.text)]
        if "summary" not in m and _recap(t):
            found["summary"] = (n, t, None)
        if "summary" in found and found["summary"][0] == n and _recaps_forbidden(ctx, t):
            found.pop("summary")  # a recap of promises the policy forbids confirms them: nothing to credit
        if ("next_step" in m or acts) and (acts or clean):
            how = _step_strength(t, [c.text for c in acts] + [o.text for o in clean])
            rank = {"timed": 3, None: 2, "weak": 1}
            prev = found.get("next_step")
            if how != "none" and (prev is None or rank[how] >= rank[prev[2]]):
                found["next_step"] = (n, t, how)
        if "check_more" in m:
            found["check_more"] = (n, t, None)
        if ("farewell" in m or _FAREWELL_MORE.search(t)) and n in last_two and any(
                (rules.FAREWELL.search(x) or _FAREWELL_MORE.search(x)) and not x.rstrip().endswith("?")
                for x in sentences(t)):
            found["farewell"] = (n, t, None)  # ("Did you have a nice weekend?" is small talk, not a goodbye)
    last = ctx.transcript.turns[-1] if ctx.transcript.turns else None
    # The customer ended the call (the engine marks its closing turn's intent; older transcripts only have the words).
    customer_ended = last is not None and last.role == "customer" and (
        (last.model_extra or {}).get("intent") == "farewell" or bool(rules.GOODBYE.search(last.text)))
    if "farewell" not in found and turns and customer_ended:
        found["farewell"] = (0, "", "customer")  # the customer said goodbye first: no farewell was possible
    pts = {"summary": 20, "next_step": 15, "check_more": 15, "farewell": 10}  # a time on the step: +15 more
    whys = {"summary": ("sums up what was agreed", rules.SUMMARY),
            "next_step": ("gives a concrete next step", rules.NEXT_STEP),
            "check_more": ("checks whether anything else is needed", rules.CHECK_MORE),
            "farewell": ("closes the conversation politely", rules.FAREWELL)}
    moods = ctx.moods()
    # The problem was addressed: a recap, a firm next step, or the customer's need met. A goodbye before that
    # is walking away, however politely it is said (or however the customer's mood moved).
    step = found.get("next_step")
    addressed = "summary" in found or (step is not None and step[2] != "weak") or ctx.need_met() or any(
        o.allowed and _step_strength(o.text, [o.text]) not in ("weak", "none") and _needs_met_by(ctx, o.text)
        and not _does_nothing(ctx, n, o.text) for n, *_, r in turns for o in r.offers)
    if "farewell" in found and found["farewell"][2] != "customer":
        n, t, _ = found["farewell"]
        bye = next((x for x in sentences(t) if rules.FAREWELL.search(x) or _FAREWELL_MORE.search(x)), t)
        if not addressed:
            found.pop("farewell")
            s -= 5
            ev.append(_ev(n, t, "says goodbye before the customer's problem is solved", gap=True, sentence=bye))
        elif _BARE_BYE.match(bye.strip()) and not _FAREWELL_WARM.search(t) and not (
                # a plain "Goodbye." after the recap and the next step (this turn or the one before) closes well
                "summary" in found and found["summary"][0] >= n - 2 and "next_step" in found):
            found.pop("farewell")
            ev.append(_ev(n, t, "ends the call abruptly: no recap, no check that it's sorted, no warm close",
                          gap=True, sentence=bye))
    if "check_more" in found and not addressed:
        n, t, _ = found.pop("check_more")
        ev.append(_ev(n, t, "asks if there's anything else before anything is sorted", rules.CHECK_MORE, gap=True))
    for move in ("summary", "next_step", "check_more", "farewell"):
        if move in found:
            n, t, how = found[move]
            s += pts[move] if how != "weak" else 8
            why, rx = whys[move]
            if move == "next_step" and how == "timed":
                s += 15
                why = "gives a concrete next step with a time"
            if move == "next_step" and how == "weak":
                ev.append(_ev(n, t, "a vague next step: no firm time or owner the customer can hold you to",
                              gap=True, sentence=_step_sentence(t)))
                sugg.append(_suggest(n, clip(_step_sentence(t) or t), _firm_up(ctx, _step_sentence(t) or t)))
                continue
            if how != "customer":
                ev.append(_ev(n, t, why, rx, sentence=_step_sentence(t) if move == "next_step" else
                              (_recap_sentence(t) if move == "summary" else None)))
    missing = [m for m in ("summary", "next_step", "check_more", "farewell") if m not in found]
    if len(moods) >= 2:
        if moods[-1] >= moods[0]:
            s -= 5
        else:  # a calmer customer counts fully when the call was also closed (a recap or a check)
            closed = bool({"summary", "check_more"} & set(found)) or (ctx.transcript.model_extra or {}).get(
                "end_reason") == "resolved"
            s += (15 if closed else 8) if addressed else (3 if step is not None else 0)
    # What was offered, against the policy.
    credited = 0
    for n, t, m, r in turns:
        for o in r.offers:
            if o.allowed and credited < 2 and not _does_nothing(ctx, n, o.text):
                strength = _step_strength(o.text, [o.text])
                if strength == "none":
                    continue  # "we might be able to sort something out": a hedge, not an offer
                met = _needs_met_by(ctx, o.text) if strength != "weak" else []
                s += 5 if met else (2 if strength != "weak" else 1)
                credited += 1
                ev.append(_ev(n, t, f"offers what the policy allows ({o.rule})" + (", and it meets the customer's need"
                                                                                  if met else ""), sentence=o.text))
    for k, (n, o) in enumerate(ctx.breaches()):
        s -= 20 if k < 2 else 5
        alt = alternative(o.rule, ctx.scenario, exclude=ctx.offered_rules) if o.rule else None
        ev.append(_ev(n, ctx.transcript.turns[n - 1].text,
                      f"promises what the policy forbids ({o.rule})" + (f"; could have offered: {alt}" if alt else ""),
                      gap=True, sentence=o.text))
        line = offer_sentence(alt) if alt else ""
        better = f"I can't promise that, but {_low(line)}" if line else \
            "I can't promise that, but I'll find out exactly what I can do and call you back within the hour."
        sugg.append(_suggest(n, clip(o.text), better))
    spot = _last_without_question(ctx, turns) if missing and turns else None
    if spot is not None:
        n, t, m, r = spot
        target = _target(t)
        parts = []
        done = _agreed(ctx, turns, n)
        agreed = done if "summary" in missing and "next_step" not in missing else []
        if agreed:
            # A recap of what this trainee agreed, in their words: never fewer things than they offered.
            parts.append("To recap: " + _join(agreed) + ".")
        elif "summary" in missing or "next_step" in missing:
            # nothing agreed: there is nothing to recap, so the line offers it ("To recap, I can arrange …" of a
            # call where nothing was arranged reads wrong)
            parts.append(("To recap, " + _low(ctx.offer_line())) if "summary" in missing and done else ctx.offer_line())
        else:
            parts += [x for x in sentences(target) if not (rules.FAREWELL.search(x) or rules.CHECK_MORE.search(x))
                      and not _forbidden_in(x, ctx.scenario)]
        if "check_more" in missing:
            parts.append("Is there anything else I can help with?")
        else:
            parts += [x for x in sentences(target) if rules.CHECK_MORE.search(x)]
        parts += [x for x in sentences(target) if rules.FAREWELL.search(x) and not rules.CHECK_MORE.search(x)] \
            if "farewell" not in missing else ["Thanks for your patience — take care."]
        better = " ".join(p.strip() for p in parts if p.strip())
        if better and better != target:
            sugg.append(_suggest(n, target, better))
    return {"score": _clamp(s), "evidence": ev, "suggestions": sugg}


_SCORERS = {"active_listening": active_listening, "paraphrasing": paraphrasing, "empathy": empathy,
            "focus": focus, "closure": closure}


def suggestion_ok(better: str, scenario: Any) -> bool:
    """Whether a suggested line may be shown: it reads right and offers nothing the policy forbids."""
    return bool(better.strip()) and not garbled(better) and not _forbidden_in(better, scenario)


# More ways a recap opens, read only to find a forbidden promise summed up ("Just so we're clear: ...").
_RECAP_MORE = re.compile(r"^\W*(?:(?:ok(?:ay)?|right|so|alright|great|good)[,.\s]+)*(?:just )?(?:so (?:we're|you're|we are|you are) "
                         r"clear|to be clear|so that's|that's|so,? to confirm|to confirm|so,? you(?:'ve| have) got|so you(?:'ll| will) "
                         r"(?:have|get)|so the plan is|that leaves us with|where we are)\b", re.I)


def _named(text: str) -> set[str]:
    """The policy concepts a text says that tell one promise from another (not "pay", "£", "now")."""
    return {c for c in concepts(text) if not c.startswith("w:")} - {
        "payment", "transaction", "amount", "new", "information", "guarantee", "today", "instant", "whole"}


def _recaps_of_breaches(ctx: Context, bad: dict[int, list[str]]) -> list[tuple[int, str, str]]:
    """(turn, sentence, rule) for each recap sentence, at or after a forbidden promise, that repeats it ("To
    recap: claim accepted, £8,000 settlement ...") without being the breach itself: what it names is the
    rule's, or it shares two content words with the promise."""
    breaches = ctx.breaches()
    if not breaches:
        return []
    said = [(n, o.rule, set(keys(" ".join(content_words(tokens(o.text))))), _named(o.text)) for n, o in breaches
            if o.rule]
    out: list[tuple[int, str, str]] = []
    for i, t in enumerate(ctx.transcript.turns, start=1):
        if t.role != "trainee" or i < min(n for n, *_ in said):
            continue
        for x in sentences(t.text):
            if x in bad.get(i, ()) or not (rules.SUMMARY.search(x) or _RECAP_CUE.search(x) or _RECAP_MORE.search(x)):
                continue
            mine, named = set(keys(" ".join(content_words(tokens(x))))), _named(x)
            rule = next((r for n, r, b, c in said if n <= i and (names_rule(x, r) or len(mine & b) >= 2
                                                                   or len(named & c) >= 2)), None)
            if rule:
                out.append((i, x, rule))
    return out


def _no_praise_for_forbidden_promises(ctx: Context, out: dict[str, dict]) -> None:
    """(Policy, class 4 of the s9 brief; owned with scoring/policy.py.) A promise the policy forbids is never a
    strength of any skill: "I'll just write the whole bill off for you" is no empathy, focus or closure. A
    strength quoting a sentence that holds a forbidden promise is dropped, and a skill that had one is scored
    as if that sentence had not been said (never higher than with it). The breach itself stays a named gap."""
    bad: dict[int, list[str]] = {}
    for n, o in ctx.breaches():
        text = ctx.transcript.turns[n - 1].text
        bad.setdefault(n, []).extend(x for x in sentences(text) if o.text in x or x in o.text)
    recaps = _recaps_of_breaches(ctx, bad)
    for n, x, _ in recaps:
        bad.setdefault(n, []).append(x)
    if recaps:
        # A recap that repeats a forbidden promise confirms it: a closure gap, never a strength of any skill.
        have = {(e["turn"], e["quote"]) for e in out["closure"]["evidence"] if e["kind"] == "gap"}
        for n, x, rule in recaps:
            e = _ev(n, x, f"sums up a promise the policy forbids ({rule}) as if it were agreed", gap=True, sentence=x)
            if (n, e["quote"]) not in have:
                out["closure"]["evidence"].append(e)
    if not bad:
        return

    def praises_breach(e: dict) -> bool:
        q = e["quote"].rstrip("…").strip()
        return e["kind"] == "strength" and any(q and (q in x or x in q) for x in bad.get(e["turn"], ()))

    hit = [name for name in SKILL_NAMES if any(praises_breach(e) for e in out[name]["evidence"])]
    if not hit:
        return
    turns = []
    for i, t in enumerate(ctx.transcript.turns, start=1):
        if i in bad:
            rest = " ".join(x for x in sentences(t.text) if x not in bad[i]).strip()
            t = t.model_copy(update={"text": rest or "Okay."})
        turns.append(t)
    without = Context.build(ctx.transcript.model_copy(update={"turns": turns}), ctx.scenario)
    for name in hit:
        d = out[name]
        d["evidence"] = [e for e in d["evidence"] if not praises_breach(e)]
        d["score"] = min(d["score"], _SCORERS[name](without)["score"])


def _lead(better: str) -> str:
    """The part of a suggested line before what it keeps of the original (its first sentence)."""
    s = sentences(better)
    return s[0] if s else better


def score_dimensions(ctx: Context) -> dict[str, dict]:
    out = {name: _SCORERS[name](ctx) for name in SKILL_NAMES}
    _no_praise_for_forbidden_promises(ctx, out)
    used: set[str] = set()
    # A suggestion never keeps a sentence the report names as something to work on ("So the bill is the main
    # problem. It'll probably be fine." repeats the brush-off it should replace).
    gap_quotes = {e["quote"].rstrip("…").strip() for d in out.values() for e in d["evidence"] if e["kind"] == "gap"}
    gap_quotes = {q for q in gap_quotes if len(q) >= 12 and not (  # a goodbye kept after the missing recap is fine
        len(tokens(q)) <= 8 and (rules.FAREWELL.search(q) or _FAREWELL_MORE.search(q)))}
    for d in out.values():
        d["suggestions"] = [sg for sg in d["suggestions"] if not any(
            q in sg["better"] and q not in _lead(sg["better"]) for q in gap_quotes)]
    for d in out.values():
        # Nothing is both a strength and a gap for one skill: a turn with a gap earns no praise there.
        gap_turns = {e["turn"] for e in d["evidence"] if e["kind"] == "gap"}
        evidence, seen_ev = [], set()
        for e in d["evidence"]:
            k = (e["turn"], e["quote"], e["kind"])
            if (e["kind"] == "strength" and e["turn"] in gap_turns) or k in seen_ev:
                continue
            if e["kind"] == "strength" and filler_only(e["quote"].rstrip("…")):
                continue  # "Okay.", "Right.", "Ok bye.": nothing there to praise
            seen_ev.add(k)
            evidence.append(e)
        d["evidence"] = evidence
        # One suggestion per quoted turn and skill, never the same line twice in a report, and only lines
        # that read right and stay within the policy.
        kept, originals = [], set()
        for sg in d["suggestions"]:
            if sg["original"] in originals or sg["better"] in used or sg["better"] == sg["original"] \
                    or not suggestion_ok(sg["better"], ctx.scenario):
                continue
            originals.add(sg["original"])
            used.add(sg["better"])
            kept.append(sg)
        d["suggestions"] = kept
        d["advice"] = [instead(sg["original"], sg["better"]) for sg in kept]
    return out


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
