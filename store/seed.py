"""A demo organisation with months of scored history, made by really playing the scenarios.

Every conversation runs the practice engine with the scripted Actor backend over a built-in scenario;
the trainee's lines come from the scenario's example script, swapped for weaker or dismissive lines
according to that trainee's skill profile at that point in time (some improve, some never learn to
close, ...). The finished transcript is scored by `scoring.score`, exactly as in the app, and stored
with timestamps backdated across the months. Passwords are random and printed once.
"""
from __future__ import annotations

import random
import secrets
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from core.errors import InputError
from core.settings import get_settings
from store.conversations import record_turn
from store.models import User
from store.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "personas" / "examples"

# What each step of an example script trains: reflect the feeling, paraphrase and ask, offer a
# concrete next step, summarise and check for more, close warmly.
STEP_SKILL = ["empathy", "listening", "focus", "closure", "closure"]
WEAKER = {  # (middling, poor) stand-ins for a step the trainee does not do well
    0: ("Okay, I understand. Let me take a look at your account.",
        "Calm down, please. There's nothing I can do about that."),
    1: ("Can you tell me what happened?",
        "You should have checked before calling. That's really your responsibility."),
    2: ("We'll look into it and someone may get back to you.",
        "Our policy is very clear on this, I'm afraid, and I can't change it."),
    3: ("Is there anything else?", None),
    4: ("Okay, bye.", None),
}


@dataclass(frozen=True)
class Profile:
    """Chance of saying the good line for each skill, at the start and at the end of the history."""
    name: str
    start: dict[str, float]
    end: dict[str, float]

    def p(self, skill: str, progress: float) -> float:
        return self.start[skill] + (self.end[skill] - self.start[skill]) * progress


def _flat(v: float) -> dict[str, float]:
    return {k: v for k in ("empathy", "listening", "focus", "closure")}


PROFILES = [
    Profile("improver", _flat(0.15), _flat(0.9)),
    Profile("steady and strong", _flat(0.85), _flat(0.9)),
    Profile("never learns to close", {"empathy": 0.8, "listening": 0.75, "focus": 0.7, "closure": 0.05},
            {"empathy": 0.85, "listening": 0.8, "focus": 0.75, "closure": 0.1}),
    Profile("slow to show empathy", {"empathy": 0.1, "listening": 0.6, "focus": 0.7, "closure": 0.6},
            {"empathy": 0.55, "listening": 0.7, "focus": 0.8, "closure": 0.7}),
    Profile("slipping", _flat(0.8), _flat(0.45)),
    Profile("new starter", _flat(0.35), _flat(0.65)),
]

TRAINEE_NAMES = ["Ana Silva", "Ben Okafor", "Chloe Martin", "Dev Patel", "Ellie Novak", "Farid Haddad",
                 "Grace Kim", "Hugo Laurent", "Isla Byrne", "Jonas Weber", "Keiko Sato", "Liam Walsh"]


@dataclass
class SeedResult:
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, password or note)
    conversations: int = 0
    by_trainee: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # one line per scenario file that did not load


def _username(full: str) -> str:
    return full.lower().replace(" ", ".")


def _scripts(scenarios: dict) -> dict[str, list[str]]:
    """The example trainee script for each built-in scenario that has one."""
    out = {}
    for sid in scenarios:
        path = EXAMPLES / f"{sid}.txt"
        if not path.exists() and sid == "internet-outage-remote-worker":
            path = EXAMPLES / "empathetic.txt"
        if path.exists():
            lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
            if lines:
                out[sid] = lines
    return out


def _trainee_lines(script: list[str], profile: Profile, progress: float, rng: random.Random) -> list[str]:
    lines = []
    for i, good in enumerate(script):
        step = min(i, len(STEP_SKILL) - 1)
        if rng.random() < profile.p(STEP_SKILL[step], progress):
            lines.append(good)
            continue
        middling, poor = WEAKER[step]  # poor None: the trainee just leaves that step out
        line = middling if rng.random() < 0.6 else poor
        if line is not None:
            lines.append(line)
    return lines


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def tick(self, rng: random.Random, lo: int = 15, hi: int = 75) -> None:
        self.at += timedelta(seconds=rng.randint(lo, hi))


def _play(store: Store, user: User, scenario, script_lines: list[str], clock: _Clock, rng: random.Random,
          assignment_id: int | None, actor) -> int:
    """One real conversation through the engine, saved turn by turn and scored."""
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine

    sc = store.as_user(user)
    engine = PracticeEngine(scenario, get_archetype(scenario.persona), actor)
    cid = sc.start_conversation(scenario.id, assignment_id=assignment_id, backend="scripted")

    def save(turn: dict) -> None:
        record_turn(sc, cid, turn)

    save(engine.open())
    for line in script_lines:
        if engine.ended:
            break
        clock.tick(rng, 20, 90)
        save(engine.add_trainee(line))
        clock.tick(rng, 3, 12)
        save(engine.reply())
    if not engine.ended:
        engine.end("trainee_ended")
    clock.tick(rng, 5, 30)
    sc.finish_conversation(cid, engine.ended)  # the store scores the saved turns, as in the app
    return cid


def seed_demo(store: Store, *, trainees: int = 9, months: int = 4, seed: int | None = None,
              now: datetime | None = None) -> SeedResult:
    """Create the demo organisation and its history in `store`. Raises InputError if demo users exist."""
    from personas.actors import Actor, get_backend
    from personas.scenario import load_dir, skipped_line

    if not 1 <= trainees <= len(TRAINEE_NAMES):
        raise InputError(f"--trainees must be between 1 and {len(TRAINEE_NAMES)}.")
    if not 1 <= months <= 24:
        raise InputError("--months must be between 1 and 24.")
    rng = random.Random(seed)
    now = (now or datetime.now(timezone.utc).replace(tzinfo=None)).replace(microsecond=0)
    start = now - timedelta(days=30 * months)

    loaded = load_dir(get_settings().scenarios_dir)
    scripts = _scripts(loaded.scenarios)
    if not scripts:
        raise InputError("No built-in scenario with an example script was found to play.",
                         "Check TALKDOWN_SCENARIOS_DIR and personas/examples/.")
    scenario_ids = sorted(scripts)
    actor = Actor(get_backend("scripted"))

    names = TRAINEE_NAMES[:trainees]
    wanted = ["tara.trainer", "max.manager", *(_username(n) for n in names)]
    taken = [u for u in wanted if store.one("SELECT 1 AS x FROM users WHERE username = ?", [u])]
    if taken:
        raise InputError(f"This database already has demo users ({', '.join(taken)}).",
                         "Seed a fresh database with --db PATH.")

    result = SeedResult(skipped=[skipped_line(e) for e in loaded.errors])
    clock = _Clock(start - timedelta(days=2))
    with store.clock(clock):
        if store.needs_setup():
            pw = secrets.token_urlsafe(12)
            admin = store.create_first_admin("admin", pw, "Administrator")
            result.accounts.append(("admin", "admin", pw))
        else:
            row = store.one("SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY id LIMIT 1")
            if row is None:
                raise InputError("This database has users but no active admin.")
            admin = store.get_user(row["id"])
        a = store.as_user(admin)

        def account(username: str, role: str, display: str) -> User:
            pw = secrets.token_urlsafe(12)
            user = a.create_user(username, pw, role, display)
            result.accounts.append((username, role, pw))
            return user

        trainer = account("tara.trainer", "trainer", "Tara Trainer")
        manager = account("max.manager", "manager", "Max Manager")
        people = [account(_username(n), "trainee", n) for n in names]
        split = min(6, len(people))  # Team A: up to six trainees; Team B: the rest
        teams = {"Team A": people[:split], "Team B": people[split:]}
        groups = {}
        for gname, members in teams.items():
            if not members:
                continue
            existing = [g for g in a.list_groups() if g.name.lower() == gname.lower()]
            g = existing[0] if existing else a.create_group(gname)
            groups[gname] = g
            for m in [trainer, manager, *members]:
                a.add_to_group(g.id, m.id)
        team_of = {p.id: gname for gname, members in teams.items() for p in members}

        # One practice assignment per month and team, due two weeks later, on a rotating scenario.
        t = store.as_user(trainer)
        assignments = []  # (assignment, opens, due, group name)
        for month in range(months):
            for k, gname in enumerate(groups):
                opens = start + timedelta(days=30 * month + 1 + k)
                clock.at = opens.replace(hour=9, minute=0)
                sid = scenario_ids[(month * 2 + k) % len(scenario_ids)]
                due = (opens + timedelta(days=14)).date()
                asg = t.create_assignment(sid, group_id=groups[gname].id, due=due, pass_mark=70,
                                          title=f"Month {month + 1}: {loaded.scenarios[sid].title}")
                assignments.append((asg, opens, due, gname))

        # Each trainee: two to four sessions a month, on working days and hours.
        for idx, person in enumerate(people):
            profile = PROFILES[idx % len(PROFILES)]
            sessions = sorted(start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds() - 86400))
                              for _ in range(sum(rng.randint(2, 4) for _ in range(months))))
            for when in sessions:
                while when.weekday() >= 5:
                    when += timedelta(days=1)
                when = when.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59), second=0)
                if when >= now:
                    continue
                open_now = [x for x in assignments if x[3] == team_of[person.id] and x[1] <= when <= datetime.combine(x[2], datetime.max.time())]
                if open_now and rng.random() < 0.6:
                    asg = open_now[0][0]
                    sid, assignment_id = asg.scenario_id, asg.id
                else:
                    sid, assignment_id = rng.choice(scenario_ids), None
                progress = (when - start) / (now - start)
                lines = _trainee_lines(scripts[sid], profile, progress, rng)
                clock.at = when
                cid = _play(store, person, loaded.scenarios[sid], lines, clock, rng, assignment_id, actor)
                result.conversations += 1
                result.by_trainee[person.username] = result.by_trainee.get(person.username, 0) + 1
                # Now and then the trainer reviews a transcript and adjusts a score, with a reason.
                if rng.random() < 0.08:
                    rec = t.get_report(cid)
                    clock.at = when + timedelta(days=1)
                    t.override_score(cid, "paraphrasing",
                                     min(100, rec.dimensions["paraphrasing"] + rng.randint(4, 10)),
                                     "Reviewed the transcript: the paraphrase in the second reply was better "
                                     "than the automated score gives credit for.")

        # A current assessment for the first team, due next week, not yet attempted.
        clock.at = now - timedelta(days=1)
        first = next(iter(groups.values()))
        t.create_assignment(scenario_ids[0], group_id=first.id, due=(now + timedelta(days=7)).date(),
                            pass_mark=75, mode="assessment", title="Quarterly assessment")
    return result


def print_result(result: SeedResult, path: str) -> None:
    for line in result.skipped:
        print(f"note: {line}", file=sys.stderr)
    print(f"Seeded demo organisation into {path}: {result.conversations} scored conversations.")
    print("Accounts (these passwords are shown only now; store them or reset them later):")
    width = max(len(u) for u, _, _ in result.accounts)
    for username, role, pw in result.accounts:
        print(f"  {username:<{width}}  {role:<8}  {pw}")
