"""The `moves` command: one JSON object per line in, one per line out; a bad line never stops the run."""
from __future__ import annotations

import json
from typing import IO

from core.transcript import MAX_TURN_CHARS
from scoring.moves import detect_moves

_ROLES = ("customer", "trainee")


def _check_context(ctx: object) -> list[dict[str, str]]:
    if ctx is None:
        return []
    if not isinstance(ctx, list):
        raise ValueError("'context' must be a list of {role, text} objects")
    out = []
    for i, t in enumerate(ctx):
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise ValueError(f"context[{i}] must be an object with a string 'text'")
        if t.get("role") not in _ROLES:
            raise ValueError(f"context[{i}].role must be 'customer' or 'trainee', not {t.get('role')!r}")
        if len(t["text"]) > MAX_TURN_CHARS:
            raise ValueError(f"context[{i}].text is longer than {MAX_TURN_CHARS} characters")
        out.append(t)
    return out


def moves_line(line: str) -> dict:
    """The output object for one input line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return {"id": None, "error": f"not valid JSON ({e.msg})"}
    except RecursionError:
        return {"id": None, "error": "nested too deeply: each line must be a flat JSON object"}
    if not isinstance(obj, dict):
        return {"id": None, "error": "each line must be a JSON object with 'text'"}
    ident = obj.get("id")
    text = obj.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": "'text' must be a string"}
    if len(text) > MAX_TURN_CHARS:
        return {"id": ident, "error": f"'text' is longer than {MAX_TURN_CHARS} characters"}
    try:
        ctx = _check_context(obj.get("context"))
    except ValueError as e:
        return {"id": ident, "error": str(e)}
    return {"id": ident, "moves": detect_moves(text, ctx)}


def run_moves(inp: IO[str], out: IO[str]) -> None:
    for line in inp:
        if line.strip():
            out.write(json.dumps(moves_line(line)) + "\n")
