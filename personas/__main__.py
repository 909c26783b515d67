"""python -m personas validate [DIR] | simulate SCENARIO_ID --trainee-script FILE [--backend B] | chat SCENARIO_ID

Exit codes: 0 ok, 1 invalid scenario files (validate), 2 usage or input errors (one line on stderr).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import BackendError, InputError, ScenarioError, TalkdownError, UnknownScenarioError
from core.settings import get_settings


def _scenarios_dir() -> Path:
    return Path(get_settings().scenarios_dir)


def cmd_validate(args: argparse.Namespace) -> int:
    from personas.archetypes import load_archetypes_with_errors
    from personas.scenario import load_dir

    directory = Path(args.dir) if args.dir else _scenarios_dir()
    if not directory.is_dir():
        raise InputError(f"{directory} is not a folder.", "Give the folder that holds the scenario YAML files.")
    _, arch_errors = load_archetypes_with_errors()
    result = load_dir(directory)
    problems = 0
    for err in [*arch_errors, *result.errors]:
        for field, msg in err.problems:
            print(f"{err.source}: {field}: {msg}")
            problems += 1
    bad_files = len({e.source for e in [*arch_errors, *result.errors]})
    if problems:
        print(f"{bad_files} invalid file(s), {problems} problem(s); {len(result.scenarios)} scenario(s) valid.",
              file=sys.stderr)
        return 1
    print(f"OK: {len(result.scenarios)} scenario(s) valid in {directory}.")
    return 0


def _engine(scenario_id: str, backend: str | None):
    from personas.actors import Actor, get_backend
    from personas.archetypes import get_archetype
    from personas.engine import PracticeEngine
    from personas.scenario import load_dir, skipped_line

    loaded = load_dir(_scenarios_dir())
    for err in loaded.errors:  # one line per file that did not load; the others still play
        print(f"note: {skipped_line(err)}", file=sys.stderr)
    found = loaded.scenarios
    if scenario_id not in found:
        raise UnknownScenarioError(f"Unknown scenario '{scenario_id}'.",
                                   f"Valid ids: {', '.join(sorted(found)) or '(none)'}.")
    scenario = found[scenario_id]
    actor = Actor(get_backend(backend))
    return PracticeEngine(scenario, get_archetype(scenario.persona), actor)


def _read_script(path: str) -> list[str]:
    p = Path(path)
    limit = 2_000_000  # a script is a few lines: /dev/zero or a huge file is refused, not read forever
    try:
        with p.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as e:
        raise InputError(f"Cannot read trainee script {p}: {e.strerror}.") from None
    if len(raw) > limit:
        raise InputError(f"Trainee script {p} is larger than 2 MB.", "Write one trainee message per line.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"Trainee script {p} is not UTF-8 text.") from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError(f"Trainee script {p} has no lines.", "Write one trainee message per line.")
    return lines


def cmd_simulate(args: argparse.Namespace) -> int:
    lines = _read_script(args.trainee_script)
    engine = _engine(args.scenario_id, args.backend)
    engine.play(lines)
    if not engine.ended:
        engine.end("script_ended")
    json.dump(engine.transcript(), sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    engine = _engine(args.scenario_id, args.backend)
    sc = engine.scenario
    print(f"{sc.title} — you are the agent; {sc.customer.name} is the customer ({engine.archetype.name}).")
    print("Type your replies. /end finishes the conversation; Ctrl-D or Ctrl-C quits.\n")
    first = engine.open()
    print(f"[anger {first['mood']:.1f}/10] {sc.customer.name}: {first['text']}")
    try:
        while not engine.ended:
            try:
                text = input("you> ").strip()
            except EOFError:
                print()
                engine.end("trainee_ended")
                break
            if text == "/end":
                engine.end("trainee_ended")
                break
            try:
                engine.add_trainee(text)
            except InputError as e:
                print(f"  ! {e}")
                continue
            print(f"{sc.customer.name}: ", end="", flush=True)
            try:
                for chunk in engine.stream_reply():
                    print(chunk, end="", flush=True)
            except BackendError as e:
                print(f"\n  ! {e}\n  (answering with the scenario's own line instead)")
                turn = engine.fallback_reply()
                print(f"{sc.customer.name}: {turn['text']}", end="")
            turn = engine.turns[-1]
            print(f"\n  [anger {turn['mood']:.1f}/10, trust {turn['trust']:.1f}/10]")
    except KeyboardInterrupt:
        print()
        engine.end("trainee_ended")
    print(f"Conversation ended: {engine.ended.replace('_', ' ')}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m personas", description="Talkdown scenarios and personas.")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate every scenario file in DIR (default: scenarios/)")
    v.add_argument("dir", nargs="?", metavar="DIR")
    v.set_defaults(func=cmd_validate)
    backends = ["scripted", "local", "openai"]
    s = sub.add_parser("simulate", help="play a trainee script against a scenario; print the transcript JSON")
    s.add_argument("scenario_id", metavar="SCENARIO_ID")
    s.add_argument("--trainee-script", required=True, metavar="FILE", help="one trainee message per line")
    s.add_argument("--backend", default=None, metavar="|".join(backends), help="default: from settings")
    s.set_defaults(func=cmd_simulate)
    c = sub.add_parser("chat", help="hold the conversation in the terminal")
    c.add_argument("scenario_id", metavar="SCENARIO_ID")
    c.add_argument("--backend", default=None, metavar="|".join(backends), help="default: from settings")
    c.set_defaults(func=cmd_chat)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        get_settings()  # a bad setting is one line (SettingsError) before anything runs
        return args.func(args)
    except ScenarioError as e:
        print(f"error: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    except TalkdownError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
