"""Train the ESConv move model: `python -m scoring train-esconv` (fixed seeds, reproducible).

scikit-learn is needed here only; the exported weights run with numpy alone.

The model is a multinomial logistic regression over all 8 ESConv strategies (the four moves we
report plus Others, Self-disclosure, Providing Suggestions and Information, so that "not one of the
four" is not one incoherent class), on tf-idf weighted, L2-normalised string features. Every choice
here was made on 5-fold cross-validation grouped by conversation on the train split only; the
valid split is for `python -m scoring eval-esconv`, not for tuning.
"""
from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from scoring.esconv import (EVAL_MOVES, Example, Scores, baseline_moves, evaluate, format_scores, load_examples,
                            score_predictions)
from scoring.features import features_for

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data" / "esconv"
MIN_COUNT = 2
C = 2.0  # inverse regularisation, chosen by grouped CV (tf-idf features; tried 0.5, 1, 2, 3, 5, 10)
FOLDS = 5
SEED = 13


def _featurise(examples: list[Example]) -> list[list[str]]:
    return [features_for(ex.text, ex.context) for ex in examples]


def label_of(ex: Example) -> str:
    """The training target: our move name for the four, else the ESConv strategy itself."""
    return ex.gold or ex.strategy or "Others"


def _fit(feats: list[list[str]], labels: list[str], c: float = C, weights: list[float] | None = None):
    """(vocab, fitted classifier, idf) on tf-idf weighted, L2-normalised features; `weights`: per-row sample
    weights (the multi-move rows of the CS set)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for fs in feats for f in set(fs))
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    df = np.array([counts[f] for f in vocab], dtype=np.float64)
    idf = np.log((1 + len(feats)) / (1 + df)) + 1
    if weights is None:
        idf = idf.astype(np.float32)  # the ESConv model was trained through float32 (kept: same weights)
    # Round idf as the saved model will (float16) so training and inference see the same vectors.
    idf = idf.astype(np.float16).astype(np.float32)
    rows, cols, vals = [], [], []
    for r, fs in enumerate(feats):
        present = sorted({index[f] for f in fs if f in index})
        if not present:
            continue
        w = idf[present]
        w = w / np.sqrt(w @ w)
        rows += [r] * len(present)
        cols += present
        vals += w.tolist()
    x = csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(feats), len(vocab)))
    clf = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    clf.fit(x, labels, sample_weight=None if weights is None else np.array(weights))
    return vocab, clf, idf


def _tune_thresholds(probs: np.ndarray, classes: list[str], gold: list[str | None]) -> dict[str, float]:
    """Per-move probability threshold that maximises F1 on out-of-fold predictions."""
    out = {}
    for m in EVAL_MOVES:
        j = classes.index(m)
        y = np.array([g == m for g in gold])
        best = (0.0, 0.5)
        for t in np.arange(0.1, 0.71, 0.025):
            pred = probs[:, j] >= t
            tp = float((pred & y).sum())
            p = tp / max(1, pred.sum())
            r = tp / max(1, y.sum())
            f = 2 * p * r / (p + r) if p + r else 0.0
            best = max(best, (f, float(t)))
        out[m] = round(best[1], 3)
    return out


def cross_validate(train: list[Example], feats: list[list[str]] | None = None, c: float = C):
    """Grouped (by conversation) K-fold CV.

    Returns (fold of each example, out-of-fold probabilities, classes, one fitted model per fold).
    """
    from scoring import model

    feats = feats if feats is not None else _featurise(train)
    labels = [label_of(ex) for ex in train]
    convs = sorted({ex.conv for ex in train})
    random.Random(SEED).shuffle(convs)
    fold_of = {cv: i % FOLDS for i, cv in enumerate(convs)}
    fold = np.array([fold_of[ex.conv] for ex in train])
    classes = sorted(set(labels))
    oof = np.zeros((len(train), len(classes)))
    models = []
    for k in range(FOLDS):
        tr = np.where(fold != k)[0]
        te = np.where(fold == k)[0]
        vocab, clf, idf = _fit([feats[i] for i in tr], [labels[i] for i in tr], c)
        m = model.MoveModel.from_sklearn(vocab, clf, dict.fromkeys(EVAL_MOVES, 0.5), idf)
        assert m.classes == classes
        oof[te] = np.array([m.probabilities(feats[i]) for i in te])
        models.append(m)
    return fold, oof, classes, models


def nested_scores(train: list[Example], fold: np.ndarray, oof: np.ndarray, classes: list[str], models: list,
                  predict=None) -> tuple[Scores, Scores]:
    """(model-only, full detector) CV scores; fold k's thresholds are tuned on the other folds only.

    predict(text, context) defaults to scoring.moves.detect_moves, run with fold k's model installed.
    """
    from scoring import model

    if predict is None:
        from scoring.moves import detect_moves as predict
    gold = [ex.gold for ex in train]
    only: list[list[str]] = [[] for _ in train]
    full: list[list[str]] = [[] for _ in train]
    try:
        for k, m in enumerate(models):
            others = np.where(fold != k)[0]
            th = _tune_thresholds(oof[others], classes, [gold[i] for i in others])
            m.thresholds = th
            model.use(m)
            for i in np.where(fold == k)[0]:
                only[i] = [mv for mv in EVAL_MOVES if oof[i, classes.index(mv)] >= th[mv]]
                full[i] = predict(train[i].text, train[i].context)
    finally:
        model.reload()
    return score_predictions(train, only), score_predictions(train, full)


def main(out_path: Path | None = None, data_dir: Path = DATA) -> int:
    from scoring import model

    out_path = out_path or model.WEIGHTS
    random.seed(SEED)
    np.random.seed(SEED)
    train = load_examples(data_dir / "train_rl.txt")
    feats = _featurise(train)
    print(f"train: {len(train)} supporter turns, {len({ex.conv for ex in train})} conversations; "
          f"{FOLDS}-fold CV by conversation", file=sys.stderr)
    fold, oof, classes, models = cross_validate(train, feats)
    thresholds = _tune_thresholds(oof, classes, [ex.gold for ex in train])
    vocab, clf, idf = _fit(feats, [label_of(ex) for ex in train])
    final = model.MoveModel.from_sklearn(vocab, clf, thresholds, idf)
    final.save(out_path)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB, {len(vocab)} features, "
          f"{len(classes)} classes); thresholds {thresholds}")

    only, full = nested_scores(train, fold, oof, classes, models)
    for line in format_scores(f"{FOLDS}-fold CV on train, model only (thresholds tuned on the other folds)", only):
        print(line)
    for line in format_scores(f"{FOLDS}-fold CV on train, detect_moves = model + rules (same protocol)", full):
        print(line)
    for line in format_scores("keyword baseline on train", evaluate(train, baseline_moves)):
        print(line)
    print(f"held-out figures: python -m scoring eval-esconv {data_dir / 'valid_rl.txt'}")
    return 0


# --- The customer-service move model: trained on the project's own set (data/cs_moves/), fit for
# commercial use. `python -m scoring train-cs` (fixed seeds, a few seconds).
CS_WEIGHTS_NAME = "cs_moves.npz"


def cs_examples(turns) -> tuple[list[list[str]], list[str], list[float], list[int]]:
    """(features, label, weight, turn index) rows: a turn with k moves gives k rows of weight 1/k."""
    feats, labels, weights, owner = [], [], [], []
    for i, t in enumerate(turns):
        f = features_for(t.text, t.history)
        for m in t.moves:
            feats.append(f)
            labels.append(m)
            weights.append(1.0 / len(t.moves))
            owner.append(i)
    return feats, labels, weights, owner


def _tune_multi(probs: np.ndarray, classes: list[str], gold: list[set[str]], moves) -> dict[str, float]:
    """Per-move threshold maximising F1 where a turn may carry several gold moves."""
    out = {}
    for m in moves:
        j = classes.index(m)
        y = np.array([m in g for g in gold])
        best = (0.0, 0.5)
        for t in np.arange(0.05, 0.71, 0.025):
            pred = probs[:, j] >= t
            tp = float((pred & y).sum())
            p = tp / max(1, pred.sum())
            r = tp / max(1, y.sum())
            f = 2 * p * r / (p + r) if p + r else 0.0
            best = max(best, (f, float(t)))
        out[m] = round(best[1], 3)
    return out


CS_C = 2.0  # chosen by leave-one-domain-out CV on the CS train split (tried 0.5, 1, 2, 4, 8)


def cs_cross_validate(turns, c: float = CS_C):
    """Leave-one-domain-out CV on the train split: (out-of-fold probabilities per turn, classes, fold models, folds)."""
    from scoring import model

    feats = [features_for(t.text, t.history) for t in turns]
    domains = sorted({t.domain for t in turns})
    classes = sorted({m for t in turns for m in t.moves})
    oof = np.zeros((len(turns), len(classes)))
    models, folds = [], []
    for d in domains:
        tr = [i for i, t in enumerate(turns) if t.domain != d]
        te = [i for i, t in enumerate(turns) if t.domain == d]
        f, lab, w, _ = cs_examples([turns[i] for i in tr])
        vocab, clf, idf = _fit(f, lab, c, weights=w)
        m = model.MoveModel.from_sklearn(vocab, clf, {}, idf, combine="add")
        assert m.classes == classes, (m.classes, classes)
        for i in te:
            oof[i] = m.probabilities(feats[i])
        models.append(m)
        folds.append(te)
    return oof, classes, models, folds


def main_cs(out_path: Path | None = None, data_path: Path | None = None) -> int:
    from scoring import csmoves, model
    from scoring.moves import MODEL_MOVES, detect_moves

    out_path = out_path or model.CS_WEIGHTS
    random.seed(SEED)
    np.random.seed(SEED)
    turns = csmoves.load(data_path or csmoves.DATA, split="train")
    print(f"cs train: {len(turns)} agent turns, {len({t.domain for t in turns})} domains; "
          "leave-one-domain-out CV", file=sys.stderr)
    oof, classes, models, folds = cs_cross_validate(turns)
    gold = [set(t.moves) for t in turns]
    thresholds = _tune_multi(oof, classes, gold, MODEL_MOVES)
    f, lab, w, _ = cs_examples(turns)
    vocab, clf, idf = _fit(f, lab, CS_C, weights=w)
    final = model.MoveModel.from_sklearn(vocab, clf, thresholds, idf, combine="add")
    final.save(out_path)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB, {len(vocab)} features, "
          f"{len(classes)} classes); thresholds {thresholds}")
    # The full detector (rules + fold model) on each held-out domain, thresholds tuned on the other domains.
    full: list[list[str]] = [[] for _ in turns]
    try:
        for m, te in zip(models, folds):
            others = [i for i in range(len(turns)) if i not in set(te)]
            m.thresholds = _tune_multi(oof[others], classes, [gold[i] for i in others], MODEL_MOVES)
            model.use(m)
            for i in te:
                full[i] = detect_moves(turns[i].text, turns[i].history)
    finally:
        model.reload()
    model.use(None)
    try:
        rules_only = [detect_moves(t.text, t.history) for t in turns]
    finally:
        model.reload()
    for title, preds in (("leave-one-domain-out CV on train, detect_moves = cs model + rules", full),
                         ("rules only on train", rules_only)):
        s = csmoves.score(turns, preds)
        for line in csmoves.format_scores(title, s):
            print(line)
        print(f"  macro-F1 over {', '.join(MODEL_MOVES)}: {s.macro_f1(MODEL_MOVES):.3f}")
    print("held-out figures: python -m scoring eval-cs (the test split), and python bench/scoring.py --moves")
    return 0
