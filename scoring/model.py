"""The linear move models, run with numpy only (weights in scoring/model/).

TALKDOWN_MOVE_MODEL picks the move detection: `rules` (the default: the project's own rules, no
weights), `cs` (the rules plus the model trained on the project's own customer-service set,
data/cs_moves/; fit for commercial use too) or `esconv` (the rules plus the model trained on ESConv,
CC BY-NC 4.0: non-commercial use only, so opt-in).
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import TalkdownError

WEIGHTS = Path(__file__).resolve().parent / "model" / "esconv_moves.npz"
# The model trained on the project's own customer-service set (data/cs_moves/): fit for commercial use.
CS_WEIGHTS = Path(__file__).resolve().parent / "model" / "cs_moves.npz"


class MoveModel:
    """Multinomial logistic regression over string features: vocab -> row of weights per class.

    With `idf`, a turn's feature vector is tf-idf style: each present feature weighs its idf and the
    vector is L2-normalised (what the trainer fits); without it, features are plain 0/1.
    """

    def __init__(self, vocab: Sequence[str], weights: np.ndarray, bias: np.ndarray, classes: Sequence[str],
                 thresholds: dict[str, float], idf: np.ndarray | None = None, combine: str = "veto") -> None:
        self.index = {f: i for i, f in enumerate(vocab)}
        self.weights = np.asarray(weights, dtype=np.float32)  # (n_features, n_classes)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.classes = list(classes)
        self.thresholds = dict(thresholds)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)
        # How scoring.moves combines the model with the rules: "veto" (the ESConv model: it may drop a
        # rule's hit it gives too little) or "add" (the CS model: it only adds moves it is sure of).
        if combine not in COMBINE:
            raise ValueError(f"combine must be one of {COMBINE}, not {combine!r}")
        self.combine = combine

    @classmethod
    def from_sklearn(cls, vocab: Sequence[str], clf, thresholds: dict[str, float],
                     idf: np.ndarray | None = None, combine: str = "veto") -> "MoveModel":
        coef = clf.coef_
        if coef.shape[0] == 1:  # binary problem: sklearn keeps one row
            coef = np.vstack([-coef, coef])
            intercept = np.array([-clf.intercept_[0], clf.intercept_[0]])
        else:
            intercept = clf.intercept_
        return cls(vocab, coef.T, intercept, [str(c) for c in clf.classes_], thresholds, idf, combine)

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
                            combine=np.array(self.combine), **extra)

    @classmethod
    def load(cls, path: Path) -> "MoveModel":
        with np.load(path, allow_pickle=False) as z:
            classes = [str(c) for c in z["classes"]]
            th = {c: float(t) for c, t in zip(classes, z["thresholds"]) if t >= 0}
            idf = z["idf"].astype(np.float32) if "idf" in z.files else None
            combine = str(z["combine"]) if "combine" in z.files else "veto"
            return cls([str(v) for v in z["vocab"]], z["weights"].astype(np.float32), z["bias"], classes, th, idf,
                       combine)


_lock = threading.Lock()
_model: MoveModel | None = None
_loaded = False


def mode() -> str:
    """The configured move detection: "rules" (default), "cs" or "esconv" (TALKDOWN_MOVE_MODEL).

    A value that is none of these raises ConfigError with a one-line message, not pydantic's report.
    """
    from pydantic import ValidationError

    from core.settings import get_settings

    try:
        return get_settings().move_model
    except ValidationError as e:
        if any(err.get("loc", ())[:1] == ("move_model",) for err in e.errors()):
            raise ConfigError(f"TALKDOWN_MOVE_MODEL must be one of {', '.join(MODES)}, not "
                              f"{_given(e)!r}.", "rules is the default; cs adds the project's own model; esconv's is non-commercial.") from None
        raise


MODES = ("rules", "cs", "esconv")
COMBINE = ("veto", "add")
_FILES = {"esconv": WEIGHTS, "cs": CS_WEIGHTS}


def _given(e) -> str:
    for err in e.errors():
        if err.get("loc", ())[:1] == ("move_model",):
            return str(err.get("input", ""))[:40]
    return ""


class ConfigError(TalkdownError):
    """A setting with a value the engine does not know."""


def weights_for(name: str) -> Path | None:
    """The weights file of a mode ("cs", "esconv"); None for "rules"."""
    return _FILES.get(name)


def get_model() -> MoveModel | None:
    """The configured mode's model (loaded once per process), or None in the rules mode.

    None too when the weights file is absent; `use()` installs a model whatever the setting.
    """
    global _model, _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                path = weights_for(mode())
                _model = MoveModel.load(path) if path is not None and path.exists() else None
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
