"""Prompts for the model-backed actors. Built from an ActorRequest only (customer side, never the rubric)."""
from __future__ import annotations

from personas.actors.base import ActorRequest

# Few-shot pairs for the tiny local model: it only rewords, the Director has decided the content.
# Kept short and first-person so the model copies that shape.
REWRITE_EXAMPLES = (
    ("I have been waiting for a week and nobody has called me back.",
     "I've waited a whole week and nobody has called me back."),
    ("Okay, thank you. That helps a bit.",
     "Okay, thanks. That helps a little."),
    ("The parcel was meant to arrive on Monday.",
     "The parcel should have arrived on Monday."),
    ("I don't understand what that means.",
     "I don't really understand what that means."),
)

# Framing it as the customer repeating themselves (not "rewrite this") kept the 135M model in the
# first person more often in a trial over 46 authored lines (19 vs 11 usable rewordings).
REWRITE_HEADER = "An upset customer repeats each sentence in slightly different words, keeping every detail.\n\n"


def rewrite_prompt(request: ActorRequest) -> str:
    """A plain completion prompt ending in 'Rewrite:' for the line to reword."""
    shots = "".join(f"Original: {a}\nRewrite: {b}\n\n" for a, b in REWRITE_EXAMPLES)
    return f"{REWRITE_HEADER}{shots}Original: {request.line}\nRewrite:"


def _feeling(mood: float) -> str:
    if mood >= 8:
        return "very angry or upset"
    if mood >= 6:
        return "annoyed and tense"
    if mood >= 4:
        return "uneasy but cooperative"
    return "calm and relieved"


INTENT_NOTES = {
    "vent": "express how this problem affects you",
    "push_back": "react to being brushed off, blamed or lectured",
    "press": "insist on what you need; your concern was not addressed",
    "clarify": "say you did not understand and ask what they mean",
    "answer": "answer the agent's question with the fact given",
    "soften": "show you feel heard and are calming down",
    "accept": "accept the solution offered",
    "walk_out": "give up and end the call",
    "farewell": "say goodbye after the problem is solved",
}


def system_prompt(request: ActorRequest) -> str:
    """The role for a capable chat model: play the customer, say what the Director decided."""
    c = request.customer
    facts = "\n".join(f"- {f}" for f in request.facts) or "- (nothing yet)"
    return (
        f"You are {c.get('name', 'the customer')}, a customer calling customer service. You are NOT the agent.\n"
        f"Who you are: {c.get('backstory', '')}\n"
        f"What happened: {c.get('situation', '')}\n"
        f"How you talk: {request.style}\n"
        f"Right now you feel {_feeling(request.mood)} (anger {request.mood:.0f}/10).\n"
        f"Facts you have already shared or may share now:\n{facts}\n\n"
        f"Your next reply must {INTENT_NOTES.get(request.intent, request.intent)}. It must convey this, "
        f"in your own words: \"{request.line}\"\n"
        "Stay in character as the customer. Speak in the first person. Reply with 1-3 short spoken sentences "
        "and nothing else: no quotes, no name label, no stage directions. Never offer help, never apologise "
        "on behalf of the company, never mention being an AI. Do not invent new facts."
    )


def chat_messages(request: ActorRequest) -> list[tuple[str, str]]:
    """(role, content) pairs: system prompt, the recent conversation from the customer's side, then go."""
    msgs: list[tuple[str, str]] = [("system", system_prompt(request))]
    for t in request.history:
        # The agent's turns are the "user" speaking to the customer-model.
        msgs.append(("assistant" if t.get("role") == "customer" else "user", t.get("text", "")))
    if len(msgs) == 1 or msgs[-1][0] != "user":
        msgs.append(("user", "(The agent waits for your reply.)"))
    return msgs
