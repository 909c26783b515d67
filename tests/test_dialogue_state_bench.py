"""The dialogue-state bench's predicates (bench/dialogue_state.py) on hand-made reply sequences: each rule
passes a reply a person would accept and fails one a person would not."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import dialogue_state as ds  # noqa: E402

OPEN = "My internet has been down for three days and I work from home. When is it going to be fixed?"


def played(turns, replies, moods=None, opening=OPEN, ended=None, remembered=(), intents=None):
    moods = moods or [7.0] * (len(replies) + 1)
    return ds.Played(opening, list(turns), list(replies), list(moods), ended, list(remembered),
                     list(intents or ["answer"] * len(replies)))


COMMIT = "I'm Jo and this fault is mine now; I'll ring you at 11am tomorrow with the engineer's slot."


# -- remembers_commitment ---------------------------------------------------------------------------
@pytest.mark.parametrize("reply", [
    "Who's actually going to deal with this, then?",
    "Fine. And when will I hear back from anyone?",
    "I need a name. Give me a name.",
    "Will somebody even ring me this time?",
])
def test_remembers_commitment_fails_when_the_commitment_is_asked_for_again(reply):
    p = played([COMMIT, "Let me look at the line."], ["Okay, 11 tomorrow then.", reply])
    assert ds.judge_remembers_commitment(p)


@pytest.mark.parametrize("reply", [
    "Right. Just don't forget that call.",
    "You'll ring at 11 — will you actually, though?",   # holds the committed time: a reflection
    "And what's the reference?",                          # no reference was committed
])
def test_remembers_commitment_passes_replies_that_do_not_reask(reply):
    p = played([COMMIT, "Let me look at the line."], ["Okay.", reply])
    assert ds.judge_remembers_commitment(p) == ""


def test_remembers_commitment_last_question_about_it_needs_the_commitment_in_the_reply():
    turns = [COMMIT, "Bear with me.", "Remind me, when did I say I'd phone?"]
    assert ds.judge_remembers_commitment(played(turns, ["Okay.", "Fine.", "No idea, sorry."]))
    assert ds.judge_remembers_commitment(played(turns, ["Okay.", "Fine.", "Eleven tomorrow, you said — 11am."])) == ""
    # the Director's remembered commitment counts as reflecting it
    assert ds.judge_remembers_commitment(played(turns, ["Okay.", "Fine.", "First thing tomorrow, Jo."],
                                                remembered=["Jo"])) == ""


def test_remembers_commitment_without_a_commitment_is_an_invalid_check():
    assert ds.judge_remembers_commitment(played(["Hello there."], ["Hi."])).startswith("invalid check")


# -- already_told -----------------------------------------------------------------------------------
@pytest.mark.parametrize("reply", [
    "I've already told you — three days.",
    "As I said, it's been three days.",
    "Three days. For the second time.",
    "You asked me that a minute ago. Three days.",
    "Like I said, three days.",
])
def test_already_told_passes_replies_that_show_it_was_said(reply):
    assert ds.judge_already_told(played(["How long has it been down?"], [reply]), ["three days"]) == ""


@pytest.mark.parametrize("reply", ["Three days.", "It's been three days now.", "I don't know, does it matter?"])
def test_already_told_fails_a_plain_repeat_or_a_dont_know(reply):
    assert ds.judge_already_told(played(["How long has it been down?"], [reply]), ["three days"])


def test_already_told_detail_never_given_is_an_invalid_check():
    out = ds.judge_already_told(played(["What's your postcode?"], ["As I said, LS1."]), ["BD7"])
    assert out.startswith("invalid check")


# -- presses_unanswered -----------------------------------------------------------------------------
EVADE = ["Thanks for calling.", "Can I take your account number?", "Our network is very busy."]


def test_presses_unanswered_passes_when_a_reply_re_asks_and_mood_holds():
    replies = ["Okay.", "It's 5512.", "So when will it be fixed? I need a date."]
    assert ds.judge_presses_unanswered(played(EVADE, replies, [7, 7.5, 7.5, 8.2])) == ""
    said_unanswered = ["Okay.", "It's 5512.", "You still haven't answered me."]
    assert ds.judge_presses_unanswered(played(EVADE, said_unanswered, [7, 7.5, 7.5, 8])) == ""


def test_presses_unanswered_fails_when_no_reply_presses_or_the_mood_falls():
    quiet = ["Okay.", "It's 5512.", "Right, thanks for checking."]
    assert ds.judge_presses_unanswered(played(EVADE, quiet, [7, 7.5, 7.5, 8]))
    calmer = ["Okay.", "It's 5512.", "When is it going to be fixed?"]
    assert "mood fell" in ds.judge_presses_unanswered(played(EVADE, calmer, [7, 7.5, 7.0, 6.0]))


def test_a_plan_question_presses_a_plan_demand_in_other_words():
    opening = "The flight's gone and I'm stuck here. What are you going to do?"
    replies = ["Fine.", "Sure.", "So what happens now?"]
    assert ds.judge_presses_unanswered(played(EVADE, replies, [8, 8, 8, 8.5], opening=opening)) == ""


def test_a_statement_echo_is_not_an_ask():
    assert not ds.is_ask("Okay, what's different is that you're sending it today.")
    assert ds.is_ask("when will it come")


# -- no_early_goodbye -------------------------------------------------------------------------------
@pytest.mark.parametrize("reply", ["Okay, thanks. Bye.", "Right, have a good day then.", "Cheers, take care."])
def test_no_early_goodbye_fails_a_farewell(reply):
    assert ds.judge_no_early_goodbye(played(["Anything else I can do?"], [reply]))


def test_no_early_goodbye_fails_an_ended_call_but_excuses_a_hot_walkout():
    assert ds.judge_no_early_goodbye(played(["One moment please."], ["Okay."], ended="resolved"))
    hot = played(["Not my problem.", "One moment."], ["Excuse me?", "I'm done with this."], [7, 9.2, 9.8],
                 ended="walked_out")
    assert ds.judge_no_early_goodbye(hot) == ""
    cool = played(["Thanks for that.", "One moment."], ["Okay.", "Forget it."], [7, 6, 6.5], ended="walked_out")
    assert ds.judge_no_early_goodbye(cool)
    assert ds.judge_no_early_goodbye(played(["One moment."], ["Sure, I'll wait."])) == ""


# -- no_hollow_accept -------------------------------------------------------------------------------
@pytest.mark.parametrize("reply", ["Okay, that sounds good.", "Thank you so much.", "That's a relief.",
                                   "Right, I'll take that."])
def test_no_hollow_accept_fails_thanks_or_acceptance(reply):
    assert ds.judge_no_hollow_accept(played(["I totally get it."], [reply], [7, 7]))


@pytest.mark.parametrize("reply", ["Getting it doesn't fix it.", "Thanks for listening, but what happens now?",
                                   "Oh great, another apology.", "Thanks for taking it seriously. I still need it fixed.",
                                   "You're very patient, thank you. I just don't want to run out."])
def test_no_hollow_accept_passes_unmoved_replies(reply):
    assert ds.judge_no_hollow_accept(played(["I totally get it."], [reply], [7, 7.2])) == ""


def test_no_hollow_accept_fails_a_mood_drop_of_one_point():
    assert "mood fell" in ds.judge_no_hollow_accept(played(["I hear you."], ["Mm."], [7, 6.0]))
    assert ds.judge_no_hollow_accept(played(["I hear you."], ["Mm."], [7, 6.4])) == ""


# -- answer_then_move_on ----------------------------------------------------------------------------
def test_answer_then_move_on():
    turn = ["An engineer is booked for 8am tomorrow and it'll be fixed by noon."]
    assert ds.judge_answer_then_move_on(played(turn, ["8am. And if he doesn't show?"])) == ""
    assert ds.judge_answer_then_move_on(played(turn, ["Okay. But when is it going to be fixed?"]))
    assert ds.judge_answer_then_move_on(played(turn, ["That's not what I asked."]))


# -- refers_back ------------------------------------------------------------------------------------
def test_refers_back_on_a_contradiction_needs_the_commitment_or_noticing_it():
    turns = [COMMIT, "So I'll give you a call on Friday."]
    assert ds.judge_refers_back(played(turns, ["Okay.", "Friday, fine."]))
    assert ds.judge_refers_back(played(turns, ["Okay.", "Fine, whenever."]))
    assert ds.judge_refers_back(played(turns, ["Okay.", "Friday? You said 11 tomorrow."])) == ""
    assert ds.judge_refers_back(played(turns, ["Okay.", "Hang on, that's not what you said before."])) == ""


def test_refers_back_on_a_wrap_up():
    turns = [COMMIT, "Is there anything else I can help with?"]
    assert ds.judge_refers_back(played(turns, ["Okay.", "No — just make sure that call comes at 11."])) == ""
    assert ds.judge_refers_back(played(turns, ["Okay.", "No, that's all."])) == ""
    assert ds.judge_refers_back(played(turns, ["Okay.", "No idea. Does it matter?"]))
    assert ds.judge_refers_back(played(turns, ["Okay.", "And who's going to look after it?"]))


# -- the file and the runner --------------------------------------------------------------------------
def test_load_checks_resolves_a_near_scenario_id_and_skips_bad_entries(tmp_path):
    from personas.scenario import load_dir

    scenarios = load_dir(ROOT / "scenarios").scenarios
    f = tmp_path / "c.yaml"
    f.write_text("""
- {id: a, scenario: lost-parcel-birthday, behaviour: already_told, turns: ["Order number?", "Order number?"]}
- {id: b, scenario: nowhere-at-all, behaviour: already_told, turns: ["x"]}
- {id: c, scenario: utility-bill-shock, behaviour: flies, turns: ["x"]}
- {id: d, scenario: utility-bill-shock, behaviour: refers_back, turns: []}
""")
    checks, notes = ds.load_checks(f, scenarios)
    assert [c.id for c in checks] == ["a"] and checks[0].scenario == "lost-parcel-third-call"
    assert len(notes) == 4


def test_main_exits_0_with_a_table_and_2_on_a_bad_file(tmp_path, capsys):
    f = tmp_path / "c.yaml"
    f.write_text("- {id: a, scenario: utility-bill-shock, behaviour: no_hollow_accept, turns: ['Right.', 'I hear you.']}\n")
    assert ds.main(["--checks", str(f), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "| no_hollow_accept" in out and "all" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: a mapping\n")
    assert ds.main(["--checks", str(bad)]) == 2
    assert "cannot read checks file" in capsys.readouterr().err
