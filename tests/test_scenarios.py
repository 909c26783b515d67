"""Scenario and archetype files: every kind of bad file gets a clear problem, good files still load,
and every built-in scenario plays as designed (empathy calms and resolves, dismissal does not)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from core.errors import ScenarioError
from core.transcript import Transcript
from personas.actors import Actor
from personas.actors.scripted import ScriptedBackend
from personas.archetypes import ARCHETYPE_DIR, load_archetypes, load_archetypes_with_errors, parse_archetype
from personas.engine import PracticeEngine
from personas.scenario import INTENTS, MAX_FILE_BYTES, load_dir, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "personas" / "examples"
CANONICAL = (ROOT / "scenarios" / "internet-outage-remote-worker.yaml").read_text(encoding="utf-8")
BUILT_IN = load_dir(ROOT / "scenarios").scenarios


def _mutated(change) -> str:
    data = yaml.safe_load(CANONICAL)
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _set(path: str, value):
    def change(data):
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node[p]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value
    return change


_DELETE = object()

BAD_FILES = {
    "yaml_syntax": ("id: x\ntitle: [unclosed\n", "(file)", "YAML syntax error"),
    "not_a_mapping": ("- just\n- a list\n", "(file)", "mapping"),
    "plain_text": ("hello there\n", "(file)", "mapping"),
    "missing_field": (_mutated(_set("opening_line", _DELETE)), "opening_line", "opening line is missing: add it"),
    "wrong_type": (_mutated(_set("start_mood", "very angry")), "start_mood", "starting mood must be a number, not 'very angry'"),
    "unknown_intent": (_mutated(lambda d: d["lines"].update(sulk={"high": ["Hmph."]})), "lines", "unknown intent"),
    "missing_intent": (_mutated(lambda d: d["lines"].pop("vent")), "lines", "missing authored lines"),
    "mood_out_of_range": (_mutated(_set("start_mood", 14)), "start_mood", "above the highest allowed (10): lower it"),
    "duplicate_fact_ids": (_mutated(lambda d: d["facts"].append(dict(d["facts"][0]))), "(file)", "ids must be unique, so rename one"),
    "unknown_field": (_mutated(_set("mood", 3)), "mood", "not a field this file can have: remove it"),
    "bad_id": (_mutated(_set("id", "Not An Id!")), "id", "lowercase"),
    "unknown_persona": (_mutated(_set("persona", "grumpy-wizard")), "persona", "unknown persona"),
    "bad_placeholder": (_mutated(lambda d: d["lines"]["vent"].update(high=["I am {name}!"])), "(file)", "placeholder"),
    "empty_line": (_mutated(lambda d: d["lines"]["vent"].update(high=["  "])), "lines", "empty line"),
    "unknown_band": (_mutated(lambda d: d["lines"]["vent"].update(furious=["Argh."])), "lines.vent.furious", "vent lines have no mood band 'furious': use high, mid or low"),
    "ask_misses_keywords": (_mutated(lambda d: d["facts"][1].update(ask="Is everything okay?")), "facts.1",
                            "none of this fact's keywords"),
    "ask_not_a_question": (_mutated(lambda d: d["facts"][1].update(ask="Tell me about the router lights.")), "facts.1",
                           "must be a question"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_scenario_gets_a_problem_naming_the_field(kind):
    text, field, words = BAD_FILES[kind]
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text.encode("utf-8"), source=f"{kind}.yaml")
    problems = e.value.problems
    assert any(f.startswith(field) and words.lower() in m.lower() for f, m in problems), problems
    assert str(e.value).startswith(f"{kind}.yaml: ")
    for _, m in problems:  # plain sentences: no library wording, no Python reprs of lists
        assert not RAW.search(m), m
        assert m[:1].isupper() and m.rstrip().endswith((".", ")")), m


# Wording pydantic uses that a trainer should never see.
RAW = re.compile(r"String should|Input should|Field required|Extra inputs|List should|Value error|valid integer|"
                 r"\['\w+'(?:, '\w+')*\]")


def test_non_utf8_file_is_refused_clearly():
    with pytest.raises(ScenarioError, match="not UTF-8"):
        parse_scenario(CANONICAL.encode("utf-16"), source="x.yaml")


def test_oversized_file_is_refused_clearly():
    with pytest.raises(ScenarioError, match="limit"):
        parse_scenario(b"#" * (MAX_FILE_BYTES + 1), source="x.yaml")


def test_valid_files_still_load_when_others_are_broken(tmp_path):
    (tmp_path / "good.yaml").write_text(CANONICAL, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [oops\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("id: caf\xe9".encode("latin-1"))
    (tmp_path / "dupe.yml").write_text(CANONICAL, encoding="utf-8")  # same id as good.yaml
    result = load_dir(tmp_path)
    assert list(result.scenarios) == ["internet-outage-remote-worker"]
    names = sorted(Path(e.source).name for e in result.errors)
    assert names[0] == "broken.yaml" and names[-1] == "latin1.yaml" and len(names) == 3  # + the later duplicate
    assert any("already used" in m for e in result.errors for _, m in e.problems)


@pytest.mark.parametrize("sid", sorted(BUILT_IN))
def test_each_facts_example_question_makes_the_customer_tell_that_fact(sid):
    """Hints offer a fact's `ask` as the question to try: asked first thing, it must draw out that fact."""
    from personas.archetypes import get_archetype
    from personas.director import Director

    sc = BUILT_IN[sid]
    director = Director(sc, get_archetype(sc.persona))
    for fact in sc.facts:
        assert fact.ask, f"{sid}: fact {fact.id} has no example question"
        state, _ = director.start()
        _, beat, moves = director.step(state, fact.ask, [{"role": "customer", "text": sc.opening_line}])
        assert "question" in moves and beat.fact_id == fact.id, (fact.ask, moves, beat.fact_id)


def test_built_in_catalogue_is_rich_enough():
    assert len(BUILT_IN) >= 8
    assert {s.persona for s in BUILT_IN.values()} >= {"irate", "confused", "anxious", "skeptical"}
    assert len({s.domain for s in BUILT_IN.values()}) >= 6
    assert not load_dir(ROOT / "scenarios").errors


@pytest.mark.parametrize("sid", sorted(BUILT_IN))
def test_built_in_scenario_has_varied_lines_for_every_intent(sid):
    sc = BUILT_IN[sid]
    assert set(sc.lines) == set(INTENTS)
    for intent in ("vent", "push_back", "press", "soften"):
        assert all(len(sc.lines[intent].get(b, [])) >= 1 for b in ("high", "mid", "low")), intent
        assert sum(len(v) for v in sc.lines[intent].values()) >= 4, intent
    assert all("{fact}" in line for lines in sc.lines["answer"].values() for line in lines)
    assert sc.facts and sc.needs and sc.policy.may_offer and sc.policy.may_not_offer


def _simulate(sc, lines: list[str]) -> dict:
    from personas.archetypes import get_archetype

    e = PracticeEngine(sc, get_archetype(sc.persona), Actor(ScriptedBackend()))
    e.open()
    for line in lines:
        if e.ended:
            break
        e.add_trainee(line)
        e.reply()
    e.end("script_ended")
    return e.transcript()


def _script(name: str) -> list[str]:
    return [ln.strip() for ln in (EXAMPLES / name).read_text(encoding="utf-8").splitlines() if ln.strip()]


def _empathetic(sid: str) -> list[str]:
    return _script("empathetic.txt" if sid == "internet-outage-remote-worker" else f"{sid}.txt")


@pytest.mark.parametrize("sid", sorted(BUILT_IN))
def test_empathetic_vs_dismissive_play(sid):
    sc = BUILT_IN[sid]
    good = _simulate(sc, _empathetic(sid))
    bad = _simulate(sc, _script("dismissive_generic.txt"))
    for t in (good, bad):
        Transcript.model_validate(t)
        assert all(isinstance(turn["mood"], float) for turn in t["turns"] if turn["role"] == "customer")
    good_moods = [t["mood"] for t in good["turns"] if t["role"] == "customer"]
    bad_moods = [t["mood"] for t in bad["turns"] if t["role"] == "customer"]
    assert sc.start_mood - good_moods[-1] >= 3 and good["end_reason"] == "resolved"
    assert min(bad_moods) >= sc.start_mood and bad["end_reason"] == "walked_out"


# -- archetypes ---------------------------------------------------------------------------------
def test_four_archetypes_ship_and_validate():
    found, errors = load_archetypes_with_errors()
    assert {"irate", "confused", "anxious", "skeptical"} <= set(found) and not errors


@pytest.mark.parametrize("text,words", [
    ("id: x\nname: [\n", "YAML syntax"),
    ("- a\n", "mapping"),
    ((ARCHETYPE_DIR / "irate.yaml").read_text().replace("dismissive:", "grumbling:", 1), "unknown signal"),
    ((ARCHETYPE_DIR / "irate.yaml").read_text().replace("jargon_intent: push_back", "jargon_intent: shout"), "unknown intent"),
    ((ARCHETYPE_DIR / "irate.yaml").read_text().replace("responsiveness: 0.6", "responsiveness: 3"), "responsiveness"),
])
def test_bad_archetype_is_reported(text, words):
    with pytest.raises(ScenarioError) as e:
        parse_archetype(text, source="a.yaml")
    assert words.lower() in str(e.value).lower()


def test_adding_a_persona_is_adding_a_file(tmp_path):
    (tmp_path / "weary.yaml").write_text("id: weary\nname: Weary\ndescription: Tired of it all.\n"
                                         "style: Sighs a lot.\neffects:\n  dismissive: {anger: 1}\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [", encoding="utf-8")
    found, errors = load_archetypes_with_errors(tmp_path)
    assert list(found) == ["weary"] and len(errors) == 1
    assert found["weary"].effect("reflection").anger == 0  # unlisted signals do nothing
    assert "irate" in load_archetypes()
