"""Verbatim quotes and "Instead of …, try …" advice.

Quotes are whole sentences: a sentence ends at . ! ? or a line break, but never inside a number
("£212.40", "3.5"), an abbreviation ("Mr.", "e.g.", "approx.") or an initial; a sentence longer than
MAX_QUOTE is cut at a word boundary with an ellipsis, never mid-word.
"""
from __future__ import annotations

import re
from functools import lru_cache

MAX_QUOTE = 160
_ABBREV = ("mr", "mrs", "ms", "dr", "st", "no", "nos", "vs", "etc", "eg", "e.g", "ie", "i.e", "approx", "ref", "dept",
           "tel", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "a.m", "p.m", "min", "mins", "hr", "hrs", "ext")
# Shortenings that can also end a sentence ("Thanks for the info."): a break only when the next word is capitalised.
_ABBREV_BEFORE_LOWER = frozenset("""incl excl esp est appt govt misc max avg wk wks yr yrs mth mths qty cf viz al fig vol pp
pg opp poss prob temp acct amt info tbc asst mgr sq ft oz lb lbs kg km corp bros prof rev gen sgt capt cllr jr sr""".split())
# A sentence break: closing punctuation then space (or end), not after a number's decimal point or an abbreviation.
_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*(?:\s+|$)|\n+")


def _is_abbrev(before: str) -> bool:
    m = re.search(r"(\b[\w.]+)\.$", before)
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def _shorthand(before: str, after: str) -> bool:
    """A clipped word before a full stop with the sentence going on in lower case: "pkg. arrives", "hrs. to
    wait" (a word with no vowel, or one of 2-5 letters followed by a lower-case word and no capital after it)."""
    m = re.search(r"\b([A-Za-z]{1,6})\.$", before)
    if not m or not re.match(r"[a-z]", after):
        return False
    word = m.group(1).lower()
    return word in _ABBREV_BEFORE_LOWER or not re.search(r"[aeiouy]", word)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text, its closing punctuation included, spaces excluded."""
    return list(_spans(text))


@lru_cache(maxsize=8192)  # every turn is split again by moves, the reading, the policy and the advice
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BREAK.finditer(text):
        end = m.start()
        piece = text[start:m.end()]
        if "\n" not in m.group() and m.end() < len(text) and (
                _is_abbrev(text[start:end].rstrip("\"'”’)]")) or _shorthand(text[start:end], text[m.end():])):
            continue  # "Mr. Patel" / "e.g. the router" / "incl. partner airlines" go on
        seg = text[start:m.end()]
        if seg.strip():
            s = start + (len(seg) - len(seg.lstrip()))
            e = start + len(seg.rstrip())
            spans.append((s, e))
        start = m.end()
        del piece
    if text[start:].strip():
        seg = text[start:]
        spans.append((start + (len(seg) - len(seg.lstrip())), start + len(seg.rstrip())))
    return tuple(spans)


def sentences(text: str) -> list[str]:
    """The sentences of a text, stripped (see sentence_spans)."""
    return [text[s:e] for s, e in sentence_spans(text or "")]


class _Sentence:
    """SENTENCE.finditer(text) compatibility: yields match-like objects over whole sentences."""

    class _M:
        def __init__(self, text: str, s: int, e: int) -> None:
            self._t, self._s, self._e = text, s, e

        def group(self, *_: object) -> str:
            return self._t[self._s:self._e]

        def span(self) -> tuple[int, int]:
            return self._s, self._e

        def start(self) -> int:
            return self._s

        def end(self) -> int:
            return self._e

    def finditer(self, text: str):
        for s, e in sentence_spans(text or ""):
            yield self._M(text, s, e)


SENTENCE = _Sentence()


def clip(piece: str, limit: int = MAX_QUOTE) -> str:
    """piece within limit characters, cut at a word boundary (with an ellipsis) when it is longer."""
    piece = piece.strip()
    if len(piece) <= limit:
        return piece
    cut = piece[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


# A sentence that says nothing a coach could point at: "Okay.", "Right.", "Sure, got it.", "Ok bye."
FILLER = re.compile(r"^\W*(?:(?:ok(?:ay)?|right|sure|fine|alright|all right|i see|got it|understood|noted|yes|yeah|yep|"
                    r"mm+|hmm+|great|perfect|cool|thanks|thank you|cheers|so|well|then|now|oh|ah|bye|bye now|bye-bye|"
                    r"goodbye|good bye)\W*)+$", re.I)


def is_filler(sentence: str) -> bool:
    return bool(sentence.strip()) and bool(FILLER.match(sentence.strip()))


def quote(text: str, pattern: re.Pattern[str] | None = None) -> str:
    """A verbatim sentence of `text`: the one matching `pattern` (else the first), at most MAX_QUOTE chars.
    A filler sentence ("Okay.", "Right.") is never chosen while the turn has a sentence with something in it."""
    sents = sentences(text)
    if not sents:
        return clip(text) or text
    said = [s for s in sents if not is_filler(s)] or sents
    chosen = said[0]
    if pattern is not None:
        chosen = next((s for s in said if pattern.search(s)), chosen)
    return clip(chosen)


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


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
