"""Features of a supporter/trainee turn for the linear move model (shared by training and inference).

Words and short phrases of the turn, its opening words, and how it relates to
the customer's latest turns (restated content, named feelings, questions).
"""
from __future__ import annotations

from collections.abc import Sequence

from core.transcript import customer_context, role_text as _role_text
from scoring.text import FEELINGS, STOPWORDS, content_words, stem, tokens

_SECOND_PERSON = frozenset(("you", "your", "you're", "yourself", "you've", "you'll", "you'd"))
_FIRST_PERSON = frozenset(("i", "me", "my", "i'm", "i've", "i'd", "i'll", "myself"))


def _bin(x: float, edges: Sequence[float]) -> int:
    for i, e in enumerate(edges):
        if x < e:
            return i
    return len(edges)


def features(text: str, customer_texts: Sequence[str], position: int = 0, after_trainee: str | None = None) -> list[str]:
    """String features; customer_texts = the customer's latest turns, oldest first.

    position: how many turns came before; after_trainee: the previous turn's text when it was
    the trainee's own (a message split in two), else None.
    """
    toks = tokens(text)
    feats = ["bias", f"pos:{_bin(position, (1, 3, 6, 12, 20, 30))}"]
    if after_trainee is not None:
        prev = tokens(after_trainee)
        feats.append("cont")
        feats += ["pf:" + "_".join(prev[:k]) for k in (1, 2) if len(prev) >= k]
        if after_trainee.strip().endswith("?"):
            feats.append("pq")
    for w in toks:
        if len(w) > 4:
            feats += ["c:" + w[i:i + 4] for i in range(len(w) - 3)]
    padded = ["<s>", *toks, "</s>"]
    feats += ["w:" + t for t in toks]
    feats += ["b:" + padded[i] + "_" + padded[i + 1] for i in range(len(padded) - 1)]
    feats += ["t:" + "_".join(padded[i:i + 3]) for i in range(len(padded) - 2)]
    feats += ["f:" + "_".join(toks[:k]) for k in (1, 2, 3) if len(toks) >= k]
    stripped = text.strip()
    q = stripped.count("?")
    feats.append(f"q:{min(q, 2)}")
    if stripped.endswith("?"):
        feats.append("q:end")
    if "!" in stripped:
        feats.append("excl")
    feats.append(f"len:{_bin(len(toks), (4, 8, 15, 25, 40))}")
    n_sent = max(1, sum(stripped.count(c) for c in ".?!"))
    feats.append(f"sents:{min(n_sent, 4)}")
    you = sum(t in _SECOND_PERSON for t in toks)
    me = sum(t in _FIRST_PERSON for t in toks)
    feats.append(f"you:{_bin(you / max(1, len(toks)), (0.01, 0.08, 0.15))}")
    feats.append(f"me:{_bin(me / max(1, len(toks)), (0.01, 0.08, 0.15))}")
    feel = [t for t in toks if t in FEELINGS]
    if feel:
        feats.append("feel")
        if you:
            feats.append("feel+you")
    mine = {stem(w) for w in content_words(toks)}
    cust_toks = [t for c in customer_texts for t in tokens(c)]
    cust = {stem(w) for w in content_words(cust_toks)}
    if cust_toks:
        shared = mine & cust
        feats.append(f"ov:{_bin(len(shared), (1, 2, 3, 5))}")
        feats.append(f"ovr:{_bin(len(shared) / max(1, len(mine)), (0.05, 0.2, 0.4, 0.6))}")
        feats.append(f"cov:{_bin(len(shared) / max(1, len(cust)), (0.05, 0.15, 0.3))}")
        if set(cust_toks) & FEELINGS:
            feats.append("cfeel")
            if set(cust_toks) & FEELINGS & set(toks):
                feats.append("cfeel:same")
        if cust_toks and "?" in customer_texts[-1]:
            feats.append("cq")
        for t in sorted(shared):  # sorted: set order varies with PYTHONHASHSEED
            if t not in STOPWORDS:
                feats.append("ow:" + (t if len(t) < 6 else "long"))
                break
    else:
        feats.append("noctx")
    return feats


def features_for(text: str, context: Sequence) -> list[str]:
    """features() with the context given as earlier turns (Turn objects or role/text mappings)."""
    after = None
    if context:
        role, prev = _role_text(context[-1])
        if role == "trainee":
            after = prev
    return features(text, customer_context(context), len(context), after)
