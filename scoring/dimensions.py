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
from functools import cached_property
from typing import Any

from core.text import keys, word_key
from core.transcript import Transcript
from scoring import rules
from scoring.advice import customer_point, garbled, offer_sentence
from scoring.evidence import MAX_QUOTE, clip, instead, quote, sentences
from scoring.moves import detect_moves, is_parroting
from scoring.needs import needs_met
from scoring.policy import alternative, concepts, find_offers
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


@dataclass
class Context:
    """A transcript, the moves and the shared reading of each trainee turn, and the scenario, if any."""
    transcript: Transcript
    scenario: Any
    moves: list[list[str]] = field(default_factory=list)
    readings: dict[int, TurnReading] = field(default_factory=dict)  # 0-based turn index -> reading

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
        return cls(transcript, scenario, moves, readings)

    def trainee(self) -> list[tuple[int, str, list[str]]]:
        """(1-based turn, text, moves) for trainee turns."""
        return [(i + 1, t.text, self.moves[i]) for i, t in enumerate(self.transcript.turns) if t.role == "trainee"]

    def read(self) -> list[tuple[int, str, list[str], TurnReading]]:
        """(1-based turn, text, moves, reading) for trainee turns."""
        return [(i + 1, t.text, self.moves[i], self.readings[i]) for i, t in enumerate(self.transcript.turns)
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
        if self.policy is None or not self.policy.may_offer:
            return None
        want: set[str] = set()
        for n in self.scenario.needs:
            want |= concepts(" ".join([n.description, *n.keywords]))
        scored = [(len(concepts(item) & want), -i, item) for i, item in enumerate(self.policy.may_offer)]
        return max(scored)[2]

    def offer_line(self) -> str:
        """A line promising what can be done: an allowed offer, else a follow-up with a time."""
        if self.best_offer:
            line = offer_sentence(self.best_offer)
            if line and not _forbidden_in(line, self.scenario):
                return line
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
    return any(o.allowed is False for o in find_offers(line, scenario))


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _low(s: str) -> str:
    return s if re.match(r"^I\b|^I'", s) else s[:1].lower() + s[1:]


def _feeling(ctx: Context) -> str:
    """A feeling adjective fitting what the customer showed ("frustrating", "worrying"...)."""
    for t in ctx.transcript.turns:
        if t.role == "customer":
            for w in tokens(t.text):
                if w in FEELINGS:
                    for start, adj in _FEEL_ADJ:
                        if w.startswith(start):
                            return adj
    return "worrying"


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


def _legit_uncached(ctx: Context, n: int, r: TurnReading) -> list[str]:
    return [q for q in r.questions if not (SCRIPTED_GREETING.search(q) or ID_REQUEST.search(q) or _admin(q)
                                           or rules.CHECK_MORE.search(q) or rules.DISMISSIVE.search(q)
                                           or rules.BLAME.search(q) or _doubts(ctx, n, q))]


def _doubts(ctx: Context, n: int, question: str) -> bool:
    """A question that doubts the customer, or asks them to have done what they already said they did."""
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
    """A real restatement: the paraphrase move, the customer's own content, and no policy read out."""
    if "paraphrase" not in moves or _POLICY.search(text) or {"dismissive", "blame"} & set(moves):
        return False
    mine = set(keys(" ".join(content_words(tokens(text)))))
    return len(mine & _customer_own(ctx, n)) >= 2 and not is_parroting(text, ctx.transcript.turns[:n - 1])


def _customer_own(ctx: Context, n: int) -> set[str]:
    """Content keys the customer brought before turn n: said by the customer before the agent said them
    (a customer repeating the agent's offer back does not make it theirs)."""
    agent, theirs = set(), set()
    for t in ctx.transcript.turns[:n - 1]:
        if t.role == "customer":
            theirs |= customer_keys([t]) - agent
        else:
            agent |= set(keys(" ".join(content_words(tokens(t.text)))))
    return theirs


def _recaps_customer(ctx: Context, n: int, text: str) -> bool:
    """A summary that takes up what the customer brought to the call (two of their content words), not
    only a recap of the agent's own actions ("To sum up: the boost is on and the engineer comes at 8"):
    that is closure, not evidence of listening."""
    return len(set(keys(" ".join(content_words(tokens(text))))) & _customer_own(ctx, n)) >= 2


def _empathy(ctx: Context, n: int, r: TurnReading) -> tuple[str, str | None]:
    """The reading's empathy kind, with "specific" kept only when the quoted sentence itself says something
    of this customer (a bare "I'm sorry." beside an action is an apology, not a reflection of their story)."""
    kind, q = r.empathy, r.empathy_quote
    if kind == "specific" and q:
        own = set(keys(" ".join(content_words(tokens(q))))) & ctx.said(n, True)
        if not own and len(content_words(tokens(q))) < 4:
            kind = "feeling" if any(w in FEELINGS for w in tokens(q)) else "generic"
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
                or rules.JARGON.search(st) or any(j in st for j in r.jargon) or rules.OFF_TOPIC_CUE.search(st)
                or any(f in st or st in f for f in forbidden) or NON_APOLOGY.search(st) or GENERIC_EMPATHY.search(st)
                or (r.id_first and ID_REQUEST.search(st)) or (st.endswith("?") and _doubts(ctx, n, st))):
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


def _answer_line(ctx: Context, kind: str) -> str:
    """A reply that answers a question of this kind (honestly, when the answer is not known yet)."""
    if kind == "when":
        return "I can't promise an exact time yet, but I'll find out and call you back within the hour."
    if kind == "who":
        return "I'll look after this myself and stay with it until it's sorted."
    if kind == "reference":
        return "I'll give you a reference number before we finish, so you never have to explain this again."
    if kind in ("yes_no", "why", "amount", "where", "which", "info"):
        return "Honestly, I don't know yet — I'll check now and tell you before we finish this call."
    return f"Here's what I'll do: {_low(ctx.offer_line())}"


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
        if not _hollow_turn(r) and not (r.greeting_after_explained or r.id_first) and not {"dismissive", "blame"} & set(m) \
                and (_restates(ctx, n, t, m) or ("summary" in m and n_content >= 4 and _recaps_customer(ctx, n, t))
                     or r_kind == "specific"
                     or (r_kind == "feeling" and "reflection" in m and _voiced_feeling(ctx, n, t))
                     or ("acknowledgement" in m and ctx.on_issue(t) and n_content >= 4
                         and r_kind not in ("generic", "non_apology"))):
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
        engaged = bool(set(m) & {"question", "paraphrase", "reflection", "affirmation", "apology", "next_step",
                                 "summary"}) and not _hollow_turn(r)
        real_ask = r.ask is not None and (r.ask.kind in ("when", "who", "action", "why", "amount", "reference")
                                          or len(content_words(tokens(r.ask.text))) >= 2)
        if r.answered is False and real_ask and not (
                _restates(ctx, n, t, m) or r_kind in ("specific", "feeling") or _legit_questions(ctx, n, r)
                or set(m) & _HEARD):
            gaps.append((n, t, f"does not answer the customer's question (\u201c{clip(r.ask.text, 70)}\u201d)", 12,
                         _with_kept(_answer_line(ctx, r.ask.kind), [])))
            continue
        if after_customer:
            said = "?" in prev.text or len(content_words(tokens(prev.text))) >= 5
            if "farewell" in m and "?" not in prev.text and _CONTENT_CUSTOMER.search(prev.text):
                said = False  # "That's me sorted, thank you." -> "You're welcome, take care.": the fitting reply
            if said and (not engaged or {"dismissive", "off_topic"} & set(m) and not _legit_questions(ctx, n, r)):
                k = len(gaps)
                point = _point_before(ctx, n)
                follow = ("can you tell me more about that?", "what has happened since?",
                          "what would help most right now?")[k % 3]
                kept = _kept(ctx, n, _target(t), r)
                if kept:  # keep what the turn did, with the customer's point taken up first
                    better = _with_kept(f"So {point}." if point else f"So the {ctx.topic()} is the main problem.", kept)
                else:
                    better = f"So {point} — {follow}" if point else \
                        f"So the {ctx.topic()} is the main problem — can you tell me when it started?"
                gaps.append((n, t, "does not respond to what the customer had just said", 15, better))
                continue
        if r.premature_solution:
            gaps.append((n, t, "offers a solution before understanding the problem (no question or reflection yet)", 8,
                         _with_kept(f"{restate[:-1]} — is that right?", kept)))
    s = 35 + 15 * min(len(asked), 2) + 25 * min(1.0, len(heard) / max(1, len(turns)) * 2) \
        - sum(p for _, _, _, p, _ in gaps)
    for n, t, q in asked[:2]:
        ev.append(_ev(n, t, "asks a question that draws out the problem", sentence=q))
    for n, t, m in heard[:2]:
        r = ctx.reading(n)
        kind, q = _empathy(ctx, n, r)
        ev.append(_ev(n, t, "shows they heard what the customer said",
                      sentence=q if kind == "specific" and not _restates(ctx, n, t, m) else _closest(ctx, n, t)))
    for n, t, why, _, better in gaps[:4]:
        ev.append(_ev(n, t, why, gap=True))
        if better:
            sugg.append(_suggest(n, _target(t), better))
    if not asked and turns:
        n, t, m, r = next(((n, t, m, r) for n, t, m, r in turns if not r.acted), turns[0])
        sugg.append(_suggest(n, _target(t), _with_kept(
            f"Can you tell me what's happening with your {ctx.topic()}, and when it started?", [])))
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
        cue = next((x for x in sentences(t) if rules.PARAPHRASE_CUE.search(x)), None)
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
    feel = _feeling(ctx)
    point = _point_before(ctx, n) if n is not None else None
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
        if _hollow_turn(r):
            continue
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
            s += (25, 18)[n_specific] if n_specific < 2 else 4
            n_specific += 1
            ev.append(_ev(n, t, "reflects this customer's situation, not a script", sentence=q))
        elif kind == "feeling":
            s += 10 if n_feeling == 0 else 3
            n_feeling += 1
            ev.append(_ev(n, t, "names the feeling the customer showed", sentence=q))
        elif kind == "generic":
            n_generic += 1
            if n_generic == 1:
                s += 5
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
        if "affirmation" in m and kind not in ("generic", "non_apology") and not {"dismissive", "blame"} & set(m) \
                and rules.AFFIRMATION.search(t) and not re.search(r"\b(?:i|we) (?:\w+ )?understand\b", t, re.I):
            s += 5
        if "dismissive" in m:
            s -= 22
            ev.append(_ev(n, t, "dismisses or minimises the customer's concern", rules.DISMISSIVE, gap=True))
            sugg.append(_suggest(n, quote(t, rules.DISMISSIVE), _reflect_line(ctx, n)))
        if "blame" in m:
            s -= 20
            ev.append(_ev(n, t, "blames the customer", rules.BLAME, gap=True))
            sugg.append(_suggest(n, quote(t, rules.BLAME), f"Thanks for telling me what you've tried — let's look at "
                                                            f"the {ctx.topic()} together."))
    if turns and not any(r.acted for *_, r in turns) and (n_specific or n_feeling or n_generic):
        s = min(s, 50)
        # Named on a turn that earned no praise here, so a real reflection keeps its credit as evidence.
        praised = {e["turn"] for e in ev if e["kind"] == "strength"}
        # ...and on a turn that offered sympathy, not on a goodbye or a question after it.
        sympathetic = [n for n, t, m, r in turns if r.empathy in ("specific", "feeling", "generic")]
        n_last = next((n for n in reversed(sympathetic) if n not in praised), sympathetic[-1] if sympathetic else None)
        if n_last is not None:
            ev.append(_ev(n_last, ctx.transcript.turns[n_last - 1].text,
                          "sympathy with nothing done about the problem", gap=True,
                          sentence=ctx.reading(n_last).empathy_quote))
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
    for n, t, m, r in turns:
        if "off_topic" in m:
            s -= 20
            ev.append(_ev(n, t, "drifts away from the customer's issue", rules.OFF_TOPIC_CUE, gap=True))
            sugg.append(_suggest(n, quote(t, rules.OFF_TOPIC_CUE),
                                 f"Let's get back to your {ctx.topic()}: {_low(ctx.offer_line())}"))
        terms = list(r.jargon)
        if terms or "jargon" in m:
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
    steps = [(n, t, r) for n, t, m, r in turns if not _hollow_turn(r) and (
        "next_step" in m or r.commitments or any(o.allowed is not False for o in r.offers))
        and not (r.forbidden and not any(o.allowed is not False for o in r.offers))]
    if steps:
        s += 15
        n, t, r = steps[0]
        act = next((c.text for c in r.commitments), None) or next((o.text for o in r.offers if o.allowed is not False),
                                                                  None)
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
    if work:
        # Minimising, blaming or reading policy names the issue only to push it away: not staying with it.
        away = [(n, t) for n, t, m in work if not ctx.on_issue(t) or {"dismissive", "blame"} & set(m)]
        s += 15 - 30 * len(away) / len(work)
        if len(away) * 2 > len(work):
            n, t = away[0]
            ev.append(_ev(n, t, "does not take up the customer's issue", gap=True))
    return {"score": _clamp(s), "evidence": ev, "suggestions": sugg}


# ---------------------------------------------------------------------------------------------------------
# Closure (and the policy: what was promised)


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
    return [n.description for n in needs_met(ctx.scenario, text)]


def closure(ctx: Context) -> dict:
    turns = ctx.read()
    ev, sugg = [], []
    s = 10.0
    last_two = {n for n, *_ in turns[-2:]}
    found: dict[str, tuple[int, str, str | None]] = {}
    for n, t, m, r in turns:
        if _hollow_turn(r) or r.greeting:
            continue
        clean = [o for o in r.offers if o.allowed is not False]
        if "summary" in m and len(content_words(tokens(t))) >= 4:
            found["summary"] = (n, t, None)
        acts = [c for c in r.commitments if not any(c.text in f.text or f.text in c.text for f in r.forbidden)
                and (c.time or c.owner or c.reference or ctx.on_issue(c.text)
                     or any(o.allowed and (o.text in c.text or c.text in o.text) for o in r.offers))]
        clean = [o for o in clean if o.allowed or ctx.on_issue(o.text) or rules.TIME_WORDS.search(o.text)]
        if ("next_step" in m or acts) and (acts or clean):
            timed = any(c.time for c in acts) or bool(rules.TIME_WORDS.search(" ".join(c.text for c in acts)))
            prev = found.get("next_step")
            if prev is None or timed or prev[2] != "timed":
                found["next_step"] = (n, t, "timed" if timed else None)
        if "check_more" in m:
            found["check_more"] = (n, t, None)
        if "farewell" in m and n in last_two:
            found["farewell"] = (n, t, None)
    last = ctx.transcript.turns[-1] if ctx.transcript.turns else None
    # The customer ended the call (the engine marks its closing turn's intent; older transcripts only have the words).
    customer_ended = last is not None and last.role == "customer" and (
        (last.model_extra or {}).get("intent") == "farewell" or bool(rules.GOODBYE.search(last.text)))
    if "farewell" not in found and turns and customer_ended:
        found["farewell"] = (0, "", "customer")  # the customer said goodbye first: no farewell was possible
    pts = {"summary": 20, "next_step": 20, "check_more": 15, "farewell": 10}
    whys = {"summary": ("sums up what was agreed", rules.SUMMARY),
            "next_step": ("gives a concrete next step", rules.NEXT_STEP),
            "check_more": ("checks whether anything else is needed", rules.CHECK_MORE),
            "farewell": ("closes the conversation politely", rules.FAREWELL)}
    moods = ctx.moods()
    if "farewell" in found and found["farewell"][2] != "customer" and "next_step" not in found \
            and not ctx.need_met() and len(moods) >= 2 and moods[-1] >= moods[0]:
        # A polite goodbye to a customer who is no better off is walking away, not closing.
        n, t, _ = found.pop("farewell")
        s -= 5
        ev.append(_ev(n, t, "says goodbye with nothing done and the customer no calmer", rules.FAREWELL, gap=True))
    for move in ("summary", "next_step", "check_more", "farewell"):
        if move in found:
            n, t, how = found[move]
            s += pts[move]
            why, rx = whys[move]
            if move == "next_step" and how == "timed":
                s += 10
                why = "gives a concrete next step with a time"
            if how != "customer":
                ev.append(_ev(n, t, why, rx))
    missing = [m for m in ("summary", "next_step", "check_more", "farewell") if m not in found]
    moods = ctx.moods()
    if len(moods) >= 2:
        s += 15 if moods[-1] < moods[0] else -5
    # What was offered, against the policy.
    credited = 0
    for n, t, m, r in turns:
        for o in r.offers:
            if o.allowed and credited < 2:
                met = _needs_met_by(ctx, o.text)
                s += 5 if met else 2
                credited += 1
                ev.append(_ev(n, t, f"offers what the policy allows ({o.rule})" + (", and it meets the customer's need"
                                                                                  if met else ""), sentence=o.text))
    for k, (n, o) in enumerate(ctx.breaches()):
        s -= 20 if k < 2 else 5
        alt = alternative(o.rule, ctx.scenario) if o.rule else None
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
        if "summary" in missing or "next_step" in missing:
            parts.append(("To recap, " + _low(ctx.offer_line())) if "summary" in missing else ctx.offer_line())
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


def _no_praise_for_forbidden_promises(ctx: Context, out: dict[str, dict]) -> None:
    """(Policy, class 4 of the s9 brief; owned with scoring/policy.py.) A promise the policy forbids is never a
    strength of any skill: "I'll just write the whole bill off for you" is no empathy, focus or closure. A
    strength quoting a sentence that holds a forbidden promise is dropped, and a skill that had one is scored
    as if that sentence had not been said (never higher than with it). The breach itself stays a named gap."""
    bad: dict[int, list[str]] = {}
    for n, o in ctx.breaches():
        text = ctx.transcript.turns[n - 1].text
        bad.setdefault(n, []).extend(x for x in sentences(text) if o.text in x or x in o.text)
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


def score_dimensions(ctx: Context) -> dict[str, dict]:
    out = {name: _SCORERS[name](ctx) for name in SKILL_NAMES}
    _no_praise_for_forbidden_promises(ctx, out)
    used: set[str] = set()
    for d in out.values():
        # Nothing is both a strength and a gap for one skill: a turn with a gap earns no praise there.
        gap_turns = {e["turn"] for e in d["evidence"] if e["kind"] == "gap"}
        evidence, seen_ev = [], set()
        for e in d["evidence"]:
            k = (e["turn"], e["quote"], e["kind"])
            if (e["kind"] == "strength" and e["turn"] in gap_turns) or k in seen_ev:
                continue
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
