"""Train the ESConv move model: `python -m scoring train-esconv` (fixed seeds, reproducible).

scikit-learn is needed here only; the exported weights run with numpy alone.
"""
from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from scoring.esconv import (EVAL_MOVES, Example, baseline_moves, evaluate, format_scores, load_examples,
                            score_predictions)
from scoring.features import features_for

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data" / "esconv"
MIN_COUNT = 2
C = 0.5  # inverse regularisation, chosen by the CV below (values tried: 0.25, 0.5, 1, 2)
FOLDS = 5
SEED = 13


def _featurise(examples: list[Example]) -> list[list[str]]:
    return [features_for(ex.text, ex.context) for ex in examples]


def _fit(feats: list[list[str]], labels: list[str], c: float = C):
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for fs in feats for f in set(fs))
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = [], []
    for r, fs in enumerate(feats):
        for f in set(fs):
            if f in index:
                rows.append(r)
                cols.append(index[f])
    x = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(feats), len(vocab)))
    clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    clf.fit(x, labels)
    return vocab, clf


def _tune_thresholds(probs: np.ndarray, classes: list[str], gold: list[str]) -> dict[str, float]:
    """Per-move probability threshold that maximises F1 on out-of-fold predictions."""
    out = {}
    for m in EVAL_MOVES:
        j = classes.index(m)
        y = np.array([g == m for g in gold])
        best = (0.0, 0.5)
        for t in np.arange(0.15, 0.71, 0.025):
            pred = probs[:, j] >= t
            tp = float((pred & y).sum())
            p = tp / max(1, pred.sum())
            r = tp / max(1, y.sum())
            f = 2 * p * r / (p + r) if p + r else 0.0
            best = max(best, (f, float(t)))
        out[m] = round(best[1], 3)
    return out


def main(out_path: Path | None = None, data_dir: Path = DATA) -> int:
    from scoring import model

    out_path = out_path or model.WEIGHTS
    random.seed(SEED)
    np.random.seed(SEED)
    train = load_examples(data_dir / "train_rl.txt")
    feats = _featurise(train)
    labels = [ex.gold or "none" for ex in train]
    convs = sorted({ex.conv for ex in train})
    random.Random(SEED).shuffle(convs)
    fold_of = {c: i % FOLDS for i, c in enumerate(convs)}
    classes = sorted(set(labels))
    oof = np.zeros((len(train), len(classes)))
    print(f"train: {len(train)} supporter turns, {len(convs)} conversations; {FOLDS}-fold CV by conversation",
          file=sys.stderr)
    for k in range(FOLDS):
        tr = [i for i, ex in enumerate(train) if fold_of[ex.conv] != k]
        te = [i for i, ex in enumerate(train) if fold_of[ex.conv] == k]
        vocab, clf = _fit([feats[i] for i in tr], [labels[i] for i in tr])
        m = model.MoveModel.from_sklearn(vocab, clf, dict.fromkeys(EVAL_MOVES, 0.5))
        oof[te] = np.array([m.probabilities(feats[i]) for i in te])
    thresholds = _tune_thresholds(oof, classes, labels)
    vocab, clf = _fit(feats, labels)
    final = model.MoveModel.from_sklearn(vocab, clf, thresholds)
    final.save(out_path)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB, {len(vocab)} features); "
          f"thresholds {thresholds}")

    # CV figure of the full detector (model + rules), with thresholds from the same out-of-fold pass.
    oof_pred = {i: {m for m in EVAL_MOVES if oof[i, classes.index(m)] >= thresholds[m]} for i in range(len(train))}
    cv = score_predictions(train, [sorted(oof_pred[i]) for i in range(len(train))])
    for line in format_scores(f"{FOLDS}-fold CV on train (model only, out-of-fold)", cv):
        print(line)
    for line in format_scores("keyword baseline on train", evaluate(train, baseline_moves)):
        print(line)
    valid_path = data_dir / "valid_rl.txt"
    if valid_path.exists():
        from scoring.moves import detect_moves

        model.reload()
        valid = load_examples(valid_path)
        for line in format_scores("valid (detect_moves: model + rules)", evaluate(valid, detect_moves)):
            print(line)
        for line in format_scores("valid (keyword baseline)", evaluate(valid, baseline_moves)):
            print(line)
    return 0

