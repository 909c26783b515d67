"""Does a learned re-ranker choose the piece of the customer's story that answers a question better than
the hand rules (scoring/questions.py match_question)? Issue 8, point 3. Prints tables. Measured, not
wired: it does not beat the rules by the margin asked for (README, "Matching questions to the customer's story").

Run:   python experiments/answer_judge.py [--split file|scenario|both] [--lam L] [--cache /tmp/aj.pkl]
A new blind set, trained on all the others:  python experiments/answer_judge.py --test bench/NEW.yaml
Build weights (only if ever wired):          python experiments/answer_judge.py --build [--out FILE]

Data: every probe question of bench/probe_questions*.yaml (this project's own, hand-labelled files:
`{q, expect: [terms]}` or `expect: unknown`). A pair (question, piece) is positive when the piece's text
holds an expect term (the realism bench's answered_in_kind rule: at a word start, case-insensitive,
digits as written); an `unknown` question has no positive piece.

Metric (a proxy of the realism bench's (c), which plays the whole Director): the share of questions whose
chosen piece holds an expect term, or, for `unknown`, where no piece is chosen.

Methods, each choosing one piece or none:
  rules     match_question's top match, or none when it returns [].
  learned   the model over every piece (the rules' output is among its features): the best piece when
            it beats the "none" slot by the threshold, else none. So it may add a piece the rules dropped.
  rerank    the model over the rules' candidates only; none when the rules return none or the best
            candidate does not beat "none" by the threshold.
  reorder   the rules' candidates re-ordered by the model; never declines (the rules decide unknown).
  fill      the rules' top match when they return one; when they return none, the model's best piece
            if it beats "none" by the threshold (adds only what the rules dropped).

Model (experiments/answer_judge_model.py): features from the rules (returned, score, rank, margin), the
piece's kind vs the question's kind cues, answer type vs holds(piece, type), overlaps (keys, idf, thesaurus
pairs, numbers), and hashed crosses (question cues x piece kind / types held, question key x piece key);
a softmax over the question's pieces plus a "none" slot, L2-regularised, fitted with L-BFGS. (A pointwise
logistic regression on the same features did no better: 90.2% leave-one-file-out against the rules' 90.1%.)

Splits (the honest figures): leave-one-FILE-out (train on every other file) and leave-one-SCENARIO-out
(train on the other 7 scenarios: a new scenario a trainer writes). In each training set the threshold is
chosen on out-of-fold predictions (4 folds of its files or scenarios), never on the left-out part.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.scenario import load_dir  # noqa: E402
from core.text import holds_term  # noqa: E402
from experiments import answer_judge_model as aj  # noqa: E402
from scoring.questions import match_question  # noqa: E402

@dataclass
class Q:
    file: str
    scenario: str
    question: str
    expect: tuple[str, ...] | None
    keys: list[tuple[str, str]]        # every piece, in _index order
    labels: np.ndarray                 # 1 where the piece holds an expect term
    rules_top: tuple[str, str] | None
    returned: set
    rows: slice                        # this question's rows in the pair matrix
    cpu_rules: float = 0.0
    cpu_judge: float = 0.0


def probe_files() -> list[Path]:
    return sorted((ROOT / "bench").glob("probe_questions*.yaml"))


def build_pairs(files: list[Path]):
    """Every (question, piece) pair of every probe file: (questions, dense matrix, hashed sparse matrix, y)."""
    from scipy import sparse

    scenarios = load_dir(ROOT / "scenarios").scenarios
    qs: list[Q] = []
    dense, rows_h, cols_h, ys = [], [], [], []
    n = 0
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for sid, items in data.items():
            sc = scenarios[sid]
            for item in items or []:
                exp = None if item["expect"] == "unknown" else tuple(str(e) for e in item["expect"])
                q = str(item["q"])
                t0 = time.thread_time()
                matches = match_question(q, sc)
                t1 = time.thread_time()
                cands = aj.candidates(q, sc, matches)
                t2 = time.thread_time()
                keys = [(c.item["source"], c.item["key"]) for c in cands]
                lab = np.array([0 if exp is None else int(holds_term(c.item["text"], exp)) for c in cands])
                for i, c in enumerate(cands):
                    dense.append(c.dense)
                    rows_h.extend([n + i] * len(c.hashed))
                    cols_h.extend(c.hashed)
                ys.extend(lab.tolist())
                qs.append(Q(f.stem.replace("probe_questions", "") or "(main)", sid, q, exp, keys, lab,
                            (matches[0].source, matches[0].key) if matches else None,
                            {(m.source, m.key) for m in matches}, slice(n, n + len(cands)), t1 - t0, t2 - t1))
                n += len(cands)
    D = np.array(dense, dtype=np.float64)
    H = sparse.csr_matrix((np.ones(len(rows_h)), (rows_h, cols_h)), shape=(n, 1 << aj.HASH_BITS))
    return qs, D, H, np.array(ys)


def cached_pairs(files: list[Path], cache: str):
    """build_pairs, kept in a pickle keyed by the probe files' and the feature code's contents."""
    import hashlib
    import pickle

    if not cache:
        return build_pairs(files)
    h = hashlib.sha256()
    for f in [*files, ROOT / "experiments" / "answer_judge_model.py", ROOT / "scoring" / "questions.py"]:
        h.update(f.read_bytes())
    path = Path(cache)
    if path.exists():
        with path.open("rb") as fh:
            key, data = pickle.load(fh)
        if key == h.hexdigest():
            return data
    data = build_pairs(files)
    with path.open("wb") as fh:
        pickle.dump((h.hexdigest(), data), fh)
    return data


def design(D, H):
    from scipy import sparse

    return sparse.hstack([sparse.csr_matrix(D), H], format="csr")


def fit(qs: list[Q], X, D, idx: list[int], lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Listwise: per question a softmax over its pieces and a "none" slot (scored from the question-level
    features aj.NONE_COLS); the target is any positive piece, or "none" for an `unknown` question. L2 `lam`."""
    from scipy.optimize import minimize

    idx = [i for i in idx if qs[i].expect is None or qs[i].labels.any()]  # no piece can answer: no target
    rows = np.concatenate([np.arange(qs[i].rows.start, qs[i].rows.stop) for i in idx])
    Xs, ys = X[rows], np.concatenate([qs[i].labels for i in idx]).astype(float)
    lens = np.array([qs[i].rows.stop - qs[i].rows.start for i in idx])
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    seg = np.repeat(np.arange(len(idx)), lens)
    G = np.array([D[qs[i].rows.start, list(aj.NONE_COLS)] for i in idx])
    unk = np.array([qs[i].expect is None for i in idx])
    nf = X.shape[1]

    def f(theta):
        w, v = theta[:nf], theta[nf:]
        s, s0 = Xs @ w, G @ v
        m = np.maximum(np.maximum.reduceat(s, starts), s0)
        e, e0 = np.exp(s - m[seg]), np.exp(s0 - m)
        Z = np.add.reduceat(e, starts) + e0
        ep = e * ys
        Zp = np.where(unk, e0, np.add.reduceat(ep, starts))
        loss = np.sum(np.log(Z) - np.log(Zp + 1e-300))
        gs = e / Z[seg] - np.where(unk[seg], 0.0, ep / (Zp[seg] + 1e-300))
        g0 = e0 / Z - unk
        return loss + 0.5 * lam * (w @ w + v @ v), np.concatenate([Xs.T @ gs + lam * w, G.T @ g0 + lam * v])

    r = minimize(f, np.zeros(nf + len(aj.NONE_COLS)), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return r.x[:nf], r.x[nf:]


def right(q: Q, choice: tuple[str, str] | None) -> bool:
    if q.expect is None:
        return choice is None
    return choice is not None and bool(q.labels[q.keys.index(choice)])


METHODS = ("rules", "learned", "rerank", "reorder", "fill")
GRID = np.round(np.arange(-3.0, 3.01, 0.25), 2)


def pick(q: Q, s: np.ndarray, s0: float, method: str, t: float) -> tuple[str, str] | None:
    """The piece a method answers with: the best-scored candidate when it beats "none" by t."""
    if method == "rules" or method == "fill" and q.rules_top is not None:
        return q.rules_top
    idx = [i for i in range(len(q.keys)) if method in ("learned", "fill") or q.keys[i] in q.returned]
    if not idx:
        return None
    best = max(idx, key=lambda i: (s[i], -i))
    if method != "reorder" and s[best] - s0 < t:
        return None
    return q.keys[best]


def scored(qs, X, D, w, v, idx) -> dict[int, tuple[np.ndarray, float]]:
    return {i: (X[qs[i].rows] @ w, float(D[qs[i].rows.start, list(aj.NONE_COLS)] @ v)) for i in idx}


def best_threshold(qs: list[Q], sc: dict, method: str) -> float:
    res = [(sum(right(qs[i], pick(qs[i], *sc[i], method, t)) for i in sc), -abs(t), t) for t in GRID]
    return float(max(res)[2])


def train(qs, X, D, train_idx: list[int], group_of, lam: float, inner: int = 4):
    """Weights on the training questions, and a threshold per method chosen on out-of-fold scores
    (the training groups split into `inner` folds): the left-out part never picks it."""
    w, v = fit(qs, X, D, train_idx, lam)
    groups = sorted({group_of(qs[i]) for i in train_idx})
    oof: dict = {}
    for k in range(inner):
        hold = set(groups[k::inner])
        wk, vk = fit(qs, X, D, [i for i in train_idx if group_of(qs[i]) not in hold], lam)
        oof.update(scored(qs, X, D, wk, vk, [i for i in train_idx if group_of(qs[i]) in hold]))
    return w, v, {m: best_threshold(qs, oof, m) for m in ("learned", "rerank", "fill")} | {"reorder": 0.0, "rules": 0.0}


def evaluate(qs, X, D, split: str, lam: float):
    group_of = (lambda q: q.file) if split == "file" else (lambda q: q.scenario)
    groups = sorted({group_of(q) for q in qs}, key=lambda g: (g != "(main)", g))
    choice: dict[str, list] = {m: [None] * len(qs) for m in METHODS}
    thresholds = []
    for g in groups:
        test = [i for i, q in enumerate(qs) if group_of(q) == g]
        w, v, th = train(qs, X, D, [i for i, q in enumerate(qs) if group_of(q) != g], group_of, lam)
        thresholds.append(th)
        for i, (s, s0) in scored(qs, X, D, w, v, test).items():
            for m in METHODS:
                choice[m][i] = pick(qs[i], s, s0, m, th[m])
    return report_rows(qs, groups, group_of, choice), thresholds


def report_rows(qs, groups, group_of, choice):
    rows = []
    for g in groups + ["all"]:
        idx = [i for i, q in enumerate(qs) if g == "all" or group_of(q) == g]
        unk = [i for i in idx if qs[i].expect is None]
        row = [g, len(idx)]
        for m in METHODS:
            ok = sum(right(qs[i], choice[m][i]) for i in idx)
            ok_u = sum(right(qs[i], choice[m][i]) for i in unk)
            row.append(f"{100 * ok / len(idx):.1f}% ({ok_u}/{len(unk)})")
        rows.append(row)
    return rows


def table(headers, rows) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def build(qs, X, D, lam: float, out: Path, variant: str) -> None:
    w, v, th = train(qs, X, D, list(range(len(qs))), lambda q: q.file, lam)
    nd = len(aj.DENSE)
    aj.save(out, aj.Model(w[:nd], w[nd:], v, th[variant], variant), lam=lam,
            trained_on=sorted({q.file for q in qs}))
    print(f"wrote {out} ({variant}, threshold {th[variant]:+.2f}, lam={lam}, {len(qs)} questions)")


def cpu_per_question(qs: list[Q], model: aj.Model, runs: int = 3) -> tuple[float, float]:
    """Median thread CPU per question (ms): match_question alone, and the judge on top of it (features and
    scores, given the rules' matches), each the median over questions of the best of `runs` passes."""
    scenarios = load_dir(ROOT / "scenarios").scenarios
    rules, judge = [], []
    for q in qs:
        sc = scenarios[q.scenario]
        r = j = float("inf")
        for _ in range(runs):
            aj._question_view.cache_clear()
            t0 = time.thread_time_ns()
            matches = match_question(q.question, sc)
            t1 = time.thread_time_ns()
            aj.choose(q.question, sc, matches, model)
            t2 = time.thread_time_ns()
            r, j = min(r, t1 - t0), min(j, t2 - t1)
        rules.append(r / 1e6)
        judge.append(j / 1e6)
    return statistics.median(rules), statistics.median(judge)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("file", "scenario", "both"), default="both")
    ap.add_argument("--lam", type=float, default=3.0, help="L2 strength of the listwise model")
    ap.add_argument("--test", metavar="FILE", default="",
                    help="score one probe file (e.g. a new blind set) with a model trained on all the others")
    ap.add_argument("--build", action="store_true", help="train on every probe file and write the weights")
    ap.add_argument("--variant", choices=("learned", "rerank"), default="learned", help="what --build writes")
    ap.add_argument("--out", default=str(aj.MODEL_PATH))
    ap.add_argument("--cache", default="", metavar="FILE",
                    help="keep the pairs in this pickle (reused while the probe files and features are unchanged)")
    args = ap.parse_args(argv)

    files = probe_files()
    test_file = Path(args.test) if args.test else None
    if test_file is not None:
        if not test_file.exists():
            print(f"no such probe file: {test_file}", file=sys.stderr)
            return 2
        files = sorted({*files, test_file.resolve()})
    try:
        qs, D, H, y = cached_pairs(files, args.cache)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
        print(f"cannot read the probe files: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
              file=sys.stderr)
        return 2
    X = design(D, H)
    print(f"{len(files)} probe files, {len(qs)} questions, {len(y)} pairs ({int(y.sum())} positive)\n")
    if args.build:
        build(qs, X, D, args.lam, Path(args.out), args.variant)
        return 0
    if test_file is not None:
        name = test_file.stem.replace("probe_questions", "") or "(main)"
        test = [i for i, q in enumerate(qs) if q.file == name]
        w, v, th = train(qs, X, D, [i for i, q in enumerate(qs) if q.file != name], lambda q: q.file, args.lam)
        choice = {m: [None] * len(qs) for m in METHODS}
        for i, (s, s0) in scored(qs, X, D, w, v, test).items():
            for m in METHODS:
                choice[m][i] = pick(qs[i], s, s0, m, th[m])
        sub = [qs[i] for i in test]
        print(table(["file", "questions", *METHODS], report_rows(sub, [name], lambda q: q.file,
                                                                  {m: [choice[m][i] for i in test] for m in METHODS})))
        return 0
    for split in (("file", "scenario") if args.split == "both" else (args.split,)):
        rows, ths = evaluate(qs, X, D, split, args.lam)
        print(f"## leave-one-{split}-out (lam={args.lam}); cells: questions right (unknowns right / unknowns)\n")
        print(table([split, "questions", *METHODS], rows))
        for m in ("learned", "rerank", "fill"):
            vals = [t[m] for t in ths]
            print(f"threshold {m} (margin over 'none'): median {statistics.median(vals):+.2f} "
                  f"(range {min(vals):+.2f} to {max(vals):+.2f})")
        print()
    w, v, th = train(qs, X, D, list(range(len(qs))), lambda q: q.file, args.lam, inner=2)
    nd = len(aj.DENSE)
    r, j = cpu_per_question(qs, aj.Model(w[:nd], w[nd:], v, th["learned"], "learned"))
    print(f"median CPU per question: rules (match_question) {r:.2f} ms; the judge on top {j:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
