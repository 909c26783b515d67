"""An admin question asked twice is graded as asked again, and the advice uses the answer already given
(it used to suggest a recap with nothing in it: " Let me sort that out for you — could I take a few details?")."""
from __future__ import annotations

import pytest

from scoring.report import score
from tests.director_play import SCENARIOS
from tests.director_play import transcript as _transcript



@pytest.mark.parametrize("sid,first,again", [
    ("lost-parcel-third-call", "Can I take the order number please?", "What's the order number?"),
    ("subscription-cancel-charged-again", "Could I have the email address on the account?",
     "And what email address is the account under?"),
])
def test_asking_again_is_named_and_the_advice_is_never_empty(sid, first, again):
    t = _transcript(sid, [first, again, "Okay, let me check."])
    report = score(t, SCENARIOS[sid]).model_dump()
    listening = report["dimensions"]["active_listening"]
    whys = {e["turn"]: e["why"] for e in listening["evidence"]}
    assert "asks again" in whys.get(4, ""), whys
    for s in listening["suggestions"]:
        better = s["better"]
        assert better == better.strip() and not better.startswith(("Let me", "—")), better
        assert len(better.split()) >= 5
