"""Hostile files in the scenario (and archetype) folders: each is skipped with a plain reason, the good
scenarios still load, nothing hangs (a FIFO) or raises (a broken link, a folder named x.yaml, deep nesting),
and every CLI that loads scenarios says which file it skipped in one line."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from core.errors import ScenarioError
from core.settings import get_settings
from personas.scenario import MAX_FILE_BYTES, load_dir, load_dir_cached, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
GOOD = "internet-outage-remote-worker"


def _broken_link(p: Path) -> None:
    p.symlink_to(p.parent / "no-such-target.yaml")


def _folder(p: Path) -> None:
    p.mkdir()
    (p / "inner.yaml").write_text("id: inner\n")


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _huge(p: Path) -> None:
    with p.open("wb") as f:  # sparse: large on paper, nothing to read into memory
        f.truncate(50 * MAX_FILE_BYTES)


def _nested_lists(p: Path) -> None:
    p.write_text("[" * 600 + "]" * 600)  # 1.2 KB


def _nested_maps(p: Path) -> None:
    p.write_text("".join(" " * i + "k:\n" for i in range(45)) + " " * 45 + "k: v\n")


def _nested_flow_maps(p: Path) -> None:
    p.write_text("{a: " * 400 + "1" + "}" * 400)


def _latin1(p: Path) -> None:
    p.write_bytes("id: caf\xe9\ntitle: Caf\xe9 au lait\n".encode("latin-1"))


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _blank(p: Path) -> None:
    p.write_text("\n   \n\t\n")


def _a_list(p: Path) -> None:
    p.write_text("- id: a\n- id: b\n")


HOSTILE = {  # name -> (make it, words the reason must contain)
    "broken-link.yaml": (_broken_link, "link to a file that does not exist"),
    "folder.yaml": (_folder, "folder"),
    "pipe.yaml": (_fifo, "pipe"),
    "huge.yml": (_huge, "limit"),
    "nested-lists.yaml": (_nested_lists, "nested"),
    "nested-maps.yaml": (_nested_maps, "nested"),
    "nested-flow.yaml": (_nested_flow_maps, "nested"),
    "latin1.yaml": (_latin1, "UTF-8"),
    "empty.yaml": (_empty, "empty"),
    "blank.yaml": (_blank, "empty"),
    "a-list.yaml": (_a_list, "mapping"),
}


def _folder_with(tmp_path: Path, names) -> Path:
    d = tmp_path / "scenarios"
    d.mkdir()
    shutil.copy(ROOT / "scenarios" / f"{GOOD}.yaml", d / f"{GOOD}.yaml")
    for name in names:
        HOSTILE[name][0](d / name)
    return d


def _within(seconds: float, fn):
    """Run fn in a thread; fail (instead of hanging the suite) if it does not return in time."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "loading the folder hung"
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.mark.parametrize("loader", [load_dir, load_dir_cached])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_skipped_with_a_reason_and_the_good_one_loads(tmp_path, name, loader):
    d = _folder_with(tmp_path, [name])
    result = _within(10, lambda: loader(d))
    assert list(result.scenarios) == [GOOD]
    assert len(result.errors) == 1
    err = result.errors[0]
    assert Path(err.source).name == name
    reason = " ".join(msg for _, msg in err.problems)
    assert HOSTILE[name][1].lower() in reason.lower()
    assert "Traceback" not in reason and "Errno" not in reason


def test_all_hostile_files_at_once_and_the_cache_notices_a_fix(tmp_path):
    d = _folder_with(tmp_path, HOSTILE)
    first = _within(20, lambda: load_dir_cached(d))
    assert list(first.scenarios) == [GOOD]
    assert sorted(Path(e.source).name for e in first.errors) == sorted(HOSTILE)
    (d / "empty.yaml").unlink()  # fixed by removing it: the next load sees one problem fewer
    again = _within(20, lambda: load_dir_cached(d))
    assert len(again.errors) == len(HOSTILE) - 1


def test_a_deeply_nested_upload_is_a_scenario_error_not_a_recursion_error():
    for text in ["[" * 600 + "]" * 600, "{a: " * 400 + "1" + "}" * 400, "- " * 500 + "x"]:
        with pytest.raises(ScenarioError, match="nested"):
            parse_scenario(text, source="upload.yaml")
        with pytest.raises(ScenarioError, match="nested"):
            parse_scenario(text.encode(), source="upload.yaml")


def test_built_in_scenarios_are_well_within_the_nesting_limit():
    assert len(load_dir(ROOT / "scenarios").errors) == 0
    assert len(load_dir(ROOT / "scenarios").scenarios) >= 8


def test_hostile_files_in_the_archetype_folder_do_not_stop_the_others(tmp_path):
    from personas.archetypes import ARCHETYPE_DIR, load_archetypes_with_errors

    d = tmp_path / "archetypes"
    shutil.copytree(ARCHETYPE_DIR, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shipped = {p.name for p in d.glob("*.y*ml")}
    for name in ("broken-link.yaml", "pipe.yaml", "folder.yaml", "nested-lists.yaml"):
        HOSTILE[name][0](d / name)
    found, errors = _within(10, lambda: load_archetypes_with_errors(d))
    assert len(found) == len(shipped) >= 4
    assert sorted(Path(e.source).name for e in errors) == ["broken-link.yaml", "folder.yaml", "nested-lists.yaml",
                                                           "pipe.yaml"]


def test_catalog_note_is_a_plain_sentence_with_the_file_name_not_the_server_path(tmp_path):
    from services.catalog import skip_note

    d = _folder_with(tmp_path, ["broken-link.yaml", "pipe.yaml"])
    notes = [skip_note(e) for e in load_dir(d).errors]
    assert notes == ["broken-link.yaml was skipped: it is a link to a file that does not exist.",
                     "pipe.yaml was skipped: it is a pipe (FIFO), not a regular file."]
    assert all(str(tmp_path) not in n for n in notes)


# -- the CLIs: one line per skipped file, no traceback, the good scenarios still work -----------------

CLI_HOSTILE = ["broken-link.yaml", "folder.yaml", "pipe.yaml", "nested-lists.yaml", "latin1.yaml", "a-list.yaml"]


def _run(module: str, *args: str, scenarios: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TALKDOWN_BACKEND": "scripted", "TALKDOWN_SCENARIOS_DIR": str(scenarios)}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=60, env=env)


def _skip_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "skipped" in ln]


def test_personas_validate_names_each_hostile_file_and_exits_1(tmp_path):
    d = _folder_with(tmp_path, CLI_HOSTILE)
    r = _run("personas", "validate", str(d), scenarios=d)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    for name in CLI_HOSTILE:
        assert sum(name in ln for ln in r.stdout.splitlines()) == 1
    assert "1 scenario(s) valid" in r.stderr


def test_personas_simulate_plays_the_good_scenario_and_notes_each_skipped_file(tmp_path):
    d = _folder_with(tmp_path, CLI_HOSTILE)
    script = ROOT / "personas" / "examples" / "empathetic.txt"
    r = _run("personas", "simulate", GOOD, "--trainee-script", str(script), scenarios=d)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    lines = _skip_lines(r.stderr)
    assert len(lines) == len(CLI_HOSTILE)
    assert all(sum(name in ln for ln in lines) == 1 for name in CLI_HOSTILE)
    assert '"scenario_id"' in r.stdout


def test_scoring_score_notes_each_skipped_file(tmp_path):
    import json

    d = _folder_with(tmp_path, CLI_HOSTILE)
    t = tmp_path / "t.json"
    t.write_text(json.dumps({"scenario_id": GOOD, "turns": [
        {"role": "customer", "text": "My internet is down again."},
        {"role": "trainee", "text": "That sounds stressful, let me check the line for you."}]}))
    r = _run("scoring", "score", str(t), "--scenario-dir", str(d), scenarios=d)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert len(_skip_lines(r.stderr)) == len(CLI_HOSTILE)
    assert "not found" not in r.stderr  # the good scenario was still found


def test_store_seed_demo_notes_each_skipped_file(tmp_path, monkeypatch):
    from store.__main__ import main

    d = _folder_with(tmp_path, CLI_HOSTILE)
    monkeypatch.setenv("TALKDOWN_SCENARIOS_DIR", str(d))
    get_settings.cache_clear()
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = _within(120, lambda: main(["seed-demo", "--db", str(tmp_path / "demo.db"), "--trainees", "1",
                                          "--months", "1", "--seed", "2"]))
    assert code == 0, err.getvalue()
    lines = _skip_lines(err.getvalue())
    assert len(lines) == len(CLI_HOSTILE)
    assert all(sum(name in ln for ln in lines) == 1 for name in CLI_HOSTILE)
    assert "Seeded demo organisation" in out.getvalue()


# -- the app: trainers see which file was skipped and why; trainees just see the good scenarios -------

def test_app_trainer_sees_each_skipped_file_and_trainee_sees_only_good_ones(tmp_path, monkeypatch):
    from tests.test_app import app_as, texts
    from store import Store

    d = _folder_with(tmp_path, CLI_HOSTILE)
    monkeypatch.setenv("TALKDOWN_SCENARIOS_DIR", str(d))
    get_settings.cache_clear()
    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    a = store.as_user(admin)
    trainer = a.create_user("trainer", "trainer-password-1", "trainer", "Tess Trainer")
    ana = a.create_user("ana", "ana-password-1", "trainee", "Ana")
    team = a.create_group("Team A")
    for u in (trainer, ana):
        a.add_to_group(team.id, u.id)

    for user in (trainer, admin):
        at = _within(120, lambda: app_as(user, "ui/pages/scenarios.py"))
        assert not at.exception
        shown = texts(at)
        for name in CLI_HOSTILE:
            assert f"{name} was skipped" in shown.replace("\\", "")
        assert str(tmp_path) not in shown
    at = _within(120, lambda: app_as(ana, "ui/pages/home.py"))
    assert not at.exception
    shown = texts(at)
    assert "Internet down on deadline day" in shown
    assert "skipped" not in shown and "pipe.yaml" not in shown


def test_the_yaml_editor_finds_a_built_in_file_past_a_pipe_and_a_broken_link(tmp_path, monkeypatch):
    from services.catalog import scenario_yaml
    from store import Store

    d = _folder_with(tmp_path, ["a-list.yaml", "broken-link.yaml", "folder.yaml", "pipe.yaml", "nested-lists.yaml"])
    os.mkfifo(d / "0-pipe.yaml")  # read before the good file, in name order
    (d / "1-nested.yaml").write_text("[" * 600 + "]" * 600)
    monkeypatch.setenv("TALKDOWN_SCENARIOS_DIR", str(d))
    get_settings.cache_clear()
    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    text = _within(10, lambda: scenario_yaml(store.as_user(admin), GOOD))
    assert text == (d / f"{GOOD}.yaml").read_text(encoding="utf-8")
