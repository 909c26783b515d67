"""Reading a CSV of new accounts (the admin's "Import users"), row by row, before anything is written.

The file: a header row, then one account per row.
- ``username`` (required): as for any account (letters, digits, . _ @ -), not taken, once in the file;
- ``role`` (required): trainee, trainer, manager or admin (any case);
- ``name`` (optional): the display name, else the username;
- ``groups`` (optional): group names separated by ``;``. Existing groups are matched ignoring case; a
  group that does not exist yet is created when the admin ticks "create missing groups", else the row fails.
There is no password column, on purpose: Talkdown makes a random initial password for each new account
and shows it once (a spreadsheet of passwords tends to outlive the import). The user changes it on the
Account page after signing in.
"""
from __future__ import annotations

import csv
import io
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from argon2 import PasswordHasher

from core.errors import InputError
from store.auth import MAX_CONCURRENT_HASHES, check_password_rules, hash_slot
from store.common import USERNAME_RE
from store.models import ROLES

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 500
REQUIRED = ("username", "role")
OPTIONAL = ("name", "groups")
ALIASES = {"user": "username", "login": "username", "display_name": "name", "full_name": "name",
           "display name": "name", "full name": "name", "group": "groups"}
SECRET_COLUMNS = {"password", "passwords", "pw", "initial_password", "initial password"}
# An initial password is random (about 59 bits), not chosen by a person, so it is hashed with OWASP's
# smaller argon2id profile (19 MiB, 2 passes) rather than the 64 MiB default: a file of a few hundred
# users then imports in seconds, not minutes. Signing in with it re-hashes it with the store's own
# parameters (Store.authenticate: check_needs_rehash), and so does the user's own new password.
INITIAL_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# No 0/O, 1/l/I: an initial password is read off a screen and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def initial_password(username: str) -> str:
    """A random password like 'k7wm-q3rt-hx9p' (about 59 bits) that passes the password policy."""
    while True:
        pw = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
        try:
            check_password_rules(pw, username)
            return pw
        except InputError:
            continue


def hash_initial(passwords: list[str], store_hasher: PasswordHasher) -> list[str]:
    """Hashes of the initial passwords, a few at once (argon2 releases the GIL), each within the store's
    cap on concurrent password checks. The store's hasher is used when it is already the cheaper one."""
    cost = store_hasher.time_cost * store_hasher.memory_cost
    hasher = store_hasher if cost <= INITIAL_HASHER.time_cost * INITIAL_HASHER.memory_cost else INITIAL_HASHER

    def one(pw: str) -> str:
        with hash_slot():
            return hasher.hash(pw)

    if len(passwords) <= 1:
        return [one(p) for p in passwords]
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_HASHES, len(passwords))) as pool:
        return list(pool.map(one, passwords))


@dataclass
class ImportRow:
    line: int                      # the line in the file the row starts on (the header is line 1)
    username: str
    role: str = ""
    name: str = ""
    groups: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)  # groups this row needs created
    status: str = ""               # "ok" (checked, not written), "created" or "failed"
    password: str | None = None    # the initial password, only on a created row, shown once

    @property
    def message(self) -> str:
        if self.problems:
            return " ".join(self.problems)
        if self.new_groups:
            return f"new group{'s' if len(self.new_groups) > 1 else ''}: {', '.join(self.new_groups)}"
        return ""


@dataclass
class ImportResult:
    rows: list[ImportRow]
    dry_run: bool
    created_groups: list[str] = field(default_factory=list)

    @property
    def created(self) -> list[ImportRow]:
        return [r for r in self.rows if r.status == "created"]

    @property
    def failed(self) -> list[ImportRow]:
        return [r for r in self.rows if r.status == "failed"]


def _text(data: bytes | str) -> str:
    if isinstance(data, bytes):
        if len(data) > MAX_IMPORT_BYTES:
            raise InputError(f"The file is larger than {MAX_IMPORT_BYTES // 1000:,} kB.",
                             f"Import at most {MAX_IMPORT_ROWS} users per file.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("The file is not UTF-8 text.", "Save it from your spreadsheet as “CSV UTF-8”.") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError(f"The file is larger than {MAX_IMPORT_BYTES // 1000:,} kB.")
    if "\x00" in data:
        raise InputError("The file is not a CSV text file.", "Save it from your spreadsheet as “CSV UTF-8”.")
    return data


def _header(cells: list[str]) -> list[str]:
    names = []
    for c in cells:
        key = c.strip().lower()
        names.append(ALIASES.get(key, ALIASES.get(key.replace(" ", "_"), key.replace(" ", "_"))))
    return names


def parse_users_csv(data: bytes | str) -> list[ImportRow]:
    """The rows of the file with each one's own problems (format, role, username form, repeats in the file).
    Raises InputError, naming the fix, when the file as a whole cannot be read."""
    text = _text(data)
    if not text.strip():
        raise InputError("The file is empty.", "The first row names the columns: username, role, name, groups.")
    first = text.lstrip().split("\n", 1)[0]
    # The header decides the separator: a comma, else a semicolon (spreadsheets in many locales), else a tab.
    delimiter = "," if "," in first else ";" if ";" in first else "\t" if "\t" in first else ","
    table: list[list[str]] = []
    lines: list[int] = []
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        start = 1
        for record in reader:
            if any(c.strip() for c in record):
                table.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(f"The file is not a readable CSV ({e}).", "Save it from your spreadsheet as CSV.") from None
    if not table:
        raise InputError("The file is empty.", "The first row names the columns: username, role, name, groups.")
    header = _header(table[0])
    secret = [c for c in header if c in SECRET_COLUMNS]
    if secret:
        raise InputError("Leave passwords out of the file: Talkdown makes a random initial password for each "
                         "new user and shows it once after the import.", "Delete the password column and try again.")
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"the file has no {' or '.join(repr(c) for c in missing)} column")
        if unknown:
            parts.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(repr(c) for c in unknown)}")
        raise InputError(f"The first row must name the columns: {'; '.join(parts)}.",
                         "Use username and role, and optionally name and groups (group names separated by ;).")
    if len(set(header)) < len(header):
        raise InputError("A column is named twice in the first row.")
    body = table[1:]
    if not body:
        raise InputError("The file has a header row but no users.")
    if len(body) > MAX_IMPORT_ROWS:
        raise InputError(f"The file has {len(body):,} users; the limit is {MAX_IMPORT_ROWS} per import.",
                         "Split it into several files.")
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for cells, line in zip(body, lines[1:]):
        if len(cells) > len(header):
            extra = [c for c in cells[len(header):] if c.strip()]
            if extra:
                rows.append(ImportRow(line=line, username=(cells[0] if cells else "").strip(), status="failed",
                                      problems=[f"More cells than columns ({len(cells)} for {len(header)}); "
                                                "a name with a comma needs quotes."]))
                continue
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        row = ImportRow(line=line, username=values["username"], name=values.get("name", ""))
        role = values["role"].lower()
        if not row.username:
            row.problems.append("The username is empty.")
        elif not USERNAME_RE.match(row.username):
            row.problems.append("The username may use only letters, digits and . _ @ - (1–64, starting with a "
                                "letter or digit).")
        elif row.username.lower() in seen:
            row.problems.append(f"The username is already on line {seen[row.username.lower()]} of this file.")
        else:
            seen[row.username.lower()] = line
        if role not in ROLES:
            row.problems.append(f"The role {values['role']!r} is not one of {', '.join(ROLES)}." if role else
                                f"The role is empty; use one of {', '.join(ROLES)}.")
        row.role = role
        if len(row.name) > 100:
            row.problems.append("The name is longer than 100 characters.")
        groups = [g.strip() for g in values.get("groups", "").split(";") if g.strip()]
        if any(len(g) > 100 for g in groups):
            row.problems.append("A group name is longer than 100 characters.")
        row.groups = list(dict.fromkeys(groups))
        rows.append(row)
    return rows
