"""python -m store: create-admin, reset-password, seed-demo, backup, restore.

    python -m store create-admin --username ada [--display-name "Ada L."] [--password-stdin] [--db PATH]
    python -m store reset-password --username ada [--password-stdin] [--db PATH]
    python -m store seed-demo [--db PATH] [--trainees N] [--months M] [--seed S]
    python -m store backup PATH [--db PATH] [--force]     (safe while the app runs)
    python -m store restore PATH [--db PATH] --yes        (stop the app first)
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
    pw_hash = store.hash_password(_password(args), args.username)
    with store._write() as db:
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [pw_hash, row["id"]])
    from store.auth import account_key

    store.throttle.clear(account_key(args.username))  # and lift any sign-in lockout
    store.sessions.end_all(row["id"])  # and sign the account out everywhere
    print(f"Password for '{args.username}' changed.")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from store.seed import print_result, seed_demo

    store = _store(args)
    result = seed_demo(store, trainees=args.trainees, months=args.months, seed=args.seed)
    print_result(result, store.path)
    return 0


def _db_path(args: argparse.Namespace) -> str:
    from core.settings import get_settings

    return args.db or str(get_settings().db_path)


def cmd_backup(args: argparse.Namespace) -> int:
    from store.backup import backup

    dest = backup(_db_path(args), args.path, overwrite=args.force)
    print(f"Backed up {_db_path(args)} to {dest}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from store.backup import restore

    target = Path(_db_path(args))
    if target.exists() and target.stat().st_size > 0 and not args.yes:
        print(f"error: restoring replaces everything in {target} with the backup's contents. Stop the app, "
              "then run this again with --yes (make a backup of the current file first if you may need it).",
              file=sys.stderr)
        return 1
    restore(args.path, target)
    print(f"Restored {args.path} into {target}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m store",
                                description="Talkdown's database: accounts, demo data, backup and restore.")
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

    bk = with_db(sub.add_parser("backup", help="a consistent copy of the database (safe while the app runs)"))
    bk.add_argument("path", help="the backup file to write")
    bk.add_argument("--force", action="store_true", help="replace the backup file if it exists")
    bk.set_defaults(fn=cmd_backup)

    rs = with_db(sub.add_parser("restore", help="replace the database with a backup (stop the app first)"))
    rs.add_argument("path", help="a backup made by `python -m store backup`")
    rs.add_argument("--yes", action="store_true", help="confirm replacing the current database")
    rs.set_defaults(fn=cmd_restore)

    args = p.parse_args(argv)
    from core.settings import SettingsError, get_settings

    try:
        get_settings()  # a bad setting is one line before anything runs
        return args.fn(args)
    except SettingsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except TalkdownError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
