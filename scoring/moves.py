"""Turn-level move detection: what a trainee turn does, given the conversation before it.

Used by the scoring engine and, on every trainee turn, by the practice Director,
so it must stay fast (pure Python regexes plus a small linear model) and stable.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from core.transcript import customer_context, role_text as _role_text
from scoring import rules
from scoring.evidence import SENTENCE
from scoring.features import features_for
from scoring.model import get_model
from scoring.text import FEELINGS as _BASE_FEELINGS, content_words, stem, tokens

if TYPE_CHECKING:  # imported for type hints only: keep import time small
    from core.transcript import Turn
    from core.scenario import Scenario

MOVES: tuple[str, ...] = (
    "question", "paraphrase", "reflection", "affirmation", "apology", "acknowledgement",
    "dismissive", "blame", "jargon", "off_topic", "next_step", "summary", "check_more", "farewell",
)
_ORDER = {m: i for i, m in enumerate(MOVES)}
_ENDS_WITH_OR = re.compile(r"\bor\W*$", re.IGNORECASE)
# A transcriber's note ("[laughs]", "[unintelligible 00:02:58]"), not markdown someone typed ("[a link](…)", ":red[x]").
_NOT_SAID = re.compile(r"(?<![\w!:\]])\[[^\[\]()]{0,60}\](?!\()")

ContextTurn = Any  # core.transcript.Turn or {"role": ..., "text": ...}

# Feeling words for reading reflections: the shared list plus states a listener names back ("ignored",
# "uncomfortable", "worthless"). Kept here: the shared list also drives the customer's mood.
FEELINGS = _BASE_FEELINGS | frozenset("""
uncomfortable uneasy ignored abandoned unwanted unloved unappreciated unheard invisible worthless useless insecure
awkward drained isolated trapped stuck torn conflicted discouraged demoralised demoralized hurting shocked shaken
powerless resentful bitter humiliated embarrassing humiliating defeated rejected neglected overlooked dismissed
disrespected misunderstood unsupported panicky terrified petrified dreading dread grief grieving heartbreaking
""".split())


def _stems(words: list[str]) -> set[str]:
    return {stem(w) for w in words}


def _ngrams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def is_parroting(text: str, context: Sequence[ContextTurn]) -> bool:
    """True when the turn mostly repeats the customer's own words back verbatim."""
    toks = tokens(text)
    if len(toks) < 4:
        return False
    cust = [t for c in customer_context(context, last=3) for t in tokens(c)]
    if not cust:
        return False
    grams = _ngrams(cust, 4)
    covered = set()
    for i in range(len(toks) - 3):
        if tuple(toks[i:i + 4]) in grams:
            covered.update(range(i, i + 4))
    return len(covered) / len(toks) >= 0.6


def paraphrase_overlap(text: str, context: Sequence[ContextTurn]) -> tuple[int, float]:
    """(shared content stems, share of the customer's content stems restated) against recent customer turns."""
    mine = _text_stems(text)
    cust: set[str] | frozenset[str] = frozenset()
    for c in customer_context(context):
        cust = cust | _text_stems(c)
    if not mine or not cust:
        return 0, 0.0
    shared = mine & cust
    return len(shared), len(shared) / len(cust)


def _loose_keys(words: list[str]) -> set[str]:
    """Stems plus 5-letter prefixes, possessives dropped: 'friend's'~'friends', 'depressed'~'depression'."""
    out: set[str] = set()
    for w in words:
        w = w[:-2] if w.endswith("'s") else w
        out.add(stem(w))
        if len(w) >= 6:
            out.add(w[:5] + "~")
    return out


def _shares_customer_content(text: str, context: Sequence[ContextTurn]) -> bool:
    """Whether the turn shares a content word (loosely matched) with anything the customer has said so far."""
    mine = _loose_keys(content_words(tokens(text)))
    if not mine:
        return False
    for turn in context:
        role, said = _role_text(turn)
        if role == "customer" and not mine.isdisjoint(_text_loose_keys(said)):
            return True
    return False


_LOOSE_CACHE: dict[str, frozenset[str]] = {}


def _text_loose_keys(text: str) -> frozenset[str]:
    """_loose_keys of a text's content words, kept per text (every later turn reads the customer's turns again)."""
    got = _LOOSE_CACHE.get(text)
    if got is None:
        if len(_LOOSE_CACHE) >= 4096:
            _LOOSE_CACHE.clear()
        got = _LOOSE_CACHE[text] = frozenset(_loose_keys(content_words(tokens(text))))
    return got


def _restated_points(text: str, context: Sequence[ContextTurn]) -> int:
    """How many of the customer's content words, from anything they said so far, the turn restates."""
    cust: set[str] = set()
    for turn in context:
        role, said = _role_text(turn)
        if role == "customer":
            cust |= _text_stems(said)
    return len(_text_stems(text) & cust)


def _topic_words(scenario: Scenario | None) -> set[str]:
    if scenario is None:
        return set()
    # worked out once per keyword list, not once per turn: keyed by the keywords themselves, so an edited
    # scenario is read afresh
    return set(_topic_words_of(tuple(scenario.topic_keywords), tuple(tuple(n.keywords) for n in scenario.needs)))


@lru_cache(maxsize=256)
def _topic_words_of(topic_keywords: tuple[str, ...], need_keywords: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    words: set[str] = set()
    for kw in topic_keywords:
        words.update(_stems(content_words(tokens(kw))) or {stem(kw.lower())})
    for keywords in need_keywords:
        for kw in keywords:
            words.update(_stems(content_words(tokens(kw))))
    return frozenset(words)


def _off_topic(text: str, toks: list[str], context: Sequence[ContextTurn], scenario: Scenario | None,
               found: set[str]) -> bool:
    mine = _content_stems(text, toks)
    if not mine:
        return False
    cue = rules.OFF_TOPIC_CUE.search(text) and not (found & {"next_step", "apology", "reflection", "paraphrase"})
    if not cue and (len(mine) < 4 or found & _OFF_TOPIC_SERVICE or (scenario is None and not context)):
        return False  # decided without the topic words (the same answer, much cheaper)
    related = set(_topic_words(scenario))
    for turn in context[-6:]:
        said = _role_text(turn)[1]
        related |= _content_stems(said, tokens(said))
    on_topic = bool(mine & related)
    if cue:
        return not on_topic or len(mine - related) >= 2
    # Without any shared word and without a service move, a long-ish turn has wandered off; a suggestion
    # said as a question ("Would a weekly call help?") is about their problem, whatever words it uses.
    return not on_topic and not _suggests(text) and not _DETAILS_ASKED.search(text)


_OFF_TOPIC_SERVICE = frozenset(("apology", "reflection", "affirmation", "next_step", "summary", "check_more", "farewell",
                                "acknowledgement", "dismissive", "blame", "paraphrase", "jargon"))
_STEMS_CACHE: dict[str, frozenset[str]] = {}


def _text_stems(text: str) -> frozenset[str]:
    return _content_stems(text, tokens(text))


def _content_stems(text: str, toks: list[str]) -> frozenset[str]:
    """The stems of a text's content words, kept per text (the same customer turns are read on every later turn)."""
    got = _STEMS_CACHE.get(text)
    if got is None:
        if len(_STEMS_CACHE) >= 4096:
            _STEMS_CACHE.clear()
        got = _STEMS_CACHE[text] = frozenset(_stems(content_words(toks)))
    return got


# Asking for the caller's details ("Can I grab your account number real quick?") is the call's business.
_DETAILS_ASKED = re.compile(r"\byour (?:\w+ )?(?:account|reference|ref|number|postcode|address|name|date of birth|"
                            r"email|details|policy|order|booking|card|mobile|phone)\b", re.I)


# The four moves the ESConv model knows. A rule can add one of them only when the model gives it at
# least RULE_FLOOR x its threshold: rules add customer-service phrasings, the model vetoes bad hits.
MODEL_MOVES = ("question", "paraphrase", "reflection", "affirmation")
RULE_FLOOR = 0.75
# An explicit ("strong") rule hit is kept when the model gives at least STRONG_FLOOR x the threshold.
STRONG_FLOOR = 0.5
# A counsellor-style reflection found by _reflective is kept, with a model, when it gives at least this.
REFLECTIVE_FLOOR = 0.5


def _probing_question(text: str) -> bool:
    """A question other than the check for more: "What do the lights show? Anything else?" has one."""
    return any(rules.QUESTION.search(m.group()) for m in SENTENCE.finditer(text)
               if m.group().strip() and (not rules.CHECK_MORE.search(m.group())
                                         or rules.AGREEMENT_CHECK.search(m.group())))


def _rule_moves(text: str, toks: list[str], context: Sequence[ContextTurn]) -> tuple[set[str], set[str]]:
    """(moves found by rules, the subset explicit enough that the model may not veto them)."""
    found: set[str] = set()
    strong: set[str] = set()
    for move, rx in _RULES:
        if rx.search(text):
            found.add(move)
    if "question" not in found and "you" in text.lower() and rules.INVERTED_QUESTION.search(text):
        found.add("question")  # "What were you doing when it went black."
    if "reflection" not in found and "dismissive" not in found and any(t in FEELINGS for t in toks) \
            and rules.REFLECTION_SOFT.search(text) and not rules.NORMAL_TO_FEEL.search(text):
        found.add("reflection")  # "two days offline is awful for you"; "it's okay to feel sad" normalises (affirmation)
    if context:
        shared, coverage = paraphrase_overlap(text, context)
        cue = bool(rules.PARAPHRASE_CUE.search(text))
        if ((cue and (shared >= 1 or _shares_customer_content(text, context))) or (shared >= 3 and coverage >= 0.3)) and not is_parroting(text, context):
            found.add("paraphrase")
            if cue:
                strong.add("paraphrase")
    if rules.REFLECTION.search(text) and "dismissive" not in found:
        strong.add("reflection")  # "that sounds really frustrating" names the feeling outright
    if "question" in found and rules.OPEN_QUESTION.search(text):
        strong.add("question")  # "When do you need to be there?" asks, even after a restatement
    return found, strong


_RULES = (
    ("question", rules.QUESTION), ("reflection", rules.REFLECTION), ("affirmation", rules.AFFIRMATION),
    ("apology", rules.APOLOGY), ("acknowledgement", rules.ACKNOWLEDGEMENT), ("acknowledgement", rules.ACKNOWLEDGEMENT_MORE),
    ("dismissive", rules.DISMISSIVE),
    ("blame", rules.BLAME), ("jargon", rules.JARGON), ("next_step", rules.NEXT_STEP), ("summary", rules.SUMMARY),
    ("check_more", rules.CHECK_MORE), ("farewell", rules.FAREWELL),
    ("affirmation", rules.ENCOURAGEMENT), ("affirmation", rules.AFFIRMATION_MORE), ("reflection", rules.REFLECTION_MORE),
)


def _only_questions(text: str) -> bool:
    """Every sentence is a question opening with a question word or an auxiliary ("How do you feel about it?")."""
    sents = [m.group().strip() for m in SENTENCE.finditer(text) if m.group().strip()]
    return bool(sents) and all(s.endswith("?") and rules.ASKS_OPENING.match(rules.FILLER.sub("", s) or s) for s in sents)


def _restating_questions(text: str) -> bool:
    """Every question in the turn is a restatement said as one ("So you were overseas?"), not a new ask."""
    qs = [m.group().strip() for m in SENTENCE.finditer(text) if m.group().strip().endswith("?")]
    return bool(qs) and all(_restating_question(q) for q in qs)


def _restating_question(q: str) -> bool:
    """"So you were overseas?", "It sounds like part of you wants to stay?", "…, is that right?": checks, not asks."""
    if rules.UNDERSTANDING_CHECK.search(q):
        return True
    if rules.QUESTION_CUE.search(q) or rules.ASKS_FOR_MORE.search(q):
        return False  # "…so when you said that, can you give me an example of what you mean?" asks for more
    cue = rules.PARAPHRASE_CUE.search(q) or rules.REFLECTIVE_CUE.search(q)
    return bool(cue) and not rules.ASKS_OPENING.match(rules.FILLER.sub("", q) or q) and not rules.OPEN_QUESTION.search(q)


def _may_check(text: str) -> bool:
    """The cheap test before EXPLICIT_CHECK: every check says one of these words."""
    low = text.lower()
    return ("right" in low or "correct" in low or "wrong" in low or "straight" in low or "accurate" in low
            or "close" in low)


def _restates_then_checks(text: str) -> bool:
    """Besides the check ("Is that right?"), the turn says something back about the person: "So you…",
    "It sounds like you…", "Your test came back clear." (not "I think Dr Lee usually sees you, is that right?")."""
    body = rules.EXPLICIT_CHECK.sub(" ", text)
    return bool(rules.PARAPHRASE_CUE.search(body) or rules.REFLECTIVE_CUE.search(body) or rules.SO_START.match(body)
                or any(rules.ABOUT_YOU_START.match(sent) and rules.SECOND_PERSON.search(sent) and not rules.AGREEING.match(sent)
                       for sent in (rules.FILLER.sub("", m.group().strip()) for m in SENTENCE.finditer(body))))


def _feelings_of_people_in_general(text: str) -> bool:
    """Every sentence that names a feeling says it of people in general ("It's been hard for everyone")."""
    felt = [m.group() for m in SENTENCE.finditer(text)
            if any(t in FEELINGS for t in tokens(m.group())) or rules.REFLECTION_MORE.search(m.group())]
    return bool(felt) and all(rules.PEOPLE_IN_GENERAL.search(x) and not rules.SECOND_PERSON.search(x) for x in felt)


def _suggests(text: str) -> bool:
    """Whether some question in the turn proposes something ("Maybe you could call her tonight?")."""
    return any(rules.SUGGESTION_QUESTION.search(rules.FILLER.sub("", q) or q)
               for q in (m.group().strip() for m in SENTENCE.finditer(text)) if q.endswith("?"))


def _asks(text: str) -> bool:
    """Whether some question in the turn asks rather than proposes ("Have you tried…?" suggests)."""
    qs = [m.group().strip() for m in SENTENCE.finditer(text) if m.group().strip().endswith("?")]
    if not qs:
        return True  # "Tell me more about…": asked without a question mark
    return any(not rules.SUGGESTION_QUESTION.search(rules.FILLER.sub("", q) or q) for q in qs)


def _combine(found: set[str], strong: set[str], text: str,
             context: Sequence[ContextTurn]) -> tuple[set[str], dict[str, float]]:
    """(moves, each model move's probability / its threshold); ratios are empty without a model."""
    m = get_model()
    if m is None or m.combine == "add":  # an adding model (cs) runs after the rules: _model_additions
        return found, {}
    probs = dict(zip(m.classes, m.probabilities(features_for(text, context))))
    ratio = {move: probs.get(move, 0.0) / m.thresholds.get(move, 0.5) for move in MODEL_MOVES}
    out = found - set(MODEL_MOVES)
    for move in MODEL_MOVES:
        r = ratio[move]
        if r >= 1.0 or (move in found and r >= RULE_FLOOR) or (move in strong and r >= STRONG_FLOOR):
            out.add(move)
    return out, ratio


_SERVICE = frozenset(("apology", "next_step", "summary", "check_more", "farewell", "dismissive", "blame", "jargon",
                      "question", "affirmation"))


def _reflective(text: str, context: Sequence[ContextTurn], found: set[str]) -> bool:
    """A statement about the customer's experience, content or feeling: a reflection in the counsellor's sense.

    Not a question, not the speaker's own information, advice or plans; either phrased about the
    customer ("You've been let down twice", "So the refund never came") or restating two of their points.
    """
    core = rules.FILLER.sub("", text.strip())
    toks = tokens(core)
    if len(toks) < 2:
        # "Exhausted.", or the word that finishes what they broke off ("I'm just, I guess-" / "Discouraged.")
        return len(toks) == 1 and "?" not in text and bool(content_words(toks)) and not found - {"acknowledgement"} \
            and not rules.NOT_A_SHORT_REFLECTION.search(core) and text.lstrip()[:1] not in "-–—" \
            and (toks[0] in FEELINGS or _customer_broke_off(context))
    if rules.REFLECTIVE_CUE.search(core) and not (found & {"dismissive", "blame"}):
        # "It sounds like you've had enough": about the customer, if it restates them or names a feeling
        return (_shares_customer_content(core, context) or any(t in FEELINGS for t in toks)
                or bool(rules.INNER_STATE.search(core)))
    if found & _SERVICE or rules.OWN_VOICE.search(core):
        return False
    if rules.ABOUT_YOU_START.match(core) and rules.SECOND_PERSON.search(core) and (
            rules.INNER_STATE.search(core) or any(t in FEELINGS for t in toks) or _shares_customer_content(core, context)) \
            and not _asks_or_tells(core):
        return True  # not a turn that proposes or tells: "…. Have you tried the night shift?", "…. Pick one."
    if rules.SO_START.match(text):
        return True
    if _about_them(core, toks, context):
        return True  # "So you took the whole day off for it, and nobody came."
    if len(toks) <= 25 and rules.INNER_STATE_OF_YOU.search(core) and not text.rstrip().endswith("?") \
            and not _tells(core):  # not "You've listed what you want. Pick one."
        return True  # "And how she feels about you matters to you."
    if 1 <= len(toks) <= 4 and "?" not in text and content_words(toks) and not rules.NOT_A_SHORT_REFLECTION.search(core) \
            and not _answers(context) and text.lstrip()[:1] not in "-–—":
        return True  # "Totally discouraged.", "A fresh start.": a short word on their situation (not a piece of a longer one)
    if len(toks) <= 5 and not text.rstrip().endswith("?") and _echoes(toks, context) and not _answers(context) \
            and not rules.NOT_A_SHORT_REFLECTION.search(core):  # "Good night!" after "Good night" is a courtesy
        return True  # "Two days." / "Probably a six.": the customer's own words handed back, a simple reflection
    shared, _ = paraphrase_overlap(core, context)
    # Two of their words in a general remark ("Facebook is a good place to meet people, I find") is the speaker's
    # view, not theirs said back: it has to be about them, or short and not in the speaker's own voice.
    return shared >= 2 and (bool(rules.SECOND_PERSON.search(core))
                            or (len(toks) <= 10 and not rules.FIRST_PERSON.search(core)
                                and not (len(toks) <= 4 and rules.NOT_A_SHORT_REFLECTION.search(core))))


def _about_them(core: str, toks: list[str], context: Sequence[ContextTurn]) -> bool:
    """A plain statement of what the person did, has or is ("You took the day off and nobody came").

    Not a question, not an answer to theirs, not what will, would or could happen, not a condition or
    an obligation, not the speaker's side ("we", "I"), not advice or a courtesy, not the generic "you".
    """
    return (3 <= len(toks) <= 40 and "?" not in core and bool(rules.YOU_AS_SUBJECT.search(core))
            and not rules.NOT_ABOUT_THEM.search(core) and not rules.TIME_WORDS.search(core)
            and not rules.GENERIC_YOU.search(core) and not rules.MODAL.search(core)
            and not _asks_or_tells(core) and not _answers(context))


def _asks_or_tells(core: str) -> bool:
    """Some sentence asks ("Have you tried a helpline.") or tells the person what to do ("Use your time off…")."""
    for m in SENTENCE.finditer(core):
        sent = rules.FILLER.sub("", m.group().strip())
        if rules.ASKS_OPENING.match(sent) or rules.IMPERATIVE.match(sent):
            return True
    return False


def _tells(core: str) -> bool:
    """Some sentence tells the person what to do ("Pick one.", "Break it into smaller steps.")."""
    return any(rules.IMPERATIVE.match(rules.FILLER.sub("", m.group().strip())) for m in SENTENCE.finditer(core))


def _trailing_ask(text: str) -> bool:
    """The turn ends in a question that broke off or lost its mark ("Cool. And do you see them often or-")."""
    end = text.rstrip()
    if end[-1:] not in ("-", "–", "—") and not _ENDS_WITH_OR.search(end[-6:]):
        return False  # the cheap test first: this runs on every turn without a question
    last = None
    for m in SENTENCE.finditer(text):
        if m.group().strip():
            last = m.group().strip()
    return bool(last) and bool(rules.TRAILING_ASK.match(rules.FILLER.sub("", last)))


def _customer_broke_off(context: Sequence[ContextTurn]) -> bool:
    """The customer's latest turn is the one just before and stopped mid-sentence ("I'm trying to get-")."""
    if not context:
        return False
    role, said = _role_text(context[-1])
    return role == "customer" and said.rstrip()[-1:] in ("-", "–", "—")


def _answers(context: Sequence[ContextTurn]) -> bool:
    """The customer's latest turn asked something, so a statement now answers it ("No, you don't.")."""
    for turn in reversed(context):
        role, said = _role_text(turn)
        if role == "customer":
            return said.rstrip().endswith("?")
        return False
    return False


# Words that name no content of their own: "So there's a problem with something." restates nothing.
_GENERIC_CONTENT = frozenset("""
problem problems issue issues thing things something anything everything stuff matter matters
there's here's what's thing's something's problem's issue's happened happening happen wrong going bit kind sort
lot deal bother fine right sure true
""".split())
_NO_CONTENT = frozenset(("there's", "here's", "what's", "happen", "happened", "happening", "go"))


def _generic_restatement(text: str, context: Sequence[ContextTurn]) -> bool:
    """A "restatement" that carries none of the customer's content: every content word is generic
    (problem, issue, thing, something...) and none comes from what the customer just said."""
    mine = content_words(tokens(rules.FILLER.sub("", text.strip())))
    if not mine or any(w not in _GENERIC_CONTENT for w in mine) or any(t in FEELINGS for t in tokens(text)):
        return False
    if text.lstrip()[:1] in "-–—" or text.rstrip()[-1:] in "-–—":
        return False  # a piece of a longer turn: its content may be in the other piece
    last = next((said for role, said in map(_role_text, reversed(context)) if role == "customer"), "")
    return not (_stems([w for w in mine if w not in _NO_CONTENT]) & _stems(content_words(tokens(last))))


def _echoes(toks: list[str], context: Sequence[ContextTurn]) -> bool:
    """Whether every content word of a short turn comes from the customer's latest turns."""
    mine = _stems(content_words(toks)) or {stem(t) for t in toks if t.isdigit()}
    cust = {stem(t) for c in customer_context(context) for t in tokens(c)}
    return bool(mine) and mine <= cust


def _continued(text: str, context: Sequence[ContextTurn]) -> int | None:
    """Index of the trainee turn this one finishes ("-and the refund never came"), when it broke off with a dash."""
    if text.lstrip()[:1] not in ("-", "–", "—"):
        return None
    for i in range(len(context) - 1, max(-1, len(context) - 4), -1):
        role, said = _role_text(context[i])
        if role == "trainee":
            return i if said.rstrip()[-1:] in ("-", "–", "—") else None
    return None


def _add_reflective(text: str, context: Sequence[ContextTurn], found: set[str], ratio: dict[str, float]) -> None:
    """Add a counsellor-style reflection the explicit rules missed; with a model, only where it agrees enough."""
    if found & {"paraphrase", "reflection"} or not context:
        return
    if ratio and max(ratio["paraphrase"], ratio["reflection"]) < REFLECTIVE_FLOOR:
        return
    i = _continued(text, context)
    if i is not None:
        prev = _role_text(context[i])[1]
        if _reflective(prev, context[:i], set(detect_moves(prev, context[:i]))):
            found.add("paraphrase")
            return
    if _reflective(text, context, found):
        feeling = any(t in FEELINGS for t in tokens(text))
        if ratio:
            feeling = ratio["reflection"] > ratio["paraphrase"]
        found.add("reflection" if feeling else "paraphrase")


def _model_additions(text: str, context: Sequence[ContextTurn], found: set[str]) -> None:
    """With an adding model (TALKDOWN_MOVE_MODEL=cs): add the model moves it is sure of to what the rules found.

    Nothing the rules found is dropped. A restatement or reflection the rules already read stays as
    they read it; a check for more or a suggestion does not become a question.
    """
    m = get_model()
    if m is None or m.combine != "add":
        return
    probs = dict(zip(m.classes, m.probabilities(features_for(text, context))))
    own_voice = None
    for move in MODEL_MOVES:
        if move in found or probs.get(move, 0.0) < m.thresholds.get(move, 1.0):
            continue
        if move in ("paraphrase", "reflection") and found & {"paraphrase", "reflection"}:
            continue
        if move != "question" and found & {"dismissive", "blame"}:
            continue  # "You must have used more energy" blames; it does not reflect or validate
        if move == "paraphrase" and not (context and _shares_customer_content(text, context)):
            continue  # restating needs the customer's content, as for the rules
        if move != "question":
            if own_voice is None:
                own_voice = bool(rules.OWN_VOICE.search(text))
            if own_voice:
                continue  # the speaker's own advice, information or story ("You could try…", "I used to…"), as for the rules
        if move in ("paraphrase", "reflection") and "question" in found and _only_questions(text) \
                and not rules.PARAPHRASE_CUE.search(text):
            continue
        if move == "question" and (("check_more" in found and not _probing_question(text)) or not _asks(text)):
            continue
        found.add(move)


def detect_moves(text: str, context: Sequence[Turn | Mapping[str, str]] = (),
                 scenario: Scenario | None = None) -> list[str]:
    """The moves a trainee turn makes, in MOVES order. `context`: earlier turns, oldest first."""
    text = (text or "").replace("’", "'").replace("‘", "'")  # "I’m sorry" is "I'm sorry"
    if "[" in text:
        text = _NOT_SAID.sub(" ", text)  # "[laughs]", "[unintelligible 00:02:58]": a transcriber's note, not words
    toks = tokens(text)
    if not toks:
        return []
    found, ratio = _combine(*_rule_moves(text, toks, context), text, context)
    if "paraphrase" not in found and context and (rules.PARAPHRASE_CUE.search(text) or text.lstrip()[:3].lower() == "so ") \
            and _restated_points(text, context) >= 3 and not is_parroting(text, context):
        # "So the parcel was marked delivered eight days ago but never arrived": a cue and three of the
        # customer's own points restated is a restatement, whatever the ESConv model reads
        found.add("paraphrase")
    if "check_more" in found and not _probing_question(text):
        # "Anything else I can help with?" is a check, not a probing question (whatever the model reads)
        found.discard("question")
    if "question" in found and _only_questions(text) and not rules.PARAPHRASE_CUE.search(text):
        # "What are you feeling anxious about?" asks about the feeling; it does not reflect it
        found -= {"reflection", "paraphrase"}
    if "reflection" in found and not rules.REFLECTION.search(text) and _feelings_of_people_in_general(text):
        found.discard("reflection")  # "It's a stressful time for everyone": about people in general, not this customer
    if "paraphrase" in found and "reflection" in found and not rules.REFLECTION.search(text):
        found.discard("reflection")  # "So you feel anxious about the move?" restates what they said
    if "question" in found and "paraphrase" in found and _restating_questions(text):
        found.discard("question")  # "So you're torn between the two?" checks a restatement; it asks nothing new
    if "question" in found and not _asks(text):
        found.discard("question")  # "Have you thought about talking to your manager?" proposes
    if "question" not in found and _trailing_ask(text) and (not ratio or ratio["question"] >= STRONG_FLOOR):
        found.add("question")  # "And do you still see them or-": a question that broke off
    if "question" not in found and rules.QUESTION_CUE.search(text) and (not ratio or ratio["question"] >= STRONG_FLOOR):
        found.add("question")  # "Tell me a bit more about the delivery" asks
    if "paraphrase" in found and context and not _shares_customer_content(text, context):
        found.discard("paraphrase")  # restating needs the customer's content, not just "so you're saying"
    else:
        _add_reflective(text, context, found, ratio)
    if context and _may_check(text) and rules.EXPLICIT_CHECK.search(text) and _restates_then_checks(text):
        # "So the refund never came and you're fed up, is that right?": the speaker says it is restating them
        found.discard("reflection")
        found.add("paraphrase")
    if "question" in found and found & {"paraphrase", "reflection"} and _restating_questions(text):
        found.discard("question")  # "It sounds like part of you wants to stay?" / "…, is that right?" checks a reflection
    _model_additions(text, context, found)
    if found & {"paraphrase", "reflection"} and context and not rules.REFLECTION.search(text) \
            and _generic_restatement(text, context):
        found -= {"paraphrase", "reflection"}  # "So you have an issue.": no content of theirs said back
    if "dismissive" in found or "blame" in found:
        found.discard("affirmation")  # "you need to understand" is not validation
    if rules.GREETING.search(text) or (not any(_role_text(t)[0] == "trainee" for t in context)
                                       and rules.FAREWELL.search(text) and not rules.GOODBYE.search(text)):
        # "Thank you for calling, how can I help you today?" opens a call: no farewell, no acknowledgement
        found.discard("farewell")
        found.discard("acknowledgement")
    if _off_topic(text, toks, context, scenario, found):
        found.add("off_topic")
    return sorted(found, key=_ORDER.__getitem__)


def detect_batch(items: Sequence[tuple[str, Sequence]]) -> list[list[str]]:
    """detect_moves over many (text, context) pairs."""
    return [detect_moves(text, context) for text, context in items]


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
