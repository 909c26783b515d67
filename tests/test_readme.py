"""The README's scenario and persona examples are what people copy: they must stay valid."""
from __future__ import annotations

import re

from personas.archetypes import parse_archetype
from personas.scenario import parse_scenario
from tests.conftest import ROOT

BLOCKS = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_readme_has_both_examples():
    assert len(BLOCKS) == 2


def test_readme_scenario_example_validates():
    assert parse_scenario(next(b for b in BLOCKS if "opening_line" in b), "README").id == "lost-parcel-gift"


def test_readme_persona_example_validates():
    assert parse_archetype(next(b for b in BLOCKS if "responsiveness" in b), "README").id == "stoic"
