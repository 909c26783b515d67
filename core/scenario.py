"""Scenario files: the pydantic schema and a loader that never lets one bad file sink the rest.

Lives in core because personas (the Director) and scoring (policy, focus) both read scenarios.
Which persona archetypes exist is personas' business: personas.scenario passes their ids in.
"""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from core.errors import ScenarioError
from core.text import keys, phrase_in

SKILLS = ("active_listening", "paraphrasing", "empathy", "focus", "closure")
BANDS = ("high", "mid", "low")  # mood bands: high = angry (7-10), mid (4-6.9), low (0-3.9)
# What the customer can do next; the Director picks one per turn.
INTENTS = (
    "vent",        # repeat the complaint / express feelings
    "push_back",   # react to being dismissed, blamed, lectured
    "press",       # their stated concern was ignored: restate the need
    "clarify",     # did not understand (jargon): ask what that means
    "answer",      # reveal a fact that was asked for
    "soften",      # feels heard: calmer, cooperative
    "accept",      # the need is met: accept the resolution
    "walk_out",    # gives up and leaves
    "farewell",    # says goodbye after a resolution
)
REQUIRED_INTENTS = ("vent", "push_back", "press", "soften", "accept", "walk_out")
MAX_FILE_BYTES = 200_000
MAX_YAML_DEPTH = 40  # a scenario nests about 4 levels; 1 KB of "[[[[" must be refused, not recursed into
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")

Text = Field(min_length=1, max_length=2000)


class Customer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Text
    backstory: str = Text


class Need(BaseModel):
    """Something that would resolve the customer's problem; met when a trainee turn offers it."""
    model_config = ConfigDict(extra="forbid")
    id: str
    description: str = Text
    # Any of these words/phrases in a trainee's next_step/offer marks the need as met.
    keywords: list[str] = Field(min_length=1)


def keyword_hits(keywords: Sequence[str], text: str) -> int:
    """How many of a need's or fact's keywords text uses, by word form ("paid" hits "pay", "checked"
    hits "check"); a phrase matches as its words in order."""
    have = keys(text)
    return sum(1 for k in keywords if k.strip() and phrase_in(k, have))


def mentions(keywords: Sequence[str], text: str) -> bool:
    """Whether text uses any of a need's or fact's keywords."""
    return keyword_hits(keywords, text) > 0


# What a piece of the customer's knowledge is about; lets a question be matched by its kind
# ("When did you…?" asks for a time) as well as by its words.
KNOW_KINDS = ("identity", "reference", "contact", "timeline", "place", "item", "amount", "tried",
              "told_before", "wants", "other")


# Questions a knows item answers though it shares no words with them, so the customer can infer the answer:
# "deadline" = by when they need it ("When do you need it by?" -> "it needs to come by Friday").
# "stakes" = what is at stake for them ("What happens if it isn't fixed?" -> "I could lose the job").
KNOW_ANSWERS = ("deadline", "stakes")


class Knowledge(BaseModel):
    """Something the customer knows about their own story beyond the facts the scoring relies on:
    who they are, reference numbers, what happened when, what they tried, what they were told, what
    they want. Asked about, the customer answers with `say`. Optional `answers` marks questions it
    answers by inference (KNOW_ANSWERS), e.g. [deadline] on the item that says by when they need it."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal[KNOW_KINDS] = "other"  # type: ignore[valid-type]
    about: list[str] = Field(min_length=1)  # words a question about it would use (word forms match)
    say: str = Field(min_length=1, max_length=400)
    answers: list[Literal[KNOW_ANSWERS]] = Field(default_factory=list)  # type: ignore[valid-type]


class Fact(BaseModel):
    """What the customer knows; revealed when the trainee asks about it."""
    model_config = ConfigDict(extra="forbid")
    id: str
    text: str = Text
    # A trainee question containing any of these words asks for this fact.
    keywords: list[str] = Field(min_length=1)
    # Optional: a question that draws this fact out. Practice-mode hints offer it as an example.
    ask: str | None = Field(default=None, min_length=1, max_length=300)
    kind: Literal[KNOW_KINDS] = "other"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _ask_reveals(self) -> "Fact":
        if self.ask is None:
            return self
        self.ask = self.ask.strip()
        if not self.ask.endswith("?"):
            raise ValueError(f"The example question {self.ask!r} does not end with '?', so it must be a question: "
                             "write it as one.")
        if not mentions(self.keywords, self.ask):
            raise ValueError(f"The example question {self.ask!r} uses none of this fact's keywords "
                             f"({', '.join(self.keywords)}), so asking it would not make the customer tell it: "
                             "reword the question or add one of its words to the keywords (word forms count: "
                             "'paid' matches 'pay').")
        return self


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    may_offer: list[str] = Field(default_factory=list)
    may_not_offer: list[str] = Field(default_factory=list)


class Triggers(BaseModel):
    """Scenario-specific phrases on top of the general move detection."""
    model_config = ConfigDict(extra="forbid")
    escalate: list[str] = Field(default_factory=list)
    calm: list[str] = Field(default_factory=list)


class EndConditions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_turns: int = Field(default=12, ge=2, le=60)  # trainee turns
    resolve_mood: float = Field(default=4.0, ge=0, le=10)  # accept only at or below this mood
    walkout_mood: float = Field(default=9.5, ge=0, le=10)
    walkout_after: int = Field(default=2, ge=1, le=10)  # consecutive turns at/above walkout_mood


BandLines = dict[Literal["high", "mid", "low"], list[str]]
_NEAREST = {"high": ("high", "mid", "low"), "mid": ("mid", "high", "low"), "low": ("low", "mid", "high")}


def nearest_band(bands: dict[str, list[str]], band: str) -> list[str]:
    """The lines for a mood band, else the nearest band's (scenario lines and archetype parts alike)."""
    for b in _NEAREST[band]:
        if bands.get(b):
            return bands[b]
    return []


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(min_length=1, max_length=120)
    summary: str = Text
    domain: str = Field(min_length=1, max_length=60)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    persona: str  # archetype id from personas/archetypes/
    customer: Customer
    situation: str = Text
    needs: list[Need] = Field(min_length=1)
    facts: list[Fact] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    # Words that name the customer's core issue; used by focus scoring and the Director.
    topic_keywords: list[str] = Field(min_length=1)
    opening_line: str = Text
    start_mood: float = Field(ge=0, le=10)
    triggers: Triggers = Field(default_factory=Triggers)
    lines: dict[str, BandLines]
    # What the customer knows beyond the facts (see Knowledge); a question nothing here or in facts
    # answers gets an honest "I don't know" in character, never an invented detail.
    knows: list[Knowledge] = Field(default_factory=list)
    end: EndConditions = Field(default_factory=EndConditions)
    rubric_weights: dict[str, float] = Field(default_factory=lambda: {s: 1.0 for s in SKILLS})

    @field_validator("id")
    @classmethod
    def _id_slug(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"The id {v!r} must be 2-63 lowercase letters, digits or dashes: write it like "
                             "'lost-parcel-gift'.")
        return v

    @field_validator("rubric_weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = set(v) - set(SKILLS)
        if unknown:
            raise ValueError(f"The rubric weights name an unknown skill ({', '.join(sorted(unknown))}): use only "
                             f"{', '.join(SKILLS)}.")
        if any(w < 0 for w in v.values()):
            raise ValueError("A rubric weight is below 0: make every weight 0 or more.")
        out = {s: float(v.get(s, 1.0)) for s in SKILLS}
        if sum(out.values()) <= 0:
            raise ValueError("Every rubric weight is 0: give at least one skill a weight above 0.")
        return out

    @field_validator("lines")
    @classmethod
    def _lines(cls, v: dict[str, BandLines]) -> dict[str, BandLines]:
        unknown = set(v) - set(INTENTS)
        if unknown:
            raise ValueError(f"The customer's lines have an unknown intent ({', '.join(sorted(unknown))}): use only "
                             f"{', '.join(INTENTS)}.")
        missing = [i for i in REQUIRED_INTENTS if i not in v]
        if missing:
            raise ValueError(f"The customer's lines are missing authored lines for {', '.join(missing)}: "
                             "write at least one line for each.")
        for intent, bands in v.items():
            if not any(bands.get(b) for b in BANDS):
                raise ValueError(f"The {intent} lines are empty: write at least one, in the high, mid or low "
                                 "mood band.")
            for b, lines in bands.items():
                if any(not isinstance(s, str) or not s.strip() for s in lines):
                    raise ValueError(f"The {intent} lines for the {b} mood band have an empty line: delete it "
                                     "or write it.")
        return v

    @field_validator("persona")
    @classmethod
    def _persona(cls, v: str, info: ValidationInfo) -> str:
        # The loader in personas.scenario passes the archetype ids it knows; without them the id's shape is checked.
        known = (info.context or {}).get("personas")
        if known is not None and v not in known:
            raise ValueError(f"The persona '{v}' is an unknown persona archetype: use one of "
                             f"{', '.join(sorted(known))} (or add personas/archetypes/{v}.yaml).")
        if not ID_RE.match(v):
            raise ValueError(f"The persona {v!r} is not an archetype id: use one such as 'irate' or 'anxious'.")
        return v

    @model_validator(mode="after")
    def _lines_fit_facts(self) -> "Scenario":
        if self.facts and "answer" not in self.lines:
            raise ValueError("The scenario has facts but no answer lines: add answer lines with {fact} where "
                             "the fact goes.")
        for intent, bands in self.lines.items():
            for b, lines in bands.items():
                for line in lines:
                    for ph in PLACEHOLDER_RE.findall(line):
                        if ph != "fact" or intent != "answer":
                            raise ValueError(f"The {intent} lines for the {b} mood band use the placeholder "
                                             f"'{{{ph}}}', which is not allowed: only answer lines may use {{fact}}.")
        return self

    @model_validator(mode="after")
    def _unique_ids(self) -> "Scenario":
        for kind, items in (("needs", self.needs), ("facts", self.facts)):
            ids = [i.id for i in items]
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                raise ValueError(f"Two {kind} have the same id ({', '.join(sorted(dup))}): ids must be unique, "
                                 "so rename one.")
        return self

    def band(self, mood: float) -> str:
        return "high" if mood >= 7 else "mid" if mood >= 4 else "low"

    def lines_for(self, intent: str, mood: float) -> list[str]:
        """Authored lines for an intent at this mood, falling back to the nearest band."""
        return nearest_band(self.lines.get(intent, {}), self.band(mood))

    def customer_side(self) -> dict:
        """What the Actor may see: never the rubric, the policy or the scoring."""
        return {"name": self.customer.name, "backstory": self.customer.backstory,
                "situation": self.situation, "persona": self.persona}


# Plain names for fields in validator messages ("the starting mood", not "start_mood").
FIELD_NAMES = {
    "id": "the id", "title": "the title", "summary": "the one-line summary", "domain": "the domain",
    "difficulty": "the difficulty", "persona": "the persona (archetype)", "customer": "the customer",
    "customer.name": "the customer's name", "customer.backstory": "the customer's backstory",
    "situation": "the situation (what happened)", "needs": "the needs", "facts": "the facts",
    "policy": "the policy", "policy.may_offer": "what the agent may offer",
    "policy.may_not_offer": "what the agent may not offer", "topic_keywords": "the core issue keywords",
    "opening_line": "the customer's opening line", "start_mood": "the starting mood", "triggers": "the triggers",
    "triggers.escalate": "the escalate triggers", "triggers.calm": "the calm triggers", "lines": "the customer's lines",
    "knows": "what the customer knows", "end": "the end conditions", "end.max_turns": "the maximum trainee turns",
    "end.resolve_mood": "the mood at or below which the customer accepts",
    "end.walkout_mood": "the mood at which the customer walks out",
    "end.walkout_after": "the turns at walk-out mood before the customer leaves", "rubric_weights": "the rubric weights",
}
_ITEM = {"needs": "need", "facts": "fact", "knows": "knowledge item", "topic_keywords": "core issue keyword",
         "may_offer": "offer", "may_not_offer": "forbidden offer", "escalate": "escalate trigger", "calm": "calm trigger"}
_PART = {"description": "description", "keywords": "keywords", "text": "text", "ask": "example question",
         "kind": "kind", "about": "question words", "say": "answer", "id": "id"}


def field_name(loc: Sequence) -> str:
    """A field's place in a scenario, said plainly: ('facts', 1, 'ask') -> "fact 2's example question"."""
    parts = [p for p in loc if p != "[key]"]
    path = ".".join(str(p) for p in parts)
    if path in FIELD_NAMES:
        return FIELD_NAMES[path]
    if parts and parts[0] == "lines":
        if len(parts) >= 3:
            return f"the {parts[1]} lines for the {parts[2]} mood band"
        return f"the {parts[1]} lines" if len(parts) == 2 else "the customer's lines"
    if parts and parts[0] == "rubric_weights" and len(parts) >= 2:
        return f"the rubric weight for {str(parts[1]).replace('_', ' ')}"
    words: list[str] = []
    bare = False  # "fact 2's text", not "the fact 2's text"
    for i, p in enumerate(parts):
        if isinstance(p, int) and i and str(parts[i - 1]) in _ITEM:
            words[-1] = f"{_ITEM[str(parts[i - 1])]} {p + 1}"
            bare = True
        elif isinstance(p, str) and i and isinstance(parts[i - 1], int):
            words[-1] += f"'s {_PART.get(p, p.replace('_', ' '))}"
        else:
            words.append(str(p).replace("_", " "))
    if not words:
        return "the file"
    return " ".join(words) if bare and isinstance(parts[1] if len(parts) > 1 else None, int) else "the " + " ".join(words)


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def plain_problem(e: dict) -> str:
    """One pydantic error as a sentence that names the field and the fix (no library wording)."""
    name = field_name(e["loc"])
    Name = name[:1].upper() + name[1:]
    t, ctx, got = e["type"], e.get("ctx") or {}, e.get("input")
    shown = repr(got)[:60] if isinstance(got, (str, int, float)) else None
    if t == "missing":
        return f"{Name} is missing: add it."
    if t == "string_too_short":
        return f"{Name} is empty: write something here."
    if t == "string_too_long":
        return f"{Name} is too long: shorten it to {ctx.get('max_length')} characters or fewer."
    if t == "too_short":
        return f"There is nothing in {name}: add at least one."
    if t == "too_long":
        return f"{Name} has too many items: keep at most {ctx.get('max_length')}."
    if t == "literal_error" and e["loc"] and e["loc"][-1] == "[key]" and e["loc"][0] == "lines":
        return f"The {e['loc'][1]} lines have no mood band {shown}: use high, mid or low."
    if t == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{Name} cannot be {shown}: use one of {expected}."
    if t in ("greater_than_equal", "greater_than"):
        bound = _num(ctx.get("ge", ctx.get("gt")))
        return f"{Name} is {shown}, below the lowest allowed ({bound}): raise it."
    if t in ("less_than_equal", "less_than"):
        bound = _num(ctx.get("le", ctx.get("lt")))
        return f"{Name} is {shown}, above the highest allowed ({bound}): lower it to {bound} or less."
    if t in ("int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"):
        whole = " whole" if t.startswith("int") else ""
        return f"{Name} must be a{whole} number, not {shown}: write a number such as {'12' if whole else '7.5'}."
    if t in ("string_type",):
        return f"{Name} must be text: put it in quotes if it looks like a number or a list."
    if t in ("list_type", "tuple_type", "set_type"):
        return f"{Name} must be a list: write it as [first, second] or one '- item' per line."
    if t in ("dict_type", "model_type", "model_attributes_type"):
        return f"{Name} must be a group of named fields (name: value lines), not {type(got).__name__}."
    if t == "bool_parsing" or t == "bool_type":
        return f"{Name} must be true or false."
    if t == "extra_forbidden":
        return f"{Name} is not a field this file can have: remove it or check the spelling (the README lists every field)."
    msg = str(e["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return msg[:1].upper() + msg[1:]


def _problems(err: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"] if p != "[key]") or "(file)"
        out.append((field, plain_problem(e)))
    return out


M = TypeVar("M", bound=BaseModel)

_TOO_DEEP = (f"is nested more than {MAX_YAML_DEPTH} levels deep — a scenario is a mapping of fields a few levels "
             "deep; check for runaway brackets or indentation")
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TooDeep(Exception):
    pass


def _check_depth(text: str) -> None:
    """Walk the YAML event stream (flat, no recursion) and stop at the first level past MAX_YAML_DEPTH.

    yaml.safe_load builds nodes recursively, so a file of 1,200 '[' would end in a RecursionError."""
    depth = 0
    for event in yaml.parse(text, Loader=_Parser):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _TooDeep
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def read_yaml_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of one scenario-like file, or ScenarioError saying in a sentence why it was skipped.

    Checks the file type before opening (a FIFO or device would block or never end), opens non-blocking
    in case it is swapped for one in between, and never reads more than limit + 1 bytes."""
    source = str(path)
    try:
        st = os.stat(path)  # follows a symlink, as open() would
    except FileNotFoundError:
        why = ("is a link to a file that does not exist" if os.path.islink(path)
               else "disappeared while the folder was read")
        raise ScenarioError(source, [("(file)", f"{why}")]) from None
    except OSError as e:
        raise ScenarioError(source, [("(file)", f"cannot be read ({e.strerror})")]) from None
    if not stat.S_ISREG(st.st_mode):
        kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a pipe (FIFO)" if stat.S_ISFIFO(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device or other special file")
        raise ScenarioError(source, [("(file)", f"is {kind}, not a regular file")])
    if st.st_size > limit:
        raise ScenarioError(source, [("(file)", f"is {st.st_size:,} bytes; the limit is {limit:,}")])
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise ScenarioError(source, [("(file)", f"cannot be read ({e.strerror})")]) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by a pipe or device after the check above
            raise ScenarioError(source, [("(file)", "is not a regular file")])
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise ScenarioError(source, [("(file)", f"cannot be read ({e.strerror})")]) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ScenarioError(source, [("(file)", f"is larger than the limit of {limit:,} bytes")])
    return data


def file_stamp(paths) -> tuple:
    """(name, mtime, size) per path, for caches; a path that cannot be stat'ed still counts, as missing."""
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((p.name, st.st_mtime_ns, st.st_size, st.st_mode))
        except OSError:
            out.append((p.name, -1, -1, -1))
    return tuple(sorted(out))


def skipped_line(err: ScenarioError) -> str:
    """One line for a CLI: which file was skipped and the first reason."""
    field, msg = err.problems[0] if err.problems else ("(file)", "is not valid")
    where = "" if field == "(file)" else f"{field}: "
    extra = len(err.problems) - 1
    more = f" (and {extra} more problem(s); run python -m personas validate)" if extra > 0 else ""
    return f"skipped {err.source}: {where}{msg}{more}"


def parse_yaml_model(text: str | bytes, source: str, model: type[M], fields_hint: str,
                     context: dict | None = None) -> M:
    """Parse one YAML file into a pydantic model; raise ScenarioError naming file, field and fix.

    Shared by scenario and archetype files so both give the same kind of message."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError(source, [("(file)", f"The file is {len(text):,} bytes; the limit is {MAX_FILE_BYTES:,}: split or shorten it.")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(source, [("(file)", "The file is not UTF-8 text: save it as UTF-8 YAML.")]) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(source, [("(file)", f"The text is {len(text):,} characters; the limit is {MAX_FILE_BYTES:,}: shorten it.")])
    if not text.strip():
        raise ScenarioError(source, [("(file)", f"The file is empty: write a YAML mapping of fields ({fields_hint}).")])
    try:
        _check_depth(text)
        data = yaml.load(text, Loader=_Parser)  # safe_load's rules, in libyaml's C when installed (10x faster)
    except RecursionError:  # backstop: _check_depth refuses these first
        raise ScenarioError(source, [("(file)", _TOO_DEEP)]) from None
    except _TooDeep:
        raise ScenarioError(source, [("(file)", _TOO_DEEP)]) from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        pos = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise ScenarioError(source, [("(file)", f"YAML syntax error{pos} ({problem}): check the indentation and quotes there.")]) from None
    if not isinstance(data, dict):
        raise ScenarioError(source, [("(file)", f"The file must be a YAML mapping of fields ({fields_hint}), not a list or plain text: start each line with a field name and a colon.")])
    try:
        return model.model_validate(data, context=context)
    except ValidationError as e:
        raise ScenarioError(source, _problems(e)) from None


def parse_scenario(text: str | bytes, source: str = "<scenario>", personas: Collection[str] | None = None) -> Scenario:
    """Parse one scenario from YAML text; raise ScenarioError naming file, field and fix.

    personas: the archetype ids that exist (personas.scenario passes them); None checks the id's shape only."""
    ctx = {"personas": set(personas)} if personas is not None else None
    return parse_yaml_model(text, source, Scenario, "id, title, ...", ctx)


class LoadResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    scenarios: dict[str, Scenario] = Field(default_factory=dict)
    errors: list[ScenarioError] = Field(default_factory=list)


def load_dir(directory: str | Path, personas: Collection[str] | None = None) -> LoadResult:
    """Load every *.yaml/*.yml under directory; bad files become errors, good ones still load."""
    result = LoadResult()
    d = Path(directory)
    if not d.is_dir():
        result.errors.append(ScenarioError(str(d), [("(dir)", "The folder does not exist or is not a folder: check TALKDOWN_SCENARIOS_DIR.")]))
        return result
    for path in sorted([*d.glob("*.yaml"), *d.glob("*.yml")]):
        try:
            sc = parse_scenario(read_yaml_file(path), source=str(path), personas=personas)
        except ScenarioError as e:
            result.errors.append(e)
            continue
        if sc.id in result.scenarios:
            result.errors.append(ScenarioError(str(path), [("id", f"The id '{sc.id}' is already used by another file: ids must be unique, so rename one.")]))
            continue
        result.scenarios[sc.id] = sc
    return result


_dir_cache: dict[str, tuple[tuple, LoadResult]] = {}


def load_dir_cached(directory: str | Path, personas: Collection[str] | None = None) -> LoadResult:
    """load_dir, read again only when a file in the folder changed (pages rerun on every click)."""
    d = Path(directory)
    stamp = file_stamp([*d.glob("*.yaml"), *d.glob("*.yml")]) if d.is_dir() else ()
    key = f"{d}|{sorted(personas) if personas is not None else None}"
    hit = _dir_cache.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    result = load_dir(d, personas)
    _dir_cache[key] = (stamp, result)
    return result
