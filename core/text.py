"""Tokenising, word keys and small word lists shared by scenarios, move detection, the Director and scoring."""
from __future__ import annotations

import re
from functools import lru_cache

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset("""
a an the and or but if so of to in on at by for with from about as into over after before than then
is am are was were be been being do does did done have has had having i me my mine myself you your yours
yourself we us our ours they them their he him his she her it its this that these those there here what
which who whom when where why how not no yes just very really can could will would shall should may
might must im i'm you're it's that's don't didn't can't won't isn't wasn't aren't i've you've i'll
you'll we'll i'd you'd let's all any some more most much many also too up down out off again still
ok okay oh well like get got go going know think want need one two now even
""".split())

# Words that name a feeling: used by reflection/empathy and as model features.
FEELINGS = frozenset("""
angry anger annoyed annoying frustrated frustrating frustration upset upsetting stressed stressful stress
anxious anxiety worried worry worrying worries scared afraid frightened fear nervous overwhelmed
overwhelming sad sadness depressed depression lonely alone hurt hurtful disappointed disappointing
disappointment confused confusing helpless hopeless exhausted tired furious infuriating unfair
awful terrible horrible difficult hard tough painful pain heartbroken betrayed embarrassed ashamed
guilty jealous desperate panicked panic irritated irritating fed-up inconvenient inconvenience
concerned concern unsettling distressing distressed devastated devastating miserable scary rough
""".split())

CONTRACTIONS = {"n't": " not"}


_TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def term_pattern(term: str) -> re.Pattern[str]:
    """Where a term stands in a text: at a word start, case-insensitive; a term ending in a digit must not run on
    into more digits ("9" is not "19" or "90"), a term ending in a letter may ("estimat" matches "estimated")."""
    t = re.escape(" ".join(plain_quotes(term).split()))
    tail = r"(?!\d)" if term[-1:].isdigit() else ""
    return re.compile(r"(?<![A-Za-z0-9])" + t + tail, re.I)


def holds_term(text: str, terms) -> bool:
    """Whether the text holds one of the terms (see term_pattern): the benches' rule for an expected answer."""
    text = " ".join(plain_quotes(text or "").split())
    return any(term_pattern(str(t)).search(text) for t in terms or () if str(t).strip())


def plain_quotes(text: str) -> str:
    """Curly apostrophes and quotes (phones and word processors type them) as straight ones, so "I\u2019ll call
    you" reads like "I'll call you" everywhere a pattern looks for "I'll"."""
    return text.translate(_TYPOGRAPHIC) if text else text


_NO_APOSTROPHE = re.compile(r"\b(is|was|are|were|did|does|do|has|have|had|could|would|should|ca|wo)nt\b|"
                            r"\b(i)m\b|\b(you|they)re\b|\b(i|you|we|they)ve\b|\b(you|they)ll\b|"
                            r"\b(it|that|there|what|where|who|how|he|she)s(?= (?:the|a|an|on|in|at|for|not|been|still|just|"
                            r"all|my|your|his|her|our|their|this|that|about|only|over|under|gone|going|got|very|so|too|"
                            r"really|always|never|because|from|like|meant)\b)", re.I)


def restore_apostrophes(text: str) -> str:
    """Typed without apostrophes, read as said: "its the blue one isnt it" -> "it's the blue one isn't it",
    "dont", "youre", "ive". Words that are words already ("its colour", "well", "were", "ill", "hell") are left."""
    def fix(m: re.Match) -> str:
        g = m.group(0)
        low = g.lower()
        if low.endswith("nt"):
            return g[:-2] + "n't"  # "cant" -> "can't", "wont" -> "won't"
        if low.endswith("m"):
            return g[:-1] + "'m"
        if low.endswith("re"):
            return g[:-2] + "'re"
        if low.endswith("ve"):
            return g[:-2] + "'ve"
        if low.endswith("ll"):
            return g[:-2] + "'ll"
        return g[:-1] + "'s"
    return _NO_APOSTROPHE.sub(fix, text)


def tokens(text: str) -> list[str]:
    """Lowercased word tokens (apostrophes kept inside words)."""
    return list(_tokens(text))


@lru_cache(maxsize=1 << 15)  # the same turn and scenario texts are tokenised by moves, scoring and the Director
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(text.lower().replace("’", "'")))


def content_words(toks: list[str]) -> list[str]:
    """Tokens that carry content: not stopwords, not one letter."""
    return [t for t in toks if len(t) > 2 and t not in STOPWORDS]


@lru_cache(maxsize=1 << 16)  # pure, and called for every word of every turn by moves, scoring and the Director
def stem(word: str) -> str:
    """A crude suffix stripper, enough to match 'restarted'/'restart' and 'engineers'/'engineer'."""
    for suf in ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s"):
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word


# Irregular verb and noun forms -> the form stem() gives the regular one, so "paid" matches "pay" and
# "told" matches "tell". Used by word_key() (matching), never by stem() (the move model's features).
IRREGULAR = {
    "paid": "pay", "told": "tell", "sent": "send", "bought": "buy", "said": "say", "gave": "give", "given": "give",
    "took": "take", "taken": "take", "left": "leave", "lost": "lose", "spoke": "speak", "spoken": "speak",
    "went": "go", "gone": "go", "came": "come", "got": "get", "gotten": "get", "made": "make", "kept": "keep",
    "brought": "bring", "thought": "think", "found": "find", "rang": "ring", "rung": "ring", "wrote": "write",
    "written": "write", "broke": "break", "broken": "break", "knew": "know", "known": "know", "saw": "see",
    "seen": "see", "meant": "mean", "heard": "hear", "felt": "feel", "put": "put", "ran": "run",
    "spent": "spend", "won't": "will", "can't": "can", "children": "child", "people": "person", "men": "man",
    "women": "woman", "arrived": "arrive", "charged": "charge", "charges": "charge", "charging": "charge",
    "refunded": "refund", "replaced": "replace", "replacement": "replace", "delivered": "deliver",
    "delivery": "deliver", "deliveries": "deliver", "cancelled": "cancel", "canceled": "cancel",
    "cancellation": "cancel", "payment": "pay", "payments": "pay", "called": "call", "calls": "call",
    "neighbours": "neighbour", "neighbors": "neighbour", "neighbor": "neighbour",
}


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """The matching key of one lowercased token: irregular forms mapped, then stemmed, possessive dropped."""
    w = word[:-2] if word.endswith("'s") else word
    w = IRREGULAR.get(w, w)
    k = stem(w)
    if k == w and len(w) >= 5:
        # Short words stem() leaves whole: "buying" -> "buy", "asked" -> "ask", "paying" -> "pay".
        for suf in ("ing", "ed"):
            if w.endswith(suf) and len(w) - len(suf) >= 3 and not (suf == "ed" and w[-3] == "e"):
                k = w[: -len(suf)]
                break
    if k != w and len(k) >= 3 and k[-1] == k[-2] and k[-1] not in "lsfz" and w[len(k):][:1] in ("i", "e"):
        k = k[:-1]  # a doubled consonant before -ing/-ed: "skipping" -> "skip", "stopped" -> "stop"
    return k


def keys(text: str) -> list[str]:
    """The matching keys of a text, in order ("checked with your neighbours" -> check, with, your, neighbour)."""
    return list(_keys(text))


@lru_cache(maxsize=1 << 15)
def _keys(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for t in _tokens(text):
        out.extend(word_key(t).split())
    return tuple(out)


def phrase_in(phrase: str, text: str | list[str]) -> bool:
    """Whether every word of `phrase` appears, in order and adjacent, in `text` by word key.

    "check with your neighbours" is in "I checked with my neighbours"? No: "your" != "my".
    "check with neighbours" is in "Have you checked with the neighbours?"? No: adjacency. Phrases are
    matched as written, word forms aside, so a trainer's trigger means what it says.
    """
    want = keys(phrase)
    have = keys(text) if isinstance(text, str) else text
    if not want:
        return False
    n = len(want)
    return any(have[i:i + n] == want for i in range(len(have) - n + 1))


def any_phrase(phrases, text: str) -> bool:
    """Whether text contains any of the phrases (by word key)."""
    have = keys(text)
    return any(p.strip() and phrase_in(p, have) for p in phrases)
