"""`python -m scoring`: score, moves, eval-esconv, eval-annomi, eval-cs, train-esconv, train-cs. Bad input: one line on stderr, exit 2."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.errors import TalkdownError

EXIT_INPUT = 2


def _cmd_score(args: argparse.Namespace) -> int:
    from core.transcript import load_transcript
    from scoring.report import render_text, score

    transcript = load_transcript(args.file)
    scenario = None
    if transcript.scenario_id:
        from core.scenario import load_dir, skipped_line  # the archetype check is the practice side's concern

        scenario_dir = args.scenario_dir or _default_scenario_dir()
        loaded = load_dir(scenario_dir)
        for err in loaded.errors:
            print(f"note: {skipped_line(err)}", file=sys.stderr)
        found = loaded.scenarios
        scenario = found.get(transcript.scenario_id)
        if scenario is None:
            print(f"note: scenario '{transcript.scenario_id}' not found in {scenario_dir}; "
                  "scoring without it (no topic keywords or rubric weights).", file=sys.stderr)
    report = score(transcript, scenario)
    from scoring.judge import add_judge  # no-op offline; LangChain is only imported when configured

    report = add_judge(report, transcript)
    if args.format == "text":
        print(render_text(report))
    else:
        print(report.model_dump_json(indent=2))
    return 0


def _default_scenario_dir() -> str:
    from core.settings import get_settings

    return get_settings().scenarios_dir


def _cmd_moves(args: argparse.Namespace) -> int:
    from scoring.cli_moves import run_moves

    run_moves(sys.stdin, sys.stdout)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from scoring.esconv import (baseline_moves, evaluate, format_agreement, format_scores, label_agreement,
                                load_examples)
    from scoring.model import mode
    from scoring.moves import detect_moves

    examples = load_examples(args.file)
    print(f"{args.file}: {len(examples)} supporter turns")
    if not args.baseline_only:
        for line in format_scores(f"detect_moves ({mode()} mode)", evaluate(examples, detect_moves)):
            print(line)
    for line in format_scores("keyword baseline", evaluate(examples, baseline_moves)):
        print(line)
    print(format_agreement(label_agreement(examples)))
    return 0


def _cmd_eval_annomi(args: argparse.Namespace) -> int:
    from scoring import annomi
    from scoring.esconv import baseline_moves, format_scores
    from scoring.model import mode
    from scoring.moves import detect_moves

    examples = annomi.load_examples(args.file)
    print(f"{args.file}: {len(examples)} therapist utterances, {len({ex.conv for ex in examples})} transcripts "
          f"(reflection = our paraphrase or reflection)")
    if not args.baseline_only:
        for line in format_scores(f"detect_moves ({mode()} mode)", annomi.evaluate(examples, detect_moves)):
            print(line)
    for line in format_scores("keyword baseline", annomi.evaluate(examples, baseline_moves)):
        print(line)
    return 0


def _cmd_eval_cs(args: argparse.Namespace) -> int:
    from scoring import csmoves
    from scoring.esconv import baseline_moves
    from scoring.model import mode
    from scoring.moves import detect_moves

    turns = csmoves.load(args.file or csmoves.DATA, split=args.split)
    print(f"{args.file or csmoves.DATA}: {len(turns)} agent turns ({args.split or 'all'} split), "
          f"{len({t.domain for t in turns})} domains")
    if not args.baseline_only:
        for line in csmoves.format_scores(f"detect_moves ({mode()} mode)", csmoves.evaluate(turns, detect_moves)):
            print(line)
    four = ("question", "paraphrase", "reflection", "affirmation")
    for line in csmoves.format_scores("keyword baseline (knows four moves)", csmoves.evaluate(turns, baseline_moves, four)):
        print(line)
    return 0


def _cmd_train_cs(args: argparse.Namespace) -> int:
    from scoring import train

    return train.main_cs(Path(args.out) if args.out else None, Path(args.file) if args.file else None)


def _cmd_train(args: argparse.Namespace) -> int:
    from scoring import train

    data = Path(args.data_dir) if args.data_dir else train.DATA
    if not (data / "train_rl.txt").exists():
        raise TalkdownError(f"No ESConv training file at {data / 'train_rl.txt'}.", "Pass --data-dir DIR.")
    return train.main(Path(args.out) if args.out else None, data)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scoring", description="Talkdown scoring engine.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score a transcript JSON file")
    s.add_argument("file")
    s.add_argument("--format", choices=("json", "text"), default="json")
    s.add_argument("--scenario-dir", default=None, help="where to look up the transcript's scenario_id")
    s.set_defaults(func=_cmd_score)
    m = sub.add_parser("moves", help="JSON lines {id, context, text} on stdin -> {id, moves} on stdout")
    m.set_defaults(func=_cmd_moves)
    e = sub.add_parser("eval-esconv", help="P/R/F1 of question/paraphrase/reflection/affirmation on ESConv")
    e.add_argument("file")
    e.add_argument("--baseline", dest="baseline_only", action="store_true", help="print only the keyword baseline")
    e.set_defaults(func=_cmd_eval)
    a = sub.add_parser("eval-annomi", help="P/R/F1 of question/reflection on AnnoMI (expert MI labels, CSV)")
    a.add_argument("file")
    a.add_argument("--baseline", dest="baseline_only", action="store_true", help="print only the keyword baseline")
    a.set_defaults(func=_cmd_eval_annomi)
    c = sub.add_parser("eval-cs", help="P/R/F1 of all 14 moves on the project's customer-service set (data/cs_moves/)")
    c.add_argument("file", nargs="?", default=None, help="a cs_moves JSON-lines file (default: the shipped one)")
    c.add_argument("--split", choices=("train", "test"), default="test", help="which split (default: test)")
    c.add_argument("--baseline", dest="baseline_only", action="store_true", help="print only the keyword baseline")
    c.set_defaults(func=_cmd_eval_cs)
    tc = sub.add_parser("train-cs", help="train the customer-service move model on data/cs_moves/ (needs scikit-learn)")
    tc.add_argument("--file", default=None, help="a cs_moves JSON-lines file (default: the shipped one)")
    tc.add_argument("--out", default=None)
    tc.set_defaults(func=_cmd_train_cs)
    t = sub.add_parser("train-esconv", help="train the move model (needs scikit-learn)")
    t.add_argument("--data-dir", default=None)
    t.add_argument("--out", default=None)
    t.set_defaults(func=_cmd_train)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from core.settings import get_settings

        get_settings()  # a bad setting is one line (SettingsError) before anything runs
        return args.func(args)
    except TalkdownError as e:
        print(f"error: {' '.join(str(e).split())}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
