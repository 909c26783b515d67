"""Realism of the customer (issue 8): can hollow phrases talk it down, does it answer what it is asked,
does it repeat itself, how much of it is verbatim authored text.

Run: python bench/realism.py [--backend scripted|local] [--scenario ID ...] [--probes FILE] [--scripts FILE]
Deterministic on the scripted backend (the default). Data: bench/realism_scripts.yaml (trainee scripts
per scenario and kind) and bench/probe_questions.yaml (plain questions with what a right answer holds).

Written against the public engine API only (PracticeEngine.open/add_trainee/reply/turns/ended/state/
last_rendering, Scenario fields), so it keeps measuring while the Director changes. How each figure is
computed is in the docstrings of the functions below and in the summary table's "rule" column.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.errors import BackendError  # noqa: E402
from core.text import holds_term  # noqa: E402
from personas.actors import Actor, get_backend  # noqa: E402
from personas.archetypes import get_archetype  # noqa: E402
from personas.engine import PracticeEngine  # noqa: E402
from personas.scenario import PLACEHOLDER_RE, Scenario, load_dir, mentions  # noqa: E402

SCRIPTS = ROOT / "bench" / "realism_scripts.yaml"
PROBES = ROOT / "bench" / "probe_questions.yaml"

KINDS = ("hollow_empathy", "non_apology", "scripted_greeting", "jargon", "dismissive", "good",
         "mixed_new_hire", "over_promising", "within_policy", "mediocre")
# Scripts that do nothing for the customer: none of them may talk the customer down.
HOLLOW_KINDS = ("hollow_empathy", "non_apology", "scripted_greeting", "jargon", "dismissive")
HOLLOW_DROP = 2.0   # a hollow script "talks the customer down" when the mood falls by this much (or it resolves)
GOOD_DROP = 3.0     # a good script must calm by at least this much and resolve
PROBE_GOAL = 0.95
VERBATIM_GOAL = 0.20
SENTENCE_REPEAT_GOAL = 0
# Two attempts at one script with different wording variants (PracticeEngine(variant=...)): the share of
# replies that read differently. Goal: most of them (the same decisions, other words).
ATTEMPT_VARIANTS = (1, 2)
DIFFER_GOAL = 0.75

# A reply that honestly says the customer doesn't know (or asks why it matters).
DONT_KNOW = re.compile(
    r"\b(?:(?:i\s+)?(?:don'?t|do\s+not|didn'?t|wouldn'?t|would\s+not)\s+know|not\s+sure|no\s+idea|"
    r"(?:i\s+)?(?:can'?t|cannot|couldn'?t)\s+(?:remember|recall|say|tell\s+you)|haven'?t\s+(?:a|the\s+faintest)\s+"
    r"(?:clue|idea)|no\s+clue|dunno|not\s+(?:something\s+)?i\s+(?:know|remember|have)|"
    r"how\s+(?:would|should|could|am)\s+i\s+(?:be\s+)?(?:supposed\s+to\s+)?know|no\s+way\s+of\s+knowing|"
    r"(?:does|would|will)\s+(?:that|it|this)\s+matter|why\s+(?:do|would)\s+you\s+need|"
    r"what\s+does\s+(?:that|it)\s+have\s+to\s+do\s+with|is\s+that\s+important|"
    r"(?:don'?t|do\s+not)\s+have\s+(?:that|it)\s+(?:to\s+hand|with\s+me|on\s+me|here))", re.I)

_APOS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def norm(text: str) -> str:
    """Comparison form of a line: curly quotes straightened, whitespace collapsed, ends stripped."""
    return " ".join((text or "").translate(_APOS).split())


# -- data -----------------------------------------------------------------------------------
def load_scripts(path: Path = SCRIPTS) -> dict[str, dict[str, list[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {sid: {kind: [str(x) for x in lines] for kind, lines in kinds.items()} for sid, kinds in data.items()}


@dataclass(frozen=True)
class Probe:
    scenario_id: str
    question: str
    expect: tuple[str, ...] | None  # None = the customer cannot know: expects a don't-know answer
    knows_checked: bool = False     # an `unknown` probe whose words a knows entry shares, checked by hand


def load_probes(path: Path = PROBES) -> list[Probe]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for sid, items in data.items():
        for item in items:
            exp = item["expect"]
            out.append(Probe(sid, str(item["q"]), None if exp == "unknown" else tuple(str(e) for e in exp),
                             bool(item.get("knows_checked", False))))
    return out


# -- metric rules (pure: tested on handmade cases) ------------------------------------------
def repeats(lines: list[str]) -> int:
    """Customer lines said again later in one conversation: each further occurrence counts once
    (a line said twice = 1 repeat, three times = 2). Compared after norm()."""
    seen: set[str] = set()
    n = 0
    for line in lines:
        key = norm(line)
        if key in seen:
            n += 1
        seen.add(key)
    return n


_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def repeated_sentences(lines: list[str], min_words: int = 3) -> int:
    """Sentences (of min_words or more) that already appeared in an EARLIER customer line of the same
    conversation. Finer than repeats(): a reply composed from parts can differ as a whole while
    saying the same sentence again ("Can you get my tablets today?" five turns running). Informational."""
    seen: set[str] = set()
    n = 0
    for line in lines:
        here = [norm(x).lower() for x in _SENTENCE.split(norm(line))]
        here = [x for x in here if len(x.split()) >= min_words]
        n += sum(1 for x in here if x in seen)
        seen.update(here)
    return n


def authored_lines(scenario: Scenario, archetype=None) -> set[str]:
    """Every line an author wrote for this customer, as it would be said unchanged: the scenario's
    `lines` (all intents and bands), the opening line, and each answer line with {fact} filled by each
    fact's text and each `knows` answer; plus the archetype's composable parts that have no other
    placeholder. A reply equal to one of these (after norm()) is verbatim authored."""
    answers = [f.text for f in scenario.facts] + [k.say for k in getattr(scenario, "knows", [])]
    out = {norm(scenario.opening_line)}
    for bands in [*scenario.lines.values(), *(getattr(archetype, "parts", None) or {}).values()]:
        for lines in bands.values():
            for line in lines:
                if "{fact}" in line:
                    out.update(norm(line.replace("{fact}", a)) for a in answers)
                elif not PLACEHOLDER_RE.search(line):
                    out.add(norm(line))
    return out


def is_verbatim(reply: str, authored: set[str]) -> bool:
    return norm(reply) in authored


def answered_in_kind(reply: str, expect: tuple[str, ...] | None) -> bool:
    """The rule for a probe: with a list, the reply holds at least one expected term (case-insensitive,
    at a word start, digits as written); with `unknown` (None), the reply says the customer doesn't
    know or asks why it matters (DONT_KNOW)."""
    if expect is None:
        return bool(DONT_KNOW.search(norm(reply)))
    return holds_term(reply, expect)


# -- running ---------------------------------------------------------------------------------
@dataclass
class Conversation:
    scenario_id: str
    kind: str
    start: float = 0.0
    end: float = 0.0
    outcome: str = "still talking"
    sent: int = 0                     # trainee lines sent (the script stops when the customer ends it)
    replies: list[str] = field(default_factory=list)   # customer replies, not the opening
    lines: list[str] = field(default_factory=list)     # every customer line, the opening first
    fell_back: int = 0                # guard rejections (the authored line was said instead)
    as_directed: int = 0              # replies word for word the Director's line for the beat (any backend)
    backend_errors: int = 0
    verbatim: int = 0
    error: str | None = None
    seconds: float = 0.0

    @property
    def change(self) -> float:
        return self.end - self.start

    @property
    def repeated(self) -> int:
        return repeats(self.lines)

    @property
    def repeated_sentences(self) -> int:
        return repeated_sentences(self.lines)


def new_engine(scenario: Scenario, actor: Actor, variant: int = 0) -> PracticeEngine:
    return PracticeEngine(scenario, get_archetype(scenario.persona), actor, variant=variant)


def _drain() -> None:
    """Each timed reply starts on a free engine (a reply abandoned at the rewrite budget keeps its slot until its
    next token; trainees read and type between turns, so in the app the engine has let go by then)."""
    from personas.actors.local import wait_until_idle

    wait_until_idle()


def _say(engine: PracticeEngine, conv: Conversation, text: str) -> dict:
    engine.add_trainee(text)
    conv.sent += 1
    try:
        if engine.actor is not None and engine.actor.name == "local":
            _drain()
        turn = engine.reply()
        rendering = engine.last_rendering
        if rendering is not None and rendering.fell_back:
            conv.fell_back += 1
        if rendering is not None and norm(turn["text"]) == norm(rendering.request.line):
            conv.as_directed += 1
    except BackendError:
        conv.backend_errors += 1
        turn = engine.fallback_reply()
        conv.as_directed += 1
    conv.replies.append(turn["text"])
    return turn


def play(scenario: Scenario, kind: str, script: list[str], actor: Actor, authored: set[str] | None = None,
         variant: int = 0) -> Conversation:
    """One script in a fresh engine: open, then each line and the customer's reply, stopping when the
    customer ends the conversation. Start mood = the opening turn's, end = the last customer turn's.
    Outcome: the engine's end reason; a customer still talking who had accepted counts as 'resolved'
    (PracticeEngine.end's rule), otherwise 'still talking'."""
    conv = Conversation(scenario.id, kind)
    authored = authored if authored is not None else authored_lines(scenario, get_archetype(scenario.persona))
    t0 = time.perf_counter()
    try:
        engine = new_engine(scenario, actor, variant)
        engine.open()
        for line in script:
            if engine.ended or not line.strip():
                break
            _say(engine, conv, line)
        customer = [t for t in engine.turns if t.get("role") == "customer"]
        conv.lines = [t["text"] for t in customer]
        conv.start, conv.end = float(customer[0]["mood"]), float(customer[-1]["mood"])
        ended = engine.ended or engine.end("still_talking")
        conv.outcome = "still talking" if ended == "still_talking" else ended
    except Exception as e:  # the Director is being rewritten: report the crash in the table, keep measuring
        conv.error = f"{type(e).__name__}: {e}"
        conv.outcome = "ERROR"
    conv.verbatim = sum(is_verbatim(r, authored) for r in conv.replies)
    conv.seconds = time.perf_counter() - t0
    return conv


def attempt_differences(a: Conversation, b: Conversation) -> tuple[int, int]:
    """Two attempts at one script (different wording variants): (replies that differ after norm(),
    replies compared). Compared turn by turn up to the shorter attempt; a reply counts as the same
    only when it is word for word the same."""
    pairs = list(zip(a.replies, b.replies))
    return sum(norm(x) != norm(y) for x, y in pairs), len(pairs)


@dataclass
class ProbeResult:
    probe: Probe
    reply: str
    ok: bool
    anticipated: bool   # the question uses one of the scenario's fact keywords
    conv: Conversation


def run_probe(scenario: Scenario, probe: Probe, actor: Actor, authored: set[str] | None = None) -> ProbeResult:
    """A fresh engine, the opening line, the question, one reply; judged by answered_in_kind()."""
    conv = play(scenario, "probe", [probe.question], actor, authored)
    reply = conv.replies[-1] if conv.replies else ""
    ok = conv.error is None and answered_in_kind(reply, probe.expect)
    anticipated = any(mentions(f.keywords, probe.question) for f in scenario.facts)
    return ProbeResult(probe, reply if conv.error is None else conv.error, ok, anticipated, conv)


def stale_unknowns(scenario: Scenario, probes: list[Probe]) -> list[str]:
    """`unknown` probes the scenario now does seem to know about (a knows entry's words match the
    question): the probe's expectation needs updating, so the bench says so instead of scoring it."""
    out = []
    for p in probes:
        if p.expect is None and not p.knows_checked:
            for k in getattr(scenario, "knows", []):
                if mentions(k.about, p.question):
                    out.append(f"{scenario.id}: {p.question!r} expects unknown, but the scenario may know it now "
                               f"(knows: {k.say!r}): check the probe, then mark it knows_checked")
                    break
    return out


# -- output ----------------------------------------------------------------------------------
def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> str:
    """A Markdown table with aligned columns (pastes into README as is)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    right = right or set()

    def fmt(r: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([fmt(cells[0]), sep, *(fmt(r) for r in cells[1:])])


def conversation_rows(convs: list[Conversation]) -> list[list]:
    rows = []
    for c in convs:
        share = f"{c.verbatim / len(c.replies):.0%}" if c.replies else "-"
        rows.append([c.scenario_id, c.kind, f"{c.start:.1f}", f"{c.end:.1f}", f"{c.change:+.1f}", c.outcome,
                     c.sent, len(c.replies), c.repeated, c.repeated_sentences, share, c.fell_back])
    return rows


CONV_HEADERS = ["scenario", "script", "start", "end", "change", "outcome", "sent", "replies", "repeated",
                "rep. sentences", "verbatim", "guard"]
CONV_RIGHT = {2, 3, 4, 6, 7, 8, 9, 10, 11}


def summarise(convs: list[Conversation], probes: list[ProbeResult],
              attempts: tuple[int, int] | None = None) -> tuple[list[list], dict]:
    """The issue's figures, each with its goal and whether it is met. `attempts`: (replies that differ,
    replies compared) between two attempts of every script with different wording variants."""
    hollow = [c for c in convs if c.kind in HOLLOW_KINDS]
    talked_down = [c for c in hollow if c.change <= -HOLLOW_DROP or c.outcome == "resolved"]
    good = [c for c in convs if c.kind == "good"]
    good_ok = [c for c in good if c.change <= -GOOD_DROP and c.outcome == "resolved"]
    hits = sum(p.ok for p in probes)
    every = convs + [p.conv for p in probes]
    repeated = sum(c.repeated for c in every)
    repeat_convs = sum(1 for c in every if c.repeated)
    rep_sentences = sum(c.repeated_sentences for c in every)
    replies = sum(len(c.replies) for c in every)
    verbatim = sum(c.verbatim for c in every)
    guard = sum(c.fell_back for c in every)
    directed = sum(c.as_directed for c in every)
    backend_errors = sum(c.backend_errors for c in every)
    errors = [c for c in every if c.error]
    share = verbatim / replies if replies else 0.0
    probe_share = hits / len(probes) if probes else 0.0
    figures = {"talked_down": len(talked_down), "hollow": len(hollow), "good_ok": len(good_ok), "good": len(good),
               "probe_hits": hits, "probes": len(probes), "repeated": repeated, "repeated_sentences": rep_sentences, "verbatim": verbatim,
               "replies": replies, "guard": guard, "as_directed": directed, "backend_errors": backend_errors, "errors": len(errors), "talked_down_list": talked_down,
               "good_missed": [c for c in good if c not in good_ok]}

    def met(ok: bool, runs: int = 1) -> str:
        return "-" if not runs else "yes" if ok else "NO"  # "-": nothing of this kind was run

    rows = [
        ["(a) hollow scripts that talk the customer down", f"{len(talked_down)} / {len(hollow)}", "0",
         met(not talked_down, len(hollow)), f"kinds {', '.join(HOLLOW_KINDS)}: mood drops >= {HOLLOW_DROP:g} or ends resolved"],
        ["(b) good scripts that calm and resolve", f"{len(good_ok)} / {len(good)}", "all",
         met(len(good_ok) == len(good), len(good)), f"mood drops >= {GOOD_DROP:g} and ends resolved"],
        ["(c) probe questions answered in kind", f"{hits} / {len(probes)} ({probe_share:.0%})",
         f">= {PROBE_GOAL:.0%}", met(probe_share >= PROBE_GOAL, len(probes)),
         "reply holds an expected term, or says it doesn't know for `unknown`"],
        ["(d) customer lines repeated in a conversation", f"{repeated} (in {repeat_convs} conversations)", "0",
         met(repeated == 0, len(every)), "a line said again in the same conversation, scripts and probes"],
        ["(d2) sentences said again in a conversation", f"{rep_sentences}", str(SENTENCE_REPEAT_GOAL),
         met(rep_sentences <= SENTENCE_REPEAT_GOAL, len(every)),
         "a sentence of 3+ words already said in an earlier reply of the conversation"],
        ["(e) replies that are verbatim authored lines", f"{verbatim} / {replies} ({share:.0%})",
         f"<= {VERBATIM_GOAL:.0%} (local)", met(share <= VERBATIM_GOAL, replies),
         "equal to a scenario line, a filled answer line or an archetype part"],
        ["    replies word for word the Director's line", f"{directed} / {replies}", "-", "-",
         "the beat's line unchanged (composed lines too): on local, 100% minus this is the model's rewording"],
        ["(f) guard rejections", f"{guard} / {replies}", "-", "-", "last_rendering.fell_back after a reply"],
    ]
    if attempts is not None:
        differ, compared = attempts
        dshare = differ / compared if compared else 0.0
        figures.update(attempts_differ=differ, attempts_compared=compared)
        rows.insert(6, ["(g) two attempts read differently", f"{differ} / {compared} ({dshare:.0%})", f">= {DIFFER_GOAL:.0%}",
                        met(dshare >= DIFFER_GOAL, compared),
                        f"each script played with variants {ATTEMPT_VARIANTS[0]} and {ATTEMPT_VARIANTS[1]}: "
                        "replies at the same turn not word for word the same"])
    if backend_errors:
        rows.append(["backend errors (authored line said)", str(backend_errors), "0", "NO", "BackendError on reply"])
    if errors:
        rows.append(["conversations that crashed", str(len(errors)), "0", "NO", errors[0].error[:60]])
    return rows, figures


def kind_rows(convs: list[Conversation]) -> list[list]:
    """Per script kind across scenarios: mean change, how many calmed by >= 2, how many resolved."""
    rows = []
    for kind in KINDS:
        cs = [c for c in convs if c.kind == kind]
        if not cs:
            continue
        mean = sum(c.change for c in cs) / len(cs)
        rows.append([kind, len(cs), f"{mean:+.1f}", sum(c.change <= -HOLLOW_DROP for c in cs),
                     sum(c.outcome == "resolved" for c in cs), sum(c.outcome == "walked_out" for c in cs)])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="scripted", help="actor backend (scripted: deterministic; local: the model)")
    ap.add_argument("--scenario", action="append", default=[], help="only this scenario id (repeatable)")
    ap.add_argument("--kinds", default="", help="only these script kinds, comma-separated (default: all)")
    ap.add_argument("--no-probes", action="store_true", help="skip the probe questions")
    ap.add_argument("--probes", default=str(PROBES), metavar="FILE",
                    help="probe questions file (default bench/probe_questions.yaml; e.g. a held-out set)")
    ap.add_argument("--scripts", default=str(SCRIPTS), metavar="FILE",
                    help="trainee scripts file (default bench/realism_scripts.yaml; e.g. a held-out set)")
    ap.add_argument("--replies", action="store_true", help="also print every customer reply of every script")
    ap.add_argument("--variant", type=int, default=0, help="wording variant for the main run (default 0)")
    ap.add_argument("--no-attempts", action="store_true", help="skip the two-variant 'attempts read differently' run")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    scenarios = load_dir(ROOT / "scenarios").scenarios
    probe_path = Path(args.probes)
    try:
        probes = [] if args.no_probes else load_probes(probe_path)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
        print(f"cannot read probe file {probe_path}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
              file=sys.stderr)
        return 2
    script_path = Path(args.scripts)
    try:
        scripts = load_scripts(script_path)
    except (OSError, yaml.YAMLError, TypeError, AttributeError) as e:
        print(f"cannot read scripts file {script_path}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
              file=sys.stderr)
        return 2
    ids = args.scenario or sorted(scenarios)
    unknown = [s for s in ids if s not in scenarios]
    if unknown:
        print(f"unknown scenario id(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip()) or KINDS
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        print(f"unknown script kind(s): {', '.join(bad)}; use {', '.join(KINDS)}", file=sys.stderr)
        return 2
    actor = Actor(get_backend(args.backend))

    convs: list[Conversation] = []
    results: list[ProbeResult] = []
    attempts = (0, 0)
    attempt_seconds = 0.0  # the two-variant run, left out of the per-reply time
    notes: list[str] = []
    for sid in ids:
        sc = scenarios[sid]
        authored = authored_lines(sc, get_archetype(sc.persona))
        mine = scripts.get(sid, {})
        missing = [k for k in kinds if k not in mine]
        if missing:
            notes.append(f"{sid}: no script for {', '.join(missing)}")
        t1 = time.perf_counter()
        for kind in kinds:
            if kind in mine:
                convs.append(play(sc, kind, mine[kind], actor, authored, variant=args.variant))
                if not args.no_attempts:
                    t2 = time.perf_counter()
                    a, b = (play(sc, kind, mine[kind], actor, authored, variant=v) for v in ATTEMPT_VARIANTS)
                    d, n = attempt_differences(a, b)
                    attempts = (attempts[0] + d, attempts[1] + n)
                    attempt_seconds += time.perf_counter() - t2
        sp = [] if args.no_probes else [p for p in probes if p.scenario_id == sid]
        if not sp and not args.no_probes:
            notes.append(f"{sid}: no probe questions")
        notes.extend(stale_unknowns(sc, sp))
        results.extend(run_probe(sc, p, actor, authored) for p in sp)
        if args.backend != "scripted":  # slow backends: show progress (stderr, so the tables stay clean)
            print(f"{sid}: done in {time.perf_counter() - t1:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - t0 - attempt_seconds

    print(f"# Realism bench — backend {args.backend}, {len(ids)} scenario(s), {len(convs)} scripts, "
          f"{len(results)} probes" + ("" if args.no_probes else f" from {probe_path.name}")
          + f", scripts from {script_path.name}\n")
    print(table(CONV_HEADERS, conversation_rows(convs), CONV_RIGHT))
    print("\n## By script kind\n")
    print(table(["script", "runs", "mean change", "calmed >= 2", "resolved", "walked out"], kind_rows(convs),
                {1, 2, 3, 4, 5}))
    if args.replies:
        for c in convs:
            print(f"\n### {c.scenario_id} / {c.kind}")
            for i, line in enumerate(c.lines):
                print(f"  {'open' if i == 0 else i:>4}: {line}")

    misses = [r for r in results if not r.ok]
    print(f"\n## Probe misses ({len(misses)} of {len(results)})\n")
    if misses:
        print(table(["scenario", "question", "expected", "reply"],
                    [[r.probe.scenario_id, r.probe.question,
                      "unknown" if r.probe.expect is None else " / ".join(r.probe.expect), r.reply]
                     for r in misses]))
    else:
        print("none")
    by_sc = [[sid, f"{sum(r.ok for r in rs)} / {len(rs)}",
              f"{sum(r.ok for r in rs if r.probe.expect is None)} / {sum(r.probe.expect is None for r in rs)}"]
             for sid in ids for rs in [[r for r in results if r.probe.scenario_id == sid]] if rs]
    print("\n" + table(["scenario", "answered in kind", "of which `unknown`"], by_sc, {1, 2}))
    ant = [r for r in results if r.anticipated]
    un = [r for r in results if not r.anticipated]
    dk = [r for r in results if r.probe.expect is None]
    print(f"\nanswered in kind: questions a fact's keywords anticipate {sum(r.ok for r in ant)}/{len(ant)}, "
          f"others {sum(r.ok for r in un)}/{len(un)}, of which `unknown` {sum(r.ok for r in dk)}/{len(dk)}")

    rows, figures = summarise(convs, results, None if args.no_attempts else attempts)
    print("\n## Summary (issue 8)\n")
    print(table(["metric", "value", "goal", "met", "rule"], rows))
    if figures["talked_down_list"]:
        print("\ntalked down without solving anything: "
              + ", ".join(f"{c.scenario_id}/{c.kind} ({c.change:+.1f}, {c.outcome})" for c in figures["talked_down_list"]))
    if figures["good_missed"]:
        print("good scripts that missed: "
              + ", ".join(f"{c.scenario_id} ({c.change:+.1f}, {c.outcome})" for c in figures["good_missed"]))
    for c in [*convs, *(r.conv for r in results)]:
        if c.error:
            print(f"crashed: {c.scenario_id}/{c.kind}: {c.error}")
    for n in notes:
        print(f"note: {n}")
    n_replies = figures["replies"]
    print(f"\nbackend {args.backend}; {n_replies} replies in {elapsed:.1f} s "
          f"({1000 * elapsed / max(n_replies, 1):.1f} ms a reply, engine and scenario loading included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
