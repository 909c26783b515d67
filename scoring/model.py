"""The linear move model trained on ESConv, run with numpy only (weights in scoring/model/).

Opt-in: ESConv is CC BY-NC 4.0, so the model runs only with TALKDOWN_MOVE_MODEL=esconv; the default
move detection is the project's own rules (scoring/rules.py, scoring/moves.py).
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).resolve().parent / "model" / "esconv_moves.npz"


class MoveModel:
    """Multinomial logistic regression over string features: vocab -> row of weights per class.

    With `idf`, a turn's feature vector is tf-idf style: each present feature weighs its idf and the
    vector is L2-normalised (what the trainer fits); without it, features are plain 0/1.
    """

    def __init__(self, vocab: Sequence[str], weights: np.ndarray, bias: np.ndarray, classes: Sequence[str],
                 thresholds: dict[str, float], idf: np.ndarray | None = None) -> None:
        self.index = {f: i for i, f in enumerate(vocab)}
        self.weights = np.asarray(weights, dtype=np.float32)  # (n_features, n_classes)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.classes = list(classes)
        self.thresholds = dict(thresholds)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)

    @classmethod
    def from_sklearn(cls, vocab: Sequence[str], clf, thresholds: dict[str, float],
                     idf: np.ndarray | None = None) -> "MoveModel":
        coef = clf.coef_
        if coef.shape[0] == 1:  # binary problem: sklearn keeps one row
            coef = np.vstack([-coef, coef])
            intercept = np.array([-clf.intercept_[0], clf.intercept_[0]])
        else:
            intercept = clf.intercept_
        return cls(vocab, coef.T, intercept, [str(c) for c in clf.classes_], thresholds, idf)

    def probabilities(self, feats: Sequence[str]) -> np.ndarray:
        idx = [self.index[f] for f in set(feats) if f in self.index]
        if not idx:
            z = self.bias.copy()
        elif self.idf is None:
            z = self.bias + self.weights[idx].sum(axis=0)
        else:
            w = self.idf[idx]
            z = self.bias + (w @ self.weights[idx]) / float(np.sqrt(w @ w))
        z = np.exp(z - z.max())
        return z / z.sum()

    def predict(self, feats: Sequence[str]) -> list[str]:
        """Moves whose probability reaches their tuned threshold."""
        p = self.probabilities(feats)
        return [c for c, pc in zip(self.classes, p) if c in self.thresholds and pc >= self.thresholds[c]]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        names = sorted(self.index, key=self.index.__getitem__)
        th = [self.thresholds.get(c, -1.0) for c in self.classes]
        extra = {} if self.idf is None else {"idf": self.idf.astype(np.float16)}
        np.savez_compressed(path, vocab=np.array(names), weights=self.weights.astype(np.float16),
                            bias=self.bias, classes=np.array(self.classes), thresholds=np.array(th, dtype=np.float32),
                            **extra)

    @classmethod
    def load(cls, path: Path) -> "MoveModel":
        with np.load(path, allow_pickle=False) as z:
            classes = [str(c) for c in z["classes"]]
            th = {c: float(t) for c, t in zip(classes, z["thresholds"]) if t >= 0}
            idf = z["idf"].astype(np.float32) if "idf" in z.files else None
            return cls([str(v) for v in z["vocab"]], z["weights"].astype(np.float32), z["bias"], classes, th, idf)


_lock = threading.Lock()
_model: MoveModel | None = None
_loaded = False


def mode() -> str:
    """The configured move detection: "rules" (default) or "esconv" (TALKDOWN_MOVE_MODEL=esconv)."""
    from core.settings import get_settings

    return get_settings().move_model


def get_model() -> MoveModel | None:
    """The ESConv model when TALKDOWN_MOVE_MODEL=esconv (loaded once per process), else None (rules only).

    None too when the weights file is absent; `use()` installs a model whatever the setting.
    """
    global _model, _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                _model = MoveModel.load(WEIGHTS) if mode() == "esconv" and WEIGHTS.exists() else None
                _loaded = True
    return _model


def reload() -> None:
    global _loaded
    with _lock:
        _loaded = False


def use(m: MoveModel | None) -> None:
    """Install `m` as the process's model (cross-validation runs detect_moves with fold models)."""
    global _model, _loaded
    with _lock:
        _model, _loaded = m, True
