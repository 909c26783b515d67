"""`python -m scoring`: score, moves, eval-esconv; bad input gives one stderr line and exit 2."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scoring.__main__ import main
from tests.conftest import ROOT

GOOD = {"scenario_id": "internet-outage-remote-worker", "turns": [
    {"role": "customer", "text": "My internet has been down for two days!", "mood": 8},
    {"role": "trainee", "text": "That sounds really frustrating. I'll book an engineer for tomorrow 8-12."},
    {"role": "customer", "text": "Okay, thanks.", "mood": 4}]}


def _write(tmp_path, data, name="t.json"):
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(p)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_score_prints_report(tmp_path, capsys, fmt):
    assert main(["score", _write(tmp_path, GOOD), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        assert set(data["dimensions"]) == {"active_listening", "paraphrasing", "empathy", "focus", "closure"}
    else:
        assert "Overall:" in out


def test_missing_scenario_scores_anyway_with_a_note(tmp_path, capsys):
    assert main(["score", _write(tmp_path, {**GOOD, "scenario_id": "no-such"})]) == 0
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize("content", [
    "", "{not json", "[]", "[" * 100_000 + "]" * 100_000, '{"turns": ' + "[" * 50_000 + "]" * 50_000 + "}", json.dumps({"turns": [{"role": "manager", "text": "hi"}]}),
    json.dumps({"turns": [{"role": "trainee", "text": "x" * 20001}]}),
    json.dumps({"turns": [{"role": "customer", "text": "only me"}]}),
])
def test_bad_transcript_is_one_line_exit_2(tmp_path, capsys, content):
    assert main(["score", _write(tmp_path, content)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1 and "Traceback" not in err


def test_an_endless_file_is_refused_not_read_forever(capsys):
    import os

    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    assert main(["score", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert "too large" in err and "Traceback" not in err


def test_missing_file_is_exit_2(tmp_path, capsys):
    assert main(["score", str(tmp_path / "nope.json")]) == 2
    assert main(["eval-esconv", str(tmp_path / "nope.txt")]) == 2


def test_moves_streams_thousands_of_lines_and_survives_bad_ones():
    lines = []
    for i in range(3000):
        lines.append(json.dumps({"id": i, "context": [{"role": "customer", "text": "My parcel is late."}],
                                 "text": "That sounds really frustrating."}))
    lines[5] = "{broken"
    lines[7] = json.dumps({"id": 7, "context": [{"role": "boss", "text": "x"}], "text": "hi"})
    lines[9] = json.dumps({"id": 9, "text": "x" * 30000})
    lines[11] = "[" * 100_000 + "]" * 100_000  # one deeply nested line must not end the run
    proc = subprocess.run([sys.executable, "-m", "scoring", "moves"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == 3000
    assert "error" in out[5] and out[7] == {"id": 7, "error": out[7]["error"]} and "error" in out[9]
    assert "error" in out[11] and "moves" in out[12]
    assert out[0]["id"] == 0 and "reflection" in out[0]["moves"]


def test_eval_esconv_prints_both(tmp_path, capsys):
    conv = {"dialog": [{"speaker": "usr", "text": "I feel so alone.", "rating": None},
                       {"speaker": "sys", "text": "That sounds really lonely.", "strategy": "Reflection of feelings"},
                       {"speaker": "sys", "text": "How long has it been?", "strategy": "Question"}]}
    assert main(["eval-esconv", _write(tmp_path, json.dumps(conv), "e.txt")]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "keyword baseline" in out and "reflection" in out


def test_eval_esconv_reports_label_agreement_of_repeated_texts(tmp_path, capsys):
    def sys_turn(text, strategy):
        return {"speaker": "sys", "text": text, "strategy": strategy}

    conv = {"dialog": [{"speaker": "usr", "text": "hi", "rating": None},
                       sys_turn("Hello, how are you?", "Question"),
                       sys_turn("hello how are you", "Others"),
                       sys_turn("Hello how are you!", "Question"),
                       sys_turn("That must hurt.", "Reflection of feelings")]}
    assert main(["eval-esconv", _write(tmp_path, json.dumps(conv), "e.txt")]) == 0
    out = capsys.readouterr().out
    # three turns share their words (punctuation and case aside): 3 pairs, 1 of them labelled alike
    assert "3 turns repeat another turn's exact words (1 distinct texts, 3 pairs)" in out
    assert "the same strategy 33% of the time (33% on the four moves vs none)" in out
