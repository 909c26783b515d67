"""Reports: DESIGN.md shape, verbatim quotes, and the ordering a coach would expect."""
from __future__ import annotations

import json
import random

import pytest

from core.transcript import Transcript, parse_transcript
from personas.scenario import load_dir
from scoring import Report, score
from scoring.report import render_text
from tests.conftest import ROOT

SCENARIO = load_dir(ROOT / "scenarios").scenarios["internet-outage-remote-worker"]

# (topic words, customer opening, good handling, bad handling) per scenario-like setting.
CASES = {
    "internet": (
        "Finally! My internet has been dead for two days and I have a client deadline tomorrow.",
        ["That sounds really frustrating, especially with your deadline. So your connection has been down two days "
         "and the file is due tomorrow — is that right?",
         "I'm sorry, we got this wrong. I'll book an engineer for tomorrow 8-12 and add mobile data today.",
         "To recap: engineer tomorrow 8-12, data boost within the hour. Is there anything else I can help with?",
         "Thanks for your patience. Take care!"],
        ["Calm down, sir. You need to understand our policy states repairs take time.",
         "You should have restarted your router. Your ticket ID 4-5-223 is pending provisioning.",
         "By the way, did you watch the football last night?",
         "It is what it is."]),
    "parcel": (
        "My parcel never arrived and it was my daughter's birthday present. I'm so upset.",
        ["Oh no, that must be really upsetting with her birthday. So the present you ordered never turned up — "
         "is that right?",
         "I'm so sorry, we let you down. I'll send a replacement by express today so it arrives tomorrow.",
         "Just to confirm: replacement sent today, arriving tomorrow by noon. Anything else I can help with?",
         "Thank you for bearing with me. Have a lovely day!"],
        ["Relax, parcels go missing all the time, it's not a big deal.",
         "You didn't choose tracked delivery, so that's on you.",
         "Have you seen our new premium package promotion?",
         "Nothing we can do."]),
    "billing": (
        "I've been charged twice this month and now I can't pay my rent. I'm really worried.",
        ["That sounds really worrying, especially with rent due. So you've been charged twice this month and it's "
         "left you short — is that right?",
         "I'm sorry, that's our mistake. I'll refund the duplicate charge today; it will reach your account within "
         "2 days.",
         "To recap: refund issued today, in your account within 2 days. Is there anything else?",
         "Thanks for your patience. Goodbye!"],
        ["Calm down. As per our terms, billing disputes take 30 days.",
         "You should have checked your statement sooner.",
         "Anyway, the weather has been lovely lately, hasn't it?",
         "Whatever, you'll have to wait."]),
}


def _transcript(opening: str, trainee: list[str], good: bool, scenario_id: str = "") -> Transcript:
    turns = [{"role": "customer", "text": opening, "mood": 8}]
    replies_good = ["Yes, exactly.", "Okay, that helps.", "No, that's all, thanks."]
    replies_bad = ["Don't tell me to calm down!", "I did! This is pointless.", "What? I'm leaving."]
    for i, t in enumerate(trainee):
        turns.append({"role": "trainee", "text": t})
        if i < 3:
            turns.append({"role": "customer", "text": (replies_good if good else replies_bad)[i],
                          "mood": (6 - 2 * i) if good else 9})
    return parse_transcript({"scenario_id": scenario_id, "turns": turns})


DIMS = ("active_listening", "paraphrasing", "empathy", "focus", "closure")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dim", DIMS)
def test_good_handling_beats_dismissive_on_every_dimension(case, dim):
    opening, good, bad = CASES[case]
    scenario = SCENARIO if case == "internet" else None
    sid = SCENARIO.id if scenario else ""
    g = score(_transcript(opening, good, True, sid), scenario)
    b = score(_transcript(opening, bad, False, sid), scenario)
    assert g.dimensions[dim].score > b.dimensions[dim].score
    assert g.overall > b.overall + 30


def test_report_has_the_design_shape():
    opening, good, _ = CASES["internet"]
    r = score(_transcript(opening, good, True, SCENARIO.id), SCENARIO)
    data = json.loads(r.model_dump_json())
    assert set(data["dimensions"]) == set(DIMS)
    for d in data["dimensions"].values():
        assert 0 <= d["score"] <= 100 and isinstance(d["evidence"], list) and isinstance(d["advice"], list)
    assert [t["turn"] for t in data["turns"]] == list(range(1, len(data["turns"]) + 1))
    assert data["outcome"]["mood_start"] == 8 and data["outcome"]["mood_end"] == 2
    assert data["judge"] is None


def test_outcome_uses_end_reason_when_present():
    opening, good, _ = CASES["internet"]
    t = _transcript(opening, good, True, SCENARIO.id)
    assert score(t, SCENARIO).outcome.resolved
    walked = parse_transcript({**t.model_dump(), "end_reason": "walked_out"})
    out = score(walked, SCENARIO).outcome
    assert out.resolved is False and out.end_reason == "walked_out"


def test_advice_quotes_the_trainee_and_mentions_the_scenario():
    opening, _, bad = CASES["internet"]
    r = score(_transcript(opening, bad, False, SCENARIO.id), SCENARIO)
    advice = r.dimensions["empathy"].advice
    assert any(a.startswith('Instead of "Calm down, sir."') for a in advice)
    assert any("internet" in a for d in r.dimensions.values() for a in d.advice)


def _all_quotes_verbatim(t: Transcript, r: Report) -> None:
    for d in r.dimensions.values():
        for e in d.evidence:
            assert e.quote and e.quote in t.turns[e.turn - 1].text
            assert t.turns[e.turn - 1].role == "trainee"


@pytest.mark.parametrize("seed", range(25))
def test_quotes_are_verbatim_over_random_transcripts(seed):
    rng = random.Random(seed)
    pool = [line for _, good, bad in CASES.values() for line in good + bad] + [
        "Hmm.", "ok", "So... you're saying it's broken?!", "Line one\nline two. Three!", "“Curly” quotes — dashes…"]
    openings = [c[0] for c in CASES.values()]
    turns = []
    for _ in range(rng.randint(1, 12)):
        turns.append({"role": "customer", "text": rng.choice(openings), "mood": rng.uniform(0, 10)})
        turns.append({"role": "trainee", "text": rng.choice(pool)})
    t = parse_transcript({"scenario_id": "x", "turns": turns})
    scenario = SCENARIO if seed % 2 else None
    r = score(t, scenario)
    _all_quotes_verbatim(t, r)
    assert r == score(t, scenario)  # deterministic


def test_rubric_weights_change_overall():
    opening, good, _ = CASES["internet"]
    t = _transcript(opening, good, True, SCENARIO.id)
    base = score(t, SCENARIO)
    only_para = SCENARIO.model_copy(update={"rubric_weights": {"active_listening": 0, "paraphrasing": 1, "empathy": 0,
                                                               "focus": 0, "closure": 0}})
    assert score(t, only_para).overall == base.dimensions["paraphrasing"].score


def test_render_text_lists_scores_and_advice():
    opening, _, bad = CASES["internet"]
    text = render_text(score(_transcript(opening, bad, False)))
    assert "Empathy:" in text and 'Instead of "' in text


@pytest.mark.parametrize("apology,scripted", [
    ("I'm really sorry — two days without internet before a deadline sounds incredibly stressful.", False),
    ("Sorry for any inconvenience.", True),
])
def test_an_apology_that_names_the_feeling_is_not_called_scripted(apology, scripted):
    from core.transcript import Transcript
    from scoring import score

    t = Transcript.model_validate({"scenario_id": "x", "turns": [
        {"role": "customer", "text": "My internet has been down for two days and I have a deadline tomorrow!"},
        {"role": "trainee", "text": apology}]})
    whys = [e.why for e in score(t).dimensions["empathy"].evidence]
    assert any("scripted" in w for w in whys) is scripted


def test_focus_drops_when_the_trainee_never_takes_up_the_customers_issue():
    opening = "My internet has been down for two days and I have a client deadline tomorrow."

    def focus(trainee):
        turns = []
        for line in trainee:
            turns += [{"role": "customer", "text": opening, "mood": 8}, {"role": "trainee", "text": line}]
        return score(parse_transcript({"scenario_id": "", "turns": turns}), None).dimensions["focus"]

    lecture = focus(["Calm down, please.", "Our policy is very clear on this, I'm afraid.", "Okay."])
    on_it = focus(["Two days offline before a client deadline is a lot.", "Let me look at your connection now.",
                   "Okay, so the internet dropped two days ago."])
    assert on_it.score - lecture.score >= 25
    assert any(e.why == "does not take up the customer's issue" and e.quote == "Calm down, please."
               for e in lecture.evidence)
    assert not any("does not take up" in e.why for e in on_it.evidence)


def test_evidence_says_whether_it_is_a_strength_or_something_to_work_on():
    """The report listed 'does not respond…' among the praise: each piece now carries its kind."""
    opening, good, bad = CASES["internet"]
    for trainee, wanted in ((good, "strength"), (bad, "gap")):
        r = score(_transcript(opening, trainee, trainee is good, SCENARIO.id), SCENARIO)
        kinds = {e.kind for d in r.dimensions.values() for e in d.evidence}
        assert wanted in kinds
    bad_report = score(_transcript(opening, bad, False, SCENARIO.id), SCENARIO)
    empathy = bad_report.dimensions["empathy"].evidence
    flagged = [e for e in empathy if "dismisses" in e.why or "blames" in e.why]
    assert flagged and all(e.kind == "gap" for e in flagged)
    assert "  - turn " in render_text(bad_report)
    good_report = score(_transcript(opening, good, True, SCENARIO.id), SCENARIO)
    assert all(e.kind == "strength" for e in good_report.dimensions["empathy"].evidence)
    assert "  + turn " in render_text(good_report)
