"""Issue 8 items 1 and 4 (session 10): when everything the customer needed is done and the call closes, their
feeling eases (relief), so a good call ends clearly calmer than where it started; a call closed with a need still
open does not get that relief. Found by the third blind script set (pharmacy: ended at 3.0 from 6.0, 'That's me
sorted then', and the bench read it as not calmed). Scripts below are this file's own."""
from __future__ import annotations

from tests.director_play import SCENARIOS, play

GOOD = [
    "Two tablets left and a weekend coming is a worry, I can see why you came straight in. When did you hand the slip in?",
    "I'll ring the surgery myself right now while you wait, and I'll ask them to send the request through today.",
    "So you're not left short, I can give you an emergency supply of seven days of your amlodipine today, once I've checked your record.",
    "I'm Sam, and I'll have the full prescription ready for you here by Friday at 4pm; I'll ring you if anything changes.",
    "And so it doesn't happen again, I can nominate this pharmacy so the surgery sends it to us electronically from now on.",
    "So: seven days' supply now, I'm chasing the surgery today, the full box is ready Friday at 4pm, and it comes to us "
    "electronically from next month. Is there anything else?",
    "Thank you, take care, and goodbye.",
]


def _play(sid: str, lines: list[str]) -> tuple[list[float], object, object]:
    state, history, _ = play(sid, lines)
    return [t["mood"] for t in history if t["role"] == "customer"], state, SCENARIOS[sid]


def test_a_call_closed_with_everything_done_ends_in_relief():
    moods, state, sc = _play("pharmacy-refill-delay", GOOD)
    assert state.ended == "resolved", (state.ended, moods)
    assert {n.id for n in sc.needs} <= set(state.needs_met)
    assert moods[-1] <= 0.6 * moods[-2] + 0.01, moods  # the goodbye itself clearly eases them
    assert moods[0] - moods[-1] >= 3.0, moods


def test_no_relief_while_a_need_is_still_open():
    # the supply and the chase, but nothing about next month: one need open, so the goodbye brings no relief
    lines = GOOD[:4] + ["So: seven days' supply now and the full box Friday at 4pm. Is there anything else?",
                        "Thank you, take care, and goodbye."]
    moods, state, sc = _play("pharmacy-refill-delay", lines)
    assert not ({n.id for n in sc.needs} <= set(state.needs_met)), state.needs_met
    assert moods[-1] >= moods[-2] - 0.01, moods
