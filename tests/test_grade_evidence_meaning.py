"""Evidence, strengths and advice a coach would sign, read by what a line does, not by its wording
(bench/GRADE_FINDINGS.md sections C-G). Every wording here is new: none is taken from the findings or the
probe scripts, so the tests measure whether the grade generalises."""
from __future__ import annotations

import pytest

from core.transcript import parse_transcript
from personas.scenario import load_dir
from scoring import score
from scoring.evidence import quote, sentences
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios

NET = ("My internet has been dead for two days, I've been on hold forever, and I have a client deadline tomorrow. "
       "What are you going to do about it?")
BILL = "Hello, I've had my bill and it says six hundred and ten pounds. It's usually about a hundred and forty."
BANK = "I've been charged twice for the same thing and my rent goes out on Friday and now there isn't enough money."
PILLS = "My blood pressure tablets aren't ready again and I've only got two left. I put the slip in like always."
PARCEL = ("This is the third time I'm calling about the same parcel. It says delivered, it isn't here, and twice "
          "I've been promised a callback that never came.")
SUB = "I cancelled my membership on the 2nd, I have the email, and you've charged me again."
OPENING = {"internet-outage-remote-worker": NET, "utility-bill-shock": BILL, "bank-double-charge-rent": BANK,
           "pharmacy-refill-delay": PILLS, "lost-parcel-third-call": PARCEL,
           "subscription-cancel-charged-again": SUB}


def _transcript(lines: list[str], sid: str, moods: list[float] | None = None):
    turns = []
    for i, text in enumerate(lines):
        turn = {"role": "customer" if i % 2 == 0 else "trainee", "text": text}
        if i % 2 == 0:
            turn["mood"] = moods[i // 2] if moods else 7.0
        turns.append(turn)
    return parse_transcript({"scenario_id": sid, "turns": turns})


def _score(lines: list[str], sid: str, moods: list[float] | None = None):
    return score(_transcript(lines, sid, moods), SCENARIOS[sid])


def _ev(report, skill: str, turn: int, kind: str) -> list:
    return [e for e in report.dimensions[skill].evidence if e.turn == turn and e.kind == kind]


# ---------------------------------------------------------------------------------------------------------
# 1. Empathy: generic sympathy is not naming the customer's feeling; a specific reflection clearly beats it

GENERIC = [
    ("utility-bill-shock", "That must be so frustrating for you."),
    ("bank-double-charge-rent", "Oh, that sounds incredibly stressful."),
    ("internet-outage-remote-worker", "I can only imagine how upsetting that is."),
    ("pharmacy-refill-delay", "That must be really annoying."),
]


@pytest.mark.parametrize("sid,line", GENERIC, ids=[g[0] for g in GENERIC])
def test_a_generic_feeling_line_is_not_praised_as_naming_the_customers_feeling(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert not _ev(r, "empathy", 2, "strength"), r.dimensions["empathy"].evidence
    assert r.dimensions["empathy"].score <= 38


SPECIFIC = [
    ("internet-outage-remote-worker",
     "Two days without a connection and a client waiting on you tomorrow — that's a horrible position, and being stuck "
     "on hold made it worse."),
    ("utility-bill-shock",
     "A bill for six hundred and ten pounds when you normally pay about a hundred and forty — that's a horrible shock to open."),
    ("bank-double-charge-rent",
     "Being charged twice with the rent due on Friday leaves you short just when you can't afford it — a horrible spot."),
]


@pytest.mark.parametrize("sid,line", SPECIFIC, ids=[s[0] for s in SPECIFIC])
def test_a_specific_reflection_is_a_strength_and_clearly_beats_generic_sympathy(sid, line):
    specific = _score([OPENING[sid], line], sid)
    generic = _score([OPENING[sid], "I totally understand how you feel."], sid)
    nothing = _score([OPENING[sid], "Right, let me have a look."], sid)
    assert _ev(specific, "empathy", 2, "strength"), specific.dimensions["empathy"].evidence
    assert not _ev(specific, "empathy", 2, "gap")
    s, g, z = (x.dimensions["empathy"].score for x in (specific, generic, nothing))
    assert s >= g + 10 and g <= z + 5, (s, g, z)
    # The cap (nothing was done) is explained by advice to follow the reflection with an action.
    assert any(sg.turn == 2 for sg in specific.dimensions["empathy"].suggestions)


def test_a_feeling_the_customer_put_into_words_is_named_and_credited():
    sid = "bank-double-charge-rent"
    lines = [BANK + " I'm honestly panicking about it.", "You sound really anxious, and that makes complete sense."]
    r = _score(lines, sid)
    assert any("feeling" in e.why for e in _ev(r, "empathy", 2, "strength")), r.dimensions["empathy"].evidence


MISREAD = [
    ("bank-double-charge-rent", "I can see you're furious with us."),
    ("pharmacy-refill-delay", "You sound really irritated."),
]


@pytest.mark.parametrize("sid,line", MISREAD, ids=[m[0] for m in MISREAD])
def test_a_misread_feeling_is_a_gap_and_scores_below_saying_nothing(sid, line):
    lines = [OPENING[sid] + " I'm so worried about it.", line]
    r = _score(lines, sid)
    nothing = _score([lines[0], "Right, let me have a look."], sid)
    assert any("did not show" in e.why for e in _ev(r, "empathy", 2, "gap")), r.dimensions["empathy"].evidence
    assert r.dimensions["empathy"].score < nothing.dimensions["empathy"].score


NOT_BLAME = [
    ("lost-parcel-third-call", "I'm sorry — you shouldn't have had to ring us three times for one parcel."),
    ("pharmacy-refill-delay", "Your GP asked you never to skip them, so let's get you some today."),
    ("lost-parcel-third-call", "I'm sorry, you didn't get either of the callbacks you were promised."),
    ("subscription-cancel-charged-again", "You never agreed to another payment — that one is our mistake."),
]


@pytest.mark.parametrize("sid,line", NOT_BLAME, ids=[f"{b[0]}-{i}" for i, b in enumerate(NOT_BLAME)])
def test_taking_the_customers_side_is_not_blaming_them(sid, line):
    r = _score([OPENING[sid], line], sid)
    for skill in ("empathy", "focus"):
        assert not any("blame" in e.why for e in _ev(r, skill, 2, "gap")), r.dimensions[skill].evidence


BLAME = [
    ("lost-parcel-third-call", "You should have checked the tracking page before ringing."),
    ("subscription-cancel-charged-again", "If you'd cancelled through the app like it says, this wouldn't be happening."),
    ("internet-outage-remote-worker", "Well, you didn't plug the new cable in properly, did you?"),
]


@pytest.mark.parametrize("sid,line", BLAME, ids=[b[0] for b in BLAME])
def test_putting_the_fault_on_the_customer_is_an_empathy_and_focus_gap(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert any("blames the customer" in e.why for e in _ev(r, "empathy", 2, "gap")), r.dimensions["empathy"].evidence
    assert _ev(r, "focus", 2, "gap")
    for skill in ("active_listening", "paraphrasing", "empathy", "focus", "closure"):
        assert not _ev(r, skill, 2, "strength"), (skill, r.dimensions[skill].evidence)


# ---------------------------------------------------------------------------------------------------------
# 3. Focus and listening: small talk, "calm down", blame shifted to a third party, capitals and references

SHIFT = [
    ("pharmacy-refill-delay", "That's down to your GP's surgery, not us — you'll need to chase them yourself."),
    ("bank-double-charge-rent", "Page and Quill charged you, so that's between you and them, not the bank."),
    ("lost-parcel-third-call", "The courier lost it, so that's really their problem rather than ours."),
]


@pytest.mark.parametrize("sid,line", SHIFT, ids=[s[0] for s in SHIFT])
def test_blame_shifted_onto_a_third_party_is_named_as_such_not_off_topic_nor_a_paraphrase(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert any("someone else" in e.why for e in _ev(r, "empathy", 2, "gap")), r.dimensions["empathy"].evidence
    focus_gaps = _ev(r, "focus", 2, "gap")
    assert focus_gaps and not any("drifts away" in e.why for e in focus_gaps), focus_gaps
    for skill in ("active_listening", "paraphrasing", "empathy", "focus", "closure"):
        assert not _ev(r, skill, 2, "strength"), (skill, r.dimensions[skill].evidence)


MINIMISE = [
    ("subscription-cancel-charged-again", "There's really no need to get so worked up, it's a few pounds."),
    ("utility-bill-shock", "Honestly, no point stressing about it, these things sort themselves out."),
    ("lost-parcel-third-call", "Don't be so dramatic, it's one late parcel."),
    ("internet-outage-remote-worker", "Settle down please, I'll book an engineer."),
]


@pytest.mark.parametrize("sid,line", MINIMISE, ids=[m[0] for m in MINIMISE])
def test_telling_the_customer_not_to_feel_it_is_a_gap_never_a_strength(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert _ev(r, "empathy", 2, "gap") and _ev(r, "focus", 2, "gap")
    assert not _ev(r, "focus", 2, "strength"), r.dimensions["focus"].evidence


SMALL_TALK = [
    ("internet-outage-remote-worker", "Are you up to anything fun this summer?"),
    ("bank-double-charge-rent", "How's your week been otherwise?"),
    ("utility-bill-shock", "Did you catch the football last night?"),
]


@pytest.mark.parametrize("sid,line", SMALL_TALK, ids=[s[0] for s in SMALL_TALK])
def test_small_talk_is_not_a_listening_strength(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert not _ev(r, "active_listening", 2, "strength"), r.dimensions["active_listening"].evidence


NOT_JARGON = [
    ("lost-parcel-third-call", "I've logged it under reference QX-20931 and I'll ring you at 3pm tomorrow."),
    ("internet-outage-remote-worker", "I AM BOOKING YOUR ENGINEER FOR TOMORROW MORNING RIGHT NOW."),
    ("utility-bill-shock", "Your case number is BR 55102, and I'm putting the bill on hold today."),
]


@pytest.mark.parametrize("sid,line", NOT_JARGON, ids=[j[0] for j in NOT_JARGON])
def test_capitals_and_case_references_are_not_jargon(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert not any("terms the customer" in e.why for e in _ev(r, "focus", 2, "gap")), r.dimensions["focus"].evidence


def test_real_jargon_is_still_named():
    sid = "internet-outage-remote-worker"
    r = _score([NET, "The DSLAM shows a sync rate drop on your line profile."], sid)
    assert any("terms the customer" in e.why for e in _ev(r, "focus", 2, "gap"))


# ---------------------------------------------------------------------------------------------------------
# 2. Closure: a goodbye earns closure only once the problem is addressed; a bare "bye" or a filler is never a
# strength; a vague step is weaker than an owner and a time; a recap said as one is a recap

EARLY_BYE = [
    ("utility-bill-shock", "Right, I've noted that down. Thanks for ringing, all the best!"),
    ("lost-parcel-third-call", "Okay, thanks for letting me know. Have a good evening!"),
    ("subscription-cancel-charged-again", "I see. Well, thank you for calling, goodbye."),
]


@pytest.mark.parametrize("sid,line", EARLY_BYE, ids=[e[0] for e in EARLY_BYE])
def test_a_goodbye_before_anything_is_solved_earns_no_closure_even_if_the_customer_calms(sid, line):
    r = _score([OPENING[sid], line, "Oh. Right."], sid, moods=[7.0, 6.0])
    assert not _ev(r, "closure", 2, "strength"), r.dimensions["closure"].evidence
    assert _ev(r, "closure", 2, "gap")
    assert r.dimensions["closure"].score <= 10


ABRUPT = [
    ("subscription-cancel-charged-again", "I've put the refund through for the second charge.", "Cheers, bye."),
    ("pharmacy-refill-delay", "I'm giving you a week's emergency supply after checking your record.", "Bye then."),
    ("internet-outage-remote-worker", "I've booked an engineer for tomorrow between 8 and 10.", "Okay, bye bye."),
]


@pytest.mark.parametrize("sid,step,bye", ABRUPT, ids=[a[0] for a in ABRUPT])
def test_an_abrupt_bye_is_never_a_closure_strength_and_scores_well_below_a_full_close(sid, step, bye):
    lines = [OPENING[sid], step, "Okay, and then what?", bye]
    abrupt = _score(lines, sid, moods=[7.0, 6.0, 5.5])
    full = _score(lines[:3] + [f"To recap: {step[0].lower() + step[1:]} Is there anything else I can help with? "
                               "Thanks for bearing with me — take care."], sid, moods=[7.0, 6.0, 5.5])
    assert not _ev(abrupt, "closure", 4, "strength"), abrupt.dimensions["closure"].evidence
    assert full.dimensions["closure"].score >= abrupt.dimensions["closure"].score + 25


FILLER_FIRST = [
    ("internet-outage-remote-worker", "Okay. I'll book an engineer for tomorrow at 8am."),
    ("pharmacy-refill-delay", "Right. I'm ringing the surgery now and your tablets will be ready by 3pm."),
    ("lost-parcel-third-call", "Sure. I'm sending a replacement out today by tracked courier."),
]


@pytest.mark.parametrize("sid,line", FILLER_FIRST, ids=[f[0] for f in FILLER_FIRST])
def test_a_filler_is_never_quoted_as_a_strength(sid, line):
    r = _score([OPENING[sid], line], sid)
    filler = line.split(".")[0] + "."
    for skill, d in r.dimensions.items():
        assert not [e for e in d.evidence if e.kind == "strength" and e.quote == filler], (skill, d.evidence)
    assert any(e.kind == "strength" for e in r.dimensions["closure"].evidence + r.dimensions["focus"].evidence)


STEPS = [
    ("lost-parcel-third-call", "Someone will sort a replacement out for you at some stage.",
     "I'm sending a replacement today by tracked courier, and I'll ring you at 10am tomorrow to confirm it's there."),
    ("internet-outage-remote-worker", "I'll try to get an engineer out to you sometime next week, hopefully.",
     "I've booked an engineer for tomorrow between 8 and 10, and I'll text you their name tonight."),
    ("utility-bill-shock", "We may be able to look at the bill again in due course.",
     "I'm re-billing it from your reading today, and I'll call you on Thursday at 2pm with the new figure."),
]


@pytest.mark.parametrize("sid,vague,specific", STEPS, ids=[s[0] for s in STEPS])
def test_a_vague_step_is_weaker_than_one_with_an_owner_and_a_time(sid, vague, specific):
    v = _score([OPENING[sid], vague], sid, moods=[7.0])
    s = _score([OPENING[sid], specific], sid, moods=[7.0])
    assert not any("concrete next step" in e.why for e in _ev(v, "closure", 2, "strength")), v.dimensions["closure"].evidence
    assert any("with a time" in e.why for e in _ev(s, "closure", 2, "strength")), s.dimensions["closure"].evidence
    assert s.dimensions["closure"].score >= v.dimensions["closure"].score + 15
    # The advice keeps the trainee's action and makes it firm, and never suggests the vague line again.
    for sg in v.dimensions["closure"].suggestions:
        assert sg.better != vague


RECAPS = [
    ("pharmacy-refill-delay", "I'll give you seven days' supply now and chase the surgery this morning.",
     "Right then: a week's tablets now, the surgery chased today, and a text when the rest is in. Anything else?"),
    ("internet-outage-remote-worker", "I've booked an engineer for tomorrow at 8 and added a data boost now.",
     "Just to run through it: engineer at 8 tomorrow, the data boost is live, and a credit for the lost days. "
     "Anything else?"),
]


@pytest.mark.parametrize("sid,step,recap", RECAPS, ids=[r[0] for r in RECAPS])
def test_a_recap_said_as_one_is_credited_and_not_replaced_by_less(sid, step, recap):
    r = _score([OPENING[sid], step, "Alright.", recap], sid, moods=[7.0, 5.0])
    assert any("sums up" in e.why for e in _ev(r, "closure", 4, "strength")), r.dimensions["closure"].evidence
    for sg in r.dimensions["closure"].suggestions:
        assert not (sg.turn == 4 and sg.better.startswith("To recap")), sg


# ---------------------------------------------------------------------------------------------------------
# 4. Advice: never garbled from the customer's words, never the harmful line again, fits the turn;
# quotes never cut at an abbreviation

def _all_advice(report) -> list:
    return [sg for d in report.dimensions.values() for sg in d.suggestions]


THANKS = [
    ("utility-bill-shock", "Well, thanks for actually looking into my bill properly.", "for actually looking"),
    ("bank-double-charge-rent", "Thank you for taking the double payment seriously.", "for taking"),
    ("internet-outage-remote-worker", "Cheers for sorting the broadband engineer out so quickly.", "for sorting"),
]


@pytest.mark.parametrize("sid,said,fragment", THANKS, ids=[t[0] for t in THANKS])
def test_advice_is_never_built_from_a_thank_you_or_a_remark_about_the_agent(sid, said, fragment):
    lines = [OPENING[sid], "I'm sorry about that, it's on us.", said, "Okay."]
    r = _score(lines, sid)
    for sg in _all_advice(r):
        assert fragment.lower() not in sg.better.lower(), sg


HARMFUL = [
    ("utility-bill-shock", "Okay, so the bill's high. If you'd sent us your readings we'd never have estimated it.",
     "If you'd sent us your readings"),
    ("pharmacy-refill-delay", "Right, the tablets. That's the surgery's doing, not ours, so ring them yourself.",
     "surgery's doing"),
    ("lost-parcel-third-call", "So the parcel's not arrived. There's no need to get so worked up about it.",
     "no need to get so worked up"),
    ("internet-outage-remote-worker", "Two days offline, I see. I guarantee it'll be fixed today.",
     "guarantee it'll be fixed today"),
]


@pytest.mark.parametrize("sid,line,harm", HARMFUL, ids=[h[0] for h in HARMFUL])
def test_advice_never_repeats_the_harmful_line_as_the_thing_to_say(sid, line, harm):
    r = _score([OPENING[sid], line, "Excuse me?", "Well, that's how it is."], sid)
    advice = _all_advice(r)
    assert advice
    for sg in advice:
        assert harm.lower() not in sg.better.lower(), sg


FITS = [
    ("subscription-cancel-charged-again", "I've refunded the second charge.", "Will I get that in writing?", "Bye then."),
    ("pharmacy-refill-delay", "I'm giving you a week's emergency supply now.", "And next month?", "Okay, cheerio."),
]


@pytest.mark.parametrize("sid,step,ask,bye", FITS, ids=[f[0] for f in FITS])
def test_advice_for_a_goodbye_after_action_never_asks_what_the_problem_is(sid, step, ask, bye):
    r = _score([OPENING[sid], step, ask, bye], sid)
    for sg in r.dimensions["active_listening"].suggestions + r.dimensions["paraphrasing"].suggestions:
        if sg.turn == 4:
            assert not sg.better.rstrip().endswith("?"), sg
            assert "started" not in sg.better and "what's happen" not in sg.better.lower(), sg


CALM = [
    ("flight-cancelled-wedding", "Hold on, calm yourself, it's just a flight."),
    ("bank-double-charge-rent", "Please settle down, it's only two hundred quid."),
]


@pytest.mark.parametrize("sid,line", CALM, ids=[c[0] for c in CALM])
def test_advice_for_calm_down_takes_up_the_customer_not_a_stock_question(sid, line):
    opening = OPENING.get(sid, "Our flight's cancelled and my sister's wedding is on Saturday. We need to get there.")
    r = _score([opening, line, "Don't tell me to calm down!"], sid)
    advice = _all_advice(r)
    assert advice
    for sg in advice:
        assert "started" not in sg.better, sg
        assert "calm" not in sg.better.lower() and "settle down" not in sg.better.lower(), sg


ABBREVIATED = [
    ("flight-cancelled-wedding", "I'm rebooking you on the next flights incl. partner airlines, and I'll text you tonight."),
    ("utility-bill-shock", "The reading gives approx. one hundred and forty pounds, so I'm re-billing it today."),
    ("internet-outage-remote-worker", "An engineer is booked for tomorrow, esp. as your deadline is close, and I'll call at 5pm."),
]


@pytest.mark.parametrize("sid,line", ABBREVIATED, ids=[a[0] for a in ABBREVIATED])
def test_quotes_are_never_cut_at_an_abbreviation(sid, line):
    assert sentences(line) == [line]
    opening = OPENING.get(sid, "Our flight's cancelled and my sister's wedding is on Saturday. We need to get there.")
    r = _score([opening, line], sid)
    for d in r.dimensions.values():
        for e in d.evidence:
            assert not e.quote.endswith(("incl.", "approx.", "esp.")), e
    for sg in _all_advice(r):
        assert not any(x in sg.better for x in ("incl. P", "approx. O", "esp. A")), sg


CHECK_BACK = [
    ("lost-parcel-third-call",
     "So the tracking has it left on the doorstep, but there's nothing there and the callbacks never came — is that right?"),
    ("lost-parcel-third-call",
     "Let me check: it says delivered to a neighbour, it never reached you, and nobody rang back twice. Have I got that right?"),
]


@pytest.mark.parametrize("sid,line", CHECK_BACK, ids=["check-back-1", "check-back-2"])
def test_a_check_back_of_what_the_customer_said_is_not_doubting_them(sid, line):
    r = _score([OPENING[sid], line], sid)
    assert not any("already told" in e.why for e in _ev(r, "active_listening", 2, "gap")), \
        r.dimensions["active_listening"].evidence


def test_small_talk_with_a_nice_weekend_in_it_is_not_a_goodbye():
    sid = "subscription-cancel-charged-again"
    r = _score([SUB, "Ha, my brother does that with his phone contract. Are you having a good weekend?"], sid)
    assert not any("goodbye" in e.why or "closes the conversation" in e.why for e in r.dimensions["closure"].evidence)
    assert not _ev(r, "active_listening", 2, "strength")


def test_closure_advice_recaps_everything_the_trainee_agreed_not_one_stock_offer():
    sid = "bank-double-charge-rent"
    lines = [BANK, "I'm raising a dispute on the second payment today, and I'll waive any returned-payment fee.",
             "Okay, and the rent?", "I'm adding a temporary credit so Friday's rent goes through. Bye for now."]
    r = _score(lines, sid, moods=[7.0, 6.0])
    recap = [sg for sg in r.dimensions["closure"].suggestions if sg.turn == 4]
    assert recap, r.dimensions["closure"].suggestions
    better = recap[0].better.lower()
    assert "dispute" in better and "fee" in better and "temporary credit" in better, better


def test_jargon_about_the_issue_is_named_as_jargon_not_as_drifting_away():
    sid = "lost-parcel-third-call"
    r = _score([PARCEL, "It's an OTD fail on the LMC manifest, so it needs a DSR raised."], sid)
    gaps = _ev(r, "focus", 2, "gap")
    assert any("terms the customer" in e.why for e in gaps) and not any("drifts" in e.why for e in gaps), gaps


def test_a_feeling_the_customer_said_wrapped_in_a_script_is_still_generic_and_specific_stays_clearly_above():
    sid = "internet-outage-remote-worker"
    opening = NET + " Honestly I'm so stressed about it."
    scripted = _score([opening, "I can only imagine how stressful that must be."], sid)
    specific = _score([opening, SPECIFIC[0][1]], sid)
    assert not _ev(scripted, "empathy", 2, "strength"), scripted.dimensions["empathy"].evidence
    assert specific.dimensions["empathy"].score >= scripted.dimensions["empathy"].score + 10
