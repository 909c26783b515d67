"""`python -m scoring`: score, moves, eval-esconv, eval-annomi; bad input gives one stderr line and exit 2."""
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


ANNOMI_HEADER = ("transcript_id,mi_quality,video_title,video_url,topic,utterance_id,interlocutor,timestamp,"
                 "utterance_text,main_therapist_behaviour,client_talk_type\n")


def _annomi_row(tid, uid, who, text, label):
    text = text.replace('"', '""')
    return f'{tid},high,t,u,x,{uid},{who},00:00:01,"{text}",{label},n/a\n'


def test_eval_annomi_scores_question_and_reflection(tmp_path, capsys):
    rows = [_annomi_row(1, 0, "client", "My boss keeps piling work on me and I can't sleep.", "n/a"),
            _annomi_row(1, 1, "therapist", "What happens at night when you can't sleep?", "question"),
            _annomi_row(1, 2, "client", "I lie awake thinking about the deadlines, worried I'll get fired.", "n/a"),
            _annomi_row(1, 3, "therapist", "You're worried the deadlines could cost you your job.", "reflection"),
            _annomi_row(1, 4, "therapist", "Mm-hmm.", "other"),
            # a second transcript: its context must not include the first one's client turns
            _annomi_row(2, 0, "therapist", "So the deadlines keep you awake.", "reflection")]
    path = _write(tmp_path, ANNOMI_HEADER + "".join(rows), "a.csv")
    assert main(["eval-annomi", path]) == 0
    out = capsys.readouterr().out
    assert "4 therapist utterances, 2 transcripts" in out
    lines = out.splitlines()
    first = lines.index(next(x for x in lines if x.startswith("detect_moves")))
    q, r = lines[first + 2].split(), lines[first + 3].split()
    assert q[0] == "question" and float(q[1]) == 1.0 and float(q[2]) == 1.0 and q[4] == "1"
    assert r[0] == "reflection" and float(r[2]) >= 0.5 and r[4] == "2"
    assert "macro-F1" in out and "keyword baseline" in out


def test_annomi_context_is_the_preceding_turns_with_client_as_customer(tmp_path):
    from scoring.annomi import load_examples

    rows = [_annomi_row(7, 0, "therapist", "Hi there.", "other"),
            _annomi_row(7, 1, "client", "I drink most nights.", "n/a"),
            _annomi_row(7, 2, "therapist", "Most nights.", "reflection"),
            _annomi_row(8, 0, "therapist", "Welcome.", "other")]
    ex = load_examples(_write(tmp_path, ANNOMI_HEADER + "".join(rows), "a.csv"))
    assert [e.text for e in ex] == ["Hi there.", "Most nights.", "Welcome."]
    assert ex[1].context == ({"role": "trainee", "text": "Hi there."}, {"role": "customer", "text": "I drink most nights."})
    assert ex[2].context == () and ex[2].conv != ex[1].conv


@pytest.mark.parametrize("content", [
    "not,an,annomi\nfile,at,all\n",  # wrong columns
    ANNOMI_HEADER,  # no rows
    ANNOMI_HEADER + _annomi_row(1, 0, "robot", "hello", "other"),  # unknown interlocutor
    b"\xff\xfe\x00garbage",  # not UTF-8
    ANNOMI_HEADER + '1,high,t,u,x,0,therapist,0,"' + "x" * 200_000 + '",other,n/a\n',  # field over csv's limit
])
def test_eval_annomi_bad_input_is_one_line_exit_2(tmp_path, capsys, content):
    p = tmp_path / "bad.csv"
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["eval-annomi", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_eval_annomi_missing_file_and_endless_input(tmp_path, capsys):
    assert main(["eval-annomi", str(tmp_path / "nope.csv")]) == 2
    assert main(["eval-annomi", str(tmp_path)]) == 2  # a directory
    assert main(["eval-annomi", "/dev/zero"]) == 2  # endless: refused after the size limit, not read forever
    assert main(["eval-esconv", "/dev/zero"]) == 2
    assert capsys.readouterr().err.count("error: ") == 4
