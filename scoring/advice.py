"""Better alternatives built from what the customer actually said.

Advice reads as coaching when the suggested line answers the customer in front of the trainee:
"So you've been waiting two weeks for your parcel — is that right?" rather than a line that would fit
any scenario. `customer_point` picks the customer's sentence worth restating and `restate` turns it
round to the trainee's side (I -> you, my -> your, you -> we), the way a restatement does.
"""
from __future__ import annotations

import re

from scoring.evidence import SENTENCE
from scoring.text import content_words, stem, tokens

_WORD = re.compile(r"(?<![0-9])[A-Za-z]+(?:['’][A-Za-z]+)?")  # "8am" keeps its "am"
_LEAD_IN = re.compile(r"^(?:(?:look|listen|honestly|well|so|ok|okay|right|and|but|yes|yeah|no|hi|hello|seriously|"
                      r"alright|all right|thanks|thank you|cheers|fine|great|sure|oh|ah|um|er|hmm|finally|sorry|"
                      r"please|wow|god|exactly|really|good|perfect|brilliant|lovely|excellent|for the record|to be honest|to be fair|i mean|you know)\b[,.:!\s—–-]*)+", re.I)
# Words that carry no point of the customer's own: a sentence made of them ("Alright, thanks", "You're very
# patient", "That's more than I got last time") is a reaction, not something to restate.
_PLEASANTRY = frozenset("""alright thanks thank cheers okay fine great good lovely nice brilliant perfect patient kind
helpful help helps helped sure fair enough last time more less much lot bit better worse works work working sounds
right wrong really actually something anything nothing everything thing things way got get getting done doing mean
said saying know think guess suppose hope appreciate appreciated sorted sort well least first again still yet just
please sorry hello goodbye bye today""".split())
MAX_WORDS = 16

# The customer's side -> the trainee's side. "I was" needs its verb changed too.
_PAIRS = {"i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "me": "you",
          "my": "your", "mine": "yours", "myself": "yourself", "we": "you", "we're": "you're", "we've": "you've",
          "us": "you", "our": "your", "ours": "yours", "your": "our", "yours": "ours", "you're": "we're",
          "you've": "we've", "you'll": "we'll", "you'd": "we'd", "yourself": "us", "am": "are"}
# Where "you" (the company) is the subject, it becomes "we"; after a verb or preposition, "us".
_SUBJECT_BEFORE = frozenset(("", "and", "but", "because", "so", "then", "when", "if", "that", "since", "after",
                             "before", "until", "while", "though", "although", "or", ","))
# ... or when a verb follows it: "I was told you would call".
_SUBJECT_NEXT = frozenset(("would", "will", "can", "could", "should", "have", "had", "has", "are", "were", "did",
                           "do", "don't", "didn't", "won't", "can't", "said", "told", "promised", "charged", "sent",
                           "keep", "kept", "never", "always", "just", "people", "guys", "lot", "lost", "cut"))


_I_FORMS = frozenset(("i", "i'm", "i've", "i'd", "i'll"))


def _match_case(word: str, like: str) -> str:
    """`word` capitalised like `like`, except that "I" is capitalised for grammar, not position."""
    if like.lower().replace("’", "'") in _I_FORMS:
        return word
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def restate(sentence: str) -> str:
    """The sentence in the trainee's voice: first and second person swapped, the rest left as it was."""
    out: list[str] = []
    pos = 0
    prev = ""
    words = list(_WORD.finditer(sentence))
    for k, m in enumerate(words):
        w = m.group()
        low = w.lower().replace("’", "'")
        nxt = words[k + 1].group().lower() if k + 1 < len(words) else ""
        between = sentence[pos:m.start()]
        if "," in between:
            prev = ","
        if low == "i":
            new = "you"
        elif low == "was" and prev == "i":
            new = "were"
        elif low == "you":
            subject = (prev in _SUBJECT_BEFORE and nxt != "too") or nxt in _SUBJECT_NEXT
            new = "we" if subject else "us"
        elif low == "are" and prev == "you":
            new = "are"
        else:
            new = _PAIRS.get(low, w)
        if new != w:
            new = _match_case(new, w) if k else new
        out.append(between)
        out.append(new)
        pos = m.end()
        prev = low
    out.append(sentence[pos:])
    return "".join(out)


def customer_point(text: str, about: set[str] | frozenset[str] | None = None) -> str | None:
    """The customer's sentence most worth restating, in the trainee's voice, or None.

    A statement (not a question) with the most content words, at most MAX_WORDS words; None when the
    customer said nothing restatable ("Hello?", "Fine.").
    """
    best: tuple[int, str] | None = None
    for m in SENTENCE.finditer(text or ""):
        s = m.group().strip()
        if not s or s.endswith("?"):
            continue
        if _THANKS.match(s):
            continue  # "Thank you for taking it seriously": a thank-you, not the customer's problem
        s = _LEAD_IN.sub("", s).strip().rstrip(".!").strip()
        if _FRAGMENT_START.match(s) or _shouted(s):
            continue  # "for taking it seriously" (a clause left over), "WITHIN 24 HOURS" (shouted back at us)
        s = re.sub(r"[,;:—–-]+$", "", s).strip()
        if about is not None and re.match(r"^(?:that|this|it)(?:'s|’s| is| was)\b", s, re.I) \
                and not {stem(w) for w in content_words(tokens(s))} & about:
            continue  # "That's a script, not an answer": the customer's verdict on the call, not their problem
        if re.search(r"[\"“”]|\byou(?:'ll|’ll| will| are going to|'re going to| can| could| might| may)\b|"
                     r"\byou(?:'re|’re| are) (?!not\b)\w+ing\b|"
                     r"\b(?:already |just )?(?:told|explained (?:this|that|it) to) (?:you|them)(?: (?:what|this|that|everything|already))?\b"
                     r"(?! (?:would|will|were|was|had))", s, re.I):
            continue  # quoted words, or the agent's own promise read back ("You'll use my reading")
        if _NO_VERB(s) or _DETAIL.search(s) or _NO_SUBJECT.match(s):
            continue  # an account number or an email given, or "doesn't deliver a bike" (no subject left)
        if _NO_VERB(s):
            continue  # "27 Linden Avenue, Moseley": a detail given, not a point to restate
        if _ABOUT_THE_CALL.search(s):
            continue  # "I'd rather you didn't rush me", "I've heard that before": the call, not their problem
        if _AT_THE_AGENT.match(s):
            continue  # "You still haven't said what flight we're on": what the agent failed to do, not their problem
        first = _WORD.match(s)
        if first and first.group().lower().replace("’", "'") in _IMPERATIVE:
            continue  # "Don't read me the small print" is a demand, not something to restate
        n_words = len(tokens(s))
        if n_words > MAX_WORDS:
            s = _shorten(s)
            n_words = len(tokens(s))
        n_content = len([w for w in content_words(tokens(s)) if w not in _PLEASANTRY])
        if n_content < 2 or n_words > MAX_WORDS or _about_the_agent(s):
            continue
        if best is None or n_content > best[0]:
            best = (n_content, s)
    if best is None:
        return None
    said = restate(best[1])
    first = _WORD.match(said)
    if first and (first.group().lower() in _LOWER_FIRST or not _proper(first.group(), text)):
        said = said[0].lower() + said[1:]
    return said


# A thank-you or a verdict on the agent, however it opens ("Well, thanks for …", "Cheers for that").
_THANKS = re.compile(r"^\W*(?:(?:well|ok(?:ay)?|right|oh|ah|alright|yes|yeah|so)[,.!\s]+)*(?:thanks|thank you|cheers|ta|"
                     r"much appreciated|i appreciate (?:that|it|you|this))\b", re.I)
# A clause that cannot stand as a point of its own once its opening is gone: "for taking it seriously".
_FRAGMENT_START = re.compile(r"^(?:for|to|with|about|of|by|from|at|as|than|because|if|whether|which|who|whom|"
                             r"when|while|and|or|nor|but|then|too|also|instead)\b", re.I)


def _shouted(sentence: str) -> bool:
    letters = [c for c in sentence if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _about_the_agent(sentence: str) -> bool:
    """'You're very patient', 'You've been great': a remark about the agent, not the customer's problem."""
    if re.match(r"^i (?:do |really )?(?:believe|think|know|can see|can tell|appreciate|trust|suppose|guess) (?:that )?"
                r"(?:you|you're|you are|you've|you lot|your)\b", sentence, re.I):
        return True  # "I believe you're trying": the customer's view of the agent
    if re.match(r"^(?:it|that|this)(?:'s|’s| is| was)(?: (?:very|so|really))? (?:good|great|nice|better|kind|fair|"
                r"helpful|a relief|a start|something|more than|what i)\b", sentence, re.I):
        return True  # "It's good that someone's actually paying attention": a reaction, not the problem
    return bool(re.match(r"^(?:you(?:'re|’re| are|'ve|’ve| have)(?: been)?|that(?:'s|’s| is) (?:very )?(?:kind|nice|good|"
                         r"helpful|fair|great))\b", sentence, re.I)) and len(tokens(sentence)) <= 7


def _proper(word: str, text: str) -> bool:
    """Whether `word` is a name: it is written capitalised inside a sentence of `text` too."""
    if word == "I" or word.isupper() and len(word) > 1:
        return True
    return bool(re.search(r"(?<=[a-z,;:] )" + re.escape(word) + r"\b", text or ""))


_VERBISH = re.compile(r"\b(?:is|are|was|were|be|been|am|has|have|had|do|does|did|can|could|will|would|shall|should|may|"
                      r"might|must|need|want|got|get|go|goes|went|came|come|says?|said|\w+(?:ed|ing|'s|’s|'ve|’ve|'m|’m|'re|"
                      r"’re|'d|’d|n't|n’t))\b", re.I)


def _NO_VERB(sentence: str) -> bool:
    """Whether a sentence has no verb at all: details given ("27 Linden Avenue, Moseley") or a verdict ("Details
    first, problem never"), not a point to restate."""
    return not _VERBISH.search(sentence)


# Details given in answer to a question: an account or order number, an email address, a postcode.
_DETAIL = re.compile(r"\d[\d -]{5,}\d|@|\b\w+ at \w+ dot (?:com|co|net|org|uk)\b|\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b")
# A clause whose subject was cut away: "doesn't deliver a bike".
_NO_SUBJECT = re.compile(r"^(?:doesn't|don't|isn't|aren't|can't|won't|wasn't|weren't|didn't|hasn't|haven't|does|do|is|are|was|"
                         r"were|has|have|had|will|would|can|could|should)\b", re.I)
# What the customer says of the call itself, not of their problem: how the agent talks ("you didn't listen",
# "everyone says they understand", "I'd rather you didn't rush me"), having heard it before, what they cannot
# remember, a verdict on the last answer ("That doesn't help me before Friday"), a demand for an answer.
_ABOUT_THE_CALL = re.compile(
    r"\b(?:you|you're|you've|you'd|your|everyone|everybody|people|they|nobody|no one|saying)\b[^.!?]*?\b(?:understand\w*|heard|"
    r"hear(?:ing)?|rush\w*|listen\w*|script\w*|apologi\w*|sorry|patronis\w*|talk(?:ing)? down)\b|\bword for word\b|"
    r"\bnice try\b|\b(?:i've|i have|i) (?:already |just |now )?(?:said|explained|repeated|gone through|gone over) (?:this|that|it|"
    r"all (?:this|that))\b|\b(?:second|third|fourth|fifth) time of asking\b|\b(?:i'll|i will|i'd|i would) feel (?:a lot |much )?better\b|"
    r"\b(?:heard|had|been told|been given|got|given)\b (?:\w+ ){0,5}?(?:line|answer|thing|story|excuse|script|that|this|it)\b"
    r"[^.!?]{0,40}?\bbefore\b|"
    r"^(?:i|we) (?:\w+ )?(?:can't|cannot|can not|don't|do not) (?:quite )?(?:remember|recall|know|understand|follow)\b|"
    r"^(?:that|this|it|which)(?:'s|’s| is| was)? (?:\w+ )?(?:doesn't|does not|won't|will not|isn't|is not|didn't|did not|"
    r"wasn't|can't) (?:\w+ ){0,2}?(?:help|answer|stop|change|fix|solve|work|mean|matter)\b|"
    r"^(?:i|we) (?:just |only |really )?(?:need|want|would like) (?:an? |the |some )?(?:answer|action|date|time|name|number|"
    r"reference|decision|yes or no|straight answer|to know|you to|someone to)\b", re.I)
# Sentences starting with these tell the agent what to do; "So don't read us the small print" is no restatement.
_AT_THE_AGENT = re.compile(r"^(?:and |but |so )?(?:you|you lot|your people|nobody|no one|no-one)(?: still| just| really| clearly| even)? "
                           r"(?:haven't|have not|hasn't|didn't|did not|never|don't|do not|aren't|are not|won't|"
                           r"keep|can't|cannot|wouldn't)\b", re.I)
_IMPERATIVE = frozenset(("don't", "do", "stop", "please", "just", "tell", "give", "read", "send", "fix", "call",
                         "ring", "phone", "chase", "email", "text", "book", "pay", "order", "hold", "keep", "leave",
                         "wait", "bring", "speak", "ask", "sign", "write", "note", "confirm", "update",
                         "cancel", "refund", "let", "show", "explain", "put", "transfer", "get", "try", "check",
                         "make", "sort", "listen", "look", "spare", "never", "hurry", "answer", "find", "be"))
_LOWER_FIRST = frozenset(("you", "your", "you're", "you've", "you'd", "you'll", "we", "our", "we're", "we've",
                          "the", "it", "it's", "this", "that", "there", "they", "nobody", "no", "nothing"))


def _shorten(sentence: str) -> str:
    """The sentence cut at the last clause break that keeps it within MAX_WORDS words."""
    cut = sentence
    for m in reversed(list(re.finditer(r",|;|—|–| - | and | but | because ", sentence))):
        if len(tokens(sentence[:m.start()])) <= MAX_WORDS:
            cut = sentence[:m.start()]
            break
    return cut.strip().rstrip(",;:—–- ").strip()


# ---------------------------------------------------------------------------------------------------------
# Lines built from the scenario's policy, and the checks every suggested line must pass

_VERB_FIRST = frozenset(("book", "call", "nominate", "text", "dispute", "waive", "hold", "re-bill", "rebill", "send",
                         "arrange", "refund", "cancel", "chase", "raise", "email", "check", "reconnect", "replace",
                         "add", "set", "open", "give", "put", "run", "reset", "order", "issue", "credit", "rebook"))
_NO_ARTICLE = frozenset(("immediate", "written", "information", "reimbursement", "advice", "emergency-only"))
_HEAD_END = re.compile(r"\s+(?:of|on|for|with|within|while|up|including|pending|after|by|from|to|in)\b", re.I)


def offer_sentence(item: str) -> str:
    """A policy item ("engineer visit within 24 hours", "hold the direct debit while ...") said by the trainee."""
    s = re.sub(r"\s*\([^)]*\)", "", item or "").strip().rstrip(".")
    s = re.sub(r"\ba customer(?:'s)? (meter|account|reading)\b", r"your \1", s, flags=re.I)
    if not s:
        return ""
    first = s.split()[0].lower()
    if first in _VERB_FIRST and not re.match(r"^\S+ (?:of|within|for|on)\b", s):
        s = re.sub(r"^(call|ring) back\b", r"\1 you back", s, flags=re.I)
        s = re.sub(r"^text\b(?! you)", "text you", s, flags=re.I)
        return f"I'll {s[0].lower()}{s[1:]}."
    if first == "information":
        return f"I can send you {s}."
    head = _HEAD_END.split(s, maxsplit=1)[0]
    plural = head.endswith("s") and not head.endswith("ss")
    if re.match(r"^(?:a|an|the|your|some)\b", s, re.I) or first.endswith("ing") or first in _NO_ARTICLE or plural:
        art = ""
    else:
        art = "an " if re.match(r"[aeiou]", s, re.I) else "a "
    return f"I can arrange {art}{s[0].lower() if not s[:2].isupper() else s[0]}{s[1:]}."


def garbled(line: str) -> list[str]:
    """What reads wrong in a suggested line: broken spacing, a doubled word, an unturned pronoun, a fragment
    glued after "So", a sentence that starts in lower case, an unfilled placeholder."""
    out = []
    if re.search(r"\s{2,}|\s[,.;:!?]|[,;:]{2,}|\.\.(?!\.)|\{|\}|\bNone\b", line):
        out.append("broken spacing or punctuation")
    if re.search(r"\b(\w+) \1\b", line, re.I) and not re.search(r"\b(?:that that|had had)\b", line, re.I):
        out.append("a doubled word")
    if re.search(r"\b(?:thank us|we(?:'re| are) (?:very |so )?patient|you told you|we told us|us'(?:re|ll))\b", line, re.I):
        out.append("a pronoun left unturned")
    if re.search(r"\bSo,? [A-Z]{2,}\b(?!-?\d)", line) and not re.search(r"\bSo,? I\b", line):
        out.append("a shouted fragment glued after 'So'")
    if re.search(r"(?:^|[.!?—–]\s*)(?:So,? )?(?:for|to|with|about|of|by|from|as|than)\b(?! example| instance)[^.!?]{0,40}[.!?]",
                 line, re.I) and re.search(r"(?:^|[.!?]\s+|—\s*)(?:So,? )?(?:for|with|about|of|by|from|as|than)\s", line, re.I):
        out.append("a fragment that starts with a preposition")
    m = re.search(r"\bSo,? ([A-Z][a-z']+)", line)
    if m and m.group(1) not in ("I", "I'm", "I've", "I'll", "I'd") and not re.search(
            r"(?<=[a-z,;:] )" + re.escape(m.group(1)) + r"\b", line[:m.start()] + " " + line[m.end():]):
        out.append(f"a fragment glued after 'So': {m.group(1)!r}")
    for s in re.split(r"(?<=[.!?])\s+", line.strip()):
        if s and s[0].islower():
            out.append("a sentence starting in lower case")
            break
    if re.search(r"—\s*(?:—|$)|^\W", line.strip()):
        out.append("an empty clause")
    if re.search(r"(?:^|[.!?]\s+)So\b[^.!?]*[.!?]\s+So\b", line.strip()):
        out.append("two sentences in a row starting with 'So'")
    if re.search(r"[.!?—–]\s+(?:Hello|Hi|Hiya|Good (?:morning|afternoon|evening))\b", line):
        out.append("a greeting after the start of the line")
    return out


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
