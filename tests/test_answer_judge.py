"""The learned answer judge (experiments/answer_judge_model.py, experiments/answer_judge.py): its features,
the "I don't know" threshold, the weights round trip, and that its output is deterministic. Measured,
not wired into match_question (README, "Matching questions to the customer's story")."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.scenario import load_dir
from experiments import answer_judge as bench
from experiments import answer_judge_model as aj
from scoring.questions import match_question

ROOT = Path(__file__).resolve().parent.parent
BANK = "bank-double-charge-rent"


@pytest.fixture(scope="module")
def scenario():
    return load_dir(ROOT / "scenarios").scenarios[BANK]


def _feat(c: aj.Candidate, name: str) -> float:
    return c.dense[aj.DENSE.index(name)]


def _by_key(cands, key):
    return next(c for c in cands if c.item["key"] == key)


def test_features_read_the_rules_and_the_piece(scenario):
    q = "Could you give me your account number?"
    matches = match_question(q, scenario)
    cands = aj.candidates(q, scenario, matches)
    assert len(cands) == len(scenario.facts) + len(scenario.knows)  # every piece, not only the rules' ones
    top = _by_key(cands, matches[0].key)
    assert _feat(top, "returned") == 1.0 and _feat(top, "top") == 1.0 and _feat(top, "score") > 0
    assert _feat(top, "kind_lead") == 1.0  # a reference piece for a reference question
    dropped = [c for c in cands if (c.item["source"], c.item["key"]) not in {(m.source, m.key) for m in matches}]
    assert dropped and all(_feat(c, "returned") == 0.0 and _feat(c, "score") == 0.0 for c in dropped)
    assert all(c.hashed and max(c.hashed) < 1 << aj.HASH_BITS for c in cands)


def test_answer_type_against_what_a_piece_holds(scenario):
    cands = aj.candidates("How much was the payment?", scenario, None)
    amount = _by_key(cands, "amount")   # "It's £212.40, and it shows up twice"
    card = _by_key(cands, "card")       # "I still have the card. I only used it once"
    assert _feat(amount, "holds_type") == 1.0 and _feat(amount, "hard_fail") == 0.0
    assert _feat(card, "holds_type") == 0.0 and _feat(card, "hard_fail") == 1.0


def test_nothing_returned_is_a_feature_of_every_piece(scenario):
    cands = aj.candidates("What colour is your car?", scenario, [])
    assert cands and all(_feat(c, "none_returned") == 1.0 and _feat(c, "returned") == 0.0 for c in cands)


def _model(w_returned: float, threshold: float, variant: str = "learned") -> aj.Model:
    w = np.zeros(len(aj.DENSE))
    w[aj.DENSE.index("returned")] = w_returned
    w[aj.DENSE.index("score")] = 0.1 * np.sign(w_returned)
    return aj.Model(w, np.zeros(1 << aj.HASH_BITS), np.zeros(len(aj.NONE_COLS)), threshold, variant)


def test_threshold_decides_unknown(scenario):
    q = "What is your account number?"
    matches = match_question(q, scenario)
    item, margin = aj.choose(q, scenario, matches, _model(2.0, 1.0))
    assert item is not None and item["key"] == matches[0].key and margin > 1.0
    item, margin2 = aj.choose(q, scenario, matches, _model(2.0, margin + 0.01))
    assert item is None and margin2 == pytest.approx(margin)  # the same best piece, below the threshold: "I don't know"


def test_rerank_keeps_to_the_rules_candidates(scenario):
    q = "What is your account number?"
    matches = match_question(q, scenario)
    returned = {m.key for m in matches}
    anti = _model(-2.0, -10.0)  # prefers pieces the rules did NOT return
    learned, _ = aj.choose(q, scenario, matches, anti)
    assert learned is not None and learned["key"] not in returned
    rerank, _ = aj.choose(q, scenario, matches, aj.Model(anti.w_dense, anti.w_hash, anti.v_none, -10.0, "rerank"))
    assert rerank is not None and rerank["key"] in returned
    none, _ = aj.choose("What colour is your car?", scenario, [],
                        aj.Model(anti.w_dense, anti.w_hash, anti.v_none, -10.0, "rerank"))
    assert none is None  # the rules found nothing: a re-ranker has nothing to re-rank


def test_weights_round_trip(tmp_path, scenario):
    rng = np.random.default_rng(0)
    m = aj.Model(rng.normal(size=len(aj.DENSE)), rng.normal(size=1 << aj.HASH_BITS),
                 rng.normal(size=len(aj.NONE_COLS)), 0.25, "learned")
    path = tmp_path / "judge.npz"
    aj.save(path, m, lam=3.0)
    back = aj.load(path)
    assert back.variant == "learned" and back.threshold == 0.25
    assert np.allclose(back.w_dense, m.w_dense, atol=1e-6) and np.allclose(back.w_hash, m.w_hash, atol=1e-6)
    q = "When did you notice the second payment?"
    matches = match_question(q, scenario)
    a, ma = aj.choose(q, scenario, matches, m)
    b, mb = aj.choose(q, scenario, matches, back)
    assert (a or {}).get("key") == (b or {}).get("key") and ma == pytest.approx(mb, abs=1e-3)


def test_weights_for_other_features_are_refused(tmp_path):
    path = tmp_path / "old.npz"
    np.savez(path, dense_names=np.array(aj.DENSE[:-1]), hash_bits=np.array(aj.HASH_BITS), w_dense=np.zeros(1),
             w_hash=np.zeros(1), v_none=np.zeros(1), threshold=np.array(0.0), variant=np.array("learned"))
    with pytest.raises(ValueError, match="rebuild"):
        aj.load(path)


_HASHES = ("from experiments import answer_judge_model as aj; from core.scenario import load_dir; "
           "sc = load_dir('scenarios').scenarios['bank-double-charge-rent']; "
           "print([c.hashed for c in aj.candidates('Which shop was it?', sc)][:3])")


def test_hashed_features_do_not_depend_on_the_process():
    out = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out.add(subprocess.run([sys.executable, "-c", _HASHES], cwd=ROOT, env=env, capture_output=True,
                               text=True, check=True).stdout)
    assert len(out) == 1


@pytest.fixture(scope="module")
def main_pairs():
    return bench.build_pairs([ROOT / "bench" / "probe_questions.yaml"])


def test_labels_follow_the_answered_in_kind_rule(main_pairs):
    qs, D, H, y = main_pairs
    assert D.shape[0] == H.shape[0] == len(y) == sum(q.rows.stop - q.rows.start for q in qs)
    assert all(not q.labels.any() for q in qs if q.expect is None)  # unknown: no positive piece
    assert bench.holds_term("It's £212.40", ("212.40",)) and not bench.holds_term("it's 19", ("9",))


def test_training_is_deterministic_and_learns(main_pairs):
    qs, D, H, y = main_pairs
    X = bench.design(D, H)
    idx = list(range(len(qs)))
    w1, v1 = bench.fit(qs, X, D, idx, 3.0)
    w2, v2 = bench.fit(qs, X, D, idx, 3.0)
    assert np.array_equal(w1, w2) and np.array_equal(v1, v2)
    sc = bench.scored(qs, X, D, w1, v1, idx)
    t = bench.best_threshold(qs, sc, "learned")
    fitted = sum(bench.right(q, bench.pick(q, *sc[i], "learned", t)) for i, q in enumerate(qs))
    untrained = sum(bench.right(q, bench.pick(q, np.zeros(len(q.keys)), 0.0, "learned", 0.0)) for q in qs)
    assert fitted > untrained + len(qs) // 2  # on its own training questions it picks far better than no model


def test_a_missing_test_file_is_one_line(capsys):
    assert bench.main(["--test", str(ROOT / "bench" / "no_such_probes.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such probe file" in err
