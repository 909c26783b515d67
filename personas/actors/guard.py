"""The guard: keeps a generated customer line in character and on message, or says why not.

Small models drift into agent-speak, loop, or flip the meaning; a rejected line is replaced by
the Director's authored line, so the conversation stays correct whatever the model does.
"""
from __future__ import annotations

import re

from pydantic import BaseModel

from scoring.text import content_words, stem, tokens

# The customer talking like the agent (or like a chatbot).
AGENT_SPEAK = re.compile(
    r"\b(?:how (?:can|may|could) i (?:help|assist)|as an ai|language model|i'?m an ai|"
    r"(?:sorry|apologi[sz]e) for (?:the|any) inconvenience|thank you for (?:calling|contacting|your patience|reaching out)|"
    r"let me (?:check|look into|help|see what i can do|pull up)|is there anything else (?:i|we) can|"
    r"we apologi[sz]e|i understand your (?:frustration|concern)|dear (?:customer|sir|madam)|valued customer|"
    r"our (?:team|records|system) (?:shows?|will)|happy to help|glad to (?:help|assist)|"
    r"please hold|customer service representative|as your (?:agent|representative)|the customer)\b", re.I)
LABELS = re.compile(r"^\s*(?:customer|rewrite|rewritten|original|answer|reply|response|output|\w+ (?:says|said))\s*:\s*", re.I)
LEFTOVER = re.compile(r"\b(?:original|rewrite)\s*:", re.I)
NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none|nowhere|neither|nor|cannot|without)\b|n't\b", re.I)
NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|me|my|mine|myself|we|our|us)\b", re.I)

# A spoken line ends like a sentence; a model cut off at max_tokens does not.
UNFINISHED_OK = re.compile(r"[.!?…)\"'”’]\s*$")

MAX_CHARS = 400


class GuardResult(BaseModel):
    ok: bool
    text: str          # the cleaned text when ok, else the authored line
    reason: str | None = None


def clean(text: str) -> str:
    """Trim what models wrap around a line: labels, quotes, a second line, stray spaces."""
    t = (text or "").strip()
    t = LABELS.sub("", t)
    t = t.split("\n", 1)[0].strip()
    if len(t) >= 2 and t[0] in "\"'“" and t[-1] in "\"'”":
        t = t[1:-1].strip()
    return re.sub(r"\s+", " ", t)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(tokens(text))}


def _loops(toks: list[str]) -> bool:
    if len(toks) >= 6 and len(set(toks)) / len(toks) < 0.45:
        return True
    grams = [tuple(toks[i:i + 3]) for i in range(len(toks) - 2)]
    return any(grams.count(g) >= 3 for g in set(grams))


def check(text: str, line: str, faithfulness: str = "strict") -> GuardResult:
    """Accept `text` as the customer's rendering of the authored `line`, or explain the rejection."""
    def no(reason: str) -> GuardResult:
        return GuardResult(ok=False, text=line, reason=reason)

    t = clean(text)
    if t == clean(line):  # the authored line itself is always in character
        return GuardResult(ok=True, text=line)
    if not t or not tokens(t):
        return no("empty")
    if LEFTOVER.search(t):
        return no("prompt leaked into the output")
    if AGENT_SPEAK.search(t):
        return no("agent-speak (talks like the agent or an AI)")
    limit = MAX_CHARS if faithfulness == "loose" else min(MAX_CHARS, max(120, int(len(line) * 2.2)))
    if len(t) > limit:
        return no(f"too long ({len(t)} characters, limit {limit})")
    if faithfulness == "strict" and not UNFINISHED_OK.search(t):
        return no("unfinished sentence (cut off)")
    toks = tokens(t)
    if _loops(toks):
        return no("repetition loop")
    if FIRST_PERSON.search(line) and not FIRST_PERSON.search(t) and re.search(r"\byou(?:r)?\b", t, re.I):
        return no("wrong person (no 'I/my', talks about 'you')")
    if faithfulness == "strict":
        want = _stems(line)
        if want:
            shared = len(want & _stems(t)) / len(want)
            need = 0.5 if len(want) <= 3 else 0.4
            if shared < need:
                return no(f"drifted from the line (shares {shared:.0%} of its content words)")
        if set(NUMBER.findall(line)) != set(NUMBER.findall(t)):
            return no("numbers changed")  # £212.40 must not become £21.40
        if bool(NEGATION.search(line)) != bool(NEGATION.search(t)):
            return no("meaning flip (negation added or lost)")
    return GuardResult(ok=True, text=t)
