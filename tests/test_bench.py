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
    # (first shown word, whole reply, said as authored): the first word never after the whole reply
    assert all(0 < first <= whole for first, whole, _ in waits)


def test_bench_prints_one_row_per_trainee_count(monkeypatch, capsys):
    monkeypatch.setenv("TALKDOWN_BACKEND", "scripted")  # main() sets these two: restored after the test
    monkeypatch.setenv("TALKDOWN_JUDGE", "false")
    assert _bench().main(["--backend", "scripted", "--trainees", "1,2", "--runs", "1"]) == 0
    rows = [ln.split("|") for ln in capsys.readouterr().out.splitlines() if ln.startswith("| ")]
    rows = [r for r in rows if r[3].strip().isdigit()]  # | engine | budget | trainees | median | p90 | ratio |
    assert [r[3].strip() for r in rows] == ["1", "2"]
    assert rows[0][6].strip() == "1.0×"


# -- bench/realism.py (issue 8): the harness runs, and its metric rules count what they say ----------
def _realism():
    import sys

    if "realism_bench" in sys.modules:
        return sys.modules["realism_bench"]
    spec = importlib.util.spec_from_file_location("realism_bench", ROOT / "bench" / "realism.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["realism_bench"] = mod  # its dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


def test_realism_data_covers_every_scenario_and_kind():
    from personas.scenario import load_dir

    bench = _realism()
    ids = set(load_dir(ROOT / "scenarios").scenarios)
    scripts, probes = bench.load_scripts(), bench.load_probes()
    assert set(scripts) == ids
    for sid, kinds in scripts.items():
        assert set(kinds) == set(bench.KINDS), sid
        assert all(4 <= len(lines) <= 7 for lines in kinds.values()), sid
    assert len(probes) >= 48 and {p.scenario_id for p in probes} == ids
    assert any(p.expect is None for p in probes) and all(p.expect is None or p.expect for p in probes)
    # the scripts are the bench's own wording, not the example scripts'
    examples = {ln.strip() for f in (ROOT / "personas" / "examples").glob("*.txt")
                for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()}
    assert not examples & {ln for kinds in scripts.values() for lines in kinds.values() for ln in lines}


def test_realism_bench_prints_its_tables_for_one_scenario(capsys):
    bench = _realism()
    assert bench.main(["--backend", "scripted", "--scenario", "lost-parcel-third-call"]) == 0
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith("| lost-parcel-third-call ")]
    kinds = [r.split("|")[2].strip() for r in rows]
    assert kinds[:len(bench.KINDS)] == list(bench.KINDS)  # one row per script, then the probe misses
    for r in rows[:len(bench.KINDS)]:
        start, end, change = (float(c) for c in r.split("|")[3:6])
        assert abs(end - start - change) < 0.11  # each figure rounded to one place
    for metric in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)"):
        assert f"| {metric} " in out
    assert "backend scripted" in out and "crashed" not in out


def test_realism_bench_is_deterministic_on_scripted():
    bench = _realism()
    from personas.actors import Actor, get_backend
    from personas.scenario import load_dir

    sc = load_dir(ROOT / "scenarios").scenarios["utility-bill-shock"]
    script = bench.load_scripts()["utility-bill-shock"]["mixed_new_hire"]
    a, b = (bench.play(sc, "mixed_new_hire", script, Actor(get_backend("scripted"))) for _ in range(2))
    assert a.error is None and (a.lines, a.start, a.end, a.outcome) == (b.lines, b.start, b.end, b.outcome)
    assert a.sent == len(a.replies) and len(a.lines) == len(a.replies) + 1


def test_realism_counts_a_repeated_line_once_and_normalises_it():
    bench = _realism()
    assert bench.repeats(["Where is it?", "Still nothing.", "Where is it?"]) == 1
    assert bench.repeats(["Again.", "Again.", "Again."]) == 2  # each further occurrence counts once
    assert bench.repeats(["It’s gone.", "It's  gone. "]) == 1  # curly quote and spacing do not hide a repeat
    assert bench.repeats(["One.", "Two.", "one."]) == 0        # a different line (case differs) is not a repeat
    assert bench.repeats([]) == 0
    # sentence level (information): the same sentence inside two different composed replies
    assert bench.repeated_sentences(["Where is my bike? I paid for it.", "Still no answer. Where is my bike?"]) == 1
    assert bench.repeated_sentences(["Thank you. Bye.", "Thank you. Bye now."]) == 0  # under 3 words: not counted


def test_realism_detects_verbatim_authored_lines():
    bench = _realism()
    from personas.archetypes import get_archetype
    from personas.scenario import load_dir

    sc = load_dir(ROOT / "scenarios").scenarios["flight-cancelled-wedding"]
    authored = bench.authored_lines(sc, get_archetype(sc.persona))
    fact = next(f.text for f in sc.facts if f.id == "booking_ref")
    answer = next(ln for ln in sc.lines["answer"]["high"] if "{fact}" in ln)
    assert bench.is_verbatim(answer.replace("{fact}", fact), authored)           # answer line, {fact} filled
    assert bench.is_verbatim("  " + sc.lines["vent"]["high"][0] + " ", authored)  # an intent line, spacing aside
    assert not bench.is_verbatim("Fine, the booking ref is K7Q2LM.", authored)     # a rewording is not verbatim
    if sc.knows:
        assert bench.is_verbatim(answer.replace("{fact}", sc.knows[0].say), authored)


def test_realism_probe_rule():
    ok = _realism().answered_in_kind
    assert ok("It's 48-1192-7735, as I said.", ("48-1192-7735",))
    assert ok("It says ESTIMATED on it.", ("estimat",))                # case-insensitive, word start
    assert not ok("It was 19 minutes.", ("9",)) and not ok("About 90.", ("9",))  # digits compared as is
    assert not ok("At three.", ("3",))
    assert ok("9am tomorrow.", ("9",))
    assert not ok("The rebooking is urgent.", ("book",))               # not inside a word
    assert ok("I'm not sure, does that matter?", None)
    assert ok("How would I know that?", None)
    assert not ok("It's the white one.", None)                          # `unknown` wants an honest don't-know
    assert not ok("I don't know.", ("Saturday",))                       # a known thing is not "don't know"


def test_realism_summary_figures_on_a_handmade_case():
    bench = _realism()
    C = bench.Conversation

    def conv(kind, start, end, outcome, replies, lines=None, verbatim=0, fell_back=0):
        c = C("s", kind, start, end, outcome, sent=len(replies), replies=replies,
              lines=lines or ["open", *replies], verbatim=verbatim, fell_back=fell_back)
        return c

    convs = [
        conv("hollow_empathy", 7, 4.5, "still talking", ["a", "b"], verbatim=2),  # dropped 2.5: talked down
        conv("jargon", 7, 8, "resolved", ["c"]),                                 # resolved: talked down
        conv("dismissive", 7, 9, "walked_out", ["d", "d"], verbatim=1),          # one repeat
        conv("good", 8, 4.9, "resolved", ["e"], fell_back=1),                    # -3.1 and resolved: ok
        conv("good", 8, 5.5, "resolved", ["f"]),                                 # only -2.5: not ok
        conv("good", 8, 2, "still talking", ["g"]),                              # not resolved: not ok
    ]
    probe = bench.Probe("s", "When?", ("Monday",))
    probes = [bench.ProbeResult(probe, "Monday.", True, True, conv("probe", 7, 7, "still talking", ["Monday."])),
              bench.ProbeResult(probe, "Eh?", False, True, conv("probe", 7, 7, "still talking", ["Eh?"]))]
    rows, fig = bench.summarise(convs, probes)
    assert (fig["talked_down"], fig["hollow"]) == (2, 3)
    assert (fig["good_ok"], fig["good"]) == (1, 3)
    assert (fig["probe_hits"], fig["probes"]) == (1, 2)
    assert fig["repeated"] == 1 and fig["repeated_sentences"] == 0  # "d" has fewer than 3 words
    assert (fig["verbatim"], fig["replies"]) == (3, 10)
    assert fig["guard"] == 1
    table = bench.table(["metric", "value", "goal", "met", "rule"], rows)
    assert "| (c) probe questions answered in kind " in table and "1 / 2 (50%)" in table
    widths = {len(ln) for ln in table.splitlines()}
    assert len(widths) == 1  # aligned: every line of the table is as wide as the others


def test_realism_counts_guard_rejections():
    bench = _realism()
    from personas.actors import Actor
    from personas.actors.scripted import ScriptedBackend
    from personas.scenario import load_dir

    sc = load_dir(ROOT / "scenarios").scenarios["pharmacy-refill-delay"]
    backend = ScriptedBackend()
    backend.enqueue("How can I help you today?")  # agent-speak: the guard rejects it, the Director's line is said
    conv = bench.play(sc, "probe", ["Which tablets are they?", "How many have you got left?"], Actor(backend))
    assert conv.error is None and conv.sent == 2
    assert conv.fell_back == 1 and conv.as_directed == 2  # the second reply is the authored line as it stands
    assert "How can I help" not in " ".join(conv.replies)


def test_turn_latency_compares_the_first_shown_word_streamed_and_unstreamed(monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("turn_latency", ROOT / "bench" / "turn_latency.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--backends", "scripted", "--threads", "", "--hogs", "0", "--no-store", "--runs", "5",
                     "--first-word", "remote", "--rate", "100"]) == 0
    rows = [ln.split("|") for ln in capsys.readouterr().out.splitlines() if ln.startswith("| remote")]
    assert len(rows) == 1
    streamed, unstreamed = (float(c.strip().split()[0].replace(",", "")) for c in rows[0][3:5])
    assert 0 < streamed < unstreamed  # three sentences at 100 tokens/s: the first is shown ~0.2 s before the last arrives


# -- bench/scenario_yaml.py: both loaders read the same data and the table has the ratio -------------
def test_the_scenario_yaml_bench_compares_both_loaders(tmp_path, capsys):
    import shutil

    spec = importlib.util.spec_from_file_location("scenario_yaml_bench", ROOT / "bench" / "scenario_yaml.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    shutil.copy(ROOT / "scenarios" / "internet-outage-remote-worker.yaml", tmp_path)
    assert bench.main(["--runs", "1", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 scenario files" in out and "| yaml.SafeLoader (pure Python, baseline) |" in out and "1.0×" in out
    assert bench.main(["--runs", "1", "--dir", str(tmp_path / "none")]) == 2  # no files: one line, exit 2
    assert capsys.readouterr().err.count("\n") == 1
