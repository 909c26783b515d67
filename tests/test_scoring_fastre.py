"""scoring.fastre: the prefiltered / ASCII-twin patterns give exactly what the patterns they replace give."""
from __future__ import annotations

import importlib
import re

import pytest

from scoring.fastre import Fast, factors, fast, speed_up

MODULES = ("rules", "policy", "understanding", "moves", "dimensions", "needs", "questions", "advice", "evidence")

TEXTS = [
    "That sounds really frustrating. So your connection has been down two days, is that right?",
    "Calm down, sir. You need to understand our policy states repairs take time.",
    "I'm sorry, we got this wrong. I'll book an engineer for tomorrow 8-12.",
    "I'LL MAKE SURE IT'S SORTED TODAY, I PROMISE.", "i will get it sorted for you by friday",
    "When did the light start flashing red?", "To recap: engineer tomorrow 8-12. Anything else?",
    "Your refund of £212.40 is guaranteed — we've waived the fee.", "So the café never came?",
    "I\u2019ll call you back at 5pm.", "Nothing I can do, it is what it is.", "", " ", "?", "ok",
    "That's \u212aind of you", "I'm \u017forry for the wait", "I'll\x1csort\x1dit today", "I'll sort it\x1f today",
    "what did the lady at the shop actually say to you", "Thank you for your call, have a lovely day!",
    "Can I grab your account number real quick?", "We'll refund the earlier months, no question.",
]


def _patterns():
    for m in MODULES:
        for name, v in vars(importlib.import_module(f"scoring.{m}")).items():
            if isinstance(v, Fast):
                yield f"{m}.{name}", v
            elif isinstance(v, dict):
                yield from ((f"{m}.{name}[{k}]", x) for k, x in v.items() if isinstance(x, Fast))
            elif isinstance(v, tuple):
                yield from ((f"{m}.{name}[{x[0]}]", x[1]) for x in v
                            if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], Fast))


def _same(a, b):
    if a is None or b is None:
        return a is b
    return (a.span(), a.groups()) == (b.span(), b.groups())


def test_the_scoring_modules_use_fast_patterns():
    names = [n for n, _ in _patterns()]
    assert len(names) > 100
    assert any(n.startswith("policy.") for n in names) and any(n.startswith("rules.") for n in names)


@pytest.mark.parametrize("name,f", list(_patterns()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_fast_pattern_gives_what_its_pattern_gives(name, f):
    rx = f.rx
    texts = TEXTS + [t.upper() for t in TEXTS] + [t.lower() for t in TEXTS]
    for s in texts:
        assert _same(rx.search(s), f.search(s)), (name, s)
        assert _same(rx.match(s), f.match(s)), (name, s)
        assert rx.findall(s) == f.findall(s), (name, s)
        assert rx.sub("@", s) == f.sub("@", s), (name, s)
        assert rx.split(s) == f.split(s), (name, s)
        assert [m.span() for m in rx.finditer(s)] == [m.span() for m in f.finditer(s)], (name, s)


def test_factors_are_needed_for_a_match():
    rx = re.compile(r"\b(?:i|we)(?:'ll| will) (?:sort|fix) (?:it|this)\b|\bapologi[sz]e\b|\bno (?:deal|worries)|"
                    r"\bleave it with (?:me|us)\b|\bon the house\b", re.I)
    need = factors(rx.pattern, rx.flags)
    assert need and all(f == f.lower() for f in need)
    for s in ["I'll sort it", "We will fix this now", "I apologize", "No worries!", "nothing here", "I'll sor it"]:
        assert bool(rx.search(s)) <= any(f in s.lower() for f in need), s
    f = fast(rx)
    assert isinstance(f, Fast) and f.search("nothing to see here") is None
    assert f.search("WE WILL FIX THIS").group() == "WE WILL FIX THIS"


def test_non_ascii_text_goes_to_the_pattern_itself():
    # Unicode case folding: the Kelvin sign folds to "k", the long s to "s"; an ASCII-only reading would miss both
    rx = re.compile(r"\b(?:kind of you|so sorry|" + "|".join(f"word{i}" for i in range(30)) + ")", re.I)
    f = fast(rx)
    assert isinstance(f, Fast)
    for s in ["That's \u212aind of you", "I'm \u017fo \u017forry", "so sorry"]:
        assert _same(rx.search(s), f.search(s)) and f.search(s) is not None, s


def test_kept_names_stay_the_patterns_they_were():
    ns = {"A": re.compile(r"\b(?:" + "|".join(f"phrase number {i}" for i in range(20)) + r")\b", re.I)}
    ns["B"] = re.compile(ns["A"].pattern, re.I)
    speed_up(ns, keep={"B"})
    assert isinstance(ns["A"], Fast) and isinstance(ns["B"], re.Pattern)
    from scoring import questions
    # questions compares a match's .re with these by identity
    assert isinstance(questions._OWNED, re.Pattern) and isinstance(questions._OPINION_TAIL, re.Pattern)
