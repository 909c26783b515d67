"""The concurrency bench runs end to end on the scripted backend (its figures come from the local model)."""
from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("concurrent_trainees", ROOT / "bench" / "concurrent_trainees.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_simultaneous_trainee_gets_every_reply_timed(monkeypatch):
    monkeypatch.setenv("TALKDOWN_BACKEND", "scripted")
    bench = _bench()
    scripts = bench._scripts()
    assert len(scripts) == 8 and all(lines for _, lines in scripts)
    waits = bench.one_run(3, scripts)
    # every line of the three scripts is sent unless the customer ended the conversation first
    assert 3 <= len(waits) <= sum(len(lines) for _, lines in scripts[:3])
    assert all(w > 0 for w in waits)


def test_bench_prints_one_row_per_trainee_count(monkeypatch, capsys):
    monkeypatch.setenv("TALKDOWN_BACKEND", "scripted")  # main() sets these two: restored after the test
    monkeypatch.setenv("TALKDOWN_JUDGE", "false")
    assert _bench().main(["--backend", "scripted", "--trainees", "1,2", "--runs", "1"]) == 0
    rows = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("| ") and ln[2].isdigit()]
    assert [r.split("|")[1].strip() for r in rows] == ["1", "2"]
    assert rows[0].split("|")[4].strip() == "1.0×"
