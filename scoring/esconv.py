"""ESConv (CC BY-NC 4.0) as labelled move data: loading, the keyword baseline, and evaluation."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError
from core.files import read_capped
from scoring.text import tokens

MAX_FILE_BYTES = 100_000_000
EVAL_MOVES = ("question", "paraphrase", "reflection", "affirmation")
STRATEGY_TO_MOVE = {
    "Question": "question",
    "Restatement or Paraphrasing": "paraphrase",
    "Reflection of feelings": "reflection",
    "Affirmation and Reassurance": "affirmation",
}


@dataclass(frozen=True)
class Example:
    text: str
    context: tuple[dict[str, str], ...]  # earlier turns, oldest first, usr->customer, sys->trainee
    strategy: str  # the ESConv label, one per supporter turn
    conv: int  # conversation index, so cross-validation can split by conversation

    @property
    def gold(self) -> str | None:
        return STRATEGY_TO_MOVE.get(self.strategy)


def load_examples(path: str | Path) -> list[Example]:
    """Every supporter turn in an ESConv JSON-lines file, with its preceding dialog as context."""
    p = Path(path)
    raw = read_capped(p, MAX_FILE_BYTES, "an ESConv file")
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text.", "Give an ESConv *_rl.txt JSON-lines file.") from None
    out: list[Example] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            dialog = json.loads(line)["dialog"]
            ctx: list[dict[str, str]] = []
            for turn in dialog:
                role = "customer" if turn["speaker"] == "usr" else "trainee"
                text = str(turn["text"])
                if role == "trainee":
                    out.append(Example(text, tuple(ctx), str(turn.get("strategy", "")), n))
                ctx.append({"role": role, "text": text})
        except RecursionError:
            raise InputError(f"{p}, line {n}: nested too deeply to be an ESConv conversation.") from None
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{p}, line {n}: not an ESConv conversation ({e.__class__.__name__}: {e}).") from None
    if not out:
        raise InputError(f"{p} holds no supporter turns.", "Give an ESConv *_rl.txt JSON-lines file.")
    return out


# The comparison point: one obvious keyword list per move, no context, no training.
_BASELINE = {
    "question": re.compile(r"\?"),
    "paraphrase": re.compile(r"\b(so you|you said|you mean|in other words|sounds like you)\b", re.I),
    "reflection": re.compile(r"\b(you feel|you must feel|you are feeling|you're feeling|frustrat|upset|sad)\w*", re.I),
    "affirmation": re.compile(r"\b(you can|don't worry|it will be|great|good|proud|understand)\b", re.I),
}


def baseline_moves(text: str, context: object = ()) -> list[str]:
    """The keyword baseline for the four ESConv moves."""
    return [m for m in EVAL_MOVES if _BASELINE[m].search(text)]


@dataclass
class Scores:
    per_move: dict[str, tuple[float, float, float]]  # precision, recall, F1
    support: dict[str, int]

    @property
    def macro_f1(self) -> float:
        return sum(f for _, _, f in self.per_move.values()) / len(self.per_move)


def evaluate(examples: list[Example], predict: Callable[[str, tuple], list[str]]) -> Scores:
    """Per-move P/R/F1 of `predict` against the gold labels (a turn may predict several moves)."""
    return score_predictions(examples, [predict(ex.text, ex.context) for ex in examples])


def score_predictions(examples: list[Example], predictions: list[list[str]], moves: tuple[str, ...] = EVAL_MOVES,
                      gold: Callable[[Example], str | None] | None = None) -> Scores:
    """Per-move P/R/F1 of predicted move lists (aligned with examples) against the gold labels."""
    tp = dict.fromkeys(moves, 0)
    fp = dict.fromkeys(moves, 0)
    fn = dict.fromkeys(moves, 0)
    for ex, predicted in zip(examples, predictions, strict=True):
        pred = set(predicted) & set(moves)
        g = ex.gold if gold is None else gold(ex)
        for m in moves:
            if m in pred and g == m:
                tp[m] += 1
            elif m in pred:
                fp[m] += 1
            elif g == m:
                fn[m] += 1
    per: dict[str, tuple[float, float, float]] = {}
    for m in moves:
        p = tp[m] / (tp[m] + fp[m]) if tp[m] + fp[m] else 0.0
        r = tp[m] / (tp[m] + fn[m]) if tp[m] + fn[m] else 0.0
        per[m] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return Scores(per, {m: tp[m] + fn[m] for m in moves})


@dataclass(frozen=True)
class Agreement:
    turns: int  # supporter turns whose (normalised) text occurs more than once in the file
    texts: int  # distinct such texts
    pairs: int  # pairs of turns with the same text
    agree: float  # share of those pairs that carry the same strategy label (8 strategies)
    agree4: float  # the same, on what eval-esconv compares: our four moves or "none of them"


def label_agreement(examples: list[Example]) -> Agreement:
    """How often ESConv gives the same label to the same words: a ceiling no text-only model can pass.

    Counts every pair of supporter turns whose normalised text is identical ("Hello how are you?"
    occurs dozens of times) and the share of pairs labelled alike.
    """
    groups: dict[str, list[Example]] = {}
    for ex in examples:
        groups.setdefault(" ".join(tokens(ex.text)), []).append(ex)
    turns = texts = pairs = same = same4 = 0
    for key, group in groups.items():
        if not key or len(group) < 2:
            continue
        texts += 1
        turns += len(group)
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pairs += 1
                same += a.strategy == b.strategy
                same4 += a.gold == b.gold
    return Agreement(turns, texts, pairs, same / pairs if pairs else 1.0, same4 / pairs if pairs else 1.0)


def format_agreement(a: Agreement) -> str:
    if not a.pairs:
        return "label agreement: no supporter text occurs twice in this file"
    return (f"label agreement: {a.turns} turns repeat another turn's exact words ({a.texts} distinct texts, {a.pairs} pairs); "
            f"such pairs carry the same strategy {a.agree:.0%} of the time "
            f"({a.agree4:.0%} on the four moves vs none)")


def format_scores(title: str, s: Scores) -> Iterator[str]:
    yield f"{title}"
    yield f"  {'move':<12} {'prec':>6} {'recall':>6} {'F1':>6} {'gold':>6}"
    for m, (p, r, f) in s.per_move.items():
        yield f"  {m:<12} {p:6.3f} {r:6.3f} {f:6.3f} {s.support[m]:6d}"
    yield f"  {'macro-F1':<12} {'':>6} {'':>6} {s.macro_f1:6.3f}"
