"""Scenarios as personas use them: core.scenario's schema and loader, checked against the archetypes here.

The schema lives in core.scenario (scoring reads it too); this module adds the one thing only personas
know, which archetype ids exist, so a scenario naming an unknown persona is reported like any bad field.
"""
from __future__ import annotations

from pathlib import Path

from core import scenario as _core
from core.scenario import (  # noqa: F401  (re-exported: the names personas and the app import from here)
    BANDS, ID_RE, INTENTS, KNOW_KINDS, MAX_FILE_BYTES, PLACEHOLDER_RE, REQUIRED_INTENTS, SKILLS, Customer,
    EndConditions, Fact, Knowledge, LoadResult, Need, Policy, Scenario, Triggers, keyword_hits, mentions,
    parse_yaml_model, read_yaml_file, skipped_line,
)


def _persona_ids() -> set[str]:
    from personas.archetypes import load_archetypes

    return set(load_archetypes())


def parse_scenario(text: str | bytes, source: str = "<scenario>") -> Scenario:
    """Parse one scenario from YAML text; raise ScenarioError naming file, field and fix."""
    return _core.parse_scenario(text, source, personas=_persona_ids())


def load_dir(directory: str | Path) -> LoadResult:
    """Load every *.yaml/*.yml under directory; bad files become errors, good ones still load."""
    return _core.load_dir(directory, personas=_persona_ids())


def load_dir_cached(directory: str | Path) -> LoadResult:
    """load_dir, read again only when a file in the folder changed (pages rerun on every click)."""
    return _core.load_dir_cached(directory, personas=_persona_ids())
