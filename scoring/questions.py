"""What a trainee's question asks the customer for, matched against the customer's own story.

The story is the scenario's facts and `knows` items. A question is matched to them the way a person
would hear it, without a model: by its words (word forms and a small thesaurus of how callers and
agents say the same thing: "ring" ~ "call", "born" ~ "birth", "order" ~ "buy"), weighted by how
telling each word is in this story (a word every item shares tells little), by the kind of answer
it wants ("when" wants a time, "how much" an amount, "who" a person), and by whether the item can
answer that kind at all ("When did you…?" is not answered by a sentence with no time in it). Words
the question leans on that the story never mentions ("the cashier's name") lower the match: the
honest answer there is "I don't know".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from core.text import STOPWORDS, keys, phrase_in, restore_apostrophes, tokens, word_key

if TYPE_CHECKING:
    from core.scenario import Scenario

# How the same thing is said on a service call. Each group's words match each other.
_THESAURUS = """
call ring phone rang rung spoke speak talk contact rang callback
buy bought order purchase get pick picked
pay paid cost price charge charged spend spent bill invoice fee amount much
born birth birthday dob age old
name called surname
son daughter child kid boy girl children lad lass
house home flat address live place
leave depart departure take-off go
arrive arrival land landing come came delivered deliver delivery turn-up due
start began begin first notice noticed spot spotted happen happened
cancel cancelled stop end close terminate
send sent email emailed post posted message text texted
tell told say said mention promise promised
try tried attempt attempted done do check checked
want need like expect prefer hope hoping outcome
book booked booking reservation ticket tickets
light lights led lamp
router hub modem
doctor gp surgery practice dr doc
tablet tablets pill pills medicine medication prescription meds
card account
landlord letting lettings agent agency rent
available availability free convenient suit suits
room where location
problem issue fault wrong
money refund cash
wait waiting queue queued hold holding hanging
photo picture image photograph
mobile cell cellphone
reference ref
contactless tap tapped
neighbour neighbours next-door upstairs downstairs
look looked looking search searched hunt
people passenger passengers traveller travellers party us adults
parcel package box packet
plumber engineer technician
insurance insurer policy cover
flight plane fly
taxi cab minicab uber
job work deadline client meeting shift shifts placement
wedding ceremony venue married marrying marriage hitched wed
washer washing laundry
mum mom mother mam mummy
dad father daddy
partner wife husband girlfriend boyfriend fiance fiancee spouse
car vehicle motor
fridge refrigerator freezer
bin bins rubbish trash garbage
sofa couch settee
holiday vacation trip
leak burst flood flooded water pipe
show shows showing display displays say says status screen
online website web internet app broadband wifi wi-fi connection
drop dropped down cut outage offline disconnected
"""
_GROUP: dict[str, str] = {}
for _line in _THESAURUS.strip().splitlines():
    _words = _line.split()
    for _w in _words:
        for _k in keys(_w.replace("-", " ")):
            _GROUP.setdefault(_k, "~" + _words[0])

# Words that say nothing about WHAT is asked: question words, fillers, generic verbs.
_NOT_TELLING = set(STOPWORDS) | {word_key(w) for w in """
please could would can may tell let know mind ask quick quickly exactly actually right now just today already
take give got get have has had make made sure okay happen see bit little anything something
moment currently present manage managing thing things catch caught without someone somebody put
""".split()}

# The kind of answer a question wants, in the order they are checked.
KIND_CUES: dict[str, re.Pattern[str]] = {
    "identity": re.compile(r"\b(?:your (?:full |first |last )?name|who (?:am i|is this|are you)|(?:date of )?birth|"
                           r"born|how old|surname|spell)\b", re.I),
    "reference": re.compile(r"\b(?:reference|order number|account number|booking (?:ref|number|code)|policy number|"
                            r"claim number|case number|ticket number|confirmation (?:number|code)|customer number|membership number|"
                            r"prescription number|card number|long number|number on|digits)\b", re.I),
    "contact": re.compile(r"\b(?:phone number|mobile(?: number)?|email address|e-mail address|contact (?:number|details)|reach you|best number|"
                          r"home number|number to call|address)\b", re.I),
    "timeline": re.compile(r"\b(?:when|what time|what days?|what dates?|which days?|how long|since when|how many days|"
                           r"how many times|how often|how soon)\b", re.I),
    "place": re.compile(r"\b(?:where|which (?:room|shop|store|branch|airport|terminal|address|town|city)|"
                        r"what (?:room|shop|store|branch|airport|terminal|town|city))\b", re.I),
    "amount": re.compile(r"\b(?:how much|how many|what (?:amount|sum|total)|what (?:did|does|do) (?:it|they|that) cost|"
                         r"what did you pay|cost|price)\b", re.I),
    "tried": re.compile(r"\b(?:have you tried|did you try|what have you (?:tried|done)|tried|already done|"
                        r"what did you do|have you (?:checked|looked|contacted|spoken|called|rung|asked|had a look|been (?:round|to|back))|"
                        r"did you (?:check|contact|call|ring|speak|ask|look|go back|think to|get a chance to|manage to|bother to|"
                        r"get round to|have a look))\b", re.I),
    "told_before": re.compile(r"\b(?:what (?:were|was) you told|what did (?:they|we|the \w+|anyone|someone|he|she|"
                              r"\w+ \w+) (?:say|tell|promise)|told you|promised|last time|previous(?:ly)?|spoke(?:n)? to|"
                              r"anyone (?:else )?(?:said|told)|before)\b", re.I),
    "wants": re.compile(r"\b(?:what (?:would|do) you (?:like|want|need|prefer|expect)|what would (?:help|be best|work|"
                        r"fix this)|ideal(?:ly)?|outcome|prefer|rather|hoping for|put (?:this|it|things) right|"
                        r"make (?:this|it|things) right)\b", re.I),
    "item": re.compile(r"\b(?:which|what (?:kind|type|sort|model|make|brand|size|item|product|medication|medicine|"
                       r"tablets?|flight|plan|tariff|parcel|package|did you (?:order|buy))|what (?:is|was|were|are) "
                       r"(?:it|they|in))\b", re.I),
}
# "The name of the cashier", "the broker's name": someone else's name, not the customer's.
_OTHERS_NAME = re.compile(r"\bnames? of (?:the|your|his|her|their|that|this) ((?:\w+ )?\w+)|"
                          r"\b(?:the|your|his|her|their) ((?:\w+ )?\w+)'s name\b|\bwho (?:was|is) (?:the|your) (\w+)", re.I)


# -- answer types (the kind of answer a question wants, QA-style) ---------------------------------------
# From the question's wh-word and head noun: what KIND of answer is wanted; and, in each piece of the
# customer's story, which kinds of answer it holds (a date, a sum of money, a name...). A "when" question is
# answered by a piece that holds a time and is about the thing asked, or by "I don't know".
ANSWER_TYPES = ("name", "self", "time", "day", "clock", "duration", "distance", "frequency", "name_of", "money", "quantity", "measure", "code", "place",
                "method", "colour", "reason", "yesno", "thing")
# Types a piece of the story must visibly hold to answer (the rest are judged by the words alone).
HARD_TYPES = frozenset({"name", "self", "time", "day", "clock", "duration", "distance", "money", "quantity", "measure", "code", "colour",
                        "place"})

_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_NUMWORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
            r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
            r"a couple|a few|several|half an?|once|twice)")
_DAY_RX = re.compile(rf"\b(?:{_WEEKDAY}|\d{{1,2}}(?:st|nd|rd|th)\b|{_MONTH}|today|yesterday|tomorrow|tonight|"
                     r"(?:last|this|next) (?:week|month|night|weekend)|the day (?:after|before)|same (?:day|evening|night)|weekdays?|weekends?|"
                     r"(?:end|start|beginning|middle) of (?:the|this|next|last) (?:month|week|year))",
                     re.I)
_CLOCK_RX = re.compile(r"\b(?:\d{1,2}[:.]\d{2}\b|\d{1,2}\s*(?:am|pm)\b|\d{1,2} o'clock|o'clock|noon|midday|midnight|"
                       rf"(?:half|quarter) (?:past |to )?{_NUMWORD}\b|{_NUMWORD} (?:past|to) {_NUMWORD}\b|"
                       rf"(?:in|on) the (?:morning|afternoon|evening)|morning|afternoon|evening|after {_NUMWORD}\b|"
                       rf"(?:at|by|before|until|till|from) (?:about |around )?{_NUMWORD}\b)", re.I)
_DURATION_RX = re.compile(rf"\b(?:(?:\d+|{_NUMWORD}|about|over|nearly|almost|a|an)\s+(?:\w+\s+)?(?:minutes?|hours?|days?|"
                          r"weeks?|months?|years?|decades?)|since\b|ever since|for (?:years|ages|months|weeks))", re.I)
_MONEY_RX = re.compile(r"[£$€]\s?\d|\b\d+(?:\.\d+)?\s*(?:p|pence|pounds?|quid|dollars?|euros?)\b|"
                       r"\b(?:don't|do not|never) pay\b|\bfree\b|\bnothing yet\b|\bquid\b", re.I)
_QUANTITY_RX = re.compile(rf"\d|\b{_NUMWORD}\b|\b(?:nothing|none|no one|nobody|all|every|both|neither|only)\b", re.I)
_MEASURE_RX = re.compile(rf"\b(?:\d+(?:\.\d+)?|{_NUMWORD})[ -]?(?:mg|milligrams?|grams?|g|kg|kilos?|ml|litres?|gb|mb|"
                         r"megabits?|inch(?:es)?|cm|mm|metres?|meters?|feet|foot|miles?|stone|pounds?|years? old|"
                         r"kw|kwh|bed)\b", re.I)
_CODE_RX = re.compile(r"\b[A-Z]{2} ?\d{2,4}\b|\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b|\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b|\b\d{3,}(?:[ -]\d{2,})+\b|\bending (?:in )?\d+|"
                      r"\b\w+ at \w+ dot\b|@")
_COLOURS = ("red green blue white black yellow orange purple pink brown grey gray silver gold golden navy cream beige "
            "maroon turquoise teal violet amber brass bronze copper chrome").split()
_COLOUR_RX = re.compile(r"\b(?:" + "|".join(_COLOURS) + r")\b", re.I)
_PLACE_RX = re.compile(r"\b(?:at|in|into|from|to|on|behind|under|underneath|near|by|next to|inside|outside|beside|opposite|"
                       r"up|down|across)\s+(?:the |my |a |our |his |her |your |their )?(?:[A-Z]\w+|\d+|room|kitchen|"
                       r"cupboards?|office|wall|door|floor|street|road|lane|avenue|close|town|city|shop|store|airport|"
                       r"terminal|station|house|flat|home|garden|porch|bins?|passage|sink|box|bag|counter|till|surgery|"
                       r"campus|quinta|table|stairs|hall|loft|garage|car|bedroom|side)|"
                       r"\b\d+[A-Za-z]? \w+ (?:road|street|lane|avenue|close|terrace|court|drive|way|crescent|place)\b|"
                       r"\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b|\b(?:bookshop|shop|store|airport|surgery|office|room|"
                       r"cupboard|kitchen|library|town|city|street|upstairs|downstairs|next door)\b", re.I)
_METHOD_RX = re.compile(r"\b(?:online|on ?line|website|web|the app|in the app|by (?:phone|post|email|e-mail|card|cheque|"
                        r"direct debit|bus|car|train|taxi|text|hand)|in person|at the till|chip and pin|contactless|"
                        r"cash|laptop|phone|bus|train|taxi|walked|drove|post|paper|slip|form|through the|via|using|"
                        r"with (?:my|a|the)|turned|switched|by \w+ing)\b", re.I)
_REASON_RX = re.compile(r"\b(?:because|cause[ds]?|'cause|so (?:that|i|we|it)|which is why|that's why|that is why|"
                        r"due to|the reason|as (?:i|we|it|my)|for my|for (?:his|her|the) \w+|in case|worried|"
                        r"frighten|scare)\b", re.I)
# A capitalised word that is not the start of a sentence, a weekday, a month, "I" or a common capitalised noun.
_CAP = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:-[A-Z][a-z]+)?\b")
_NOT_NAMES = {w.capitalize() for w in (
    "i monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december christmas easter visa mastercard premium nhs gp dr mr mrs ms "
    "miss sir madam the it".split())}
# Names of things (a card, a plan, a service) are names for "which one?": only people's titles, days and months are not
_NOT_THING_NAMES = _NOT_NAMES - {"Visa", "Mastercard", "Premium", "Nhs", "Gp"}
_PERSON_RX = re.compile(r"\b(?:dr|mr|mrs|ms|miss)\.? [A-Z]\w+|\b(?:called|named|name is|name's) [A-Z]\w+|"
                        r"\b(?:nobody|no one|no-one|neither|a (?:woman|man|lady|gentleman|young (?:man|lady|woman))|"
                        r"my (?:partner|wife|husband|son|daughter|mum|dad|mother|father|sister|brother|neighbour|"
                        r"friend|landlord|doctor)|on my own|me and)\b")
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+ (?:[A-Z][a-z]+ )?[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")

# Head nouns that name the kind of answer wanted ("what COLOUR", "which DAY", "what's the TOTAL").
_HEAD_TYPES: dict[str, str] = {}
for _t, _words in {
    "day": "day date weekday morning afternoon evening night",
    "clock": "time hour",
    "money": "amount sum total price cost figure fee charge bill balance value fare worth",
    "colour": "colour color shade",
    "place": ("shop store branch airport terminal town city room address place part area country venue location "
              "station street floor side spot wall building"),
    "name": ("name person agent doctor company courier agency bank provider firm airline brand make surgery practice "
             "hospital insurer network"),
    "method": "way method means",
    "reason": "reason point purpose",
    "measure": "strength dose dosage size weight height length",
    "quantity": "age count",
    "code": "reference ref code postcode number digit email mobile",
    "time": "latest earliest deadline soonest",
}.items():
    for _w in _words.split():
        _HEAD_TYPES[word_key(_w)] = _t
_COST_VERB = re.compile(r"\b(?:cost|costs|charge[ds]?|pay|paid|spend|spent|owe|worth|take|took|taken|bill(?:ed)?|"
                        r"c[oa]me to|add(?:ed|s)? up to|set (?:you|me|us|them|him|her) back|run (?:you|me|us|them)|"
                        r"(?:shell|fork|cough)(?:ed)? out)\b", re.I)
_NAME_VERB = re.compile(r"\b(?:called|named|name)\b", re.I)
_LEAD = re.compile(r"^\s*(?:(?:just (?:to|so) (?:check|confirm|be sure|i have it|i know|i'm clear)|"
                   r"for (?:my|the) (?:notes|records?)|and|so|okay|ok|right|now|sorry|also|then|just|oh|well|great|thanks|"
                   r"roughly|approximately|about)"
                   r"\b[\s,]*)*"
                   r"(?:(?:(?:i'm |i am )?sorry )?to (?:ask|pry|be nosy|bring (?:it|this) up)(?:,?\s*but)?|"
                   r"if you don't mind (?:me )?asking|(?:just )?out of interest|"
                   r"(?:can|could|would|will) you (?:tell|remind|let) me|(?:do|did|would) you (?:happen to |still )?(?:know|remember|recall)|did you (?:happen to )?(?:catch|get|take down|note(?: down)?|"
                   r"write down|see|notice)|"
                   r"(?:do you have|have you (?:got )?|you got |got )?any idea|i (?:was |am |'m )?wonder(?:ing)?|"
                   r"may i ask|can i ask|i(?:'d| would) like to know|i need to know|tell me|remind me|"
                   r"(?:can|could|would|will|may) (?:you|i|we) (?:please |just |quickly |also |first |briefly )*(?:tell|give|read|confirm|spell|"
                   r"remind|send|have|take|get|grab|ask for|double[- ]?check|check|verify|note(?: down)?|take down|jot down|"
                   r"run through|go over|go through)(?: me| us)?(?: with)?(?: what)?|"
                   r"(?:please )?(?:tell|give|read|remind|send) (?:me|us)|(?:please )?(?:confirm|spell)|"
                   r"i(?:'ll|'d| will| would| just| also)? (?:need|like|want)(?: to (?:know|check|take|have|get|confirm))?|"
                   r"i(?:'m| am) (?:going to need|after|looking for))?[\s,]*", re.I)
# Asking for something again says nothing about what is asked: "what was the order number ONCE MORE?"
_AGAIN = re.compile(r"[\s,]*\b(?:once more|once again|one more time|(?:for )?a second time|one last time|"
                    r"(?:for me )?again)\b", re.I)
_WH = re.compile(r"\b(whose|who|whom|when|where|whereabouts|why|how|what|which)\b", re.I)
_AUX = re.compile(r"^(?:did|do|does|is|are|was|were|has|have|had|can|could|will|would|should|shall|may|might|must|"
                  r"isn't|aren't|wasn't|weren't|hasn't|haven't|didn't|doesn't|don't|any)\b", re.I)
_SELF_NAME = re.compile(r"\b(?:who (?:am i|have i got|is (?:this|that|it)(?!\s+(?:that\s+)?(?:you|u|your)\b)|are you(?!\s+(?:\w+ing|with|from|through|by|under|"
                        r"in|at|to|for|on)\b)|'s (?:this|that|calling))|"
                        r"who\b.{0,30}\b(?:(?:speaking|talking) (?:to|with)|on the (?:line|phone))|(?:your|the) (?:full |first |last )?name(?!\s+(?:on|of|printed|written|stamped)\b)|"
                        r"take your name(?! (?:on|of) )|account holder|who(?:'s| is| are) (?:the|this|it|that) \w+(?: \w+)? (?:for|under|in)\b|"
                        r"who (?:should|do|shall) i (?:say|put)|whose name)", re.I)
_FILLER_HEADS = {word_key(w) for w in "exact exactly actual actually kind sort type one ones main last first new old "
                 "other same right particular specific manage managing try trying going able put "
                 "normally usually typically generally always ever currently roughly approximately different another alternative "
                 "round around back".split()}


_DETS = set("the your my his her their our its this that a an exact exactly actual actually kind sort type of other "
            "new original first last main".split())
_AUX_MORE = {"'s", "'re", "s", "re"}
_COPULA = {"s", "re", "is", "was", "are", "were"}


_PERSON_NOUNS = {word_key(w) for w in """person people agent doctor gp nurse man woman lady gentleman neighbour friend
son daughter child partner wife husband sister brother mum dad mother father landlord driver cashier pharmacist
engineer plumber broker client manager colleague adviser advisor assistant staff pilot captain crew steward
family household couple
stewardess attendant postman postie postwoman receptionist clerk officer inspector adjuster assessor surveyor
technician electrician builder caller owner tenant vet dentist chemist operator rep representative supervisor boss
teacher lad lass boy girl kid baby grandson granddaughter nan gran grandad grandma grandpa aunt uncle cousin
niece nephew guy bloke chap fellow""".split()}
_ANYONE = {word_key(w) for w in "person people staff someone somebody anyone anybody agent adviser advisor assistant "
                                 "rep representative operator colleague".split()}
_POSSESSOR = re.compile(r"\b(?:the|your|my|his|her|their|that|this) (\w+)'s (?:\w+ )?(?:name|number|phone|mobile|email|"
                        r"address|details|contact|first name|surname|date of birth|birthday|postcode)", re.I)
def _head_type(k: str) -> str | None:
    """The answer type a head noun names, compounds included ("bookshop" -> place, like "shop")."""
    t = _HEAD_TYPES.get(k)
    if t is None and len(k) >= 6:
        t = next((v for w, v in _HEAD_TYPES.items() if v in ("place", "name") and len(w) >= 4
                  and len(k) - len(w) >= 3 and k.endswith(w)), None)
    return t


# Words that name the kind of answer ("what COLOUR", "which DAY"), not what it is about.
_TYPE_WORDS = {word_key(w) for w in """colour color shade time hour day date weekday name sum total figure number digit
long often soon way method means reason point purpose strength dose dosage size weight height length age
count latest earliest deadline soonest""".split()}


@dataclass(frozen=True)
class AnswerType:
    """What a question wants: `type` (ANSWER_TYPES) and the `head` it is about (a word key, or None)."""
    type: str
    head: str | None = None
    about: tuple[str, ...] = ()   # the noun phrase asked about, as word keys ("seat", "number")


_WENT_DOWN = re.compile(r"\b(went|gone|go|goes|going|been|is|was|keeps going|kept going) down\b(?! (?:the|to|a|from|into|stairs) )", re.I)
# "it went DOWN": the outage, not a direction (questions and story pieces alike)
_PLAIN = [(re.compile(r"\blittle ones?\b|\bkiddos?\b|\bnipper\b", re.I), "child"),
          # "have you BEEN IN TOUCH WITH us before?": called or written to
          (re.compile(r"\b(?:been|got|gotten|get|getting|gone) in (?:touch|contact) with (?=us\b|you\b|anyone\b|someone\b|anybody\b|"
                      r"somebody\b|the (?:helpline|team|office|company)\b)|\breached out to (?=us\b|anyone\b|someone\b)", re.I),
           "called "),
          # "you've GOT THROUGH TO us twice": reached on the phone
          (re.compile(r"\b(?:got|get|getting|gotten) through to (?=us\b|you\b|someone\b|anyone\b|anybody\b|somebody\b|a person\b|"
                      r"the (?:helpline|call centre|team|office)\b)", re.I), "called "),
          (re.compile(r"\bcell(?:phone)?(?= number| phone|\b)", re.I), "mobile"),
          (re.compile(r"\bnext[ -]door\b(?!\s+to\b)", re.I), "the neighbours"),
          (re.compile(r"\b(youngest|eldest|oldest)\b(?=\s*(?:[?.!,]|$|is\b|was\b|and\b))", re.I), r"\1 child"),
          (re.compile(r"\b(?:are|were|will) you (?:be )?(?:around|about|at home|home|in the house|in the flat)(?=\s*(?:[?.!,]|$|if\b|"
                      r"when\b|on\b|at\b|all\b|during\b|in the\b|tomorrow\b|today\b|this\b|for\b))", re.I), "are you at home"),
          (re.compile(r"\bbe (?:in|around|about|at home|home|in the house|in the flat)(?=\s*(?:[?.!,]|$|if\b|when\b|on\b|"
                      r"at\b|all\b|tomorrow\b|today\b|this\b|that\b|for\b))", re.I), "be at home"),
          (re.compile(r"\b(anyone|anybody|someone|somebody|nobody|an engineer|the engineer|they|he|she|[a-z]+er|[a-z]+or) (?:has |have |had )?"
                      r"been (?:out|round|over|around)\b", re.I), r"\1 come"),
          (re.compile(r"\b(?:get|got|had|have|has) (?:a|the) chance to\s+|\b(?:manage|managed|think|thought|bother|bothered) to\s+|"
                      r"\b(?:get|got) round to\s+", re.I), ""),  # "did you get a chance to SPEAK to them?": did you speak
          (re.compile(r"\b(?:booked|flying|flew|flown|departing|set to fly) out of\b|\b(?:flying|flew|flown|departing) from\b", re.I),
           "flying out of"),
          (re.compile(r"\bzip ?codes?\b", re.I), "postcode"),
          (re.compile(r"\b(?:meant|supposed|scheduled|expected) to (land|arrive|get in)\b", re.I), r"due to \1"),
          (re.compile(r"\b(?:a |the )?(?:good|best|decent|handy|suitable) (time|day|number|slot)\b", re.I), r"a convenient \1"),
          (re.compile(r"\b(say|go|do|show|look|happen|work|try|get|tell|ask|wait|ring|call|pay|charg|book|send|leav|hav|tak|"
                      r"mak|com|hold|hang|mov|us|stay|keep|runn|stopp)in'?(?=\s|[?.!,]|$)", re.I), r"\1ing"),
          (_WENT_DOWN, r"\1 dropped"),
          (re.compile(r"\b(what(?:'s| is| was| were| are)) (?:inside|within)\b", re.I), r"\1 in"),
          (re.compile(r"\bthru\b", re.I), "through"), (re.compile(r"\bthem (two|three|ones|things|payments|charges)\b", re.I), r"those \1"),
          (re.compile(r"\b(?:(?:going|leaving|heading|setting off|taking off) out of|(?:leaving|taking off) from)\b", re.I),
           "flying out of"),
          (re.compile(r"\bwhereabouts\b(?=\s+(?:is|are|was|were|do|did|does|in|on|abouts?|exactly|'s)\b)", re.I), "where"),
          (re.compile(r"\bur\b", re.I), "your"), (re.compile(r"\bu\b", re.I), "you"),
          (re.compile(r"\bshow(?:ed|s)? up\b", re.I), "arrived"), (re.compile(r"\bin the mail\b", re.I), "in the post"),
          (re.compile(r"\b(when|where|how|what|who|why)'d\b", re.I), r"\1 did"),
          (re.compile(r"\bgigs?\b", re.I), "GB"),
          (re.compile(r"\bwhats\b", re.I), "what's"), (re.compile(r"\bwhos\b", re.I), "who's"),
          (re.compile(r"\bwheres\b", re.I), "where's"), (re.compile(r"\bwhens\b", re.I), "when's"),
          (re.compile(r"\bhows\b", re.I), "how's")]


_TOPIC_FIRST = re.compile(r"^\W*(?:(?:and|so|okay|ok|right|now)\W+)?((?:the|your|that|this) (?:\w+ ){0,2}?\w+)(?: itself| then| though)?"
                          r"\s*(?:[-–—:,]\s*)+((?:what|when|where|which|who|how)\b[^?]*?\b)(?:that|it|they|those|them)(\b[^?]*)\?\s*$", re.I)
_ECHO_Q = re.compile(r"^(\W*(?:(?:and|so|sorry|right|okay|ok)\W+)?)((?:the|your|this|that) (?:\w+ ){0,2}?\w+)('s| is| was)\s+"
                     r"(how (?:big|much|many|long|old|far)|what|when|where|which \w+|who)\b([^?]*)\?\s*$", re.I)
_TAIL_FILLER = re.compile(r"(?:[\s,]+(?:real |really |very )?quick(?:ly)?|[\s,]+for me|[\s,]+please|[\s,]+mate|[\s,]+love|"
                          r"[\s,]+pal|[\s,]+buddy|[\s,]+dear|[\s,]+if you (?:can|could|don't mind|would|wouldn't mind)|"
                          r"[\s,]+(?:for )?a (?:sec|second|moment|minute)|[\s,]+then|[\s,]+at all)+(?=\s*[?.!]*\s*$)", re.I)




_ORDINALS = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                         "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                                         "nineteenth twentieth".split(), 1)}


_CARDINALS = {w: i for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}


def _numbers(text: str) -> set[str]:
    """The numbers a text says, as digits: "£212.40" -> 212.40, "the 2nd" / "the second" -> 2."""
    out = {m.group(1).lstrip("0") or "0" for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)(?:st|nd|rd|th)?\b", text)}
    for m in re.finditer(r"\bthe (" + "|".join(_ORDINALS) + r")\b", text, re.I):
        out.add(str(_ORDINALS[m.group(1).lower()]))
    for m in re.finditer(r"\b(" + "|".join(_CARDINALS) + r")\b", text, re.I):
        out.add(str(_CARDINALS[m.group(1).lower()]))  # "five milligram" says 5
    return out


# What is asked, without the wrapping a polite or careful agent puts round it. The wrapping says how the agent asks
# (an apology, a courtesy, how they came to think it, why they need it), never what they want to know:
# "I'm so sorry to put you through this, but would you be so kind as to give me the reference?" asks for the reference;
# "I think what you mean is the neighbours have it too, is that it?" checks the neighbours; "Can I take the order
# number so I can pull up the file?" asks for the order number.
_ASKS = re.compile(r"^\W*(?:(?:and|so|then|but|now|okay|ok)\W+)?(?:(?:who|whom|whose|what|when|where|which|why|how|is|are|was|"
                   r"were|do|does|did|can|could|would|will|should|shall|may|might|have|has|had|any|tell(?:ing)?|giv(?:e|ing)|confirm(?:ing)?|"
                   r"remind(?:ing)?|read(?:ing)?|spell(?:ing)?)\b|i(?:'d| would)? (?:need|like|want)\b)", re.I)
_COURTESY = re.compile(r"\b(?:(?:do you |would you )?mind if i ask(?: you)?|(?:would|could|will) you (?:be (?:so|very) kind as to|be able to|mind)|(?:might|may|could|can) i "
                       r"(?:possibly |just |also |please )*(?:ask|check|trouble you (?:for|to))|if (?:it|that) (?:isn't|is not|wouldn't be|"
                       r"'s not) (?:too much (?:trouble|bother)|a problem)|if you (?:don't|wouldn't) mind(?: me asking)?|"
                       r"(?:when|whenever) you(?:'re| are) ready|when you (?:get|have) a (?:chance|moment|sec(?:ond)?)|"
                       r"i (?:really |do )?(?:hate|don't want) to (?:ask|bother you)|i (?:do |really )?appreciate (?:that|this|it)(?: but)?)"
                       r"[\s,]*", re.I)
_FRAMING = re.compile(r"^\W*(?:(?:and|so|okay|ok|right|now|sorry)\W+)*(?:"
                      r"(?:if|so|just so|am) i(?:'m| am)? (?:hearing|understanding|reading|getting) (?:you|this|that|it) "
                      r"(?:right|correctly|properly)|(?:if|so|just so) i(?:'ve| have)? (?:got|understood) (?:you|this|that|it|"
                      r"everything)(?: right| correctly| properly)?|if i understand (?:you |that |this )?(?:right|correctly)|"
                      r"(?:i think |i guess |so )?what you(?:'re| are)? (?:mean|meant|saying|said|telling me)(?: is| was)?|"
                      r"(?:so )?you(?:'re| are) (?:saying|telling me)|from what you(?:'ve| have)? (?:said|say|told me)|"
                      r"i (?:think|guess|gather|assume|imagine|suppose|reckon|take it|understand)(?: that)?|"
                      r"i(?:'m| am) (?:guessing|assuming|thinking|taking it)(?: that)?|it sounds like|sounds like|"
                      r"(?:it )?looks like|correct me if i'm wrong(?: but)?)\b[\s,]*", re.I)
# The agent talking about what they are doing or feel: "I'm just pulling it up", "sorry, the system's slow"
_COMMENTARY = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|we're|we've|we'll|let me|bear with|sorry|apologi[sz]e|one (?:sec|moment)|"
                         r"hang on|hold on)\b", re.I)
# "While it loads, …", "in the meantime, …", "just so I know how urgent this is, …": a lead that asks nothing
_WHILE_LEAD = re.compile(r"^\W*(?:(?:and|so|okay|ok|right)\W+)?(?:(?:just )?while (?:i|we|that|it|this|the \w+|you)\b[^,?]{0,40}|"
                         r"in the meantime|meanwhile|just so (?:i|we) (?:know|understand|can|have)[^,?]{0,50}),\s*(?=\w)", re.I)
_SOUND_OF = re.compile(r"[\s,]*\bby the (?:sound|sounds|look|looks) of (?:it|things|that)\b[\s,]*", re.I)
_PURPOSE = re.compile(r"[\s,]+(?:so (?:that )?(?:i|we) (?:can|could|'ll be able to)|and (?:i|we)(?:'ll| will) (?:pull up|look up|"
                      r"bring up|find|check|look into))\b[^?:]*?(?=\s*\??\s*$)", re.I)


@lru_cache(maxsize=4096)  # pure; asked of the same question by answer_type and match_question, several times a turn
def focus_question(question: str) -> str:
    """The part of a question that asks, without apologies, courtesies, framing and purpose (see _ASKS)."""
    q = question.strip()
    # an apology or remark before ", but" / ", so could I": what follows asks
    for m in reversed(list(re.finditer(r"(?:,\s*but|;\s*but|\bbut\b(?=\s+(?:would|could|can|may|might|what|when|which|"
                                       r"where|who|how|is|are|do|did))|,\s*so(?=\s+(?:could|can|may|might)\s+i\b))\s*",
                                       q, re.I))):
        rest, before = q[m.end():], q[:m.start()]
        if "?" not in before and not _ASKS.match(before) and _ASKS.match(_COURTESY.sub("", rest)) and len(rest.split()) >= 3:
            q = rest
            break
    # the agent's own running commentary, then a dash and the question ("I'm just pulling the account up, the
    # system's slow — while it loads, who is it you rent through?"): what follows the last break asks
    parts = re.split(r"\s+[—–-]+\s+|\s*\.{3,}\s*|\s*…\s*", q)
    if len(parts) > 1:
        before, last = " ".join(parts[:-1]), parts[-1]
        if "?" not in before and len(before.split()) >= 6 and _COMMENTARY.search(before) and len(last.split()) >= 3 and not _ASKS.match(before.strip()) \
                and (last.rstrip().endswith("?") or _ASKS.match(_WHILE_LEAD.sub("", last))):
            q = last
    q = _WHILE_LEAD.sub("", q)
    q = _COURTESY.sub("", q)
    q = _SOUND_OF.sub(", ", q).strip(" ,")
    framed = _FRAMING.match(q)
    if framed and len(q[framed.end():].split()) >= 3:
        q = q[framed.end():]
    purpose = _PURPOSE.search(q)
    if purpose and len(q[:purpose.start()].split()) >= 2 and _ASKS.match(q[:purpose.start()]):
        q = q[:purpose.start()] + q[purpose.end():]
    q = re.sub(r"^\W*(?:to\s+)?(?=give|tell|confirm|read|spell|send)", "", q, flags=re.I)  # "be so kind as TO give me…"
    q = re.sub(r"[\s,;]+([?.!])", r"\1", q).strip(" ,;")
    return q or question


def plain_question(question: str) -> str:
    """Everyday and typed forms read as the plain words: "your little one" -> "your child", "cell number" ->
    "mobile number", "whats" -> "what's"."""
    q = focus_question(restore_apostrophes(question.replace("’", "'")))
    q = _TAIL_FILLER.sub("", q)  # "…your account number REAL QUICK?": how it is asked, not what
    # A topic first, then the question about it: "And the ceremony itself - what time's THAT?"
    q = _TOPIC_FIRST.sub(lambda m: f"{m.group(2)}{m.group(1)}{m.group(3)}?", q)
    # "What router've you got": "what router have you got"
    q = re.sub(r"\b(?!(?:i|you|we|they|who|what|could|would|should|might|must)\b)([a-z]+)'ve\b", r"\1 have", q, flags=re.I)
    # An echo question asks in place: "And the file's HOW BIG?" is "how big is the file?"
    q = _ECHO_Q.sub(lambda m: f"{m.group(1)}{m.group(4)} {'was' if m.group(3).strip() == 'was' else 'is'} "
                              f"{m.group(2)}{m.group(5) or ''}", q)
    for rx, word in _PLAIN:
        q = rx.sub(word, q)
    return q


def answer_type(question: str) -> AnswerType:
    """The kind of answer a question wants, from its wh-word and head noun ("Which shop…" -> place/shop,
    "When did you cancel?" -> time, "Who am I speaking to?" -> the customer's own name)."""
    question = plain_question(question)
    q = _AGAIN.sub("", question.strip().replace("’", "'"))
    body = _LEAD.sub("", q, count=1)
    low = body.lower()
    if re.search(r"\b(?:ends?|ending|finish(?:es|ing)?|starts?|starting|begins?|beginning) (?:in|with)"
                 r"(?:\s+(?:what|which)(?:\s+\w+)?)?\s*\??\s*$|"
                 r"\b(?:last|first) (?:\w+ )?(?:digits|numbers|letters|characters)\b", q, re.I):
        low_q = q.lower()  # "And the card we charged ENDS IN?", "the last four digits": part of a number or code
        return AnswerType("code", _head_after(re.sub(r"\b(?:last|first|four|three|two|digits?|numbers?|what|which)\b", " ",
                                                     low_q), 0))
    tag = _TAG_Q.search(q)
    if tag:
        said = q[:tag.start()]  # "You bought the books on the TUESDAY, didn't you?": a day is checked
        for kind, rx in (("day", _DAY_RX), ("clock", _CLOCK_RX), ("money", _MONEY_RX)):
            if rx.search(said):
                return AnswerType(kind, None, ())
    if _SELF_NAME.search(q) and not re.search(r"\bnames? of\b|\b\w+'s name\b|\bwho (?:did|was|were|is your)\b", low):
        return AnswerType("self", None)
    m = _WH.search(low)
    while m is not None and (re.match(r"when (?:you|u|they|he|she|we)(?: first)? (?:say|said|mention|mentioned|talk about|"
                                      r"talked about|told me|tell me|describe|described|call it|called it)\b", low[m.start():])
                             or re.match(r"when (?:you|u|they|he|she|we|i) (?!(?:did|do|does|is|was|were|are|will|would|can|could|"
                                         r"should|has|have|had)\b)\w+[^?]*?,?\s*\b(?:what|who|which|how|why|where)\s+(?:did|do|does|"
                                         r"is|was|were|are|had|have|has|would|could|will)\b", low[m.start():])):
        # "WHEN YOU SAY the box is dead, what colour is it?", "When you rang on the 11th, what did they tell you?":
        # a clause setting the scene, not the question
        m = _WH.search(low, m.end())
    if m is not None and m.start() > 0 and body != q and not _AUX.match(low) \
            and re.match(r"(?:the|your|my|his|her|their|its|our|a|an)\b", low):
        # "(Do you know) the name of the driver WHO delivered it?": a request for the thing named; the
        # wh-word opens a relative clause, it is not the question's
        return answer_type("What is " + body)
    if m is None or (_AUX.match(low) and m.start() > 0):
        if not _AUX.match(low) and body != q:
            # "Can you read me the booking reference?": a request for the thing named
            return answer_type("What is " + body)  # "Read me your account number" = "What is your account number?"
        after = re.sub(r"^\w+(?:n't)?\s+(?:(?:you|i|we|they|he|she|it|anyone|anybody|someone|somebody|the|a|an|your|my)\s+)*",
                       "", low)
        return AnswerType("yesno", _head_after(after, 0))
    wh, rest = m.group(1), low[m.end():]
    if wh == "whose":
        # "WHOSE (front) door is in the photo?": about the door, and who it belongs to
        phrase = []
        for w in tokens(rest):
            if w in STOPWORDS or _AUX.match(w) or w in _COPULA:
                break
            phrase.append(word_key(w))
        if phrase and phrase[-1] not in _NOT_TELLING | _TYPE_WORDS:
            return AnswerType("thing", phrase[-1], tuple(phrase))
    if wh in ("who", "whom", "whose"):
        # "Who is your bank?", "Who's the courier?": the name of THAT party (a firm, a doctor), not the caller's
        role = re.match(r"\s*(?:'s|is|was|are|were)\s+(?:the|your|my|his|her|their)\s+(\w+)\s*(?:with|for|through)?"
                        r"\s*(?:,\s*[\w .']{1,30})?\??\s*$", rest)  # "Who is your GP, Harold?" 
        if role and role.lastindex and word_key(role.group(1)) not in _TYPE_WORDS | _NOT_TELLING:
            k = word_key(role.group(1))
            return AnswerType("name", k, (k,))
        verb = re.match(r"\s*(?:are|were|do|did)\s+you\s+(\w+?)(?:ing)?\s+(?:with|from|through)\s*\??\s*$", rest)
        if verb and word_key(verb.group(1)) not in _NOT_TELLING:
            k = word_key(verb.group(1))  # "Who are you renting from?": whoever the renting is with
            return AnswerType("name", k, (k,))
        return AnswerType("name", None)
    if wh == "when":
        return AnswerType("time", _head_after(rest, 0))
    if wh in ("where", "whereabouts"):
        # "Where in your home is the meter?": the thing placed, not the place named
        rest = re.sub(r"^\s*(?:exactly\s+)?(?:in|at|on|inside|around)\s+(?:the |your |my |this )?\w+\b", "", rest)
        return AnswerType("place", _head_after(rest, 0))
    if wh == "why":
        return AnswerType("reason", _head_after(rest, 0))
    if wh == "how":
        nxt = re.match(r"\s*(\w+)", rest)
        w = nxt.group(1) if nxt else ""
        if w in ("much",):
            head = _head_after(rest, 1)
            amount_of = {word_key(w) for w in tokens(rest)[1:4]} & _NOT_MONEY  # "how much (mobile) DATA"
            if not amount_of and re.search(r"\b(?:left|remaining|to spare|spare)\b", rest) and not re.search(
                    r"\b(?:money|cash|pounds?|quid|account|bank|balance|budget|wallet|purse)\b", rest):
                amount_of = {"~left"}  # "how much have you got LEFT on that?": what remains of it, not a price
            return AnswerType("quantity" if (head in _NOT_MONEY or amount_of) and not _COST_VERB.search(rest) else "money",
                              head)
        if w == "far" and re.match(r"\s*far\s+(?:short|over|under|out|overdrawn|in (?:the red|debt|arrears))\b", rest):
            return AnswerType("money", _head_after(rest, 2))  # "how far SHORT are you for the rent?": a sum
        if w == "far":
            return AnswerType("distance", _head_after(rest, 1))
        if w == "many" and re.match(r"\s*many\s+(?:quid|pounds?|dollars?|euros?|bucks|grand|pence|p)\b", rest):
            return AnswerType("money", _head_after(rest, 2))  # "how many QUID were the books?": a sum of money
        if w in ("big", "tall", "heavy", "large", "wide", "deep", "high"):
            return AnswerType("measure", _head_after(rest, 1))
        if w == "many" and re.match(r"\s*many\s+(?:of\s+(?:you|us|them)|people|are (?:you|there)|(?:will|would) (?:be|you))\b", rest):
            return AnswerType("quantity", word_key("people"))  # "how many OF YOU are flying?": the party
        if w in ("many", "old", "fast", "strong"):
            return AnswerType("quantity", _head_after(rest, 1))
        if w == "often":
            return AnswerType("frequency", _head_after(rest, 1))
        if w in ("long", "soon"):
            if w == "soon" or re.match(r"\s*long ago\b", rest):
                return AnswerType("time", _head_after(rest, 2))
            return AnswerType("duration", _head_after(rest, 1))
        return AnswerType("method", _head_after(rest, 0))
    firm = re.match(r"\s*(?:company|firm|organisation|organization|business|provider|one)\s+(?:is|was|were|are)\s+"
                    r"(?:the|your|it|that|this)\s*(\w+)?\s*\??\s*$", rest) if wh in ("which", "what") else None
    if firm and firm.group(1) and word_key(firm.group(1)) not in _NOT_TELLING:
        k = word_key(firm.group(1))  # "Which company was the courier?": the courier's name
        return AnswerType("name", k, (k,))
    # what / which: the head noun decides; failing that, the verb ("what did it cost", "what is it called")
    rest_toks = tokens(rest)
    while rest_toks and rest_toks[0] in _COPULA:
        rest_toks = rest_toks[1:]  # "what's the name", "what is the medicine called"
    while rest_toks and (rest_toks[0] in _DETS or re.fullmatch(_NUMWORD, rest_toks[0])):
        rest_toks = rest_toks[1:]
    direct = rest_toks[0] if rest_toks and not _AUX.match(rest_toks[0]) and rest_toks[0] not in _AUX_MORE \
        and rest_toks[0] not in STOPWORDS else None
    run: list[str] = []  # the noun phrase asked about: "which SEAT NUMBERS did you…"
    for w in rest_toks if direct else []:
        if w in STOPWORDS or _AUX.match(w):
            break
        run.append(word_key(w))
    if run and re.search(r"\b(?:called|named)\s*\??\s*$", rest) and run[-1] in (word_key("called"), word_key("named")):
        run.pop()  # "what is your cat called": the cat, not a call
    if run and re.search(r"\b(?:called|named)\s*\??\s*$", rest) and run[-1] in _PERSON_NOUNS:
        return AnswerType("name", run[-1], tuple(run))  # "what the delivery DRIVER was called": a person's name
    if len(run) == 1 and run[0] in _PART_OF and len(rest_toks) > 2 and rest_toks[1] == "of":
        after = [word_key(w) for w in rest_toks[2:] if w not in _DETS and w not in STOPWORDS]
        if after and _head_type(after[0]) == "place":
            return AnswerType("place", None, ())  # "what part of the CITY is the wedding in": where the wedding is
        if after:  # "which PART OF London", "what bit of the house": about London, the house
            return AnswerType("place", after[0], (after[0],))
    typed = [t for k in run if (t := _head_type(k))]
    if len(run) > 1 and _head_type(run[-1]) is None and typed and typed[0] in ("name", "place") \
            and run[-1] not in _FILLER_HEADS and (re.search(r"\b(?:the|your|my|his|her|their|our)\s+" + re.escape(rest_toks[0]), rest)
                                                  or _noun_end(rest_toks, len(run))):
        # "your BANK details", "the SHOP receipt": the first noun only says whose; the last is what is asked
        return AnswerType("thing", run[-1], tuple(run))
    if len(run) > 1 and typed and (last := _head_type(run[-1])) is not None and _head_type(run[0]) != last \
            and _noun_end(rest_toks, len(run)):
        # "the bookshop's opening HOURS", "the surgery's phone NUMBER": the first noun says whose, the last
        # says what kind of answer is wanted
        return AnswerType(last, run[-1], tuple(run))
    at = _answer_type_wh(rest, direct, typed)
    head = None if at.head in _NOT_TELLING else at.head  # "what HAPPENS when…" names nothing
    if at.type == "thing" and len(run) > 1 and head == run[0] and not typed and run[-1] not in _FILLER_HEADS \
            and _noun_end(rest_toks, len(run)) and rest_toks[len(run) - 1] not in _REPORT_VERBS:
        head = run[-1]  # "what broadband PACKAGE are you on": the last noun is the thing, the first says which
    return AnswerType(at.type, head, tuple(run))


_PART_OF = {word_key(w) for w in "part bit area side end corner section region".split()}
# "How much DATA is left?" asks an amount of something; "how much was your rent?" a sum of money
_NOT_MONEY = {word_key(w) for w in """data gb mb gig gigs allowance water time space storage memory battery signal
medicine medication tablet tablets pill pills dose damage mould stock sleep work notice warning""".split()}
_REPORT_VERBS = set("says say said shows show showed reads read looks look means mean does did works work happened "
                    "happens went goes came comes".split())


def _noun_end(toks: list[str], n: int) -> bool:
    """Whether the n-word run at the start of toks ends a noun phrase: the question ends there or goes on with
    a verb of its own ("what bank card IS it paid with"), not with an object ("which courier delivered IT")."""
    return len(toks) <= n or bool(_AUX.match(toks[n])) or toks[n] in _COPULA


def _answer_type_wh(rest: str, direct: str | None, typed: list[str]) -> AnswerType:
    """what/which questions: the head noun decides; failing that, the verb ("what did it cost")."""
    rest_toks = tokens(rest)
    if direct and typed and _head_type(word_key(direct)) is None:
        direct = next(w for w in rest_toks if _head_type(word_key(w)) == typed[0])
    if re.search(r"\b(?:is|are|was|were) (?:the |your |it |they |that |this |these |those )?\w*\s*for\s*\??$", rest):
        return AnswerType("reason", _head_after(rest, 0))  # "what are the tablets for?": a purpose
    if direct:
        t = _head_type(word_key(direct))
        if t == "name" and word_key(direct) == "name":
            # "the name of the medicine": a thing's name, unless the thing is a person
            of = re.search(r"\bnames? of (?:the |your |that |this |his |her |their )?(?:\w+'s )?(?:\w+ )??(\w+)\b(?!')"
                           r"(?:\s+(?:who|that|which|you|we|i|he|she|they|was|is|at|on|in|from|with|for)\b|\s*[?.,!]|\s*$)", rest) \
                or re.search(r"\bnames? of (?:the |your |that |this |his |her |their )?(\w+)", rest)
            if of and word_key(of.group(1)) not in _PERSON_NOUNS:
                return AnswerType("name_of", word_key(of.group(1)))
            if of and word_key(of.group(1)) not in _NOT_TELLING:
                k = word_key(of.group(1))  # "the name of the DRIVER": that person's name, from a piece about them
                return AnswerType("name", k, (k,))
        if t:
            return AnswerType(t, word_key(direct) if t in ("place", "name") else None)
        if _NAME_VERB.search(rest) and re.search(r"\b(?:called|named)\s*\??$", rest):
            return AnswerType("name" if word_key(direct) in _PERSON_NOUNS else "name_of", word_key(direct))
        if _COST_VERB.search(rest) and re.search(r"\b(?:cost|charge|pay|paid|spend|spent|set \w+ back|run (?:you|me|us|them)|"
                                                 r"(?:shell|fork|cough)(?:ed)? out)\b", rest) \
                and not re.search(r"\b(?:pay|paid|charged?)\s+(?:\w+\s+)?(?:with|by|using|through|on|into|to)\b", rest):
            return AnswerType("money", word_key(direct))
        return AnswerType("thing", word_key(direct))
    if re.search(r"\b(?:called|named)\s*\??$", rest):
        return AnswerType("name", _head_after(rest, 0))
    shows = re.match(r"\s*(?:does|do|did)\s+(?:the|your|my|that|this|it)\s*(\w+)?\s+(?:say|says|show|read|display|look like)\b",
                     rest)
    if shows and shows.group(1) and word_key(shows.group(1)) not in _NOT_TELLING | _PERSON_NOUNS:
        k = word_key(shows.group(1))  # "what does the ROUTER say?": what is on the router
        return AnswerType("thing", k, (k,))
    if re.search(r"\b(?:set (?:you|me|us|them|him|her) back|run (?:you|me|us|them)|(?:shell|fork|cough)(?:ed)? out)\b|"
                 r"^\s*(?:'d|did|does|do|will|would|has|had)?\s*(?:it|that|this|they|the \w+|your \w+|the whole (?:\w+ )?thing|"
                 r"everything|the lot) (?:c[oa]me|comes|add(?:ed|s)? up) to\b", rest):
        return AnswerType("money", _head_after(rest, 0))  # "what would a cab SET YOU BACK?", "what'd it COME TO?": a sum
    verb = re.match(r"\s*(?:did|does|do|has|have|had|will|would|can|could|should)\s+(?:(?:the|your|my|his|her|their|a|an|"
                    r"this|that)\s+)?(?:\w+(?:'s)?\s+)??(?:you|i|we|they|he|she|it|\w+)\s+(\w+)", rest)
    if verb and verb.group(1) not in STOPWORDS and word_key(verb.group(1)) not in _NOT_TELLING:
        return AnswerType("thing", word_key(verb.group(1)))  # "what did the agent PROMISE": what was promised
    if re.search(r"\b(?:cost|charge|charged|pay|paid|spend|spent|owe|take|took)\b(?: (?:you|me|us))?\s*(?:altogether|in total|"
                 r"for (?:it|them|that)|overall)?\s*\??$", rest):
        return AnswerType("money", _head_after(rest, 0))
    return AnswerType("thing", _head_after(rest, 0))


def _head_after(text: str, skip: int) -> str | None:
    """The first telling word of `text` after `skip` words: what the question is about."""
    words = [w for w in tokens(text)][skip:]
    for w in words:
        k = word_key(w)
        if k in _NOT_TELLING or k in _FILLER_HEADS or len(k) < 3 or k.isdigit():
            continue
        return k
    return None


_PREPS = {"on", "in", "at", "of", "from", "behind", "under", "by", "near", "with", "to", "into"}


def _colour_of(text: str, topic: set[str]) -> bool:
    """A colour word said of the thing asked about: "a GREEN door", "my door is WHITE", "a bike ... in BLUE";
    not "the light on the router is flashing RED" (that is the light's colour, not the router's)."""
    toks = tokens(text)
    ks = [_GROUP.get(word_key(t), word_key(t)) for t in toks]
    want = topic | {_GROUP.get(k, k) for k in topic}
    if not topic:
        return bool(_COLOUR_RX.search(text))
    for i, t in enumerate(toks):
        if t not in _COLOURS:
            continue
        if want & set(ks[i + 1:i + 3]):
            return True                                  # a green door
        if i and toks[i - 1] == "in" and want & set(ks[max(0, i - 12):i]):
            return True                                  # a mountain bike with 24-inch wheels, in blue
        for j in range(max(0, i - 6), i):
            if ks[j] in want and not (set(toks[max(0, j - 2):j]) & _PREPS) \
                    and set(toks[j + 1:i]) & {"is", "are", "was", "were", "looks", "look", "s"}:
                return True                              # my door is white
    return False


_NO_NAME = re.compile(r"\b(?:no|never|neither|nobody|none|nor|didn't|did not|without|wouldn't|won't|not)\b(?:\s+\w+){0,3}\s+(?:a |their |his |her |any )?"
                      r"(?:names?|surname)\b|\bno surname\b|\bnameless\b", re.I)


def holds(text: str, atype: str) -> bool:
    """Whether a piece of the customer's story holds an answer of this type."""
    if atype in ("name", "named") and _NO_NAME.search(text):
        return True  # "Neither of them gave a name": the honest answer to "what were their names?"
    if atype == "self":
        return bool(_FULL_NAME.search(text))
    if atype == "named":  # a named person: "Jess", "Dr Ahmed", "a woman called Becky"
        return bool(_FULL_NAME.search(text) or re.search(r"\b(?:dr|mr|mrs|ms|miss)\.? [A-Z]\w+|\b(?:called|named) [A-Z]", text)
                    or any(m.group() not in _NOT_NAMES for m in _CAP.finditer(text)))
    if atype == "name":
        return bool(_PERSON_RX.search(text) or _FULL_NAME.search(text)
                    or any(m.group() not in _NOT_NAMES for m in _CAP.finditer(text)))
    if atype in ("time", "dated"):  # "dated": a day, an hour or a season; "time" also "all day", "whenever"
        return bool(_DAY_RX.search(text) or _CLOCK_RX.search(text) or re.search(r"\b(?:ago|since|spring|summer|autumn|"
                                                                                  r"winter)\b", text, re.I)
                    or atype == "time" and re.search(r"\b(?:whenever|any ?time|(?:all|every|any) (?:day|week|time)s?)\b",
                                                     text, re.I))
    if atype == "day":
        return bool(_DAY_RX.search(text))
    if atype == "clock":
        return bool(_CLOCK_RX.search(text))
    if atype == "duration":
        return bool(_DURATION_RX.search(text))
    if atype == "distance":
        return bool(_DURATION_RX.search(text) or re.search(r"\b(?:miles?|km|kilometres?|metres?|walk|drive|minutes?|"
                                                           r"hours?|round the corner|next door|nearby|near)\b", text, re.I))
    if atype == "frequency":
        return bool(re.search(rf"\b(?:every|each|once|twice|{_NUMWORD} times?|a (?:day|week|month|year)|daily|weekly|"
                              r"monthly|yearly|always|never|usually)\b", text, re.I))
    if atype == "money":
        return bool(_MONEY_RX.search(text))
    if atype == "quantity":
        return bool(_QUANTITY_RX.search(text))
    if atype == "measure":
        return bool(_MEASURE_RX.search(text))
    if atype == "code":
        return bool(_CODE_RX.search(text))
    if atype == "colour":
        return bool(_COLOUR_RX.search(text))
    if atype == "place":
        return bool(_PLACE_RX.search(text))
    if atype == "name_of":  # what a thing is called: a proper name, a brand or model ("FibreHub 3", "amlodipine")
        return bool(any(m.group() not in _NOT_THING_NAMES for m in _CAP.finditer(text))
                    or re.search(r"\b[A-Z][a-z]+[A-Z]\w*|\b(?:called|named|says)\b|\b[a-z]+(?:ine|ol|am|ide|in)\b", text))
    if atype == "method":
        return bool(_METHOD_RX.search(text))
    if atype == "reason":
        return bool(_REASON_RX.search(text))
    return True


@dataclass(frozen=True)
class Match:
    """A piece of the customer's story a question asks for: a fact (by id) or a knows item (by index)."""
    source: str          # "fact" | "knows"
    key: str             # fact id, or "k<index>"
    text: str            # what the customer would say
    score: float


_SCENE = re.compile(r"\W*(?:and |so )?when (?:you|u|they|he|she|we|i) (?!(?:did|do|does|is|was|were|are|will|would|can|"
                    r"could|should|has|have|had)\b)\w+[^?]*?,?\s*(?=\b(?:what|who|which|how|why|where)\s+(?:did|do|does|is|was|"
                    r"were|are|had|have|has|would|could|will)\b)", re.I)


def question_kinds(question: str) -> list[str]:
    """The kinds of knowledge a question asks for (core.scenario.KNOW_KINDS), most specific first."""
    # a scene-setting clause first ("WHEN YOU RANG on the 11th, what did they tell you?") leads nothing
    scene = _SCENE.match(question)
    off = scene.end() if scene else 0
    found = [(m.start() if m.start() >= off else m.start() + len(question), i, k)
             for i, (k, rx) in enumerate(KIND_CUES.items()) if (m := rx.search(question))]
    return [k for _, _, k in sorted(found)]  # the cue nearest the start leads: "What were you told when…"


@lru_cache(maxsize=4096)
def _group_of(k: str) -> str | None:
    """The thesaurus group of a word key, forms the stemmer left apart included ("phon" ~ "phone")."""
    if k in _GROUP:
        return _GROUP[k]
    if len(k) >= 4:
        for w, g in _GROUP.items():
            if len(w) >= 4 and abs(len(w) - len(k)) <= 1 and (w.startswith(k) or k.startswith(w)):
                return g
    return None


def _telling(text: str) -> set[str]:
    """The content keys of a text that say what it is about, each with its thesaurus group."""
    out: set[str] = set()
    for t in tokens(text):
        for k in keys(t):
            if k in _NOT_TELLING or k.isdigit():
                continue
            if len(k) < 3:
                if k in _GROUP:
                    out.add(_GROUP[k])  # "GP", "Dr": too short to stand alone, but they say who
                continue
            out.add(k)
            g = _group_of(k)
            if g:
                out.add(g)
    return out


_TRUNC: dict[int, tuple[object, frozenset[str]]] = {}


def _trunc(keyset: set[str] | frozenset[str]) -> frozenset[str]:
    """Each key of a set less its last letter (5+ letters, groups aside), cached per set."""
    hit = _TRUNC.get(id(keyset))
    if hit is not None and hit[0] is keyset:
        return hit[1]
    out = frozenset(b[:-1] for b in keyset if len(b) >= 5 and b[0] != "~")
    if len(_TRUNC) > 4096:
        _TRUNC.clear()
    _TRUNC[id(keyset)] = (keyset, out)
    return out


def _near(k: str, known: set[str] | frozenset[str]) -> bool:
    """A word form the stemmer left apart: "phon" (phoned) and "phone", "arriv" and "arrive" (4+ letters,
    one the other plus at most one letter)."""
    return len(k) >= 4 and k[0] != "~" and (k in known or k in _trunc(known) or (len(k) >= 5 and k[:-1] in known))


def _pairs(text: str) -> set[tuple[str, str]]:
    """Adjacent telling words as thesaurus groups (or keys): "the plumber's bill" ~ "the plumber's invoice"."""
    ks = [k for t in tokens(text) for k in keys(t) if k not in _NOT_TELLING and len(k) >= 3]
    g = [_GROUP.get(k, k) for k in ks]
    return set(zip(g, g[1:]))


def _hits(q: set[str], item: set[str]) -> set[str]:
    """Keys of the question the item shares, compounds included ("shop" in "bookshop")."""
    out = q & item
    for a in q - out:
        if _near(a, item):
            out.add(a)  # "disputed" ~ "dispute", "promise" ~ "promised"
            continue
        if len(a) >= 4 and a[0] != "~" and any(len(b) > len(a) + 2 and (b.endswith(a) or b.startswith(a))
                                                for b in _long(item)):
            out.add(a)
    return out


_LONG: dict[int, tuple[object, tuple[str, ...]]] = {}


def _long(keyset: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The keys of 7+ letters of a set (the only ones that can hold a 4+ letter word inside), cached per set."""
    hit = _LONG.get(id(keyset))
    if hit is not None and hit[0] is keyset:
        return hit[1]
    out = tuple(b for b in keyset if len(b) >= 7 and b[0] != "~")
    if len(_LONG) > 4096:
        _LONG.clear()
    _LONG[id(keyset)] = (keyset, out)
    return out


# "When do you need it by?", "What's your deadline?", "How long have you got?": by when it must happen. A piece
# marked `answers: [deadline]` answers it (the customer infers "by Friday" from their own plans); a piece that
# says "by Friday" / "before nine" may.
DEADLINE_Q = re.compile(r"\bby when\b|\b(?:need|needs|needed|want|wanted|like|have|has|get|got|be|arrive|come|done|"
                        r"sorted|fixed|back|delivered|here|there)\b[\w\s']{0,25}?\bby\s*\??\s*$|\bdeadlines?\b|"
                        r"\bat the latest\b|\blatest (?:time|date|day)\b|\bthe latest (?:it|you|they|we|that|this|he|she)\b|\bin time\b|\b(?:run|running) out\b|"
                        r"\bhow long (?:have you got|do you have|can you (?:wait|last|manage))\b|"
                        r"\b(?:last|manage|wait) (?:until|till)\b|\b(?:go|manage|last|cope) without\b|"
                        r"\b(?:what time|when|which day|what day)\b.{0,25}\b(?:need|have|got) to (?:be|land|arrive|get|leave)\b",
                        re.I)
_DEADLINE_SAY = re.compile(r"\b(?:by|before|in time for|until|till|no later than)\s+(?:the |about |around |half |"
                           r"next |this )?(?:\w+day|tomorrow|tonight|today|noon|midday|\d|one|two|three|four|five|six|"
                           r"seven|eight|nine|ten|eleven|twelve|the end|morning|afternoon|evening|then)", re.I)
# "What happens if the rent bounces?", "how's all this affecting you?", "what's riding on it for you?", "if the
# file doesn't go, what does it cost you?", "would that leave you short?": what is at stake for them. A piece
# marked `answers: [stakes]` answers it; a piece that says a consequence ("I could lose the job", "a £30 late
# fee", "I'll be overdrawn") may.
STAKES_Q = re.compile(
    r"\bwhat(?:'s| is| would| will| could)? (?:actually |really |exactly )?(?:happens?|going to happen|gonna happen)\b"
    r"(?=[^?]{0,60}\b(?:if|otherwise|without|unless)\b)|"
    r"^\W*(?:\w+\W+){0,3}?(?:if|say|suppose|supposing)\b[^?]{3,90}?\bwhat (?:happens|would happen|will happen|then|"
    r"does (?:that|it) (?:mean|cost|do)|would (?:that|it) (?:mean|cost|do))\b|"
    r"\bhow(?:'s| is| has| does| will| would| are)? (?:this|it|all this|that|all of this|the \w+|things)(?: all)? "
    r"(?:been )?affect(?:ing|ed|s)?\b|\baffect(?:ing|ed|s)? (?:you|your|the family|the kids|things)\b|"
    r"\b(?:riding on|at stake)\b|\bwhat(?:'s| is| would be) on the line\b|\bon the line (?:for you|here)\b|\bwhat (?:would|does|will|did|could) (?:that|it|this) (?:mean|do) (?:for|to) you\b|"
    r"\bwhat difference (?:would|does|will) (?:it|that|this) make\b|"
    r"\b(?:leave|leaves|left|put|puts|leaving|land) you (?:short|out of pocket|in trouble|overdrawn|stuck|in the lurch|"
    r"in a (?:hole|mess|bind|spot))\b|\b(?:the )?impact (?:on|for) you\b|\bwhat(?:'s| is| would be) the impact\b|"
    r"\bwhy (?:is|'s|are) (?:it|this|that|they|(?:the|this|that|your) \w+) (?:so |such a |a |that )?(?:urgent|important|"
    r"big deal|problem|worry)\b|\bwhy (?:does|do) (?:it|this|that|(?:the|this|that|your) \w+) matter\b|\bhow urgent\b|"
    r"\bwhy\b[^?]{0,60}\b(?:so )?(?:urgent(?:ly)?|so (?:quickly|fast|soon|badly)|in such a (?:hurry|rush)|so much)\b|"
    r"\bwhat(?:'s| is| was) the occasion\b|"
    r"\bworst(?:-| )case\b|\bworst (?:that|thing that) (?:could|can|might) happen\b|"
    r"\bif\b[^?]{3,90}\bcost you\b|\bcost you\b[^?]{0,20}\bif\b|\bwhat(?:'s| is) the (?:knock-on|fallout)\b",
    re.I)
# "What would actually work for you?", "what are you hoping we can do?", "how can we put this right for you?":
# what they want from the call, which their `wants` piece says.
WANTS_Q = re.compile(
    r"\bwhat (?:would|do|did|might|could|will)(?: \w+)? you (?:\w+ )?(?:like|want|need|prefer|expect|hope|accept)\b(?! (?:to know|me to know))|"
    r"\bwhat (?:would|will|might|could|'d)(?: (?:actually|really|honestly|ideally|best|genuinely))? (?:work|help|suit|"
    r"fix (?:this|it|things)|make (?:this|it|things|you) (?:right|better|okay|ok|happy|feel better)|put (?:this|it|things) right|"
    r"sort (?:this|it|things)(?: out)?|do it|settle (?:this|it))\b|"
    r"\bwhat(?: \w+){0,3}? (?:are|were) you (?:hoping|looking|wanting|after|expecting|asking)\b|"
    r"\bwhat (?:outcome|resolution|result|solution)\b|"
    r"\bwhat(?:'s| is| would be) (?:the )?(?:best|ideal|right|perfect) (?:outcome|result|solution|fix|answer)\b|"
    r"\b(?:in an ideal world|ideally|best case(?: scenario)?)\b|"
    r"\bhow (?:can|could|would|should|do) (?:we|i) (?:best )?(?:fix|sort|put (?:this |it |things )?right|resolve|"
    r"make (?:this|it|things) right|help)\b(?:[^?]{0,20}\bfor you\b)?|"
    r"\bwhat can (?:we|i) do (?:for you|to help|to put|to make|to fix|to sort|today)\b|\bwhat do you need from (?:us|me)\b|"
    r"\bwhat(?:'s| is) (?:going to|gonna) (?:help|work|fix)\b", re.I)
_STAKES_SAY = re.compile(
    r"\b(?:I'?ll|I will|I'?d|I would|I could|I might|we'?ll|we'?d|we could|they'?ll|they could|it'?ll|could|might)\s+"
    r"(?:\w+\s+)?(?:lose|be (?:overdrawn|charged|stuck|short|evicted)|go (?:overdrawn|without)|"
    r"get (?:charged|a fine|reported))\b|\blate fee\b|\boverdrawn\b|\bcan'?t afford\b|\bfrighten|"
    r"\bscares? me\b|\bI'?m (?:£[\d.,]+ )?short\b|\bcan'?t use\b|\bnever to (?:just )?stop\b", re.I)
_index_cache: dict[int, tuple[object, list[dict], dict[str, float]]] = {}
# What a piece sets aside is not what it is about: "Apart from the plumber, I've spent £60" is not the plumber's bill.
_EXCEPT = re.compile(r"\b(?:apart from|aside from|except(?: for)?|other than|besides|not counting|not including|"
                     r"on top of)\s+(?:the |my |a |an |your |our )?[\w']+", re.I)
_EXCEPT_Q = re.compile(r"\b(?:other than|apart from|aside from|except(?: for)?|besides|instead of|rather than|as well as)\s+"
                       r"((?:the |my |a |an |your |our )?[\w']+(?: [A-Z][\w']+)?)", re.I)
_VALUE_RX = {"money": _MONEY_RX, "day": _DAY_RX, "clock": _CLOCK_RX, "duration": _DURATION_RX,
             "measure": _MEASURE_RX, "code": _CODE_RX}
_WORD = re.compile(r"[\w']+")


def _value_near(text: str, atype: str, want: set[str], span: int = 5) -> bool:
    """Whether an answer of this type in the text stands next to a word of the thing asked about: "the
    plumber's invoice for £180" holds the plumber's bill; "I noticed on Tuesday" holds when they noticed."""
    rxs = [_DAY_RX, _CLOCK_RX] if atype == "time" else [_VALUE_RX[atype]] if atype in _VALUE_RX else []
    if not rxs or not want:
        return False
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(_EXCEPT.sub(lambda m: " " * len(m.group()), text))]
    at = []
    for i, (_, _, w) in enumerate(words):
        ks = {k for k in keys(w.lower())} | {g for k in keys(w.lower()) if (g := _group_of(k))}
        if ks & want or any(_near(k, want) for k in ks if len(k) >= 4):
            at.append(i)
    if not at:
        return False
    for rx in rxs:
        for m in rx.finditer(text):
            vi = [i for i, (a, b, _) in enumerate(words) if a < m.end() and b > m.start()]
            if vi and min(abs(i - j) for i in vi for j in at) <= span:
                return True
    return False


def _index(scenario: Scenario) -> tuple[list[dict], dict[str, float]]:
    hit = _index_cache.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1], hit[2]
    items: list[dict] = []
    for i, f in enumerate(scenario.facts):
        # A fact's own example question is how its author expects it to be asked.
        ask = getattr(f, "ask", None)
        items.append({"source": "fact", "key": f.id, "text": f.text, "kind": getattr(f, "kind", "other"),
                      "about": list(f.keywords) + ([ask] if ask else []), "order": i,
                      # a fact whose own example question asks by when ("When do you need to be there?") answers that
                      "answers": ("deadline",) if ask and DEADLINE_Q.search(ask) or "deadline" in f.keywords else ()})
    for i, k in enumerate(getattr(scenario, "knows", None) or []):
        items.append({"source": "knows", "key": f"k{i}", "text": k.say, "kind": k.kind, "about": list(k.about),
                      "order": 100 + i, "answers": tuple(getattr(k, "answers", None) or ())})
    for it in items:
        if "stakes" not in it["answers"] and _STAKES_SAY.search(it["text"]):
            it["answers"] = (*it["answers"], "stakes")  # it says what is at stake: "I could lose the job"
        it["about_keys"] = _telling(" ".join(it["about"]))
        # "apart from the plumber": not about the plumber; "it went DOWN": it dropped (an outage, not a direction)
        it["say_keys"] = _telling(_WENT_DOWN.sub(r"\1 dropped", _EXCEPT.sub(" ", it["text"])))
        it["about_keys"], it["say_keys"] = frozenset(it["about_keys"]), frozenset(it["say_keys"])
        it["all"] = it["about_keys"] | it["say_keys"]
        it["pairs"] = _pairs(it["text"])
    # The ticket ties a figure to what it was for ("paid £212.40 for textbooks"): a piece saying that figure is
    # about those things too, so "how much were the books?" finds "It's £212.40, and it shows up twice".
    for sent in re.split(r"(?<=[.!?])\s+", getattr(scenario, "situation", "") or ""):
        figures = {n for n in _numbers(sent) if "." in n or len(n) >= 3}
        if not figures:
            continue
        sent_keys = _telling(sent)
        for it in items:
            if figures & _numbers(it["text"]):
                it["bridge"] = it.get("bridge", frozenset()) | (sent_keys - it["all"])
    for it in items:
        it.setdefault("bridge", frozenset())
    n = max(1, len(items))
    df: dict[str, int] = {}
    for it in items:
        for k in it["all"]:
            df[k] = df.get(k, 0) + 1
    idf = {k: math.log(1 + n / d) for k, d in df.items()}
    top = max(idf.values(), default=1.0)
    idf = {k: v / top for k, v in idf.items()}
    if len(_index_cache) > 256:
        _index_cache.clear()
    _index_cache[id(scenario)] = (scenario, items, idf)
    return items, idf


_known_cache: dict[int, tuple[object, frozenset[str]]] = {}


def _known(scenario, items: list[dict]) -> frozenset[str]:
    """Every key the customer's story mentions (cached per scenario)."""
    hit = _known_cache.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    out = frozenset().union(*(it["all"] for it in items))
    if len(_known_cache) > 256:
        _known_cache.clear()
    _known_cache[id(scenario)] = (scenario, out)
    return out


_OWNED = re.compile(r"\b(?:the|your|his|her|their|that|this)\s+(?:\w+\s+)?(\w+)'s\s+(?:first\s+|last\s+|full\s+)?(\w+)|"
                    r"\bnames?\s+of\s+(?:the|your|his|her|their|that|this)\s+(?:\w+\s+)?(\w+)|"
                    r"\b(?:what|where|when|how)\s+(?:does|did|do|is|was|will)\s+(?:your|the|his|her|their)\s+(\w+)\s+"
                    r"(?:do\s+for\s+(?:a\s+)?(\w+)|((?:\w+\s*)+))", re.I)


_KIN = {word_key(w) for w in "son daughter child partner wife husband sister brother mum dad mother father neighbour "
        "friend landlord".split()}
_OWNED_CALLED = re.compile(r"\bwhat(?:'s| is| was)\s+(?:your|the|his|her|their|that)\s+(\w+)\b[\w\s,']{0,30}\b(?:called|named)\b",
                           re.I)
_OWNED_POSS = re.compile(r"\b\w+'s\s+\w+", re.I)
# "your son's school" is looked for before "the name of your son"
_OWNED_FIRST = re.compile(r"\b(?:the|your|his|her|their|that|this)\s+(?:\w+\s+)?(\w+)'s\s+(?:first\s+|last\s+|full\s+)?(\w+)",
                          re.I)


def _owner_attr(question: str) -> tuple[str | None, str | None]:
    """Whose detail a question asks for and which detail: "your son's school" -> (son, school); "the name of
    the delivery driver" -> (driver, None); "what does your mum do for work" -> (mum, work). Only a person
    owner counts ("the plumber's bill" names what, not whose); a detail that names the answer's kind (name,
    number) is no detail."""
    q = question.replace("’", "'")
    m = _OWNED_FIRST.search(q)
    called = _OWNED_CALLED.search(q)
    if m:
        owner, raw = m.group(1), m.group(2)
    elif called:
        owner, raw = called.group(1), None  # "What's your neighbour at number 33 called?"
    else:
        m = _OWNED.search(q)
        if not m:
            return None, None
        owner = m.group(3) or m.group(4)
        raw = m.group(5)
        if m.group(6):  # "what does your son do after SCHOOL", "want to be when he GROWS up": the first telling word
            raw = next((w for w in tokens(m.group(6)) if word_key(w) not in _NOT_TELLING and word_key(w) not in
                        _FILLER_HEADS and w not in ("want", "wants", "like", "likes", "usually", "normally")
                        and len(word_key(w)) >= 3), None)
    owner = word_key(owner.lower())
    if owner not in _PERSON_NOUNS or (m is not None and m.re is _OWNED and m.group(4) and owner not in _KIN):
        return None, None  # "what did the agent say": what the company's people did is the story itself
    attr = word_key(raw.lower()) if raw else None
    if attr and (attr in _TYPE_WORDS or attr in _NOT_TELLING or attr in _FILLER_HEADS or len(attr) < 3
                 or _head_type(attr) is not None or attr in {"phone", "mobile", "email", "address", "detail"}):
        attr = None
    return owner, attr


_FAMILY = {word_key(w) for w in "son daughter child kid lad lass boy girl partner wife husband sister brother mum dad mother father "
           "grandson granddaughter nan gran grandad grandma grandpa aunt uncle cousin niece nephew".split()}
_FAMILY_NAMED = re.compile(r"\b(?:my|our)\s+(?:little |eldest |youngest |older |younger )?(?:son|daughter|child|kid|partner|wife|husband|"
                           r"sister|brother|mum|dad|mother|father|grandson|granddaughter|nan|gran|grandad|grandma|grandpa|"
                           r"aunt|uncle|cousin|niece|nephew)(?:'s| is| was)\b", re.I)
_ENDS_Q = re.compile(r"\b(?:ends?|ending) (?:in|with)\b|\blast (?:\w+ )?(?:digits|numbers)\b", re.I)
_ENDS_SAY = re.compile(r"\b(?:ending|ends?) (?:in |with )?\d|\blast (?:\w+ )?(?:digits|numbers) (?:are |is )?\d", re.I)
_THING_POSS = re.compile(r"\b(?:the|your|their|that|this|his|her)\s+(?:\w+\s+)?(\w+)'s\s+(?:\w+\s+)?(?:phone|number|"
                         r"email|e-mail|address|hours|website|site|postcode|details|contact|line|office|opening)\b", re.I)
_CONDITION = re.compile(r"(?<=\w)[\s,]+(?:if|in case|assuming|supposing|provided)\b[^,?]*", re.I)
# "How many OTHER passengers were booked?": not the customer's own party
_OTHERS = re.compile(r"\bother (?:passengers|customers|people|travellers|callers|residents|tenants|households|families|"
                     r"neighbours|users|members)\b", re.I)
_TRANSPORT = re.compile(r"\b(?:bus|buses|train|tube|tram|taxi|cab|car|drive|drove|driving|walk|walked|walking|lift|bike|"
                        r"cycle|cycled|coach|ferry|metro)\b", re.I)
_FAMILY_WORD = re.compile(r"\b(?:son|daughter|child|children|kids?|partner|wife|husband|sister|brother|mum|dad|mother|"
                          r"father|my two|my three|grandson|granddaughter|flatmate|lodger|boyfriend|girlfriend)\b", re.I)
_PARTY = re.compile(r"\b(?:\w+ of us|of them|people|adults|passengers|travellers|seats for)\b", re.I)
_ID_PREPS = {"under", "underneath", "behind", "beneath", "above", "below", "inside", "outside", "by", "near", "beside",
             "opposite", "in", "at", "from", "next"}
_POSSESSIVE = re.compile(r"\b(?!(?:it|there|that|he|she|what|who|here|let|where|how|one|everything|nothing)'s)"
                         r"[A-Za-z]+'s\b", re.I)
_NOT_A_NAME = set("what who where when why how which that this it there here let he she one everyone nobody somebody "
                  "today tomorrow yesterday".split())
_TAG_Q = re.compile(r",\s*(?:is that (?:right|correct)|(?:is|was|are|were|did|does|do|have|has|had)(?:n't)? "
                    r"(?:it|that|you|they|he|she|we|there)|right|correct|yeah|am i right)\s*[?.!]*\s*$", re.I)
_MODAL_Q = re.compile(r"\b(?:could|would|might|may|can|will|shall|should)\b|'d\b", re.I)
# A piece that opens on a possibility ("We could fly from Gatwick", "I'd happily take..."), not what happened
_HYPOTHETICAL = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:could|would|might|may)\b", re.I)


def _identifies(text: str, k: str) -> bool:
    """Whether `text` says WHICH one of the thing `k` it mentions: a modifier before it ("the campus
    bookshop", "amlodipine tablets"), or a name, number or code just after ("flight QL 482",
    "the bookshop, Page & Quill", "gate 14")."""
    words = re.findall(r"[\w'&-]+", text)
    g = _group_of(k)
    for i, w in enumerate(words):
        wk = word_key(w.lower())
        if not (wk == k or (g and _group_of(wk) == g) or (len(k) >= 4 and wk.endswith(k) and len(wk) > len(k) + 2)):
            continue
        if len(wk) > len(k) + 2 and wk.endswith(k):
            return True  # a compound names the kind: "bookshop" for "shop"
        if i + 2 < len(words) and words[i + 1].lower() in _ID_PREPS and words[i + 2].lower() in ("the", "my", "our", "your", "a"):
            return True  # "the pipe UNDER THE kitchen sink"
        prev = words[i - 1].lower() if i else ""
        if prev and prev not in STOPWORDS and len(prev) > 2 and not prev.endswith("'s"):
            return True
        for nxt in words[i + 1:i + 4]:
            if (nxt[:1].isupper() and not re.fullmatch(r"I(?:'\w+)?", nxt)) or any(c.isdigit() for c in nxt):
                return True
    return False


_FIGURES = frozenset({"money", "quantity", "measure"})
_TIMES = re.compile(rf"\b(?:once|twice|thrice|(?:\d+|{_NUMWORD}) times|(?:second|third|fourth|fifth|2nd|3rd|4th|5th) "
                    r"(?:go|time|call|attempt|try))\b", re.I)
_PARTY_HEADS = frozenset(word_key(w) for w in "people seat seats ticket tickets place places passenger passengers traveller "
                                          "travellers travelers adult adults".split())

# "Would you know IF MRS HUGHES has had a big bill?", "Any idea whether the shop's system was down?", "Do you reckon
# that handbook gets a new edition?": asked about someone or something else. The customer can say only what their
# story says of THAT subject doing THAT: a piece naming the subject for something else ("Mrs Hughes helped me find
# the meter"), or saying the predicate of someone else, is no answer.
_EMBED = re.compile(r"\b(?:know|idea|heard|sure|remember|reckon|think|guess|wonder|wondering)\s*,?\s+"
                    r"(?:(?:roughly|exactly|just|even|offhand)\s+)?(if|whether|when|how|why|what|which|who|where)\s+"
                    r"(?:(?:much|many|long|soon|far|often|big|old|time|day|kind of|sort of|type of)\s+)?"
                    r"(?!you\b|your\b|yours\b|u\b|ur\b|i\b|it\b|it's\b|that(?:'s)?\b|this\b|is\b|was\b|are\b|were\b|did\b|"
                    r"does\b|do\b|will\b|would\b|'s\b)(.+)$", re.I)
# what a question may open with before its verb: "And so, sorry, did you…"
_OPENERS = r"(?:(?:and|so|okay|ok|right|sorry|just)\W+)*"
_AUX_OTHER = re.compile(r"^\W*(?i:" + _OPENERS + r"(?:has|have|had|is|are|was|were|does|do|did|will|would|could|can)\s+"
                        r"(?!you\b|your\b|yours\b|u\b|ur\b|i\b|it\b|that\b|this\b|there\b|anyone\b|anybody\b|someone\b|somebody\b))"
                        r"((?i:the|a|an|his|her|their|my)\s+.+|[A-Z][a-z]+(?:'s)?\s.+)$")
_FUTURE_OF = re.compile(r"\b(?:next (?:year|month|week|term|season|time)|in (?:the )?future|ever again|in a (?:year|few years))\b", re.I)
_RECKON = re.compile(r"\b(?:do|d'you|would|did) you (?:reckon|think|suppose|expect|imagine|figure)\s+(?:that\s+)?"
                     r"(?!you\b|your\b|yours\b|u\b|ur\b|i\b|i'm\b|i'll\b|it\b|it's\b|that\b|this\b|we\b|so\b|not\b|about\b|of\b)(.+)$", re.I)
_OPINION_TAIL = re.compile(r",?\s*(?:do you (?:reckon|think|suppose)|d'you (?:reckon|think|know)|you reckon|you think|do you know|"
                           r"would you say|would you guess|any idea)\s*[?.!]*\s*$", re.I)
# Organisations and trades: "a drying company", "the surgery", "that shop" are someone else, like a person
_ORG_NOUNS = {word_key(w) for w in """company firm shop store surgery practice bank agency agent provider insurer airline
courier council pharmacy hospital school college university business supplier manufacturer maker contractor
garage office branch team department clinic""".split()}
# "What time does THE SURGERY shut?", "How many days would A DRYING COMPANY need?": a wh-question about a third party
_WH_OTHER = re.compile(r"^\W*(?i:" + _OPENERS + r"(?:what|when|which|how|where|why)(?:\s+\w+){0,2}?\s+"
                       r"(?:does|do|did|is|are|was|were|will|would|has|have|can|could|should)\s+"
                       r"(?!you\b|your\b|yours\b|u\b|ur\b|i\b|it\b|that\b|this\b|there\b|we\b|they\b))"
                       r"((?i:the|a|an|his|her|their)\s+.+|[A-Z][a-z]+(?:'s)?\s.+)$")
# "Which company MADE your meter?": the one who did it, unnamed, is what is asked
_WHICH_DID = re.compile(r"(?:^\W*(?i:" + _OPENERS + r")|(?i:\b(?:know|idea|sure|remember|tell me)\s+))(?i:(?:which|what)\s+(\w+)\s+(?!is|are|was|were|do|does|did|has|have|had|will|would|"
                        r"can|could)(\w+(?:ed|ade|akes|ake|ilt|uilds|ent|ends|old|ells|upplies|upplied|uns|an)\b.*))$")
# Words known to be words (so never read as a slip): the word lists above and the thesaurus
_REAL_WORDS: set[str] = set()
_WH_VERB = re.compile(r"(?<=\w)\s(?=(?:need|needs|want|wants|take|takes|shut|shuts|open|opens|close|closes|charge|charges|"
                      r"make|makes|run|runs|work|works|usually|normally|tend|tends|stock|stocks|deliver|delivers)\b)", re.I)
_WHERE_WORDS = {word_key(w) for w in "near nearby round around living here there close local area street".split()}
# "Has anyone else ON YOUR COURSE had the same?": other people's experience, which their story may say
_ANYONE_ELSE = re.compile(r"\b(?:anyone|anybody|someone|somebody)\s+else\s+((?:on|in|at|from|near|round|around|living|"
                          r"who|that)\b[^,?]*?)\s+(?:had|has|have|got|get|gets|been|having|is|was|seen|noticed|mentioned|"
                          r"complained|lost|lose|losing|gone|go|went|got)\b(.*)$", re.I)
# "Is anyone else having trouble?", "other people in the street?": a piece about other people answers it
_OTHER_PEOPLE = re.compile(r"\b(?:anyone|anybody|someone|somebody) else\b|\bother (?:people|customers|houses|neighbours|students|"
                           r"passengers|families)\b|\banyone (?:near|nearby|round|around|local|on your)\b", re.I)
_SUBJECT_END = re.compile(r"\s(?:has|have|had|is|are|was|were|does|do|did|will|'ll|would|could|can|got|gets|get|been|'s|"
                          r"ever|already|still|also|said|says|say|knows?|told|getting|going|having|being|coming|gonna|be|become|stay|"
                          r"cost|costs|go|goes|pay|pays|paid|use|uses|used)\b|"
                          r"'s\s+(?:been|got|had|having)\b", re.I)


_TO_THEM = re.compile(r"^\s*(?:(?:has|have|had|did|does|do|will|would|is|was|ever|already|still)\s+)*(?:been\s+)?(?:come|came|coming)\b|"
                      r"\b(?:you|your|yours|u|ur|round|over|call|called|ring|rang|rung|phone|phoned|contact|"
                      r"contacted|visit|visited|send|sent|deliver|delivered|drop|dropped|leave|left|told|tell|said|say|ask|asked|"
                      r"knock|knocked|email|emailed|text|texted|(?:write|wrote|written) (?:to|back)|reply|replied|get back)\b", re.I)


def _said_of(text: str, subject: set[str], predicate: set[str], span: int = 8) -> bool:
    """Whether a piece says the predicate OF the subject: a word of each within a few words of each other."""
    toks = [_GROUP.get(word_key(w.lower()), word_key(w.lower())) for w in _WORD.findall(text)]
    subj = {_GROUP.get(k, k) for k in subject}
    pred = {_GROUP.get(k, k) for k in predicate}
    at_s = [i for i, k in enumerate(toks) if k in subj or any(_near(k, {x}) for x in subject)]
    if not predicate:
        return bool(at_s)  # "how long would a drying COMPANY need?": only a piece that speaks of one
    at_p = [i for i, k in enumerate(toks) if k in pred or any(_near(k, {x}) for x in predicate)]
    return any(abs(i - j) <= span for i in at_s for j in at_p)


def _other_subject(question: str) -> tuple[set[str], set[str]] | None:
    """(subject keys, predicate keys) of a question about a third party or thing, or None."""
    wh = None
    m = _EMBED.search(question)
    body = m.group(2) if m else None
    if body is None:
        r = _RECKON.search(question)  # "Do you reckon the handbook will still be on the list next year?"
        body = r.group(1) if r else None
    if body is not None:
        there = re.match(r"\s*there(?:'s|'re| is| are| was| were| has been| have been| been)\s+(?:any\s+|some\s+|a\s+|an\s+)?(\w+)(.*)$",
                         body, re.I)
        if there:
            # "…if THERE ARE ROADWORKS on Mill Lane": the roadworks are what is asked about
            subj = {k for k in _telling(there.group(1)) if k not in _TYPE_WORDS}
            pred = {k for k in _telling(there.group(2)) if k not in _TYPE_WORDS} - subj
            return (subj, pred) if subj and pred else None
    aux = m is not None and m.group(1).lower() in ("what", "which", "who", "where")  # "…know what X pays": X a person
    if not aux:
        aux = None
    opinion = _OPINION_TAIL.search(question) or _FUTURE_OF.search(question)
    if body is None and opinion:
        # "Is that handbook getting a new edition next year, do you reckon?": their guess about something else
        o = re.match(r"^\W*" + _OPENERS + r"(?:has|have|had|is|are|was|were|does|do|did|will|would|could|can)\s+"
                     r"(?!you\b|your\b|yours\b|u\b|ur\b|i\b)(.+)$",
                     question[:opinion.start()] if opinion.re is _OPINION_TAIL else question, re.I)
        body = o.group(1) if o else None
        if body is not None and not re.search(r"\b(?:next|future|ever|again|soon|later|tomorrow|this (?:year|month|week))\b|"
                                              r"\b(?:will|going to|gonna|getting|be able to|would (?:they|he|she|it) )\b|"
                                              r"^\W*(?:would|could)\b", question, re.I):
            body = None  # a guess about what is, not what will be: left to the usual matching
    if body is None:
        other = _ANYONE_ELSE.search(question)
        if other:
            subj = {k for k in _telling(other.group(1)) if k not in _TYPE_WORDS and k not in _NOT_TELLING
                    and k not in _WHERE_WORDS}
            pred = {k for k in _telling(other.group(2)) if k not in _TYPE_WORDS} - subj
            return (subj, pred) if subj and pred else None
        did = _WHICH_DID.match(question)
        if did and word_key(did.group(1).lower()) in (_ORG_NOUNS | _PERSON_NOUNS) and not _TO_THEM.search(did.group(2)):
            pred = {k for k in _telling(did.group(2)) if k not in _TYPE_WORDS}
            return ({word_key(did.group(1).lower())}, pred) if pred else None
    if body is None:
        aux = _AUX_OTHER.match(question)
        wh = None if aux else _WH_OTHER.match(_OPINION_TAIL.sub("", question))
        if not (aux or wh):
            return None
        body = (aux or wh).group(1)
        if wh:
            # "What time does the surgery SHUT", "how many days would a drying company NEED": the verb ends the subject
            verb = _WH_VERB.search(" " + body)
            if verb and (not _SUBJECT_END.search(" " + body) or verb.start() < _SUBJECT_END.search(" " + body).start()):
                body = body[:verb.start() - 1] + " is " + body[verb.start():]  # split there below
        aux = True
    if re.match(r"\s*(?:we|us|our)\b", body, re.I):
        return {"~we"}, set()  # "any idea when WE'LL get it back in stock?": the company's side
    cut = _SUBJECT_END.search(" " + body)
    if not cut:
        return None
    subject, predicate = (" " + body)[:cut.start()], (" " + body)[cut.start():]
    if re.match(r"\s*(?:you|your|yours|u|ur)\b", subject, re.I):
        return None
    subj = {k for k in _telling(subject) if k not in _TYPE_WORDS}
    would = bool(re.match(r"^\W*(?:would|could)\s+(?:the|a|an|his|her|their)\b(?!.*\b(?:you|your|u)\b)", question, re.I)) \
        and bool(re.search(r"\bbe able to\b|\bbe (?:willing|happy|ok|okay) to\b|\bagree to\b|\blet\b", predicate, re.I))
    if aux and not (subj & _PERSON_NOUNS or subj & _ORG_NOUNS or _CAP.search(subject) or re.match(r"\s*(?:his|her|their)\b", subject)
                    or would):
        return None  # "Is the router showing lights?": about their own things, asked directly
    if aux and _TO_THEM.search(predicate):
        return None  # "Has an engineer BEEN ROUND?", "Did the driver LEAVE you a card?": what happened to them
    pred = {k for k in _telling(predicate) if k not in _TYPE_WORDS} - subj
    subject_words = _WORD.findall(subject)
    head = word_key(subject_words[-1].lower()) if subject_words else None
    if not pred and wh and head in (_ORG_NOUNS | _PERSON_NOUNS) - _ANYONE:
        return {head}, set()  # "How many days would a drying company need to be in there?": what THEY need
    if opinion or re.match(r"^\W*(?:would|could)\b", question, re.I):
        # "Would the quinta be able to PUSH the ceremony BACK?": a guess at what they would do; only the story
        # saying that doing of them answers it (the ceremony being at the quinta does not)
        order = [k for k in keys(predicate) if k in pred]
        pred = set(order[:2])
    return (subj, pred) if subj and pred else None
_TRIED_Q = re.compile(r"^\W*" + _OPENERS + r"(?:did|have|had|has) you\s+(?:already\s+|ever\s+|maybe\s+)?"
                      r"(?:try|tried|think to|thought to|get a chance to|had a chance to|manage to|managed to|bother to|"
                      r"get round to|got round to|ask|asked|look|looked|check|checked|contact|contacted|speak|spoken|"
                      r"call|called|ring|rung|go back|been back|had a look|have a look)\b", re.I)

# A check put as a statement ("So the charge is from Waterstones?", "You drove in, did you?", "it's been down since
# Wednesday then"): the agent says what they believe. What is asked is the detail the statement asserts, and the
# asserted value is the agent's word, not the customer's: the piece of the story holding that kind of detail answers
# it, confirming or correcting ("No — Page & Quill").
_CHECK_START = re.compile(r"^\W*(?:(?:so|and|okay|ok|right|now|sorry|just|oh|then|well|and so|so then)\W+)*"
                          r"(?!(?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|can|could|will|"
                          r"would|should|shall|have|has|had|may|might|must|any)\b)"
                          r"(?:you|your|it|it's|its|that|that's|this|the|they|there|he|she|we|i|my|our)\b", re.I)
_CHECK_END = re.compile(r"\?\s*$|,\s*(?:is|was|are|were|did|does|do|have|has|had|would|could|can|wo)(?:n't)? "
                        r"(?:it|that|you|they|he|she|we|i|there)\s*[?.!]*\s*$|\b(?:then|yeah|right|correct)\s*[?.!]*\s*$|"
                        r"\b\w+n't (?:it|that|you|they|he|she|we|i|there)\s*[?.!]*\s*$", re.I)
_CLAIM_TRAVEL = re.compile(r"\b(?:drove|drive|driven|driving|walked|walk|cycled|biked|got a (?:taxi|cab|lift|bus|train)|"
                           r"took (?:a |the )?(?:taxi|cab|bus|train|tube|tram|car)|came (?:by|on|in) (?:car|taxi|cab|bus|train|foot|bike)|"
                           r"(?:on|by) (?:foot|bike|car|taxi|train|bus))\b", re.I)
_CLAIM_MEASURE = re.compile(rf"\b(?:\d+(?:\.\d+)?|{_NUMWORD})[ -]?(?:mg|milligrams?|grams?|ml|gb|mb|gigs?|kg|kilos?|litres?|"
                            r"metres?|meters?|inch(?:es)?|feet|foot|percent|%)\b", re.I)


# How something was done: bought online or in person, cancelled by phone or on the website
_CHANNEL = (r"online|on ?line|over the phone|by phone|on the phone|in person|in the shop|in store|in-store|at the till|"
            r"on the (?:website|app|web)|through the (?:website|app)|by (?:post|email|card|cash|cheque|direct debit)|"
            r"in cash|with cash|by bank transfer|on (?:my|your|the) (?:laptop|phone|computer)")
_CLAIM_CHANNEL = re.compile(rf"\b(?:{_CHANNEL})\b", re.I)
_CHANNEL_SAY = re.compile(rf"\b(?:{_CHANNEL}|chip and pin|contactless)\b", re.I)
_CLAIM_SOURCE = re.compile(r"\b(?:came|come|coming|started|starting|leaked|leaking|pouring|poured|dripping|dripped)\s+"
                           r"(?:in\s+)?(?:from|out of|through|under)\s+((?:the |a |an |your |my )?[\w' ]+?)(?=\s*(?:,|\?|$|\bwas\b|"
                           r"\bdid\b|\bis\b|\bthen\b|\bright\b|\byeah\b))", re.I)
_SOURCE_SAY = re.compile(r"\b(?:it was (?:the|a|an)|came from|started (?:from|in|at|under)|burst|leak(?:ed|ing)?|split|"
                         r"caused by|because of|from the)\b", re.I)
_CLAIM_ROLE = re.compile(r"\b(?:you're|you are|you were|ur|you'd be)\s+((?:the|a|an|her|his|their)\s+\w+(?:\s+\w+)?)\b", re.I)
_ROLE_NOUNS = {word_key(w) for w in """groom bride best man maid honour bridesmaid usher witness tenant owner holder
account policyholder homeowner leaseholder student carer guardian parent member customer""".split()}
_ROLE_SAY = re.compile(r"\bI'?m (?:the|a|an|her|his|their|my \w+'s)\s+\w+|\bI am (?:the|a|an)\s+\w+|\bwe (?:own|rent)\b|"
                       r"\bI (?:own|rent)\b", re.I)


def _claim(question: str) -> tuple[str, str] | None:
    """The detail a statement-check asserts: (answer type, the asserted words), or None for a real question."""
    body = question.strip()
    if not (_CHECK_START.match(body) and _CHECK_END.search(body)):
        return None
    m = _CLAIM_MEASURE.search(body)
    if m:
        return "measure", m.group(0)
    m = re.search(r"[£$€]\s?\d[\d,]*(?:\.\d\d)?|\b\d[\d,]*(?:\.\d\d)? (?:pounds|quid|dollars|euros)\b", body, re.I)
    if m:
        return "money", m.group(0)  # "And this one's £510, is it?": the sum is checked
    m = re.search(rf"\b(?:once|twice|thrice|(?:\d+|{_NUMWORD}) times|a (?:couple|few) (?:of )?times)\b", body, re.I)
    if m:
        return "quantity", m.group(0)  # "You've rung us ONCE before, haven't you?": how many times
    m = _CLAIM_TRAVEL.search(body)
    if m:
        return "method", m.group(0)
    m = re.search(rf"\b(?:on |since |last |this |from |by )?(?:the )?(?:{_WEEKDAY}|\d{{1,2}}(?:st|nd|rd|th)|{_MONTH})\b|"
                  r"\b(?:yesterday|the day before yesterday|last week|(?:a|one|two|three|\d+) "
                  r"(?:days?|weeks?) ago)\b", body, re.I)
    if m:
        return "day", m.group(0)
    m = re.search(rf"\b\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)\b|\b\d{{1,2}}[:.]\d{{2}}\b|"
                  rf"\b(?:half|quarter|(?:ten|twenty|five|twenty-five|\d+)(?: minutes)?) (?:past|to) {_NUMWORD}\b|"
                  rf"\bhalf {_NUMWORD}\b|\b{_NUMWORD} o'clock\b", body, re.I)
    if m:
        return "clock", m.group(0)
    m = _CLAIM_CHANNEL.search(body)
    if m:
        return "channel", m.group(0)  # "You bought them ONLINE, did you?": how it was done
    m = _CLAIM_SOURCE.search(body)
    if m:
        return "source", m.group(1)  # "So the water CAME FROM the washing machine hose?": where it started
    m = _CLAIM_ROLE.search(body)
    if m and any(word_key(w.lower()) in (_PERSON_NOUNS | _ROLE_NOUNS) for w in m.group(1).split()[1:]):
        return "role", m.group(1)  # "And you're THE GROOM, aren't you?": who they are in the story
    start = len(_CHECK_START.match(body).group(0))
    for m in _CAP.finditer(body):
        w = m.group(0)
        if m.start() > start and w not in _NOT_THING_NAMES and w.lower() not in _NOT_A_NAME and w.lower() not in STOPWORDS:
            return "name_of", w  # "…from WATERSTONES?", "…out of GATWICK, weren't you?"
    return None


def is_check(question: str) -> bool:
    """Whether a question is a statement-check of a detail ("You cancelled by phone, didn't you?")."""
    q = restore_apostrophes(question.replace("’", "'"))
    if re.match(r"^\W*(?:(?:so|and|okay|ok|right|now|sorry|just|oh|then|well)\W+)*(?:could|can|would|will|may|might|do|does|"
                r"did|is|are|have|has)\b", q, re.I) or re.search(r"\b(?:what|when|where|which|who|how|why)\b", q, re.I):
        return False  # "Could you read me the number, Mrs Osei?", "…so where are you based?": a question
    return _claim(_LEAD.sub("", focus_question(q), count=1)) is not None


def contradicts(question: str, text: str) -> bool:
    """Whether a statement-check's asserted detail is not what the piece says: "You bought them online, did
    you?" answered by "I paid in person at the till" (so the customer puts it right: "No, …")."""
    c = _claim(_LEAD.sub("", focus_question(restore_apostrophes(question.replace("’", "'"))), count=1)) \
        if is_check(question) else None
    if c is None or c[0] not in ("channel", "source", "role", "name_of", "money", "method"):
        return False
    if c[0] == "money":
        return not (_numbers(c[1]) & _numbers(text))
    words = {k for k in _telling(c[1]) if k not in _TYPE_WORDS and not k.startswith("~")}
    return bool(words) and not _hits(words, _telling(text)) and not any(_group_of(k) in _telling(text) for k in words)


def _near_figure(claimed: str, text: str) -> bool:
    """Whether the text holds the claimed sum or one the agent could have misheard or misread: the same digits
    ("£212.40" for "£221.40"), or all but one of them."""
    want = re.sub(r"\D", "", claimed)
    if len(want) < 2:
        return False
    for m in re.finditer(r"[£$€]\s?\d[\d,]*(?:\.\d\d)?", text):
        have = re.sub(r"\D", "", m.group())
        if len(have) == len(want) and (sorted(have) == sorted(want) or sum(a != b for a, b in zip(have, want)) <= 1):
            return True
    return False


def wrong_claim(statement: str, scenario: Scenario | None) -> Match | None:
    """The piece of the customer's story that a statement about it gets wrong ("Card on file's the Visa ending
    0847." when it is a Mastercard; "You rang on Tuesday." when it was Monday), or None: the agent says it
    as fact, and a caller puts it right. A statement the story bears out, or one it says nothing about, is None."""
    if scenario is None:
        return None
    body = _LEAD.sub("", focus_question(restore_apostrophes(statement.strip())), count=1).rstrip(" .!")
    if not body or "?" in body:
        return None
    # the agent's own view, feeling or doing ("I can hear how stressful…", "That sounds awful", "We've logged it")
    # is no claim about their story either; only what is said of them or their things is checked
    if re.match(r"\W*(?:i|i'm|i've|i'd|we|we're|we've|our|let|that sounds|it sounds|sounds)\b", body, re.I) \
            or re.search(r"\b(?:sound|sounds|must be|feel|feeling|understand|sorry|apologi[sz]e|worr(?:y|ied|ying)|"
                         r"frustrat\w*|stress\w*|upset\w*)\b", body, re.I):
        return None
    # a recap of what was arranged, or anything still to come ("To sum up: the new flight arrives at 9am
    # tomorrow."), is the agent's side of the call, not their story told back
    if re.match(r"\W*(?:to (?:sum up|recap|summari[sz]e|confirm)|so to (?:sum up|recap)|just to (?:recap|confirm|sum up)|"
                r"recap|summary|in summary)\b", statement, re.I) \
            or re.search(r"\b(?:tomorrow|tonight|later|next (?:week|month|bill|time)|from now|new|replacement|corrected|"
                         r"revised|refund(?:ed)?|rebooked|reissued|in (?:a|an|\d+|two|three) "
                         r"(?:hours?|days?|weeks?)|by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the end))\b",
                         body, re.I):
        return None
    # what the agent will do, could do or wants is no claim about the story ("I'll book an engineer for Thursday")
    if re.search(r"\b(?:will|'ll|shall|going to|gonna|could|would|'d|should|might|may|must|need|want|let|please|"
                 r"can(?! see\b)|can't|cannot|hope|try|trying)\b", body, re.I):
        return None
    if not _CHECK_START.match(body):
        if not re.match(r"[A-Za-z]+\b", body) or re.match(r"(?:i|we|you|he|she|they|it|there)\b", body, re.I):
            return None
        body = "The " + body[0].lower() + body[1:]  # typed without the article: "Card on file's the Visa…"
        if not _CHECK_START.match(body):
            return None
    claim = _claim(body + "?")
    if claim is None:
        return None
    found = match_question(body + "?", scenario)
    if not found or found[0].score < 1.8:
        return None
    best = found[0]
    items, _ = _index(scenario)
    if any(it["key"] == best.key and it["kind"] in ("wants", "deadline") for it in items):
        return None  # what they want is not a fact the agent can get wrong ("The engineer's booked for Thursday.")
    if claim[0] != "method" and not holds(best.text, claim[0]) \
            and not (claim[0] == "name_of" and (_numbers(body) - {"0", "1"}) & _numbers(best.text)):
        return None  # the piece found says no such detail, so it cannot put this one right
    if claim[0] == "quantity" and re.search(r"\btimes?\b|once|twice", claim[1]) and not _TIMES.search(best.text):
        return None  # "told three times": only a piece that counts times can put a count of times right
    rest = _telling(body) - _telling(claim[1]) - set(_TYPE_WORDS)
    if not _hits(rest, set(_telling(best.text))):
        return None  # the piece shares nothing with the statement but the kind of value: it is about something else
    said = {word_key(w) for w in tokens(claim[1])} - STOPWORDS - {"the", "on", "at", "from", "since", "last", "this", "by"}
    held = {word_key(w) for w in tokens(best.text)}
    if not said or said <= held:
        return None  # what they said is what the story says: nothing to put right
    return best


_vocab_cache: dict[int, tuple[object, frozenset[str]]] = {}


def _vocab(scenario: Scenario, items: list[dict]) -> frozenset[str]:
    """The words (lower case, 5+ letters) their story uses, for reading typed slips of the agent's."""
    hit = _vocab_cache.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    words = frozenset(w.lower() for it in items for w in _WORD.findall(it["text"] + " " + " ".join(it["about"]))
                      if len(w) >= 5 and w.isalpha())
    if len(_vocab_cache) > 256:
        _vocab_cache.clear()
    _vocab_cache[id(scenario)] = (scenario, words)
    return words


@lru_cache(maxsize=4096)  # pure; a question is matched several times a turn
def _slips(question: str, vocab: frozenset[str], known: frozenset[str]) -> str:
    """A typed slip put right from the story's own words: "tracking NUMBR" -> "number", "date of BRITH" ->
    "birth". Only a letter left out or two swapped, a word of 5+ letters no story or word list knows, and one
    story word it can be."""
    def fix(m: re.Match) -> str:
        w = m.group(0)
        lw = w.lower()
        if len(lw) < 5 or lw in vocab or word_key(lw) in known or word_key(lw) in _REAL_WORDS:
            return w
        found = {v for v in vocab if v[0] == lw[0] and (
            (len(v) == len(lw) + 1 and any(v[:i] + v[i + 1:] == lw for i in range(1, len(v))))
            or (len(v) == len(lw) and sum(a != b for a, b in zip(v, lw)) == 2
                and any(lw[i] == v[i + 1] and lw[i + 1] == v[i] and lw[:i] == v[:i] and lw[i + 2:] == v[i + 2:]
                        for i in range(len(lw) - 1))))}
        return found.pop() if len(found) == 1 else w
    return re.sub(r"[A-Za-z]{5,}", fix, question)


def match_question(question: str, scenario: Scenario | None) -> list[Match]:
    """What in the customer's story a question asks for, best first; [] when nothing in it answers."""
    if scenario is None or not question.strip():
        return []
    items, idf = _index(scenario)
    if not items:
        return []
    question = _slips(question, _vocab(scenario, items), _known(scenario, items))
    said = focus_question(restore_apostrophes(question.replace("’", "'")))
    question = _AGAIN.sub("", plain_question(question))
    asked = _LEAD.sub("", question.replace("’", "'"), count=1)  # "Just to check, …": the lead asks nothing
    main = _CONDITION.sub(" ", re.sub(r"^\W*(?:and |so )?(?:if|when|once|assuming|supposing) [^,?]{3,60},\s*(?=\w)", "", asked,
                                      flags=re.I))
    scene = _SCENE.match(main)
    if scene and _telling(main[scene.end():]) - set(_TYPE_WORDS):
        main = main[scene.end():]  # "When you rang on the 11th, what did they tell you?": the scene is context
    known = _known(scenario, items)
    main_tells = _telling(main) - set(_TYPE_WORDS)
    if main_tells and (main == asked or any(k in known or _hits({k}, known) for k in main_tells)):
        # "You'd be home IF WE SENT AN ENGINEER tomorrow?": the condition is context, not what is asked; but in
        # "If you lose this client, how many quid are we talking?" the rest names nothing of theirs: it asks about it
        asked = main
    claim = _claim(_LEAD.sub("", said, count=1))  # read as said: "…then", "…, did you?" mark the check
    q = _telling(asked)
    # "…fly from an airport OTHER THAN HEATHROW?", "anyone BESIDES the courier?": what is set aside is not asked
    q -= {k for m in _EXCEPT_Q.finditer(asked) for k in _telling(m.group(1))}
    stakes_m = STAKES_Q.search(question)
    stakes = bool(stakes_m) and claim is None
    if stakes:
        # "what's RIDING ON this for you?", "would that LEAVE YOU SHORT?": the wording of the stake is no topic
        q -= _telling(stakes_m.group())
    wants_m = None if stakes or claim is not None else WANTS_Q.search(question)
    wants = bool(wants_m) and any(it["kind"] == "wants" for it in items)
    if wants:
        q -= _telling(wants_m.group())  # "what would actually WORK for you": how it is asked, not a topic
    claimed = _telling(claim[1]) if claim is not None else set()  # the agent's own (perhaps wrong) value
    claim_place = claim is not None and claim[0] == "name_of" and bool(
        re.search(rf"\b(?:at|from|in|with|through|to)\s+(?:the\s+)?{re.escape(claim[1])}", said))
    kinds = question_kinds(question)
    # Words the question leans on that the story never mentions: "the cashier's name", "the serial number".
    stray = [k for k in q if not k.startswith("~") and k not in known and not _hits({k}, known) and k not in _FILLER_HEADS
             and k not in claimed
             and _GROUP.get(k, "") not in known and k not in _TYPE_WORDS and not _near(k, known)]
    q_kw = keys(question)
    # The kind of answer wanted and what it is about: "When did you CANCEL?" wants a time about cancelling.
    at = answer_type(question)
    if claim is not None:
        at = AnswerType(claim[0], None, ())  # "…since Wednesday then": a day, about what the rest says
    elif stakes or wants:
        at = AnswerType("thing", None, ())  # "what does it COST you if…" asks what is at stake, not a price
    head = at.head
    run_words = [k for k in at.about if k not in _TYPE_WORDS and k not in _NOT_TELLING]
    # a verb the story never uses ("when you CLICK cancel") is no reason to give up while other words match
    stray_ok = len(stray) < len([k for k in q if not k.startswith("~")])
    if (head and at.type in ("thing", "method") and head in stray and (run_words or not stray_ok)) or \
            (run_words and run_words[-1] in stray):
        return []  # the thing asked about ("the SEAT numbers") is nowhere in their story: "I don't know"
    which = re.search(r"\bwhich\s+(\w+)", question.lower())
    which_k = word_key(which.group(1)) if which and at.type == "thing" and word_key(which.group(1)) == head else None
    # "Which airport WERE you flying out of?" asks what happened; "We could fly from Gatwick" is an option
    ends = at.type == "code" and bool(_ENDS_Q.search(question))
    others_q = bool(_OTHERS.search(question))
    shown_m = re.search(r"\b(?:does|do|did)\s+(?:the|your|my|that|this)\s+(\w+)\s+(?:say|says|show|read|display|look like)\b",
                        question, re.I)
    shown = bool(shown_m) and word_key(shown_m.group(1).lower()) not in _PERSON_NOUNS  # the router says; the agent tells
    q_numbers = _numbers(question) - {"0", "1"}  # "one" is too common to point at a piece
    named_owner = re.search(r"\b([A-Z][a-z]+)'s\s+(?:\w+\s+)?(?:date of birth|birthday|age|name|surname|number|mobile|phone|email|"
                            r"address|passport|school|job|work|details)\b", question)
    named_owner_k = named_owner.group(1) if named_owner and named_owner.group(1) not in _NOT_NAMES \
        and named_owner.group(1).lower() not in _NOT_A_NAME else None
    first_name_q = bool(re.search(r"\b(?:first|full|christian|given) name\b", question, re.I))
    asked_of_others = at.type in ("name", "self") and bool(re.search(
        r"\bwho(?:'ve| have| did| had)? (?:you )?(?:spoken|spoke|talked|dealt|been dealing|been speaking|been talking)\b", question, re.I))
    others_people = bool(_OTHER_PEOPLE.search(question))
    # "What's happening on SATURDAY?", "what about the PHOTO?": one word says all it is about
    tells = [k for k in q if not k.startswith("~")]
    sole = at.type == "thing" and not stakes and not wants and len(tells) == 1 and (not head or head == tells[0])
    party_q = at.type == "quantity" and at.head in _PARTY_HEADS  # "how many SEATS do you need?": the party
    whose = bool(re.match(r"\W*(?:\w+\W+){0,2}?whose\b", question, re.I)) and at.type == "thing"
    travel = (claim is not None and claim[0] == "method") or at.type == "method" and bool(re.search(r"\bget (?:here|there|to|in|home|back|into|over)\b|\btravel|"
                                                   r"\bcome (?:in|here|over|down|up)\b|\bjourney|\bmake it (?:here|in)\b",
                                                   question, re.I))
    aged = re.search(r"\bhow old(?:\s+(?:is|are|was|were)|'s)\s+(?:your|the|his|her|their)\s+(?:\w+\s+)??(\w+)\s*(?:[?.!,]|$|"
                     r"travelling|with|who|that|going|now)", question, re.I)
    aged_k = word_key(aged.group(1).lower()) if aged and word_key(aged.group(1).lower()) not in _NOT_TELLING else None
    if re.search(r"\bour \w+|\bwith us\b|\bat our end\b|\bon our side\b", asked, re.I) and not re.search(r"\byou(?:r|rs|'re|'ve|'d)?\b", asked, re.I):
        return []  # "(Any idea) what time OUR engineers start?": the company's side, not their story
    if len(stray) >= 2 and len(stray) * 2 > len([k for k in q if not k.startswith("~")]) \
            and not (q_numbers and any(q_numbers & _numbers(it["text"]) for it in items)) and at.type != "self" \
            and not (stakes and any("stakes" in it["answers"] for it in items)):
        return []  # "Did our engineers do MAINTENANCE in your AREA on MONDAY?": mostly things their story never mentions
    actual = bool(re.search(r"\b(?:was|were|did|had)\b", question, re.I)) and not _MODAL_Q.search(question)
    thing_owner = _THING_POSS.search(question.replace("’", "'"))
    thing_owner_k = word_key(thing_owner.group(1).lower()) if thing_owner else None
    if thing_owner_k in _NOT_TELLING:
        thing_owner_k = None
    role = head if at.type == "name" and head in _PERSON_NOUNS and head not in _ANYONE else None
    if role and role not in known and not _hits({role}, known) and _group_of(role) not in known:
        return []  # "the name of the DRIVER": nobody in their story is that person
    topic = {k for k in q if k not in _TYPE_WORDS}
    q_pairs = _pairs(question)
    run_topic = {k for k in at.about if k not in _TYPE_WORDS and k not in _NOT_TELLING}
    run_topic |= {_GROUP[k] for k in run_topic if k in _GROUP}
    other = _OTHERS_NAME.search(question)
    other_keys = _telling(next(g for g in other.groups() if g)) if other else set()
    owner = _POSSESSOR.search(question)
    others_own = {word_key(owner.group(1).lower())} if owner and word_key(owner.group(1).lower()) in _PERSON_NOUNS else set()
    owner, attr = _owner_attr(question)
    attr_each = bool(attr) and not _OWNED_POSS.search(question.replace("’", "'"))
    if attr and attr not in known and not _hits({attr}, known) and _group_of(attr) not in known:
        return []  # "your son's SCHOOL": nothing in their story about it
    # "How long have you been WITHOUT it?", "how many days has it BEEN DOWN?": when it began says how long
    lasting = (at.type == "duration" or (at.type == "quantity" and head in ("day", "days", "week", "weeks", "hour", "hours"))) \
        and bool(re.search(r"\b(?:without|since|been (?:down|off|out|broken|gone|waiting|stuck|like this)|gone on|lasted|"
                           r"had (?:no|nothing)|not (?:had|got|working))\b", question, re.I))
    if lasting and head in ("day", "days", "week", "weeks", "hour", "hours"):
        # the unit counted is the kind of answer, not a thing to find in the story
        topic = {k for k in topic if k != head}
        stray = [k for k in stray if k != head]
        head = None
    deadline = bool(DEADLINE_Q.search(question)) and at.type in ("time", "day", "clock", "thing", "yesno", "duration")
    if deadline and at.type == "duration":
        at = AnswerType("time", at.head, at.about)  # "how long can you last?": until when
    if stakes:
        deadline = False  # "what happens if you run out?": what is at stake, not by when
    tried_q = bool(_TRIED_Q.match(asked))
    other_subject = _other_subject(said)
    if other_subject is not None and "~we" in other_subject[0]:
        return []
    scored: list[tuple[float, int, Match]] = []
    for it in items:
        about_hits = _hits(q, it["about_keys"])
        say_hits = _hits(q, it["say_keys"]) - about_hits
        # a figure asked for ("how much were the books?"): the ticket's tie between the figure and the books counts
        bridged = _hits(q, it["bridge"]) - about_hits - say_hits if it["bridge"] and at.type in _FIGURES else set()
        # "what TIME", "which DAY": the kind of answer, weighed by the type checks below, not as a topic word
        # the agent's claimed value ("on the TUESDAY, didn't you?") is their belief: weak evidence of which piece
        lexical = 1.3 * sum(idf.get(k, 0.6) * (0.5 if k in _TYPE_WORDS else 0.3 if k in claimed else 1.0) for k in about_hits) \
            + 0.9 * sum(idf.get(k, 0.6) * (0.5 if k in _TYPE_WORDS else 0.3 if k in claimed else 1.0) for k in say_hits) \
            + 0.6 * sum(idf.get(k, 0.6) for k in bridged)
        say_hits = say_hits | bridged
        phrases = sum(1 for a in it["about"] if len(a.split()) > 1 and phrase_in(a, q_kw))
        score = lexical + 0.6 * phrases + 1.2 * len(q_pairs & it["pairs"])
        if it["kind"] in kinds:
            score += 1.0 if kinds and it["kind"] == kinds[0] else 0.6
        if tried_q:
            # "Did you try SPEAKING to the shop?", "…CONTACTING the bookshop?": what they did, not who they are
            score += 1.0 if it["kind"] == "tried" else -2.0 if it["kind"] in ("identity", "contact") else 0.0
        score -= min(1.5, 0.6 * len(stray))
        shares_topic = bool(_hits(topic, it["all"] | (it["bridge"] if at.type in _FIGURES else frozenset())))
        if lasting and it["kind"] == "timeline" and holds(it["text"], "day"):
            score += 1.0  # "how many days have you been without it?": the day it all started
            if re.search(r"\b(?:went|gone|go) (?:down|off|out)|\bstart(?:ed)?\b|\bbegan\b|\bsince\b|\bfirst\b|\bstopped\b|"
                         r"\bbroke\b|\bcut out\b", it["text"], re.I):
                score += 0.6
            say_hits = say_hits | {"~lasting"}
        if claim is not None:
            held = bool(_TRANSPORT.search(it["text"])) if claim[0] == "method" else \
                bool(_CHANNEL_SAY.search(it["text"])) if claim[0] == "channel" else \
                bool(_SOURCE_SAY.search(it["text"])) if claim[0] == "source" else \
                bool(_ROLE_SAY.search(it["text"])) if claim[0] == "role" else \
                (any(m.group() not in _NOT_THING_NAMES for m in _CAP.finditer(it["text"]))
                 or bool(q_numbers & _numbers(it["text"]))) if claim[0] == "name_of" else \
                holds(it["text"], claim[0])
            if not held:
                continue  # "…from Waterstones?": only a piece that names a shop can confirm or correct it
            if claim_place and it["kind"] == "place":
                score += 1.0  # "…was AT Blackwell's, wasn't it?": where it was, so the place piece confirms or corrects
            if (claim[0] == "quantity" or _TIMES.search(said)) and _TIMES.search(it["text"]):
                score += 1.0  # "once before, haven't you?": the piece that says how many times ("I've rung twice")
            if claim[0] == "money" and _near_figure(claim[1], it["text"]):
                score += 1.0  # "£221.40, is that right?": the piece with £212.40, misheard, confirms or corrects
            if claim[0] in ("day", "clock") and it["kind"] == "timeline" and not (about_hits or say_hits):
                say_hits = say_hits | {"~claim"}  # "it's been down since Wednesday then": when it all started
                score += 0.8
            if claim[0] in ("channel", "source", "role"):
                # "you're the groom?" — "I'm the best man"; "came from the hose?" — "It was the pipe under the sink"
                score += 1.5
                say_hits = say_hits | {"~claim"}
        if at.type == "self":
            # "Who am I speaking to?": their own name, whatever else the question's words match.
            own = it["kind"] == "identity" and any("name" in a.lower() for a in it["about"]) and holds(it["text"], "self")
            score = max(score, 0.0) + (2.5 if own else -2.5)
        elif at.type in HARD_TYPES:
            kind_held = holds(it["text"], "named" if at.type == "name" and head in _PERSON_NOUNS else at.type) \
                or (lasting and holds(it["text"], "day"))
            if kind_held and (at.type != "colour" or _colour_of(it["text"], topic)):
                score += 0.8
                if at.type == "name" and _PERSON_RX.search(it["text"]):
                    score += 0.6  # a person ("Dr Ahmed", "a woman called Becky") over a capitalised place
                if at.type == "place" and holds(it["text"], "name_of"):
                    score += 0.5  # "which bookshop?": the one with a name ("Page & Quill")
                if at.type == "time" and _DAY_RX.search(it["text"]):
                    score += 0.5  # "when?": a date or a day over "one morning"
            elif at.type in ("day", "clock") and holds(it["text"], "dated"):
                score -= 0.4 if at.type == "day" else 1.2  # a time, though not the day/hour asked
            else:
                continue  # cannot be the answer: a "when" question needs a time in it, "what colour" a colour
            if (run_topic or topic) and _value_near(it["text"], at.type, (run_topic or topic) - set(_TYPE_WORDS)):
                score += 0.7  # the value asked for is said OF the thing asked about
            if run_topic:
                score += 0.8 if _hits(run_topic, it["all"]) else -3.0  # "which SEAT numbers": about that thing, or no answer
            elif topic:
                score += 0.6 if shares_topic else -0.7  # the right kind of answer, about the thing asked?
        elif at.type in ("method", "reason", "frequency", "name_of") and holds(it["text"], at.type):
            score += 1.0
        elif at.type == "method" and not (head and _hits({head}, it["all"])):
            score -= 0.5  # "HOW did you pay?": a piece with no way of doing it in it is a weak answer
        if at.type == "yesno":
            if head and (_hits({head}, it["all"]) or _group_of(head) in it["all"]):
                score += 0.8  # "have you DISPUTED it?": about that very event
        elif head and at.type not in ("self",) and not _hits({head}, it["all"]) and _group_of(head) not in it["all"]:
            score -= 1.2 if at.type == "method" else 0.8  # it answers something, but not about the thing asked
            if at.type == "thing" and shown:
                score -= 1.0  # "what does the ROUTER look like?": about the router, or no answer
        if it["kind"] == "identity" and at.type in ("name", "name_of") and head and head not in _TYPE_WORDS \
                and not _hits({head}, it["about_keys"]):
            score -= 2.0  # "what's your son called?", "your neighbour's provider": not the customer's own name
        if others_own and (it["kind"] in ("identity", "contact") or at.type in ("name", "self", "code"))  \
                and not _hits(others_own, it["about_keys"] if it["kind"] in ("identity", "contact") else it["all"]):
            continue  # "the plumber's phone number", "your neighbour's first name": not the customer's own
        if which_k and not (_identifies(it["text"], which_k) if _hits({which_k}, it["say_keys"])
                            or _group_of(which_k) in it["say_keys"] else
                            (_hits({which_k}, it["about_keys"]) or _group_of(which_k) in it["about_keys"])
                            and (holds(it["text"], "name_of") or holds(it["text"], "code")
                                 or bool(_QUANTITY_RX.search(it["text"])))):
            continue  # "Which GATE?": "we'd hand it over at the gate" mentions one, but says not which
        shared = q_numbers & _numbers(it["text"]) if q_numbers else set()
        if shared:
            # "would £610 going out leave you short?": the piece that says £610 (a sum beats a day of the month)
            score += 1.5 if any("." in n or len(n) >= 3 for n in shared) else 0.8
            say_hits = say_hits | {"~number"}
        if named_owner_k and named_owner_k not in it["text"]:
            continue  # "JESS's date of birth": his own is no answer
        if first_name_q and not named_owner_k and at.type in ("name", "self") and not re.search(
                r"\b(?!(?:Dr|Mr|Mrs|Ms|Miss|Doctor|My|The|Our|Her|His|Their|It's|I'm)\b)[A-Z][a-z]+ [A-Z][a-z]+|"
                r"\b(?:called|named|name is|name's|it's|i'm) [A-Z][a-z]+", it["text"]):
            continue  # "your neighbour's FIRST name": "my neighbour Mrs Hughes" gives none
        if named_owner_k and first_name_q and not re.search(
                rf"\b(?!(?:Dr|Mr|Mrs|Ms|Miss|Doctor|My|The|Our|Her|His|Their)\b)[A-Z][a-z]+ {re.escape(named_owner_k)}\b|"
                rf"\b{re.escape(named_owner_k)}(?:'s| is) (?:first |full |last )?(?:name|called)\b", it["text"]):
            continue  # "Dr Ahmed's FIRST name": "Dr Ahmed told me…" names him, but not his first name
        if asked_of_others and it["kind"] == "identity":
            continue  # "who have you spoken to here before?": not their own name
        if others_q and not re.search(r"\bother|\belse\b", it["text"], re.I):
            continue  # "how many OTHER passengers": their own party is no answer
        if aged_k and not (_hits({aged_k}, it["all"]) or _group_of(aged_k) in it["all"]):
            continue  # "how old is your CHILD": not the caller's own date of birth
        if sole and (about_hits or say_hits):
            score += 0.8
        if others_people:
            # "has anyone else round you lost it too?": the piece about the neighbour, not the café near them
            score += 1.0 if (_hits(_PERSON_NOUNS, it["say_keys"]) or _FAMILY_WORD.search(it["text"])) else -1.0
        if whose and (_FAMILY_WORD.search(it["text"]) or _PERSON_RX.search(it["text"]) or _POSSESSIVE.search(it["text"])):
            score += 1.5  # "WHOSE wedding is it?": a piece that says whose ("my sister's wedding")
        if party_q and _PARTY.search(it["text"]):
            score += 1.5  # "how many of you?": "there are three of us"
            say_hits = say_hits | {"~party"}
        if travel and _TRANSPORT.search(it["text"]):
            score += 1.5  # "how do you get here?": the bus they come on
            say_hits = say_hits | {"~travel"}
        if at.type == "name" and head is None and re.match(r"\s*(?:who|whom)\b", question, re.I):
            if _FAMILY_WORD.search(it["text"]):
                score += 0.8  # "who else lives with you?": the people in their life
            elif it["kind"] in ("place", "contact") and not _PERSON_RX.search(it["text"]):
                score -= 1.5  # an address has capitals, but names nobody
        if ends and _ENDS_SAY.search(it["text"]):
            score += 1.5  # "ends in?": the piece that gives a number's last digits
        if actual and _HYPOTHETICAL.match(it["text"]):
            score -= 2.5
        if at.type == "name" and head in _PERSON_NOUNS and head not in _FAMILY \
                and _FAMILY_NAMED.search(it["text"]) and not (_FAMILY & q):
            continue  # asked about the agent or the driver: "my son's called Daniel" names someone else
        if thing_owner_k and not (_hits({thing_owner_k}, it["all"]) or _group_of(thing_owner_k) in it["all"]):
            continue  # "the SURGERY's phone number": their own phone number is no answer
        if role and not (_hits({role}, it["all"]) or _group_of(role) in it["all"]):
            continue  # a name, but of someone else: "my son's called Daniel" is not the driver's name
        if owner and not (_hits({owner}, it["all"]) or _group_of(owner) in it["all"]):
            continue  # "the delivery DRIVER's name", "what does your MUM do": a piece about someone else is no answer
        if attr_each and not (_hits({attr}, it["all"]) or _group_of(attr) in it["all"]):
            continue  # about the mum, but not her WORK
        if other_keys and it["kind"] == "identity" and not _hits(other_keys, it["all"]):
            score -= 4.0  # asked for someone else's name: the customer's own is no answer
        hinted = (deadline and "deadline" in it.get("answers", ())) or (stakes and "stakes" in it.get("answers", ())) \
            or (wants and it["kind"] == "wants")
        if wants:
            score += 3.0 if it["kind"] == "wants" else -1.0  # "what would work for you?": what they want
        # inferred, so it needs no shared word
        if stakes:
            # "What happens if the rent bounces?": what they said is at stake for them, not another piece that shares a word
            score += (3.0 if it["source"] == "knows" else 2.0) if "stakes" in it.get("answers", ()) else -1.0
        if not (about_hits or say_hits) and at.type != "self" and not hinted \
                and (q or it["kind"] != (kinds[0] if kinds else None)):
            # The kind alone is no match ("when did you…" about something untold), unless the question has
            # no telling word at all and asks for exactly this kind: "What would you like us to do?"
            score = min(score, 0.9)
        if deadline:
            # "When do you need it by?": what they said they need, and by when, not when something else happened
            score += ((3.0 if it["source"] == "knows" else 1.5) if "deadline" in it.get("answers", ())
                      else 0.9 if _DEADLINE_SAY.search(it["text"]) else -1.0)
        if it["source"] == "fact":
            score += 0.1  # the story's core wins a tie
        if other_subject is not None and not _said_of(it["text"], *other_subject):
            continue  # "if Mrs Hughes has had a big bill": their story says nothing of her bill
        if score >= 1.0:
            scored.append((score, it["order"], Match(it["source"], it["key"], it["text"], round(score, 2))))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [m for _, _, m in scored]


_REAL_WORDS |= set(_NOT_TELLING) | set(_TYPE_WORDS) | _PERSON_NOUNS | _ORG_NOUNS | _ROLE_NOUNS | set(_GROUP) \
    | {word_key(w) for w in STOPWORDS}

from scoring.fastre import speed_up as _speed_up  # noqa: E402 (last: every pattern above, same results, faster)

_speed_up(globals(), keep={"_OWNED", "_OPINION_TAIL"})  # compared by identity with a match's .re
