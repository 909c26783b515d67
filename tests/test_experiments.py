"""The parts of experiments/esconv_finetune.py that its figures rest on (no torch needed here)."""
import importlib.util
import json
from pathlib import Path

import numpy as np

from scoring.esconv import Example

_spec = importlib.util.spec_from_file_location(
    "esconv_finetune", Path(__file__).resolve().parent.parent / "experiments" / "esconv_finetune.py")
exp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exp)

CLASSES = ["Affirmation and Reassurance", "Others", "Question", "Reflection of feelings",
           "Restatement or Paraphrasing"]


def _ex(strategy: str) -> Example:
    return Example("text", (), strategy, 1)


def test_f1_by_argmax_counts_each_turn_once():
    test = [_ex("Question"), _ex("Question"), _ex("Others"), _ex("Reflection of feelings")]
    probs = np.zeros((4, len(CLASSES)))
    probs[0, 2] = probs[1, 1] = probs[2, 2] = probs[3, 3] = 1.0  # one question hit, one miss, one false alarm
    question, paraphrase, reflection, affirmation = exp.f1_table(test, probs, CLASSES, tuned=False)
    assert question == 0.5 and reflection == 1.0 and paraphrase == 0.0 and affirmation == 0.0


def test_tuned_thresholds_can_only_raise_f1():
    rng = np.random.default_rng(0)
    test = [_ex(CLASSES[i % len(CLASSES)]) for i in range(200)]
    probs = rng.dirichlet(np.ones(len(CLASSES)), size=200)
    plain = exp.f1_table(test, probs, CLASSES, tuned=False)
    tuned = exp.f1_table(test, probs, CLASSES, tuned=True)
    assert all(t >= p for t, p in zip(tuned, plain)) and sum(tuned) > sum(plain)


def test_dev_split_holds_out_whole_conversations(tmp_path):
    lines = []
    for n in range(10):
        lines.append(json.dumps({"dialog": [{"speaker": "usr", "text": f"problem {n}", "rating": None},
                                            {"speaker": "sys", "text": "How long?", "strategy": "Question"},
                                            {"speaker": "sys", "text": "I see.", "strategy": "Others"}]}))
    (tmp_path / "train_rl.txt").write_text("\n".join(lines))
    train, held = exp.split(tmp_path, "dev", seed=1)
    assert len(held) == 4 and len(train) == 16
    assert not {ex.conv for ex in train} & {ex.conv for ex in held}
    assert exp.split(tmp_path, "dev", seed=1)[1] == held  # the same seed, the same split
