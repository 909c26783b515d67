"""Better alternatives built from what the customer actually said.

Advice reads as coaching when the suggested line answers the customer in front of the trainee:
"So you've been waiting two weeks for your parcel — is that right?" rather than a line that would fit
any scenario. `customer_point` picks the customer's sentence worth restating and `restate` turns it
round to the trainee's side (I -> you, my -> your, you -> we), the way a restatement does.
"""
from __future__ import annotations

import re

from scoring.evidence import SENTENCE
from scoring.text import content_words, tokens

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_LEAD_IN = re.compile(r"^(?:(?:look|listen|honestly|well|so|ok|okay|right|and|but|yes|no|hi|hello|seriously)\b[,\s]*)+",
                      re.I)
MAX_WORDS = 16

# The customer's side -> the trainee's side. "I was" needs its verb changed too.
_PAIRS = {"i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "me": "you",
          "my": "your", "mine": "yours", "myself": "yourself", "we": "you", "we're": "you're", "we've": "you've",
          "us": "you", "our": "your", "ours": "yours", "your": "our", "yours": "ours", "you're": "we're",
          "you've": "we've", "you'll": "we'll", "you'd": "we'd", "yourself": "us", "am": "are"}
# Where "you" (the company) is the subject, it becomes "we"; after a verb or preposition, "us".
_SUBJECT_BEFORE = frozenset(("", "and", "but", "because", "so", "then", "when", "if", "that", "since", "after",
                             "before", "until", "while", "though", "although", "or", ","))
# ... or when a verb follows it: "I was told you would call".
_SUBJECT_NEXT = frozenset(("would", "will", "can", "could", "should", "have", "had", "has", "are", "were", "did",
                           "do", "don't", "didn't", "won't", "can't", "said", "told", "promised", "charged", "sent",
                           "keep", "kept", "never", "always", "just", "people", "guys", "lot", "lost", "cut"))


_I_FORMS = frozenset(("i", "i'm", "i've", "i'd", "i'll"))


def _match_case(word: str, like: str) -> str:
    """`word` capitalised like `like`, except that "I" is capitalised for grammar, not position."""
    if like.lower().replace("’", "'") in _I_FORMS:
        return word
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def restate(sentence: str) -> str:
    """The sentence in the trainee's voice: first and second person swapped, the rest left as it was."""
    out: list[str] = []
    pos = 0
    prev = ""
    words = list(_WORD.finditer(sentence))
    for k, m in enumerate(words):
        w = m.group()
        low = w.lower().replace("’", "'")
        nxt = words[k + 1].group().lower() if k + 1 < len(words) else ""
        between = sentence[pos:m.start()]
        if "," in between:
            prev = ","
        if low == "i":
            new = "you"
        elif low == "was" and prev == "i":
            new = "were"
        elif low == "you":
            subject = (prev in _SUBJECT_BEFORE and nxt != "too") or nxt in _SUBJECT_NEXT
            new = "we" if subject else "us"
        elif low == "are" and prev == "you":
            new = "are"
        else:
            new = _PAIRS.get(low, w)
        if new != w:
            new = _match_case(new, w) if k else new
        out.append(between)
        out.append(new)
        pos = m.end()
        prev = low
    out.append(sentence[pos:])
    return "".join(out)


def customer_point(text: str) -> str | None:
    """The customer's sentence most worth restating, in the trainee's voice, or None.

    A statement (not a question) with the most content words, at most MAX_WORDS words; None when the
    customer said nothing restatable ("Hello?", "Fine.").
    """
    best: tuple[int, str] | None = None
    for m in SENTENCE.finditer(text or ""):
        s = m.group().strip()
        if not s or s.endswith("?"):
            continue
        s = _LEAD_IN.sub("", s).strip().rstrip(".!").strip()
        s = re.sub(r"[,;:—–-]+$", "", s).strip()
        first = _WORD.match(s)
        if first and first.group().lower().replace("’", "'") in _IMPERATIVE:
            continue  # "Don't read me the small print" is a demand, not something to restate
        n_words = len(tokens(s))
        if n_words > MAX_WORDS:
            s = _shorten(s)
            n_words = len(tokens(s))
        n_content = len(content_words(tokens(s)))
        if n_content < 2 or n_words > MAX_WORDS:
            continue
        if best is None or n_content > best[0]:
            best = (n_content, s)
    if best is None:
        return None
    said = restate(best[1])
    first = _WORD.match(said)
    if first and first.group().lower() in _LOWER_FIRST:
        said = said[0].lower() + said[1:]
    return said


# Sentences starting with these tell the agent what to do; "So don't read us the small print" is no restatement.
_IMPERATIVE = frozenset(("don't", "do", "stop", "please", "just", "tell", "give", "read", "send", "fix", "call",
                         "cancel", "refund", "let", "show", "explain", "put", "transfer", "get", "try", "check",
                         "make", "sort", "listen", "look", "spare", "never", "hurry", "answer", "find"))
_LOWER_FIRST = frozenset(("you", "your", "you're", "you've", "you'd", "you'll", "we", "our", "we're", "we've",
                          "the", "it", "it's", "this", "that", "there", "they", "nobody", "no", "nothing"))


def _shorten(sentence: str) -> str:
    """The sentence cut at the last clause break that keeps it within MAX_WORDS words."""
    cut = sentence
    for m in reversed(list(re.finditer(r",|;|—|–| - | and | but | because ", sentence))):
        if len(tokens(sentence[:m.start()])) <= MAX_WORDS:
            cut = sentence[:m.start()]
            break
    return cut.strip().rstrip(",;:—–- ").strip()
