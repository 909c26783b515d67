"""The guard: keeps a generated customer line in character and on message, or says why not.

Small models drift into agent-speak, loop, or flip the meaning; a rejected line is replaced by
the Director's authored line, so the conversation stays correct whatever the model does.

Both modes: not empty, no prompt leftovers, no agent-speak, not too long, no loops, and no agreeing or
goodbye the Director did not decide (accept/farewell, walk_out/farewell intents).
strict (the 135M rewrite): the same thing in other words, checked by general rules rather than phrase
lists: content words kept (per sentence) and none swapped or made up (per clause); numbers (digits and
number words), days and dates, negation, modal verbs and question words unchanged; each sentence keeps
its type (question/statement); the person profile holds (no new "you"/"we"/"they", no subject swapped,
no noun changing owner: "my neighbours" is not "your courier").
loose (a capable model improvising): no number, day, name or reference that is in neither the brief
nor the conversation.
"""
from __future__ import annotations

import re

from pydantic import BaseModel

from core.text import content_words, tokens, word_key

# The customer talking like the agent (or like a chatbot).
AGENT_SPEAK = re.compile(
    r"\b(?:how (?:can|may|could) i (?:help|assist)|as an ai|language model|i'?m an ai|"
    r"(?:sorry|apologi[sz]e) for (?:the|any) inconvenience|thank you for (?:calling|contacting|your patience|reaching out)|"
    r"let me (?:check|look into|help|see what i can do|pull up)|is there anything else (?:i|we) can|"
    r"we apologi[sz]e|i understand your (?:frustration|concern)|dear (?:customer|sir|madam)|valued customer|"
    r"our (?:team|records|system) (?:shows?|will)|happy to help|glad to (?:help|assist)|"
    r"please hold|customer service representative|as your (?:agent|representative)|the customer)\b", re.I)
LABELS = re.compile(r"^\s*(?:customer|rewrite|rewritten|original|answer|reply|response|output|\w+ (?:says|said))\s*:\s*", re.I)
LEFTOVER = re.compile(r"\b(?:original|rewrite)\s*:", re.I)
NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none|nowhere|neither|nor|cannot|without)\b|n't\b", re.I)
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|me|my|mine|myself|we|our|us)\b", re.I)

# A spoken line ends like a sentence; a model cut off at max_tokens does not.
UNFINISHED_OK = re.compile(r"[.!?…)\"'”’]\s*$")

MAX_CHARS = 400

# -- what the Director decided, in words ------------------------------------------------------------
# Agreeing to a plan: only an accept/farewell beat may say it (a capable model likes to be agreeable).
ACCEPTING = re.compile(
    r"\b(?:that (?:works|would work|'ll work|will work)|"
    r"(?:it'?s|that'?s|sounds like) a deal|(?:^|[.!?,]\s*)(?:ok(?:ay)?,?\s*)?deal[.!]|"
    r"let'?s (?:do|go with|go ahead with) (?:that|it|this)|"
    r"(?:that|this|it) (?:sounds|seems|looks) (?:good|great|fine|perfect|reasonable|fair|brilliant|like a plan)|"
    r"sounds (?:good|great|perfect|fine|like a plan)|"
    r"(?:that'?s|that is|it'?s|it is|we'?re|we are|i'?m|i am) (?:all )?(?:sorted|settled|resolved|agreed|"
    r"fine with (?:that|it|me)|happy with (?:that|it)|good with (?:that|it))|"
    r"i (?:accept|agree to)|i can (?:live|work) with (?:that|it)|i'?ll (?:take|go with) (?:that|it)|"
    r"(?:that'?s|that is) (?:all|everything|exactly what) i (?:need|needed|wanted|want)|"
    r"problem solved|you'?ve (?:sorted|solved|fixed) it|go ahead (?:and do|with) (?:that|it))", re.I)
# Ending the call: only a walk_out/farewell beat may.
LEAVING = re.compile(
    r"\b(?:good ?bye|bye(?:-bye)?|cheerio|ta-?ra|see you|take care|"
    r"have a (?:good|nice|great|lovely) (?:day|evening|night|one|weekend)|"
    r"i'?m (?:going to |gonna )?hang(?:ing)? up|i'?ll (?:let you go|hang up|go now|be off)|"
    r"(?:i'?m|i am) (?:done|leaving|off)(?: here| now| with (?:this|you))?[.!]|forget it|"
    r"talk (?:to you )?(?:later|soon)|thanks? (?:again )?for (?:all )?(?:your|the) help)\b", re.I)
AGREEING_INTENTS = frozenset({"accept", "farewell"})
LEAVING_INTENTS = frozenset({"walk_out", "farewell"})

# -- numbers, dates and names: details a reply must not change or make up ----------------------------
# "one" is left out: "no one", "the one I ordered" are not quantities (a digit 1 still counts).
_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                      "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())
          if w != "one"}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_TIMES = {"once": "1x", "twice": "2x", "thrice": "3x"}
_ORDINALS = {w: str(i + 1) for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth "
                                                    "tenth eleventh twelfth".split())}
# ("may" is left out: far more often "I may be wrong" than the month.)
DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april "
                 "june july august september october november december today tomorrow yesterday tonight "
                 "weekend".split())
NUMBER_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[a-z]+", re.I)


def numbers(text: str, words: bool = True) -> set[str]:
    """The quantities a text names, normalised: "forty minutes" and "40 minutes" both give {"40"},
    "twice" gives {"2x"}, "third" and "3rd" give {"3"}; "a"/"an" are not numbers. words=False leaves
    out "once" and word ordinals ("the first time", "just a second"), which a free reply uses loosely."""
    out: set[str] = set()
    toks = [t.lower() for t in NUMBER_TOKEN.findall(re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.lower()))]
    i = 0
    while i < len(toks):
        t = toks[i]
        if t[0].isdigit():
            out.add(t.rstrip(".,:"))
        elif t in _TENS:
            v = _TENS[t]
            if i + 1 < len(toks) and toks[i + 1] in _UNITS and 0 < _UNITS[toks[i + 1]] < 10:
                v += _UNITS[toks[i + 1]]
                i += 1
            out.add(str(v))
        elif t in _UNITS:
            out.add(str(_UNITS[t]))
        elif t in ("hundred", "thousand"):
            out.add(t)
        elif t in _TIMES and (words or t != "once"):
            out.add(_TIMES[t])
        elif t in _ORDINALS and words:
            out.add(_ORDINALS[t])
        i += 1
    return out


def days(text: str) -> set[str]:
    return {t for t in tokens(text) if t in DAYS}


# Capitalised words that are not names even mid-sentence.
_NOT_NAMES = frozenset("i i'm i've i'll i'd ok okay mr mrs ms dr sir madam mum mom dad god oh tv uk us eu".split())


def names(text: str) -> set[str]:
    """Capitalised words not at the start of a sentence, and codes like AB1234: names, places, references."""
    out: set[str] = set()
    for sentence in re.split(r"(?<=[.!?…])\s+|[\"“”]", text):
        words = re.findall(r"[A-Za-z][A-Za-z0-9'’-]*|\d+[A-Za-z][A-Za-z0-9-]*", sentence)
        for j, w in enumerate(words):
            lw = w.lower().replace("’", "'")
            if re.search(r"\d", w) and re.search(r"[A-Za-z]", w):
                out.add(lw)
            elif j > 0 and w[0].isupper() and lw not in _NOT_NAMES and lw not in DAYS:
                out.add(lw.split("'")[0])
    return out


# -- who is talking about whom ---------------------------------------------------------------------
PERSON_FORMS = {
    "I": "i me my mine myself i'm i've i'll i'd",
    "we": "we us our ours ourselves we're we've we'll we'd",
    "you": "you your yours yourself yourselves you're you've you'll you'd ya",
    "they": "he him his himself she her hers herself they them their theirs themselves he's she's they're "
            "they've they'll they'd he'd she'd he'll she'll",
}
PERSON_OF = {f: p for p, forms in PERSON_FORMS.items() for f in forms.split()}
SUBJECT_FORMS = frozenset("i i'm i've i'll i'd we we're we've we'll we'd you're you've you'll you'd he she they "
                          "he's she's they're they've they'll they'd he'd she'd he'll she'll".split())
POSSESSIVES = {"my": "I", "our": "we", "your": "you", "their": "they", "his": "they", "her": "they"}
# "you" after these is the object ("I told you", "for you"); elsewhere it is taken as the subject.
_OBJECT_BEFORE = frozenset("to for with at from about of by on in than like after before behind told tell tells "
                           "telling ask asked asking help helped helping call called calling give gave send sent "
                           "pay paid thank thanks see saw let get got pay paying blame blamed trust trusted "
                           "believe believed hear heard understand understood owe promised promise".split())
# Set phrases where "you" is not a person in the story.
FIXED_YOU = re.compile(r"\b(?:thank you|thank-you|you know|you see|mind you|bless you|if you (?:ask|like) me|"
                       r"you never know|are you there|can you imagine)\b", re.I)


def persons(text: str) -> tuple[set[str], set[str], dict[str, str]]:
    """(persons mentioned, persons as grammatical subject, noun stem -> its possessor's person)."""
    toks = tokens(FIXED_YOU.sub(" ", text))
    mentioned, subjects, owned = set(), set(), {}
    for j, t in enumerate(toks):
        p = PERSON_OF.get(t)
        if p is None:
            continue
        mentioned.add(p)
        if t in SUBJECT_FORMS or (t == "you" and (j == 0 or toks[j - 1] not in _OBJECT_BEFORE)):
            subjects.add(p)
        if t in POSSESSIVES and j + 1 < len(toks):
            owned[word_key(toks[j + 1])] = POSSESSIVES[t]
    for j, t in enumerate(toks[:-1]):  # "the bank's problem": the bank owns it (not "it's", "what's")
        if t.endswith("'s") and t not in PERSON_OF and not _FUNCTION_BASE.match(t) and toks[j + 1] not in PERSON_OF:
            owned.setdefault(word_key(toks[j + 1]), word_key(t[:-2]))
    return mentioned, subjects, owned


def sentence_types(text: str) -> list[str]:
    """'q' or 's' per sentence: a question must stay a question and a statement a statement."""
    parts = [p for p in re.split(r"(?<=[.!?…])\s+", text.strip()) if tokens(p)]
    return ["q" if p.rstrip(" \"'”’)").endswith("?") else "s" for p in parts]


# Words a rewording may add without changing what is said.
FILLER = frozenset("alright right really actually just honestly still already even quite pretty bit little whole "
                   "again yeah yes sure well thanks thank please literally seriously totally completely "
                   "absolutely simply basically anyway though lot instead".split())
WH_WORDS = frozenset("what when where who whom whose why how which".split())
_FILLER_KEYS = frozenset(word_key(w) for w in FILLER)
# Contracted function words ("what's", "there's") carry no content; stopword lists often miss them.
_FUNCTION_BASE = re.compile(r"^(?:what|who|where|when|why|how|there|here|that|it|this|let|he|she)'\w+$")


# Near-synonyms a rewording often swaps (by word key): "said" for "told" is not a change of content.
SYNONYMS = {"tell": "say", "ring": "call", "phone": "call", "receive": "get", "purchase": "buy", "arrive": "come",
            "sort": "fix", "repair": "fix", "reply": "answer", "respond": "answer", "cash": "money",
            "wait": "wait", "sure": "certain", "help": "help", "speak": "talk", "happen": "happen"}
# "Could you" is a politer "can you": the pairs share a key; adding or dropping a modal does not.
MODALS = {"can": "can", "can't": "can", "cannot": "can", "could": "can", "couldn't": "can", "will": "will",
          "won't": "will", "would": "will", "wouldn't": "will", "should": "should", "shouldn't": "should",
          "might": "might", "must": "must", "mustn't": "must", "shall": "will"}


def _stems(text: str) -> set[str]:
    keys = {word_key(w) for w in content_words(tokens(text)) if not _FUNCTION_BASE.match(w)} - _FILLER_KEYS
    return {SYNONYMS.get(k, k) for k in keys}


def _modals(text: str) -> set[str]:
    """Modal verbs, contractions resolved ("I'll" is will): "I did it" is not "I could have done it"."""
    out = set()
    for t in tokens(text):
        if t in MODALS:
            out.add(MODALS[t])
        elif t.endswith("'ll"):
            out.add("will")
        elif t.endswith("'d") and t.split("'")[0] in PERSON_OF:
            out.add("will")
    return out


_AUX = frozenset("can could will would do does did is are was were have has should shall am isn't aren't don't "
                 "doesn't didn't won't can't couldn't wouldn't haven't hasn't".split())
_LEAD_INS = frozenset("and so but then okay ok right well oh".split())


def _repair_questions(t: str, line: str) -> str:
    """Put back a question mark the tiny model dropped ("And what does that mean for me tonight." for
    "...tonight?"): only where the line has a question in that place and the sentence is built as one."""
    want, parts = sentence_types(line), _sentences(t)
    if "q" not in want or len(want) != len(parts):
        return t
    fixed = []
    for kind, part in zip(want, parts):
        words = [w for w in tokens(part) if w not in _LEAD_INS]
        if kind == "q" and part.endswith(".") and words and (words[0].split("'")[0] in WH_WORDS or words[0] in _AUX):
            part = part[:-1] + "?"
        fixed.append(part)
    return " ".join(fixed)


def _negated(text: str) -> set[str]:
    """What each negation applies to: the first content word within three words after it ("doesn't even
    work" -> work). "Your link doesn't work" is not "your link doesn't show an error page"."""
    toks = tokens(text)
    out = set()
    for j, t in enumerate(toks):
        if NEGATION.fullmatch(t) or t.endswith("n't"):
            for w in toks[j + 1:j + 4]:
                k = _stems(w)
                if k:
                    out |= k
                    break
    return out


def _clauses(text: str) -> list[str]:
    """Sentences cut further at commas, dashes and the conjunctions that start a new clause."""
    return [c for c in re.split(r"[.!?…,;:—–]+\s*|\s+-\s+|\s+(?=\b(?:but|and|so|because|though)\b)", text, flags=re.I)
            if tokens(c)]


def _wh(text: str) -> set[str]:
    """The question words its questions use ("what's" counts as "what"): asking when is not asking what.
    Only sentences ending in '?' count, so a relative "which" or "what" in a statement does not."""
    return {w.split("'")[0] for p in _sentences(text) if p.rstrip(" \"'”’)").endswith("?")
            for w in tokens(p) if w.split("'")[0] in WH_WORDS}


def _sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[.!?…])\s+", text.strip()) if tokens(p)]


class GuardResult(BaseModel):
    ok: bool
    text: str          # the cleaned text when ok, else the authored line
    reason: str | None = None


def clean(text: str) -> str:
    """Trim what models wrap around a line: labels, quotes, a second line, stray spaces."""
    t = (text or "").strip()
    t = LABELS.sub("", t)
    t = t.split("\n", 1)[0].strip()
    if len(t) >= 2 and t[0] in "\"'“" and t[-1] in "\"'”":
        t = t[1:-1].strip()
    return re.sub(r"\s+", " ", t)


def _loops(toks: list[str]) -> bool:
    if len(toks) >= 6 and len(set(toks)) / len(toks) < 0.45:
        return True
    grams = [tuple(toks[i:i + 3]) for i in range(len(toks) - 2)]
    return any(grams.count(g) >= 3 for g in set(grams))


def _person_change(line: str, t: str) -> str | None:
    """Why a rewording changes who does what to whom, or None. The speaker ("I") may always be added:
    a customer speaks in the first person."""
    said, said_subj, said_owned = persons(line)
    got, got_subj, got_owned = persons(t)
    added = got - said - {"I"}
    if added:
        return f"wrong person (brings in '{sorted(added)[0]}', which the line does not)"
    new_subj, lost_subj = got_subj - said_subj, said_subj - got_subj
    if new_subj - {"I"} or (new_subj and lost_subj):
        return f"wrong person (subject {sorted(lost_subj or said_subj) or ['-']} became {sorted(new_subj)})"
    for noun, owner in said_owned.items():
        if got_owned.get(noun, owner) != owner:
            return f"wrong person ('{noun}' changed owner)"
    if "I" in said and "I" not in got and "you" in got:
        return "wrong person (no 'I/my', talks about 'you')"
    return None


def _changes_decision(t: str, line: str, intent: str | None) -> str | None:
    """A reply that agrees, or ends the call, when the Director did not decide so. With no intent
    (an old caller) the authored line is the reference: the rewording may not add what it lacks."""
    agrees_ok = intent in AGREEING_INTENTS if intent else bool(ACCEPTING.search(line))
    leaves_ok = intent in LEAVING_INTENTS if intent else bool(LEAVING.search(line))
    if not agrees_ok and ACCEPTING.search(t) and not ACCEPTING.search(line):
        return "agrees before the customer is ready (the Director did not decide to accept)"
    if not leaves_ok and LEAVING.search(t) and not LEAVING.search(line):
        return "says goodbye, but the Director did not end the call"
    return None


def _brief_text(request) -> str:
    """Everything the customer may draw details from: their brief, the authored line and the conversation."""
    parts = [*map(str, request.customer.values()), request.style, request.line, request.reveal, *request.facts,
             *request.knows, *(t.get("text", "") for t in request.history)]
    for c in request.commitments:
        parts += [str(v) for v in c.values()]
    return "\n".join(p for p in parts if p)


def _invented(t: str, request) -> str | None:
    """A number, date, name or reference in the reply that appears nowhere in the brief or conversation."""
    brief = _brief_text(request)
    new_numbers = numbers(t, words=False) - numbers(brief)
    if new_numbers:
        return f"invents a detail not in the brief or conversation (number {sorted(new_numbers)[0]})"
    new_days = days(t) - days(brief)
    if new_days:
        return f"invents a detail not in the brief or conversation ('{sorted(new_days)[0]}')"
    known = {word_key(w) for w in tokens(brief)} | set(tokens(brief))
    new_names = {n for n in names(t) if not all(w in known or word_key(w) in known for w in tokens(n))}
    if new_names:
        return f"invents a detail not in the brief or conversation (name '{sorted(new_names)[0]}')"
    return None


def check(text: str, line: str, faithfulness: str = "strict", request=None) -> GuardResult:
    """Accept `text` as the customer's reply for the authored `line`, or explain the rejection.

    strict: a rewording of `line` that keeps its meaning (content, persons, sentence types, numbers,
    negation). loose: a capable model's own reply; with the ActorRequest given it must keep to the
    Director's decision (no agreeing unless accepting, no goodbye unless leaving, no invented details)."""
    def no(reason: str) -> GuardResult:
        return GuardResult(ok=False, text=line, reason=reason)

    t = clean(text)
    if t == clean(line):  # the authored line itself is always in character
        return GuardResult(ok=True, text=line)
    if not t or not tokens(t):
        return no("empty")
    if LEFTOVER.search(t):
        return no("prompt leaked into the output")
    if AGENT_SPEAK.search(t):
        return no("agent-speak (talks like the agent or an AI)")
    limit = MAX_CHARS if faithfulness == "loose" else min(MAX_CHARS, max(120, int(len(line) * 2.2)))
    if len(t) > limit:
        return no(f"too long ({len(t)} characters, limit {limit})")
    if faithfulness == "strict" and not UNFINISHED_OK.search(t):
        return no("unfinished sentence (cut off)")
    toks = tokens(t)
    if _loops(toks):
        return no("repetition loop")
    intent = getattr(request, "intent", None)
    decision = _changes_decision(t, line, intent)
    if decision:
        return no(decision)
    if faithfulness == "loose":
        if FIRST_PERSON.search(line) and not FIRST_PERSON.search(t) and re.search(r"\byou(?:r)?\b", t, re.I):
            return no("wrong person (no 'I/my', talks about 'you')")
        if request is not None:
            invented = _invented(t, request)
            if invented:
                return no(invented)
        return GuardResult(ok=True, text=t)

    # strict: the same thing said in other words
    t = _repair_questions(t, line)
    want, got = _stems(line), _stems(t)
    kept = want & got
    if want:
        shared = len(kept) / len(want)
        need = 0.5 if len(want) <= 3 else 0.4
        if shared < need:
            return no(f"drifted from the line (shares {shared:.0%} of its content words)")
    if numbers(line) != numbers(t):
        return no("numbers changed")  # £212.40 must not become £21.40, "two days" not "a day"
    if days(line) != days(t):
        return no("numbers changed (a day or date)")
    if bool(NEGATION.search(line)) != bool(NEGATION.search(t)):
        return no("meaning flip (negation added or lost)")
    said_not, got_not = _negated(line), _negated(t)
    if said_not and not said_not & got_not:
        return no(f"meaning flip (the negation moved off '{sorted(said_not)[0]}')")
    want_types, got_types = sentence_types(line), sentence_types(t)
    if ("q" in want_types) != ("q" in got_types) or (len(want_types) == len(got_types) and want_types != got_types):
        return no("sentence type changed (a question became a statement or the other way round)")
    person = _person_change(line, t)
    if person:
        return no(person)
    if _wh(line) != _wh(t):
        return no("asks something else (question words changed)")
    # Content, sentence by sentence: every part of the line is still said, nothing new is made up.
    for part in _sentences(line):
        part_want = _stems(part)
        if part_want and len(part_want & got) / len(part_want) < (0.5 if len(part_want) <= 3 else 0.4):
            return no(f"drifted from the line (drops '{part}')")
    for part in _sentences(t):
        part_got = _stems(part)
        part_novel = part_got - want
        if part_novel and len(part_novel) > len(part_got & want):
            return no(f"drifted from the line (adds '{part}')")
    novel, lost = got - want, want - got
    if len(novel) > len(kept):
        return no(f"drifted from the line (adds {len(novel)} new content words, keeps {len(kept)})")
    if novel and lost:  # "the same way" -> "a different way", "uni" -> "coin": a word swapped for another
        return no(f"drifted from the line (says '{sorted(novel)[0]}' for '{sorted(lost)[0]}')")
    if _modals(line) != _modals(t):
        return no("meaning changed (can/could/will/should differ)")
    line_keys = {word_key(w) for w in tokens(line)} | _FILLER_KEYS
    for part in _clauses(t):
        part_got = _stems(part)
        part_keys = [word_key(w) for w in tokens(part)]
        made_up = sum(k not in line_keys for k in part_keys)
        if (part_got and not part_got & want) or (len(part_keys) >= 2 and made_up * 3 >= len(part_keys) * 2):
            return no(f"drifted from the line (adds '{part.strip()}')")  # "..., but that's all."
    return GuardResult(ok=True, text=t)
