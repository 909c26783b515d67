"""AnnoMI (expert-labelled motivational-interviewing transcripts) as a check on move detection.

AnnoMI states no licence: it is used to measure and to guide design only; no shipped weights are
trained on it. Each therapist utterance is a trainee turn whose context is the transcript before it
(client = customer). A therapist `reflection` counts as found when the detector emits `paraphrase`
or `reflection`; a `question` when it emits `question`.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable

from core.errors import InputError
from core.files import read_capped
from scoring.esconv import Example, Scores, score_predictions

EVAL_MOVES = ("question", "reflection")
MAX_FILE_BYTES = 50_000_000
_NEEDED = ("transcript_id", "interlocutor", "utterance_text", "main_therapist_behaviour")
_ROLE = {"client": "customer", "therapist": "trainee"}


def load_examples(path) -> list[Example]:
    """Every therapist utterance in an AnnoMI-simple CSV, with the transcript before it as context."""
    from pathlib import Path

    p = Path(path)
    raw = read_capped(p, MAX_FILE_BYTES, "an AnnoMI file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text.", "Give AnnoMI-simple.csv (or a subset of its rows).") from None
    if "\x00" in text:
        raise InputError(f"{p} is not a CSV file (it holds NUL bytes).")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in _NEEDED if c not in (reader.fieldnames or [])]
    except csv.Error as e:
        raise InputError(f"{p} is not a readable CSV file ({e}).") from None
    if missing:
        raise InputError(f"{p} is not an AnnoMI CSV: no column {', '.join(repr(c) for c in missing)}.",
                         "Give AnnoMI-simple.csv (or a subset of its rows).")
    out: list[Example] = []
    contexts: dict[str, list[dict[str, str]]] = {}
    convs: dict[str, int] = {}
    try:
        for row in reader:
            role = _ROLE.get((row.get("interlocutor") or "").strip().lower())
            utterance = row.get("utterance_text") or ""
            if role is None:
                raise InputError(f"{p}, line {reader.line_num}: interlocutor must be 'client' or 'therapist', "
                                 f"not {(row.get('interlocutor') or '')[:40]!r}.")
            tid = str(row.get("transcript_id") or "")
            ctx = contexts.setdefault(tid, [])
            conv = convs.setdefault(tid, len(convs))
            if role == "trainee":
                label = (row.get("main_therapist_behaviour") or "").strip().lower()
                out.append(Example(utterance, tuple(ctx), label, conv))
            ctx.append({"role": role, "text": utterance})
    except csv.Error as e:
        raise InputError(f"{p}, line {reader.line_num}: not readable as CSV ({e}).") from None
    if not out:
        raise InputError(f"{p} holds no therapist utterances.", "Give AnnoMI-simple.csv (or a subset of its rows).")
    return out


def gold(ex: Example) -> str | None:
    return ex.strategy if ex.strategy in EVAL_MOVES else None


def as_mi(moves: list[str]) -> list[str]:
    """Our moves read as MI behaviours: paraphrase or reflection is an MI reflection."""
    out = []
    if "question" in moves:
        out.append("question")
    if "paraphrase" in moves or "reflection" in moves:
        out.append("reflection")
    return out


def evaluate(examples: list[Example], predict: Callable[[str, tuple], list[str]]) -> Scores:
    """Question/reflection P/R/F1 of `predict` (our move names) against the therapists' labels."""
    preds = [as_mi(predict(ex.text, ex.context)) for ex in examples]
    return score_predictions(examples, preds, EVAL_MOVES, gold)
