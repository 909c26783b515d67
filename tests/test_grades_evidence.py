"""Issue 9, point 1-4: evidence is true. A table of trainee turns (in a conversation) -> the moves they make
and the evidence a coach would sign: what may be praised, what must be named as a gap."""
from __future__ import annotations

import pytest

from core.transcript import parse_transcript
from personas.scenario import load_dir
from scoring import score
from scoring.evidence import quote, sentences
from scoring.moves import detect_moves
from tests.conftest import ROOT

SCENARIOS = load_dir(ROOT / "scenarios").scenarios

PARCEL = ("This is the third time I'm calling about the same parcel. It says delivered, it isn't here, and twice "
          "I've been promised a callback that never came.")
NET = ("My internet has been dead for two days, I've been on hold forever, and I have a client deadline tomorrow. "
       "What are you going to do about it?")
BILL = "Hello, I've had my bill and it says six hundred and ten pounds. It's usually about a hundred and forty."
BANK = "I've been charged twice for the same thing and my rent goes out on Friday and now there isn't enough money."
LECTURE = ("Your bill is calculated from the kWh recorded against your MPAN, multiplied by the unit rate, plus the "
           "standing charge per day. " * 12).strip()

# id, scenario, conversation (customer first, the trainee turn under test last), moves in / out,
# skills where that turn may NOT be a strength, skills where it MUST be a gap (and the words of the gap).
TABLE = [
    ("thanks-no-feeling", "lost-parcel-third-call",
     [PARCEL, "I'm so sorry, that's on us. I'll send a replacement today.", "Fine.", "Thanks."],
     [], [], ["empathy", "active_listening", "closure"], {}),
    ("cheers-no-feeling", "internet-outage-remote-worker",
     [NET, "Right. I'll book an engineer for tomorrow at 8am.", "Okay.", "Cheers."],
     [], [], ["empathy", "active_listening", "closure"], {}),
    ("i-understand-is-no-reflection", "internet-outage-remote-worker",
     [NET, "I understand."], [], [], ["empathy", "active_listening"], {}),
    ("we-hear-you-is-no-reflection", "utility-bill-shock",
     [BILL, "I totally get it."], [], [], ["empathy", "active_listening"], {}),
    # A recap of the agent's own actions is closure, not evidence of listening (it was quoted as "shows they
    # heard what the customer said"); a recap of the customer's own points still is.
    ("own-actions-recap-is-not-listening", "lost-parcel-third-call",
     [PARCEL, "What does the tracking page show?", "It says delivered on Monday, but nothing came.",
      "So, to recap: I've sent a replacement and refunded the postage."],
     ["summary"], [], ["active_listening"], {}),
    ("whats-next-recap-is-not-listening", "internet-outage-remote-worker",
     [NET, "What do the router lights show?", "A red light.",
      "Just to sum up what happens next: the engineer comes at 8am and your data boost is on now."],
     ["summary"], [], ["active_listening"], {}),
    ("recap-after-customer-echo-is-not-listening", "lost-parcel-third-call",
     [PARCEL, "I'll courier a replacement out today and refund the postage.",
      "Alright, a replacement by courier today and the postage refunded.",
      "Great, so recapping: replacement goes by courier today, and the postage refund is on its way."],
     [], [], ["active_listening"], {}),
    ("greeting-after-explained", "lost-parcel-third-call",
     [PARCEL, "Thank you for calling, how can I help you today?"], [], ["farewell", "acknowledgement"],
     ["closure", "active_listening", "empathy"], {"active_listening": "greeting"}),
    ("greeting-other-words", "internet-outage-remote-worker",
     [NET, "Good morning, you're through to the help desk. What can I do for you today?"], [], ["farewell"],
     ["closure", "active_listening"], {"active_listening": "greeting"}),
    ("ok-is-no-acknowledgement", "internet-outage-remote-worker",
     [NET, "I'm sorry, that's on us.", "So what now?", "OK."], [], [], ["active_listening", "empathy", "closure"], {}),
    ("id-request-after-explained", "lost-parcel-third-call",
     [PARCEL, "Can I take your order number, please?"], [], [], ["active_listening", "empathy", "closure"],
     {"active_listening": "details"}),
    ("id-request-other-words", "bank-double-charge-rent",
     [BANK, "For security purposes, could you confirm your date of birth and postcode?"], [], [],
     ["active_listening", "empathy"], {"active_listening": "details"}),
    ("policy-recital-is-no-paraphrase", "bank-double-charge-rent",
     [BANK, "So, our policy is that disputed payments are reviewed within 10 working days."], [], [],
     ["paraphrasing", "active_listening"], {}),
    ("doubting-a-third-time-caller", "lost-parcel-third-call",
     [PARCEL, "Are you sure it's not with a neighbour?"], ["question"], [], ["active_listening"],
     {"active_listening": "already told"}),
    ("doubting-other-words", "internet-outage-remote-worker",
     [NET, "I'm sorry about that.", "I've restarted the router twice already.", "Did you actually restart the router?"],
     [], [], ["active_listening"], {"active_listening": "already told"}),
    ("kwh-lecture-is-jargon", "utility-bill-shock", [BILL, LECTURE], [], [], ["focus"], {"focus": "kWh"}),
    ("welcome-who-am-i-speaking-to", "lost-parcel-third-call",
     [PARCEL, "Hello and welcome, who am I speaking to?"], [], [], ["active_listening", "empathy", "closure"],
     {"active_listening": "greeting"}),
    ("second-guessing-where-it-is", "lost-parcel-third-call",
     [PARCEL, "Could someone at home have taken it in?"], [], [], ["active_listening"],
     {"active_listening": "already told"}),
    ("great-thanks-is-nothing", "lost-parcel-third-call",
     [PARCEL, "I'm sorry, that's on us. I'll send a replacement today.", "Fine.", "Great, thanks."], [], [],
     ["empathy", "active_listening", "closure", "paraphrasing"], {}),
    ("diagnostic-question-is-a-strength", "lost-parcel-third-call",
     [PARCEL, "What does the delivery photo show?"], ["question"], [], [], {}),
    ("unanswered-direct-question", "internet-outage-remote-worker",
     [NET, "I'm sorry, that's on us. I'll book an engineer.", "When will the engineer come?", "We value your custom."],
     [], [], ["active_listening"], {"active_listening": "does not"}),
    ("premature-solution", "internet-outage-remote-worker",
     ["My internet is down.", "I'll reset your line."], ["next_step"], [], [], {"active_listening": "before understanding"}),
    ("non-apology-feel", "subscription-cancel-charged-again",
     ["I cancelled on the 2nd and you've charged me again.", "I'm sorry you feel that way."], [], [], ["empathy"],
     {"empathy": "non-apology"}),
    ("non-apology-inconvenience", "internet-outage-remote-worker",
     [NET, "We apologise for any inconvenience caused."], [], [], ["empathy"], {"empathy": "non-apology"}),
    ("non-apology-if", "pharmacy-refill-delay",
     ["My tablets aren't ready and I've run out.", "Sorry if that upset you."], [], [], ["empathy"],
     {"empathy": "non-apology"}),
    ("forbidden-same-day", "internet-outage-remote-worker",
     [NET, "I guarantee it will be fixed today."], [], [], ["closure"], {"closure": "guaranteed same-day fix"}),
    ("forbidden-whole-month", "internet-outage-remote-worker",
     [NET, "I'll refund the whole month for you."], [], [], ["closure"], {"closure": "refund of the whole month"}),
    ("forbidden-lost-business", "internet-outage-remote-worker",
     [NET, "We'll compensate you for the business you lost."], [], [], ["closure"],
     {"closure": "compensation for lost business"}),
    ("forbidden-instant-refund", "bank-double-charge-rent",
     [BANK, "I'll refund the pending card transaction instantly, right now."], [], [], ["closure"],
     {"closure": "instant refund"}),
]


def _transcript(lines: list[str], scenario_id: str):
    turns = [{"role": "customer" if i % 2 == 0 else "trainee", "text": t, **({"mood": 7.0} if i % 2 == 0 else {})}
             for i, t in enumerate(lines)]
    return parse_transcript({"scenario_id": scenario_id, "turns": turns})


@pytest.mark.parametrize("case", TABLE, ids=[c[0] for c in TABLE])
def test_turn_moves_and_evidence(case):
    _, sid, lines, moves_in, moves_out, no_strength, gaps = case
    scenario = SCENARIOS[sid]
    t = _transcript(lines, sid)
    n = len(lines)
    moves = detect_moves(lines[-1], t.turns[:-1], scenario)
    for m in moves_in:
        assert m in moves
    for m in moves_out:
        assert m not in moves
    r = score(t, scenario)
    for skill in no_strength:
        praised = [e for e in r.dimensions[skill].evidence if e.turn == n and e.kind == "strength"]
        assert not praised, f"{skill} praises turn {n}: {praised}"
    for skill, words in gaps.items():
        named = [e for e in r.dimensions[skill].evidence if e.turn == n and e.kind == "gap"]
        assert named and any(words.lower() in e.why.lower() for e in named), \
            f"{skill}: no gap naming {words!r} at turn {n}: {r.dimensions[skill].evidence}"
    _evidence_is_sound(t, r)


def test_a_diagnostic_question_is_credited():
    sc = SCENARIOS["lost-parcel-third-call"]
    r = score(_transcript([PARCEL, "What does the delivery photo show?"], sc.id), sc)
    assert any(e.kind == "strength" and e.turn == 2 for e in r.dimensions["active_listening"].evidence)
    assert not any(sg.turn == 2 and "?" not in sg.better for d in r.dimensions.values() for sg in d.suggestions)


def test_a_recap_of_the_customers_points_is_credited_as_listening():
    sc = SCENARIOS["lost-parcel-third-call"]
    lines = [PARCEL, "What does the tracking page show?", "It says delivered on Monday, but nothing came.",
             "So to recap: the parcel shows delivered on Monday but never came, and you were promised callbacks twice."]
    r = score(_transcript(lines, sc.id), sc)
    assert any(e.kind == "strength" and e.turn == 4 for e in r.dimensions["active_listening"].evidence)


def _evidence_is_sound(t, r) -> None:
    for name, d in r.dimensions.items():
        seen = {}
        for e in d.evidence:
            text = t.turns[e.turn - 1].text
            assert t.turns[e.turn - 1].role == "trainee"
            q = e.quote.rstrip("…")
            assert q and q in text
            assert any(s.startswith(q) for s in sentences(text)), f"not a whole sentence: {e.quote!r}"
            seen.setdefault(e.turn, set()).add(e.kind)
        both = [n for n, kinds in seen.items() if kinds == {"strength", "gap"}]
        assert not both, f"{name}: turn(s) {both} are both a strength and a gap"


def test_a_forbidden_promise_is_named_with_what_could_have_been_offered_and_costs_the_overall():
    sc = SCENARIOS["internet-outage-remote-worker"]
    good = [NET, "That sounds really stressful with your deadline tomorrow. When did it drop?", "Tuesday night.",
            "I'm sorry, that's on us. I'll book an engineer visit for tomorrow at 8am and add a 20 GB mobile data "
            "boost now.", "Okay. Thank you.", "To recap: engineer tomorrow at 8am, data boost now. Anything else?",
            "No. Thanks."]
    promise = list(good)
    promise[3] = ("I'm sorry, that's on us. I promise it'll be fixed today, and I'll refund the whole month "
                  "on top.")
    r_good, r_bad = score(_transcript(good, sc.id), sc), score(_transcript(promise, sc.id), sc)
    assert r_bad.overall < r_good.overall
    assert r_bad.dimensions["closure"].score < r_good.dimensions["closure"].score
    rules = {b.rule for b in r_bad.policy.breaches}
    assert {"guaranteed same-day fix", "refund of the whole month"} <= rules
    assert all(b.instead in sc.policy.may_offer for b in r_bad.policy.breaches)
    assert r_bad.outcome.promise_breaches and "promise" in (r_bad.outcome.note or "").lower()
    assert not r_good.policy.breaches and r_good.policy.allowed and r_good.outcome.note is None
    closure_gaps = [e for e in r_bad.dimensions["closure"].evidence if e.kind == "gap" and "forbids" in e.why]
    assert closure_gaps and all("could have offered" in e.why for e in closure_gaps)


def test_a_pleased_customer_does_not_excuse_a_forbidden_promise():
    sc = SCENARIOS["internet-outage-remote-worker"]
    lines = [NET, "I'm so sorry — two days offline before a deadline is awful. I'll refund the whole month and we'll "
                  "compensate you for the lost business.", "Oh. Well, that's good of you.",
             "To recap: full month refunded, compensation on its way. Anything else?", "No, thank you!"]
    t = parse_transcript({"scenario_id": sc.id, "end_reason": "resolved", "turns": [
        {"role": "customer" if i % 2 == 0 else "trainee", "text": x, **({"mood": 8 - 3 * i} if i % 2 == 0 else {})}
        for i, x in enumerate(lines)]})
    r = score(t, sc)
    assert r.outcome.resolved and r.outcome.promise_breaches
    assert "cannot be kept" in r.outcome.note
    assert any("lowered" in n for n in r.notes)


def test_no_policy_no_policy_section():
    t = _transcript([NET, "I'll refund the whole month."], "")
    r = score(t, None)
    assert r.policy is None and r.outcome.promise_breaches == [] and r.outcome.note is None


@pytest.mark.parametrize("text,cut", [
    ("So £212.40 temporary credit is on your account now, and the dispute is open.", "£212."),
    ("I know this is hard, especially with a client deadline tomorrow and everything else going on this week and "
     "with a client who has already waited two days and is now asking where the files are, which is awful.", "cli…"),
])
def test_quotes_never_split_a_number_or_a_word(text, cut):
    q = quote(text)
    assert not q.endswith(cut)
    assert q.rstrip("…") in text and (q == text or q.endswith("…"))
    if q.endswith("…"):
        assert text[len(q) - 1] == " "  # cut at a word boundary


def test_specific_empathy_scores_generic_little_once_and_nothing_repeated():
    sc = SCENARIOS["internet-outage-remote-worker"]
    generic = [NET, "I understand how you feel.", "So?", "I understand how you feel.", "Hello?!",
               "I understand how you feel."]
    specific = [NET, "Two days offline with a client deadline tomorrow — that's really stressful.", "It is.",
                "I'm sorry, that's on us. I'll book an engineer for 8am tomorrow.", "Okay."]
    g = score(_transcript(generic, sc.id), sc).dimensions["empathy"]
    s = score(_transcript(specific, sc.id), sc).dimensions["empathy"]
    assert s.score >= g.score + 25
    assert g.score <= 45
    assert any(e.kind == "gap" for e in g.evidence)


def test_empathy_with_no_action_never_reaches_a_good_overall():
    sc = SCENARIOS["lost-parcel-third-call"]
    lines = [PARCEL, "Three calls and two missed callbacks — that must be so frustrating for you.", "It is.",
             "I completely understand how upsetting this parcel has been. So the parcel says delivered but never came.",
             "Yes. So what will you do?", "I really hear you, and your frustration about the parcel is valid.", "And?",
             "That sounds really stressful, and I'm here for you."]
    r = score(_transcript(lines, sc.id), sc)
    assert r.overall <= 55
    assert r.dimensions["empathy"].score <= 50


def test_one_stuffed_message_pasted_three_times_stays_below_the_pass_mark():
    sc = SCENARIOS["internet-outage-remote-worker"]
    stuffed = ("I'm so sorry, that sounds really frustrating. So your internet has been down two days — is that right? "
               "I'll book an engineer for tomorrow. To recap, is there anything else? Take care!")
    lines = [NET, stuffed, "What?", stuffed, "Are you a robot?", stuffed]
    assert score(_transcript(lines, sc.id), sc).overall < 70
