"""The practice mood meter shows the feeling this persona has (issue 8, point 5): its label, band word and
colour agree with the number shown and with the Director's mood bands."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import get_settings
from personas.archetypes import get_archetype
from personas.feelings import BAND_MARKDOWN_COLOURS, FEELINGS, band, describe
from personas.scenario import load_dir
from tests.conftest import ROOT

# One built-in scenario per persona, and the feeling its meter must be labelled with.
PERSONAS = {
    "irate": ("internet-outage-remote-worker", "anger"),
    "anxious": ("bank-double-charge-rent", "anxiety"),
    "confused": ("pharmacy-refill-delay", "confusion"),
    "skeptical": ("lost-parcel-third-call", "doubt"),
}


@pytest.fixture(scope="module")
def scenarios():
    return load_dir(ROOT / "scenarios").scenarios


@pytest.mark.parametrize("persona,feeling", [(p, f) for p, (_, f) in PERSONAS.items()])
def test_each_archetype_names_its_feeling(persona, feeling):
    assert get_archetype(persona).feeling == feeling


@pytest.mark.parametrize("mood", [0, 1.2, 3.9, 3.95, 4.0, 5.5, 6.1, 6.9, 6.94, 6.96, 7.0, 8.4, 10])
def test_band_words_follow_the_scenario_bands_of_the_number_shown(scenarios, mood):
    shown = round(mood, 1)
    sc = next(iter(scenarios.values()))
    assert band(shown) == sc.band(shown)
    for feeling in FEELINGS:
        assert describe(mood, feeling) == FEELINGS[feeling][sc.band(shown)]


@pytest.mark.parametrize("feeling", list(FEELINGS))
def test_mid_band_does_not_read_as_the_high_band(feeling):
    # A 6.1 sits in the band whose lines say "a bit calmer": it must not read "angry"/"very anxious".
    mid, high, low = describe(6.1, feeling), describe(7.0, feeling), describe(3.0, feeling)
    assert len({mid.word, high.word, low.word}) == 3
    assert mid.word not in ("angry", "furious") and "very" not in mid.word


def _seeded_trainee():
    from store import Store

    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    ana = store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana")
    return store, ana


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_practice_meter_is_labelled_with_the_personas_feeling(persona, scenarios):
    from services import practice

    scenario_id, feeling = PERSONAS[persona]
    scenario = scenarios[scenario_id]
    store, ana = _seeded_trainee()
    conv = practice.start(store.as_user(ana), scenario_id, mode="practice")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = ana
    at.session_state["practice_conv"] = conv
    at.run()
    at.switch_page("ui/pages/practice.py").run()
    assert not at.exception, at.exception

    now = round(scenario.start_mood, 1)
    word = describe(now, feeling).word
    bars = [str(getattr(p, "text", "") or "") for p in at.get("progress")]
    assert f"{feeling.capitalize()} {now:.1f}/10 — {word}" in bars, bars
    others = {f for f in FEELINGS if f != feeling}
    assert not any(b.lower().startswith(tuple(others)) for b in bars), bars  # no "Anger" on an anxious customer
    markdown = [str(m.value) for m in at.markdown]
    colour = BAND_MARKDOWN_COLOURS[band(now)]
    assert f"**Customer mood: {feeling}** :{colour}-badge[{word}]" in markdown, markdown


def test_meter_follows_the_mood_after_a_reply(scenarios):
    """After a reply the number moves; the label is re-derived from the new number, not the start."""
    from services import practice

    store, ana = _seeded_trainee()
    scope = store.as_user(ana)
    conv = practice.start(scope, "bank-double-charge-rent", mode="practice")
    for _ in practice.send(scope, conv, "That sounds really frightening with your rent due on Friday. "
                                        "How much was the payment?"):
        pass
    turns = scope.get_turns(conv)
    now = round(float([t for t in turns if t["role"] == "customer"][-1]["mood"]), 1)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = ana
    at.session_state["practice_conv"] = conv
    at.run()
    at.switch_page("ui/pages/practice.py").run()
    assert not at.exception, at.exception
    bars = [str(getattr(p, "text", "") or "") for p in at.get("progress")]
    assert f"Anxiety {now:.1f}/10 — {describe(now, 'anxiety').word}" in bars, bars
