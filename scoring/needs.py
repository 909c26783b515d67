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


# Concepts of the policy table that say when, not what.
_TIME_CONCEPTS = frozenset({"today", "instant", "next_day", "saturday"})


def _what(text: str) -> set[str]:
    """The policy concepts text says, less those about time: "a few days' worth to tide you over" says supply."""
    tk = _time_keys()
    return {c for c in policy.concepts(text) if c not in _TIME_CONCEPTS and not (c.startswith("w:") and c[2:] in tk)}


def acting_clauses(text: str, moves: Iterable[str] = ()) -> list[str]:
    """The clauses of a trainee turn that act: offers, commitments and next steps, never refusals. In a recap
    (a `summary` move) every clause that is not a refusal counts: it restates what was agreed."""
    recap = "summary" in set(moves)
    return [c for c in policy._clauses(text)
            if not policy._refused(c) and (recap or policy._offering(c))]


def need_met_in(need: Need, clauses: Sequence[str]) -> bool:
    """Whether any acting clause meets this need (see the module docstring)."""
    whole = " ".join([need.description, *(k for k in need.keywords if not _time_only(k))])
    about, what = _content(whole), _what(whole)
    for c in clauses:
        ck = keys(c)
        hits = [k for k in need.keywords if k.strip() and phrase_in(k, ck)]
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


def needs_met(scenario: Scenario | None, text: str, moves: Iterable[str] = (),
              skip: Iterable[str] = ()) -> list[Need]:
    """The scenario's needs (in scenario order) this trainee turn meets, leaving out the ids in `skip`."""
    if scenario is None or not scenario.needs:
        return []
    clauses = acting_clauses(text, moves)
    if not clauses:
        return []
    done = set(skip)
    return [n for n in scenario.needs if n.id not in done and need_met_in(n, clauses)]


__all__ = ["acting_clauses", "need_met_in", "need_named", "needs_met"]
