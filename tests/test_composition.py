"""Issue 8 item 4: replies composed from parts (acknowledgement + content + pressure), so two attempts read
differently, without repeating a line or changing what the customer says."""
from __future__ import annotations

import re

import pytest

from personas.archetypes import load_archetypes
from personas.director import Director
from personas.scenario import load_dir

SCENARIOS = load_dir("scenarios").scenarios
ARCHETYPES = load_archetypes()
# Questions about each customer's story (not their ID), worded unlike the probe files.
STORY_QUESTIONS = [
    "Talk me through what you have tried already?", "What were you told the last time?",
    "When did this start exactly?", "What would a good outcome look like for you?",
    "What happened after that?", "And where are things now?",
]


def conversation(sid: str, texts: list[str]):
    sc = SCENARIOS[sid]
    d = Director(sc, ARCHETYPES[sc.persona])
    state, beat = d.start()
    history = [{"role": "customer", "text": beat.line}]
    beats = []
    for text in texts:
        if state.ended:
            break
        state, beat, moves = d.step(state, text, history)
        history += [{"role": "trainee", "text": text, "moves": moves}, {"role": "customer", "text": beat.line}]
        beats.append((state.model_copy(deep=True), beat))
    return beats


def pressure_lines(sid: str) -> set[str]:
    arch = ARCHETYPES[SCENARIOS[sid].persona]
    return {x for band in arch.parts.get("pressure", {}).values() for x in band}


@pytest.mark.parametrize("persona", sorted({s.persona for s in SCENARIOS.values()}))
def test_every_archetype_has_pressure_lines_for_upset_bands(persona):
    parts = ARCHETYPES[persona].parts["pressure"]
    assert parts.get("high") and parts.get("mid")
    assert not any("?" in x for band in parts.values() for x in band)  # a statement: it asks nothing to track


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_pressure_follows_an_answer_only_while_nothing_is_done_and_keeps_the_answer(sid):
    beats = conversation(sid, STORY_QUESTIONS)
    seen = 0
    for state, beat in beats:
        if "pressure" in beat.parts:
            seen += 1
            assert beat.parts[-1] == "pressure" and "answer" in beat.parts
            assert SCENARIOS[sid].band(beat.mood) != "low"
            assert not state.commitments and not state.needs_met
            assert beat.reveal and beat.reveal in beat.line  # the answer itself is said whole
    lines = [b.line for _, b in beats]
    assert len(set(lines)) == len(lines)
    said = [x for line in lines for x in pressure_lines(sid) if x in line]
    assert len(said) == len(set(said))  # never the same pressure twice in a conversation
    assert seen <= len(beats)


def test_pressure_varies_between_attempts_and_is_sometimes_absent():
    """Across scenarios and questions, some answers carry pressure and some do not (varied by the turn)."""
    with_p = without = 0
    for sid in SCENARIOS:
        for _, beat in conversation(sid, STORY_QUESTIONS[:3]):
            if beat.intent == "answer":
                with_p += "pressure" in beat.parts
                without += "pressure" not in beat.parts
    assert with_p and without


def test_no_pressure_once_the_agent_has_committed():
    sid = "lost-parcel-third-call"
    beats = conversation(sid, ["My name is Sam and I'll own this; I'll call you back at 5pm today with the courier's answer.",
                               *STORY_QUESTIONS])
    assert all("pressure" not in b.parts for _, b in beats[1:])


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_a_confirmation_before_softening_is_plain(sid):
    """'Yes, that's right.' may come before a softer line when they were put into words; never a demand."""
    sc = SCENARIOS[sid]
    reflection = f"So this is about {sc.summary.rstrip('.').lower()} — that sounds really stressful for you."
    for _, beat in conversation(sid, [reflection, "It sounds like you've been let down and you're worried."]):
        if beat.intent == "soften" and beat.parts and beat.parts[0] == "confirm":
            first = beat.line.split(". ")[0]
            assert not re.search(r"\?|\b(?:so|now|don't)\b", first, re.I), beat.line
