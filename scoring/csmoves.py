"""The project's own labelled customer-service moves (data/cs_moves/): loading, checking, evaluation.

The set is written for Talkdown and is the project's own (see data/cs_moves/LICENSE.md), so the
model trained on it (`python -m scoring train-cs`) may be used commercially. Each row is one agent
turn with the customer line before it: {"id", "batch", "domain", "context", "text", "moves", "split"}.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError
from core.files import read_capped

DATA = Path(__file__).resolve().parent.parent / "data" / "cs_moves" / "cs_moves.jsonl"
MAX_FILE_BYTES = 20_000_000
MIN_PER_MOVE = 60
SPLITS = ("train", "test")


def _moves() -> tuple[str, ...]:
    from scoring.moves import MOVES

    return MOVES


@dataclass(frozen=True)
class Turn:
    id: str
    batch: str
    domain: str
    context: str
    text: str
    moves: tuple[str, ...]
    split: str

    @property
    def history(self) -> tuple[dict[str, str], ...]:
        """The context as detect_moves takes it: the customer's line before the turn."""
        return ({"role": "customer", "text": self.context},)


def normalised(text: str) -> str:
    """What counts as the same text when de-duplicating: lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def load(path: str | Path = DATA, split: str | None = None) -> list[Turn]:
    """The turns of a cs_moves JSON-lines file (one split, or all); bad rows raise InputError naming the line."""
    p = Path(path)
    raw = read_capped(p, MAX_FILE_BYTES, "a cs_moves file")
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text.") from None
    known = set(_moves())
    out: list[Turn] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            moves = tuple(str(m) for m in row["moves"])
            turn = Turn(str(row["id"]), str(row.get("batch", "")), str(row["domain"]), str(row["context"]),
                        str(row["text"]), moves, str(row.get("split", "train")))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{p}, line {n}: not a cs_moves row ({e.__class__.__name__}: {e}).") from None
        unknown = [m for m in moves if m not in known]
        if not moves or unknown:
            raise InputError(f"{p}, line {n}: moves must be one or more of {', '.join(sorted(known))}"
                             + (f", not {', '.join(map(repr, unknown))}." if unknown else " (none given)."))
        if turn.split not in SPLITS:
            raise InputError(f"{p}, line {n}: split must be 'train' or 'test', not {turn.split!r}.")
        if not turn.text.strip() or not turn.context.strip():
            raise InputError(f"{p}, line {n}: empty text or context.")
        if split is None or turn.split == split:
            out.append(turn)
    if not out:
        raise InputError(f"{p} holds no turns" + (f" in the {split} split." if split else "."))
    return out


def problems(turns: list[Turn]) -> list[str]:
    """What makes the set unfit to train on: duplicate texts, moves with too few examples, ids reused."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for t in turns:
        k = normalised(t.text)
        if k in seen:
            out.append(f"{t.id}: same text as {seen[k]}: {t.text!r}")
        else:
            seen[k] = t.id
    ids = Counter(t.id for t in turns)
    out += [f"id {i} used {n} times" for i, n in ids.items() if n > 1]
    per = Counter(m for t in turns for m in t.moves)
    out += [f"{m}: {per[m]} examples (needs {MIN_PER_MOVE})" for m in _moves() if per[m] < MIN_PER_MOVE]
    return out


@dataclass
class MultiScores:
    per_move: dict[str, tuple[float, float, float]]
    support: dict[str, int]

    def macro_f1(self, moves: tuple[str, ...] | None = None) -> float:
        ms = moves or tuple(self.per_move)
        return sum(self.per_move[m][2] for m in ms) / len(ms)


def score(turns: list[Turn], predictions: list[list[str]], moves: tuple[str, ...] | None = None) -> MultiScores:
    """Per-move P/R/F1 where a turn may carry several gold moves and several predicted ones."""
    moves = moves or _moves()
    tp, fp, fn = Counter(), Counter(), Counter()
    for t, pred in zip(turns, predictions, strict=True):
        g, p = set(t.moves), set(pred)
        for m in moves:
            if m in p and m in g:
                tp[m] += 1
            elif m in p:
                fp[m] += 1
            elif m in g:
                fn[m] += 1
    per = {}
    for m in moves:
        pr = tp[m] / (tp[m] + fp[m]) if tp[m] + fp[m] else 0.0
        rc = tp[m] / (tp[m] + fn[m]) if tp[m] + fn[m] else 0.0
        per[m] = (pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    return MultiScores(per, {m: tp[m] + fn[m] for m in moves})


def evaluate(turns: list[Turn], predict: Callable[[str, tuple], list[str]],
             moves: tuple[str, ...] | None = None) -> MultiScores:
    return score(turns, [predict(t.text, t.history) for t in turns], moves)


def format_scores(title: str, s: MultiScores) -> Iterator[str]:
    yield title
    yield f"  {'move':<16} {'prec':>6} {'recall':>6} {'F1':>6} {'gold':>6}"
    for m, (p, r, f) in s.per_move.items():
        yield f"  {m:<16} {p:6.3f} {r:6.3f} {f:6.3f} {s.support[m]:6d}"
    yield f"  {'macro-F1':<16} {'':>6} {'':>6} {s.macro_f1():6.3f}"
