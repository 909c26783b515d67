"""Prompts for the model-backed actors. Built from an ActorRequest only (customer side, never the rubric).

Strict (the bundled 135M model): a few-shot rewrite of the Director's authored line. Loose (a capable
model): a chat whose system prompt is the customer's brief; the model improvises the reply.
"""
from __future__ import annotations

from personas.actors.base import ActorRequest
from personas.feelings import describe, feeling_name

# Few-shot pairs for the tiny local model: it only rewords, the Director has decided the content.
# Short and first-person, and each keeps what the guard checks: a question stays a question, "you"
# stays "you", numbers, days and negation stay. None is a stock phrase the model could paste in
# anywhere: with "I don't understand what that means." among them, the 135M model answered a third of
# unrelated lines with it (44 authored lines, 4 seeds each).
REWRITE_EXAMPLES = (
    ("I have been waiting for a week and nobody has called me back.",
     "I've waited a whole week and still nobody has called me back."),
    ("Can you tell me when the engineer is coming?",
     "Could you tell me when the engineer will come?"),
    ("You said it would be here on Monday.",
     "You told me it would arrive on Monday."),
    ("Okay. That's a relief, thank you.",
     "Okay, thank you. That's a relief."),
    ("I paid £45 twice and I only ordered once!",
     "I only ordered once, but I paid £45 twice!"),
)

# Framing it as the customer repeating themselves (not "rewrite this") kept the 135M model in the
# first person more often in a trial over 46 authored lines (19 vs 11 usable rewordings).
REWRITE_HEADER = ("An upset customer repeats each sentence in slightly different words, keeping every detail, "
                  "the same people and the same questions.\n\n")


def rewrite_prompt(request: ActorRequest) -> str:
    """A plain completion prompt ending in 'Rewrite:' for the line to reword."""
    shots = "".join(f"Original: {a}\nRewrite: {b}\n\n" for a, b in REWRITE_EXAMPLES)
    return f"{REWRITE_HEADER}{shots}Original: {request.line}\nRewrite:"


INTENT_NOTES = {
    "vent": "tell them how this problem affects you",
    "push_back": "react to being brushed off, blamed or lectured",
    "press": "insist on what you need; what matters to you has not been dealt with yet",
    "clarify": "say you did not understand what they just said and ask what they mean",
    "answer": "answer the agent's question with what you may tell now",
    "soften": "show you feel heard and are calming down, but nothing is agreed yet",
    "accept": "accept the solution offered",
    "walk_out": "give up and end the call",
    "farewell": "say goodbye: the problem is solved",
}

# Only these intents may agree to a plan / say goodbye; the guard enforces the same split.
AGREEING_INTENTS = frozenset({"accept", "farewell"})
LEAVING_INTENTS = frozenset({"walk_out", "farewell"})


def _commitment_text(c: dict[str, str]) -> str:
    extra = ", ".join(f"{k}: {c[k]}" for k in ("owner", "time", "reference") if c.get(k))
    return (c.get("text") or "").strip() + (f" ({extra})" if extra else "")


def _bullets(items, empty: str) -> str:
    items = [i.strip() for i in items if i and i.strip()]
    return "\n".join(f"- {i}" for i in items) if items else f"- {empty}"


def system_prompt(request: ActorRequest) -> str:
    """The brief for a capable chat model: the customer's story, what they know and may tell now, what
    the agent promised, and the Director's decision (intent, mood) for this turn. The model answers the
    agent's actual words in character; the authored line is only an example of the voice."""
    c = request.customer
    feeling = feeling_name(request.feeling)
    mood = describe(request.mood, feeling)
    know = [*request.knows, *(f for f in request.facts if f not in request.knows)]
    rules = []
    if request.intent not in AGREEING_INTENTS:
        rules.append("You are not ready to agree yet: do not accept, agree to a plan, or thank them for sorting it.")
    if request.intent not in LEAVING_INTENTS:
        rules.append("Do not say goodbye or end the call.")
    reveal = (f"You may now tell them this (in your own words): {request.reveal}\n" if request.reveal
              else "Do not bring up new details about your case this turn unless they are in what you know.\n")
    return (
        f"You are {c.get('name', 'the customer')}, a customer talking to a customer service agent. "
        "You are NOT the agent.\n"
        f"Who you are: {c.get('backstory', '')}\n"
        f"What happened: {c.get('situation', '')}\n"
        f"How you talk: {request.style}\n"
        f"What you know about your own case (use only these details; if asked something not here, say you "
        f"don't know):\n{_bullets(know, '(only what is above)')}\n"
        f"Already told the agent:\n{_bullets(request.facts, '(nothing yet)')}\n"
        f"{reveal}"
        f"What the agent has promised you so far:\n{_bullets(map(_commitment_text, request.commitments), '(nothing yet)')}\n"
        f"Right now you feel {mood.prompt} ({feeling} {request.mood:.0f}/10).\n\n"
        f"This turn you {INTENT_NOTES.get(request.intent, request.intent)}. "
        f"An example of how you might put it: \"{request.line}\"\n"
        "Reply to what the agent actually just said, in character. "
        + " ".join(rules) + (" " if rules else "")
        + "Speak in the first person. Reply with 1-3 short spoken sentences and nothing else: no quotes, no name "
        "label, no stage directions. Never offer help, never apologise on behalf of the company, never mention "
        "being an AI. Do not invent names, numbers, dates or times that are not in what you know or in the "
        "conversation."
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
