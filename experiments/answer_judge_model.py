"""Measured, not wired (see README, "Matching questions to the customer's story"): a learned judge of "does this piece of the customer's story answer this question" (issue 8, point 3).

It scores every piece of a scenario's story (facts and `knows` items, as `scoring.questions._index`
builds them) for one question, from two kinds of features:

- what the hand rules found: whether `match_question` returned the piece, its score, its rank and the
  margin to the top; the piece's kind against the question's kind cues; the question's answer type
  against `holds(piece, type)`; word overlaps (shared keys, idf-weighted, thesaurus pairs, numbers);
- learned crosses, hashed into a fixed table: question cue words x piece kind / types it holds, and
  question word key x piece word key.

A listwise model (a softmax over the pieces and a "none of them" slot, trained by
`experiments/answer_judge.py`, only on this project's own probe files bench/probe_questions*.yaml) scores
each piece; the best piece is the answer when it beats "none" by the threshold chosen on the training
folds, otherwise "I don't know". Pure numpy to score (no scikit-learn).
"""
from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.text import keys

MODEL_PATH = Path(__file__).resolve().parent.parent / "scoring" / "model" / "answer_judge.npz"  # only if ever wired
HASH_BITS = 15

# Answer types a piece is checked against (holds(text, type)); "thing"/"yesno" hold anything.
HOLD_TYPES = ("name", "self", "time", "day", "clock", "duration", "distance", "frequency", "name_of", "money",
              "quantity", "measure", "code", "place", "method", "colour", "reason")
KINDS = ("identity", "reference", "contact", "timeline", "place", "amount", "tried", "told_before", "wants",
         "item", "other")

DENSE = ("bias", "returned", "score", "top", "recip_rank", "margin", "none_returned", "n_returned", "knows",
         "kind_lead", "kind_in", "no_kind_cue", "holds_type", "hard_fail", "head_hit", "about_hits", "say_hits",
         "about_idf", "say_idf", "cover", "pair_hits", "stray", "numbers", "deadline", "q_keys")

_WH = re.compile(r"\b(who|whom|whose|when|where|why|how|what|which)\b", re.I)
_LEAD_WORDS = re.compile(r"[a-z']+")


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8")) & ((1 << HASH_BITS) - 1)


@dataclass(frozen=True)
class Candidate:
    """One piece of the story with its features for one question."""
    item: dict
    dense: tuple[float, ...]
    hashed: tuple[int, ...]


_piece_cache: dict[int, tuple[object, list[frozenset[str]]]] = {}


def _held_types(scenario, items: list[dict]) -> list[frozenset[str]]:
    """The answer types each piece holds (question-independent, cached per scenario)."""
    hit = _piece_cache.get(id(scenario))
    if hit is not None and hit[0] is scenario and len(hit[1]) == len(items):
        return hit[1]
    from scoring.questions import holds

    out = [frozenset(t for t in HOLD_TYPES if holds(it["text"], t)) for it in items]
    if len(_piece_cache) > 256:
        _piece_cache.clear()
    _piece_cache[id(scenario)] = (scenario, out)
    return out


@lru_cache(maxsize=4096)
def _question_view(question: str) -> tuple:
    """What the features need of a question alone (pure, cached per text)."""
    from scoring.questions import (_TYPE_WORDS, DEADLINE_Q, _numbers, _pairs, _telling, answer_type,
                                   plain_question, question_kinds)

    plain = plain_question(question)
    at = answer_type(question)
    kinds = tuple(question_kinds(plain))
    q_keys = frozenset(k for k in _telling(plain) if k not in _TYPE_WORDS)
    words = _LEAD_WORDS.findall(plain.lower())
    wh = _WH.search(plain)
    cues = ["at=" + at.type, "wh=" + (wh.group(1).lower() if wh else "-"), "lead=" + " ".join(words[:2]),
            "kind0=" + (kinds[0] if kinds else "-")]
    cues += ["cue=" + k for k in kinds]
    if at.head:
        cues.append("head=" + at.head)
    return (plain, at, kinds, q_keys, tuple(cues), frozenset(_numbers(question) - {"0", "1"}), _pairs(plain),
            bool(DEADLINE_Q.search(question)), tuple(sorted(frozenset(keys(plain)))))


def candidates(question: str, scenario, matches: list | None = None) -> list[Candidate]:
    """Every piece of the scenario's story with its features for this question. `matches`: what
    match_question returned for it (computed here when not given)."""
    from scoring.questions import _hits, _index, _known, _numbers, match_question

    if scenario is None or not question.strip():
        return []
    items, idf = _index(scenario)
    if not items:
        return []
    if matches is None:
        matches = match_question(question, scenario)
    held = _held_types(scenario, items)
    known = _known(scenario, items)
    plain, at, kinds, q_keys, cues, q_numbers, q_pairs, deadline, _ = _question_view(question)
    rank = {(m.source, m.key): (i, m.score) for i, m in enumerate(matches)}
    top = matches[0].score if matches else 0.0
    stray = sum(1 for k in q_keys if not k.startswith("~") and k not in known and not _hits({k}, known))
    nq = max(1, len(q_keys))
    out = []
    for it, types in zip(items, held):
        r = rank.get((it["source"], it["key"]))
        about = _hits(set(q_keys), it["about_keys"])
        say = _hits(set(q_keys), it["say_keys"]) - about
        head_hit = bool(at.head) and bool(_hits({at.head}, it["all"]))
        type_held = at.type in types
        dense = (1.0,
                 1.0 if r else 0.0,
                 min(r[1], 10.0) / 5.0 if r else 0.0,
                 1.0 if r and r[0] == 0 else 0.0,
                 1.0 / (1 + r[0]) if r else 0.0,
                 min(top - r[1], 10.0) / 5.0 if r else 0.0,
                 0.0 if matches else 1.0,
                 math.log1p(len(matches)),
                 1.0 if it["source"] == "knows" else 0.0,
                 1.0 if kinds and it["kind"] == kinds[0] else 0.0,
                 1.0 if it["kind"] in kinds else 0.0,
                 0.0 if kinds else 1.0,
                 1.0 if type_held else 0.0,
                 1.0 if at.type in HOLD_TYPES and not type_held else 0.0,
                 1.0 if head_hit else 0.0,
                 float(len(about)),
                 float(len(say)),
                 sum(idf.get(k, 0.6) for k in about),
                 sum(idf.get(k, 0.6) for k in say),
                 len(about | say) / nq,
                 float(len(q_pairs & it["pairs"])),
                 float(stray),
                 float(len(q_numbers & _numbers(it["text"]))) if q_numbers else 0.0,
                 1.0 if deadline and "deadline" in it.get("answers", ()) else 0.0,
                 math.log1p(len(q_keys)))
        feats = [f"kind={it['kind']}|ret={int(bool(r))}"]
        for c in cues:
            feats.append(f"{c}|kind={it['kind']}")
            feats.append(f"{c}|src={it['source']}")
            feats.extend(f"{c}|holds={t}" for t in types)
            if r:
                feats.append(f"{c}|ret|top={int(r[0] == 0)}")
        feats.extend(f"qk={k}|kind={it['kind']}" for k in q_keys)
        pk = it["about_keys"] | it["say_keys"]
        feats.extend(f"qk={a}|pk={b}" for a in q_keys for b in pk)
        out.append(Candidate(it, dense, tuple(sorted({_h(f) for f in feats}))))
    return out


# Question-level features that set the score of "none of these" (the "I don't know" slot).
NONE_COLS = tuple(DENSE.index(n) for n in ("bias", "none_returned", "n_returned", "no_kind_cue", "stray", "q_keys"))


@dataclass(frozen=True)
class Model:
    """A listwise model: each piece gets a score (dense . w_dense + the hashed weights it fires), the
    "none" slot gets v_none . the question-level features; the best piece answers when its score beats
    the none slot's by at least `threshold` (chosen on the training folds), else "I don't know"."""
    w_dense: np.ndarray
    w_hash: np.ndarray
    v_none: np.ndarray
    threshold: float
    variant: str   # "rerank": only the rules' candidates; "learned": any piece

    def scores(self, cands: list[Candidate]) -> tuple[list[float], float]:
        wd, wh = self.w_dense, self.w_hash
        out = [float(np.dot(wd, c.dense)) + (float(wh[list(c.hashed)].sum()) if c.hashed else 0.0) for c in cands]
        none = float(np.dot(self.v_none, [cands[0].dense[i] for i in NONE_COLS])) if cands else 0.0
        return out, none


def save(path: Path, model: Model, **meta) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, dense_names=np.array(DENSE), hash_bits=np.array(HASH_BITS),
                        w_dense=model.w_dense.astype(np.float32), w_hash=model.w_hash.astype(np.float32),
                        v_none=model.v_none.astype(np.float32), threshold=np.array(model.threshold),
                        variant=np.array(model.variant), **{k: np.array(v) for k, v in meta.items()})


def load(path: Path = MODEL_PATH) -> Model:
    """Weights written by save(); a clear one-line error when they were built for other features."""
    with np.load(path, allow_pickle=False) as z:
        names = tuple(str(x) for x in z["dense_names"])
        if names != DENSE or int(z["hash_bits"]) != HASH_BITS:
            raise ValueError(f"{path.name}: built for other features; rebuild with "
                             "python experiments/answer_judge.py --build")
        return Model(z["w_dense"].astype(np.float64), z["w_hash"].astype(np.float64),
                     z["v_none"].astype(np.float64), float(z["threshold"]), str(z["variant"]))


def choose(question: str, scenario, matches: list, model: Model) -> tuple[dict | None, float]:
    """The piece the model answers with (an _index item) and its margin over "none", or (None, margin)."""
    cands = candidates(question, scenario, matches)
    if not cands:
        return None, 0.0
    scores, none = model.scores(cands)
    idx = range(len(cands))
    if model.variant == "rerank":
        ret = {(m.source, m.key) for m in matches}
        idx = [i for i in idx if (cands[i].item["source"], cands[i].item["key"]) in ret]
    if not idx:
        return None, 0.0
    best = max(idx, key=lambda i: (scores[i], -cands[i].item["order"]))
    margin = scores[best] - none
    return (cands[best].item if margin >= model.threshold else None), margin
