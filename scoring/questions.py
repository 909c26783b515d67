"""What a trainee's question asks the customer for, matched against the customer's own story.

The story is the scenario's facts and `knows` items. A question is matched to them the way a person
would hear it, without a model: by its words (word forms and a small thesaurus of how callers and
agents say the same thing: "ring" ~ "call", "born" ~ "birth", "order" ~ "buy"), weighted by how
telling each word is in this story (a word every item shares tells little), by the kind of answer
it wants ("when" wants a time, "how much" an amount, "who" a person), and by whether the item can
answer that kind at all ("When did you…?" is not answered by a sentence with no time in it). Words
the question leans on that the story never mentions ("the cashier's name") lower the match: the
honest answer there is "I don't know".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.text import STOPWORDS, keys, phrase_in, tokens, word_key

if TYPE_CHECKING:
    from core.scenario import Scenario

# How the same thing is said on a service call. Each group's words match each other.
_THESAURUS = """
call ring phone rang rung spoke speak talk contact rang
buy bought order purchase get
pay paid cost price charge charged spend spent bill invoice fee amount much
born birth birthday dob age old
name called surname
son daughter child kid boy girl children
house home flat address live place
leave depart departure take-off go
arrive arrival land come came delivered deliver delivery turn-up
start began begin first notice noticed spot spotted happen happened
cancel cancelled stop end close terminate
send sent email emailed post posted message text texted
tell told say said mention promise promised
try tried attempt attempted done do check checked
want need like expect prefer hope hoping outcome
book booked booking reservation ticket tickets
light lights led lamp
router box hub modem
doctor gp surgery practice
tablet tablets pill pills medicine medication prescription
bank card account
landlord letting lettings agent rent
room where location
problem issue fault wrong
money refund cash
wait waiting queue queued hold
photo picture image photograph
plumber engineer technician
insurance insurer policy cover
flight plane fly
job work deadline client meeting
"""
_GROUP: dict[str, str] = {}
for _line in _THESAURUS.strip().splitlines():
    _words = _line.split()
    for _w in _words:
        for _k in keys(_w.replace("-", " ")):
            _GROUP.setdefault(_k, "~" + _words[0])

# Words that say nothing about WHAT is asked: question words, fillers, generic verbs.
_NOT_TELLING = set(STOPWORDS) | {word_key(w) for w in """
please could would can may tell let know mind ask quick quickly exactly actually right now just today
take give got get have has had make made sure okay happen see look bit little anything something
""".split()}

# The kind of answer a question wants, in the order they are checked.
KIND_CUES: dict[str, re.Pattern[str]] = {
    "identity": re.compile(r"\b(?:your (?:full |first |last )?name|who (?:am i|is this|are you)|(?:date of )?birth|"
                           r"born|how old|surname|spell)\b", re.I),
    "reference": re.compile(r"\b(?:reference|order number|account number|booking (?:ref|number|code)|policy number|"
                            r"claim number|case number|ticket number|confirmation (?:number|code)|customer number|membership number|"
                            r"prescription number|card number|long number|number on|digits)\b", re.I),
    "contact": re.compile(r"\b(?:phone number|mobile(?: number)?|email address|e-mail address|contact (?:number|details)|reach you|best number|"
                          r"home number|number to call|address)\b", re.I),
    "timeline": re.compile(r"\b(?:when|what time|what days?|what dates?|which days?|how long|since when|how many days|"
                           r"how many times|how often|how soon)\b", re.I),
    "place": re.compile(r"\b(?:where|which (?:room|shop|store|branch|airport|terminal|address|town|city)|"
                        r"what (?:room|shop|store|branch|airport|terminal|town|city))\b", re.I),
    "amount": re.compile(r"\b(?:how much|how many|what (?:amount|sum|total)|what (?:did|does|do) (?:it|they|that) cost|"
                         r"what did you pay|cost|price)\b", re.I),
    "tried": re.compile(r"\b(?:have you tried|did you try|what have you (?:tried|done)|tried|already done|"
                        r"what did you do|have you (?:checked|looked|contacted|spoken|called|rung)|"
                        r"did you (?:check|contact|call|ring|speak))\b", re.I),
    "told_before": re.compile(r"\b(?:what (?:were|was) you told|what did (?:they|we|the \w+|anyone|someone|he|she) "
                              r"(?:say|tell|promise)|told you|promised|last time|previous(?:ly)?|spoke(?:n)? to|"
                              r"anyone (?:else )?(?:said|told)|before)\b", re.I),
    "wants": re.compile(r"\b(?:what (?:would|do) you (?:like|want|need|prefer|expect)|what would (?:help|be best|work|"
                        r"fix this)|ideal(?:ly)?|outcome|prefer|rather|hoping for)\b", re.I),
    "item": re.compile(r"\b(?:which|what (?:kind|type|sort|model|make|brand|size|item|product|medication|medicine|"
                       r"tablets?|flight|plan|tariff|parcel|package|did you (?:order|buy))|what (?:is|was|were|are) "
                       r"(?:it|they|in))\b", re.I),
}
# What an answer of a kind must contain to be one.
_TIMEISH = re.compile(r"\b(?:\d|ago|yesterday|today|tonight|tomorrow|last (?:week|month|year|night|time)|"
                      r"this (?:week|month|morning)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                      r"january|february|march|april|may|june|july|august|september|october|november|december|"
                      r"morning|afternoon|evening|night|week|weeks|month|months|days?|hours?|since|o'clock|"
                      r"minutes?|noon|midday|midnight|once|twice|times)\b", re.I)
ANSWER_CHECK: dict[str, re.Pattern[str]] = {
    "timeline": _TIMEISH,
    "amount": re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                         r"forty|fifty|hundred|thousand|half|nothing|none|all|a few|several|no)\b", re.I),
    "reference": re.compile(r"\d|\b[A-Z0-9]{5,}\b"),
    "contact": re.compile(r"\d|@|\bat\b.*\bdot\b|\bemail\b", re.I),
    "identity": re.compile(r"\b[A-Z][a-z]+\b.*\b[A-Z][a-z-]+\b|\b(?:born|birth|years old|\d)\b"),
}
STRONG_KINDS = ("timeline", "amount", "reference", "contact", "identity")
_HEAD = re.compile(r"\b(?:which|what|how many|how much)\s+(?!(?:is|was|are|were|did|do|does|time|day|date|kind|sort|type)\b)"
                   r"([a-z]+)", re.I)
# "The name of the cashier", "the broker's name": someone else's name, not the customer's.
_OTHERS_NAME = re.compile(r"\bname of (?:the|your|his|her|their|that|this) ((?:\w+ )?\w+)|"
                          r"\b(?:the|your|his|her|their) ((?:\w+ )?\w+)'s name\b|\bwho (?:was|is) (?:the|your) (\w+)", re.I)


@dataclass(frozen=True)
class Match:
    """A piece of the customer's story a question asks for: a fact (by id) or a knows item (by index)."""
    source: str          # "fact" | "knows"
    key: str             # fact id, or "k<index>"
    text: str            # what the customer would say
    score: float


def question_kinds(question: str) -> list[str]:
    """The kinds of knowledge a question asks for (core.scenario.KNOW_KINDS), most specific first."""
    found = [(m.start(), i, k) for i, (k, rx) in enumerate(KIND_CUES.items()) if (m := rx.search(question))]
    return [k for _, _, k in sorted(found)]  # the cue nearest the start leads: "What were you told when…"


def _telling(text: str) -> set[str]:
    """The content keys of a text that say what it is about, each with its thesaurus group."""
    out: set[str] = set()
    for t in tokens(text):
        for k in keys(t):
            if k in _NOT_TELLING or len(k) < 3 or k.isdigit():
                continue
            out.add(k)
            if k in _GROUP:
                out.add(_GROUP[k])
    return out


def _hits(q: set[str], item: set[str]) -> set[str]:
    """Keys of the question the item shares, compounds included ("shop" in "bookshop")."""
    out = q & item
    for a in q - out:
        if len(a) >= 4 and not a.startswith("~") and any(len(b) > len(a) + 2 and (b.endswith(a) or b.startswith(a))
                                                          for b in item if not b.startswith("~")):
            out.add(a)
    return out


_index_cache: dict[int, tuple[object, list[dict], dict[str, float]]] = {}


def _index(scenario: Scenario) -> tuple[list[dict], dict[str, float]]:
    hit = _index_cache.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1], hit[2]
    items: list[dict] = []
    for i, f in enumerate(scenario.facts):
        # A fact's own example question is how its author expects it to be asked.
        items.append({"source": "fact", "key": f.id, "text": f.text, "kind": getattr(f, "kind", "other"),
                      "about": list(f.keywords) + ([f.ask] if getattr(f, "ask", None) else []), "order": i})
    for i, k in enumerate(getattr(scenario, "knows", None) or []):
        items.append({"source": "knows", "key": f"k{i}", "text": k.say, "kind": k.kind, "about": list(k.about),
                      "order": 100 + i})
    for it in items:
        it["about_keys"] = _telling(" ".join(it["about"]))
        it["say_keys"] = _telling(it["text"])
        it["all"] = it["about_keys"] | it["say_keys"]
    n = max(1, len(items))
    df: dict[str, int] = {}
    for it in items:
        for k in it["all"]:
            df[k] = df.get(k, 0) + 1
    idf = {k: math.log(1 + n / d) for k, d in df.items()}
    top = max(idf.values(), default=1.0)
    idf = {k: v / top for k, v in idf.items()}
    if len(_index_cache) > 256:
        _index_cache.clear()
    _index_cache[id(scenario)] = (scenario, items, idf)
    return items, idf


def match_question(question: str, scenario: Scenario | None) -> list[Match]:
    """What in the customer's story a question asks for, best first; [] when nothing in it answers."""
    if scenario is None or not question.strip():
        return []
    items, idf = _index(scenario)
    if not items:
        return []
    q = _telling(question)
    kinds = question_kinds(question)
    strong = next((k for k in kinds if k in STRONG_KINDS), None)
    known = set().union(*(it["all"] for it in items))
    # Words the question leans on that the story never mentions: "the cashier's name", "the serial number".
    stray = [k for k in q if not k.startswith("~") and k not in known and not _hits({k}, known)
             and _GROUP.get(k, "") not in known]
    q_kw = keys(question)
    # The thing asked about: the first telling word after "which"/"what"/"how many" ("which SEAT numbers").
    m_head = _HEAD.search(question)
    head = next(iter(_telling(m_head.group(1))), None) if m_head else None
    other = _OTHERS_NAME.search(question)
    other_keys = _telling(next(g for g in other.groups() if g)) if other else set()
    scored: list[tuple[float, int, Match]] = []
    for it in items:
        about_hits = _hits(q, it["about_keys"])
        say_hits = _hits(q, it["say_keys"]) - about_hits
        lexical = 1.3 * sum(idf.get(k, 0.6) for k in about_hits) + 0.9 * sum(idf.get(k, 0.6) for k in say_hits)
        phrases = sum(1 for a in it["about"] if len(a.split()) > 1 and phrase_in(a, q_kw))
        score = lexical + 0.6 * phrases
        if it["kind"] in kinds:
            score += 1.0 if kinds and it["kind"] == kinds[0] else 0.6
        if strong and it["kind"] != strong and not ANSWER_CHECK[strong].search(it["text"]):
            score -= 1.2  # cannot be the answer: a "when" question needs a time
        score -= min(1.5, 0.6 * len(stray))
        if head and not _hits({head}, it["all"]) and _GROUP.get(head, "") not in it["all"]:
            score -= 0.8  # it answers something, but not about the thing asked
        if other_keys and it["kind"] == "identity" and not _hits(other_keys, it["all"]):
            score -= 2.0  # asked for someone else's name: the customer's own is no answer
        if not (about_hits or say_hits) and (q or it["kind"] != (kinds[0] if kinds else None)):
            # The kind alone is no match ("when did you…" about something untold), unless the question has
            # no telling word at all and asks for exactly this kind: "What would you like us to do?"
            score = min(score, 0.9)
        if it["source"] == "fact":
            score += 0.1  # the story's core wins a tie
        if score >= 1.0:
            scored.append((score, it["order"], Match(it["source"], it["key"], it["text"], round(score, 2))))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [m for _, _, m in scored]
