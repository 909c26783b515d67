"""Dialogue state of the customer (issue 8 items 1 and 4): does it remember what it was promised, know what it
already told, press an unanswered demand, stay on the line, refuse hollow turns and move on once answered?

Run: python bench/dialogue_state.py [--checks FILE] [--verbose] [--backend scripted]
Default checks: bench/dialogue_checks.yaml, a YAML list of
    - id: parcel-commit-1
      scenario: lost-parcel-third-call      # a scenario id (an unambiguous near id is resolved, with a note)
      behaviour: remembers_commitment       # one of BEHAVIOURS below
      turns: ["agent turn 1", "agent turn 2"]   # the customer replies to each, after its opening line
      detail: ["5pm", "five"]               # optional terms (what was committed / already told)

Each check is played through the public engine API only (PracticeEngine.open/add_trainee/reply/turns/ended/
state), deterministic on the scripted backend, then judged by the behaviour's predicate (the functions
`judge_<behaviour>` below: pure, each rule in its docstring, tested on hand-made replies in
tests/test_dialogue_state_bench.py). Prints a table per behaviour (passed / checks); --verbose adds every
failing conversation (turns, replies, moods) with the reason. Exits 0 once the checks ran (2 on an unreadable
file or an unknown backend).
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.text import STOPWORDS, holds_term, plain_quotes, tokens, word_key  # noqa: E402

CHECKS = ROOT / "bench" / "dialogue_checks.yaml"

BEHAVIOURS = ("remembers_commitment", "already_told", "presses_unanswered", "no_early_goodbye",
              "no_hollow_accept", "answer_then_move_on", "refers_back")
FALL_LIMIT = 1.0   # no_hollow_accept: a drop of this much (or more) after a turn that offers nothing is "falling"
MOOD_EPS = 0.05    # presses_unanswered: float noise allowed in "not lower"
HOT = 8.0          # no_early_goodbye: a walk-out is excused only from this mood (the agent drove them there)


# -- reading replies (pure) -------------------------------------------------------------------------
_SENT = re.compile(r"(?<=[.!?…])\s+|\s+[—–]\s+(?=[A-Z])")


def sentences(text: str) -> list[str]:
    """A reply split into sentences (also at a dash that starts a new clause with a capital)."""
    return [s.strip() for s in _SENT.split(plain_quotes(text or "").strip()) if s.strip()]


_QWORD = re.compile(r"^\W*(?:(?:and|so|but|then|okay|ok|right|well|fine|look|now|sorry|again)\W+)*"
                    r"(?:what|when|where|which|who|whose|why|how|can|could|would|will|won't|do|does|did|is|are|was|"
                    r"were|have|has|shall|should|any)\b", re.I)
_DEMAND = re.compile(r"\b(?:i (?:want|need|expect|would like|'d like)|just tell me|tell me|give me|i'm asking|"
                     r"answer (?:me|the question)|yes or no)\b", re.I)


def is_question(sentence: str) -> bool:
    """A sentence that asks: it ends with '?', or opens with a question word and has no end mark at all
    ("When will it come" typed without one). "What's different is that you're sending it." is a statement."""
    s = sentence.strip()
    return s.endswith("?") or bool(_QWORD.match(s) and s[-1:] not in ".!…")


def is_ask(sentence: str) -> bool:
    """A question or a demand ("I want my money back", "Just tell me when")."""
    return is_question(sentence) or bool(_DEMAND.search(sentence))


_GENERIC = frozenset("""actually exactly even right please then today just thing things time ever sure
tell said say told give make made happen happens happening different going doing sort sorted done """.split())


def content_keys(text: str) -> set[str]:
    """The word keys that carry content: stopwords and generic pressure words ("actually", "exactly",
    "tell", "going") left out, so two wordings of one demand share their topic words."""
    return {word_key(t) for t in tokens(plain_quotes(text)) if len(t) > 2 and t not in STOPWORDS
            and t not in _GENERIC}


# "What are you going to do?" has no topic word: an ask about the agent's plan is matched as a family.
_PLAN_ASK = re.compile(r"\b(?:what(?:'s| is| are| will)?\b.{0,40}\b(?:do|doing|done|different|happen\w*|next|plan|"
                       r"fix\w*|sort\w*)|how (?:are|will|do) you (?:going to )?(?:fix|sort|solve|deal|handle)\w*|"
                       r"(?:is|will) (?:anyone|anybody|someone|somebody|you) (?:going to )?(?:do|fix|sort)\w*)\b", re.I)


def restates(sentence: str, demand: str, detail=()) -> bool:
    """The sentence asks again for what `demand` asked: it is a question or demand and either shares
    half (at least one) of the demand's topic words by word form, or both ask about the agent's plan
    ("What are you going to do?" / "So what happens next?"), or it holds a detail term of the demand."""
    if not is_ask(sentence):
        return False
    want = content_keys(demand)
    have = content_keys(sentence)
    if want and len(want & have) * 2 >= len(want) and want & have:
        return True
    if _PLAN_ASK.search(demand) and _PLAN_ASK.search(sentence):
        return True
    return bool(detail) and holds_term(sentence, detail)


def demands_of(line: str) -> list[str]:
    """The customer's asks in a line: its question and demand sentences (the opening's "What are you
    going to do?", "I want my money back.")."""
    return [s for s in sentences(line) if is_ask(s)]


_UNANSWERED = re.compile(r"\b(?:(?:you )?(?:still )?(?:haven't|have not|didn't|did not) (?:answer\w*|said|told me|say)|"
                         r"(?:back to|answer) my question|you're not answering|not what i asked|i asked you|"
                         r"i'll ask (?:you )?again|i'm asking (?:you )?again|again:|still waiting|"
                         r"yes or no|same question)\b", re.I)


def presses(reply: str, demand: str, detail=()) -> bool:
    """The reply presses the demand: a sentence restates it (restates()), or the reply says it is still
    unanswered ("You haven't answered me", "Back to my question", "I'm still waiting")."""
    return bool(_UNANSWERED.search(plain_quotes(reply or ""))) or any(
        restates(s, demand, detail) for s in sentences(reply))


_ALREADY = re.compile(
    r"\b(?:(?:i(?:'ve| have)?|as i|like i|i just|i already|i've already|i have already)\s+(?:just\s+|already\s+)?"
    r"(?:told|said|gave|given|mentioned|explained|answered|read)\b|"
    r"as (?:i (?:said|mentioned|told you|explained)|already (?:said|mentioned))|"
    r"(?:you've|you have|you) (?:already|just) (?:got|had|have|asked|been told)|"
    r"(?:you|you've|you have) (?:asked|got) (?:me )?(?:that|this) (?:already|before)|"
    r"(?:i|i've) (?:said|told you|gave you) (?:that|this|it)(?: already| before| earlier| a minute ago)|"
    r"for the (?:second|third|fourth|fifth|\w+th) time|"
    r"(?:told|said|gave) (?:you|it|that)? ?(?:that )?(?:already|before|earlier|a minute ago|just now)|"
    r"(?:^|[.!?]\s+)again\s*[:,—–-]|"
    r"same as i said|that's what i (?:said|told you)|i've been through (?:that|this)|asked and answered|"
    r"(?:you've|you have|you) asked (?:me )?(?:that|this)|(?:we've|we have) (?:been (?:through|over)|covered) (?:that|this)|"
    r"i keep (?:telling|saying)|how many times)", re.I)


def says_already_told(reply: str) -> bool:
    """The reply shows the detail was already given: "I've told you", "as I said", "I already gave you
    that", "for the third time", "Again: …", "you've already got that". Repeating the detail is fine."""
    return bool(_ALREADY.search(plain_quotes(reply or "")))


_FAREWELL = re.compile(
    r"\b(?:bye|goodbye|good-bye|cheerio|ta-ra|farewell|have a (?:good|nice|lovely|great) (?:day|evening|night|one|"
    r"weekend|afternoon)|take care|(?:speak|talk) (?:to you )?(?:soon|later|tomorrow)|all the best|"
    r"i'll let you go|i'll leave (?:it|you) there|i'm (?:hanging up|going now|off now)|that's all from me)\b", re.I)


def has_farewell(reply: str) -> bool:
    """The reply says goodbye: bye/goodbye/cheerio, "have a good day", "take care", "speak soon",
    "I'll let you go"."""
    return bool(_FAREWELL.search(plain_quotes(reply or "")))


_HOLLOW_ACCEPT = re.compile(
    r"\b(?:sounds (?:good|great|fine|perfect|brilliant|lovely|like a plan)|that works|that helps|that's (?:great|perfect|"
    r"fine by me|brilliant|wonderful|lovely|good|a relief|helpful|reassuring|sorted|settled|everything|all i needed)|"
    r"what a relief|i'm (?:relieved|reassured|happy with that|satisfied)|i feel (?:much )?(?:better|calmer|reassured)|"
    r"(?:much|a lot|so much) better|(?:i'll|i will|i can) (?:take|accept|live with) that|deal\b|"
    r"we're (?:done|sorted|good)|that's (?:the|a) (?:first )?(?:real )?answer|you've (?:sorted|fixed|solved)|"
    r"perfect\b|brilliant\b|lovely\b|great\b)", re.I)
_THANKS = re.compile(r"\b(?:thank(?:s| you)(?: so much| very much| ever so)?)\b(?!\s+for\s+(?:listening|hearing|"
                     r"being|asking|your (?:patience|kindness|honesty|understanding)|explaining|the honesty|not|at least|"
                     r"nothing|taking (?:it|this|that|me|my \w+) seriously|understanding|getting it|saying (?:so|that)))", re.I)
# Thanks for how the agent treats them ("You're very patient, thank you"), not for being helped.
_MANNER = re.compile(r"\b(?:you(?:'re| are) (?:very |so |being )?(?:patient|kind|listening|nice|lovely|understanding)|"
                     r"(?:you've|you have) (?:got it|been (?:very |so )?(?:patient|kind)))\b", re.I)
_IRONIC = re.compile(r"\b(?:great|brilliant|lovely|perfect)\b[.!,]*\s*(?:so|another|more|just|that's)\b|"
                     r"\bthanks for nothing\b|\boh,? (?:great|brilliant|perfect|lovely)\b", re.I)


def accepts_or_thanks(reply: str) -> bool:
    """The reply accepts or thanks as if helped: "sounds good", "that works", "that's a relief", "I'll take
    that", "perfect", "thank you" — not thanks for being heard or treated well ("thank you for listening",
    "thanks for taking it seriously", "You're very patient, thank you"), not "thanks for nothing".
    Irony ("Oh great, another form") is not accepting."""
    text = plain_quotes(reply or "")
    if _IRONIC.search(text):
        text = _IRONIC.sub(" ", text)
    thanked = any(_THANKS.search(x) and not _MANNER.search(x) for x in sentences(text))
    return bool(_HOLLOW_ACCEPT.search(text) or thanked)


# The agent's commitment: what was promised, by whom, when.
_COMMIT = re.compile(
    r"\b(?:i(?:'ll| will| am going to|'m going to)|we(?:'ll| will)|(?:my )?(?:colleague|manager|supervisor|engineer|"
    r"team|someone|somebody)(?: \w+)? (?:will|is going to)|[A-Z][a-z]+ (?:will|is going to)|i'm (?:your|the)|"
    r"i'm (?:now |personally )?(?:taking|handling|owning|looking after|dealing with)|"
    r"i am (?:your|the)|i've (?:booked|arranged|put|raised|set up|scheduled))\b", re.I)
_WHEN = re.compile(
    r"\b(?:\d{1,2}(?::\d\d)?\s*(?:am|pm|o'clock)|\d{1,2}(?::\d\d)|noon|midday|half (?:past )?\w+|(?:one|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven|twelve)(?: o'clock|\s*(?:am|pm))|today|tonight|tomorrow|this (?:morning|afternoon|"
    r"evening)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|within (?:the )?(?:hour|\d+ \w+|an? \w+)|"
    r"by (?:the )?end of (?:the )?(?:day|today|tomorrow|week)|in (?:the next )?\d+ (?:minutes|hours|days)|"
    r"(?:\d+|one|two|three|four|five) working days?|\d{1,2}(?:st|nd|rd|th)\b|(?:next|this|the) (?:week|month)\b|"
    r"end of (?:the|this|next) (?:week|month)|(?:in )?a (?:day|week) or two|(?:in )?a (?:few|couple of) (?:days|weeks|hours)|"
    r"(?:in|within) (?:\d+|one|two|three|four|five|ten|fifteen|twenty|thirty) (?:minutes|hours|days|weeks)|"
    r"sometime|at some point|later (?:on|this week|today)?|soon)\b", re.I)
_DAYWORD = re.compile(r"(?:today|tonight|tomorrow|sometime|at some point|later.*|soon)", re.I)
_OWNER = re.compile(r"\b(?:my name(?:'s| is)|i'm [A-Z][a-z]+|this is [A-Z][a-z]+|(?:i'll|i will|i'm going to) "
                    r"(?:personally|own|take ownership|be your|handle this myself)|(?:case|named) owner|personally|"
                    r"own (?:this|it|your case)|ownership|[A-Z][a-z]+ (?:will|is going to) (?:call|ring|phone|email|"
                    r"contact|own|handle))\b")
_OWNER_I = re.compile(_OWNER.pattern, re.I)
_REFERENCE = re.compile(r"\b(?:reference|case number|ticket|ref)\b[^.?!]{0,30}?\b[A-Z]*-?\d[\w-]{2,}|"
                        r"\b[A-Z]{2,}-?\d{3,}\b", re.I)
_NAME_AFTER = re.compile(r"\b(?:my name(?:'s| is)|i'm|i am|this is|colleague|manager|supervisor)\s+([A-Z][a-z]{2,})\b")
_NAME_WILL = re.compile(r"\b([A-Z][a-z]{2,}) (?:will|is going to|'ll)\b")
_NOT_NAMES = frozenset("""I I'm The This That Then Okay Ok So And But Right Sure Yes Sorry Thanks Thank Our My Your We
Someone Somebody Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow Tonight Let Can Just
Really Afraid Calling Going Here There Please Happy Glad Able Not Now Well""".split())


def commitment_of(turn: str) -> dict | None:
    """What a trainee turn commits to, or None: a first-person (or named colleague's) future action with a
    time, or a stated ownership. Returns {"owner": bool, "time": bool, "reference": bool, "terms": [...]}, the
    terms being the times, names and reference codes said (what a reply can refer back to)."""
    from core.text import restore_apostrophes

    text = restore_apostrophes(plain_quotes(turn or ""))  # "im Sam and ill call you": typed without apostrophes
    text = re.sub(r"\b[iI]ll (?=\w)", "I'll ", re.sub(r"(?<![\w'])i(?=(?:'(?:m|ll|ve|d)|\s))", "I", text))
    if not _COMMIT.search(text):
        return None
    times = [m.group(0) for m in _WHEN.finditer(text)]
    owner = bool(_OWNER.search(text) or _OWNER_I.search(text))
    refs = [m.group(0) for m in _REFERENCE.finditer(text)]
    if not (times or owner):
        return None
    names = [n for n in _NAME_AFTER.findall(text) + _NAME_WILL.findall(text) if n not in _NOT_NAMES]
    terms = []
    specific = [t for t in times if not _DAYWORD.fullmatch(t)]
    for t in specific or times:
        terms.append(t)
        terms.extend(re.findall(r"\d{1,2}", t))
    codes = [re.search(r"[A-Z]*-?\d[\w-]{2,}$", r, re.I) for r in refs]
    terms.extend(c.group(0) for c in codes if c)
    terms.extend(names)
    return {"owner": owner or bool(names), "time": bool(times), "reference": bool(refs),
            "times": specific or times, "terms": list(dict.fromkeys(t for t in terms if t))}


_ASK_OWNER = re.compile(r"\b(?:who(?:'s| is| will be)? (?:actually |really |even )?(?:going to )?(?:own|owns|owning|handl|deal|look|responsible|"
                        r"in charge|call|ring|phone|contact|get back)\w*|(?:give|tell) me (?:a|your|their) name|"
                        r"what(?:'s| is) your name|(?:can|could) i (?:have|get|take) (?:a|your) name|"
                        r"a name\b|named person|whose name|who am i (?:dealing|speaking) with)", re.I)
_ASK_WHEN = re.compile(r"\b(?:when (?:will|are|do|would|can|is|might|shall) (?:i|you|someone|somebody|anyone|they|"
                       r"anybody)\b.{0,30}\b(?:hear|call|ring|phone|contact|update|get back|back to me|let me know|"
                       r"email|text)|(?:what|which) time (?:will|are|would|do|is) (?:you|someone|they|i)|"
                       r"(?:will|is|are) (?:anyone|anybody|someone|somebody|you|they) (?:actually |even )?(?:going to )?"
                       r"(?:call|ring|phone|contact|get back|update)|will i (?:actually |ever |even )?hear|"
                       r"am i going to hear|how (?:will|would) i (?:know|hear)|(?:what|any) (?:callback|call back|"
                       r"update) time|when'?s? (?:the|my) (?:call|callback|update))", re.I)
_ASK_REF = re.compile(r"\b(?:what(?:'s| is)|(?:give|send|can i have|could i have|can i get) (?:me )?)(?: the| a| my)? "
                      r"(?:reference|case number|ticket)|\bany reference\b", re.I)


def asks_again(reply: str, commit: dict) -> str:
    """Which part of the commitment the reply asks for again, or "": a question (or demand) sentence
    asking who owns it ("Who is going to own this?", "Give me a name"), when/whether they will hear back
    ("When will someone call me?", "Will anyone actually ring?") or the reference — counted only for a
    part the commitment covered, and not when the sentence itself holds a committed term ("You'll ring at
    5 — will you actually?" reflects it)."""
    for s in sentences(reply):
        if not (is_ask(s) or _ASK_OWNER.search(s)):
            continue
        if holds_term(s, commit.get("terms")):
            continue
        if commit.get("owner") and _ASK_OWNER.search(s):
            return f"asks who owns it again: {s!r}"
        if commit.get("time") and _ASK_WHEN.search(s):
            return f"asks when they will hear again: {s!r}"
        if commit.get("reference") and _ASK_REF.search(s):
            return f"asks for the reference again: {s!r}"
    return ""


_ABOUT_COMMIT = re.compile(r"\b(?:call|ring|phone|hear|update|get back|back to you|owner|own|handling|name|arranged|"
                           r"promised|said|agreed|next|when|time|plan|expect|reference|touch|contact|who|happen)\w*", re.I)


def asks_about_commitment(turn: str) -> bool:
    """The agent's turn asks the customer about the arrangement ("When did I say I'd ring?", "Do you know
    who's handling it now?", "What are you expecting next?"): a question that names a call, an owner, a
    time, a plan or what was said."""
    return any(is_question(s) and _ABOUT_COMMIT.search(s) for s in sentences(turn))


def contradicts(reply: str, commit: dict) -> str:
    """The text names a time and none of the committed ones ("Fine, Thursday then." after "I'll call
    tomorrow at 5"; "You'll hear in a day or two"). "" when it does not, or when nothing timed was committed."""
    said = [m.group(0) for m in _WHEN.finditer(plain_quotes(reply or ""))]
    times = commit.get("times") or []
    if not said or not times or holds_term(reply, commit.get("terms")):
        return ""
    return f"names {said[0]!r}, not the committed {times[0]!r}"


_NOTICES = re.compile(r"\b(?:you said|you told me|you promised|earlier you|that's not what|i thought (?:you|it)|"
                      r"(?:before|earlier|a minute ago) (?:it was|you)|what happened to|not (?:what )?(?:you|we) (?:said|agreed)|"
                      r"changed|hang on|wait)\b", re.I)
_DONT_KNOW = re.compile(r"\b(?:no idea|(?:i )?(?:don't|do not) know|not sure|can't (?:remember|say|recall)|couldn't "
                        r"(?:tell|say)|(?:does|would) (?:that|it) matter|is (?:that|it) (?:relevant|important))\b", re.I)


def lost_track(reply: str) -> bool:
    """The reply says the customer doesn't know or asks whether it matters ("No idea — does that matter?")."""
    return bool(_DONT_KNOW.search(plain_quotes(reply or "")))


# -- judging a conversation (pure) ------------------------------------------------------------------
@dataclass
class Played:
    """One check as played: the opening line, the agent's turns sent, the customer's replies (one per turn
    sent), the mood after the opening and after each reply, the end reason and the Director's remembered
    commitments (terms: owner names and times)."""
    opening: str
    turns: list[str]
    replies: list[str]
    moods: list[float]                 # moods[0] after the opening, moods[i] after reply i
    ended: str | None = None
    remembered: list[str] = field(default_factory=list)   # terms of commitments remembered from turns before the last
    intents: list[str] = field(default_factory=list)


def _commitment_in(p: Played) -> tuple[int, dict] | None:
    for i, t in enumerate(p.turns):
        c = commitment_of(t)
        if c:
            return i, c
    return None


def judge_remembers_commitment(p: Played, detail=()) -> str:
    """After the agent's turn making a concrete commitment (an owner, or an action with a time), no
    customer reply — the reply to that turn included — asks again for a part that was committed (who
    owns it, when/whether they will hear back, the reference; asks_again()). If the last turn asks about
    the arrangement, the last reply reflects it: it holds a detail term, a term of the commitment turn
    (its time, name or reference) or the Director's remembered commitment. Returns "" (pass) or why not."""
    found = _commitment_in(p)
    if found is None:
        return "invalid check: no turn makes a concrete commitment (owner, or action with a time)"
    i, commit = found
    commit = dict(commit, terms=[*commit["terms"], *(detail or ())])
    for j in range(i, len(p.replies)):
        why = asks_again(p.replies[j], commit)
        if why:
            return f"reply {j + 1} {why}"
    if len(p.turns) > i + 1 and asks_about_commitment(p.turns[-1]):
        terms = [*commit["terms"], *p.remembered]
        if not holds_term(p.replies[-1], terms):
            return f"asked about the arrangement, the reply holds none of {terms}"
    return ""


def judge_already_told(p: Played, detail=()) -> str:
    """The last turn re-asks a detail the customer already gave (in the opening line or an earlier reply):
    the last reply shows it was already said (says_already_told(): "I've told you", "as I said", "I already
    gave you that", "for the second time", "Again: …"). Repeating the detail as well is fine; repeating it
    alone is not enough."""
    if not p.replies:
        return "no reply"
    if detail and not any(holds_term(x, detail) for x in [p.opening, *p.replies[:-1]]):
        return f"invalid check: no earlier customer line holds {list(detail)}"
    return "" if says_already_told(p.replies[-1]) else "does not show it was already said"


def judge_presses_unanswered(p: Played, detail=()) -> str:
    """The customer's opening demand (its question and demand sentences; when the opening asks nothing, the
    first reply's) is never answered over the 3–4 evasive turns: at least one reply presses it again (presses(): restates it by topic words or as an ask
    about the plan, or says it is still unanswered), and the mood after the last turn is not lower than
    after the first turn."""
    asks = demands_of(p.opening) or (demands_of(p.replies[0]) if p.replies else [])
    if not asks:
        return "invalid check: neither the opening line nor the first reply asks anything"
    if len(p.replies) < 2:
        return "invalid check: fewer than 2 turns"
    if not any(presses(r, d, detail) for r in p.replies for d in asks):
        return f"no reply presses the opening demand {asks[-1]!r}"
    if p.moods[-1] < p.moods[1] - MOOD_EPS:
        return f"mood fell from {p.moods[1]:.1f} after turn 1 to {p.moods[-1]:.1f}"
    return ""


def judge_no_early_goodbye(p: Played, detail=()) -> str:
    """Mid-conversation, the last turn a question or "one moment": the last reply has no farewell
    (has_farewell()) and the conversation has not ended. The only exception is a walk-out from a hot mood
    (>= HOT before the last turn, i.e. after dismissive turns)."""
    if p.ended == "walked_out" and p.moods[-2] >= HOT:
        return ""
    if has_farewell(p.replies[-1]):
        return f"says goodbye: {p.replies[-1]!r}"
    if p.ended:
        return f"the conversation ended ({p.ended})"
    return ""


def judge_no_hollow_accept(p: Played, detail=()) -> str:
    """The last turn offers nothing: the last reply does not accept, say it sounds good or thank as if
    helped (accepts_or_thanks(), or the Director's intent 'accept'), and the mood does not fall by
    FALL_LIMIT (1.0) or more on that turn."""
    if accepts_or_thanks(p.replies[-1]) or (p.intents and p.intents[-1] == "accept"):
        return f"accepts or thanks for nothing: {p.replies[-1]!r}"
    drop = p.moods[-2] - p.moods[-1]
    if drop >= FALL_LIMIT:
        return f"mood fell by {drop:.1f} ({p.moods[-2]:.1f} -> {p.moods[-1]:.1f})"
    return ""


def judge_answer_then_move_on(p: Played, detail=()) -> str:
    """The last turn answers the customer's demand concretely (within policy): the last reply does not ask
    the same demand again as if unanswered. The demand is the latest one before the last turn (the asks of
    the previous reply, else of the opening); "again as if unanswered" is presses() — a sentence restating
    it, or saying it is still unanswered."""
    before = [p.opening, *p.replies[:-1]]
    asks = []
    for line in reversed(before):
        asks = demands_of(line)
        if asks:
            break
    if not asks:
        return "invalid check: no demand before the last turn"
    reply = p.replies[-1]
    for d in asks:
        if presses(reply, d):
            return f"asks {d!r} again: {reply!r}"
    return ""


def judge_refers_back(p: Played, detail=()) -> str:
    """A commitment was made in an earlier turn; the last turn wraps up or contradicts it. When the last
    turn contradicts it (names a time and none of the committed ones), the last reply must mention the
    commitment (a detail term, a term of the commitment turn, or the Director's commitment remembered from
    before the last turn) or show it noticed the change ("You said…", "That's not what…"). On a wrap-up,
    the reply mentions the commitment or at least does not contradict it (take over another time), ask for
    it again (asks_again()) or say it has no idea (lost_track())."""
    found = _commitment_in(p)
    if found is None or found[0] >= len(p.turns) - 1:
        return "invalid check: no earlier turn makes a concrete commitment"
    _, commit = found
    terms = [*commit["terms"], *(detail or ()), *p.remembered]
    commit = dict(commit, terms=terms)
    reply = p.replies[-1]
    if holds_term(reply, terms):
        return ""
    changed = contradicts(p.turns[-1], commit)
    if changed:
        return "" if _NOTICES.search(plain_quotes(reply)) else f"the last turn {changed}; the reply lets it pass"
    why = asks_again(reply, commit) or contradicts(reply, commit)
    if not why and lost_track(reply):
        why = f"answers the wrap-up as if nothing was arranged: {reply!r}"
    return why


JUDGES = {b: globals()[f"judge_{b}"] for b in BEHAVIOURS}


# -- checks -------------------------------------------------------------------------------------------
@dataclass
class Check:
    id: str
    scenario: str
    behaviour: str
    turns: list[str]
    detail: list[str]
    note: str = ""


def _words(s: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", s.lower()) if len(w) > 2}


def resolve_scenario(name: str, scenarios: dict) -> tuple[str | None, str]:
    """An exact scenario id, else the one id (or title/summary) that shares the most words with it, when
    that is unambiguous ("lost-parcel-birthday" -> lost-parcel-third-call). Returns (id or None, note)."""
    if name in scenarios:
        return name, ""
    want = _words(name)
    scored = []
    for sid, sc in scenarios.items():
        id_hits = len(want & _words(sid))
        text_hits = len(want & _words(f"{getattr(sc, 'title', '')} {getattr(sc, 'summary', '')}"))
        scored.append((id_hits, text_hits, sid))
    scored.sort(reverse=True)
    if scored and scored[0][0] and (len(scored) == 1 or scored[0][:2] > scored[1][:2]):
        return scored[0][2], f"scenario {name!r} read as {scored[0][2]!r}"
    return None, f"unknown scenario {name!r}"


def load_checks(path: Path, scenarios: dict) -> tuple[list[Check], list[str]]:
    """The checks of a file, and one-line notes for entries that cannot be played (they are skipped, the
    rest still run). Raises ValueError when the file is not a YAML list."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("checks"), list):
        data = data["checks"]
    if not isinstance(data, list):
        raise ValueError("expected a YAML list of checks")
    out, notes = [], []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            notes.append(f"entry {n}: not a mapping, skipped")
            continue
        cid = str(item.get("id") or f"#{n}")
        beh = str(item.get("behaviour") or item.get("behavior") or "").strip()
        if beh not in BEHAVIOURS:
            notes.append(f"{cid}: unknown behaviour {beh!r}, skipped (use {', '.join(BEHAVIOURS)})")
            continue
        sid, note = resolve_scenario(str(item.get("scenario") or ""), scenarios)
        if sid is None:
            notes.append(f"{cid}: {note}, skipped")
            continue
        turns = item.get("turns") or []
        turns = [turns] if isinstance(turns, str) else [str(t) for t in turns if str(t).strip()]
        if not turns:
            notes.append(f"{cid}: no turns, skipped")
            continue
        detail = item.get("detail") or []
        detail = [detail] if isinstance(detail, (str, int, float)) else [str(d) for d in detail]
        out.append(Check(cid, sid, beh, turns, detail, note))
        if note:
            notes.append(f"{cid}: {note}")
    return out, notes


def play(check: Check, scenario, actor) -> Played:
    """Open, then each turn and the customer's reply (stopping if the customer ends the conversation)."""
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine

    engine = PracticeEngine(scenario, get_archetype(scenario.persona), actor)
    first = engine.open()
    replies, moods, intents, sent = [], [float(first["mood"])], [], []
    for t in check.turns:
        if engine.ended:
            break
        engine.add_trainee(t)
        turn = engine.reply()
        sent.append(t)
        replies.append(turn["text"])
        moods.append(float(turn["mood"]))
        intents.append(str(turn.get("intent") or ""))
    remembered = []
    for c in getattr(engine.state, "commitments", None) or []:
        c = c.model_dump() if hasattr(c, "model_dump") else c
        # only what was committed before the last turn: a changed promise in the last turn is not "remembered"
        if isinstance(c, dict) and int(c.get("turn") or 0) < len(sent):
            remembered.extend(str(c[k]) for k in ("time", "owner", "reference") if c.get(k))
    return Played(first["text"], sent, replies, moods, engine.ended, remembered, intents)


@dataclass
class Result:
    check: Check
    played: Played | None
    reason: str            # "" = passed

    @property
    def invalid(self) -> bool:
        return self.reason.startswith("invalid check")


def run(checks: list[Check], scenarios: dict, actor) -> list[Result]:
    out = []
    for c in checks:
        try:
            p = play(c, scenarios[c.scenario], actor)
        except Exception as e:  # the Director is being changed: report the crash, keep measuring
            out.append(Result(c, None, f"crashed: {type(e).__name__}: {e}"))
            continue
        if len(p.replies) < len(c.turns):
            why = f"the conversation ended ({p.ended}) after {len(p.replies)} of {len(c.turns)} turns"
            if c.behaviour == "no_early_goodbye":
                why = JUDGES[c.behaviour](p, c.detail) or ""
                if not why and p.ended != "walked_out":
                    why = f"the conversation ended ({p.ended}) before the last turn"
            out.append(Result(c, p, why))
            continue
        out.append(Result(c, p, JUDGES[c.behaviour](p, c.detail)))
    return out


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[str(x) for x in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    fmt = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([fmt(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(fmt(r) for r in cells[1:])])


def summary_rows(results: list[Result]) -> list[list]:
    rows = []
    for b in BEHAVIOURS:
        rs = [r for r in results if r.check.behaviour == b]
        if not rs:
            continue
        valid = [r for r in rs if not r.invalid]
        rows.append([b, f"{sum(not r.reason for r in valid)} / {len(valid)}", len(rs) - len(valid),
                     len({r.check.scenario for r in rs})])
    valid = [r for r in results if not r.invalid]
    rows.append(["all", f"{sum(not r.reason for r in valid)} / {len(valid)}", len(results) - len(valid),
                 len({r.check.scenario for r in results})])
    return rows


def describe(r: Result) -> str:
    lines = [f"### {r.check.id} ({r.check.behaviour}, {r.check.scenario}): {r.reason}"]
    p = r.played
    if p is not None:
        lines.append(f"  open [{p.moods[0]:.1f}]: {p.opening}")
        for i, t in enumerate(p.turns):
            lines.append(f"  agent {i + 1}: {t}")
            lines.append(f"  reply {i + 1} [{p.moods[i + 1]:.1f} {p.intents[i] if i < len(p.intents) else ''}]: "
                         f"{p.replies[i]}")
        if p.ended:
            lines.append(f"  ended: {p.ended}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checks", default=str(CHECKS), metavar="FILE", help="checks file (default bench/dialogue_checks.yaml)")
    ap.add_argument("--verbose", action="store_true", help="print every failing conversation with the reason")
    ap.add_argument("--backend", default="scripted", help="actor backend (default scripted: deterministic)")
    args = ap.parse_args(argv)

    from personas.actors import Actor, get_backend
    from personas.scenario import load_dir

    scenarios = load_dir(ROOT / "scenarios").scenarios
    path = Path(args.checks)
    try:
        checks, notes = load_checks(path, scenarios)
    except (OSError, yaml.YAMLError, ValueError) as e:
        print(f"cannot read checks file {path}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
              file=sys.stderr)
        return 2
    try:
        actor = Actor(get_backend(args.backend))
    except Exception as e:
        print(f"cannot use backend {args.backend!r}: {e}", file=sys.stderr)
        return 2
    results = run(checks, scenarios, actor)
    print(f"# Dialogue-state bench — backend {args.backend}, {len(results)} checks from {path.name}\n")
    print(table(["behaviour", "passed / checks", "invalid", "scenarios"], summary_rows(results)))
    failing = [r for r in results if r.reason]
    if any(not r.invalid for r in failing):
        print("\nfailing: " + ", ".join(r.check.id for r in failing if not r.invalid))
    bad = [r for r in results if r.invalid]
    if bad:
        print("invalid checks (not counted): " + "; ".join(f"{r.check.id}: {r.reason}" for r in bad))
    for n in notes:
        print(f"note: {n}")
    if args.verbose and failing:
        print("\n## Failing conversations\n")
        for r in failing:
            print(describe(r) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
