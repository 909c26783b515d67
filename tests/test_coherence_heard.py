"""The customer does not thank an agent for listening who never reflected anything, nor for "not reading a
script" after a scripted greeting: those sentences are left out of the line, the rest is still said."""
from __future__ import annotations

import re

import pytest

from tests.director_play import play
HEARD = re.compile(r"\b(?:listen(?:ed|ing)|heard me|got (?:it|that) right|not reading (?:from )?a script|"
                   r"not reading me a script)\b", re.I)


def _lines(sid: str, texts: list[str]) -> list[str]:
    return [b.line for b in play(sid, texts)[2]]


SCRIPTED_THEN_OFFER = {
    "lost-parcel-third-call": ["Good afternoon, thanks for contacting us, how may I assist you today?",
                               "Can I take the order number please?", "What's the order number?",
                               "Let me check. I'll get a courier to collect a replacement and guarantee it arrives by "
                               "Saturday.", "Anything else?"],
    "internet-outage-remote-worker": ["Hello, thank you for calling, how can I help you today?",
                                      "Can I have your account number?",
                                      "I'll send an engineer out tomorrow morning.", "Okay?"],
}


@pytest.mark.parametrize("sid", sorted(SCRIPTED_THEN_OFFER))
def test_no_thanks_for_listening_without_any_listening(sid):
    for line in _lines(sid, SCRIPTED_THEN_OFFER[sid]):
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if sentence.endswith("?") or re.search(r"\b(?:not|never)\b", sentence.split("listen")[0][-25:]) \
                    or re.search(r"\b(?:want|need)\b", sentence):
                continue  # "Were you not listening?", "I want to know you've heard me": complaints, right here
            assert not HEARD.search(sentence), line
