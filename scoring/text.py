"""Tokenising and small word lists shared by move detection, features and dimensions."""
from __future__ import annotations

import re

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


def tokens(text: str) -> list[str]:
    """Lowercased word tokens (apostrophes kept inside words)."""
    return WORD_RE.findall(text.lower().replace("’", "'"))


def content_words(toks: list[str]) -> list[str]:
    """Tokens that carry content: not stopwords, not one letter."""
    return [t for t in toks if len(t) > 2 and t not in STOPWORDS]


def stem(word: str) -> str:
    """A crude suffix stripper, enough to match 'restarted'/'restart' and 'engineers'/'engineer'."""
    for suf in ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s"):
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word
