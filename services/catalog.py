"""The scenario catalog: built-in files plus scenarios authored in the app (which win on the same id)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.errors import ScenarioError
from core.settings import get_settings
from personas.scenario import Scenario, load_dir_cached, parse_scenario, read_yaml_file


@dataclass
class Catalog:
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)  # id -> "built-in" | "custom"
    errors: list[ScenarioError] = field(default_factory=list)


@lru_cache(maxsize=256)
def _parse_custom(yaml_text: str, scenario_id: str) -> Scenario:
    """Validate a stored scenario once per text, not on every page run (the chat reruns per message)."""
    return parse_scenario(yaml_text, source=f"custom scenario '{scenario_id}'")


def load_catalog(scope) -> Catalog:
    files = load_dir_cached(get_settings().scenarios_dir)
    cat = Catalog(dict(files.scenarios), {k: "built-in" for k in files.scenarios}, list(files.errors))
    for rec in scope.list_scenario_records():
        try:
            sc = _parse_custom(rec["yaml"], rec["id"])
        except ScenarioError as e:  # saved under an older schema: show, don't crash
            cat.errors.append(e)
            continue
        cat.scenarios[sc.id] = sc
        cat.source[sc.id] = "custom"
    return cat


def skip_note(err: ScenarioError) -> str:
    """One plain sentence for trainers: which scenario was skipped and why (file name only, no server path)."""
    src = err.source
    name = src if src.startswith("custom scenario") else Path(src).name or src
    field, msg = err.problems[0] if err.problems else ("(file)", "is not valid")
    more = f" (and {len(err.problems) - 1} more problem(s))" if len(err.problems) > 1 else ""
    if field in ("(file)", "(dir)"):
        sentence = f"{name} was skipped: it {msg}{more}"
    else:
        sentence = f"{name} was skipped: {field}: {msg}{more}"
    return sentence if sentence.endswith((".", ")")) else sentence + "."


def scenario_titles(scope) -> dict[str, str]:
    return {k: v.title for k, v in sorted(load_catalog(scope).scenarios.items(), key=lambda kv: kv[1].title)}


def get_scenario(scope, scenario_id: str) -> Scenario:
    from core.errors import UnknownScenarioError

    cat = load_catalog(scope)
    if scenario_id not in cat.scenarios:
        raise UnknownScenarioError(f"There is no scenario '{scenario_id}'.",
                                   "It may have been deleted or failed validation; pick another one.")
    return cat.scenarios[scenario_id]


def scenario_yaml(scope, scenario_id: str) -> str:
    """The YAML a trainer edits: the custom version if any, else the built-in file's own text."""
    import yaml

    text = scope.get_scenario_yaml(scenario_id)
    if text:
        return text
    for p in sorted(Path(get_settings().scenarios_dir).glob("*.y*ml")):
        try:  # the same checked read as the loader: a pipe, a dangling link or deep nesting is skipped
            text = read_yaml_file(p).decode("utf-8")
            parse_yaml_id = parse_scenario(text, source=str(p)).id
        except (ScenarioError, UnicodeDecodeError):
            continue
        if parse_yaml_id == scenario_id:
            return text
    sc = get_scenario(scope, scenario_id)
    return yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100)


def _rows(text: str, what: str, *, optional: str | None = None) -> list[tuple[str, list[str], str | None]]:
    """Lines of 'text | keyword, keyword' from a form field, with an optional third part after a second |."""
    shape = "'text | keyword, keyword" + (f" | {optional}'" if optional else "'")
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or len(parts) > (3 if optional else 2):
            raise ScenarioError("form", [(what, f"line {n} needs {shape}")])
        extra = parts[2] if len(parts) == 3 and parts[2] else None
        out.append((parts[0], [k.strip() for k in parts[1].split(",") if k.strip()], extra))
    return out


def scenario_from_form(form: dict, lines_from: Scenario | None) -> str:
    """Build scenario YAML from the simple form; authored lines come from a template scenario."""
    import re

    import yaml

    def slug(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:40] or "item"

    needs = [{"id": slug(d), "description": d, "keywords": k} for d, k, _ in _rows(form["needs"], "needs")]
    facts = [{"id": slug(t), "text": t, "keywords": k, **({"ask": q} if q else {})}
             for t, k, q in _rows(form["facts"], "facts", optional="example question?")]
    data = {
        "id": form["id"].strip(), "title": form["title"].strip(), "summary": form["summary"].strip(),
        "domain": form["domain"].strip(), "difficulty": form["difficulty"], "persona": form["persona"],
        "customer": {"name": form["customer_name"].strip(), "backstory": form["backstory"].strip()},
        "situation": form["situation"].strip(), "needs": needs, "facts": facts,
        "policy": {"may_offer": [s.strip() for s in form["may_offer"].splitlines() if s.strip()],
                   "may_not_offer": [s.strip() for s in form["may_not_offer"].splitlines() if s.strip()]},
        "topic_keywords": [k.strip() for k in form["topic_keywords"].split(",") if k.strip()],
        "opening_line": form["opening_line"].strip(), "start_mood": form["start_mood"],
        "lines": lines_from.model_dump(mode="json")["lines"] if lines_from else {},
        "end": {"max_turns": form["max_turns"]},
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
