"""Verbatim quotes and "Instead of …, try …" advice."""
from __future__ import annotations

import re

SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")  # a sentence and its closing punctuation
MAX_QUOTE = 160


def quote(text: str, pattern: re.Pattern[str] | None = None) -> str:
    """A verbatim piece of `text`: the sentence matching `pattern` (else the first), at most MAX_QUOTE chars."""
    spans = [m.span() for m in SENTENCE.finditer(text) if m.group().strip()]
    if not spans:
        return text.strip()[:MAX_QUOTE].strip() or text
    chosen = spans[0]
    if pattern is not None:
        for s, e in spans:
            if pattern.search(text[s:e]):
                chosen = (s, e)
                break
    piece = text[chosen[0]:chosen[1]].strip()
    if len(piece) > MAX_QUOTE:
        piece = piece[:MAX_QUOTE].rstrip()
    return piece


_TRY = '", try "'


def instead(original: str, better: str) -> str:
    return f'Instead of "{original}{_TRY}{better}"'


def one_per_quote(advice: list[str]) -> list[str]:
    """instead() lines with the first one kept for each quoted original."""
    seen: set[str] = set()
    out = []
    for a in advice:
        original = a.split(_TRY, 1)[0]
        if original not in seen:
            seen.add(original)
            out.append(a)
    return out
