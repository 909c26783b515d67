"""Hand-written patterns for customer-service phrasing, one compiled regex per move.

These catch the moves the ESConv model cannot know about (jargon, blame, next
steps...) and high-precision phrasings of the others ("that sounds frustrating").
"""
from __future__ import annotations

import re


def _rx(*parts: str) -> re.Pattern[str]:
    # ASCII case folding: the patterns are English words and punctuation, and Unicode-aware folding made
    # every search about twice as slow (a move detection runs ~20 of these per turn). A word character
    # (\w outside a [...] class) still takes any letter, so "So the café never came" reads as with "cafe".
    return re.compile("|".join(f"(?:{_unicode_words(p)})" for p in parts), re.IGNORECASE | re.ASCII)


def _unicode_words(pattern: str) -> str:
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            out.append("(?u:\\w)" if pair == "\\w" and not in_class else pair)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


class Gated:
    """Patterns each searched only when the lower-cased text holds its key word: a long alternation costs
    time at every position of every turn, a substring test almost nothing. `search` gives the first match."""

    __slots__ = ("parts",)

    def __init__(self, *parts: tuple[str | tuple[str, ...], str]) -> None:
        self.parts = tuple(((k,) if isinstance(k, str) else k, _rx(p)) for k, p in parts)

    def search(self, text: str):
        low = text.lower()
        for keys, rx in self.parts:
            for k in keys:
                if k in low:
                    m = rx.search(text)
                    if m:
                        return m
                    break
        return None


# Praise of the person's idea or plan ("That sounds like a great plan", "Both sound like good options").
_APPRAISAL = (r"\b(?:sounds?|seems?|looks?) like (?:a |an |such a )?(?:really |very |pretty |truly )?(?:great|good|"
              r"wonderful|excellent|smart|sensible|brilliant|healthy|positive|nice|solid|reasonable|fun|lovely|fantastic) "
              r"(?:idea|plan|step|start|choice|decision|approach|way|thing|goal|option)s?\b")

QUESTION = _rx(
    r"\?",
    r"^\s*(?:can|could|would|will|do|does|did|is|are|was|were|have|has|what(?! an?\b)|when|where|which|who|why|how)\b"
    r"[^.!]*$",
    r"\b(?:tell me (?:more|about|what|when|how)|walk me through|help me understand|can you describe)\b",
)
# A question word with the verb before "you", whatever the punctuation: "What were you thinking when you drove
# home.", "On a scale of one to ten what number would you give it." (Kept apart from QUESTION so that it runs only
# on turns that say "you" and have no other question.)
INVERTED_QUESTION = _rx(r"(?<!no matter )\b(?:what|where|when|why|how|which|who)(?: \w+){0,2} (?:would|do|did|does|will|"
                        r"could|can|are|were|have|had|should) you\b")

# A sentence that is an open question: opens with a question word and ends with "?" ("When do you need
# to be there?"). Inverted ones ("Have you tried…?") are often suggestions, so they are not included.
OPEN_QUESTION = _rx(r"(?:^|[.!?]\s+)(?:and\s+|so\s+)?(?:what|when|where|which|who|why|how)\b[^.!?]*\?")

PARAPHRASE_CUE = _rx(
    r"\bso (?:you(?:'re| are)? (?:saying|telling me)|what you(?:'re| are) saying|if i (?:understand|hear))",
    r"\bif i(?:'ve| have)? (?:understood|understand|got (?:this|that|it)) (?:right|correctly)",
    r"\bwhat i(?:'m| am) hearing is\b",
    r"\b(?:it|that) sounds like you(?:'ve| have| are|'re)?\b",
    r"\bin other words\b",
    r"\b(?:let me|(?:just )?to|i want to|i'd like to) (?:make sure|check|be sure) (?:that )?i(?:'ve| have)? (?:got|understood|"
    r"understand|heard)\b",
    r"\bi(?:'m| am) (?:just )?trying to (?:understand|get) (?:you|this|what you)\b",
    r"\bso,? (?:your|the) \w+ (?:has|have|is|was|were|went|stopped|dropped|isn't|hasn't|weren't|wasn't|aren't|haven't|"
    r"didn't|did|are|got|never|still|keeps?|kept|arrived|showed?|says?|said)\b",
    r"\byou(?:'re| are) telling me\b",
    r"^\s*so,? you(?:'ve| have|'re| are)?\b",
    # "I see... so you're torn between the two?", "Ah, so you were overseas": a restatement cue mid-turn too
    r"\bso,? you(?:'ve| have|'re| are| were| feel|"
    r"'d| had| want| think| don't| didn't| can't| haven't)\b",
    r"\byou (?:said|mentioned) (?:that |you |your |it |he |she |they )",
    r"\bif i (?:get|understand|heard|hear) you (?:correctly|right|clearly)\b",
    r"\byou mean\b",
    # "From what I understand, you're…", "Correct me if I'm wrong, but…"
    r"\b(?:from|by) what i(?:'ve| have)? (?:understand|understood|gather|gathered|hear|heard|can tell)\b",
    r"\bfrom my understanding\b", r"\bcorrect me if i(?:'m| am) wrong\b",
    r"\bif i(?:'m| am) (?:hearing|understanding|reading) (?:you|this|that) (?:right|correctly)\b",
)

_FEELING_ADJ = (r"(?:frustrating|stressful|upsetting|annoying|worrying|difficult|hard|tough|awful|exhausting|disappointing|"
                r"infuriating|scary|overwhelming|confusing|painful|rough|unsettling|miserable|horrible|terrible|"
                r"distressing|draining|nerve-wracking|maddening|alarming|frightening|unfair|worrying for you|unpleasant|violating|"
                r"humiliating|embarrassing|isolating|heartbreaking|challenging)")
REFLECTION = _rx(
    # "That must feel really violating": whatever follows "must feel" is a feeling
    r"\b(?:that|this|it) must (?:feel|have felt) (?:\w+ )?(?:really |so |very |incredibly |quite |pretty )?[a-z]{4,}\b",
    # "…two days without internet sounds incredibly stressful": the subject can be the situation itself.
    r"\b(?:sounds|must (?:be|have been|feel)|(?:has|have|'s got|has got) to (?:be|have been|feel)) (?:really |so |very |incredibly |extremely |"
    r"quite |pretty )?" + _FEELING_ADJ,
    r"\b(?:that|this|it) (?:sounds|must (?:be|have been|feel)|seems|would be) (?:\w+ )?(?:really |so |very |incredibly |extremely |quite |pretty )?"
    r"(?:frustrating|stressful|upsetting|annoying|worrying|difficult|hard|tough|awful|exhausting|disappointing|infuriating|scary|overwhelming|confusing|painful|rough|unsettling|miserable|horrible|terrible|distressing|draining|alarming|frightening)",
    r"\byou(?:'re| are| must be| must feel| seem| sound| feel|'ve been| have been)(?: so| really| very| quite| incredibly| understandably)? "
    r"(?:frustrated|stressed|upset|annoyed|worried|anxious|angry|furious|disappointed|overwhelmed|confused|scared|exhausted|fed up|let down|hurt|sad|lonely)",
    r"\bi can (?:hear|see|tell|imagine|understand) (?:how|that|why) (?:\w+ ){0,4}(?:frustrat|stress|upset|annoy|worr|anxious|angry|difficult|hard|tough|awful|disappoint|overwhelm|scar)",
    r"\bi(?:'m| am)? (?:can |could )?(?:hear|sense|feel|see)(?:ing)? (?:the|your|how much) (?:frustration|stress|worry|anger|disappointment|hurt|"
    r"pain|sadness|fear|anxiety|exhaustion|loneliness)",
    # "That has to be a horrible feeling", "It must have been an awful experience"
    r"\b(?:that|this|it) (?:must|has to|would|will|could) (?:be|have been) (?:a |an |such a )(?:really |very |so |truly )?(?:horrible|"
    r"awful|terrible|scary|lonely|hard|tough|difficult|painful|frightening|upsetting|stressful|horrid|unsettling|"
    r"frustrating|worrying|distressing|exhausting|heartbreaking|humiliating) (?:feeling|experience|place|time|situation|"
    r"position|thing|spot)\b",
    r"\bi can (?:hear|see|tell) (?:this|that|it)(?:'s| is| has been| was) (?:\w+ )?(?:frustrat|stress|upset|annoy|worr|"
    r"anxious|difficult|hard|tough|awful|disappoint|overwhelm|scar|confus)",
    r"\bno wonder you(?:'re| are| feel)\b",
    r"\byou feel (?:like|that(?! way)|as if)\b",
    r"\bhow (?:frustrating|stressful|awful|annoying|upsetting)\b",
    # "That must have been a real shock", "that sounds like a nightmare"
    r"\b(?:that|this|it) (?:must (?:have been|be)|sounds like|sounds|was) (?:a |such a )?(?:real |huge |big |horrible |nasty |"
    r"awful |complete )?(?:shock|blow|nightmare|headache|worry|ordeal)\b",
    r"\b(?:give|gave|given) (?:anyone|anybody|you) (?:a |such a |quite a )?(?:fright|shock|scare|turn)\b",
)

AFFIRMATION = _rx(
    r"\b(?:you(?:'re| are|'ve| have| were)? (?:absolutely |completely |totally |quite |so )?right (?:not )?to\b)",
    # Crediting what they did or felt: "You had every reason to be annoyed", "That's resourceful of you",
    # "You've been so patient", "You did exactly the right thing"
    r"\byou (?:had|have|'ve got|'ve) every (?:reason|right)\b",
    # "That's a completely fair complaint", "That's a really good point"
    r"\b(?:that(?:'s| is| was)|it(?:'s| is)) (?:a |an )?(?:really |very |completely |totally |perfectly |entirely )?(?:fair|"
    r"reasonable|valid|understandable|good|great|important) (?:point|complaint|question|concern|request|thing to ask)\b",
    r"\b(?:resourceful|good|kind|brave|sensible|thoughtful|generous|"
    r"considerate|sweet|wise|smart|clever|patient|understanding|decent|thorough) of you\b",
    r"\byou(?:'ve| have) been (?:so |very |really |incredibly |extremely |remarkably |more than )?(?:patient|"
    r"understanding|brave|calm|gracious|reasonable|helpful|clear|resilient|strong)\b",
    r"\byou did (?:exactly |absolutely |just )?(?:the (?:right|sensible|smart|best) thing|the right thing)\b",
    r"\byou(?:'ve| have) done (?:exactly |absolutely |just )?the (?:right|sensible|smart|best) thing\b",
    r"\bof course you can\b",
    r"\b(?:that(?:'s| is)|it(?:'s| is)) (?:completely |totally |perfectly |entirely )?(?:understandable|fair|reasonable|natural|normal|valid)\b",
    r"\banyone would (?:be|feel)\b",
    r"\byou did (?:the right thing|everything right|all the right things)\b",
    r"\byou(?:'ve| have)(?:n't| not) done anything wrong\b|\byou(?:'ve| have)? done nothing wrong\b",
    r"\b(?:none of (?:this|that)|this|that|it) (?:is|was|'s)(?:n't| not)? (?:your doing|down to you|on you)\b",
    r"\b(?:don't|do not) worry\b", r"\b(?:not|n't) (?:at all )?your fault\b",
    r"\bwe(?:'ll| will) (?:get (?:this|it|you)|sort (?:this|it)|fix (?:this|it))\b",
    r"\bi(?:'ll| will) make sure\b",
    r"\byou(?:'re| are) in (?:good|safe) hands\b",
    # ("I understand" alone is generic: an acknowledgement, see data/cs_moves/LABELLING.md rule 3)
    r"\bthank you for (?:your patience|bearing with|explaining|telling me|letting me know|being patient)\b",
    r"\bi(?:'m| am) (?:here|going) to help\b",
    r"\b(?:great|good) (?:question|point|idea)\b",
    r"\bthat(?:'s| is) (?:a )?(?:great|good|brave|wise)\b",
    r"\byou(?:'re| are) (?:doing|not alone)\b",
    r"\bit will (?:be|get) (?:ok|okay|better|fine)\b",
)

APOLOGY = _rx(
    r"\b(?:i(?:'m| am)|we(?:'re| are)) (?:really |so |very |truly |deeply )?sorry\b",
    r"\bmy apologies\b", r"\b(?:i|we) apologi[sz]e\b", r"\bapologies\b", r"^\s*sorry\b",
)
APOLOGY_OWNERSHIP = _rx(
    r"\bwe (?:got (?:this|it|that) wrong|(?:should|shouldn't) have|let you down|made (?:a|an) (?:mistake|error)|dropped the ball|messed up)",
    r"\b(?:my|our) (?:mistake|fault|error)\b",
    r"\bthat(?:'s| is| was|) (?:not|never) (?:ok|okay|acceptable|good enough)\b",
    r"\bit (?:shouldn't|should not) have (?:happened|taken)\b",
    r"\bsorry (?:that|we|i|you've had|you have had|you had|for (?:the|keeping|making|not))",
    # "that's on us, not you", "that charge should never have happened"
    r"\b(?:that(?:'s| is| was)|this is|it(?:'s| is| was)) (?:all )?on (?:us|me)\b",
    r"\b(?:should(?:n't| not| never) have (?:happened|been (?:charged|taken|sent|cancelled|left))|(?:we|i) (?:got|had) (?:this|it|that) wrong)\b",
)
HOLLOW_APOLOGY = _rx(r"\bsorry for any (?:inconvenience|trouble)\b", r"\bsorry (?:if|you feel)\b",
                     r"\bapologi[sz]e for any inconvenience\b")

ACKNOWLEDGEMENT = _rx(
    r"^\s*(?:ok(?:ay)?|right|i see|got it|understood|sure|alright|thanks|thank you|mm+|ah|oh)\b",
    r"\bthank(?:s| you) for (?:telling|explaining|letting me know|sharing|that|the|your)",
    r"\bi (?:see|hear you|understand|get it|hear what you(?:'re| are) saying)\b",
    r"\bthat makes sense\b", r"\bnoted\b", r"\bi(?:'ve| have) (?:got|noted) (?:that|this)\b",
)

# Generic understanding, fifth round: "I completely understand", "I know exactly how you feel" (LABELLING.md rule 3).
ACKNOWLEDGEMENT_MORE = Gated(
    ("understand", r"\b(?:i|we) (?:completely |totally |really |fully |definitely )understand\b"),
    ("how you", r"\bi (?:can |could )?(?:totally |completely |really |definitely |fully )?(?:understand|know|imagine|get|see) "
                r"(?:exactly |just )?how you(?:'re| are)? (?:must |might |may )?(?:be )?(?:feel|feeling|felt)\b"),
)

DISMISSIVE = _rx(
    r"\bcalm down\b",
    # "Relax.", "Just relax, sir": an order; "a way to relax" or "time to relax" is not
    r"\brelax\b(?<!to relax)(?<!can relax)(?<!ll relax)(?<!uld relax)", r"\b(?:need|try|have|got) to relax\b", r"\bcalm yourself\b",
    r"\b(?:it(?:'s| is)|that(?:'s| is)) (?:not (?:a|that) big (?:deal|of a deal)|not the end of the world|no big deal|only (?:a|two) )",
    r"\byou need to understand\b", r"\byou have to understand\b", r"\byou must understand\b",
    r"\b(?:our|the|company) (?:policy|policies|terms) (?:states?|says?|clearly|is|are|do(?:es)? not)\b",
    r"\bper (?:our|the) policy\b", r"\bas per (?:our|the)\b", r"\bthere(?:'s| is) nothing (?:i|we) can do\b",
    r"\bnothing (?:i|we) can do\b", r"\bthat(?:'s| is) just how it (?:is|works)\b",
    r"\bno need to (?:shout|yell|get upset|be rude)\b", r"\byou(?:'re| are) overreacting\b",
    r"(?<!if )(?<!when )(?<!in case )\b(?:it|that) happens\b(?! again)",  # "if it happens, we'll waive the fee" is a plan r"\bthat(?:'s| is) not my (?:problem|department|job)\b",
    r"\bstop (?:shouting|yelling)\b", r"\bdeal with it\b", r"\bwhatever\b", r"\bas i (?:already )?said\b",
    r"\bi can't help (?:you|that)\b", r"\byou(?:'ll| will) (?:just )?have to wait\b",
    r"\bi (?:just )?work here\b", r"\bit is what it is\b", r"\bbe patient\b",
    # policy as a wall, and denying responsibility: "That's our policy, I can't do anything."
    r"\bthat(?:'s| is) (?:our|the|company) (?:policy|rules?)\b",
    r"\b(?:i|we) can(?:'t|not) do anything\b(?![^.!?]*\bbut\b)", r"\bnot (?:our|my|the company's) fault\b",
)

BLAME = _rx(
    # "you shouldn't have been charged" takes the customer's side: passive "have been" is not blame.
    # "you shouldn't have TO chase us" takes their side too; "you should have BEEN IN" blames them.
    r"\byou should(?:'ve| have| not have|n't have)\b(?! to\b)(?! been (?:\w+ed|told|sent|given|made|put|left|taken|kept|shown|"
    r"paid|sold|hit|asked|let)\b)",
    # "telling you never to stop them", "sorry you didn't get a call": said for them, not at them
    r"(?<!telling )(?<!told )(?<!tell )(?<!asked )(?<!advised )(?<!sorry )(?<!shame )(?<!sorry that )"
    # "you didn't want to make a fuss", "you didn't deserve that": what they felt or were owed, not a failing
    r"\byou (?:didn't|did not|failed to|forgot to|never)\b(?! (?:get|receive|hear|have|want|wanna|mean|deserve|need|expect|"
    r"ask for|sign up for|like)\b)",
    r"(?<!not )(?<!n't )\byour (?:fault|mistake|error|problem)\b",
    # "If you had called earlier we could have fixed it" holds it against them; "if you had a job, you'd feel…" does not
    r"\bif you had\b(?=.{0,80}\b(?:(?:would|could|might)(?:n't| not)? have|(?:would|could)'ve|wouldn't)\b)", r"\bif you'd\b(?=.{0,60}\b(?:wouldn't|would not|would never|wouldn't have)\b)", r"\byou must have\b",
    r"\bthat(?:'s| is) (?:on you|why you)\b", r"\byou (?:obviously|clearly) (?:didn't|did not|don't)\b",
    r"\byou were supposed to\b", r"\buser error\b", r"\byou caused\b",
    r"\b(?:that(?:'s| is)|it(?:'s| is)) (?:really |entirely |all |completely )?(?:your|on your) (?:responsibility|lookout|job)\b",
    r"\byou (?:probably|must have|might have|may have) (?:unplugged|broke|deleted|changed|pressed|clicked|typed|"
    r"entered|missed|forgot|ignored|misread)\b",
)

JARGON = _rx(
    r"\bprovision(?:ing|ed)?\b", r"\bescalation (?:matrix|path|queue|tier)\b", r"\bSLAs?\b", r"\bDSLAM\b",
    r"\bticket (?:id|number|no\.?|#)\s*[\w-]*\d", r"\b\d+(?:-\d+){2,}\b", r"\b(?:tier|level) ?[1-3] (?:support|team|queue)\b",
    r"\bOLT\b", r"\bONT\b", r"\bPPPoE\b", r"\bDHCP\b", r"\bVLAN\b", r"\bsync (?:rate|speed)\b", r"\bRMA\b",
    r"\bback[- ]?end\b", r"\bCRM\b", r"\bKPI\b", r"\bAHT\b", r"\bnode\b", r"\bupstream\b", r"\bfault (?:code|ref)",
    r"\bline profile\b", r"\battenuation\b", r"\bSNR\b", r"\bnoise margin\b", r"\bcase (?:id|ref(?:erence)?) [\w-]*\d",
    r"\bwork order\b", r"\bdispatch queue\b", r"\bL[12] (?:team|support)\b", r"\bSKU\b", r"\bchargeback\b",
    r"\bpre-?auth(?:orisation|orization)?\b", r"\bIMEI\b", r"\bAPN\b", r"\bas per the\b",
    r"\bexception scan\b", r"\bauthori[sz]ation hold\b", r"\bpending authori[sz]ation\b", r"\bsettlement (?:file|batch|cycle)\b",
    r"\b(?:merchant|acquirer|issuer) (?:side|bank|reference)\b", r"\bestimated (?:read|reading)\b", r"\bstanding charge\b",
    r"\bkwh\b", r"\bmbps\b", r"\bERP\b", r"\bEPS\b", r"\bPNR\b", r"\bIROPS?\b", r"\bsubrogation\b",
    r"\bexcess (?:applies|clause)\b", r"\bindemnity\b", r"\bloss adjust(?:er|ment) (?:protocol|process)\b",
)

NEXT_STEP = _rx(
    r"\bi(?:'ll| will| am going to|'m going to| can) (?:book|send|schedule|arrange|call|email|text|refund|credit|replace|"
    r"escalate|log|raise|set up|activate|add|organise|organize|get|put|run|reset|order|issue|check|transfer|ring|follow up|reship|ship|cancel|fix|apply)\b",
    r"\bwe(?:'ll| will| can) (?:book|send|schedule|arrange|call|email|refund|credit|replace|have|get|ship|reship|apply|fix|add)\b",
    r"\b(?:i(?:'ve| have)|we(?:'ve| have)) (?:booked|sent|scheduled|arranged|added|applied|raised|logged|ordered|issued|activated|credited|refunded)\b",
    r"\bnext step(?:s)? (?:is|are|will be)\b", r"\bhere(?:'s| is) what (?:i|we)(?:'ll| will| can) do\b",
    r"\b(?:let me|i can) (?:book|send|schedule|arrange|run|set up|get|check|arrange|organise|organize|refund|credit|reset)\b",
    # Concrete actions said in the present ("I'm booking…") or with less common verbs ("I'll rebook…").
    r"\b(?:i'm|i am|we're|we are) (?:now )?(?:booking|rebooking|sending|arranging|scheduling|adding|refunding|crediting|"
    r"putting|escalating|raising|ordering|issuing|cancell?ing|correcting|holding|processing|transferring|resetting|"
    r"replacing|waiving|reversing|reshipping|applying|activating|upgrading|expediting|reimbursing|calling)\b",
    r"\b(?:i|we)(?:'ll| will) (?:rebook|correct|hold|process|waive|reverse|update|cover|reimburse|upgrade|release|"
    r"expedite|courier|use|pay|refill|dispatch|contact|phone|submit|approve|authori[sz]e|void|stop|freeze|unfreeze|"
    r"restore|reconnect|re-?send|re-?issue|open|file|flag|note|mark|move|change|switch|waive)\b",
)
TIME_WORDS = _rx(
    r"\b(?:today|tonight|tomorrow|this (?:afternoon|evening|morning|week)|within \w+ (?:hours?|minutes?|days?)|"
    r"by (?:\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|noon|tomorrow|the end)|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in (?:the next )?\w+ (?:hours?|minutes?|days?))\b",
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b", r"\b\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\b",
)

SUMMARY = _rx(
    r"\bto (?:sum up|summari[sz]e|recap)\b", r"\bjust to recap\b", r"\bin summary\b", r"\bso to confirm\b",
    r"\bto confirm,? (?:i|we|you|the|your)\b", r"\bhere(?:'s| is) (?:a quick )?(?:summary|recap|what we(?:'ve| have) agreed)\b",
    r"\bso,? (?:we(?:'ve| have)|i(?:'ve| have)) (?:agreed|booked|arranged|set up)\b", r"\bjust to confirm\b",
    r"\bso (?:the plan is|what happens now is|here's where we are)\b",
    r"^\W*so,?\s*(?:a |quick )?recap\b", r"^\W*so\s*:\s*\w", r"^\W*(?:quick )?recap\s*:",  # "So, recap: ...", "So: ..."
)

CHECK_MORE = _rx(
    # "Anything else?", "Can I help with anything else?", "Do you need anything else?": offering more help. Not
    # "Have you had to spend anything else?" or "Did you try anything else?": those ask about their story.
    r"(?:^|[.!?,;:]\s*|\b(?:there|need|want|with|do|get you|or|and|else|i (?:missed|forgotten|left out)) )anything else\b",
    r"\bis there (?:anything|something) (?:else|more)\b", r"\bany other (?:questions|concerns|issues|problems)\b",
    r"\bcan i help (?:you )?with anything\b", r"\bdoes that (?:cover|answer|work|sound)\b", r"\bdo you have any (?:other |more )?questions\b",
    r"\bis that (?:ok|okay|alright|all right|everything)\b", r"\bhave i (?:covered|missed|answered)\b",
)

FAREWELL = _rx(
    r"\b(?:good ?bye|bye|take care|(?<!you )(?<!did you )have a (?:good|great|nice|lovely) (?:rest of (?:your|the) )?(?:day|evening|night|"
    r"weekend|one)|all the best|enjoy (?:the rest of )?your (?:day|evening|night|weekend|meal|trip|holiday)|safe travels|"
    r"thanks for (?:calling|contacting|your call|getting in touch|reaching out)|thank you for (?:calling|contacting|your call|getting in touch|reaching out))\b",
)

# The scripted opening of a call; "thank you for calling" is a farewell only where the call ends.
GREETING = _rx(r"\bhow (?:can|may|might) i (?:help|assist)(?: you)?(?: today)?\b", r"\bwhat can i do for you\b",
               r"\bwelcome to\b", r"\byou(?:'re| are) (?:through|speaking) to\b")
GOODBYE = _rx(r"\b(?:good ?bye|bye|take care|have a (?:good|great|nice|lovely) (?:day|evening|night|weekend|one)|all the best)\b")

OFF_TOPIC_CUE = _rx(
    r"\b(?:by the way|anyway|speaking of|on another note|random question|fun fact)\b",
    r"\b(?:weather|football|holiday|vacation|weekend plans|lunch|traffic|my cat|my dog)\b",
    r"\bhave you (?:seen|heard about|watched)\b", r"\b(?:upgrade|upsell|special offer|promotion|premium package|new plan)\b",
)

# A feeling word used about the customer's situation: "two days offline is awful for you".
REFLECTION_SOFT = _rx(r"\b(?:for you|you(?:'re| are| must| feel| seem)|that(?:'s| is)|it(?:'s| is)|must be|sounds|"
                     r"(?:made|make|makes|making|left|leaves|leaving) you (?:feel|feeling|so|very|really|more|quite|pretty|"
                     r"a (?:bit|little)|\w+(?:ed|ous|ful|less)))\b")
# A feeling said to be all right to have ("It's okay to feel sad", "It's natural to be nervous"): normalising, not reflecting.
NORMAL_TO_FEEL = _rx(r"\b(?:ok|okay|normal|natural|fine|alright|all right|human|understandable|common|valid) to (?:feel|be|get)\b")

# --- Reflective listening in the counsellor's sense (restating content or feeling, often beyond the words).
# Designed on the structure of reflections (MI coding manuals: a statement about the other person's
# experience, not a question, not the speaker's own information or advice), measured on AnnoMI dev.

# Openers that carry no move: "Okay. So, um, ..." -> the statement after them.
# "Right", "good", "great", "now", "sure" and "i see" are openers only when a pause follows ("Good. You…"), not in
# "Good luck with it" or "Right now it feels…".
FILLER = _rx(r"^(?:[\s,.!\-–—]*(?:(?:okay|ok|so|and|but|yeah|yes|all right|alright|mm-hmm|mm+h*|hmm+|uh-huh|um+|uh|"
             r"well|oh|gotcha|wow)\b|(?:right|sure|i see|now|good|great)(?=[\s]*[,.!\-–—]|$)))+[\s,.!\-–—]*")
# The speaker's own information, advice or plans: not a reflection of the other person.
OWN_VOICE = _rx(
    r"\b(?:i think|i(?:'d| would) (?:suggest|recommend|like|encourage)|i want(?: to)?|let me|let's|"
    r"we (?:can|could|will|'ll|should)|you (?:should|could try|might want|may want|need to|have to|can always)|"
    r"research|studies|important (?:to|that)(?! you\b)|recommend|i(?:'m| am) going to|i(?:'m| am) (?:wondering|curious)|"
    r"i was|i have|i've|my|most people|a lot of people|some people|the (?:doctor|guidelines?)|thank)\b",
    r"^(?:i|we|let|i'll|we'll|i'm|we're|try|maybe|perhaps|please|just)\b",
    r"\byou (?:can|could|will|might|may|'ll) (?:also |always |still |just )?(?:try|use|do|go|get|look|find|talk|ask|call|"
    r"contact|check|start|join|take|make|put|be|have|see|enjoy|feel better)\b",
    r"\b(?:try to|i hope|i wish|you too|hope you|good luck|best of luck|if you (?:want|need|like)|i(?:'m| am) afraid)\b",
    # an offer on a condition: "If you wanted to bring your partner, I'd be glad to talk to you both"
    r"\bif you (?:ever )?(?:wanted|needed|liked|(?:would|'d) (?:like|prefer|rather)|wish|feel like|decide|choose|are (?:ever )?"
    r"(?:interested|ready|happy))\b",
    r"\bi(?:'d| would) be (?:more than |really |very |only too )?(?:happy|glad|pleased|delighted) to\b",
    r"\b(?:as|like) i (?:always |often |keep )?(?:say|said|tell|told|mentioned)\b",
    # the speaker's own next step: "So I'll plan to see you again in a fortnight"
    r"\bi(?:'ll| will) (?!never\b)(?:\w+ )?(?:plan|see|meet|send|give|get|make|book|call|ring|write|check|ask|look|talk|share|"
    r"put|set|bring|leave|let|come|go|follow|pass|print|email)\b",
    # what they will have to do: "You'll need to be in between eight and twelve"
    r"\byou(?:'ll| will) (?:need|have|want) to\b",
    # advice and the speaker's own story: "I suggest you…", "All you need is…", "I used to…", "I myself…"
    r"\b(?:i (?:would |'d )?suggest|(?:one|my) suggestion|you (?:just |really |only |simply )?need to|all you need|"
    r"i (?:also|too|myself|used to|remember|found|had|went|did)|glad i could|(?:you(?:'re| are) )?(?:so |very |most )?welcome)\b",
    r"^(?:keep|give|do|don't|stop|go|pick|look|remember|take|make|be|get|find|consider|think about)\b",
    # general information: how things usually go, not what this customer said
    r"\b(?:usually|normally|typically|generally|on average|working days|(?:it|they|this|that) (?:can|will|should|may) take)\b",
)
# What a reflection attributes to the person: a state of mind, a wish, an effort ("you want", "you've tried").
INNER_STATE = _rx(r"\b(?:feel|feels|felt|feeling|think|thinks|thought|want|wants|wanted|wish|hope|need|needs|care|cares|"
                  r"worry|worried|wonder|know|knew|believe|like|liked|love|hate|decided|realize|realise|realized|"
                  r"realised|notice|noticed|tried|trying|struggle|struggling|afraid|sure|unsure|ready|seem|seems|sound|"
                  r"sounds|mean|means|matters?|important|enough|sense|aware|mind)\b")
# A statement about the other person: "You're torn...", "It sounds like...", "That's a lot for you".
ABOUT_YOU_START = _rx(r"^(?:it )?(?:sounds like|seems like|it sounds|it seems|it's like|kind of|sort of|you|you're|you've|"
                      r"you'd|you'll|your|for you|on (?:the )?one hand|part of you|that|this|it)\b")
FIRST_PERSON = _rx(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|we|we're|we've|we'd|we'll|us|our|ours)\b")
SECOND_PERSON = _rx(r"\b(?:you|you're|you've|you'd|your|yourself)\b")
# Phrasings that mark a reflection whatever else the turn does.
REFLECTIVE_CUE = _rx(r"\b(?:sounds like|it sounds|(?:doesn't|does not|didn't|did not|does|did|must|would) (?:really |certainly |definitely )?(?:sound|seem) (?:like|as if|as though)|it seems like|(?:sounds|seems) as (?:though|if)|what i(?:'m)? hear|^(?:it )?seems like|(?:kind of |sort of )?feels like you|(?:it )?looks like you|i(?:'m)? hear(?:ing)? (?:you|that)|"
                     r"on (?:the )?one hand|part of you|you(?:'re| are) saying|i get the (?:sense|impression|feeling))\b")
SO_START = _rx(r"^\W*(?:(?:okay|ok|yeah|right|all right|alright|mm-hmm|mm+|hmm|uh-huh|um|well|oh)\W+)*so\b")
# Asking without a question mark: "Tell me a bit about...", "I'm wondering whether..."
QUESTION_CUE = _rx(r"\b(?:tell (?:me|us) (?:a (?:little|bit)|more|about|something about)|start by telling me|"
                   r"i(?:'d| would) (?:like|love) to (?:find out|know|hear|understand|learn) (?:\w+ ){0,6}?"
                   r"(?:about|how|what|why|whether|if)|"
                   r"i(?:'m| am)? wonder(?:ing)? (?:if|whether|what|how|why)|"
                   r"i(?:'m| am) curious (?:about|what|how|whether|if))\b")

# Asking them to say more: "Can you give me an example?", "Could you describe what happened next?"
ASKS_FOR_MORE = _rx(r"\b(?:can|could|would|will) you (?:please |maybe |just )?(?:tell|give|describe|explain|walk|show|share|"
                    r"say (?:a (?:bit|little) )?more|talk (?:me|us) through)\b")

# Reassurance and encouragement about the person ("I know you'll get through this", "That's a good plan").
ENCOURAGEMENT = _rx(
    r"\b(?:i(?:'m| am) sure|i know|i believe|i bet) (?:that )?you(?:'ll| will| can| could| are| have|'re|'ve)\b",
    # ("You can do it online" is an option, not encouragement)
    r"\byou (?:can|will|'ll|could) (?:definitely |totally |certainly |surely |still )?(?:do (?:it|this|that)"
    r"(?! (?:online|by|in|at|over|from|through|via|on|with|using|for|here|there|yourself|later|now)\b)|get through|make it|handle|manage|overcome|figure|find|"
    r"sort|work (?:it|this|that) out|get (?:past|over)|beat)\b",
    r"\b(?:i )?believe in you\b", r"\bproud of you\b", r"\bhang in there\b", r"\bstay strong\b",
    r"\b(?:don't|do not|never) give up\b", r"\bthere(?:'s| is) (?:always )?hope\b",
    r"\b(?:everything|things|it)(?:'ll| will) (?:be|get|turn out) (?:ok|okay|alright|all right|fine|better|well)\b",
    r"\b(?:that(?:'s| is| sounds like)|what) (?:a |such a )?(?:really |very )?(?:great|good|wonderful|excellent|smart|"
    r"sensible|brave|positive|healthy) (?:idea|plan|step|start|choice|decision|approach|thing|attitude|sign)\b",
    r"\bgood for you\b", r"\bwell done\b", r"\bgood job\b", r"\byou deserved?\b",
    # "Life will get better for you", "Things will pick up in the new year", "This will pass"
    r"\b(?:life|things|everything|it|this|that)(?:'ll| will| is going to|'s going to| are going to) (?:\w+ )?(?:get better|improve|"
    r"pick up|work out|ease|pass|be better)\b",
    # "You've done really well", "You can do well at the tests", "Don't get discouraged", "Don't beat yourself up"
    r"\byou(?:'ve| have) done (?:so |very |really |incredibly |extremely )?(?:well|great|amazingly|brilliantly|a (?:great|good|"
    r"fantastic|wonderful) job)\b",
    r"\byou (?:can|will|'ll|could) (?:definitely |totally |certainly |really )?do (?:well|great|fine)\b",
    r"\b(?:don't|do not|try not to|never) (?:get discouraged|lose hope|give up hope|beat yourself up|be (?:so |too )?hard on yourself)\b",
    # "You've got this", "I admire how you…", "They're lucky to have you", "I'm here for you"
    r"\byou(?:'ve| have)? got this\b", r"\bi (?:really |truly )?admire (?:you|your|how|the way)\b",
    r"\blucky to have you\b", r"\b(?:glad|happy|pleased|relieved) to (?:hear|know) (?:that|this|it)\b", r"\bi(?:'m| am) (?:always )?here (?:for you|to listen)\b",
    r"\b(?:sounds?|seems?) like (?:a |an |such a )?(?:really |very )?(?:great|good|wonderful|excellent|smart|sensible|"
    r"brilliant|healthy|positive) (?:idea|plan|step|start|choice|decision|approach)s?\b",
    r"\b(?:everything|things|it)(?:'s| is| are|'re) going to (?:be (?:ok|okay|alright|all right|fine|better)|get better|"
    r"improve|work out)\b",
    r"\b(?:your|those|these|the|such|all (?:of )?(?:those|these|your)) feelings (?:are|were) (?:totally |completely |"
    r"perfectly |entirely |so |absolutely )?(?:valid|understandable|normal|natural|legitimate)\b",
    r"\byou(?:'re| are| seem| sound)(?: \w+)? (?:so |very |really |clearly )?(?:strong|brave|resilient|capable|smart|"
    r"intelligent|kind|caring|thoughtful|mature|determined|courageous)\b",
    r"\byou(?:'re| are|'ve been| have been) (?:handling|doing|coping with) (?:it|this|that|things|everything)? ?"
    r"(?:so |really |very )?(?:well|great|amazingly)\b",
    r"\byou(?:'re| are) not alone\b", r"\b(?:it is|it's) (?:not|never) (?:at all )?your fault\b",
    r"\b(?:a lot of|many|lots of) (?:people|others) (?:are|have been|go through|feel)\b",
    r"\byou made the right (?:decision|choice|call)\b",
    # Praise of the person: "You seem like a thoughtful person", "You sound like a really caring dad"
    r"\byou(?:'re| are| seem| sound)(?: like)? (?:a |an |such a )?(?:really |very |so |truly )?(?:good|great|nice|kind|lovely|"
    r"caring|bright|smart|strong|thoughtful|wonderful|loving|devoted|capable|sweet|genuine|decent|hard-working|"
    r"hardworking|responsible|brave|considerate|generous|warm|patient|amazing|incredible|fantastic|awesome|beautiful|"
    r"special) (?:person|people|man|woman|guy|friend|"
    r"parent|mum|mom|mother|dad|father|son|daughter|wife|husband|partner|sister|brother|student|worker|soul|neighbou?r|colleague|"
    r"teacher|nurse|carer|caregiver|grandparent|grandmother|grandfather|aunt|uncle|human being|listener|role model)\b",
    # Gladness about what they did or found: "I'm glad you spoke up", "Really pleased to hear you've found a flat"
    r"\b(?:glad|happy|pleased|relieved) (?:to hear |that )?(?:that )?"
    r"(?:you(?:'re| are|'ve| have| were| did| got| found| feel| managed| decided| made| can| could| still| told| spoke|"
    r" talked| called| rang| came| reached| asked| shared| tried)|"
    r"(?:things|it|that)(?:'s| is| are| went| worked))\b",
    # A positive appraisal of their plan or step: "That's wonderful", "That is so impressive"
    r"\b(?:that(?:'s| is| sounds)|this is|what an?) (?:really |so |very |absolutely |truly )?(?:awesome|wonderful|"
    r"amazing|fantastic|excellent|brilliant|impressive|admirable|commendable|inspiring|encouraging|terrific|honou?rable|"
    r"noble|selfless)\b",
    # Normalising: "That's not silly at all", "There's nothing strange about wanting that"
    r"\b(?:that|it|this)(?:'s| is)(?: not|n't) (?:at all )?(?:weird|strange|silly|stupid|crazy|odd|selfish|unusual|"
    r"dumb|wrong of you)\b",
    r"\b(?:it(?:'s| is)|its|that(?:'s| is)) (?:completely |perfectly |totally |very |quite )?(?:normal|natural|okay|ok|fine|"
    r"human) to (?:feel|be|want|have|need|worry|cry|struggle)\b",
    # Reassurance about how it will go for them: "You'll be fine", "I'm sure it'll work out"
    r"\byou(?:'ll| will) (?:be (?:fine|ok|okay|alright|all right|great)|get there|nail it|do (?:great|fine|well))\b",
    r"\bi(?:'m| am) (?:sure|confident|certain) (?:that )?(?:it|things|everything|they|this)(?:'ll| will)\b",
    r"\b(?:stay|keep) (?:staying |being )?(?:positive|strong|hopeful)\b", r"\bkeep (?:your|that) (?:head|chin) up\b",
)
# Fifth round: more affirmations (each pattern holds one of the key words).
AFFIRMATION_MORE = Gated(
    # Normalising: "You're certainly not the only one", "Any sensible person would hesitate",
    # "That's a really common worry", "That's very understandable"
    (("only one", "only person"), r"\byou(?:'re| are)(?: \w+ly| definitely)? not the only (?:one|person)\b"),
    ("alone", r"\byou (?:aren't|are not|'re not) alone\b"),
    (("anybody", "any ", "most people", "blame you"),
     r"\b(?:anybody|any (?:\w+ )?(?:person|parent|one of us)|most people|no one could blame you|nobody could blame you)"
     r" (?:would|in your (?:shoes|position|situation))\b"),
    ("common", r"\b(?:that(?:'s| is)|it(?:'s| is)) (?:a |an )?(?:very |really |so |pretty |quite |extremely )?common (?:worry|"
               r"feeling|reaction|fear|concern|experience|response|thing to (?:feel|worry))\b"),
    ("understandable", r"\b(?:that(?:'s| is| was)|it(?:'s| is)|that seems) (?:very |really |so |quite |absolutely |more than )"
                       r"understandable\b"),
    # Reassurance: "Try not to worry too much", "It does get better", "I have every confidence you'll manage"
    ("try", r"(?<!\bi )(?<!\bwe )(?<!\bi just )\btry (?:not to|to not) (?:worry|stress|panic|blame yourself|beat yourself)\b"),
    (("better", "easier"), r"\b(?:it|things|life) (?:really |honestly |always |usually |does |do )*gets? (?:better|easier)\b"),
    (("confiden", "certain", "faith"), r"\bi(?:'m| am) (?:so |very |really )?(?:confident|certain) (?:that )?you\b|"
                                       r"\bi have (?:every |total |full |complete )?(?:confidence|faith) (?:in you|that you)\b"),
    # Crediting effort and worth: "You've been working so hard on it", "You're doing your best", "You're worth it"
    ("hard", r"\byou(?:'re| are|'ve| have)(?: clearly| really| obviously)?(?: been)? (?:working|trying) (?:really |so |very |"
             r"incredibly )?hard\b"),
    ("like", _APPRAISAL),  # "That sounds like a great plan"
    ("best", r"\byou(?:'re| are|'ve been| have been) (?:clearly |really )?(?:doing|trying) (?:your|the) (?:very )?best\b"),
    ("effort", r"\byou(?:'ve| have) (?:been making|made|put in) (?:a (?:real |huge |big )?|so much |real |great )?efforts?\b"),
    ("worth", r"\byou(?:'re| are) (?:so |totally |definitely )?worth (?:it|more|so much|better)\b"),
    ("right to", r"\byou(?:'re| are)? (?:\w+ )?right to (?:be|feel|want|ask|question|worry|say|raise|speak)\b"),
)

# Feeling named as understood ("I understand how hard that is", "I can feel your anxiety", "That can be so hurtful").
REFLECTION_MORE = _rx(
    # "I can understand wanting to avoid a row", "I can tell this is really hurting you"
    r"\bi can (?:definitely |totally |really |certainly |completely )?(?:understand|imagine|see|tell|feel|sense) "
    r"(?:wanting|being|feeling|not wanting|having to|needing)\b",
    r"\bi can (?:definitely |totally |really |certainly )?(?:tell|see|feel|sense) (?:this|that|it|you)(?:'s| is| are|'re)? "
    r"(?:\w+ ){0,3}?(?:hurt|frustrat|stress|upset|anxi|worr|sad|lonely|scar|afraid|angry|overwhelm|disappoint|weigh|"
    r"pain|exhaust|tired)",
    # (not the stock line "I understand how you feel." with nothing after it: generic, an acknowledgement)
    r"\bi (?:can )?(?:understand|imagine|see|feel|sense|tell) "
    r"(?!(?:exactly |just )?how you(?:'re| are)? (?:must |might |may )?(?:be )?(?:feel|feeling|felt)\b\W*(?:$|[.!,;:]))"
    r"(?:how|why|that|what|your) (?:\w+ ){0,4}?(?:feel|hurt|frustrat|stress|upset|anxi|worr|sad|lonely|alone|scar|afraid|angry|hard|difficult|tough|rough|"
    r"overwhelm|disappoint|miss)",
    r"\bi (?:can )?(?:understand|feel|sense|hear) (?:your|the) (?:frustration|anxiety|stress|pain|worry|worries|concern|"
    r"fear|sadness|anger|disappointment|hurt|loneliness)\b",
    r"\b(?:that|this|it) (?:can|could|would|will) (?:be|feel) (?:\w+ )?(?:really |so |very |incredibly |quite )?"
    r"(?:frustrating|stressful|upsetting|hard|difficult|tough|awful|scary|overwhelming|painful|hurtful|lonely|"
    r"depressing|rough|exhausting|disappointing|isolating|confusing|awkward|embarrassing|humiliating|unsettling|"
    r"nerve-wracking|worrying|upsetting|frightening|draining|heartbreaking)\b",
    r"\b(?:that|this|it)(?:'s| is) (?:a |such a )?(?:really |so |very )?(?:tough|hard|difficult|rough|painful|scary|"
    r"stressful|lonely) (?:situation|time|place|spot|thing|position|one)\b",
    r"\byou(?:'re| are| must be| seem| sound)(?: so| really| very| quite)? (?:feeling )?(?:\w+ )?(?:and )?"
    r"(?:lonely|isolated|hopeless|helpless|lost|stuck|trapped|down|heartbroken|betrayed|ashamed|guilty|nervous|"
    r"afraid|sad|depressed|anxious|worried|stressed|frustrated|upset)\b",
)
# A yes/no question that proposes something ("Have you tried restarting it?", "Would you consider…?"):
# a suggestion phrased as a question, not a probe for the customer's story. Asking who they have already
# contacted ("Have you spoken to us before?", "Did you ask your bank?") is a probe: in service calls that is
# the customer's history, so those verbs are not here.
# "Have you thought about how you'd do it?" asks about their thinking; "Have you thought about a locksmith?" proposes.
_THEIR_THINKING = r"(?:it|that|this|those|these|them|how|what|why|whether|where|when|who|which)\b"
SUGGESTION_QUESTION = _rx(
    r"^\W*(?:(?:and|so|well|maybe|perhaps|also|or),?\s+)?(?:have|did) you (?:ever )?(?:tried|try|thought (?:about|of)"
    r"(?! " + _THEIR_THINKING + r")|considered|consider|looked (?:into|at))\b",
    r"^\W*(?:(?:and|so|well|maybe|perhaps|also|or),?\s+)?(?:would|could|can|will) you (?:consider|try|maybe|perhaps|"
    r"be (?:willing|open|able) to|like to try|think about)\b",
    r"^\W*(?:(?:and|so|well|maybe|perhaps|also|or),?\s+)?(?:what|how) about (?:trying|talking|asking|calling|going|"
    r"getting|taking|making|looking|reaching|joining|writing)\b",
    r"^\W*(?:why not|why don't you|do you want to try|have you considered)\b",
    # "Is there a way you could…?", "Is it possible to…?", "Can I suggest…?", "How about a walk?", "What about asking…?"
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:is there (?:a|any) way (?:you|to|for you)|is it possible (?:to|for you|that you)|"
    r"(?:can|could|may) i (?:suggest|recommend|propose)|(?:how|what) about (?:\w+ing\b|an? |some ))",
    # "Maybe you could ask your neighbour?", "Perhaps a quick call to the school?": advice with a question mark
    r"^\W*(?:(?:and|so|well|hmm|also|or|but),?\s+)*(?:maybe|perhaps)\b",
    # "Do you think a second opinion would help?", "Would it be worth asking them?": a proposal to weigh up
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:do|don't) you think\b[^?]*\b(?:would|could|might|will) "
    r"(?:\w+ )?(?:help|benefit|be (?:\w+ )?(?:helpful|beneficial|useful|worth|a good idea|an option|good for you))\b",
    # (not an offer of the speaker's own: "Would it be helpful if I sent you…", "…to give you some information?")
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:would|could|might) it (?:\w+ )?(?:help|be (?:\w+ )?(?:worth|helpful|"
    r"useful|a good idea|an idea))\b(?! (?:you )?(?:if (?:i|we)\b|for (?:me|us) to\b|(?:for you )?to (?:give|send|share|tell|show|"
    r"go (?:over|through)|talk (?:you )?through|explain|email|post|print) (?:you|some|a|the|more)\b))",
    # "Is that something you'd be willing to do?", "Would that be something you'd consider?": asking them to take it up
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:is|would) (?:that|this|it) (?:be )?(?:something|anything) (?:that )?you(?:'d| would)? "
    r"(?:be )?(?:(?:open|willing|interested|up for|keen) (?:to|in)|like to|want to|consider)\b",
    # "What would you think about trying a different approach?", "How would you feel about a payment plan?"
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:what|how) would you (?:think|feel|say) (?:about|of|to) (?:\w+ing\b|an? |the idea|"
    r"some |maybe |perhaps )",
    # "Is there anyone you could talk to?", "Do you have a friend you can lean on?": pointing to support
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:is there|are there|do you have|have you got|do you know)\b[^?]*"
    r"\b(?:you|who|that) (?:can|could|might) (?:\w+ )?(?:talk|speak|confide|turn|lean|reach out|open up|vent|"
    r"go to|ask for (?:help|support|advice))\b",
    r"^\W*(?:(?:and|so|well|also|or|but),?\s+)?(?:have you|did you) (?:ever )?(?:thought(?! (?:at all )?(?:about|of) "
    + _THEIR_THINKING + r")|considered|looked into|"
    r"reached out|sought|asked for help|asked for support|gone to (?:a|see a|the) (?:doctor|gp|counsell?or|therapist))\b",
)

# A sentence that opens as a question: a question word or an inverted auxiliary ("Do you feel it's unfair?").
ASKS_OPENING = _rx(r"^(?:what|when|where|which|who|whom|whose|why|how|do|does|did|is|are|was|were|have|has|had|can|could|"
                   r"would|will|shall|should|may|might|am|isn't|aren't|don't|doesn't|didn't|haven't|hasn't|won't|"
                   r"wouldn't|can't|couldn't)\b")

# The person's inner state said about them anywhere in a statement: "it's important to you", "you'd like…".
INNER_STATE_OF_YOU = _rx(r"\b(?:(?:important|matters?|means?|hard|difficult|scary|worrying)"
                         r"(?: (?:a lot|so much|a great deal|everything|the world))? (?:to|for) you|"
                         r"you(?:'d| would) (?:like|love|rather|prefer)|you(?:'re| are) (?:not )?(?:sure|unsure|ready|"
                         r"willing|hoping|thinking|wondering|worried|concerned|afraid|torn)|you (?:really )?(?:want|wanted|"
                         r"wish|hope|feel|felt|think|thought|believe|know|knew|worry|care|need|don't want|didn't want))\b")

# A statement that mentions "you" but is not about the person's experience: what will or would happen,
# conditions and obligations ("You'll have to do that in the app", "If you'd kept the number…").
NOT_ABOUT_THEM = _rx(r"\b(?:will|'ll|would|going to|gonna|have to|has to|had to|if|unless|should|shouldn't|must|"
                     r"need to|needs to|owe|policy|terms|our|we|us|i'll|i'm|i've|i|me)\b")

# "you" that is not the person's own experience: courtesies, a third party's help, the generic "you".
GENERIC_YOU = _rx(r"\b(?:you (?:too|as well)|(?:nice|great|good|lovely|a pleasure|pleasure|fun) (?:talking|chatting|speaking) "
                  r"(?:to|with) you|(?:help|helps|helped|allow|allows|let|lets|teach|teaches|enable|enables|support|"
                  r"supports) (?:you|yourself)|when you|whenever you|once you|after you|while you|anyone|everyone|"
                  r"everybody|people|better off)\b")
# What could or might happen ("you can always book online"), not what they cannot do ("you can't sleep for it").
MODAL = _rx(r"\b(?:can|could|might|may)\b(?!'t|n't|not)")

# A sentence that tells the person what to do: it opens with a verb's plain form ("Use your time off…").
IMPERATIVE = _rx(r"^(?:please |just |maybe |perhaps |first of all,? |also,? |and |so )?(?:pick|choose|use|search|spend|engage|"
                 r"think|try|enjoy|be|keep|give|do|don't|never|stop|go|look|remember|take|make|get|find|consider|call|"
                 r"ask|tell|talk|write|read|join|reach|let|focus|practice|practise|start|avoid|treat|put|see|check|listen|"
                 r"learn|imagine|leave|send|bring|set|hold|stay|move|turn|open|close|watch|wait|believe|trust|accept|"
                 r"allow|forget|speak|contact|visit|seek|apply|sign|share|show|explain|eat|sleep|drink|rest|relax|grab|"
                 r"breathe|exercise|meditate|journal|note|list|plan|prepare|pay|save|break|write|split|pace|limit)\b")

# Asking for agreement to a proposal ("Does that sound okay?", "Would that work for you?"): a question, even
# though the check for more shares its words ("Does that cover everything?").
AGREEMENT_CHECK = _rx(r"\b(?:does|would|will|do) (?:that|this|it) (?:sound|work|suit|seem|feel)\b"
                      r"(?! (?:like )?(?:everything|all|right|correct|accurate|about right|true|possible)\b)",
                      r"\b(?:is|would) (?:that|this|it)(?: be)? (?:ok|okay|alright|all right|fine|acceptable)\b")
# A question broken off or left without its mark: "And do you have friends in the band with you or-".
TRAILING_ASK = _rx(r"^(?:do|does|did|is|are|was|were|have|has|can|could|would|will|what(?! an?\b)|when|where|which|who|why|"
                   r"how(?! about\b))\b"
                   r"[^.!?]*(?:\bor\W*|[-–—]+\s*)$")

# "you" doing or being something: "you're worn out", "you took the day off", not "talk to you" or "love you".
YOU_AS_SUBJECT = _rx(r"\b(?:you(?:'re|'ve|'d)|you (?!(?:all|too|as well|no matter|guys)\b)[a-z]+)(?<!you know)(?<!you mean)")

# Checking that a restatement is right ("Is that right?", "Have I got that right?", "…, isn't it?").
UNDERSTANDING_CHECK = _rx(
    r"\b(?:is|was) (?:that|this|it) (?:right|correct|accurate|fair to say)\b",
    r"\b(?:did|have|do) i (?:get|got|understand|hear|have) (?:that|this|it|you|the \w+)(?: \w+)? (?:right|correctly|straight)\b",
    r"\bam i (?:right|correct|close|getting (?:that|this|it) right)\b", r"\bcorrect me if i(?:'m| am) wrong\b",
    r"[,-]\s*(?:(?:is|was|has|have|had|do|does|did|are|were|would|could|wo)n't (?:it|you|that|they|he|she))\W*\?\s*$",
    r"\b(?:is that|does that sound) (?:about )?right\b",
)

# The speaker asking whether they have understood ("…, is that right?", "Correct me if I'm wrong."): what comes
# before it is a restatement. (Not a tag question, "…, aren't you?", which may state a feeling.)
EXPLICIT_CHECK = _rx(
    r"\b(?:is|was) (?:that|this|it) (?:right|correct|accurate)\b", r"\bam i (?:right|correct|close)\b",
    r"\bcorrect me if i(?:'m| am)? wrong\b", r"\b(?:did|have|do) i (?:get|got|understand|hear|have) (?:that|this|it|you|"
    r"everything)(?: \w+)? (?:right|correctly|straight)\b", r"\b(?:does|did) (?:that|this) sound (?:about )?(?:right|correct|accurate)\b",
)

# Agreeing with them or thanking them, not saying anything back: "You're right.", "You're welcome."
AGREEING = _rx(r"^(?:you(?:'re| are) (?:absolutely |quite |so |totally )?(?:right|correct|welcome)|thank you)\b")

# A short reply that is a courtesy, an agreement or the speaker's reaction, or hands the choice back ("That's your
# decision."), not a word on the customer's situation.
NOT_A_SHORT_REFLECTION = _rx(
    r"\b(?:hi|hello|hey|thanks|thank|bye|welcome|see you|nice to|good to see|morning|afternoon|evening|pleasure|sorry|"
    r"excuse|interesting|sounds good|good|great|fine|cool|awesome|exactly|absolutely|definitely|certainly|of course|"
    r"indeed|true|agree|correct|no problem|no rush|no worries|that's right|understood|noted|brilliant|lovely|perfect|"
    r"one (?:second|moment|sec)|up to you|your (?:decision|choice|call)|it depends|nice|no kidding|wow|really|go(?:t)?t?cha|"
    r"yep|yup|neat|dear|cheers|night|fingers crossed|nailed it|(?:happy|glad) to|my pleasure|same here|me too|you too|"
    r"likewise|take care|bless you)\b")

# People in general, not the customer: "It's a stressful time for everyone", "Covid has hit many of us hard".
PEOPLE_IN_GENERAL = _rx(r"\b(?:everyone|everybody|many (?:of us|people)|a lot of (?:us|people|folks)|lots of people|"
                        r"most (?:of us|people)|people|us all|all of us|for us|each of us|the world|in general|"
                        r"for many|for most)\b")


from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals())
