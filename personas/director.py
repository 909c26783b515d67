"""The Director: decides WHAT the customer does next. Pure and deterministic.

Same scenario + archetype + trainee texts (and moves) => same states and beats, so a saved
conversation resumes exactly by replaying its turns. The Actor later decides HOW a beat is said.

The Director reads each trainee turn through scoring.understanding (the same reading the grade uses)
and keeps a small dialogue state: what the customer last asked and how often it went unanswered, what
the agent committed to (owner, time, reference), what the customer has already told, how often generic
empathy was offered. A reply is composed from parts: a reaction to what the agent just did, the
content (an answer from the customer's own story, or the scenario's line for the intent), and
pressure (a question still unanswered), never repeating a line already said in the conversation.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from core.text import any_phrase, plain_quotes, word_key
from core.transcript import role_text as _role_text
from personas.archetypes import Archetype, Effect
from personas.scenario import Scenario
from scoring.needs import needs_met

EndReason = Literal["resolved", "walked_out", "turn_limit"]

# Moves that show the trainee engaged with what the customer said.
ENGAGING = frozenset({"question", "paraphrase", "reflection", "affirmation", "apology", "next_step", "summary"})
# Signals that make the customer push back this turn.
ESCALATING = ("dismissive", "blame", "policy_recital", "escalate_trigger", "broken_commitment", "minimising")
# The moves that carry empathy: only real (specific) empathy keeps their calming effect.
_EMPATHY_MOVES = {"reflection", "affirmation", "apology", "acknowledgement"}
# Closing moves: after the customer accepted, one of these ends the call.
_CLOSING = {"summary", "check_more", "farewell"}  # an offer or an "okay" is not the agent closing the call
# Extra turns a customer who agreed stays on the line for the agent's questions before the call ends anyway.
_QUESTION_GRACE = 2

# Not move detection (scoring.moves owns that): a Director-only cue moves do not name.
# Reading rules at the customer is a classic escalator.
POLICY_RE = re.compile(
    r"\b(?:(?:our|company|the) polic(?:y|ies)(?![\s-]+(?:numbers?|no\b|nos?\.|holders?|documents?|docs?|details|ref|"
    r"references?|schedules?|covers?|renewals?|wording|excess|start|dates?|papers?|letters?|certificates?|you))|"
    r"per (?:our )?policy|policy (?:is|states|says)|"
    r"terms (?:and|&) conditions|terms of (?:service|use)|as stated in|procedure is|rules are)\b", re.I)

# Effects of the Director's newer signals for archetypes that do not list them (anger, trust).
DEFAULT_EFFECTS: dict[str, tuple[float, float]] = {
    "specific_empathy": (-1.2, 0.8),
    "generic_empathy": (-0.3, 0.0),
    "hollow_empathy": (0.8, -0.6),
    "non_apology": (0.7, -0.6),
    "scripted_greeting": (0.5, -0.4),
    "id_first": (0.3, -0.2),
    "answered": (-0.5, 0.6),
    "unanswered": (0.5, -0.4),
    "unanswered_again": (1.2, -0.8),
    "commitment": (-0.4, 0.8),
    "broken_commitment": (1.5, -1.5),
    "unwanted_offer": (0.6, -0.6),
    "brush_off": (0.8, -0.6),
    "vague_promise": (0.5, -0.5),
    "premature_close": (0.6, -0.5),
    "minimising": (1.0, -0.8),
}
# What a hollow turn loses: the calm its words would otherwise bring.
_CALMING = frozenset({"reflection", "affirmation", "apology", "acknowledgement", "paraphrase", "summary", "next_step",
                      "generic_empathy", "specific_empathy", "calm_trigger", "check_more"})
# A reply that sounds like something was offered, or like a calm customer: only where it is true.
_OFFER_REACTION = re.compile(r"\b(?:sounds (?:good|great|fine)|that works|that helps|that's a relief|what a relief|"
                             r"relieved|reassuring|perfect|brilliant|lovely|great)\b", re.I)
# An open invitation to tell the story, not a question about one detail.
_OPEN_STORY = re.compile(
    r"\b(?:what(?:'s| has| have)? (?:\w+ )?happened|what(?:'s| is) (?:going on|been going on|the (?:problem|issue|matter))|"
    r"tell me (?:more|what|about|everything)|walk me through|talk me through|take me through|"
    r"(?:can|could) you (?:explain|describe|tell me(?!\s+(?:if|whether|which|who|when|where|how (?:much|many|long|far|old)|"
    r"your|the (?:\w+ )?(?:number|name|date|time|day|reference|address|postcode|amount))\b))|what went wrong|"
    r"how (?:did|does) (?:it|this|that|all this) (?:start|happen|begin)|in your own words|from the (?:start|beginning))\b", re.I)
# Reply parts whose question is the customer's own, to be answered (the rest are reactions).
_ASKING_PARTS = {"unanswered", "unanswered_again", "jargon", "vent", "press", "push_back", "soften", "clarify", "accept"}
# What agents say that customers push back on, as word keys: a push-back line naming one needs the agent to have said it.
_PUSHBACK_ANCHORS = {"calm", "sorry", "apolog", "apology", "policy", "procedure", "rule", "wait", "neighbour", "script",
                     "understand", "fault", "blame", "relax", "patient", "hour", "48", "24", "system", "process",
                     "terms", "investigation", "escalat", "form", "email", "jargon", "discount"}
_GOODBYE = re.compile(r"\b(?:bye|goodbye|cheerio|ta-ra|have a (?:good|nice|lovely) (?:day|evening|night|one)|take care|"
                      r"see you|speak soon|talk soon)\b", re.I)
# Words of an escalating phrase that say nothing on their own ("check with your neighbours": check, with).
_COMMON_TRIGGER_WORDS = frozenset("""i you your we our it is are the a an to of with for in on at have has had be been
not no do does did can can't cannot will would should could must my me us they them that this there what how why when
check ask need needs wait have tried turning off try nothing still read say tell give get our""".split()) | frozenset(
    {"can", "will", "tri", "turn", "need", "ha", "doe"})
# A trigger phrase said to reassure: "nobody will offer you a discount", "no more waiting 48 hours".
_REASSURING = re.compile(r"\b(?:nobody|no one|no-one|never|won't|will not|not going to|shan't|no more|without|"
                         r"no(?! (?:problem|worries|bother)\b)|not (?:\w+ )?(?:offer\w*|try\w*|push\w*|sell\w*)|"
                         r"so (?:that )?(?:you )?(?:don't|won't))\b", re.I)
# A customer who says they were listened to has been: the agent restated or reflected something of theirs.
_FELT_HEARD = re.compile(r"\b(?:listen(?:ed|ing)|heard (?:me|what)|you've heard|you get it|you understand (?:me|now)|got (?:it|that|me) right|"
                         r"understood me|paying attention|who gets it|gets it|taking (?:me|this) seriously)\b", re.I)
_NOT_SCRIPTED = re.compile(r"\bnot (?:just )?(?:reading|reciting|following)(?: from)? (?:a|the|your) script|"
                           r"\b(?:not|no) (?:a )?script\b|\boff[- ]script\b", re.I)
def customer_ask_of(line: str):
    from scoring.understanding import customer_ask

    return customer_ask(line)


def _claims(rx: re.Pattern[str], sentence: str) -> bool:
    """Whether a sentence says it as a statement: "Were you not listening?" complains, it does not thank."""
    return bool(rx.search(sentence)) and not sentence.rstrip().endswith("?") \
        and not re.search(r"\b(?:not|never|n't|nobody|no one|no-one)\b.{0,20}\b(?:listen|heard)", sentence, re.I) \
        and not re.search(r"\b(?:want|need|wish|if|until|before)\b", sentence, re.I)  # a demand, not thanks


# A line that already opens with a reaction of its own ("Okay, um...", "Thank you.") needs no lead before it.
_OPENS_WITH_REACTION = re.compile(
    r"\s*(?:ok(?:ay)?|right|yes|yeah|yep|no|nope|fine|well|look|listen|oh|um+|uh|er|erm|hm+|mm+|ah|"
    r"great|good|lovely|alright|all right|exactly|sure|of course|honestly|seriously|hang on|"
    r"wait|fair|hmm+|god|gosh|goodness|really|finally)\b", re.I)
_HEARD = frozenset({"paraphrase", "summary", "specific_empathy", "reflection"})
# When something happens, in the customer's words: "tomorrow morning", "tonight", "on Saturday", "by 5pm".
_WHEN = re.compile(r"\b(?:(?:today|tonight|tomorrow|this|next)(?: (?:morning|afternoon|evening|night|week|weekend))?|"
                   r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|noon|midday|"
                   r"\d{1,2}(?::\d\d)?\s*(?:am|pm|o'clock)|half (?:past|six|five|four|three|two|one|seven|eight|nine|ten|eleven|twelve))\b",
                   re.I)
# Thanks for being told or shown something ("Thank you for explaining", "I see now", "That makes sense now"): true
# only after the agent explained or did something, never after a reflection of the customer's own words.
_UNDERSTOOD = re.compile(r"\b(?:thanks? (?:you )?for (?:explaining|clearing (?:that|it) up|going through|telling me|that explanation)|"
                         r"i see now|now i see|(?:that|it) (?:all )?makes (?:more )?sense(?: now)?|i understand now|"
                         r"now i understand|(?:that's|it's) (?:much )?clearer|less of a muddle|that explains)\b", re.I)
# A reply to blame that takes it as put on someone else, or as put on the customer.
_BLAME_OTHERS = re.compile(r"\b(?:someone|somebody|anyone) else|somebody else's|nobody's going to take|pass the blame\b", re.I)
_BLAME_ME = re.compile(r"\b(?:on me|my fault|i did (?:nothing|everything)|i didn't do anything|did anything wrong|"
                       r"(?:done|did) something wrong)\b", re.I)
# A lead that agrees with what was said ("Yes, exactly.", "That's right."): a reply to a statement, not to a goodbye.
_CONFIRMING = re.compile(r"\W*(?:(?:oh|mm|well),?\s+)?(?:yes|yeah|yep|exactly|that's (?:right|it|true)|right|correct|quite)\b", re.I)
_CALM_WORDS = re.compile(r"\b(?:calmer|relief|relieved|reassur\w*|much better)\b", re.I)
_REPEAT_WORDS = re.compile(r"\b(?:again|third time|already|told you|for the \w+ time|as i said)\b", re.I)
_CHECK_BACK = re.compile(r"\b(?:is that right|have i got (?:that|this|it) right|did i get that right|is that correct|"
                         r"right\?|correct\?|am i right|does that sound right|have i understood)\b", re.I)

# The agent asking how the customer takes what they just heard ("Does that help?", "Would that work for you?",
# "How does that sound?", "Are you happy with that?"): a question about the offer, answered by the customer's
# reaction to it (agreeing, or saying what is still missing), never from their story.
_CHECK_IN = re.compile(r"\b(?:(?:does|would|will|is|was|can|could|should|might)\s+(?:that|this|it|all that|any of that)(?: all)?"
                       r"(?:\s+\w+){0,2}?\s+(?:help|helps|work|works|suit|sound|do|be (?:ok|okay|alright|all right|fine|enough|"
                       r"acceptable|any good|a help|helpful)|ok|okay|alright|all right|fine|enough|acceptable|helpful|any good)\b|"
                       r"how (?:does|do|would) (?:that|this|it|those|these)(?: \w+)? (?:sound|work|seem|feel)|"
                       r"(?:are|would) you (?:be )?(?:happy|okay|ok|alright|all right|comfortable|fine|content) with (?:that|this|it)|"
                       r"what do you (?:think|reckon|say)(?: (?:of|about|to) (?:that|this))?\s*\?|"
                       r"is (?:that|this) (?:something|what) you(?:'d| would)? (?:want|like|need|be happy with)|"
                       r"(?:does|did) (?:that|this|it|all that|any of that)(?: all)? (?:make sense|make things clearer)|"
                       r"(?:is|was) (?:that|this|it)(?: all)? clear|(?:are|is) (?:you|everything) (?:clear|following|with me)"
                       r"(?! (?:on|about) (?:who|what|when|how|where|which)))", re.I)
# The customer saying they still have no answer ("You still haven't said what you'll do about my connection!",
# "Nobody's told me anything", "That's not what I asked"): untrue once the agent's turn answered or did something.
_NOT_ANSWERED = re.compile(r"\b(?:(?:you )?(?:still )?(?:haven't|have not|didn't|did not|won't) (?:said|say|told me|tell me|answered|"
                           r"answer|done|explained)|nobody(?:'s| has) (?:told|said|explained|done|helped)|no one(?:'s| has) (?:told|said|done|helped)|"
                           r"not what i asked|(?:dodging|avoiding) (?:it|the question)|you're not (?:answering|listening))\b", re.I)
# The agent wrapping the call up: "that's everything sorted", "to wrap up", "all done then".
_WRAP_UP = re.compile(r"\b(?:anything (?:you're |you are )?(?:unsure|unclear|not sure|confused) about|any (?:other |more )?questions|anything else|that's (?:everything|all|it)(?: (?:sorted|done|for today))?|(?:all|everything) "
                      r"(?:sorted|done|set|in hand)|to (?:wrap|sum) (?:up|things up)|(?:so )?that's us done|we're all set)\b", re.I)
# Not a question for their story: the agent holding the line ("Give me one moment while I print the label",
# "Bear with me", "Can you hold for a minute?") or wrapping up ("Anything else I can help with?").
_HOLD_OR_WRAP = re.compile(r"\b(?:(?:give|bear with) (?:me|us)(?: (?:a|one|just a|two) (?:moment|minute|min|sec|second|tick))?|"
                           r"(?:one|a|just a) (?:moment|minute|sec|second|tick)|hold on|hang on|(?:can|could|would|will) you "
                           r"(?:(?:mind|be ok(?:ay)?) )?(?:hold|holding|wait|waiting)(?: on)?(?: the line)?(?: for)?|"
                           r"anything else|(?:is there )?anything (?:more|further)|any other (?:questions|problems|issues)|"
                           r"anything (?:you're |you are )?(?:unsure|unclear|not sure|confused) about|any (?:more )?questions|"
                           r"(?:help|do) (?:you )?with anything)\b", re.I)

# The agent asking the customer what only the agent's side can know: "When will the money be back?", "Who's
# going to deal with this?", "How long will the refund take?" (a future the company decides, about anyone but
# the customer: "When will you be home?" is theirs to answer).
_THEIRS_TO_SAY = re.compile(r"^\W*(?:(?:and|so|okay|ok|right|sorry|then|but|well)\W+)*"
                            r"(?:when|how long|how soon|how quickly|what time|by when|who|which day|what day)\b"
                            r"(?:(?!\byou(?:r|'re)?\b)[^?]){0,40}?\b(?:will|'ll|going to|gonna)\s+"
                            r"(?!you\b|your\b|yours\b|i\b|we need\b)", re.I)

# An offer put as a question ("Would you like me to text you?", "Shall I book it?"): agreeing answers it.
# Not a wh-question: "What would you like us to do?" asks what they want.
_OFFER_QUESTION = re.compile(r"^(?!\W*(?:\w+\W+){0,3}?(?:what|which|how|when|where|who|whom|why)\b)"
                             r".*?\b(?:(?:would|do) you (?:like|want) (?:me|us) to|shall (?:i|we)|should (?:i|we)|"
                             r"(?:do you )?want me to|can (?:i|we) (?:\w+ )?(?:book|send|arrange|set|put|add|text|email|call|ring))\b",
                             re.I)

# The trainee's commitment, said back from the customer's side: "I'll call you" -> "you'll call me".
_VIEW = {"i": "you", "i'll": "you'll", "i'm": "you're", "i've": "you've", "i'd": "you'd", "my": "your", "mine": "yours",
         "me": "you", "myself": "yourself", "we": "you", "we'll": "you'll", "we're": "you're", "we've": "you've",
         "our": "your", "ours": "yours", "us": "you", "your": "my", "yours": "mine", "you're": "I'm", "you've": "I've",
         "you'll": "I'll", "you'd": "I'd", "yourself": "myself"}
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Verbs after "you" that make it the subject: "the reading you gave me", "what you said".
_SUBJECT_VERBS = frozenset("""gave give said say told tell sent send have had has were are was did do does can could will
would should need needed want wanted mentioned asked called rang paid bought put filled read wrote made got took spoke
see saw heard know knew think thought mean meant tried try used use ordered booked wait come came go went get arrive
leave left stay pick collect ring call pop drop""".split())


def customer_view(sentence: str) -> str:
    """A trainee's sentence as the customer would say it back ("I'll call you at 5" -> "you'll call me at 5")."""
    out, pos = [], 0
    words = list(_WORD.finditer(sentence))
    for k, m in enumerate(words):
        w = m.group()
        low = w.lower().replace("’", "'")
        if low == "you":
            prev = words[k - 1].group().lower() if k else ""
            nxt = words[k + 1].group().lower().replace("’", "'") if k + 1 < len(words) else ""
            if prev == "thank":
                new = w  # "thank you" stays a thank-you, never "thank me"
            elif k == 0 or prev in {"and", "but", "so", "then", "if", "that", "when", "as", "because", "what", "where",
                                    "while", "until", "till", "before", "after", "unless", "once", "whether", "how",
                                    "why", "who", "which", "whatever", "wherever", "whenever"} \
                    or nxt in _SUBJECT_VERBS or (nxt.endswith("ed") and len(nxt) > 4):
                new = "I"  # "the reading you gave me" -> "the reading I gave you"
            else:
                new = "me"
        else:
            new = _VIEW.get(low, w)
        out.append(sentence[pos:m.start()])
        out.append(new)
        pos = m.end()
    out.append(sentence[pos:])
    said = "".join(out).strip().rstrip(".!")
    first = said.split(" ", 1)[0].lower() if said else ""
    # Lower-case the start only for an ordinary word ("We'll...", "The engineer..."), never a name or a title
    # ("Mr Jenkins", "Priya", "Thursday", "BT").
    from core.text import STOPWORDS
    if said[:2] in ("I ", "I'") or not (first in STOPWORDS or first in _VIEW.values() or first in _VIEW):
        return said
    return said[:1].lower() + said[1:]


class DirectorState(BaseModel):
    """Everything the Director remembers between turns (JSON-serialisable)."""
    mood: float = Field(ge=0, le=10)        # the persona's feeling (anger, anxiety...), higher = worse
    trust: float = Field(ge=0, le=10)
    pending: float = 0.0                    # mood change not landed yet (the lag)
    turn: int = 0                           # trainee turns so far
    disclosed: list[str] = Field(default_factory=list)   # fact ids, in the order told
    told: list[str] = Field(default_factory=list)        # knows items told ("k0", "k3"...)
    needs_met: list[str] = Field(default_factory=list)
    hot_turns: int = 0                      # consecutive turns at/above end.walkout_mood
    ignored: int = 0                        # turns that engaged with nothing the customer said
    signal_counts: dict[str, int] = Field(default_factory=dict)  # for repeat decay
    intent_counts: dict[str, int] = Field(default_factory=dict)  # rotates the authored lines
    last_intent: str = "vent"
    accepted: bool = False
    ended: EndReason | None = None
    # Dialogue state: the customer's open question, the agent's commitments, what was said.
    open_ask: dict | None = None            # {"kind", "text", "times"}: times = trainee turns that left it unanswered
    commitments: list[dict] = Field(default_factory=list)  # {"text", "owner", "time", "reference", "turn"}
    generic_empathy: int = 0                # generic empathy lines so far
    said: list[str] = Field(default_factory=list)         # every customer line so far (never said twice)
    answered: list[str] = Field(default_factory=list)     # the customer's questions the agent has answered (normalised)
    sentences: list[str] = Field(default_factory=list)    # every sentence said so far, normalised (never said twice)
    variant: int = 0                        # the attempt's wording variant: another one reads differently


class Beat(BaseModel):
    """What the customer does on one turn: the intent and the authored line that carries it."""
    intent: str
    line: str
    mood: float
    trust: float
    fact_id: str | None = None
    knowledge: str | None = None             # the knows item answered ("k2"), if any
    reveal: str | None = None                # what the customer tells this turn (fact or knows text)
    parts: list[str] = Field(default_factory=list)   # the reply parts composed, in order
    end_reason: EndReason | None = None
    signals: list[str] = Field(default_factory=list)  # why the mood moved (for hints, debugging, bench)


# Something the agent has done or is doing now, in this call: not a promise for later
_DONE_NOW = re.compile(r"\bI(?:'ve| have)(?: just| now| already)? (?:put|asked|booked|sent|raised|added|applied|cancelled|"
                       r"closed|credited|refunded|logged|placed|set|arranged|escalated|flagged|issued|stopped|paused|frozen|"
                       r"updated|changed|corrected|removed|waived|reversed)\b|"
                       r"\bI(?:'m| am)(?: just| now)? (?:putting|booking|sending|raising|adding|applying|crediting|refunding|"
                       r"placing|setting|arranging|escalating|issuing|stopping|pausing|freezing|updating|correcting|"
                       r"removing|waiving|reversing) (?!you through\b)", re.I)
_PART_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+(?:also\s+)?|\s+as well as\s+|\s+plus\s+)(?=\S)", re.I)
_ASKS = re.compile(r"^(?:what|when|where|which|who|whose|why|how|can|could|would|will|do|does|did|is|are|was|were|have|has|"
                   r"tell|give|confirm)\b", re.I)


_AGENT_SAYS = re.compile(r"(?:\W*(?:okay|ok|right|so|and|well|alright|sorry|yeah|yes|now|bear with me|one sec(?:ond)?)\b[\s,.…-]*)*"
                         r"(?:i|i'm|i am|i'll|i've|i'd|we|we're|we'll|we've|let me|let's|while|just while|i'm just|"
                         r"i'm going to|i'm gonna|gonna)\b(?!\s+(?:ask|check|take|grab|get|need|just need|have|confirm)\b)", re.I)


_TAIL_ONLY = re.compile(r"\W*(?:would you (?:say|guess|think)|do you (?:think|reckon|know|suppose|reckon so)|d'you (?:reckon|think|know)|"
                        r"you reckon|you think|any idea|is that right|would that be right|right|yeah|d'you think)\W*", re.I)


_VOCATIVE = re.compile(r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Mister)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|(?i:love|mate|dear|sir|madam|"
                       r"pal|hun|my love|my dear|buddy)")


def _parts_asked(q: str) -> list[str]:
    """The separate things one question asks: "Can I take your name, address and date of birth?" asks three;
    "the booking reference, and would Gatwick work for you?" two. A part that is a bare noun phrase is
    asked as "What is your …?"; a part too short to stand alone is left with the first."""
    pieces = [p.strip(" ?.!") for p in _PART_SPLIT.split(q) if p.strip(" ?.!")]
    if len(pieces) < 2:
        return [q]
    if re.match(r"\W*(?:and |so )?(?:if|unless|once|assuming|supposing|say)\b", pieces[0], re.I):
        # "if the file doesn't go, what does it cost you?": the condition belongs to what it asks; alone, it may
        # say what the rest is about ("If you lose this client, how many quid are we talking?")
        return [q, pieces[0] + "?"]
    # the first part alone ("Could you give me your postcode"), then the whole; a first part that is the agent
    # telling what they are doing ("okay so I'm gonna kick off a line test, … what does it cost you?") asks nothing
    out = ([] if _AGENT_SAYS.match(pieces[0]) else [pieces[0] + "?"]) + [q]
    for p in pieces[1:]:
        words = p.split()
        if not words or len(words) > 14 or _TAIL_ONLY.fullmatch(p) or _VOCATIVE.fullmatch(p):
            continue  # "…, would you say?", "…, Margaret?": how it is asked and to whom, not a second question
        if _ASKS.match(p):
            out.append(p + "?")
        elif len(words) <= 5 and not re.search(r"\b(?:i|we|you)(?:'ll|'d| will| would| am|'m)?\b", p, re.I):
            det = "" if re.match(r"(?:your|the|my|his|her|their|its)\b", p, re.I) else "your "
            out.append(f"What is {det}{p}?")
    return out


def _clamp(x: float, lo: float = 0.0, hi: float = 10.0) -> float:
    return max(lo, min(hi, x))


def _join(pieces: list[str]) -> str:
    """Parts into one reply, a sentence said by an earlier part not said twice ("Thank you. Thank you.")."""
    from scoring.evidence import sentences

    seen: set[str] = set()
    openers: set[str] = set()
    out: list[str] = []
    for piece in pieces:
        for sent in sentences(piece):
            key = _norm(sent)
            if key and key not in seen:
                seen.add(key)
                m = _OPENER.match(sent)
                if m and m.group(1).lower() in openers and len(sent) > m.end() + 2:
                    # "Great, you'll book an engineer… Great, that's exactly what I needed.": one "Great" is enough
                    sent = sent[m.end()].upper() + sent[m.end() + 1:]
                elif m:
                    openers.add(m.group(1).lower())
                out.append(sent)
    return " ".join(out).strip()


_OPENER = re.compile(r"(great|okay|ok|right|fine|good|well|yes|sure|look|listen|oh|um|sorry)[,.!]?\s+(?=[a-z])", re.I)


def _norm(line: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", line.lower()).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _sentence_keys(text: str, min_words: int = 1) -> list[str]:
    """The sentences of a line, normalised (the unit a customer must not say twice in one conversation)."""
    keys = [_norm(x) for x in _SENTENCE_END.split(" ".join((text or "").split()))]
    return [k for k in keys if k and len(k.split()) >= min_words]


_SENTENCE_STARTERS = frozenset("now what so and but then well right okay ok yes no please look listen".split())


def proper_words(texts: Sequence[str]) -> frozenset[str]:
    """Words written with a capital inside a sentence somewhere in these texts (names, places, brands):
    never lower-cased when a sentence starting with one is folded into another."""
    out = set()
    for text in texts:
        for sent in _SENTENCE_END.split(" ".join((text or "").split())):
            words = re.findall(r"[A-Za-z][A-Za-z'’-]*", sent)
            # ("{fact} Now what?": "Now" starts a sentence after the placeholder, it is no name)
            out.update(w for k, w in enumerate(words[1:], 1) if w[:1].isupper()
                       and not (w.lower() in _SENTENCE_STARTERS and re.search(r"[}.!?]\s*$", sent[:sent.find(w)])))
    return frozenset(out)


def _inline(text: str, proper: frozenset[str] = frozenset()) -> str:
    """A sentence to be said after a colon or dash inside another ("Third time: when will it be fixed?"):
    its first word lower-cased unless it is "I", a name the scenario writes with a capital, or an acronym."""
    text = text.strip()
    first = re.match(r"[A-Za-z][A-Za-z'’-]*", text)
    if not first:
        return text
    w = first.group()
    if w == "I" or w.startswith(("I'", "I’")) or w in proper or (len(w) > 1 and w.isupper()):
        return text
    return text[:1].lower() + text[1:]


def _fill(template: str, values: Mapping[str, str], proper: frozenset[str] = frozenset()) -> str | None:
    """A part's placeholders filled: a value after a colon, dash or comma joins that sentence (lower-cased
    start, and only the first sentence of a fact), so "Third time: {ask}" is one new sentence, not the old
    question said again. None when the template needs a value that was not given."""
    missing = False

    def sub(m: re.Match) -> str:
        nonlocal missing
        lead, name = m.group(1) or "", m.group(2)
        if name not in values:
            missing = True
            return m.group(0)
        value = str(values[name]).strip()
        if lead.strip() and lead.strip()[-1] in ":—–,-":
            value = _inline(_first_sentence(value) if name == "fact" else value, proper)
            if name == "fact" and value[-1:] not in ".!?":
                value += "."
        return lead + value

    text = re.sub(r"((?:^|[:—–,-]|[.!?])\s*)?\{(\w+)\}", sub, template)
    return None if missing else text


def _first_sentence(text: str) -> str:
    parts = _SENTENCE_END.split(" ".join((text or "").split()))
    return parts[0] if parts else text


_ILL = re.compile(r"\b(?:i|I)ll (?=(?:call|ring|phone|send|get|be|email|text|sort|book|put|make|chase|look|check|do|give|let|"
                  r"have|take|see|arrange|refund|cancel|pass|stay|keep|personally|also|just|come|update|confirm|own)\b)")
_LONE_I = re.compile(r"(?<![\w'])i(?=(?:'(?:m|ll|ve|d)|\s))")


def _typed_as_said(text: str) -> str:
    """A turn typed without apostrophes or capitals read as said: "ok so im Sam and ill call you back" ->
    "ok so I'm Sam and I'll call you back" (the saved turn keeps what was typed)."""
    from core.text import restore_apostrophes

    out = _ILL.sub("I'll ", restore_apostrophes(text))
    return _LONE_I.sub("I", out)


class Director:
    """Runs one scenario with one archetype: start(), step() per trainee turn, replay() to resume."""

    def __init__(self, scenario: Scenario, archetype: Archetype, variant: int = 0) -> None:
        self.scenario = scenario
        self.archetype = archetype
        self.variant = int(variant or 0)  # picks the wording (parts, leads, line order); never the mood or the facts
        self._proper_cache: frozenset[str] | None = None

    @property
    def _proper(self) -> frozenset[str]:
        if self._proper_cache is None:
            sc = self.scenario
            texts = [sc.opening_line, sc.situation, sc.customer.name, getattr(sc.customer, "backstory", "") or ""]
            texts += [f.text for f in sc.facts] + [k.say for k in getattr(sc, "knows", None) or []]
            texts += [x for bands in sc.lines.values() for ls in bands.values() for x in ls]
            self._proper_cache = proper_words(texts) | frozenset((sc.customer.name or "").split())
        return self._proper_cache

    # -- public API -------------------------------------------------------------------------
    def start(self) -> tuple[DirectorState, Beat]:
        sc = self.scenario
        state = DirectorState(mood=sc.start_mood, trust=self.archetype.start_trust,
                              intent_counts={"vent": 1}, last_intent="vent", said=[_norm(sc.opening_line)],
                              sentences=_sentence_keys(sc.opening_line), variant=self.variant)
        self._note_ask(state, sc.opening_line)
        return state, Beat(intent="vent", line=sc.opening_line, mood=state.mood, trust=state.trust)

    def step(self, state: DirectorState, trainee_text: str, history: Sequence = (),
             moves: Sequence[str] | None = None) -> tuple[DirectorState, Beat, list[str]]:
        """The customer's reaction to one trainee turn. `history`: the turns before it, oldest first.

        `moves` may be given (e.g. the ones saved with the turn) so a replay never depends on a
        newer move model; otherwise scoring.moves.detect_moves decides them."""
        from scoring.understanding import read_turn  # the one reading of a turn, shared with scoring

        if state.ended:
            raise ValueError(f"the conversation has ended ({state.ended})")
        trainee_text = _typed_as_said(plain_quotes(trainee_text))  # "I\u2019ll call you", "ill call you": "I'll call you"
        reading = read_turn(trainee_text, list(history), self.scenario, moves)
        moves = list(reading.moves)
        s = state.model_copy(deep=True)
        s.turn += 1
        t = self._read(s, trainee_text, reading, history)
        anger, trust = self._effects(s, t["signals"], moves)
        if t["jargon"] and anger < 0:
            anger = 0.0  # words they cannot follow never calm, whatever else the turn did

        s.needs_met.extend(t["new_needs"])  # before the floor: what this turn did counts for it
        # Lag: the change joins what is still pending and only part of it lands this turn.
        s.pending = _clamp(s.pending + anger, -s.mood, 10 - s.mood)
        landed = s.pending * self.archetype.responsiveness
        mood = _clamp(s.mood + landed)
        floor = self._floor(s)
        if mood < floor and landed < 0:
            mood = max(floor, min(s.mood, mood))  # heard but nothing done: calmer, never calm
            # Part of it done: the rest of the calm waits for the rest of the help (it lands once that comes);
            # nothing done at all: it is lost.
            s.pending = max(-3.0, round(s.pending - landed, 3)) if (s.needs_met or s.commitments) else 0.0
        else:
            s.pending = round(s.pending - landed, 3)
        s.mood = round(mood, 3)
        s.trust = round(_clamp(s.trust + trust), 3)
        s.hot_turns = s.hot_turns + 1 if s.mood >= self.scenario.end.walkout_mood else 0
        if "ignored_concern" in t["signals"] or "off_topic" in t["signals"]:
            s.ignored += 1

        intent, end = self._decide(s, t, anger, moves)
        if intent == "accept":
            s.accepted = True
        if intent == "farewell" and end == "resolved" and self.scenario.needs \
                and {n.id for n in self.scenario.needs} <= set(s.needs_met):
            s.mood = round(s.mood * 0.6, 3)  # everything they needed done, and the call closed: relief
        s.ended = end
        beat = self._beat(s, intent, end, t)
        self._note_ask(s, t.get("_ask_text", beat.line))
        return s, beat, moves

    def replay(self, turns: Sequence) -> tuple[DirectorState, Beat | None]:
        """The state after a saved conversation, and the beat still owed if the last turn is the trainee's."""
        state, _ = self.start()
        pending: Beat | None = None
        for i, turn in enumerate(turns):
            role, text = _role_text(turn)
            if role == "trainee":
                saved = turn.get("moves") if isinstance(turn, Mapping) else getattr(turn, "moves", None)
                state, pending, _ = self.step(state, text, turns[:i], moves=saved)
            elif role == "customer":
                pending = None
        return state, pending

    # -- reading the turn ---------------------------------------------------------------------
    def _read(self, s: DirectorState, text: str, r, history: Sequence) -> dict:
        """Signals and what the reply must react to, from the shared reading of the turn."""
        sc = self.scenario
        moves = set(r.moves)
        signals = [m for m in r.moves]
        react: list[tuple[str, dict]] = []  # reply parts reacting to what the agent did, in order

        # Empathy counts when it is about this customer; scripts help once, then wear thin, then irritate.
        if r.empathy == "non_apology":
            signals = [x for x in signals if x not in _EMPATHY_MOVES]
            signals.append("non_apology")
            react.append(("non_apology", {}))
        elif r.empathy == "generic" and "farewell" in moves and (s.accepted or s.needs_met):
            signals = [x for x in signals if x not in _EMPATHY_MOVES]  # "thanks for your patience, goodbye"
        elif r.empathy == "generic":
            signals = [x for x in signals if x not in _EMPATHY_MOVES]
            s.generic_empathy += 1
            if s.generic_empathy == 1:
                signals.append("generic_empathy")
            elif s.generic_empathy >= 3 or (s.generic_empathy == 2 and not r.acted and not r.answered):
                signals.append("hollow_empathy")
                react.append(("hollow_empathy", {}))
        elif r.empathy == "feeling" and (s.generic_empathy >= 1 or s.signal_counts.get("_feeling_lines", 0)) \
                and not r.acted:
            # a feeling named with nothing of their story, after a script line already: the script again
            signals = [x for x in signals if x not in _EMPATHY_MOVES]
            s.generic_empathy += 1
            if s.generic_empathy >= 3:
                signals.append("hollow_empathy")
                react.append(("hollow_empathy", {}))
        elif r.empathy == "feeling":
            # the first feeling named is real enough; a second one, or one after a script line, is the script
            signals = [x for x in signals if x not in ("affirmation", "acknowledgement")]
        elif r.empathy == "specific":
            if not moves & {"reflection", "apology", "paraphrase"}:
                signals.append("specific_empathy")
        if r.empathy == "feeling":
            s.signal_counts["_feeling_lines"] = s.signal_counts.get("_feeling_lines", 0) + 1
        if r.empty_ack:
            signals = [x for x in signals if x != "acknowledgement"]
        from scoring.evidence import sentences as _sents
        from scoring.needs import holds_their_own

        if "paraphrase" in signals and all(holds_their_own(x) for x in _sents(text) if x.strip()):
            signals = [x for x in signals if x != "paraphrase"]  # "You've got your reference there": no restatement
        if "paraphrase" in signals and not r.acted and r.empathy != "specific" and not self._restates(text, history):
            # "That's an E-flagged read, derived from the EAC": nothing of theirs said back, so nothing heard
            signals = [x for x in signals if x != "paraphrase"]
        if r.greeting_after_explained:
            signals = [x for x in signals if x not in ("question", "acknowledgement", "farewell")]
            signals.append("scripted_greeting")
            react.append(("greeting_after_explained", {}))
        if r.id_first:
            signals.append("id_first")
            react.append(("id_first", {}))
        jargon = list(r.jargon)
        if jargon or r.lecture:
            if "jargon" not in signals:
                signals.append("jargon")
            react.append(("jargon", {"term": jargon[0] if jargon else "all that"}))
        if POLICY_RE.search(text):
            signals.append("policy_recital")
        if self._trigger_said(text):
            signals.append("escalate_trigger")
        if any_phrase(sc.triggers.calm, text):
            signals.append("calm_trigger")

        # Hollow moves: sending them elsewhere, "you'll be fine", "leave it with me", a recording notice, holding
        # the line, "anything else?" before anything is done, the promise they were given before and that was
        # broken. None of it calms; sending them elsewhere or stonewalling is dismissive.
        from scoring.understanding import vague_deferrals

        deferred = vague_deferrals(text)
        # "Someone will get back to you" meets no need: what the turn does is read without its deferrals
        from scoring.evidence import sentences as _sentences

        acting_text = " ".join(x for x in _sentences(text) if x not in deferred) if deferred else text
        hollow = set(r.hollow_moves)
        # Being told plainly what went wrong meets a need for an explanation; words they cannot follow, or an
        # "explanation" that blames, shrinks or brushes them off, do not.
        telling = not (r.jargon or r.lecture) and not hollow & {"deflect", "stonewall", "blame", "minimise", "brush_off"}
        real_help = bool(acting_text.strip() and needs_met(sc, acting_text, moves, skip=s.needs_met,
                                                           telling=telling)) or any(
            c.time or c.reference or (c.owner and c.acts) for c in r.commitments)
        done_before = bool(s.needs_met) or any(isinstance(c, dict) and c.get("acts", True) for c in s.commitments)
        if not real_help and not done_before and "check_more" in moves and not r.commitments and not any(
                o.rule for o in r.offers if not o.text.rstrip().endswith("?")):
            hollow.add("premature_close")  # "anything else?" when nothing has been done yet
        broken = self._repeats_broken(r) if not any(c.time or c.reference or (c.owner and c.owner != "I")
                                                    for c in r.commitments) else False  # a named owner is new
        if broken:
            hollow.add("broken_promise")
        # Blaming them or someone else, or shrinking their problem, is never listening, whatever else is said.
        hollow_now = bool(hollow & {"deflect", "stonewall", "broken_promise", "blame", "minimise"}) \
            or (bool(hollow) and not real_help)
        if hollow_now:
            signals = [x for x in signals if x not in _CALMING]
            if "blame" in hollow:
                if "blame" not in signals:
                    signals.append("blame")
                react.append(("blamed", {"_target": self._blamed_whom(text)}))
            if "minimise" in hollow:
                signals.append("minimising")
                react.append(("minimised", {}))
            if hollow & {"deflect", "stonewall"} and "blame" not in hollow:
                signals.append("dismissive")
            if "broken_promise" in hollow:
                signals.append("broken_commitment")
            if "brush_off" in hollow and not hollow & {"deflect", "stonewall"}:
                signals.append("brush_off")
            if "vague_promise" in hollow:
                signals.append("vague_promise")
                if s.signal_counts.get("vague_promise", 0):
                    react.insert(0, ("deferred_again", {}))  # "That's what they said last time."
            if "premature_close" in hollow:
                signals.append("premature_close")
                react.append(("not_yet", {}))
            if "disclaimer" in hollow:
                signals.append("ignored_concern")

        # Commitments: remembered, taken note of, and never asked for again.
        changed = self._changed_commitment(s, text, r)
        if changed is not None:
            # "I'll ring you on Monday" after "I'll call you at 5pm tomorrow": they notice, and hold to the first
            react.insert(0, ("commitment_changed", {"commitment": self._commitment_words(changed[0]), "time": changed[1]}))
            signals = [x for x in signals if x not in _CALMING]
        new_commitments = []
        for c in r.commitments:
            if not (c.owner or c.time or c.reference):
                continue
            if any(_norm(c.text) == _norm(x["text"]) for x in s.commitments):
                continue
            entry = {"text": c.text, "owner": c.owner, "time": c.time, "reference": c.reference, "turn": s.turn,
                     "acts": bool(getattr(c, "acts", True))}
            if changed is not None and c.time:
                entry["changed"] = True  # another time for what was promised: not taken as the promise
            s.commitments.append(entry)
            if entry["acts"] or c.reference:
                new_commitments.append(entry)  # "you're through to Jo" gives a name; it promises nothing
        if new_commitments and (hollow_now or changed is not None):
            new_commitments = []  # "leave it with me" noted as a promise is not one; nor is a changed one
        if new_commitments:
            signals.append("commitment")
            c = new_commitments[-1]
            from scoring.needs import recaps

            if not ("summary" in moves or recaps(text)) or (c.get("time") and not any(
                    x.get("time") == c["time"] for x in s.commitments[:-len(new_commitments)] if isinstance(x, dict))):
                # (a recap goes back over what they were told: no "So, to recap: ... Let me write that down")
                key = zlib.crc32(f"{s.variant}|{s.turn}|{text}".encode())
                react.insert(0, ("commitment_ack", {"commitment": self._echo_words(c, key), "_c": c}))

        # The customer's own question or demand: answered, or pressed harder, then escalated.
        answer_to: dict | None = None
        asked = self._asked(s, r, history)
        if s.open_ask is not None:
            from scoring.understanding import Ask, answers_ask

            satisfied = self._satisfied(s, s.open_ask["kind"])
            answered = answers_ask(Ask(s.open_ask["kind"], s.open_ask["text"]), text, r.moves, r.commitments, r.offers)
            if (answered or satisfied) and not hollow_now:
                signals.append("answered")
                s.answered.append(_norm(s.open_ask["text"]))
                s.open_ask = None
            elif (asked is None or not asked.get("match")) and not (
                    moves & {"paraphrase", "summary"} or r.empathy == "specific"):
                # A turn that restates their problem or names it specifically is working on it: the
                # question can wait a turn. Anything else leaves it unanswered, and it counts.
                s.open_ask["times"] += 1
                signals.append("unanswered_again" if s.open_ask["times"] >= 2 else "unanswered")

        # What the agent asked the customer: answered from their story, or an honest "don't know".
        if asked is not None:
            answer_to = asked
            if asked.get("again"):
                signals.append("asked_again")

        new_needs: list[str] = []
        if broken:
            pass  # the promise that was broken before meets nothing
        elif ({"next_step", "summary"} & moves or r.offers or r.commitments or real_help) and acting_text.strip():
            new_needs = [n.id for n in needs_met(sc, acting_text, moves, skip=s.needs_met,
                                                 telling=telling and not hollow_now)]
            if new_needs:
                signals.append("need_met")
            if "next_step" in moves and any(c.time for c in r.commitments):
                signals.append("timed_next_step")

        if s.open_ask is not None and (new_needs or new_commitments) and self._asks_for_done(
                s.open_ask["text"], {"_commitments": s.commitments, "needs_met": [*s.needs_met, *new_needs]}):
            signals = [x for x in signals if x not in ("unanswered", "unanswered_again")]
            signals.append("answered")  # "Will you fix the bill?" answered by fixing it
            s.open_ask = None

        # Something the policy forbids and the customer never asked for ("50% off to stay" to someone who
        # cancelled) is pushy; a forbidden promise that meets a need pleases them (the grade says why it shouldn't).
        if any(o.allowed is False for o in r.offers) and not new_needs:
            signals.append("unwanted_offer")

        harmful = {"dismissive", "blame", "off_topic", "jargon", "brush_off", "vague_promise", "premature_close",
                   "broken_commitment"}
        engaged = (moves & ENGAGING and r.empathy not in ("generic", "non_apology")) or "answered" in signals \
            or (r.acted and bool(needs_met(sc, text, moves))) \
            or (r.acted and not hollow_now and not any(o.allowed is False for o in r.offers) and bool(
                r.offers or r.commitments)) \
            or r.empathy == "specific" or (r.empathy == "generic" and s.generic_empathy <= 2) or asked
        closing_done = ("farewell" in moves and bool(sc.needs) and {n.id for n in sc.needs} <= set(s.needs_met)) \
            or (s.accepted and bool(moves & {"check_more", "farewell", "summary"}))  # wrapping up an agreed call
        if not engaged and not (set(signals) & (harmful | {"hollow_empathy", "non_apology"})) and not new_needs \
                and not new_commitments and not closing_done:
            signals.append("ignored_concern")
        agent_said = " ".join([x for role, x in map(_role_text, history) if role == "trainee"] + [text])
        return {"history": list(history), "signals": signals, "react": react, "answer": answer_to, "new_needs": new_needs, "agent_said": agent_said,
                "new_commitments": new_commitments, "jargon": bool(jargon or r.lecture), "reading": r,
                "check_back": bool(_CHECK_BACK.search(text)) and bool(moves & {"paraphrase", "summary", "reflection"}
                                                               or r.empathy == "specific")}

    def _asked(self, s: DirectorState, r, history: Sequence = ()) -> dict | None:
        """What the trainee's question asks the customer for, matched against their story."""
        from scoring.questions import WANTS_Q, answer_type, contradicts, focus_question, is_check
        from scoring.understanding import SCRIPTED_GREETING, match_question, request_sentences

        # "How can I help?" asks nothing; "Who am I speaking to?" is scripted too, but it asks for their name.
        questions = [q for q in r.questions if not SCRIPTED_GREETING.search(q) or answer_type(q).type == "self"]
        questions += [q for q in request_sentences(r.text) if q not in questions]  # "Tell me your reference."
        from scoring.evidence import sentences as _sents
        from scoring.needs import holds_their_own

        # "You've got your booking reference there.": asks for it, in effect
        questions += [x for x in _sents(r.text) if holds_their_own(x) and x not in questions]
        if not questions and self._fragment_ask(r.text):
            questions = [self._fragment_question(r.text)]  # typed shorthand: "card ending", "tried anything yet"
        if not questions:
            # Told a detail of their own story wrongly ("Card on file's the Visa ending 0847."): they put it right.
            from scoring.evidence import sentences
            from scoring.questions import wrong_claim

            for x in sentences(r.text):
                if self._SELF_INTRO.search(x) and not re.search(r"\byour\b", x, re.I):
                    continue  # "My name's Priyanka and I'm owning this": the agent's own name, not a wrong one of theirs
                m = wrong_claim(x, self.scenario)
                if m is not None:
                    told = s.disclosed if m.source == "fact" else s.told
                    return {"match": m, "again": False, "question": x, "also": [], "corrects": True} \
                        if m.key not in told else None
            return None
        questions = [q for q in questions if not (_CHECK_IN.search(q) and len(q.split()) <= 9)
                     and not (_OFFER_QUESTION.search(q) and len(q.split()) <= 12)
                     and not (_HOLD_OR_WRAP.search(q) and len(q.split()) <= 14 and not match_question(
                         _HOLD_OR_WRAP.sub(" ", q), self.scenario))]
        if not questions:
            # "Does that help?" asks how they take the offer, "Shall I book it?" offers: their reaction answers
            return None
        def theirs(q: str) -> bool:
            # "When will the money be back?" asked of the customer: the outcome they called about (nothing in
            # their story, or only what they want) is the agent's to say. "When will the tablets run out?" or
            # "When is the wedding going to start?" are their own story: answered below.
            if not _THEIRS_TO_SAY.search(q) or WANTS_Q.search(q):
                return False  # "What kind of fix are you looking for?" asks what they want: theirs to say
            found = match_question(q, self.scenario)
            # a weak match is a shared word ("come through" ~ "come home"), not their story
            return not found or found[0].score < 3.0 or self._story_kind(found[0]) == "wants"

        for q in questions:
            if self._AVAILABILITY.search(q) and not self._RECALL_PAST.search(q):
                # "What time tomorrow is best for me to ring you?": when they are free is theirs to know
                return self._availability(s, q)
            c = self._recalled(s, q)
            if c is not None:
                return {"match": None, "again": False, "question": q, "recall": c}
        if all(theirs(q) for q in questions):
            return {"match": None, "again": False, "question": questions[0], "theirs": True}
        found: dict | None = None
        also: list = []
        for q in questions:
            check = self._checks_back(q, r)
            if check and len(q.split()) <= 6:
                continue  # "is that right?" checks a restatement; answered by confirming
            # the commentary before the question is not a part; a check ("You rang, over the phone, didn't you?") is one
            for part in ([q] if is_check(q) else _parts_asked(focus_question(q))):
                matches = match_question(part, self.scenario)
                lean = self._leans_on(r.text, q, part)
                if lean:
                    # "The scan says delivered. What time have you got for THAT?": the sentence before says what
                    # "that" is; asked with it, the question finds the piece the agent means.
                    wider = match_question(lean, self.scenario)
                    if wider and wider[0].score >= 2.0 and (not matches or wider[0].score > matches[0].score + 0.5):
                        matches = wider
                if not check and found is None:
                    said = self._said_before(s, part, matches) or self._asked_just_now(s, part, matches, history)
                    if said is not None:
                        # asked again, in other words, for what they already said (in the opening line, or as
                        # the answer to an earlier question): "I've told you: ..."
                        return {"match": said[0], "again": True, "question": q, "also": said[1]}
                if not matches:
                    continue
                best = matches[0]
                told = s.disclosed if best.source == "fact" else s.told
                if check and best.key in told:
                    break  # what they told, said back and checked: confirmed ("Yes, that's it"), not told again
                if found is None:
                    # "I already told you" when asked again
                    found = {"match": best, "again": best.key in told, "question": q}
                elif best.key != found["match"].key and best.key not in told and best.key not in [m.key for m in also] \
                        and not found["again"] and len(also) < 2:
                    also.append(best)  # "Can I take the reference, and would Gatwick work?": both parts answered
        if found is not None:
            found["also"] = also
            if not found["again"] and contradicts(found["question"], found["match"].text):
                found["corrects"] = True  # "You're the groom, aren't you?" — "No, … I'm the best man."
            return found
        real = [q for q in questions if not (self._checks_back(q, r) and (
            len(q.split()) <= 6 or any(m.key in (s.disclosed if m.source == "fact" else s.told)
                                       for m in match_question(q, self.scenario)[:1])))]
        story = next((q for q in real if _OPEN_STORY.search(q)), None)
        if story is not None:
            # "What happened exactly?": they tell the next part of their story they have not told yet.
            from scoring.questions import Match

            story_kinds = ("timeline", "tried", "told_before", "other", "place", "item")
            untold = [f for f in self.scenario.facts if f.id not in s.disclosed and f.kind in story_kinds]
            untold.sort(key=lambda f: story_kinds.index(f.kind))
            if untold:
                f = untold[0]
                return {"match": Match("fact", f.id, f.text, 1.0), "again": False, "question": story}
            return None  # told it all: they go on about it (vent/soften), not "I don't know"
        if real:  # asked with or without a question mark ("and what's the sort code")
            return {"match": None, "again": False, "question": real[0]}  # nothing in their story: "I don't know"
        return None

    _SELF_INTRO = re.compile(r"\b(?:(?i:my name)(?:'s| is)|(?i:i'm|i am|this is|it's) [A-Z][a-z]+\b|"
                             r"(?i:you're|you are) (?i:through to|speaking to|speaking with) [A-Z][a-z]+)")

    # A few words with no one doing anything in them ("card ending", "date of birth", "tried anything yet",
    # "and the postcode"): typed shorthand for a question about their story, when their story answers it well.
    _NOT_FRAGMENT = re.compile(r"\b(?:i|i'm|i'll|i've|i'd|we|we'll|we're|we've|you're|you'll|you've|let|let's|hold|hang|"
                               r"wait|sorry|thanks|thank|cheers|ok|okay|right|sure|great|fine|perfect|lovely|understood|noted|"
                               r"bye|goodbye|hello|hi|morning|afternoon|evening|please hold|one moment|bear with)\b", re.I)

    def _fragment_ask(self, text: str) -> bool:
        from scoring.questions import match_question

        t = text.strip()
        words = re.findall(r"[\w']+", t)
        if not 1 <= len(words) <= 5 or re.search(r"[.!]\s*\S", t) or self._NOT_FRAGMENT.search(t) or t.endswith("!"):
            return False
        found = match_question(self._fragment_question(t), self.scenario)
        return bool(found) and found[0].score >= 2.5

    @staticmethod
    def _fragment_question(t: str) -> str:
        """Shorthand said in full: "tried anything yet" -> "Have you tried anything yet?"."""
        t = t.strip().rstrip(" .?")
        if re.match(r"(?:tried|checked|spoken|spoke|rung|rang|called|phoned|contacted|emailed|been|got|had|heard|asked|"
                    r"looked|done|sent|seen)\b", t, re.I):
            t = "Have you " + t
        return t + "?"

    _ANAPHOR = re.compile(r"\b(?:that|it|this|those|them|they|there|one|ones|the two|both)\b(?!\s+(?:is|was)\s+(?:right|correct))", re.I)

    @classmethod
    def _leans_on(cls, text: str, q: str, part: str | None = None) -> str | None:
        """A question that points back into the turn ("…what time have you got for THAT?", "Rent. How much,
        what day?"), with the statement or fragment before it put in front; None when it stands alone."""
        from scoring.evidence import sentences

        said = [x.strip() for x in sentences(text) if x.strip()]
        if q.strip() not in said:
            return None
        i = said.index(q.strip())
        if i == 0:
            return None
        prev = said[i - 1]
        if prev.rstrip().endswith("?") or len(prev.split()) > 25:
            return None
        from scoring.questions import _telling

        part = (part or q).strip()
        own = {k for k in _telling(part) if not k.startswith("~")}
        if not (cls._ANAPHOR.search(q) or len(own) <= 1):
            return None
        return f"{prev.rstrip(' .!')}, {part[0].lower()}{part[1:]}"

    @staticmethod
    def _checks_back(q: str, r) -> bool:
        """Whether a question only checks the agent's restatement of what the customer said ("So it's the
        amlodipine and you've two left — have I got that right?"): confirmed, not answered from the story again.
        A question of its own before the tag ("which surgery is it, is that right?") still asks."""
        m = _CHECK_BACK.search(q)
        if not m:
            return False
        if len(q.split()) <= 6:
            return True
        restates = bool(set(r.moves) & {"paraphrase", "summary", "reflection"}) or r.empathy == "specific"
        head = q[:m.start()]
        return restates and not re.match(r"^\W*(?:(?:and|so|okay|ok|right|then)\W+)*(?:what|when|where|which|who|whose|why|"
                                         r"how|can|could|would|will|do|does|did|have you|has|is it|are you)\b", head, re.I)

    # The agent asking what they themselves promised: "When did I say I'd call you?", "Who'll be ringing you
    # later?", "When is the engineer coming again?", "What did I say I'd do about your data?"
    _RECALL = re.compile(r"\b(?:did i|have i|i said|i promised|i(?:'ve| have) (?:promised|said|agreed|told you|arranged)|"
                         r"i(?:'ve| have)? (?:gave|given) you|(?:reference|number|name) i (?:gave|told|said)|"
                         r"(?:repeat|read|say) (?:\w+ )?back (?:to me )?what|am i|was i|i'm supposed|i was going|we said|did we|"
                         r"should you expect|hear(?:ing)? from (?:me|us)|who(?:'s| is| will be|'ll be) (?:calling|ringing|phoning|contacting|coming)|(?:will|'ll) be (?:ringing|calling|phoning|coming|in touch)|"
                         r"(?:is|are) (?:the|your|our) \w+ (?:coming|arriving|visiting|due)|again\s*\?$|"
                         r"what(?:'s| is| was) (?:the|our) plan|remind me)\b", re.I)

    # The agent asking what has been arranged, in any words: "What's happening next on my side?", "Do you know
    # who's going to be in touch?", "When will you be hearing from me?", "What are the next steps, as you
    # understand them?". Only asked once something was arranged; the past ("what happened next?") is their story.
    _ARRANGED = re.compile(
        r"\b(?:what(?:'s| is| are)? (?:\w+ ){0,2}?(?:happening|going to happen|(?:the )?next steps?|happens next|next)\b|"
        r"what (?:will|would) happen (?:now|next)|what(?:'s| is| was) (?:the|our) (?:plan|arrangement)|"
        r"what (?:have|did) we (?:agree|arrange|say|decide)\w*|what(?:'s| is| was) (?:been )?(?:agreed|arranged|promised)|"
        r"what (?:are|should) you (?:expecting|expect)|what do you (?:expect|understand) (?:to happen|will happen|is happening)|"
        r"what you(?:'re| are)? (?:expecting|expect)|who(?:'s| is|'ll| will)? (?:\w+ ){0,3}?(?:call|ring|phone|contact|email|text)\b|"
        r"who(?:'s| is| will be|'ll be)? (?:\w+ ){0,2}?(?:in touch|getting back|get back|looking after|handling|dealing with|"
        r"owning|responsible|calling|ringing|phoning|contacting|your (?:contact|handler|case owner))|"
        r"when (?:will|are|would|do|should|can) you (?:\w+ ){0,3}?(?:hear(?:ing)?|get (?:a call|an update|a text|an email|"
        r"the confirmation)|expect(?:ing)?)(?: (?:back|from|about))?|"
        r"hear(?:ing)? (?:back )?from (?:me|us|someone|somebody|anyone|them|the team)|"
        r"(?:next|back) (?:from|with) (?:me|us)|do you (?:know|remember) (?:who|when|what (?:i|we|happens))|"
        r"do you (?:know|remember) what(?:'s| is) (?:happening|next))", re.I)

    # A question that asks for one value (how much, where, when, how many, how long, which day...): asked again in
    # other words, the customer knows they said it already.
    _VALUE_Q = re.compile(r"\b(?:how (?:much|many|long|often|far|old)|where|when|what (?:time|day|date)|which (?:day|date)|"
                          r"what(?:'s| is| was| were)? (?:the |your |that )?(?:amount|total|figure|sum|cost|price|value|number|destination|"
                          r"reference|date|time|day))\b", re.I)
    _NUMBER_RUN = re.compile(r"\b(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                             r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                             r"ninety|hundred|thousand)(?:\s+and\s+|[\s-]+)?)+\b", re.I)
    _NUM = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                        "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
    _NUM.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                 "ninety": 90})

    @classmethod
    def _digits(cls, text: str) -> str:
        """Number words as digits ("six hundred and ten pounds" -> "610 pounds"), so a value said in words is
        read as one."""
        def conv(m: re.Match) -> str:
            total = cur = 0
            for w in re.findall(r"[a-z]+", m.group(0).lower()):
                if w == "and":
                    continue
                if w == "hundred":
                    cur = (cur or 1) * 100
                elif w == "thousand":
                    total, cur = total + (cur or 1) * 1000, 0
                else:
                    cur += cls._NUM.get(w, 0)
            tail = " " if m.group(0).endswith(" ") else ""
            return f"{total + cur}{tail}"
        return cls._NUMBER_RUN.sub(conv, text)

    # Going somewhere, in any words: "where were you travelling / flying / heading / going to?" is about "my flight to
    # Lisbon" (the word family of a journey, read as one topic).
    _TRIP = frozenset({"travel", "travell", "fly", "flight", "trip", "journey", "head", "destin", "going", "go"})
    # Not working, in any words: "how long has it been down?" is about "my internet has been dead for two days".
    _OUTAGE = frozenset({"down", "dead", "broken", "outage", "offline", "cut", "stopp", "stop"})

    @classmethod
    def _trip(cls, keys_: set[str], text: str = "") -> set[str]:
        """Topic keys plus the word families they (or the text's own words: "down" is no topic word) belong to."""
        from core.text import keys as _keys

        have = set(keys_) | (set(_keys(text)) if text else set())
        out = bool(have & cls._OUTAGE) or bool(text and re.search(
            r"\b(?:been|gone|went|is|was|go(?:es)?) (?:out|off|down)\b|\bnot (?:been )?working\b|\bstopped working\b", text, re.I))
        return set(keys_) | ({"~trip"} if have & cls._TRIP else set()) | ({"~outage"} if out else set())

    def _asked_just_now(self, s: DirectorState, q: str, matches: list, history: Sequence) -> tuple | None:
        """(the piece, []) when the agent asks again, in other words, the question they asked just before and the
        customer answered it from their story ("What's on the wall now?" ... "Sorry, what's growing on the
        wall?"): the two questions share a topic word and nothing untold answers this one better."""
        from core.text import content_words, keys, tokens

        turns = [_role_text(x) for x in history]
        if len(turns) < 2 or turns[-1][0] != "customer" or turns[-2][0] != "trainee":
            return None
        if any(m.score >= 2.5 and m.key not in (s.disclosed if m.source == "fact" else s.told) for m in matches):
            return None
        from scoring.questions import Match

        before, reply = turns[-2][1], turns[-1][1]
        if "?" not in before:
            return None
        shared = set(keys(" ".join(content_words(tokens(q))))) & set(keys(" ".join(content_words(tokens(before)))))
        shared -= {"sorry", "again", "exactly", "just", "tell", "now", "please", "actually"}
        if not shared:
            return None
        knows = getattr(self.scenario, "knows", None) or []
        pieces = [Match("fact", f.id, f.text, 1.0) for f in self.scenario.facts if f.id in s.disclosed]
        pieces += [Match("knows", k, knows[int(k[1:])].say, 1.0) for k in s.told if k[1:].isdigit() and int(k[1:]) < len(knows)]
        told_now = [m for m in pieces if m.text.strip() and m.text.strip() in reply]
        return (told_now[-1], []) if told_now else None

    _TIME_WORDS = frozenset(word_key(w) for w in """today tonight tomorrow yesterday morning afternoon evening night
        week weekend weekday weekdays month day days time hour hours minute minutes now then soon later""".split())
    _COUNT = re.compile(r"\b(?:\d+|once|twice|(?:one|two|three|four|five|six|seven|eight|nine|ten)|(?:first|second|third|"
                        r"fourth|fifth|sixth)(?= time)|both|all)\b", re.I)

    @classmethod
    def _values(cls, text: str) -> set[str]:
        """The values a text names: numbers (words read as digits) and capitalised names past the first word."""
        t = cls._digits(text)
        nums = set(re.findall(r"\d+(?:\.\d+)?", t))
        names = {w for w in re.findall(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]{2,}\b", t) if w not in {"I", "The", "My"}}
        return nums | names

    def _said_before(self, s: DirectorState, q: str, matches: list) -> tuple | None:
        """(what they said, extra pieces) when a question asks, in other words, for a value the customer already
        gave: a piece of their story told this call that matches the question nearly as well as the best match
        and holds the kind of value asked (how much, where, when...); or a sentence of their opening line that
        holds that kind of value and shares a topic word with the question. None otherwise."""
        from scoring.questions import HARD_TYPES, Match, _telling, answer_type, holds

        if not self._VALUE_Q.search(q):
            return None
        atype = answer_type(q).type
        if atype not in HARD_TYPES or atype in ("self", "name"):
            return None
        untold = [m for m in matches if m.score >= 2.0 and m.key not in (s.disclosed if m.source == "fact" else s.told)]
        if not untold:
            # nothing untold answers it, and one thing they told this call is that kind of value ("How much did they
            # take?" ... "What was the value of that payment?"): the same thing, asked again
            pieces = [Match("fact", f.id, f.text, 1.0) for f in self.scenario.facts if f.id in s.disclosed]
            knows = getattr(self.scenario, "knows", None) or []
            pieces += [Match("knows", k, knows[int(k[1:])].say, 1.0) for k in s.told
                       if k[1:].isdigit() and int(k[1:]) < len(knows)]
            typed = [m for m in pieces if holds(m.text, atype)]
            if len(typed) == 1 and atype in ("money", "quantity", "measure", "code", "clock", "day", "place"):
                return typed[0], []
        if matches:
            best = matches[0]
            for m in matches[1:4]:
                told = s.disclosed if m.source == "fact" else s.told
                best_told = best.key in (s.disclosed if best.source == "fact" else s.told)
                if not best_told and m.key in told and m.score >= 0.9 * best.score and holds(m.text, atype):
                    return m, []
        if re.search(r"\b(?:exact(?:ly)?|precise(?:ly)?|specific(?:ally)?|which part|whereabouts)\b", q, re.I) and any(
                m.score >= 2.0 and holds(m.text, atype) and m.key not in (s.disclosed if m.source == "fact" else s.told)
                for m in matches[:1]):
            return None  # "Where exactly is the mould?": more than the opening said, and their story has it
        mine = self._trip(_telling(q), q)
        topic = {k for k in mine if not k.startswith("~")} | (mine & {"~trip", "~outage"})  # their words, not synonyms
        if atype != "quantity":
            topic -= self._TIME_WORDS  # "tomorrow" says when, not what about (a count of days or times keeps them)
        count = atype == "quantity"  # "How many of you are flying?" is not "at ten to eleven": a count needs its own word
        if count and not re.search(r"\bhow (?:many (?:times|calls)|often)\b", q, re.I):
            return None  # only a count of times ("the third time I'm calling") is read back from the opening
        for sent in _SENTENCE_END.split(self.scenario.opening_line):
            # the clause that holds the value and is about what was asked ("you've charged me again" holds no day,
            # so "On which day was the charge taken?" is not "I cancelled on the 2nd")
            clauses = [c.strip() for c in re.split(r"\s*[—–;]\s*|,\s+|\s+(?:and|but)\s+(?=(?:my|our|now|the|it|i|i've|i'm|"
                                                 r"we|there|they|his|her)\b)", sent.strip().rstrip(".!?"), flags=re.I)
                       if c.strip()]
            want = topic - {"~trip", "~outage"} if count else topic

            def has_value(c: str) -> bool:
                return bool(self._COUNT.search(c) if count else holds(self._digits(c), atype))

            said = next((c for c in clauses if has_value(c) and want & self._trip(_telling(c), c)), None)
            if said is None:
                # "I've had my bill and it says £610": the topic in one half, the value in the other
                said = next((f"{a} and {b}" for a, b in zip(clauses, clauses[1:]) if has_value(b)
                             and re.match(r"(?:it|they|that|this|which)\b", b, re.I)  # "...and IT says £610"
                             and not has_value(a) and want & self._trip(_telling(a), a)
                             and f"{a} and {b}" in sent), None)
            if said is None:
                continue
            extra = [m for m in matches[:1] if m.score >= 3.0 and holds(m.text, atype)
                     and m.key not in (s.disclosed if m.source == "fact" else s.told)
                     and topic & self._trip(_telling(m.text), m.text)]  # about what was asked, not a stray match
            if extra and self._values(extra[0].text) and not self._values(extra[0].text) & self._values(said):
                return None  # "How much is it normally?": their story has another value than the one they said
            if not extra:
                # about the same thing, told more exactly ("How many days has it been down?" ... "dead for two days.
                # It went down on Tuesday morning"): said after the reminder, once
                extra = [m for m in matches[:1] if m.score >= 2.5 and m.key not in (s.disclosed if m.source == "fact"
                                                                                     else s.told)
                         and topic & self._trip(_telling(m.text), m.text)]
            said = said.rstrip(".!?") + "."
            if atype == "money":  # said again, a sum is said as a figure: "it says £610"
                said = re.sub(r"\b(\d+(?:\.\d\d)?) pounds\b", r"£\1", self._digits(said))
            said = said[:1].lower() + said[1:] if not re.match(r"I\b|I'|[A-Z]{2}", said) else said
            return Match("said", "opening", said, 5.0), extra
        return None

    # The agent asking when suits the customer for a call or a visit ("What time tomorrow is best for me to ring
    # you?", "When are you free?", "Would the morning or the afternoon suit you?"): they know their own day.
    _AVAILABILITY = re.compile(
        r"\b(?:(?:what|which) (?:\w+ ){0,2}?(?:time|day|slot|part of the day)s? (?!did\b|was\b|were\b|had\b)(?:\w+ ){0,4}?"
        r"(?:best|good for you|suits? you|suit\b|convenient|works? (?:best )?for you|easiest|prefer\w*)|"
        r"when(?:'s| is| would| will| might)? (?:it |be |be a |a )?(?:best|(?:a )?good time|good for you|convenient|easiest)|"
        r"when (?:are|will|would) you (?:be )?(?:free|available|around|in|at home|home|about)|"
        r"(?:will|would|are) you (?:be )?(?:around|in|at home|home|free|available|about) (?:tomorrow|today|tonight|"
        r"this|later|on|in the|at|for|if|when)|"
        r"(?:what time|what day|which day|when|which time) (?:would|do|should|shall|can) (?:i|we|you like (?:me|us) to|you want (?:me|us) to|"
        r"you prefer (?:me|us) to) (?:\w+ )?(?:call|ring|phone|contact|text|reach|come|visit|get back to)|"
        r"(?:best|good|convenient) time (?:for (?:me|us|someone|an? \w+) )?to (?:call|ring|phone|contact|reach|visit|come)|"
        r"(?:does|would|will) (?:the )?(?:morning|afternoon|evening|\d{1,2}\s*(?:am|pm)?|that time|then) (?:suit|work|be ok)|"
        r"are you (?:free|available|around|in|at home))\b", re.I)
    _RECALL_PAST = re.compile(r"\b(?:did i|i said|i promised|we said|did we|we agreed|was i)\b", re.I)
    _FREE_WORDS = re.compile(r"\b(?:best|available|free|home|in all day|any ?time|whenever|morning|afternoon|evening|"
                             r"weekdays?|weekends?|after|before|between|don't ring|do not ring|asleep|at work)\b", re.I)

    def _availability(self, s: DirectorState, q: str) -> dict:
        """When they are free for a call or visit: the piece of their story that says it (a knows item about
        the best time / being available that names a time of day), told once and "already told" after; else
        an in-character preference (the archetype's `availability` part): they know their own day."""
        from scoring.questions import Match

        knows = getattr(self.scenario, "knows", None) or []
        about_free = ("best time", "available", "when can we call", "call back", "ring you", "call you",
                      "convenient", "free", "when are you home", "at home", "suit")
        for i, k in enumerate(knows):
            if any(a.lower() in about_free for a in k.about) and self._FREE_WORDS.search(k.say) \
                    and k.kind in ("timeline", "contact", "other"):
                key = f"k{i}"
                return {"match": Match("knows", key, k.say, 5.0), "again": key in s.told, "question": q}
        return {"match": None, "again": False, "question": q, "availability": True}

    # When something will happen, vaguer than a clock time: "by the end of the week", "in a day or two", "next week".
    _LOOSE_WHEN = re.compile(r"\b(?:(?:by |before )?(?:the )?end of (?:the |this |next )?(?:week|month|day)|(?:in )?a (?:day|week) or two|"
                             r"(?:in )?a (?:few|couple of) (?:days|weeks|hours)|(?:next|this|later this) (?:week|month)|"
                             r"(?:some ?time|at some point)(?: (?:soon|next week|this week))?|within (?:\d+|a|an|one|two|three|"
                             r"four|five|ten|fifteen|twenty|thirty|forty-eight|48|24) (?:minutes?|hours?|days?|working days?))\b",
                             re.I)
    _CONTACT = frozenset(("call ring phone text email message hear update confirm confirmation details reach "
                                     "contact touch letter send sent back").split())

    def _changed_commitment(self, s: DirectorState, text: str, r) -> tuple[dict, str] | None:
        """(the earlier commitment, the new time) when the agent's turn now gives another time for what was already
        promised with a time ("I'll call at 5pm tomorrow" ... "so I'll ring you on Monday"; "you'll get the
        confirmation within 15 minutes" ... "the details will reach you by the end of the week"): both about
        when they will hear (a call, a text, an email, an update) and naming none of the earlier time. "A new
        bill this week" after "I'll correct the bill today" is another step, not a change."""
        from core.text import content_words, keys, tokens

        timed = [c for c in s.commitments if isinstance(c, dict) and c.get("time") and c.get("acts", True)
                 and not c.get("changed")]
        if not timed:
            return None
        from scoring.evidence import sentences as _sentences
        from scoring.understanding import request_sentences

        asks = set(request_sentences(text)) | set(r.questions)
        said = [x for x in _sentences(text) if x.strip() not in asks and not x.rstrip().endswith("?")]
        for sent in said:
            read = next((c.time for c in r.commitments if c.time and c.time in sent), None)
            m = self._LOOSE_WHEN.search(sent) or _WHEN.search(sent)
            new = max([x for x in (read, m.group(0) if m else None) if x], key=len, default=None)
            if not new:
                continue
            mine = set(keys(" ".join(content_words(tokens(sent)))))
            for old in reversed(timed):
                old_time = old["time"]
                if set(keys(old_time)) & set(keys(sent)) - {"at", "on", "in", "by", "the", "a"}:
                    break  # the earlier time said again (a recap): not a change
                if set(keys(new)) & set(keys(old_time)) - {"at", "on", "in", "by", "the", "a", "within"}:
                    break
                theirs = set(keys(" ".join(content_words(tokens(old["text"])))))
                contact = set(keys(" ".join(self._CONTACT)))
                if mine & contact and theirs & contact:  # a call, a text, an update: when they will hear
                    return old, re.sub(r"^(?:on|at|in)\s+", "", new.strip(), flags=re.I)
        return None

    def _recalled(self, s: DirectorState, q: str) -> dict | None:
        """The commitment a question asks the customer to recall, when it asks about one made in this call."""
        acting = [c for c in s.commitments if isinstance(c, dict) and (c.get("acts", True) or c.get("reference"))
                  and not c.get("changed")]
        arranged = bool(self._ARRANGED.search(q)) and not re.search(r"\bhappened\b|\bwhat did (?:they|he|she)\b", q, re.I)
        if not acting or not (arranged or self._RECALL.search(q)):
            return None
        from core.text import content_words, keys, tokens

        qk = set(keys(" ".join(content_words(tokens(q))))) - {"say", "said", "again", "promise", "remind"}
        scored = sorted(((len(qk & set(keys(" ".join(content_words(tokens(c["text"])))))), i, c)
                         for i, c in enumerate(acting)), key=lambda x: (x[0], x[1]), reverse=True)
        best = scored[0]
        if best[0] == 0 and not arranged and not re.search(r"\b(?:i|me|we|us)\b", q, re.I):
            return None  # "When is the wedding again?" is their story, not a promise
        kind = None
        from scoring.understanding import ask_kind
        kind = ask_kind(q)
        if kind == "when":
            timed = [c for _, _, c in scored if c.get("time")]
            return timed[0] if timed and best[0] == 0 else best[2]
        if kind == "who":
            owned = [c for _, _, c in scored if c.get("owner")]
            return owned[0] if owned and best[0] == 0 else best[2]
        if re.search(r"\b(?:reference|ref|case number|claim number|number i)\b", q, re.I):
            refs = [c for _, _, c in scored if c.get("reference")]
            return refs[0] if refs else best[2]
        return best[2]

    def _repeats_broken(self, r) -> bool:
        """Whether the turn promises again what the customer was promised before and never got ("an adjuster will
        be in touch" to someone told exactly that twice), with no time, owner or reference to make it new."""
        from core.text import content_words, keys, tokens

        if not (r.commitments or r.offers or "next_step" in r.moves):
            return False
        if any(c.time or c.reference for c in r.commitments):
            return False
        from scoring.evidence import sentences
        from scoring.understanding import request_sentences

        asks = set(request_sentences(r.text)) | set(r.questions)
        said = " ".join(x for x in sentences(r.text) if x.strip() not in asks)
        if not said.strip():
            return False  # "I'll just need the claim ref off you": a request, not the old promise again
        if _DONE_NOW.search(said):
            return False  # "I've put your reading on the account and put a hold on the debit": done, not promised
        # Only the part that promises is the promise: "a text at ten to eleven the night before... that's awful, and
        # I'm going to focus on getting you there" restates their story (the text, the cancellation), then acts.
        from scoring import policy
        from scoring.needs import acts
        from scoring.understanding import _COMMIT

        acting = [c for c in policy._clauses(said) if acts(c) or _COMMIT.search(c)]
        if acting:
            said = " ".join(acting)
        told = [k.say for k in (getattr(self.scenario, "knows", None) or []) if k.kind == "told_before"]
        told += [f.text for f in self.scenario.facts if f.kind == "told_before"]
        generic = set(keys("call ring phone back you me someone somebody will would get be touch told said promised "
                           "nobody anyone never nothing time day days week working hours"))
        mine = set(keys(" ".join(content_words(tokens(said))))) - generic
        for t in told:
            theirs = set(keys(" ".join(content_words(tokens(t))))) - generic
            if len(mine & theirs) >= 1 and re.search(r"\b(?:never|nobody|no one|nothing|didn't|did not|hasn't|"
                                                     r"haven't|no-one)\b", t, re.I):
                if len(mine & theirs) >= 2 or len(mine) <= 3:
                    return True
        return False

    def _satisfied(self, s: DirectorState, kind: str) -> bool:
        """Whether the commitments made so far already answer a question of this kind."""
        if kind == "who":
            return any(c.get("owner") for c in s.commitments)
        if kind == "when":
            return any(c.get("time") for c in s.commitments)
        if kind == "reference":
            return any(c.get("reference") for c in s.commitments)
        return False

    @staticmethod
    def _contact_only(need) -> bool:
        """A need that is only about being kept informed (a name, a callback): promised, not yet a fix."""
        from scoring.needs import _named_concepts

        cs = _named_concepts(" ; ".join(need.keywords))
        return bool(cs) and cs <= {"handler", "callback", "confirmation", "information", "text"}

    def _floor(self, s: DirectorState) -> float:
        """How calm the customer can get while nothing is done for them: heard is not helped."""
        end = self.scenario.end
        needs = {n.id for n in self.scenario.needs}
        if needs and needs <= set(s.needs_met):
            return 0.0
        if any(not self._contact_only(n) for n in self.scenario.needs if n.id in set(s.needs_met)):
            return max(0.0, end.resolve_mood - 0.5)  # part of it done: calmer, not settled until the rest is
        if s.needs_met or any(not isinstance(c, dict) or c.get("acts", True) for c in s.commitments):
            # promised, nothing done yet: a callback is what they got last time
            return min(self.scenario.start_mood, max(end.resolve_mood + 1.0, self.scenario.start_mood - 3.0))
        return min(self.scenario.start_mood, max(end.resolve_mood + 1.5, self.scenario.start_mood - 2.5))

    def _effects(self, s: DirectorState, signals: list[str], moves: list[str]) -> tuple[float, float]:
        a, q = self.archetype, self.archetype.quirks
        anger = trust = 0.0
        rises: list[float] = []  # what makes them angrier this turn: the worst counts in full, the rest half
        has_action = "next_step" in moves or "need_met" in signals or "commitment" in signals
        for sig in signals:
            e = a.effects.get(sig)
            if e is None:
                d = DEFAULT_EFFECTS.get(sig)
                e = Effect(anger=d[0], trust=d[1]) if d else Effect()
            f = 1.0
            if sig == "apology" and not has_action:
                f *= q.apology_without_action
            if sig == "next_step" and "timed_next_step" not in signals:
                f *= q.next_step_without_time
            if sig == "hollow_empathy" and not has_action:
                f *= 1.5  # "stop saying you understand and tell me what you'll do"
            if sig == "vague_promise" and s.signal_counts.get(sig, 0):
                f *= 2.0  # "someone will be in touch", again: "that's what they said last time"
            if sig == "reflection" and "specific_empathy" not in signals and s.signal_counts.get("reflection", 0):
                f *= 0.5
            if e.anger < 0:  # saying the same soothing thing again works less each time
                f *= a.repeat_decay ** s.signal_counts.get(sig, 0)
            if e.anger > 0:
                rises.append(e.anger * f)
            else:
                anger += e.anger * f
            trust += e.trust * f
            s.signal_counts[sig] = s.signal_counts.get(sig, 0) + 1
        if rises:
            rises.sort(reverse=True)
            anger += rises[0] + 0.5 * sum(rises[1:])
        return anger, trust

    def _decide(self, s: DirectorState, t: dict, anger: float, moves: list[str]) -> tuple[str, EndReason | None]:
        intent, end = self._decide_raw(s, t, anger, moves)
        if intent == "soften" and s.mood >= 7 and not s.accepted:
            # a softer reply while the meter still reads angry/anxious is not true to them: they still press,
            # unless everything they asked for has just been done (then pressing would ask for it again): they vent
            needs = {n.id for n in self.scenario.needs}
            if t["new_needs"] and needs and needs <= set(s.needs_met):
                return "vent", end
            return ("press" if s.open_ask or s.last_intent != "vent" else "vent"), end
        return intent, end

    def _decide_raw(self, s: DirectorState, t: dict, anger: float, moves: list[str]) -> tuple[str, EndReason | None]:
        end = self.scenario.end
        sig = set(t["signals"])
        answer = t["answer"]
        # The agent's turn asks the customer something (and does not say goodbye): the customer answers or
        # waits for the agent's recap or goodbye; hanging up on a question is for walking out only.
        asking = (bool(t["reading"].questions) or "check_more" in moves or t["answer"] is not None
                  or t["reading"].text.rstrip().endswith("?")) and "farewell" not in moves
        if s.accepted:
            # Agreed already: a closing turn ends the call; a question still gets its answer first.
            if answer is not None and not (set(moves) & {"farewell"}):
                return "answer", None
            if asking and s.turn < end.max_turns + 2 + _QUESTION_GRACE:
                # "Anything else?", "Does that make sense?": still agreed, and still on the line.
                return "accept", None
            if set(moves) & _CLOSING or t["reading"].empty_ack or s.turn >= end.max_turns + 2:
                return "farewell", "resolved"
            return "soften", None
        if s.hot_turns >= end.walkout_after:
            return "walk_out", "walked_out"
        needs = {n.id for n in self.scenario.needs}
        if "farewell" in moves and needs and needs <= set(s.needs_met) and s.mood <= end.resolve_mood + 2.5 \
                and not asking:
            return "farewell", "resolved"  # everything done and the agent says goodbye: so do they
        all_met = not self.scenario.needs or {n.id for n in self.scenario.needs} <= set(s.needs_met)
        all_met = not self.scenario.needs or {n.id for n in self.scenario.needs} <= set(s.needs_met)
        if all_met and s.needs_met and s.mood <= end.resolve_mood and s.trust >= self.archetype.quirks.accept_min_trust:
            if answer is not None and not answer.get("again") and "farewell" not in moves \
                    and not t["reading"].offers and not _OFFER_QUESTION.search(answer.get("question") or ""):
                return "answer", None  # "What's the postcode?" gets the postcode; agreeing can wait a turn
            # The exit door: accept now; the trainee's closing turn gets a farewell and ends it.
            return "accept", ("resolved" if s.turn >= end.max_turns and not asking else None)
        if s.turn >= end.max_turns:
            return "walk_out", "turn_limit"
        if sig & set(ESCALATING):
            if answer is not None and answer.get("match") is None and sig & set(ESCALATING) <= {"escalate_trigger"} \
                    and (t["reading"].text.rstrip().endswith("?") or t["reading"].questions):
                # A question with a trigger word in it ("what's the WEATHER like there?") that nothing in their
                # story answers: an honest, irritated "I don't know", not a line about something else. One their
                # story does answer ("Have you CHECKED WITH THE NEIGHBOURS?") is pushed back on, then answered.
                return "answer", None
            return "push_back", None
        if "jargon" in sig:
            return self.archetype.quirks.jargon_intent, None
        if "unanswered_again" in sig and answer is None:
            return "press", None  # the third time of asking: harder, angrier, the same question
        if answer is not None:
            return ("push_back" if answer.get("again") else "answer"), None
        if t["check_back"]:
            return "soften", None
        if sig & {"ignored_concern", "off_topic", "unanswered", "hollow_empathy", "non_apology", "scripted_greeting"}:
            return "press", None
        if t["new_needs"]:
            return "soften", None
        if anger < 0:
            # Heard but nothing offered yet: after one softer reply, ask what happens next.
            return ("press" if s.last_intent == "soften" and not s.needs_met else "soften"), None
        return ("vent" if self.scenario.band(s.mood) == "high" else "press"), None

    # -- composing the reply ------------------------------------------------------------------
    def _commitment_words(self, c: dict) -> str:
        """The commitment in a few words from the customer's side: the clause that names the time or owner."""
        from scoring.understanding import _COMMIT  # the commitment verbs the reading uses

        text = c["text"].strip().rstrip(".!")
        clauses = [x.strip(" ,;:—–-") for x in re.split(r"\s*(?:[—–;,]|(?<!\d)\s\band\b|\band\b(?!\s*\d)|\bso\b|\bthen\b)\s*", text)]
        # "sort out both the fix and tonight": "both" joins what the "and" split
        joined: list[str] = []
        for x in clauses:
            if joined and x and re.search(r"\bboth\b(?!.*\band\b)", joined[-1], re.I) and len(x.split()) <= 4:
                joined[-1] = f"{joined[-1]} and {x}"
            else:
                joined.append(x)
        clauses = [x for x in joined if len(x.split()) >= 2]
        from scoring.needs import acts

        def doing(x: str) -> bool:
            return bool(_COMMIT.search(x) or acts(x))

        # The clause with the time is the promise ("I'll ring the surgery and phone you at 2" promises the call at 2);
        # a bare verb after "and" keeps the subject of the clause before it ("...and email you by 5pm").
        timed = next((x for x in clauses if c.get("time") and c["time"] in x), None)
        if timed and not doing(timed) and re.match(r"(?:and\s+)?(?:call|ring|phone|text|email|send|get|come|book|put|"
                                                   r"confirm|let|update|chase|refund|arrange|check|cancel)\b", timed, re.I):
            first = next((x for x in clauses if doing(x)), "")
            subj = re.match(r"(?:I|we)(?:'ll| will| am going to|'m going to| are going to|'re going to)\b", first, re.I)
            if subj:
                rest = re.sub(r"^and\s+", "", timed, flags=re.I)
                timed = f"{subj.group(0)} {rest}"
        pick = next((x for x in clauses if c.get("time") and c["time"] in x and doing(x)), None) \
            or (timed if timed and doing(timed) else None) \
            or next((x for x in clauses if doing(x)), None) \
            or timed or (clauses[0] if clauses else text)
        pick = re.sub(r"^(?:(?:and|so|also|then|plus|ok(?:ay)?|right|now|great|lovely|alright|just|to recap|recap|"
                      r"to sum up|in summary|to confirm|to go over it|going over it)\b[,:;\s]*)+", "", pick,
                      flags=re.I).strip(" :;,—–-") or pick  # "and I'm booking..." is said back without the agent's "and"
        if len(pick.split()) > 14:
            return c.get("time") or "that"  # "Right — tomorrow at 5pm." rather than half a sentence
        return customer_view(pick)

    _CONTACT_NOUN = {"call": "a call", "ring": "a call", "phone": "a call", "text": "a text", "email": "an email",
                     "message": "a message", "update": "an update"}
    _ECHO_HEAD = re.compile(r"^you(?:'ll|'re|'ve| will| are| have)(?: (?:going to|also|just|now|personally|then))* "
                            r"(?:be )?([a-z]+)(?: (?:me|us))?\s+(.*)$", re.I)

    def _echo_words(self, c: dict, key: int) -> str:
        """The commitment as a customer says it back when taking note of it, varied (two attempts read
        differently, and not every note is the agent's clause word for word): the whole clause ("you'll call me
        tomorrow at 5pm"), the thing and the time ("a call at 5pm tomorrow", "a loss adjuster within five working
        days"), or the time alone ("tomorrow at 5pm")."""
        full = self._commitment_words(c)
        if c.get("reference") and not c.get("time") and not c.get("acts", True):
            ref = c["reference"]
            return [f"reference {ref}", f"{ref} is the reference", ref][key % 3]  # not "my reference for you is..."
        m = self._ECHO_HEAD.match(full)
        short = None
        if m:
            verb, rest = m.group(1).lower(), m.group(2).strip()
            if verb in self._CONTACT_NOUN and re.match(r"(?:at|on|in|by|within|before|after|tomorrow|today|tonight|this|"
                                                       r"first thing|around)\b", rest, re.I):
                short = f"{self._CONTACT_NOUN[verb]} {rest}"
            elif re.match(r"(?:a|an|the|some|three|two|four|\d|£)\S*\s", rest, re.I) and len(rest.split()) <= 10 \
                    and (verb.endswith("ing") or verb in ("send", "book", "arrange", "give", "get", "put", "add", "refund",
                                                          "dispatch", "issue", "credit", "waive", "post", "sort")):
                short = rest  # "you're booking a loss adjuster..." -> "a loss adjuster...", not "you'll use my reading"
            if short:
                short = re.sub(r"\s+to (?:confirm|tell|let|check|say|update|see)\b.*$", "", short)  # the purpose, dropped
        options = [full] + ([short] if short and short != full else [])
        time = (c.get("time") or "").strip()
        if time and len(re.sub(r"^(?:at|on)\s+", "", time).split()) >= 2 and time.lower() in full.lower() and re.search(
                r"\d|\b(?:tomorrow|tonight|morning|afternoon|evening|week|days?|hours?|minutes?|(?:mon|tues|wednes|thurs|fri|"
                r"satur|sun)day|noon|midday|o'clock)\b", time, re.I):
            options.append(re.sub(r"^(?:at|on)\s+", "", time))
        return options[key % len(options)]

    def _candidates(self, intent: str, mood: float, t: dict) -> tuple[str, list[str]]:
        # Optional intents fall back to a close relative when a scenario has no lines for them.
        fallbacks = {"clarify": ("clarify", "push_back"), "answer": ("answer",),
                     "farewell": ("farewell", "accept", "soften"), "accept": ("accept", "soften")}
        fallbacks["press"] = ("press", "vent", "soften")
        fallbacks["push_back"] = ("push_back", "vent", "press")  # no push-back line fits what was said: they vent
        for name in fallbacks.get(intent, (intent,)):
            lines = self.scenario.lines_for(name, mood)
            if lines:
                fit = self._coherent(name, lines, mood, t)
                if fit:
                    return name, fit
        return intent, []

    def _coherent(self, intent: str, lines: list[str], mood: float, t: dict) -> list[str]:
        """Lines that fit what just happened and the mood shown (the rest only as a last resort)."""
        acted = bool(t["new_needs"] or t["new_commitments"] or t["reading"].offers)
        out = []
        for line in lines:
            if intent not in ("accept", "farewell") and not acted and _OFFER_REACTION.search(line):
                continue  # "that sounds good" to nothing
            if mood >= 6 and _CALM_WORDS.search(line):
                continue  # "I'm feeling calmer" while the meter says otherwise
            if intent == "press" and customer_ask_of(line) is not None \
                    and _norm(customer_ask_of(line).text) in t.get("_answered", ()):
                continue  # "Is my claim still open?" after "Your claim is definitely still open."
            if intent == "press" and (self._asks_satisfied(line, t) or (
                    customer_ask_of(line) is not None and self._asks_for_done(customer_ask_of(line).text, t))):
                continue  # "Give me a name" after the agent gave one; "Will you fix the bill?" after the re-bill
            if self._echoes_unsaid(line, t["reading"].text):
                continue  # "Ring them myself?" before anyone told them to ring anyone
            if intent in ("push_back", "clarify") and self._answers_something_else(line, t["reading"].text):
                continue  # "Don't tell me to calm down" when nobody said it
            # "That's the first time anyone's actually listened" to an agent who never reflected anything, or
            # "at least you're not reading from a script" after a scripted greeting: that sentence is left out.
            untrue = [rx for rx, on in ((_FELT_HEARD, not t.get("heard", True)), (_NOT_SCRIPTED, t.get("scripted")))
                      if on]
            if not t.get("explained", True):
                untrue.append(_UNDERSTOOD)  # "Thank you for explaining" to an agent who explained nothing
            if untrue and any(_claims(rx, x) for rx in untrue for x in re.split(r"(?<=[.!?])\s+", line)):
                kept = [x for x in re.split(r"(?<=[.!?])\s+", line) if not any(_claims(rx, x) for rx in untrue)]
                line = " ".join(kept).strip()
                if len(line.split()) < 2 or not re.search(r"[a-z]{3}", line, re.I):
                    continue
            if intent not in ("accept", "farewell"):
                sents = re.split(r"(?<=[.!?])\s+", line)
                done_now = bool(t["new_needs"] or t["new_commitments"] or "answered" in t["signals"])
                kept = [x for x in sents if not self._asks_for_done(x, t) and not self._vague_worry(x, t)
                        and not (done_now and _NOT_ANSWERED.search(x))]
                if len(kept) < len(sents):
                    line = " ".join(kept).strip()
                    if len(line.split()) < 2 or not re.search(r"[a-z]{3}", line, re.I):
                        continue  # "I still need a name on this." to an agent who gave one
            if intent == "accept" and "farewell" not in t["reading"].moves:
                # agreeing is not hanging up: the goodbye waits for the agent's own close
                sents = re.split(r"(?<=[.!?])\s+", line)
                kept = [x for x in sents if not _GOODBYE.search(x)]
                if len(kept) < len(sents):
                    line = " ".join(kept).strip()
                    if len(line.split()) < 2:
                        continue
            if intent in ("accept", "farewell") and self._claims_unmet_need(line, t.get("needs_met", ())):
                continue  # "Data today and an engineer booked — fine." when only the engineer was offered
            if intent in ("accept", "farewell", "soften") and self._names_unoffered(line, t.get("agent_said", "")):
                continue  # "A refund today with your name on it — I'll take that" when no refund was offered
            if intent in ("accept", "farewell") and self._names_unoffered_time(line, t.get("agent_said", "")):
                continue  # "if the engineer can come tomorrow morning" when no time was offered for it
            out.append(line)
        if not out and intent in ("press", "push_back"):
            # everything they would press for is already promised, or every push-back answers something the
            # agent did not say: the caller finds another line
            return []
        return out or lines

    @staticmethod
    def _explained(t: dict) -> bool:
        """Whether the agent's turn told the customer something or did something (so "thank you for explaining"
        is true): an offer, a commitment, a need met, or a statement of 6+ words that is not a restatement of
        the customer's own words."""
        r = t["reading"]
        from scoring.needs import recaps

        if t["new_needs"] or t["new_commitments"] or r.offers or r.commitments or "summary" in r.moves \
                or recaps(r.text):
            return True
        from scoring import policy
        from scoring.evidence import sentences
        from scoring.understanding import _FEELING_SAID, GENERIC_EMPATHY

        if set(r.moves) & {"paraphrase", "reflection"} or r.empathy in ("specific", "feeling"):
            # their own words said back explain nothing; a part about the thing, not them, may ("...and you've
            # done nothing wrong: that bill was an estimate")
            clauses = [c for x in policy._clauses(r.text) for c in re.split(r":\s+", x)]
            return any(len(c.split()) >= 3 and not c.rstrip().endswith("?") and c not in r.questions
                       and not re.search(r"\b(?:you|your|you're|you've|yours|sorry|apologi[sz]e)\b", c, re.I)
                       and not _FEELING_SAID.search(c) and not GENERIC_EMPATHY.search(c)
                       and not re.search(r"\b(?:what|how) an?\b|\b(?:awful|terrible|horrible|stressful|worrying|"
                                         r"frightening|scary|upsetting|fright|nightmare|worry)\b", c, re.I)
                       for c in clauses)
        return any(len(x.split()) >= 6 and not x.rstrip().endswith("?") and x not in r.questions
                   for x in sentences(r.text))

    def _claims_unmet_need(self, line: str, met: Sequence[str]) -> bool:
        """Whether a line takes as given a need the agent has not met: it names that need (its keywords, or a
        concept only that need has) and no need that was met."""
        from scoring.needs import need_named

        unmet = [n for n in self.scenario.needs if n.id not in set(met)]
        return any(need_named(n, line, others=[m for m in self.scenario.needs if m is not n]) for n in unmet)

    @staticmethod
    def _names_unoffered(line: str, agent_said: str) -> bool:
        """Whether a line takes as offered something specific (a refund, a taxi covered, a replacement) that the
        agent never spoke of: read by concept, so "money back" in the line is the agent's "refund"."""
        from scoring.needs import _SPECIFIC, _named_concepts

        sents = [x for x in re.split(r"(?<=[.!?])\s+", line) if not x.rstrip().endswith("?")
                 and not re.search(r"\b(?:need|want|if|would|could|still|can you|will you)\b", x, re.I)]
        mine = set().union(*(_named_concepts(x) for x in sents)) if sents else set()
        theirs = _named_concepts(agent_said)
        extra = (mine & (_SPECIFIC | {"expenses", "voucher", "compensation", "cover", "discount"})) - theirs
        if "cover" in extra and theirs & {"expenses", "voucher", "refund", "compensation"}:
            extra.discard("cover")
        return bool(extra)

    @staticmethod
    def _names_unoffered_time(line: str, agent_said: str) -> bool:
        """Whether an agreeing line names a time ("tomorrow morning", "Saturday", "by 5pm") the agent never said:
        agreeing to it would invent the offer's details."""
        from core.text import keys

        said = set(keys(agent_said))
        for m in _WHEN.finditer(line):
            words = set(keys(m.group(0))) or {m.group(0).lower()}
            if not words <= said and m.group(0).lower() not in agent_said.lower():
                return True
        return False

    # A line that opens by saying the agent's words back as a question ("Ring them myself?", "Thirty days?",
    # "Operational reasons?"): a reaction to something the agent just said.
    _ECHO = re.compile(r"^\W*(?!(?:what|why|how|when|where|who|whose|which|can|could|will|would|do|does|did|is|are|was|"
                       r"were|have|has|had|so|and|but|shall|should|am|isn't|aren't|don't|doesn't|didn't|won't|you|i|"
                       r"sorry|pardon|really|seriously|meaning|eh|huh|right|okay|ok|well|oh)\b)([A-Za-z][^.?!{}']{0,38})\?", re.I)
    _NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                     "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "fourteen": "14", "twenty": "20",
                     "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}

    def _restates(self, text: str, history: Sequence) -> bool:
        """Whether the agent's turn says back something of the customer's (so "Yes, that's it" is true): two of
        its content words are from what they said or from their story ("an E-flagged read derived from the EAC"
        restates nothing)."""
        from scoring.needs import _content

        sc = self.scenario
        # what they said, and their story as the agent may know it from the account (situation, facts)
        theirs = [x for role, x in map(_role_text, history) if role == "customer"]
        # not the agent's own words the customer only asked about ("What does 'EAC' mean?")
        theirs = [" ".join(y for y in _SENTENCE_END.split(re.sub(r"'[^']{1,40}'", " ", x))
                           if not re.search(r"\b(?:mean|means|meant|what's|what is)\b", y, re.I)) for x in theirs]
        theirs += [sc.opening_line, sc.situation]
        theirs += [f.text for f in sc.facts]
        heard = set().union(*(_content(x) for x in theirs))
        return len((_content(text) & heard) - self._GENERAL) >= 2

    @staticmethod
    def _blamed_whom(text: str) -> str:
        """Who the agent's blame falls on: the customer ("you should have...", "at your end") or someone else."""
        from scoring.understanding import _BLAME_RX

        hits = " ".join(m.group(0) for m in _BLAME_RX.finditer(text))
        return "customer" if re.search(r"\b(?:you|your|yours|yourself)\b", hits, re.I) else "other"

    def _echoes_unsaid(self, line: str, trainee_text: str) -> bool:
        """Whether a line opens by echoing words ("Ring them myself?") the agent's turn does not say: the
        customer would be answering a suggestion nobody made. Read by word forms, from the agent's side
        ("myself" is the agent's "yourself"), numbers either way ("Thirty days?" ~ "30 days")."""
        from core.text import STOPWORDS, keys

        m = self._ECHO.match(line)
        if not m or len(m.group(1).split()) > 5:
            return False
        echo = customer_view(m.group(1))  # "ring them myself" -> "ring them yourself"
        said = set(keys(trainee_text.replace("-", " ")))
        said |= {self._NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", trainee_text.lower()) if w in self._NUMBER_WORDS}
        want = [k for k in keys(echo) if k not in STOPWORDS or k in ("yourself", "myself")]
        same = {"phone": "ring", "call": "ring", "telephon": "ring", "rang": "ring", "contact": "ring"}
        said |= {same[k] for k in said if k in same}
        want = [same.get(k, self._NUMBER_WORDS.get(k, k)) for k in want]
        return bool(want) and not all(k in said for k in want)

    def _answers_something_else(self, line: str, trainee_text: str) -> bool:
        """Whether a push-back line reacts to something the agent did not say: it names one of the things agents
        say that customers push back on (sorry, calm down, policy, waiting...), or a word of one of the scenario's
        escalating phrases ("Operational reasons?", "in the queue"), and the agent's turn has none of it."""
        from core.text import keys

        said = set(keys(trainee_text))
        anchors = set(keys(line)) & _PUSHBACK_ANCHORS
        if anchors and not anchors & said:
            return True
        mine = set(keys(line))
        for trig in self.scenario.triggers.escalate:
            words = set(keys(trig)) - _COMMON_TRIGGER_WORDS
            if words and words & mine and not words & said:
                return True
        return False

    def _trigger_said(self, text: str) -> bool:
        """Whether the agent says one of the scenario's escalating phrases, and not to reassure ("nobody will sell
        you a discount", "you won't be asked to wait 48 hours")."""
        from core.text import any_phrase
        from scoring.evidence import sentences

        for sent in sentences(text):
            for part in re.split(r",\s*|;\s*|\s+(?:but|so|and)\s+", sent):
                if any_phrase(self.scenario.triggers.escalate, part) and not _REASSURING.search(part):
                    return True
        return False

    _STILL = re.compile(r"\b(?:still (?:need|want|waiting for|have no|don't have|like)|(?:i'd|i would) (?:still |just |really )?like (?:to know|a |the |my |it )|i(?:'ll| will) believe (?:it|the rest|that) "
                        r"(?:once|when)|once there's|until there's|i need (?:a|the|my|us|it|to know)|i want (?:a|the|my|it))\b|\?$",
                        re.I)

    _NEED_SORTED = re.compile(r"\b(?:i|we)(?:'d| would)? (?:just |really |still |only )?(?:need|want|like) (?:this|it|that|everything|"
                              r"things|all this|it all) (?:to be )?(?:sorted|fixed|done|dealt with|put right|sorting|fixing|"
                              r"to move|moving)\b", re.I)

    def _asks_for_done(self, sentence: str, t: dict) -> bool:
        """Whether a sentence of a reply asks for, or says it still lacks, what the agent has already given:
        a need met, a name given, a time or a date set, a reference given."""
        needs = {n.id for n in self.scenario.needs}
        if needs and needs <= set(t.get("needs_met") or ()) and self._NEED_SORTED.search(sentence):
            return True  # "I just need this sorted" once everything is
        if not self._STILL.search(sentence.strip()):
            return False
        cs = [c for c in (t.get("_commitments") or []) if isinstance(c, dict)]
        low = sentence.lower()
        if re.search(r"\b(?:name|who(?:'s| is)|own(?:s|er)?)\b", low) and any(c.get("owner") for c in cs):
            return True
        if re.search(r"\b(?:date|time|when)\b", low) and any(c.get("time") for c in cs):
            return True
        if re.search(r"\breference\b", low) and any(c.get("reference") for c in cs):
            return True
        if re.search(r"\b(?:in writing|written|on paper|an email|by email|confirmed)\b", low) and any(
                re.search(r"\b(?:email|in writing|written|letter|confirm\w*|text)\b", c.get("text", ""), re.I) for c in cs):
            return True  # "I'd still like it in writing" after "you'll get an email confirming both"
        from scoring.needs import need_named

        met = [n for n in self.scenario.needs if n.id in set(t.get("needs_met") or ())]
        others = [n for n in self.scenario.needs if n.id not in {m.id for m in met}]
        if met and self._about_only(sentence, met, others):
            return True  # "Can you get my tablets today?" once the emergency supply is agreed
        return any(need_named(n, sentence, others=others) for n in met) and not any(
            need_named(n, sentence, others=met) for n in others)

    _WORRY = re.compile(r"\b(?:i|we) (?:still |just |really |only )?need\b|\bstill (?:need|want)\b|\bi need \w+ (?:for|by) "
                        r"(?:tonight|today|tomorrow)\b", re.I)

    def _vague_worry(self, sentence: str, t: dict) -> bool:
        """Whether a sentence still worries about what the customer needs ("I still need it looked at", "I need
        something for tonight, though", "I just need this nailed down") without naming a need that is still
        unmet, once something they needed has been done: a calmer line would then worry about what was met."""
        met = set(t.get("needs_met") or ())
        if not met or not self._WORRY.search(sentence):
            return False
        from scoring.needs import need_named

        needs = self.scenario.needs
        if not any(not self._contact_only(n) for n in needs if n.id in met):
            return False  # only a name or a callback so far: the fix itself is still to come
        unmet = [n for n in needs if n.id not in met]
        return not any(need_named(n, sentence, others=[m for m in needs if m is not n]) for n in unmet)

    # Words of a need's description too general to say which need a sentence is about.
    _GENERAL = frozenset({"back", "put", "new", "date", "help", "way", "someone", "full", "other", "another", "actual",
                          "take", "three", "send", "get", "give", "make", "know", "need", "want", "sure", "right",
                          "thing", "clear", "plain", "enough", "avoid"})

    def _about_only(self, sentence: str, met: Sequence, others: Sequence) -> bool:
        """Whether a sentence is about a need already met and no other: it shares a word with that need's own
        description or keywords ("my tablets" ~ "enough tablets to avoid a gap") that no unmet need has."""
        from scoring.needs import _content

        def content(text: str) -> set[str]:
            # "work" is a time word to the needs reading ("working days"), but "a way to work today" is about work
            return _content(text) | ({"work"} if re.search(r"\bwork(?:ing)?\b(?! days?\b)", text, re.I) else set())

        def about(n) -> set[str]:
            return content(" ".join([n.description, *n.keywords])) - self._GENERAL

        mine = content(sentence) - self._GENERAL
        theirs = set().union(*(about(n) for n in others)) if others else set()
        return bool(mine & (set().union(*(about(n) for n in met)) - theirs)) and not mine & theirs

    def _asks_satisfied(self, line: str, t: dict) -> bool:
        from scoring.understanding import customer_ask

        ask = customer_ask(line)
        state_commitments = t.get("_commitments") or []
        if ask is None:
            return False
        if ask.kind == "who" or re.search(r"\b(?:name|own(?:s|er)?|who)\b", line, re.I):
            return any(c.get("owner") for c in state_commitments)
        if ask.kind == "when":
            return any(c.get("time") for c in state_commitments)
        if ask.kind == "reference" or re.search(r"\breference\b", line, re.I):
            return any(c.get("reference") for c in state_commitments)
        return False

    def _part(self, s: DirectorState, name: str, salt: str, only=None, min_words: int = 3,
              **values: str) -> str | None:
        """One of the archetype's lines for a part, filled, that says no sentence (of min_words or more)
        already said in this conversation; None when every variant has been used up."""
        lines = self.archetype.part_lines(name, self.scenario.band(s.mood))
        if only is not None:
            lines = [x for x in lines if only(x)]
        if not lines:
            return None
        start = zlib.crc32(f"{self.scenario.id}|{name}|{salt}".encode())
        for k in range(len(lines)):
            line = lines[(start + k) % len(lines)]
            text = _fill(line, values, self._proper)
            if text is None:
                continue
            text = text[:1].upper() + text[1:]  # "{commitment}, you said." starts a sentence
            if _norm(text) not in s.said and self._fresh(s, text, min_words):
                return text
        return None

    @staticmethod
    def _fresh(s: DirectorState, text: str, min_words: int = 3) -> bool:
        """Whether a line says nothing already said: no sentence of min_words or more repeats an earlier one."""
        said = set(s.sentences)
        return not any(k in said for k in _sentence_keys(text, min_words))

    @staticmethod
    def _unsaid(s: DirectorState, text: str) -> str:
        """A line without the sentences (of 3+ words) already said in this conversation."""
        said = set(s.sentences)
        kept = [x for x in _SENTENCE_END.split(" ".join(text.split()))
                if not (len(_norm(x).split()) >= 3 and _norm(x) in said)]
        return " ".join(kept).strip()

    def _beat(self, s: DirectorState, intent: str, end: EndReason | None, t: dict) -> Beat:
        sc = self.scenario
        t["_commitments"] = s.commitments
        t["_answered"] = set(s.answered)
        salt = f"{s.turn}|{t['reading'].text}"
        if s.variant:
            salt = f"{s.variant}|{salt}"  # another attempt: other variants, other rotations, same decisions
        parts: list[tuple[str, str]] = []
        fact_id = knowledge = reveal = None

        # 1. A reaction to what the agent just did (at most one, the most telling).
        if intent not in ("walk_out", "farewell"):
            for name, values in t["react"]:
                values = dict(values)
                c = values.pop("_c", None)
                target = values.pop("_target", None)
                only = (lambda x, c=c: self._ack_fits(x, c, s)) if c is not None else None
                if target is not None:
                    # "Blaming someone else isn't an answer" when the agent blamed the customer, or "Don't put this
                    # on me" when the agent blamed the shop: the reply answers the blame that was made
                    rx = _BLAME_OTHERS if target == "customer" else _BLAME_ME
                    only = (lambda x, rx=rx: not rx.search(x))
                said = self._part(s, name, salt, only=only, **values)
                if said:
                    parts.append((name, said))
                    break
            if not parts and t["check_back"] and intent in ("soften", "press", "vent", "accept") \
                and self._restates(t["reading"].text, t.get("history") or ()):
                said = self._part(s, "confirm", salt)
                if said:
                    parts.append(("confirm", said))
            elif not parts and intent == "soften" and set(t["reading"].moves) & {"paraphrase", "reflection"} \
                    and not t["reading"].acted and self._restates(t["reading"].text, t.get("history") or ()) \
                    and zlib.crc32(f"confirm|{salt}".encode()) % 2 == 0:
                # (an agent saying what they have done is not putting the customer into words: no "you've got it")
                # They were put into words rightly: "Yes, that's right." before softening (varied by the turn);
                # only a plain confirmation, not one that asks or demands ("So fix it.") before a softer line.
                said = self._part(s, "confirm", salt, only=lambda x: not re.search(r"\?|\b(?:so|now|don't)\b", x, re.I)
                                  and not self._said_in(s, x))
                if said:
                    parts.append(("confirm", said))

        # 2. The content: an answer from their story, or the scenario's line for the intent.
        answer = t["answer"]
        main: str | None = None
        if answer is not None and (intent == "answer" or (intent == "push_back" and answer.get("again"))):
            m = answer.get("match")
            if answer.get("recall") is not None:
                c = answer["recall"]
                words = self._commitment_words(c)
                if c.get("owner") and c["owner"] != "I" and c["owner"] not in words:
                    words = f"{words} — {c['owner']}"
                main = self._part(s, "recall", salt, commitment=words) or self._part(
                    s, "commitment_reminder", salt, commitment=words) or f"You said {words}."
                parts.append(("recall", main))
            elif m is None and answer.get("availability"):
                main = self._part(s, "availability", salt) or "Any time's fine. I'll have my phone on me."
                parts.append(("availability", main))
            elif m is None and not answer.get("theirs") and self._own_detail(answer.get("question") or "") is not None:
                # Their own name, date of birth, address...: a caller knows it. From their story when it holds it,
                # else an honest in-character "Is that really needed? It's on the account."
                k, say = self._own_detail(answer.get("question") or "")
                if k is not None and k not in s.told:
                    s.told.append(k)
                    main = say
                    parts.append(("answer", main))
                else:
                    main = self._part(s, "own_detail", salt) or "Is that really needed? It's on the account."
                    parts.append(("own_detail", main))
            elif m is None:
                main = (self._part(s, "yours_to_say", salt) if answer.get("theirs") else None) \
                    or self._part(s, "dont_know", salt)
                intent_used = "answer"
                parts.append(("dont_know", main or "I don't know, sorry. Does that matter?"))
                main = parts[-1][1]
            elif answer.get("again"):
                main = self._part(s, "already_told", salt, fact=m.text)
                if main:
                    parts.append(("already_told", main))
                for extra in answer.get("also") or ():
                    # said before in the opening, and the story holds it more exactly: that too, told once
                    (s.disclosed if extra.source == "fact" else s.told).append(extra.key)
                    parts.append(("answer", extra.text))
                    if reveal is None:
                        reveal = extra.text
                        fact_id, knowledge = (extra.key, None) if extra.source == "fact" else (None, extra.key)
            else:
                reveal = m.text
                if m.source == "fact":
                    fact_id = m.key
                    s.disclosed.append(m.key)
                else:
                    knowledge = m.key
                    s.told.append(m.key)
                templates = [x for x in sc.lines_for("answer", s.mood) if not _REPEAT_WORDS.search(x)] \
                    or sc.lines_for("answer", s.mood) or ["{fact}"]
                # Acknowledgement + content: the persona's own short reactions to being asked go before the
                # fact too, beside the scenario's answer lines (the fact itself is said whole, unchanged).
                if not parts:
                    templates = templates + [f"{x} {{fact}}" for x in self.archetype.part_lines("lead_asked", sc.band(s.mood))
                                             if "{" not in x and not _CALM_WORDS.search(x)]
                fact = m.text
                if answer.get("corrects"):
                    # put right, not merely told: "No, it's paid by my Mastercard ending 0847."
                    first = fact.split()[0] if fact.split() else ""
                    keep = re.match(r"I(?:'\w+)?$", first) or (len(first) > 1 and first[1:2].isupper()) \
                        or first.strip(".,;:!?") in self._proper  # "No, Dana Whitfield", not "No, dana Whitfield"
                    fact = "No, " + (fact if keep else fact[:1].lower() + fact[1:])
                main = self._pick(s, "answer", templates, salt, fact=fact) or fact  # the fact, whatever else
                parts.append(("answer", main))
                for extra in answer.get("also") or ():
                    # the other parts of a two-part question, each said once
                    (s.disclosed if extra.source == "fact" else s.told).append(extra.key)
                    if extra.text not in main:
                        parts.append(("answer", extra.text))
                t["_led"] = not main.startswith(m.text.strip()[:12])  # the answer line has its own way in
                # Acknowledgement + content + pressure: an upset customer with nothing done yet says where it
                # leaves them, on some answers (varied by the turn, so two attempts read differently).
                band = sc.band(s.mood)
                pressing = bool(s.open_ask and s.open_ask.get("times", 0) >= 1)  # their own question comes next instead
                if band != "low" and not s.needs_met and not s.commitments and intent == "answer" and len(parts) == 1 \
                        and not pressing \
                        and self._story_kind(m) not in ("identity", "contact", "reference") \
                        and zlib.crc32(f"pressure|{salt}".encode()) % 3 != 0:
                    said = self._part(s, "pressure", salt, only=lambda x: not self._said_in(s, x))
                    if said:
                        parts.append(("pressure", said))
        answered_main = main is not None  # the content is an answer from their story (or a recall)
        if main is None:
            heard = any(s.signal_counts.get(k) for k in _HEARD) or bool(set(t["signals"]) & _HEARD)
            scripted = bool(s.signal_counts.get("scripted_greeting") or "scripted_greeting" in t["signals"])
            used, lines = self._candidates(intent, s.mood, {**t, "needs_met": list(s.needs_met), "heard": heard,
                                                            "scripted": scripted, "explained": self._explained(t)})
            if intent == "press" and s.open_ask and 1 <= s.open_ask.get("times", 0) <= 2:
                name = "unanswered_again" if s.open_ask["times"] >= 2 else "unanswered"
                said = self._part(s, name, salt, ask=s.open_ask["text"])
                if said:
                    parts.append((name, said))
                    main = said
            if main is None and lines:
                main = self._pick(s, used, lines, salt)
                if main:
                    parts.append((intent, main))
            if main is None:
                main = sc.opening_line if not parts else ""
                if main:
                    parts.append((intent, main))
            # Pushed back on a question their story answers ("Have you tried asking the neighbours?"): the
            # push-back, then the answer ("...I've asked both neighbours, looked behind the bins...").
            # So is a question put in words they object to but can still answer ("The POD scan says delivered —
            # what date have you got?"): "Don't hide behind 'POD'…", then the date.
            if intent == "push_back" and answer is not None and answer.get("match") is not None \
                    and set(t["signals"]) & set(ESCALATING) <= {"escalate_trigger"} \
                    and not answer.get("again") and answer["match"].text not in " ".join(x for _, x in parts):
                m = answer["match"]
                (s.disclosed if m.source == "fact" else s.told).append(m.key)
                parts.append(("answer", m.text))
            # Pressing again after commitments: refer back to them rather than asking afresh.
            kept = [c for c in s.commitments if isinstance(c, dict) and not c.get("changed")]
            if intent == "press" and kept and not t["new_commitments"] and len(parts) < 3 \
                    and not any(n == "commitment_changed" for n, _ in parts):
                said = self._part(s, "commitment_reminder", salt,
                                  commitment=self._commitment_words(kept[-1]))
                if said:
                    parts.insert(0, ("commitment_reminder", said))
        # The agent wraps up ("Anything else?", "That's everything sorted then"): they hold the agent to what was
        # promised, in a few words, unless the turn said it back itself or they already spoke of it.
        kept = [c for c in s.commitments if isinstance(c, dict) and c.get("acts", True) and not c.get("changed")
                and (c.get("time") or c.get("owner"))]
        wrapping = "check_more" in t["reading"].moves or _WRAP_UP.search(t["reading"].text)
        if kept and wrapping and intent not in ("walk_out", "farewell") and len(parts) < 3 \
                and not any(n in ("commitment_reminder", "recall", "commitment_changed", "commitment_ack") for n, _ in parts):
            c = kept[-1]
            if not (c.get("time") and c["time"].lower() in t["reading"].text.lower()):
                said = self._part(s, "wrap_reminder", salt, commitment=self._commitment_words(c))
                if said:
                    parts.append(("wrap_reminder", said))
        if answered_main and intent == "answer" and s.open_ask and s.open_ask.get("times", 0) >= 1 and len(parts) < 3 \
                and not (s.said and _norm(s.open_ask["text"]) in s.said[-1]):
            name = "unanswered_again" if s.open_ask["times"] >= 2 else "unanswered"
            said = self._part(s, name, salt, ask=s.open_ask["text"])
            if said:
                parts.append((name, said))

        if intent == "accept" and answer is not None and answer.get("match") is not None and not answer.get("again") \
                and answer["match"].text not in " ".join(p for _, p in parts):
            # agreeing, and still answering what the agent asked ("How big is the file?")
            m = answer["match"]
            (s.disclosed if m.source == "fact" else s.told).append(m.key)
            if m.source == "fact":
                fact_id = m.key
            else:
                knowledge = m.key
            reveal = m.text
            parts.append(("answer", m.text))

        # Never a sentence said twice in one conversation: what was said already is left out; when nothing is
        # left, the customer says it again in other words (their open question pressed harder, or the
        # archetype's own way of saying they are still waiting).
        before = [(n, p) for n, p in parts if p]
        parts = [(n, self._unsaid(s, p) if n not in ("already_told",) else p) for n, p in before]
        parts = [(n, p) for n, p in parts if p]
        if parts != before and not any(len(p.split()) >= 3 for _, p in parts) and intent not in ("accept", "farewell"):
            alt = None
            if s.open_ask:
                name = "unanswered_again" if s.open_ask.get("times", 0) >= 2 else "unanswered"
                alt = self._part(s, name, salt, ask=s.open_ask["text"]) or self._part(
                    s, "unanswered_again" if name == "unanswered" else "unanswered", salt, ask=s.open_ask["text"])
                if alt:
                    parts.append((name, alt))
            if not alt:
                alt = self._part(s, "restate", f"{salt}|{intent}", only=lambda x: self._fits_mood(s, x))
                if alt:
                    parts.append(("restate", alt))
        if not parts:
            parts = before  # every word of it said already and nothing new to say it with: better than nothing
        # Acknowledgement + content: a reply made of one authored piece gets a short reaction to what the
        # agent just did first, varied per attempt (two attempts at one scenario read differently).
        if len(parts) == 1 and (intent == "walk_out" or not (_OPENS_WITH_REACTION.match(parts[0][1])
                                                             or (parts[0][0] == "answer" and t.get("_led")))):
            lead = self._lead(s, intent, t, salt, before=parts[0][1])
            if lead:
                parts.insert(0, (lead[0], lead[1]))
        line = _join([p for _, p in parts if p]) or self._unsaid(s, sc.opening_line) or sc.opening_line
        s.said.append(_norm(line))
        s.sentences.extend(_sentence_keys(line))
        # The customer's own question is in the intent's line or a re-asked question, never in a reaction
        # ("Does that matter?" after "I don't know" asks nothing the agent must answer).
        t["_ask_text"] = " ".join(p for n, p in parts if n in _ASKING_PARTS or n == intent)
        s.intent_counts[intent] = s.intent_counts.get(intent, 0) + 1
        s.last_intent = intent
        return Beat(intent=intent, line=line, mood=round(s.mood, 2), trust=round(s.trust, 2), fact_id=fact_id,
                    knowledge=knowledge, reveal=reveal, parts=[n for n, _ in parts], end_reason=end,
                    signals=t["signals"])

    def _lead(self, s: DirectorState, intent: str, t: dict, salt: str, before: str = "") -> tuple[str, str] | None:
        """A short reaction to what the agent just did, in this persona's voice for the mood shown: to a
        question (they answer), to an offer or commitment (only when one was made), to being heard, or to
        nothing useful. Never a farewell, never relief while the meter is high."""
        acted = bool(t["new_needs"] or t["new_commitments"] or t["reading"].offers)
        heard = bool(set(t["signals"]) & _HEARD) and (
            bool(set(t["signals"]) & {"specific_empathy", "reflection"})
            or self._restates(t["reading"].text, t.get("history") or ()))
        if intent == "walk_out":
            name = "lead_leaving"
        elif intent in ("answer", "push_back") and t["answer"] is not None:
            name = "lead_asked"
        elif acted and intent in ("accept", "farewell", "soften"):
            name = "lead_offer"
        elif intent in ("accept", "farewell", "soften"):
            name = "lead_heard" if heard or s.mood < 6 else "lead_unmoved"
        else:
            name = "lead_unmoved"

        small = {"i", "a", "the", "to", "it", "is", "you", "me", "my", "that", "of", "and", "in", "on", "for", "this"}
        def stems(text: str) -> set[str]:  # "Thank you." before "Thanks so much." shares "thank"
            return {word_key(w.lower()) for w in _WORD.findall(text) if w.lower() not in small}

        opening = stems(before)

        def fits(x: str) -> bool:  # true to the moment, and not "Please. But please..."
            return self._fits_mood(s, x) and (acted or not _OFFER_REACTION.search(x)) \
                and not stems(x) & opening \
                and not ((intent == "farewell" or not heard) and _CONFIRMING.match(x))
            # "Yes, exactly." to "goodbye", or to an agent who said nothing of theirs back, agrees to nothing

        said = self._part(s, name, salt, only=fits, min_words=1) or self._part(s, name, salt, only=fits)
        return (name, said) if said else None

    @staticmethod
    def _ack_fits(line: str, c: dict, s: DirectorState) -> bool:
        """A note of a commitment that is true to it: no "I'm noting the time" when none was given, no "I'll
        want your name on that" from someone who has one, no "I'll want a reference" when one was given."""
        low = line.lower()
        if re.search(r"\btime\b", low) and not c.get("time"):
            return False
        if not c.get("acts", True) and re.search(r"\b(?:happen\w*|ringing back|holding you to|hold you to|waiting|believe it)\b",
                                                low):
            return False  # a reference or a name is noted, not waited for
        cs = [x for x in s.commitments if isinstance(x, dict)]
        if re.search(r"\bname\b", low) and any(x.get("owner") for x in cs):
            return False
        if re.search(r"\breference\b", low) and any(x.get("reference") for x in cs):
            return False
        return True

    @staticmethod
    def _said_in(s: DirectorState, part: str) -> bool:
        """Whether a part was already said inside any earlier reply of this conversation."""
        key = _norm(part)
        return any(key in x for x in s.said)

    # A detail of the caller's own identity: name, date of birth, address, contact details.
    _OWN = (("name", re.compile(r"\b(?:(?:your|the) (?:full |first |last |sur|maiden )?name|full name|surname|"
                                r"name (?:of|on) the (?:account|policy|booking|order|card|bill)|"
                                r"(?:account|policy|card|bill)\s?holder|lead passenger|who (?:am i|i'm) speaking)\b", re.I),
             ("name", "full name", "your name")),
            ("birth", re.compile(r"\b(?:date of birth|dob|d\.o\.b|birthday|born|how old|your age)\b", re.I),
             ("date of birth", "birth", "dob", "born")),
            ("address", re.compile(r"\b(?:address|postcode|post code|zip code|where (?:do )?you live|house number)\b", re.I),
             ("address", "postcode", "home address", "billing address")),
            ("contact", re.compile(r"\b(?:e-?mail|(?:phone|mobile|telephone|contact) (?:number|details)|"
                                   r"number (?:to|we can) (?:call|reach|ring))\b", re.I),
             ("email", "email address", "phone", "mobile", "phone number", "telephone")))
    _OTHERS = re.compile(r"\b(?:driver|courier|colleague|agent|adviser|advisor|engineer|neighbour|shop|surgery|landlord|"
                         r"doctor|pharmacist|airline|person you spoke|who you spoke|manager|partner's|daughter's|son's|wife's|"
                         r"husband's)\b", re.I)

    def _own_detail(self, question: str) -> tuple[str | None, str] | None:
        """(knows key, what they say) when a question asks for a detail of the caller's own identity; key None
        when their story does not hold it; None when the question asks nothing of the kind."""
        if not question or self._OTHERS.search(question):
            return None
        # "Ruby's date of birth", "Tomek's mobile": someone else's detail, not the caller's
        if re.search(r"\b(?!(?:what|who|it|that|where|there|here|let|how|when|he|she|one|policyholder|holder)'s\b)"
                     r"[A-Za-z]+'s\b", question, re.I) or re.search(r"\bname of (?:the|your) (?!(?:main |lead |primary )?(?:account|policy|booking|order|card|bill))",
                                                                   question, re.I):
            return None
        knows = getattr(self.scenario, "knows", None) or []
        for _, rx, abouts in self._OWN:
            hit = rx.search(question)
            if not hit:
                continue
            head = re.search(r"\b(?:which|what|whose)\s+(?!(?:is|was|are|were|'s|do|does|did|your|the|my|a|an)\b)(\w+)",
                             question[:hit.start()], re.I)
            if head and head.group(1).lower() not in hit.group(0).lower():
                return None  # "which FIRM covers your postcode?": asked about something else, the detail is context
            for i, k in enumerate(knows):
                if k.kind in ("identity", "contact") and any(a.lower() in abouts for a in k.about):
                    return f"k{i}", k.say
            return None, ""
        return None

    def _story_kind(self, m) -> str:
        """The kind of the fact or knows item a match points at (identity, timeline...)."""
        if m.source == "fact":
            return next((f.kind for f in self.scenario.facts if f.id == m.key), "other")
        knows = getattr(self.scenario, "knows", None) or []
        i = int(m.key[1:]) if m.key[1:].isdigit() else -1
        return knows[i].kind if 0 <= i < len(knows) else "other"

    def _pick(self, s: DirectorState, intent: str, lines: list[str], salt: str, **values: str) -> str:
        """A line for the intent not said before in this conversation (rotating, varied by the turn)."""
        n = s.intent_counts.get(intent, 0)
        start = zlib.crc32(f"{self.scenario.id}|{intent}|{self.scenario.band(s.mood)}|{salt}".encode()) + n
        order = [lines[(start + k) % len(lines)] for k in range(len(lines))]
        fill = (lambda x: x.replace("{fact}", values["fact"])) if "fact" in values else (lambda x: x)
        for line in order:
            text = fill(line)
            if _norm(text) not in s.said and not any(_norm(text) in x for x in s.said) and self._fresh(s, text):
                return text
        # Every line of this intent said already: borrow one from a neighbouring band...
        for band_mood in (5.0, 2.0, 8.0):
            for line in self.scenario.lines_for(intent, band_mood):
                text = fill(line)
                if _norm(text) not in s.said and self._fresh(s, text) and self._fits_mood(s, text):
                    return text
        # ...or say what is left of a line once the sentences already said are taken out.
        for line in order:
            rest = self._unsaid(s, fill(line))
            if len(rest.split()) >= 3 and _norm(rest) not in s.said:
                return rest
        return ""

    @staticmethod
    def _fits_mood(s: DirectorState, text: str) -> bool:
        return not (s.mood >= 6 and _CALM_WORDS.search(text))

    def _note_ask(self, s: DirectorState, line: str) -> None:
        """Remember the question the customer just asked (a new one replaces the old)."""
        from scoring.understanding import customer_ask

        ask = customer_ask(line)
        if ask is not None:
            if s.open_ask and _norm(s.open_ask["text"]) and _norm(s.open_ask["text"]) in _norm(ask.text):
                return  # they repeated their open question (in a harder sentence): still the same one, still counting
            if s.open_ask and len(_norm(ask.text).split()) <= 3 < len(_norm(s.open_ask["text"]).split()):
                return  # "Now what?" after "What are you going to do about it?": the real question is still the old one
            s.open_ask = {"kind": ask.kind, "text": ask.text, "times": 0}
