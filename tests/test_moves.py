"""Move detection: customer-service phrasings, context-aware paraphrase, the ESConv model vs baseline."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.transcript import Turn
from scoring import MOVES, detect_batch, detect_moves
from scoring.moves import is_parroting

OPENING = "My internet has been dead for two days and I have a client deadline tomorrow."
CTX = [{"role": "customer", "text": OPENING}]
ESCONV = Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "esconv" / "valid_rl.txt"


@pytest.mark.parametrize("text,move", [
    ("Calm down, sir.", "dismissive"),
    ("It's not a big deal, these things happen.", "dismissive"),
    ("You need to understand our policy states we cannot do that.", "dismissive"),
    ("You should have called us earlier.", "blame"),
    ("You didn't plug the cable in properly.", "blame"),
    ("That's our policy, I can't do anything about it.", "dismissive"),
    ("It's not our fault. That's our policy.", "dismissive"),
    ("Have you tried turning it off and on again? You probably unplugged something.", "blame"),
    ("Your line is still provisioning on our side.", "jargon"),
    ("It's been put in the escalation matrix with ticket ID 4-5-223.", "jargon"),
    ("That breaches the SLA for DSLAM faults.", "jargon"),
    ("That sounds really frustrating.", "reflection"),
    ("You must be so stressed with the deadline.", "reflection"),
    ("I'm sorry, we got this wrong.", "apology"),
    ("I'll book an engineer for tomorrow 8-12.", "next_step"),
    ("To recap: the engineer comes tomorrow morning.", "summary"),
    ("Is there anything else I can help with?", "check_more"),
    ("Thanks for calling, have a great day!", "farewell"),
    ("When did the connection drop?", "question"),
    ("So if I've got this right, your connection has been down two days and the deadline is tomorrow?", "paraphrase"),
    ("By the way, did you watch the football last night?", "off_topic"),
])
def test_detects_customer_service_move(text, move):
    assert move in detect_moves(text, CTX)


@pytest.mark.parametrize("text,move", [
    ("I'll book an engineer for tomorrow morning.", "dismissive"),
    ("That sounds really frustrating.", "blame"),
    ("When did the connection drop?", "off_topic"),
    ("I'm sorry, we got this wrong.", "jargon"),
    ("Calm down, sir.", "reflection"),
])
def test_does_not_detect_unrelated_move(text, move):
    assert move not in detect_moves(text, CTX)


def test_moves_come_back_in_canonical_order_and_vocabulary():
    moves = detect_moves("That sounds frustrating. I'm sorry, we got it wrong. I'll book an engineer for 9am tomorrow. "
                         "Anything else?", CTX)
    assert moves == sorted(moves, key=MOVES.index)
    assert set(moves) <= set(MOVES)
    assert len(MOVES) == 14


def test_paraphrase_needs_the_customers_content():
    text = "So you're saying your connection has been down for two days before your deadline?"
    assert "paraphrase" in detect_moves(text, CTX)
    other = [{"role": "customer", "text": "I was charged twice for my gym membership."}]
    assert "paraphrase" not in detect_moves(text, other)


def test_parroting_is_not_a_paraphrase():
    assert is_parroting(OPENING, CTX)
    assert "paraphrase" not in detect_moves(OPENING, CTX)
    assert not is_parroting("So your connection's been out since Tuesday and the client wants the file tomorrow?", CTX)


def test_context_accepts_turn_models_and_mappings():
    as_models = [Turn(role="customer", text=OPENING)]
    text = "So you're saying the connection has been dead two days?"
    assert detect_moves(text, as_models) == detect_moves(text, CTX)


@pytest.mark.parametrize("text", ["", "   ", "?!", "x" * 20000])
def test_odd_input_does_not_crash(text):
    assert isinstance(detect_moves(text, CTX), list)


def test_batch_matches_single_calls():
    items = [("Calm down.", CTX), ("That sounds frustrating.", CTX), ("Anything else?", [])]
    assert detect_batch(items) == [detect_moves(t, c) for t, c in items]


ANNOMI = Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "annomi" / "annomi_dev.csv"


@pytest.fixture
def move_mode(monkeypatch):
    """Switch TALKDOWN_MOVE_MODEL for one test; the model is reloaded for the setting and after it."""
    from core.settings import get_settings
    from scoring import model

    def switch(mode: str) -> None:
        monkeypatch.setenv("TALKDOWN_MOVE_MODEL", mode)
        get_settings.cache_clear()
        model.reload()

    yield switch
    monkeypatch.delenv("TALKDOWN_MOVE_MODEL", raising=False)
    get_settings.cache_clear()
    model.reload()


# The ESConv model must beat the keyword baseline clearly; the default rules (no ESConv-derived
# weights) by less: they were not fitted to ESConv's labels, and ESConv valid is not their target.
@pytest.mark.skipif(not ESCONV.exists(), reason="ESConv valid split not present")
@pytest.mark.parametrize("mode, margin", [("esconv", 0.05), ("rules", 0.02)])
def test_esconv_slice_beats_keyword_baseline(move_mode, mode, margin):
    from scoring.esconv import baseline_moves, evaluate, load_examples

    move_mode(mode)
    ex = load_examples(ESCONV)[:800]
    assert evaluate(ex, detect_moves).macro_f1 > evaluate(ex, baseline_moves).macro_f1 + margin


@pytest.mark.skipif(not ANNOMI.exists(), reason="AnnoMI dev half not present")
def test_default_rules_find_expert_labelled_reflections():
    """On AnnoMI dev (expert MI labels) main found reflections with recall 0.25 and macro-F1 0.56 (keyword
    baseline 0.55); the default rules must keep a clear lead over the baseline on both."""
    from scoring import annomi
    from scoring.esconv import baseline_moves

    ex = annomi.load_examples(ANNOMI)
    ours, base = annomi.evaluate(ex, detect_moves), annomi.evaluate(ex, baseline_moves)
    assert ours.per_move["reflection"][1] >= 0.5
    assert ours.macro_f1 >= base.macro_f1 + 0.12


def test_esconv_model_is_opt_in(move_mode):
    from scoring import model

    move_mode("rules")
    assert model.get_model() is None and model.mode() == "rules"
    move_mode("esconv")
    assert model.get_model() is not None and model.mode() == "esconv"


def test_bad_move_model_setting_is_refused(monkeypatch):
    from pydantic import ValidationError

    from core.settings import Settings

    monkeypatch.setenv("TALKDOWN_MOVE_MODEL", "gpt")
    with pytest.raises(ValidationError):
        Settings()


STORY = [{"role": "customer", "text": "I've rung three times about the refund and every time someone promises to "
                                      "call back. I'm starting to think nobody there actually cares."}]


@pytest.mark.parametrize("text", [
    # restating content or feeling, the way a counsellor would, without the classic cue words
    "You've been promised a call back three times and nobody followed through.",
    "Three calls, and still nothing.",
    "Okay, so you're left wondering whether anyone here is listening at all.",
    "It feels to you like you're the only one who cares about getting this fixed.",
    "You'd like someone to own this instead of passing you on again.",
    "I get the feeling that you're close to giving up on us.",
])
def test_counsellor_style_reflections_are_found(text):
    assert {"paraphrase", "reflection"} & set(detect_moves(text, STORY)), text


@pytest.mark.parametrize("text", [
    "I'll call you back myself before five today.",
    "When did you first ask for the refund?",
    "Refunds usually take three to five working days to reach your card.",
    "Let me pull up your account.",
    "You should have kept the confirmation email.",
    "What are you most worried about with the refund?",
])
def test_own_information_plans_and_questions_are_not_reflections(text):
    assert not {"paraphrase", "reflection"} & set(detect_moves(text, STORY)), text


@pytest.mark.parametrize("text, question", [
    ("Have you tried switching the router off and on again?", False),
    ("Would you consider paying by card instead?", False),
    ("What have you tried so far?", True),
    ("Tell me a bit more about the calls you've had.", True),
])
def test_suggestions_phrased_as_questions_are_not_probing_questions(text, question):
    assert ("question" in detect_moves(text, STORY)) is question


@pytest.mark.parametrize("text", ["I know you'll get through this.", "That's a really sensible plan.",
                                  "You're clearly very capable.", "Hang in there, things will get better."])
def test_reassurance_is_an_affirmation(text):
    assert "affirmation" in detect_moves(text, STORY)


def test_a_turn_that_finishes_a_reflection_is_one():
    ctx = [*STORY, {"role": "trainee", "text": "So you've called three times and-"},
           {"role": "customer", "text": "Yes."}]
    assert {"paraphrase", "reflection"} & set(detect_moves("-and each time the call back never came.", ctx))
    ctx[1] = {"role": "trainee", "text": "I'll check the account and-"}
    assert not {"paraphrase", "reflection"} & set(detect_moves("-and then the refund page.", ctx))


def test_tfidf_model_inference_matches_scikit_learn():
    """The numpy model reproduces the trainer's tf-idf + L2 + softmax exactly (up to float16 weights)."""
    pytest.importorskip("sklearn")
    import numpy as np

    from scoring.model import MoveModel
    from scoring.train import _fit

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    feats = [list(rng.choice(words, size=rng.integers(1, 8))) for _ in range(300)]
    labels = ["question" if "w1" in f or "w2" in f else ("reflection" if "w3" in f else "Others") for f in feats]
    vocab, clf, idf = _fit(feats, labels, c=1.0)
    m = MoveModel.from_sklearn(vocab, clf, {"question": 0.5}, idf)
    index = {f: i for i, f in enumerate(vocab)}
    for fs in feats[:20]:
        present = sorted({index[f] for f in fs if f in index})
        x = np.zeros((1, len(vocab)), dtype=np.float32)
        x[0, present] = idf[present] / np.sqrt(idf[present] @ idf[present])
        assert np.allclose(m.probabilities(fs), clf.predict_proba(x)[0], atol=1e-4)


def test_saved_model_round_trips_its_idf(tmp_path):
    import numpy as np

    from scoring.model import MoveModel

    m = MoveModel(["a", "b"], np.array([[1.0, -1.0], [0.5, 0.0]]), np.zeros(2), ["question", "Others"],
                  {"question": 0.4}, idf=np.array([1.0, 2.0]))
    m.save(tmp_path / "m.npz")
    back = MoveModel.load(tmp_path / "m.npz")
    assert back.idf is not None and np.allclose(back.probabilities(["a", "b"]), m.probabilities(["a", "b"]), atol=1e-3)
    assert back.thresholds == {"question": pytest.approx(0.4)}


def test_model_can_be_swapped_for_cross_validation():
    from scoring import model

    original = model.get_model()
    try:
        model.use(None)  # rules alone still detect the customer-service moves
        assert "reflection" in detect_moves("That sounds really frustrating.", CTX)
    finally:
        model.reload()
    assert model.get_model() is not original or original is None  # reloaded from disk


def test_paraphrase_content_match_tolerates_word_forms():
    ctx = [{"role": "customer", "text": "I am really depressed because of my friends."}]
    assert "paraphrase" in detect_moves("So you're saying your friend's actions left you feeling low and hopeless "
                                        "about it all?", ctx)


def test_features_do_not_depend_on_hash_seed():
    """Training must be reproducible and a turn must get the same moves in every process."""
    import os
    import subprocess
    import sys

    code = ("from scoring.features import features_for; print(features_for('So your router and modem and cable "
            "all failed again?', [{'role': 'customer', 'text': 'My router, modem and cable failed again today.'}]))")
    root = str(Path(__file__).resolve().parents[1])
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1


OUTAGE_CTX = [{"role": "customer", "text": "My internet has been dead for two days and I have a client deadline "
                                           "tomorrow. What are you going to do about it?"}]


@pytest.mark.parametrize("text", [
    "I'm booking an engineer for tomorrow morning at 8am.",
    "I'll rebook all three of you on the 06:30 flight, landing at 09:30.",
    "I'll use your actual reading to correct the bill today, and I'll hold the direct debit.",
    "We're sending a replacement by courier today.",
])
def test_concrete_actions_in_everyday_phrasing_are_next_steps(text):
    assert "next_step" in detect_moves(text, OUTAGE_CTX)


@pytest.mark.parametrize("text,blame", [
    ("You shouldn't have been charged.", False),
    ("You should not have been billed twice.", False),
    ("You should have called us earlier.", True),
    ("You shouldn't have unplugged it.", True),
    ("It's not your fault at all, and I'm sorry this happened.", False),
    ("This isn't your fault.", False),
    ("That's your fault for not checking.", True),
])
def test_taking_the_customers_side_is_not_blame(text, blame):
    assert ("blame" in detect_moves(text, OUTAGE_CTX)) is blame


def test_an_open_question_after_a_restatement_is_still_a_question():
    """ESConv files such turns under Restatement, and its model vetoed the question; the Director needs
    it to hand over the fact asked for, and a coach counts it."""
    opening = ("My flight to Lisbon has just been cancelled by text at ten to eleven at night. My sister gets "
               "married tomorrow and I'm the best man. What are you going to do?")
    text = ("So your flight to Lisbon was cancelled last night and you're the best man tomorrow. "
            "When do you need to be there?")
    assert {"question", "paraphrase"} <= set(detect_moves(text, [{"role": "customer", "text": opening}]))


@pytest.mark.parametrize("text, expected", [
    ("That's our policy, I can't do anything about it.", ["dismissive"]),
    ("It's not your fault at all.", ["affirmation"]),
    # setting a limit while offering action is not a brush-off
    ("I can't do anything about the outage itself, but I can book an engineer for 8am tomorrow.", ["next_step"]),
])
def test_policy_walls_and_reassurance_about_fault(text, expected):
    """A policy wall used to pass as an affirmation (the ESConv model's reading) and "not your fault" as blame."""
    assert detect_moves(text, OUTAGE_CTX) == expected


@pytest.mark.parametrize("text, question", [
    ("Is there anything else I can help with?", False),
    ("To sum up: the engineer comes at 8am. Is there anything else I can help with?", False),
    ("What time is the wedding? Is there anything else?", True),
])
def test_the_check_for_more_is_not_a_probing_question(text, question):
    moves = detect_moves(text, OUTAGE_CTX)
    assert "check_more" in moves and ("question" in moves) is question


def test_a_restatement_of_three_customer_points_is_a_paraphrase_whatever_the_model_reads():
    """'So the parcel was marked delivered … nobody called you back' was missed: the model vetoed it."""
    ctx = [{"role": "customer", "text": "This is the third time I'm calling about the same parcel. It says delivered, "
                                        "it isn't here, and twice I've been promised a callback that never came."},
           {"role": "trainee", "text": "I'm sorry."},
           {"role": "customer", "text": "Okay, you've heard me."}]
    assert "paraphrase" in detect_moves("So the parcel was marked delivered eight days ago but never arrived, and "
                                        "nobody called you back. What does the delivery photo show?", ctx)
    assert "paraphrase" not in detect_moves("So what does the delivery photo show?", ctx)


def test_bench_move_validity_table_has_each_mode_beside_the_baseline(tmp_path, capsys):
    """bench/scoring.py prints AnnoMI, ESConv and CS-test macro-F1 for rules, cs, esconv and the baseline in one run."""
    import importlib.util
    import json

    from scoring import model

    spec = importlib.util.spec_from_file_location("scoring_bench", Path(__file__).resolve().parents[1] / "bench" / "scoring.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    a = tmp_path / "a.csv"
    a.write_text("transcript_id,interlocutor,utterance_text,main_therapist_behaviour\n"
                 "1,client,I keep missing my tablets.,n/a\n1,therapist,What gets in the way?,question\n"
                 "1,therapist,You're finding it hard to remember them.,reflection\n")
    e = tmp_path / "e.txt"
    e.write_text(json.dumps({"dialog": [{"speaker": "usr", "text": "I feel so alone."},
                                        {"speaker": "sys", "text": "How long has it been?", "strategy": "Question"}]}))
    c = tmp_path / "c.jsonl"
    c.write_text(json.dumps({"id": "t1", "domain": "telecom", "context": "My broadband keeps dropping.",
                             "text": "When did it start dropping?", "moves": ["question"], "split": "test"}) + "\n")
    before = model.get_model()
    table = bench.move_validity(a, e, c)
    assert list(table) == ["rules", "cs", "esconv", "keyword baseline"]
    assert table["rules"]["annomi"] == 1.0  # both utterances found, nothing else claimed
    assert all(set(row) == {"annomi", "esconv", "cs4", "cs14"} for name, row in table.items() if name != "keyword baseline")
    assert set(table["keyword baseline"]) == {"annomi", "esconv", "cs4"}  # it knows four moves, not 14
    after = model.get_model()  # the process's own mode is restored (reloaded from its file)
    assert (after is None) == (before is None) and (after is None or after.combine == before.combine)
    assert bench.move_validity(tmp_path / "none.csv", tmp_path / "none.txt", tmp_path / "none.jsonl")["rules"] == {}
