"""python -m store: create-admin, reset-password, seed-demo.

    python -m store create-admin --username ada [--display-name "Ada L."] [--password-stdin] [--db PATH]
    python -m store reset-password --username ada [--password-stdin] [--db PATH]
    python -m store seed-demo [--db PATH] [--trainees N] [--months M] [--seed S]
"""
from __future__ import annotations

import argparse
import getpass
import sys

from core.errors import TalkdownError


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (8+ characters): ")
    if getpass.getpass("Repeat it: ") != first:
        raise SystemExit("The passwords do not match; nothing was changed.")
    return first


def _store(args: argparse.Namespace):
    from store import Store

    return Store(args.db) if args.db else Store()


def cmd_create_admin(args: argparse.Namespace) -> int:
    store = _store(args)
    password = _password(args)
    if store.needs_setup():
        user = store.create_first_admin(args.username, password, args.display_name)
    else:  # a local operator with the file may always add an admin (e.g. locked out of the app)
        user = store.create_user_unscoped(args.username, password, "admin", args.display_name)
    print(f"Created admin '{user.username}' in {store.path}.")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    store = _store(args)
    row = store.one("SELECT id FROM users WHERE username = ?", [args.username])
    if row is None:
        raise SystemExit(f"There is no user '{args.username}' in {store.path}.")
    pw_hash = store.hash_password(_password(args))
    with store._write() as db:
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [pw_hash, row["id"]])
    print(f"Password for '{args.username}' changed.")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from store.seed import print_result, seed_demo

    store = _store(args)
    result = seed_demo(store, trainees=args.trainees, months=args.months, seed=args.seed)
    print_result(result, store.path)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m store", description="Talkdown's database: accounts and demo data.")
    sub = p.add_subparsers(dest="cmd", required=True)

    def with_db(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--db", help="database file (default: TALKDOWN_DB_PATH or talkdown.db)")
        return sp

    ca = with_db(sub.add_parser("create-admin", help="create an admin account (asks for the password)"))
    ca.add_argument("--username", required=True)
    ca.add_argument("--display-name")
    ca.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    ca.set_defaults(fn=cmd_create_admin)

    rp = with_db(sub.add_parser("reset-password", help="set a new password for any account"))
    rp.add_argument("--username", required=True)
    rp.add_argument("--password-stdin", action="store_true")
    rp.set_defaults(fn=cmd_reset_password)

    sd = with_db(sub.add_parser("seed-demo", help="a demo organisation with months of scored history"))
    sd.add_argument("--trainees", type=int, default=9)
    sd.add_argument("--months", type=int, default=4)
    sd.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable history")
    sd.set_defaults(fn=cmd_seed_demo)

    args = p.parse_args(argv)
    try:
        return args.fn(args)
    except TalkdownError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
