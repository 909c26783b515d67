"""Issue 9, point 6: beside each suggestion, the customer's predicted reaction (the Director replayed)."""
from __future__ import annotations

from core.transcript import parse_transcript
from personas.actors import Actor, get_backend
from personas.archetypes import get_archetype
from personas.engine import PracticeEngine
from personas.scenario import load_dir
from personas.whatif import WhatIf, add_predictions, describe, suggested_turn
from scoring import score
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios


def _play(sc, lines):
    return PracticeEngine(sc, get_archetype(sc.persona), Actor(get_backend("scripted"))).play(lines)


def test_a_line_that_really_calms_is_predicted_lower_than_the_hollow_one():
    sc = SCENARIOS["internet-outage-remote-worker"]
    t = _play(sc, ["I understand your frustration.", "I understand.", "Okay."])
    w = WhatIf(sc, turns=t["turns"])
    before, hollow = w.level_after(2, "I understand your frustration.")
    _, good = w.level_after(2, "Two days offline right before your client deadline — that's really stressful. I'm "
                               "sorry, that's on us: I'll book an engineer for tomorrow at 8am and add a 20 GB mobile "
                               "data boost now so you can work today.")
    assert good < hollow
    assert good < before


def test_the_report_carries_predictions_and_the_actual_matches_the_conversation():
    sc = SCENARIOS["internet-outage-remote-worker"]
    t = _play(sc, (ROOT / "personas/examples/dismissive.txt").read_text().splitlines())
    report = add_predictions(score(parse_transcript(t), sc), t, sc)
    preds = [(sg, sg.predicted) for d in report.dimensions.values() for sg in d.suggestions]
    assert preds and all(p is not None for _, p in preds)
    for sg, p in preds:
        assert p.feeling == get_archetype(sc.persona).feeling
        recorded = t["turns"][sg.turn]["mood"]  # the customer's reply to that trainee turn
        assert abs(p.actual - recorded) < 0.06
        assert abs(p.before - t["turns"][sg.turn - 2]["mood"]) < 0.06
    # Advice that replaces "Calm down" with a reflection is shown to calm this customer.
    calm = [p for sg, p in preds if sg.original.startswith("Calm down")]
    assert calm and all(p.suggested < p.actual for p in calm)
    assert "instead of" in describe(calm[0]) and describe(calm[0]).startswith(calm[0].feeling)


def test_predictions_work_on_the_stored_json_too():
    sc = SCENARIOS["lost-parcel-third-call"]
    t = _play(sc, (ROOT / "personas/examples/dismissive_generic.txt").read_text().splitlines())
    data = score(parse_transcript(t), sc).model_dump(mode="json")
    add_predictions(data, t, sc)
    preds = [sg["predicted"] for d in data["dimensions"].values() for sg in d["suggestions"]]
    assert preds and all(p and {"feeling", "before", "actual", "suggested"} <= set(p) for p in preds)


def test_the_suggested_turn_replaces_only_the_quoted_part():
    assert suggested_turn("Okay. Calm down, sir.", "Calm down, sir.", "That sounds stressful.") == \
        "Okay. That sounds stressful."
    assert suggested_turn("Something else", "not in it", "Better.") == "Better."


def test_no_scenario_no_prediction():
    t = {"scenario_id": "", "turns": [{"role": "customer", "text": "Hi"}, {"role": "trainee", "text": "Calm down."}]}
    r = score(parse_transcript(t))
    assert add_predictions(r, t, None) is r
    assert all(sg.predicted is None for d in r.dimensions.values() for sg in d.suggestions)


def test_the_service_attaches_predictions(monkeypatch):
    from services.practice import score_transcript

    monkeypatch.setenv("TALKDOWN_JUDGE", "false")
    sc = SCENARIOS["internet-outage-remote-worker"]
    t = _play(sc, (ROOT / "personas/examples/dismissive.txt").read_text().splitlines())
    data = score_transcript(t, sc)
    preds = [sg["predicted"] for d in data["dimensions"].values() for sg in d["suggestions"]]
    assert preds and all(preds)
