"""One reading of a trainee turn, shared by the practice Director and the scoring engine.

`read_turn(text, context, scenario)` says what the turn does for the customer in front of the trainee:
its moves (scoring.moves), what the customer had just asked or demanded and whether this turn answers it,
what it commits to (action, owner, time), what it offers against the scenario's policy, whether its
empathy is specific to this customer or a generic script, and what it asks the customer about.

The Director reacts to the reading (a customer who listens); the scorer grades it (a coach who listens).
One understanding, so the customer and the grade cannot disagree about what a turn did.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from core.text import FEELINGS, content_words, keys, plain_quotes, restore_apostrophes, tokens, word_key
from core.transcript import role_text
from scoring import needs as _needs
from scoring import rules
from scoring.evidence import sentences
from scoring.moves import detect_moves
from scoring.policy import Offer, find_offers
from scoring.questions import Match, match_question, question_kinds

if TYPE_CHECKING:
    from core.scenario import Scenario

# ---------------------------------------------------------------------------------------------------------
# What the customer asks or demands

# The kind of answer a question wants. "when" wants a time, "who" a person, "action" what will be done...
ASK_KINDS = ("when", "who", "action", "yes_no", "why", "amount", "where", "which", "reference", "info")

_WH = [
    ("when", re.compile(r"\b(?:when|what time|what day|what date|how long|how soon|by when|until when|since when)\b", re.I)),
    ("who", re.compile(r"\b(?:who(?:'s| is| will| are)?|whose|what(?:'s| is) your name|give me (?:a|your) name|"
                       r"(?:a|your|the) name)\b", re.I)),
    ("amount", re.compile(r"\b(?:how much|how many|what (?:amount|sum)|what(?:'s| is) the (?:cost|charge|total))\b", re.I)),
    ("where", re.compile(r"\bwhere\b", re.I)),
    ("why", re.compile(r"\bwhy\b|\bhow come\b", re.I)),
    ("reference", re.compile(r"\b(?:reference|ref|case number|ticket number|confirmation number)\b", re.I)),
    ("action", re.compile(r"\b(?:what (?:are|will|can|do|is) (?:you|anyone|someone|somebody|your company|you lot)\b|"
                          r"what(?:'s| is) (?:going to|gonna) happen|what happens (?:now|next)|what now|"
                          r"what (?:are|will) you (?:going to )?do|tell me what you(?:'ll| will|'re going to) do|"
                          r"(?:sort|fix|deal with) (?:this|it) (?:out )?(?:now|today)|what(?:'s| is) the plan|"
                          r"how (?:are|will) you (?:going to )?(?:fix|sort|solve|resolve)|what (?:can|will) be done)", re.I)),
    ("which", re.compile(r"\bwhich\b", re.I)),
]
_YES_NO = re.compile(r"^\s*(?:will|can|could|would|is|are|am|do|does|did|have|has|was|were|should|shall|isn't|"
                     r"won't|can't|aren't|don't|doesn't)\b", re.I)
_DEMAND = re.compile(
    r"^\s*(?:just |please |so )?(?:tell|give|send|fix|sort|get|find|call|put|explain|show|confirm|transfer|"
    r"refund|cancel|stop|reconnect|replace)\b|\bi (?:want|need|demand|expect) (?:to know|a|an|the|my|you|someone|somebody|it)\b",
    re.I)


@dataclass(frozen=True)
class Ask:
    """The customer's latest question or demand: its kind and its words."""
    kind: str
    text: str


def ask_kind(sentence: str) -> str:
    """The kind of answer one question or demand sentence wants."""
    s = sentence.strip()
    for kind, rx in _WH:
        if rx.search(s):
            return kind
    if _YES_NO.search(s):
        return "yes_no"
    if rules.OPEN_QUESTION.search(s) or re.match(r"^\s*(?:what|how)\b", s, re.I):
        return "info"
    return "action" if _DEMAND.search(s) else "info"


def customer_ask(text: str) -> Ask | None:
    """The question or demand in a customer turn (the last one when there are several), else None."""
    found: Ask | None = None
    for s in sentences(text):
        if s.rstrip().endswith("?") or _DEMAND.search(s):
            found = Ask(ask_kind(s), s.strip())
    return found


def latest_customer_ask(context: Sequence) -> Ask | None:
    """The question or demand of the customer's latest turn, if the last turn is the customer's."""
    if not context:
        return None
    role, text = role_text(context[-1])
    return customer_ask(text) if role == "customer" else None


# ---------------------------------------------------------------------------------------------------------
# Commitments

_CLOCK = r"(?:,? (?:at|by|before|between|from) \d{1,2}(?::\d{2})?\s*(?:am|pm|o'clock)?(?:\s*(?:-|–|to|and)\s*\d{1,2}(?::\d{2})?\s*(?:am|pm)?)?)?"
_HOURS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
# A clock time in words needs a lead-in or a half/quarter: "at five", "by half four", "quarter past six".
_CLOCK_WORD = (r"(?:(?<=half )|(?<=half past )|(?<=quarter past )|(?<=quarter to )|(?<=at )|(?<=by )|(?<=around )|"
               r"(?<=before )|(?<=from )|(?<=after ))(?:" + _HOURS + r")\b(?! (?:days?|weeks?|months?|hours?|minutes?|of|people|seats))")
TIME = re.compile(
    r"\b(?:(?:today|tonight|tomorrow(?: (?:morning|afternoon|evening))?|this (?:morning|afternoon|evening))" + _CLOCK + "|"
    r"(?:on |next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|evening))?" + _CLOCK + "|"
    r"this (?:morning|afternoon|evening|week)|right now|"
    r"straight away|immediately|within (?:the (?:next )?)?(?:\d+|an?|one|two|three|four|five|24|48)\s*(?:minutes?|mins?|hours?|hrs?|"
    r"days?|working days?|business days?)|by (?:\d{1,2}(?::\d{2})?\s*(?:am|pm)?|noon|midday|end of (?:the )?(?:day|week)|"
    r"close of business|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow)|"
    r"(?:at |before |after )?\d{1,2}(?::\d{2})?\s*(?:am|pm|o'clock)|at (?:noon|midday)|"
    r"(?:on |next |this )(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"in (?:the next )?(?:\d+|an?|one|two|three|half an) (?:minutes?|hours?|days?)|"
    r"(?:(?:at|by|around|before|from|after) )?(?:half (?:past )?|quarter (?:past|to) )?" + _CLOCK_WORD + r"(?: o'clock)?"
    r"(?: (?:today|tonight|tomorrow|this (?:morning|afternoon|evening)))?)\b", re.I)
# Names are capitalised: matched case-sensitively, apart from the lead-in.
_NAME = re.compile(r"\b(?:[Mm]y name(?:'s| is)|[Ii](?:'m| am)|[Tt]his is|[Ii]t's) (?P<name>[A-Z][a-z]{1,20})\b")
# A named colleague who will act: "My colleague Omar will call you".
_NAMED_OTHER = re.compile(r"\b(?:[Mm]y|[Oo]ur) (?:colleague|manager|supervisor|team leader|specialist|engineer) "
                          r"(?P<name>[A-Z][a-z]{1,20})\b")
_NOT_NAMES = {"Sorry", "Afraid", "Going", "Here", "Not", "So", "Really", "Just", "Happy", "Glad", "Sure", "Very", "Calling",
              "Able", "Unable", "Looking", "The", "Your", "This", "That", "Now", "Still", "Also", "Checking", "Putting"}
_OWNER = re.compile(
    r"\b(?:(?P<own>i(?:'ll| will) (?:personally |)(?:own|take ownership of|handle|look after|be (?:your|the) (?:named )?(?:case )?"
    r"(?:owner|contact|point of contact|case handler))|i(?:'ll| will) personally|i(?:'m| am) (?:your|the) (?:named )?(?:case )?"
    r"(?:owner|contact|handler)|(?:your|the) case is (?:with|mine)|i(?:'ll| will) stay with (?:this|you|it)))", re.I)
_REF = re.compile(r"\b(?:reference|ref|case|ticket|confirmation|claim)(?: number| no\.?| id)?(?: for (?:me|this|it))?"
                  r"(?: is| will be|:)?\s*#?\s*"
                  r"([A-Z]{0,4}-?\d[A-Z0-9-]{2,})\b", re.I)
_COMMIT = re.compile(
    r"\b(?:i(?:'ll| will| am going to|'m going to)|we(?:'ll| will| are going to|'re going to)|i(?:'m| am) (?:now )?(?:\w+ing)|"
    r"i(?:'ve| have) (?:just )?(?:\w+ed|sent|put|set|made|got)|you(?:'ll| will) (?:get|have(?! to\b)|receive|hear))\b", re.I)
# A greeting that gives a name ("you're through to Jo", "thanks for calling, I'm Sam"): an introduction, not a promise.
_INTRO_ONLY = re.compile(r"^(?:(?!\b(?:i(?:'ll| will)|we(?:'ll| will)|taking|take|own|handle|look after|personally)\b).)*"
                         r"\b(?:thank(?:s| you) for (?:calling|holding|your call)|you(?:'re| are) (?:through|speaking) to|"
                         r"how can i help|what can i do)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|never|can't|cannot|won't|unable|no way|couldn't|wouldn't|don't)\b", re.I)


@dataclass(frozen=True)
class Commitment:
    """Something the trainee committed to: the sentence, and the owner and time it names, if any."""
    text: str
    owner: str | None = None      # a name ("Sam") or "I" when the trainee takes personal ownership
    time: str | None = None       # "tomorrow at 5pm", "within 48 hours"
    reference: str | None = None  # a case/reference number given
    acts: bool = True             # commits to doing something (not only "my name's Jo" or a reference)


def find_commitments(text: str) -> list[Commitment]:
    """Sentences that commit to an action, an owner, a time or give a reference."""
    out: list[Commitment] = []
    for s in sentences(text):
        if s.rstrip().endswith("?"):
            continue
        m_name = next((m for m in _NAME.finditer(s) if m.group("name") not in _NOT_NAMES), None) \
            or next((m for m in _NAMED_OTHER.finditer(s) if m.group("name") not in _NOT_NAMES), None)
        owner = m_name.group("name") if m_name else ("I" if _OWNER.search(s) else None)
        m_time = TIME.search(s)
        if m_time:
            # the time of what is done, not of what they told us ("your party is on Saturday and the bike is coming")
            pieces = re.split(r",\s*|;\s*|\s+(?:and|but|so)\s+(?=(?:i|we|you|it|they|the|your|my|our|a|an|someone)\b)", s)
            acting = [p for p in pieces if _COMMIT.search(p) or rules.NEXT_STEP.search(p) or _needs.acts(p)]
            if len(pieces) > 1 and acting:
                m_time = next((TIME.search(p) for p in acting if TIME.search(p)), None)
        m_ref = _REF.search(s)
        acts = bool(_COMMIT.search(s) or rules.NEXT_STEP.search(s) or _needs.acts(s))
        m_act = _COMMIT.search(s) or rules.NEXT_STEP.search(s) or (acts or None)
        if m_act and not (owner or m_ref):
            # "I can't promise a time" commits to nothing; "..., so you won't run out" still commits
            part = next((p for p in re.split(r",\s*|\s+(?:so|and|because)\s+", s) if _COMMIT.search(p)
                         or rules.NEXT_STEP.search(p) or _needs.acts(p)), s)
            if _NEGATED.search(part):
                continue
        if vague_deferral(s) and not (owner or m_ref or m_time):
            continue  # "someone will be in touch": nobody, no time, nothing done
        if acts and not (owner or m_ref) and not _COMMIT.search(s) and not rules.NEXT_STEP.search(s) \
                and not any(_needs._acts(c) for c in re.split(r",\s*|;\s*", s)) \
                and (GENERIC_EMPATHY.search(s) or _FEELING_SAID.search(s)):
            continue  # "Trust me, I know exactly what that's like": an assurance beside empathy promises nothing
        if acts or owner or m_ref:
            out.append(Commitment(text=s.strip(), owner=owner, time=m_time.group().strip() if (m_time and acts) else None,
                                  reference=m_ref.group(1) if m_ref else None,
                                  acts=acts and not _INTRO_ONLY.search(s)))
    return out


# ---------------------------------------------------------------------------------------------------------
# Empathy

# Apologising for the customer's reaction, or for nothing in particular, rather than for what happened.
NON_APOLOGY = re.compile(
    r"\bsorry (?:if|that you feel|you feel|you're feeling|you are feeling|you think|you see it|you were upset|"
    r"you're upset|you are upset|to hear you feel|for any (?:inconvenience|trouble|confusion|upset|frustration)(?: (?:this|that) (?:may|might) have caused)?|"
    r"for (?:the|your) (?:inconvenience|frustration|feelings)\b(?! (?:of|that we|we)))|"
    r"\bapologi[sz]e (?:if|for any|for the inconvenience)\b|\bapologies (?:if|for any|for the inconvenience)\b|\bregret (?:any|if)\b|"
    # sorry for "the experience you've had": their experience, not the failure
    r"\b(?:sorry|apologi[sz]e|apologies|regret)(?: (?:for|about))? (?:the|your|any) (?:experience|experiences)"
    r"(?: (?:you(?:'ve| have)? had|you(?:'ve| have) been through|of (?:this|it)))?(?! (?:we|our)\b)\b|"
    r"\bsorry,? but\b|\bsorry (?:for|about) how you feel|"
    # sorry for how it looks to them, for what they were told, for what bothers them: nothing owned
    r"\bsorry (?:that )?(?:it|this|that) (?:seems|looks|feels|came across|comes across)\b|\bsorry you see it\b|"
    r"\bsorry (?:that )?you (?:were|have been|'ve been) (?:told|given|made to feel)\b(?!.{0,30}\b(?:we|our|us)\b)|"
    r"\bsorry (?:that )?(?:the|your) \w+ (?:is|are|has been|have been) (?:bothering|upsetting|worrying|troubling|annoying) you\b|"
    r"\bregret (?:that )?you(?:'re| are| feel| were|'ve been| have been)?\b|\bregret (?:your|the) (?:upset|frustration|feelings)\b|"
    r"\bsorry (?:if|that) (?:you(?:'re| are) )?(?:disappointed|unhappy|annoyed)\b|"
    # regret aimed at how they take it, not at what went wrong: "sorry that you're so worried", "sorry you've been
    # left feeling let down", "sorry you're not happy with it", "apologise if that's the impression you got"
    r"\b(?:sorry|apologi[sz]e|apologies|regret)(?: (?:that|if))? you(?:'re| are|'ve| have| were| had| feel| felt| seem| sound)?"
    r"(?: (?:been|so|really|very|quite|a bit|left|not|getting|feeling|made to feel|now|still|all|this|that))*"
    r" (?:feel(?:ing)?|upset|unhappy|disappointed|annoyed|frustrated|angry|cross|worried|anxious|stressed|"
    r"distressed|let down|dissatisfied|not (?:happy|satisfied|pleased)|happy|satisfied|pleased|think|thought|believe|"
    r"perceive|see (?:it|things)|took it|take it|got the impression|have the impression)\b|"
    r"\b(?:sorry|apologi[sz]e|apologies|regret)\b[^.!?]{0,20}\b(?:the|any|that|this) (?:impression|perception)\b|"
    r"\b(?:sorry|apologi[sz]e|apologies|regret)\b[^.!?]{0,30}\bif (?:that|it|this|anything|something|we|i)\b[^.!?]{0,30}"
    r"\b(?:came|come|comes|coming) (?:across|over)\b", re.I)
# Empathy with no content of its own: it would fit any customer.
GENERIC_EMPATHY = re.compile(
    r"\b(?:i|we) (?:completely |totally |really |fully |do )?(?:understand|hear you|get it|know how you feel|"
    r"can (?:understand|imagine|appreciate|see)(?: (?:that|how|why)(?: you feel| you're feeling| this is| that is| it is)?)?)\b|"
    r"\byour (?:feelings|frustration|concerns?) (?:is|are) (?:valid|understandable|important)|"
    r"\bi (?:appreciate|respect) (?:your|how you)|\bi hear (?:what you(?:'re| are) saying|your (?:frustration|concern))|"
    r"\bthat(?:'s| is| must be| sounds| would be)(?: really| so| very)? (?:frustrating|difficult|hard|annoying|stressful|upsetting|awful|tough)\b|"
    r"\bi(?:'m| am) (?:sorry|sad) to hear (?:that|this)\b|\bthank you for (?:your patience|bearing with (?:me|us))\b|"
    r"\bi know (?:this|that|it)(?:'s| is) (?:frustrating|difficult|hard|annoying|stressful)|"
    r"\bit(?:'s| is) (?:understandable|natural|normal)\b|\bthat(?:'s| is) (?:completely |totally )?(?:understandable|fair|valid)\b|"
    r"\bi can (?:tell|see) (?:you(?:'re| are)|this is|that)\b|\bi(?:'m| am) here (?:for you|to help|to listen)\b|"
    # empathy said as knowing: "I know how annoying it is", "I totally get it", "believe me, I know", "I've been there"
    r"\bi (?:completely |totally |really |fully |do |truly |honestly |absolutely )?know(?:,? i know)?"
    r"(?: (?:exactly|just|only too well|full well|too well))?(?: (?:how (?!to\b)(?:\w+ ){0,4}?(?:it|that|this|you|we|things?)\b|"
    r"what (?:it's|that's|this is|it is|that is|you mean|you're going through|you are going through|it feels|that feels)|"
    r"the feeling|that feeling|where you're coming from)|\s*[,.!]|$)|"
    r"\bi (?:completely |totally |really |fully |do |truly |honestly |absolutely )?get (?:it|that|this|you|where you(?:'re| are) coming from)\b|"
    r"\b(?:believe|trust) me\b.{0,40}\b(?:i know|i get|i understand|i've been|i have been|been there)\b|"
    r"\b(?:i(?:'ve| have)|we(?:'ve| have) all) been there\b|\b(?:i'd|i would) (?:feel|be) (?:the same|exactly the same)\b|"
    r"\b(?:i'd|i would) be (?:\w+ )?(?:upset|annoyed|angry|frustrated|furious|worried|fuming) too\b|\bin your shoes\b", re.I)
# A feeling said of the customer's experience: "no wonder that's confusing", "it must be really worrying", "you
# must be exhausted" (not "it's hard to say": a feeling word followed by "to" is about something else).
_FEEL = "|".join(sorted(FEELINGS, key=len, reverse=True)).replace("-", "\\-")
_FEELING_SAID = re.compile(
    r"\b(?:no wonder|understandably|of course)\b.{0,40}\b(?:" + _FEEL + r")\b|"
    r"\b(?:that|this|it|which)(?:'s| is| was| must be| must have been| sounds| seems| would be)"
    r"(?: (?:so|really|very|incredibly|pretty|quite|such an?|an?|truly|genuinely|deeply|absolutely))* (?:" + _FEEL + r")\b(?! to\b)|"
    r"\byou(?:'re| are| must be| must feel| must have been| sound| seem| feel|'ve been| have been)"
    r"(?: (?:so|really|very|incredibly|pretty|quite|understandably|a bit|a little|completely|totally))* (?:" + _FEEL + r")\b(?! to\b)",
    re.I)
_EMPATHY_ANY = (GENERIC_EMPATHY, rules.REFLECTION, rules.AFFIRMATION, rules.APOLOGY, _FEELING_SAID)
# Words that appear in every service call: naming them is not naming this customer's situation.
_GENERIC_CONTENT = {word_key(w) for w in """problem problems issue issues situation thing things matter matters experience
way feel feeling feelings frustration concern concerns sorry help today moment time now really
understand hear know appreciate patience customer sir madam everything something anything this that day sound sounds
certainly absolutely definitely completely totally experience happen happened going make sure
call calling called thank thanks welcome hello""".split()}


_WHEN_WORDS = frozenset(word_key(w) for w in """day days week weeks hour hours time times today tonight tomorrow yesterday
night morning afternoon evening month months year years moment minute minutes""".split())


def _feeling_words(toks: list[str]) -> set[str]:
    return {t for t in toks if t in FEELINGS}


@lru_cache(maxsize=256)
def _situation_keys(situation: str) -> frozenset[str]:
    return frozenset(keys(" ".join(content_words(tokens(situation)))))


@lru_cache(maxsize=4096)
def _text_keys(text: str) -> frozenset[str]:
    """Content keys of one turn's text (cached: every later turn reads the earlier ones again)."""
    return frozenset(keys(" ".join(content_words(tokens(text)))))


@lru_cache(maxsize=4096)
def _text_tokens(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def customer_keys(context: Sequence, scenario: Scenario | None = None) -> set[str]:
    """Content keys of everything the customer has said so far (and, with a scenario, their situation)."""
    out: set[str] = set()
    for turn in context:
        role, text = role_text(turn)
        if role == "customer":
            out |= _text_keys(text)
    if scenario is not None:
        out |= _situation_keys(f"{scenario.situation} {scenario.customer.backstory}")
    return out - _GENERIC_CONTENT


def customer_feelings(context: Sequence) -> set[str]:
    out: set[str] = set()
    for turn in context:
        role, text = role_text(turn)
        if role == "customer":
            out |= _feeling_words(tokens(text))
    return out


EMPATHY_KINDS = ("none", "specific", "feeling", "generic", "non_apology")


def empathy_kind(text: str, moves: Sequence[str], context: Sequence, scenario: Scenario | None = None) -> tuple[str, str | None]:
    """(kind, the sentence it rests on). specific: names this customer's situation (their words, their story)
    alongside the empathy; feeling: names a feeling the customer showed, nothing of the situation;
    generic: would fit any call; non_apology: sorry for the customer's feelings, or for 'any inconvenience'."""
    sents = sentences(text)
    non = next((s for s in sents if NON_APOLOGY.search(s)), None)
    emp = [s for s in sents if any(rx.search(s) for rx in _EMPATHY_ANY) and not NON_APOLOGY.search(s)]
    has_emp = bool(emp) or bool({"reflection", "apology"} & set(moves))
    if non is not None and not any(rules.APOLOGY_OWNERSHIP.search(s) for s in emp):
        return "non_apology", non
    if not has_emp:
        return "none", None
    situation = customer_keys(context, scenario)
    # The empathy sentence, or the sentence right beside it, must name what happened to this customer.
    for i, s in enumerate(sents):
        if s not in emp:
            continue
        near = " ".join(sents[max(0, i - 1):i + 2])
        mine = set(keys(" ".join(content_words(tokens(near))))) - _GENERIC_CONTENT
        mine -= {word_key(f) for f in FEELINGS}
        mine -= _WHEN_WORDS  # "these days", "at the moment": no word of their story
        # A script line with one word of their story in it ("I understand how much you rely on the internet
        # these days") is still the script: it needs two of their words, or no script at all around one.
        if len(mine & situation) >= 1 and (len(mine & situation) >= 2 or not GENERIC_EMPATHY.search(s)):
            return "specific", s
    feels = customer_feelings(context) | {"frustrated", "frustrating", "worried", "worrying", "stressful", "upset"}
    for s in emp:
        if _feeling_words(tokens(s)) & feels and (rules.REFLECTION.search(s) or rules.REFLECTION_SOFT.search(s)):
            return "feeling", s
    return "generic", emp[0] if emp else sents[0]


# ---------------------------------------------------------------------------------------------------------
# Hollow moves: words that sound like help and do nothing for this customer

_THIRD_PARTY = (r"(?:the|your|that|their) (?:shop|bookshop|store|retailer|merchant|seller|bank|airline|courier|carrier|"
                r"surgery|gp|doctor|landlord|supplier|manufacturer|insurer|post office|delivery (?:company|firm|driver)|"
                r"driver|depot|warehouse|neighbours?|partner airline|other (?:team|department)|\w+ team|\w+ department)")
HOLLOW = {
    # sending them elsewhere, or blaming someone else: "take that up with the bookshop, it's their terminal"
    "deflect": re.compile(
        r"\b(?:take (?:that|it|this) up with|(?:you(?:'ll| will)? (?:need|have|want|ought) to|you(?:'d| would) (?:need|have|want) to|"
        r"you (?:should|could|can|must|might want to|may want to|need to|have to)|(?:it's |it is )?best to|try|please|just|"
        r"^)\W*(?:\w+ )?(?:rais(?:e|ing)|sort(?:ing)?|chas(?:e|ing)|deal(?:ing)? with|speak(?:ing)? to|contact(?:ing)?|"
        r"talk(?:ing)? to|go(?:ing)? back to|ring(?:ing)?|call(?:ing)?|phon(?:e|ing)|ask(?:ing)?|complain(?:ing)? to|"
        r"check(?:ing)? with|get(?:ting)? in touch with) (?:that |it |this )?(?:up )?(?:out )?(?:with )?" + _THIRD_PARTY + r"|"
        r"(?:that's|that is|it's|it is|this is) (?:one for|up to|down to|a matter for|really for|for) " + _THIRD_PARTY + r"|"
        r"(?:their|the (?:shop|merchant|courier|carrier|surgery|bank|airline)'s) (?:fault|problem|responsibility|terminal|"
        r"machine|mistake|system|end|side|error)|not (?:our|my) (?:problem|fault|department|responsibility|issue)|"
        r"nothing to do with (?:us|me|our side)|out of (?:our|my) hands)\b", re.I),
    # telling them it is fine rather than making it fine: "you'll be fine", "don't worry", "it'll turn up"
    "brush_off": re.compile(
        r"\b(?:you(?:'ll| will) (?:be (?:fine|okay|ok|alright|all right)|manage|survive|get through it)|"
        r"(?:don't|do not|try not to|no need to|there's no need to) (?:you )?(?:worry|panic|stress|fret)|"
        r"it(?:'ll| will) (?:all )?(?:turn up|show up|work out|be fine|be okay|be ok|sort itself out|"
        r"come(?=\s*(?:[.!,;]|$| somewhere| in the end| eventually| soon enough| sooner or later)))(?: (?:somewhere|in the end|eventually))?|"
        r"(?:it's|it is|it'll be) (?:probably |bound to be |sure to be )?(?:just )?(?:around|somewhere|been put somewhere|in a safe place)|"
        r"(?:lots|loads|plenty|a lot) of (?:people|customers|folk|us)|these things happen|it happens to (?:everyone|the best)|"
        r"(?:it's|it is) only (?:£|\$|€)?\d|could be worse|it is what it is|worse things happen|"
        r"(?:just )?(?:give it|wait) (?:a few|another|a couple of) (?:days|hours|weeks)(?! (?:and|then) (?:i|we)))\b", re.I),
    # nothing to say and nothing to do: "there's nothing more I can add"
    "stonewall": re.compile(
        r"\b(?:nothing (?:more|else|further) (?:i|we) can (?:add|say|do|tell you)|(?:i've|i have|i've got) nothing "
        r"(?:more |else |further |new )?to (?:add|say|tell you)|(?:there's|there is) (?:really )?(?:nothing|not (?:a lot|much)) "
        r"(?:more |else |further )?(?:i|we) (?:can|could) (?:do|add|say)|(?:i|we) can only (?:go by|repeat|tell you) what|"
        r"(?:same|just) (?:as|what) (?:my|our|the) (?:colleagues?|last (?:person|adviser|advisor|agent)) (?:said|told you)|"
        r"nothing (?:to add|new to tell you) (?:beyond|to) what)\b", re.I),
    # a promise with no what, who or when: "leave it with me, I'll see what I can do"
    "vague_promise": re.compile(
        r"\b(?:leave (?:it|that|this|everything) with (?:me|us)|(?:i'll|i will|let me|we'll|we will) see what (?:i|we) can do|"
        r"(?:i'll|i will|let me|we'll|we will)\b[^.?!]{0,40}\band see what (?:i|we) can (?:do|find|manage|sort)|"
        r"(?:i'll|we'll|i will|we will) (?:get|have) (?:it|this|that|everything) (?:all )?(?:sorted|sorted out|looked at|dealt with|"
        r"taken care of)|(?:we'll|we will|i'll|i will) (?:look into|sort|deal with|take care of) (?:it|this|that|everything)"
        r"(?: for you)?(?: (?:shortly|soon|asap))?\s*[.!]?$|(?:we'll|we will|i'll|i will) get (?:it|this|that|everything) "
        r"(?:sorted|fixed)|someone will be in touch|(?:they|someone|somebody)(?:'ll| will) (?:get back to you|be in touch|contact you))",
        re.I),
    # "this call may be recorded for training purposes"
    "disclaimer": re.compile(
        r"\b(?:(?:calls?|this call|conversations?) (?:is |are |may be |might be |will be |can be )?(?:being )?(?:recorded|monitored)|"
        r"for (?:training|quality|monitoring) (?:and (?:\w+ )?)?purposes)\b", re.I),
    # holding the line: "let me just pull that up", "bear with me": it waits, it does not help yet
    "holding": re.compile(
        r"^\W*(?:(?:ok(?:ay)?|right|lovely|great|sure|thanks|thank you|alright)[,.!]?\s+)*(?:(?:let me|i'll|i will|i'm going to|"
        r"i'm just going to) (?:just )?(?:pull|bring|call|look|have a look|check|find|get|load|open|search)(?: (?:at|into|up|through|over))?"
        r"(?: (?:that|it|you|this|(?:the|your|our) \w+(?: \w+)?))?(?: up| for you| on (?:my|the) (?:screen|system)| now)*|(?:bear|bare) with me|one (?:moment|second|sec)|just a (?:moment|second|sec)|"
        r"hold on|give me (?:a|one) (?:moment|second|sec))(?:\s*(?:a|one) (?:moment|second|sec))?(?: (?:please|for me))?\W*$", re.I),
}


# Putting it on someone else, or on the customer: "that's the shop's problem, not ours", "you should have read the
# terms", "if you'd sent readings this wouldn't have happened", "the charge is on you". Never understanding.
_BLAME_RX = re.compile(
    r"\byou (?:really |probably |honestly |just |simply )?(?:should|ought to|could|might)(?:'ve| have)(?! been\b)\s+"
    r"(?:\w+\s+){0,2}?(?:\w+ed|read|sent|kept|known|done|rung|rang|taken|gone|seen|told|made sure|thought)\b|"
    r"\bif you(?:'d| had)(?: (?:just|only|actually))? (?:\w+ed|read|sent|kept|done|used|rung|taken|known|been)\b"
    r"[^.?!]{0,60}\b(?:wouldn't|would not|won't|will not|would never|never would)\b|"
    r"\b(?:it's|that's|this is|it is|that is|the \w+ is|it was|that was)(?: really| all| actually| honestly| very much)? "
    r"(?:on|down to) you\b|"
    r"\b(?:it's|that's|it is|that is|it was|that was)(?: really| all| actually| honestly| very much)? (?:all )?(?:your|their|"
    r"the \w+'s|the \w+ \w+'s|the \w+s') (?:own )?(?:fault|problem|mess|issue|error|mistake|responsibility|lookout|doing)\b|"
    r"\b(?:it's|it is) (?:your|the customer's) (?:own )?(?:job|responsibility|duty)\b|"
    r"\byou (?:agreed to|signed up to|accepted|chose|picked|opted for)\b(?! (?:our|the) (?:offer|refund))|"
    r"\b(?:in|all in|it's in) the terms you\b|"
    r"\b(?:they|them|the \w+)(?:'re| are| were|'s| is)? (?:the ones?|to blame|at fault|responsible)(?: (?:who|that|here|for))?\b"
    r"(?!.*\b(?:we|i)(?:'ll| will| am| are|'m|'re)\b)|"
    r"\b(?:so |and )?(?:that's|it's|that is|it is) on (?:them|the \w+)\b|"
    r",?\s*(?:not|rather than) (?:ours|us|mine|me|our (?:fault|problem|mistake|issue|doing|end|side|responsibility))\s*[.!]?$|"
    r",?\s*(?:not|rather than) (?:ours|us|mine|our (?:fault|problem|mistake|issue|doing|end|side|responsibility))\b|"
    r"\bblame (?:the|them|it on)\b|"
    # "the cancellation didn't go through properly at your end": the fault put on their side
    # (not "it wasn't a problem at your end": that clears them)
    r"\b(?:didn't|did not|never|wasn't|was not|weren't|hasn't|haven't)\b(?![^.?!]{0,30}\b(?:problem|fault|issue|wrong|"
    r"mistake|error|anything you)\b)[^.?!]{0,50}\b(?:at|on|from) your (?:end|side)\b",
    re.I)
# Shrinking the customer's problem: "three weeks isn't that long", "it's only a small amount", "these things
# happen", "it's not the end of the world", "I wouldn't lose sleep over it". It irritates; it never calms.
_MINIMISE_RX = re.compile(
    r"(?<!there )(?<!there's )(?<!if it )(?<!if that )(?<!if this )\b(?:is(?:n't| not)|are(?:n't| not)|was(?:n't| not)|is hardly|"
    r"are hardly|'s hardly|'s not|'re not)"
    r"(?: (?:actually|really|exactly|all|even))* (?:that|very|so|too|such|particularly|terribly) (?:long|much|bad|big|serious|"
    r"unusual|uncommon|rare|expensive|a long time|a big deal|a lot)\b(?! (?:trouble|bother|hassle|of an? (?:ask|imposition))\b| to ask\b)|"
    r"(?<!there )(?<!there's )\b(?:is(?:n't| not)|are(?:n't| not)|is hardly|are hardly|'s hardly|'s not|'re not)"
    r"(?: (?:actually|really|exactly|all|even))* (?:a (?:big |huge |massive )?deal|the end of the world|a disaster|"
    r"a catastrophe|a fortune|(?:a |an )?(?:huge|big|massive|large|great|serious|enormous) (?:sum|amount|deal|problem|issue|"
    r"delay|wait|bill|charge)|much money|much of a (?:wait|delay|problem|deal)|unusual|uncommon|a long time)\b|"
    r"\b(?:it's|it is|that's|that is|they're|it was|only|just)(?: (?:only|just|really))? (?:a )?(?:few|couple of|small|little|"
    r"tiny|minor) (?:quid|pounds|days|hours|weeks|amount|sum|thing|issue|problem|delay|wait|inconvenience|bit|glitch|"
    r"hiccup|charge|payment)\b|"
    r"\b(?:it's|it is|that's|that is)(?: (?:only|just))+ (?:one|a single|a|£\s?\d[\d.,]*|\$\s?\d[\d.,]*|\d+)"
    r"(?: \w+)? (?:month|charge|payment|parcel|bill|day|week|quid|pounds|fee|days|weeks)\b|"
    r"\b(?:it's|that's|this is|it is|that is|which is|(?:\w+ )?(?:days?|weeks?|months?|hours?)(?: for (?:a|an|the|your) \w+(?: \w+)?)?"
    r" (?:is|are))(?: (?:actually|really|honestly))? (?:pretty |perfectly |quite |very |completely |totally |fairly )?"
    r"(?:normal|common|standard|usual|nothing unusual|nothing really|nothing|par for the course)\b"
    r"(?! (?:to|i|we|more|else|further|you(?:'ve)? (?:did|done|could|caused|had)))|"  # "that's nothing you did" clears them
    r"\b\w+ (?:is|are) (?:pretty|perfectly|quite|very|fairly|totally) (?:normal|common|standard|usual)\b|"
    r"\b(?:happens?|crops? up|comes? up|goes? on) (?:all the time|a lot|every day|quite often|loads|to everyone)\b|"
    r"\bwe (?:see|get|have) (?:this|it|that|these|loads of these) (?:all the time|a lot|every day)\b|\bno big deal\b|"
    r"\bnot the end of the world\b|\b(?:could|might) (?:always )?be (?:a lot |much |far )?worse\b|"
    r"\b(?:some|others?|other people|most people) (?:take|wait|have waited) (?:months|years|longer|much longer|ages)\b|"
    r"\b(?:wouldn't|would not|don't|do not|shouldn't|needn't) (?:lose (?:any )?sleep|worry too much|get too worked up|"
    r"make a big deal|make too much)\b|\bthese things happen\b|\bit happens\b|\b(?:stuff|things) like (?:this|that) happen\b", re.I)
HOLLOW["blame"] = _BLAME_RX
HOLLOW["minimise"] = _MINIMISE_RX

# A vague deferral: someone, some time, will do something ("the courier will get back to you when they get back
# to you", "someone will be in touch", "it'll be looked at in due course", "it's been passed on"). With no owner,
# no time and no action of the agent's own it is not an offer, and it answers nothing.
_DEFER = re.compile(
    r"\b(?:(?:someone|somebody|some ?one|they|the \w+(?: \w+)?|our \w+(?: \w+)?|a colleague|one of (?:my|our|the) \w+|"
    r"billing|claims|support|it|you)(?: (?:from|at|in|on) (?:the |our )?\w+(?: \w+)?)?"
    r"(?:'ll| will| should| would| ought to| is going to| are going to| shall| might| may| can)(?: (?:then|probably|hopefully|"
    r"definitely|eventually|soon|also))?\s+(?:get back to you|be (?:in )?(?:touch|contact)(?: with you)?|contact you|"
    r"reach out|get in touch|call you(?: back)?|ring you(?: back)?|come back to you|respond|reply|follow (?:it |this |that )?up|"
    r"look (?:at|into) (?:it|this|that|things)|pick (?:it|this|that) up|deal with (?:it|this|that)|review (?:it|this|that)|"
    r"hear (?:something|back|from (?:them|someone|somebody|us|the \w+))|get (?:a|an) (?:call|response|reply|update|answer)|"
    r"be (?:looked at|looked into|dealt with|picked up|reviewed|followed up|actioned|progressed|processed|handled|sorted)|"
    r"get (?:looked at|looked into|dealt with|picked up|reviewed|sorted|actioned)))\b|"
    r"\b(?:it's|it has|it is|that's|that has|this has|your \w+ (?:has|is))(?: now| already)? (?:been )?(?:passed on|passed along|"
    r"passed over|logged|noted|forwarded|escalated|flagged|with the (?:\w+ )?(?:team|department|people)|in the (?:system|queue))\b|"
    r"\bi(?:'ll| will|'ve| have)(?: just| now| also)? (?:pass(?:ed)? (?:it|this|that) (?:on|along)|pass(?:ed)? (?:it|this|that) "
    r"over|put (?:a|another) note on|make a note|made a note|log(?:ged)? (?:it|this|that)|forward(?:ed)? (?:it|this|that)|"
    r"flag(?:ged)? (?:it|this|that)|chase(?:d)? (?:it|this|that) up)\b|"
    r"\b(?:in due (?:course|time)|at some point|sooner or later|eventually|when they (?:can|get (?:a chance|round to it|"
    r"back to you))|once they(?:'ve| have) had a (?:chance|look))\b", re.I)
# A deferral's own time words ("in due course") are no time at all.
_DEFER_TIME = re.compile(r"\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                         r"\d{1,2}(?::\d{2})?\s*(?:am|pm)|within|by \w+|hours?|minutes?|this (?:morning|afternoon|evening|week))\b",
                         re.I)


def vague_deferral(sentence: str) -> bool:
    """Whether a sentence only defers: someone, some time, will get back to them, with no named owner, no time
    and no reference ("My colleague Omar will call you at 2pm" is a commitment, not a deferral)."""
    s = sentence.strip()
    if not s or s.endswith("?") or not _DEFER.search(s):
        return False
    if _DEFER_TIME.search(s) or _REF.search(s) or _OWNER.search(s):
        return False
    if any(m.group("name") not in _NOT_NAMES for m in _NAMED_OTHER.finditer(s)):
        return False
    return True


def vague_deferrals(text: str) -> list[str]:
    """The sentences of a turn that only defer (see vague_deferral)."""
    return [x for x in sentences(text or "") if vague_deferral(x)]


# "Did you try asking the neighbours?", "Have you spoken to the shop?": a question about what the customer did
# sends them nowhere (it may imply blame; it is answered from their story).
_ASKS_WHAT_THEY_DID = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|right|just|sorry|also|um|er),?\s+)*"
                                 r"(?:did|have|had|were|was|has) (?:you|anyone|anybody|someone|somebody)\b", re.I)


_DEFLECT_THEM = re.compile(
    r"\b(?:you(?:'ll| will)? (?:need|have|want|ought) to|you(?:'d| would) (?:need|have|want) to|you (?:could|should|can|"
    r"might want to|may want to|need to|have to|must)|(?:it's |it is )?best to|just)\s+(?:try\s+|maybe\s+|just\s+)?"
    r"(?:giv(?:e|ing) them a (?:call|ring|bell)|ring(?:ing)? them|call(?:ing)? them|phon(?:e|ing) them|contact(?:ing)? them|"
    r"chas(?:e|ing) them|speak(?:ing)? to them|talk(?:ing)? to them|get(?:ting)? in touch with them|ask(?:ing)? them|"
    r"go(?:ing)? back to them|pop(?:ping)? (?:in|round) to them)\b", re.I)
_THIRD_PARTY_NAMED = re.compile(r"\b(?:surgery|doctor'?s?|gp|practice|shop|bookshop|store|retailer|merchant|seller|airline|"
                                r"courier|carrier|landlord|supplier|manufacturer|insurer|post office|driver|depot|"
                                r"neighbours?|other (?:team|department))\b", re.I)


def hollow_kinds(text: str, commitments: Sequence[Commitment] = ()) -> tuple[str, ...]:
    """The hollow moves a turn makes (see HOLLOW). A vague promise is hollow only when the turn names no time,
    owner or reference; "I'll look into it and ring you at 4" is a real one. A vague deferral ("someone will be
    in touch") is a vague promise. A question about what the customer did deflects and blames nothing."""
    out = []
    sents = sentences(text)
    for kind, rx in HOLLOW.items():
        if kind in ("deflect", "blame"):
            hit = any(rx.search(x) for x in sents if not (x.rstrip().endswith("?") and _ASKS_WHAT_THEY_DID.match(x)))
            # "It's not come through from the doctor's. You could try giving them a call.": "them" is the third party
            hit = hit or (kind == "deflect" and bool(_THIRD_PARTY_NAMED.search(text)) and any(
                _DEFLECT_THEM.search(x) for x in sents if not x.rstrip().endswith("?")))
            if not hit:
                continue
        elif kind == "vague_promise" and not rx.search(text) and any(vague_deferral(x) for x in sents):
            pass
        elif not rx.search(text) and not (kind == "holding" and all(rx.search(x) for x in sents if x.strip())
                                          and sents):
            continue
        if kind == "vague_promise" and any(c.time or (c.owner and c.acts) or c.reference for c in commitments):
            continue
        out.append(kind)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------
# Greetings, ID requests, acknowledgements, jargon

SCRIPTED_GREETING = re.compile(
    r"\b(?:how (?:can|may|might) i (?:help|assist)(?: you)?(?: today)?|what can i (?:do|help you with)(?: for you)?(?: today)?|"
    r"thank you for (?:calling|contacting|choosing|holding)|thanks for (?:calling|contacting|holding)|"
    r"welcome to\b|(?:hello|hi|hey|good (?:morning|afternoon|evening)),? (?:and )?welcome\b|"
    r"thanks for (?:getting in touch|reaching out|your call)|thank you for (?:getting in touch|reaching out|your call)|"
    r"who am i (?:speaking|talking) (?:to|with)|you(?:'re| are) (?:through|speaking) to|how are you (?:today|doing)|"
    r"what seems to be the (?:problem|issue)|what(?:'s| is) the (?:problem|issue) today|"
    r"(?:what(?:'s| is) )?the reason for (?:your|the|today's) call|what (?:are|were) you calling (?:about|for|regarding)|"
    r"what (?:is it )?(?:you're|you are) calling (?:about|for|regarding)|what brings you (?:to us|in|here)|"
    r"what can (?:i|we) do for you|how can we (?:help|assist))\b", re.I)
ID_REQUEST = re.compile(
    r"\b(?:can|could|may) i (?:have|get|take|grab|confirm|ask for|just get)(?: your| the)? (?:full )?(?:name|account|"
    r"date of birth|dob|postcode|post code|zip|address|phone number|email|customer (?:number|id)|membership|"
    r"policy number|reference|order number|booking reference|security)|"
    r"\b(?:please )?(?:confirm|provide|give me) (?:your|the) (?:full )?(?:name|account|date of birth|postcode|address|"
    r"security|customer|policy number|order number|booking|details)|\bfor (?:security|data protection|verification)(?: purposes)?\b|"
    r"\bbefore (?:i|we) (?:can |go any further|start|proceed).{0,40}\b(?:verify|confirm|security|details)\b|"
    r"\bwhat(?:'s| is) (?:your|the) (?:account|customer|policy|membership) (?:number|id)\b", re.I)
EMPTY_ACK = re.compile(r"^\s*(?:ok(?:ay)?|right|sure|fine|thanks?|thank you|cheers|got it|alright|all right|i see|"
                       r"understood|noted|mm+|hmm+|uh[- ]huh|yes|yeah|yep|no problem|great|perfect|cool)"
                       r"(?:,? (?:thanks|thank you|then|sure|great))*\s*[.!]*\s*$", re.I)

# Acronyms a customer uses too; anything else in capitals is internal shorthand to them.
_COMMON_ACRONYMS = {"ok", "i", "tv", "uk", "us", "usa", "eu", "pm", "am", "id", "pin", "sms", "atm", "dvd", "pdf", "gp",
                    "nhs", "mot", "vat", "bbc", "asap", "faq", "wifi", "gb", "mb", "url", "uk's", "it", "a", "nb", "ps",
                    "ceo", "hr", "pc", "cv", "dob", "im", "ill", "iv", "ii", "iii", "ok's", "www", "covid"}
_UNITS = re.compile(r"\b\d+(?:\.\d+)?\s*(?:kwh|kw|mbps|gbps|kbps|mhz|ghz|db|dbm|ms|kva|mw|mah|psi|ppm)\b", re.I)
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_TECH_SUFFIX = re.compile(r"(?:isation|ization|ication|ability|ational|ologies|ology|ometric|ivity|ments)$")


_STORY_TOKENS: dict[int, tuple[object, frozenset[str]]] = {}


def _story_tokens(scenario) -> frozenset[str]:
    """Every word of the customer's own story (situation, backstory, opening, facts, what they know), cached."""
    hit = _STORY_TOKENS.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    text = " ".join([scenario.situation, scenario.customer.backstory, scenario.opening_line]
                    + [f.text for f in scenario.facts] + [k.say for k in (getattr(scenario, "knows", None) or [])])
    out = frozenset(tokens(text))
    if len(_STORY_TOKENS) > 256:
        _STORY_TOKENS.clear()
    _STORY_TOKENS[id(scenario)] = (scenario, out)
    return out


def jargon_terms(text: str, context: Sequence = (), scenario: Scenario | None = None) -> list[str]:
    """Terms this customer is unlikely to follow: the jargon list, internal acronyms, units, and long
    technical words they never used themselves. In the order they appear, each once."""
    said = {t for turn in context for r, x in [role_text(turn)] if r == "customer" for t in _text_tokens(x)}
    if scenario is not None:
        said |= _story_tokens(scenario)  # their own story's words ("QL 482", "pharmacology") are theirs, not jargon
    found: list[tuple[int, str]] = []
    for m in rules.JARGON.finditer(text):
        found.append((m.start(), m.group()))
    for m in _UNITS.finditer(text):
        found.append((m.start(), m.group()))
    for m in _ACRONYM.finditer(text):
        w = m.group()
        if re.match(r"[- ]?\d", text[m.end():m.end() + 2]) or re.search(r"\d-?$", text[max(0, m.start() - 2):m.start()]):
            continue  # part of a reference or a flight number ("LP-40912", "QL482"), read out, not jargon
        if w.lower() not in _COMMON_ACRONYMS and w.lower() not in said and not (w == "I" or len(set(w)) == 1):
            found.append((m.start(), w))
    for m in _INTERNAL_WORDS.finditer(text):
        if m.group().lower() not in said:
            found.append((m.start(), m.group()))
    for m in re.finditer(r"[A-Za-z]{12,}", text):
        w = m.group().lower()
        if w not in said and _TECH_SUFFIX.search(w) and w not in _PLAIN_LONG:
            found.append((m.start(), m.group()))
    out: list[str] = []
    for _, term in sorted(found):
        if not any(term.lower() in o.lower() or o.lower() in term.lower() for o in out):
            out.append(term)
    return out


# The trade's own words, not a customer's: billing, payments, logistics, pharmacy and support back-office terms.
_INTERNAL_WORDS = re.compile(
    r"\b(?:churn(?:ed|ing)?|pro-?rat(?:ion|ed|ing|a)|retroactive(?:ly)?|reconciliation|reconcile[ds]?|acquirer|"
    r"mandates?|propagat(?:e|ed|ing|ion)|worklists?|work queues?|tokens?|consignments?|geo-?tag(?:ged)?|last[- ]mile|"
    r"reshipment|soft[- ]cancel(?:led)?|recurring mandate|tier (?:one|two|three|1|2|3)|back[- ]office|"
    r"provisioning|dispatchable|fulfil(?:l)?ment (?:centre|center|team|queue)|exceptions? team|remit|"
    r"proof[- ]of[- ]delivery|end[- ]of[- ]day|batch(?:ed)? (?:run|file|process)|ledger|escalation|ticketed|"
    r"merchant (?:id|category)|interchange|clearing|(?:has|have|hasn't|haven't|has not|not yet|not|once it's|once it has) settled|"
    r"settled (?:transaction|payment|funds|balance)s?|spine|formulary|dispensing (?:system|queue)|"
    r"e-?script|nomination|lodged|adjudicat(?:e|ed|ion)|subrogation|excess (?:waiver|layer)|"
    r"meter (?:exchange|profile)|read cycle|estimated read)\b", re.I)
# Long words anybody uses: not jargon.
_PLAIN_LONG = {"unfortunately", "communication", "responsibility", "understandably", "disappointment",
               "organisation", "organization", "recommendation", "confirmation", "information", "compensation",
               "accommodation", "availability", "cancellation", "consideration", "inconvenience", "investigation",
               "appointments", "arrangements", "requirements", "improvements", "reimbursement", "replacements",
               "circumstances", "apologisation", "documentation", "notification", "registration", "prescription",
               "prescriptions", "unacceptable", "appreciation", "conversation", "explanation", "independently",
               "possibility", "reliability", "immediately", "application", "applications", "identification",
               "verification", "authorisation", "authorization"}
# (authorisation on its own is common; "pre-authorisation hold" is caught by the jargon list)
LECTURE_CHARS = 600  # a turn this long reads as a lecture to someone on the phone


# ---------------------------------------------------------------------------------------------------------
# Questions the trainee asks, matched to what the customer knows

_ASKING_START = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|right|also|oh|um|er|sorry|then),?\s+)*"
    r"(?:can|could|would|will|do|does|did|is|are|was|were|have|has|had|what|whats|when|whens|where|wheres|which|who|whos|"
    r"why|how|hows|tell me|any idea|any|anything)\b", re.I)
# "So what I'll do is book an engineer": not a question, though it opens like one
_PSEUDO_CLEFT = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:what|how|when|where)\s+(?:i|we)(?:'ll|'m| will| am| can| could| would|'d)?"
                           r"\s+(?:going to |gonna |do|suggest|recommend|can|will|need)", re.I)
# "The little display in your kitchen, when did that stop working": the question after the comma
_TRAILING_ASK = re.compile(r",\s*(?:and\s+|so\s+)?(?:when|what|where|which|who|why|how|is|was|are|were|did|does|do|has|have)\b"
                           r"(?:\s+\w+){1,8}\s*$|"
                           # typed and unpunctuated, the question in the middle: "the reading, what was the reading you
                           # took, the meter reading"
                           r"(?:^|,)\s*(?:and\s+|so\s+)?(?:what|when|where|which|who|how)\s+(?:was|is|were|are|did|do|does|"
                           r"have|has|had|time|day|date|much|many|long)\b[^.!?]{2,60}(?:,|$)", re.I)
# "And the postcode for billing": a follow-up asking for the next detail
_FOLLOW_UP = re.compile(r"^\s*(?:and|also|plus|oh and)\s+(?:the|your)\b[^.!]{0,48}$|"
                        r"^\s*(?:and|also|plus|oh and)\s+(?:the|your)\b[^.!]{0,40}\bif you(?:'ve| have)? (?:got|have) (?:it|them|that|one)\b"
                        r"[^.!]{0,20}$", re.I)
# "The pipe went on the 4th, is that right", "You cancelled on the second, did you": a statement checked with a tag
_TAG_CHECK = re.compile(r",\s*(?:is that (?:right|correct)|(?:is|was|are|were|did|does|do|have|has|had|would|could|can)(?:n't)? "
                        r"(?:it|that|you|they|he|she|we|i|there)|right|correct|yeah|yes|no|am i right|have i got that right|"
                        r"is that it|(?:is|was|are|were) (?:it|that|they) \w+ or \w+)\s*[?.!]*\s*$|"
                        r"\s(?:(?:is )?that right|that correct|(?:have i|did i) got that right|am i right|(?:tho|though|yeah) right)"
                        r"\s*[?.!]*\s*$", re.I)


# A negative tag at the end is a check even with no comma or question mark: "it's the blue one isn't it".
_BARE_TAG = re.compile(r"\b\w+\s+(?:is|was|are|were|did|does|do|have|has|had|would|could|can|wo)n't "
                       r"(?:it|that|you|they|he|she|we|i|there)\s*[?.!]*\s*$", re.I)


# "so it's been off since Thursday then": a check on what the customer said, asked as a statement.
_SO_THEN = re.compile(r"^\W*so,?\s+(?:it|it's|you|you've|you're|your|the|that|that's|they|they're|there|he|she|this)\b"
                      r"[^.!?]{3,80}?\bthen\s*$", re.I)


def question_sentences(text: str) -> list[str]:
    """The sentences of a turn that ask the customer something (not the check for more)."""
    return list(_question_sentences(text))


@lru_cache(maxsize=4096)
def _question_sentences(text: str) -> tuple[str, ...]:
    # cached: every later trainee turn asks whether an earlier one asked something
    out = []
    for s in sentences(restore_apostrophes(text)):  # typed "isnt it", "whats": read as said
        if (s.rstrip().endswith("?") or _TAG_CHECK.search(s) or _BARE_TAG.search(s) or _SO_THEN.match(s) or _FOLLOW_UP.match(s) and len(s.split()) <= 12
                or _TRAILING_ASK.search(s)
                or _ASKING_START.match(s) and (rules.QUESTION.search(s) or not re.search(r"[.!]\s*$", s))
                and not _PSEUDO_CLEFT.search(s)) \
                and not rules.CHECK_MORE.search(s):
            if not (s.rstrip().endswith("?") or _TAG_CHECK.search(s)) and _BARE_TAG.search(s) \
                    and not _tag_has_subject(s, _BARE_TAG.search(s)) and not (
                    _SO_THEN.match(s) or _FOLLOW_UP.match(s) or _TRAILING_ASK.search(s) or _ASKING_START.match(s)):
                continue  # "...your tablets aren't there.": the verb of a statement, not a tag on one
            out.append(s.strip())
    return tuple(out)


def _tag_has_subject(sentence: str, tag: re.Match) -> bool:
    """Whether a bare "...aren't there" tag has the clause it checks before it ("there are two left aren't there"),
    rather than being the statement's own verb and place ("your tablets aren't there", "it wasn't there")."""
    if tag.group(0).split()[-1].strip("?.!").lower() != "there":
        return True
    return bool(re.search(r"\bthere(?:'s|'re| is| are| was| were| has| have| had)\b", sentence[:tag.start()], re.I))


# A request for a detail that is not phrased as a question: "Tell me your booking reference.", "I'll need your
# date of birth.", "I need to know which day you noticed it." The customer answers it like a question.
_REQUEST = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|right|so|and|now|then|great|thanks|sorry),?\s+)*(?:please\s+)?(?:"
    r"(?:tell|give|read|remind|send)\s+(?:me|us)\b(?!\s+(?:more\b|a (?:minute|moment|second|sec)\b))|"
    r"(?:confirm|spell)\s+(?:your|the|that|it)\b|"
    r"i(?:'ll|'d| will| would)?(?:\s+(?:just|also|quickly|first|now))*\s+(?:need|like|want)\s+(?:to (?:know|check|take|have|get|confirm)|your|the)\b|"
    r"i(?:'ll|'d| will| would)?(?:\s+(?:just|also|quickly|first|now))*\s+(?:need|like|want)\s+an?\s+(?:\w+\s+){0,2}?"
    r"(?:number|reference|ref|name|address|postcode|date|email|time|day|details|contact|phone|mobile)\b|"
    r"i(?:'m| am)\s+(?:going to need|after|looking for)\s+(?:your|the)\b|"
    r"i(?:'ll| will)?(?:\s+(?:just|also|quickly|first|now))*\s+(?:grab|take|jot down|note down|have|get)\s+(?:your|the|that)\s+"
    r"(?:\w+\s+){0,3}?(?:number|reference|ref|digits|name|address|postcode|date of birth|email|details|code)\b)", re.I)


def request_sentences(text: str) -> list[str]:
    """Sentences of a trainee turn that ask the customer for a detail without a question mark."""
    return [s.strip() for s in sentences(text or "") if _REQUEST.search(s) and not s.rstrip().endswith("?")]


# ---------------------------------------------------------------------------------------------------------
# Answering the customer

_GIVES_TIME = TIME
_GIVES_AMOUNT = re.compile(r"[£$€]\s?\d|\b\d+(?:\.\d+)?\s*(?:pounds|dollars|euros|p)\b|\b(?:full|whole|entire) (?:amount|refund)\b", re.I)
_YES_NO_ANSWER = re.compile(r"^\s*(?:yes|no|yeah|nope|absolutely|definitely|of course|certainly|honestly|unfortunately|"
                            r"i can(?:'t|not)?|i will|i won't|we can(?:'t|not)?|we will|we won't|it will|it won't|you will|"
                            r"you won't|that's right|correct|not yet|i(?:'m| am) afraid)\b|\b(?:i can(?:'t|not)? (?:promise|guarantee)|"
                            r"i(?:'m| am) not (?:able|sure)|i don't know yet|i can't say for (?:certain|sure))\b", re.I)
_HONEST_UNKNOWN = re.compile(r"\b(?:i don't know yet|i(?:'m| am) not sure yet|i(?:'ll| will) (?:find out|check|confirm|come back)|"
                             r"i can(?:'t|not) (?:promise|guarantee|say)|let me (?:find out|check))\b", re.I)
_REASON = re.compile(r"\b(?:because|the reason|that's why|due to|caused by|it (?:happened|was) (?:because|when)|since)\b", re.I)


def answers_ask(ask: Ask, text: str, moves: Sequence[str], commitments: Sequence[Commitment],
                offers: Sequence[Offer]) -> bool:
    """Whether a trainee turn answers the customer's question or demand (honest 'I don't know yet, I'll
    find out by 3pm' counts; a question back or a script does not)."""
    body = " ".join(s for s in sentences(text) if not s.rstrip().endswith("?"))
    if not body.strip():
        return False
    acts = bool(commitments or offers or "next_step" in moves)
    k = ask.kind
    if k == "when":
        return bool(_GIVES_TIME.search(body)) or bool(_HONEST_UNKNOWN.search(body))
    if k == "who":
        return any(c.owner for c in commitments) or bool(_OWNER.search(body)) or any(
            m.group("name") not in _NOT_NAMES for m in _NAME.finditer(body))
    if k == "reference":
        return any(c.reference for c in commitments) or bool(re.search(r"\d{3,}", body))
    if k == "amount":
        return bool(_GIVES_AMOUNT.search(body) or re.search(r"\d", body))
    if k == "action":
        return acts
    if k == "why":
        return bool(_REASON.search(body)) or acts and bool(_HONEST_UNKNOWN.search(body))
    if k == "yes_no":
        # "Is my claim still open?" - "Your claim is definitely still open.": said back as a statement
        return bool(_YES_NO_ANSWER.search(body)) or acts or _shares(ask.text, body, 2)
    # info / where / which: says something about what was asked, or does something about it
    return (_shares(ask.text, body, 1) and len(content_words(tokens(body))) >= 2) or acts \
        or bool(_HONEST_UNKNOWN.search(body))


def _shares(a: str, b: str, n: int) -> bool:
    ka = set(keys(" ".join(content_words(tokens(a))))) - _GENERIC_CONTENT
    kb = set(keys(" ".join(content_words(tokens(b)))))
    return len(ka & kb) >= n


def customer_explained(context: Sequence) -> bool:
    """Whether the customer has already said what the problem is (a substantive turn of their own)."""
    for turn in context:
        role, text = role_text(turn)
        if role == "customer" and len(content_words(tokens(text))) >= 6:
            return True
    return False


def trainee_engaged_before(context: Sequence, scenario: Scenario | None = None) -> bool:
    """Whether an earlier trainee turn already took up the customer's problem (their words, a reflection...)."""
    situation = customer_keys(context, scenario)
    for i, turn in enumerate(context):
        role, text = role_text(turn)
        if role != "trainee":
            continue
        mine = _text_keys(text) - _GENERIC_CONTENT
        if mine & situation or _reflects(text):
            return True
    return False


@lru_cache(maxsize=4096)
def _reflects(text: str) -> bool:
    return bool(rules.REFLECTION.search(text) or rules.PARAPHRASE_CUE.search(text))


# ---------------------------------------------------------------------------------------------------------
# The reading


@dataclass(frozen=True)
class TurnReading:
    """What one trainee turn does for the customer. Built by read_turn(); read by the Director and the scorer."""
    text: str
    moves: tuple[str, ...]
    ask: Ask | None                       # the customer's question/demand this turn replies to
    answered: bool | None                 # None when there was no question or demand
    commitments: tuple[Commitment, ...]
    offers: tuple[Offer, ...]             # what it offers or promises, each checked against the policy
    empathy: str                          # EMPATHY_KINDS
    empathy_quote: str | None
    questions: tuple[str, ...]            # the sentences that ask the customer something
    greeting: bool                        # a scripted greeting
    greeting_after_explained: bool        # ... after the customer had already explained
    id_request: bool                      # asks for ID/account details
    id_first: bool                        # ... before anyone took up the problem
    empty_ack: bool                       # "OK.", "Thanks.": nothing but an acknowledgement
    jargon: tuple[str, ...]               # terms the customer is unlikely to follow
    lecture: bool                         # a wall of text to someone on the phone
    premature_solution: bool              # a fix offered before any question or reflection about the problem
    acted: bool                           # does something: a commitment, an offer, a next step
    extra: dict = field(default_factory=dict)
    hollow_moves: tuple[str, ...] = ()    # HOLLOW kinds: deflect, brush_off, stonewall, vague_promise, disclaimer, holding

    @property
    def forbidden(self) -> list[Offer]:
        return [o for o in self.offers if o.allowed is False]

    @property
    def hollow(self) -> bool:
        """Empathy that is only a script and nothing done alongside it."""
        return self.empathy in ("generic", "non_apology") and not self.acted and not self.answered


def read_turn(text: str, context: Sequence = (), scenario: Scenario | None = None,
              moves: Sequence[str] | None = None) -> TurnReading:
    """Read one trainee turn. `context`: the turns before it, oldest first (Turn objects or role/text dicts).
    `moves`: when already known (saved with the turn), used instead of detecting them again."""
    text = plain_quotes(text or "")
    ctx = list(context)
    mv = tuple(moves) if moves is not None else tuple(detect_moves(text, ctx, scenario))
    qs = tuple(question_sentences(text))
    if "off_topic" in mv and scenario is not None and any(match_question(q, scenario) for q in qs):
        mv = tuple(m for m in mv if m != "off_topic")  # asking about their own story is on topic
    ask = latest_customer_ask(ctx)
    # "You've got your booking reference there.": what the customer already holds is neither offered nor promised
    commitments = tuple(c for c in find_commitments(text) if not _needs.holds_their_own(c.text))
    offers = tuple(o for o in find_offers(text, scenario) if not _needs.holds_their_own(o.text))
    # "Trust me, I know exactly what that's like": an assurance beside empathy offers nothing
    offers = tuple(o for o in offers if not ((GENERIC_EMPATHY.search(o.text) or _FEELING_SAID.search(o.text))
                                             and not (_COMMIT.search(o.text) or rules.NEXT_STEP.search(o.text)
                                                      or any(_needs._acts(c) for c in re.split(r",\s*|;\s*", o.text)))))
    deferred = vague_deferrals(text)
    if deferred:
        # "Someone will get back to you": no offer, no next step, unless another sentence of the turn acts
        offers = tuple(o for o in offers if not any(o.text.strip() in d or d in o.text for d in deferred))
        rest = [x for x in sentences(text) if x not in deferred]
        if "next_step" in mv and not commitments and not offers and not any(
                _COMMIT.search(x) or rules.NEXT_STEP.search(x) or _needs.acts(x) for x in rest):
            mv = tuple(m for m in mv if m != "next_step")
    acted = bool(commitments or offers or "next_step" in mv)
    answered = answers_ask(ask, text, mv, commitments, offers) if ask is not None else None
    emp, emp_q = empathy_kind(text, mv, ctx, scenario)
    explained = customer_explained(ctx)
    engaged = trainee_engaged_before(ctx, scenario)
    # "Thank you for your call, have a lovely day!" says goodbye: a farewell, graded as closing, not a greeting.
    greeting = bool(SCRIPTED_GREETING.search(text)) and "farewell" not in mv
    id_req = bool(ID_REQUEST.search(text))
    substantive = set(mv) & {"paraphrase", "reflection", "next_step", "summary"} or emp == "specific" or acted
    asked_before = any(role_text(t)[0] == "trainee" and question_sentences(role_text(t)[1]) for t in ctx)
    # A fix offered before anything was asked or reflected: the problem is not understood yet.
    premature = acted and not (engaged or asked_before or qs) and emp != "specific" \
        and not (set(mv) & {"question", "paraphrase", "reflection", "summary"})
    return TurnReading(
        text=text, moves=mv, ask=ask, answered=answered, commitments=commitments, offers=offers,
        empathy=emp, empathy_quote=emp_q, questions=qs,
        greeting=greeting, greeting_after_explained=greeting and explained and not substantive,
        id_request=id_req, id_first=id_req and explained and not engaged and not substantive,
        empty_ack=bool(EMPTY_ACK.match(text)), jargon=tuple(jargon_terms(text, ctx, scenario)),
        lecture=len(text) >= LECTURE_CHARS, premature_solution=premature,
        acted=acted, hollow_moves=hollow_kinds(text, commitments))


__all__ = ["HOLLOW", "hollow_kinds", "request_sentences", "ASK_KINDS", "Ask", "Commitment", "EMPATHY_KINDS", "Match", "Offer", "TurnReading", "answers_ask",
           "ask_kind", "customer_ask", "empathy_kind", "find_commitments", "jargon_terms", "match_question",
           "question_kinds", "question_sentences", "read_turn"]


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
