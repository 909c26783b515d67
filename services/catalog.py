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


def _rows(text: str, what: str, *, optional: tuple[str, ...] = (),
          shape: str = "text | keyword, keyword") -> list[tuple[str, list[str], list[str | None]]]:
    """Lines of 'text | keyword, keyword' from a form field, with optional further parts after more |."""
    shape = "'" + " | ".join([shape, *optional]) + "'"
    out = []
    for n, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or len(parts) > 2 + len(optional):
            raise ScenarioError("form", [(what, f"Line {n} needs {shape}: put a | between the parts.")])
        extra = [p or None for p in parts[2:]] + [None] * (2 + len(optional) - len(parts))
        out.append((parts[0], [k.strip() for k in parts[1].split(",") if k.strip()], extra))
    return out


def _list(text: str, sep: str = "\n") -> list[str]:
    return [s.strip() for s in str(text or "").split(sep) if s.strip()]


def scenario_from_form(form: dict) -> str:
    """Build scenario YAML from the authoring form: every field of a scenario, the customer's lines included
    (form keys 'lines.<intent>.<band>', one line per row; see services.authoring). Nothing is copied from
    another scenario."""
    import re

    import yaml

    from core.scenario import KNOW_KINDS, SKILLS
    from services.authoring import lines_from_form

    def slug(s: str) -> str:
        return "_".join(re.findall(r"[a-z0-9]+", s.lower())[:4])[:40] or "item"

    def kind_of(kind: str | None, what: str) -> str:
        kind = (kind or "other").strip().lower().replace(" ", "_")
        if kind not in KNOW_KINDS:
            raise ScenarioError("form", [(what, f"The kind '{kind}' is not one of {', '.join(KNOW_KINDS)}: "
                                                "use one of them or leave it out.")])
        return kind

    def unique(items: list[dict]) -> list[dict]:
        seen: dict[str, int] = {}
        for it in items:
            base = it["id"]
            seen[base] = seen.get(base, 0) + 1
            if seen[base] > 1:
                it["id"] = f"{base}_{seen[base]}"
        return items

    needs = unique([{"id": slug(d), "description": d, "keywords": k} for d, k, _ in _rows(form.get("needs"), "needs")])
    facts = unique([{"id": slug(t), "text": t, "keywords": k, **({"ask": q} if q else {}), "kind": kind_of(kind, "facts")}
                    for t, k, (q, kind) in _rows(form.get("facts"), "facts", optional=("example question?", "kind"))])
    def answers_of(text: str | None) -> dict:
        from core.scenario import KNOW_ANSWERS
        got = [a.strip().lower() for a in (text or "").split(",") if a.strip()]
        bad = [a for a in got if a not in KNOW_ANSWERS]
        if bad:
            raise ScenarioError("form", [("knows", f"'{bad[0]}' is not a question a knows line can answer by inference; "
                                                   f"use {', '.join(KNOW_ANSWERS)} or leave it out.")])
        return {"answers": got} if got else {}

    knows = [{"kind": kind_of(kind, "knows"), "about": about, "say": say, **answers_of(answers)}
             for say, about, (kind, answers) in _rows(form.get("knows"), "knows", optional=("kind", "answers"),
                                                       shape="what they say | words a question would use")]
    data = {
        "id": str(form.get("id") or "").strip(), "title": str(form.get("title") or "").strip(),
        "summary": str(form.get("summary") or "").strip(), "domain": str(form.get("domain") or "").strip(),
        "difficulty": form.get("difficulty") or "medium", "persona": form.get("persona") or "",
        "customer": {"name": str(form.get("customer_name") or "").strip(),
                     "backstory": str(form.get("backstory") or "").strip()},
        "situation": str(form.get("situation") or "").strip(), "needs": needs, "facts": facts,
        "policy": {"may_offer": _list(form.get("may_offer")), "may_not_offer": _list(form.get("may_not_offer"))},
        "topic_keywords": _list(form.get("topic_keywords"), ","),
        "opening_line": str(form.get("opening_line") or "").strip(), "start_mood": form.get("start_mood", 7),
        "triggers": {"escalate": _list(form.get("escalate"), ","), "calm": _list(form.get("calm"), ",")},
        "lines": lines_from_form(form), "knows": knows,
        "end": {k: form[k] for k in ("max_turns", "resolve_mood", "walkout_mood", "walkout_after") if k in form},
        "rubric_weights": {s: float(form.get(f"weight.{s}", 1.0)) for s in SKILLS},
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def form_from_scenario(sc: Scenario) -> dict:
    """The authoring form's fields for an existing scenario (to start a new one from it, or edit it)."""
    from core.scenario import SKILLS
    from services.authoring import lines_to_form

    def row(*parts) -> str:
        return " | ".join(str(p) for p in parts if p)

    form = {
        "title": sc.title, "id": sc.id, "summary": sc.summary, "domain": sc.domain, "difficulty": sc.difficulty,
        "persona": sc.persona, "start_mood": sc.start_mood, "customer_name": sc.customer.name,
        "backstory": sc.customer.backstory, "situation": sc.situation, "opening_line": sc.opening_line,
        "topic_keywords": ", ".join(sc.topic_keywords),
        "needs": "\n".join(row(n.description, ", ".join(n.keywords)) for n in sc.needs),
        "facts": "\n".join(" | ".join([f.text, ", ".join(f.keywords), f.ask or "", f.kind]) for f in sc.facts),
        "knows": "\n".join(row(k.say, ", ".join(k.about), k.kind, ", ".join(getattr(k, "answers", None) or ()))
                           for k in sc.knows),
        "may_offer": "\n".join(sc.policy.may_offer), "may_not_offer": "\n".join(sc.policy.may_not_offer),
        "escalate": ", ".join(sc.triggers.escalate), "calm": ", ".join(sc.triggers.calm),
        **sc.end.model_dump(), **{f"weight.{s}": sc.rubric_weights.get(s, 1.0) for s in SKILLS},
    }
    form.update(lines_to_form(sc.lines))
    return form
