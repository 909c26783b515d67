"""`python -m personas` as a user runs it: exact forms, exit codes, one-line errors."""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "personas" / "examples"
OUTAGE = "internet-outage-remote-worker"


def cli_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m personas ...` in a child process, exactly as a user types it."""
    env = {**os.environ, "TALKDOWN_BACKEND": "scripted"}
    return subprocess.run([sys.executable, "-m", "personas", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=60, env=env)


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The same command through personas.__main__.main in this process (a child costs ~3 s of imports).

    What a child would show is kept: the exit code (argparse's SystemExit included), stdout and
    stderr; an exception main() lets escape fails the test, as a traceback in a child's stderr would.
    Three tests below still run the real `python -m personas` in a child."""
    from personas.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    finally:
        sys.stdin = old_stdin
    return subprocess.CompletedProcess(["python", "-m", "personas", *args], code, out.getvalue(), err.getvalue())


def test_validate_default_folder_passes():
    r = cli_process("validate")
    assert r.returncode == 0 and r.stdout.startswith("OK: ") and "scenario(s) valid" in r.stdout


def test_validate_reports_each_problem_with_file_and_field(tmp_path):
    good = (ROOT / "scenarios" / f"{OUTAGE}.yaml").read_text(encoding="utf-8")
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(good.replace("start_mood: 8", "start_mood: 12").replace("persona: irate", "persona: x"),
                                       encoding="utf-8")
    r = cli("validate", str(tmp_path))
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert any("bad.yaml: start_mood:" in ln for ln in lines) and any("bad.yaml: persona:" in ln for ln in lines)
    assert "good.yaml" not in r.stdout and "Traceback" not in r.stderr


def test_validate_missing_folder_is_one_line_exit_2(tmp_path):
    r = cli("validate", str(tmp_path / "nope"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("script,resolved", [("empathetic.txt", True), ("dismissive.txt", False)])
def test_simulate_prints_transcript_json_with_moods(script, resolved):
    r = cli("simulate", OUTAGE, "--trainee-script", str(EXAMPLES / script), "--backend", "scripted")
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)
    assert t["scenario_id"] == OUTAGE
    customer = [x for x in t["turns"] if x["role"] == "customer"]
    assert all(0 <= x["mood"] <= 10 for x in customer)
    moods = [x["mood"] for x in customer]
    if resolved:
        assert moods[0] - moods[-1] >= 4 and t["end_reason"] == "resolved"
    else:
        assert min(moods) >= moods[0] and t["end_reason"] == "walked_out"


def test_simulate_is_deterministic():
    args = ("simulate", OUTAGE, "--trainee-script", str(EXAMPLES / "empathetic.txt"), "--backend", "scripted")
    # A child has another hash seed than this process: the same transcript in both, not just twice here.
    assert cli_process(*args).stdout == cli(*args).stdout


@pytest.mark.parametrize("args,words", [
    (("simulate", "no-such-scenario", "--trainee-script", str(EXAMPLES / "empathetic.txt")), "Unknown scenario"),
    (("simulate", OUTAGE, "--trainee-script", str(EXAMPLES / "empathetic.txt"), "--backend", "gpt9"), "Unknown actor backend"),
    (("simulate", OUTAGE, "--trainee-script", "/nonexistent/script.txt"), "Cannot read"),
    (("simulate", OUTAGE, "--trainee-script", "/dev/zero"), "larger than 2 MB"),  # an endless file is refused
    (("chat", "no-such-scenario"), "Unknown scenario"),
])
def test_bad_arguments_give_one_clear_line_and_exit_2(args, words):
    r = cli(*args)
    assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_empty_or_binary_script_is_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    for f in (empty, binary):
        r = cli("simulate", OUTAGE, "--trainee-script", str(f))
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_chat_runs_in_the_terminal_and_ends_on_eof():
    r = cli_process("chat", OUTAGE, "--backend", "scripted", stdin="That sounds really stressful.\n")
    assert r.returncode == 0, r.stderr
    assert "anger 8.0/10" in r.stdout and "Conversation ended" in r.stdout and "Traceback" not in r.stderr


def test_chat_end_command():
    r = cli("chat", OUTAGE, stdin="/end\n")
    assert r.returncode == 0 and "trainee ended" in r.stdout
