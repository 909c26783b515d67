"""Schema changes, in order. Each is a function recorded in `_sqlite_migrations` once applied.

Never edit a migration that has shipped: add a new one. `Store.__init__` applies what is pending,
so an old database file upgrades in place the first time the new code opens it.
"""
from __future__ import annotations

import json

from sqlite_utils import Database, Migrations

MIGRATION_SET = "talkdown"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    """Accounts, groups, scenarios, assignments, conversations, turns, reports, overrides."""
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'trainer', 'manager', 'trainee')),
            display_name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        );
        CREATE TABLE group_members (
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (group_id, user_id)
        );
        CREATE TABLE scenarios (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            yaml TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_by INTEGER REFERENCES users(id),
            updated_at TEXT NOT NULL
        );
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            scenario_id TEXT NOT NULL,
            title TEXT,
            due TEXT,
            pass_mark INTEGER NOT NULL DEFAULT 70,
            mode TEXT NOT NULL DEFAULT 'practice',
            group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE TABLE assignment_targets (
            assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (assignment_id, user_id)
        );
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            scenario_id TEXT NOT NULL,
            assignment_id INTEGER REFERENCES assignments(id) ON DELETE SET NULL,
            mode TEXT NOT NULL DEFAULT 'practice',
            status TEXT NOT NULL DEFAULT 'active',
            parent_id INTEGER REFERENCES conversations(id),
            branch_turn INTEGER,
            backend TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            role TEXT NOT NULL,
            text TEXT NOT NULL,
            mood REAL,
            trust REAL,
            moves TEXT,
            intent TEXT,
            meta TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, idx)
        );
        CREATE TABLE reports (
            conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
            report TEXT NOT NULL,
            overall INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE overrides (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            dimension TEXT NOT NULL,
            score INTEGER NOT NULL,
            comment TEXT NOT NULL,
            by_user_id INTEGER NOT NULL REFERENCES users(id),
            at TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_skill_columns_and_indexes(db: Database) -> None:
    """Per-skill score columns on reports (backfilled from the stored JSON) for the dashboard,
    and the indexes its filters and the per-user lists need."""
    from store.models import SKILLS

    for skill in SKILLS:
        db.execute(f"ALTER TABLE reports ADD COLUMN {skill} INTEGER")
    rows = list(db.query("SELECT conversation_id, report FROM reports"))
    for row in rows:
        dims = _skill_scores(row["report"])
        if dims:
            sets = ", ".join(f"{k} = ?" for k in dims)
            db.execute(f"UPDATE reports SET {sets} WHERE conversation_id = ?",
                       [*dims.values(), row["conversation_id"]])
    db.executescript(
        """
        CREATE INDEX idx_conversations_user ON conversations(user_id, status);
        CREATE INDEX idx_conversations_assignment ON conversations(assignment_id, user_id);
        CREATE INDEX idx_conversations_started ON conversations(started_at);
        CREATE INDEX idx_group_members_user ON group_members(user_id);
        CREATE INDEX idx_assignment_targets_user ON assignment_targets(user_id);
        CREATE INDEX idx_overrides_conversation ON overrides(conversation_id, dimension);
        """
    )


@migrations()
def m003_one_attempt_per_assessment(db: Database) -> None:
    """At most one conversation per trainee and assessment, open or finished, kept by a unique index.

    Older versions let two attempts at one assessment exist; the first one to finish (else the
    first started) stays the attempt, the others become plain practice of the same scenario."""
    dupes = list(db.query(
        "SELECT id, assignment_id, user_id FROM conversations WHERE mode = 'assessment' AND assignment_id IS NOT NULL "
        "ORDER BY assignment_id, user_id, ended_at IS NULL, ended_at, id"))
    seen: set[tuple] = set()
    for row in dupes:
        key = (row["assignment_id"], row["user_id"])
        if key in seen:
            db.execute("UPDATE conversations SET mode = 'practice', assignment_id = NULL WHERE id = ?", [row["id"]])
        seen.add(key)
    db.execute("CREATE UNIQUE INDEX idx_one_attempt_per_assessment ON conversations(assignment_id, user_id) "
               "WHERE mode = 'assessment' AND assignment_id IS NOT NULL")


@migrations()
def m004_sign_in_failures(db: Database) -> None:
    """Failed sign-ins per account name and per client, for throttling and lockout (store.auth)."""
    db.execute("CREATE TABLE sign_in_failures (key TEXT PRIMARY KEY, failures INTEGER NOT NULL, "
               "last_at REAL NOT NULL, locked_until REAL)")


@migrations()
def m005_sessions(db: Database) -> None:
    """Sign-in sessions (store.sessions): the SHA-256 of each token, its user, and when it lapses."""
    db.executescript(
        """
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            last_seen REAL NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE INDEX idx_sessions_user ON sessions(user_id);
        """
    )


@migrations()
def m006_reply_leases(db: Database) -> None:
    """Reply leases (store.leases): the process writing a conversation's reply, and until when, so two
    app processes on one file give one reply per message and a crashed one's lease lapses."""
    db.execute("CREATE TABLE reply_leases (conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) "
               "ON DELETE CASCADE, holder TEXT NOT NULL, taken_at REAL NOT NULL, expires_at REAL NOT NULL)")


def _skill_scores(report_json: str | None) -> dict[str, int]:
    """{skill: score} from a stored report; skills missing from it are left out."""
    from store.models import SKILLS

    try:
        data = json.loads(report_json or "{}")
    except (ValueError, TypeError, RecursionError):
        return {}
    # A report saved by hand or by an old bug may be valid JSON that is not an object: skip it.
    dims = data.get("dimensions") if isinstance(data, dict) else None
    if not isinstance(dims, dict):
        return {}
    out: dict[str, int] = {}
    for skill in SKILLS:
        d = dims.get(skill)
        score = d.get("score") if isinstance(d, dict) else d
        if isinstance(score, (int, float)) and not isinstance(score, bool) and score == score and abs(score) < 1e9:
            out[skill] = int(round(score))
    return out


@migrations()
def m007_turn_comments(db: Database) -> None:
    """Trainers' and managers' comments on one turn of a conversation (store.comments).

    A comment goes with its conversation; if its author's account is deleted it stays, unsigned."""
    db.executescript(
        """
        CREATE TABLE turn_comments (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            turn INTEGER NOT NULL,
            text TEXT NOT NULL,
            by_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX idx_turn_comments_conversation ON turn_comments(conversation_id, turn);
        """
    )


@migrations()
def m008_voice_channel(db: Database) -> None:
    """Voice practice: how an assignment must be done (any, voice, text), how each conversation is done
    (text, voice), and per spoken trainee turn what the report's voice section needs: the recording's
    length, the silence before the first word, the speaking time and the words recognised."""
    db.executescript(
        """
        ALTER TABLE assignments ADD COLUMN channel TEXT NOT NULL DEFAULT 'any'
            CHECK (channel IN ('any', 'voice', 'text'));
        ALTER TABLE conversations ADD COLUMN channel TEXT NOT NULL DEFAULT 'text'
            CHECK (channel IN ('text', 'voice'));
        ALTER TABLE turns ADD COLUMN audio_seconds REAL;
        ALTER TABLE turns ADD COLUMN silence_before REAL;
        ALTER TABLE turns ADD COLUMN speaking_seconds REAL;
        ALTER TABLE turns ADD COLUMN spoken_words INTEGER;
        """
    )


@migrations()
def m009_report_weights(db: Database) -> None:
    """The rubric weights each report was scored with, so a skill override moves the overall as the
    engine would have (store.access._effective_overall). Reports saved before this get their
    scenario's weights as they are now (the best record there is); a scenario that is gone, equal weights."""
    db.execute("ALTER TABLE reports ADD COLUMN weights TEXT")
    rows = list(db.query("SELECT r.conversation_id, c.scenario_id FROM reports r "
                         "JOIN conversations c ON c.id = r.conversation_id"))
    if not rows:
        return
    weights: dict[str, str | None] = {}
    for row in rows:
        sid = row["scenario_id"]
        if sid not in weights:
            weights[sid] = _scenario_weights(db, sid)
        if weights[sid] is not None:
            db.execute("UPDATE reports SET weights = ? WHERE conversation_id = ?", [weights[sid], row["conversation_id"]])


def _scenario_weights(db: Database, scenario_id: str) -> str | None:
    """A scenario's rubric weights as JSON (custom scenarios first, as the catalog does), or None."""
    from core.errors import TalkdownError

    try:
        from core.settings import get_settings
        from personas.scenario import load_dir_cached, parse_scenario

        custom = list(db.query("SELECT yaml FROM scenarios WHERE id = ?", [scenario_id]))
        if custom:
            scenario = parse_scenario(custom[0]["yaml"], source=f"custom scenario '{scenario_id}'")
        else:
            scenario = load_dir_cached(get_settings().scenarios_dir).scenarios.get(scenario_id)
    except (TalkdownError, ValueError, OSError):
        return None
    return json.dumps(scenario.rubric_weights) if scenario is not None else None


@migrations()
def m011_sso_links(db: Database) -> None:
    """Single sign-on (store.sso): which provider identity (issuer + subject) signs in which account,
    identities that tried to sign in before an admin linked them, and the sign-ins already used."""
    db.executescript(
        """
        CREATE TABLE sso_links (
            issuer TEXT NOT NULL,
            subject TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            provider TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            linked_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            linked_at TEXT NOT NULL,
            last_sign_in TEXT,
            PRIMARY KEY (issuer, subject)
        );
        CREATE INDEX idx_sso_links_user ON sso_links(user_id);
        CREATE TABLE sso_pending (
            issuer TEXT NOT NULL,
            subject TEXT NOT NULL,
            provider TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            email_verified INTEGER,
            name TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (issuer, subject)
        );
        CREATE TABLE sso_used (
            digest TEXT PRIMARY KEY,
            used_at REAL NOT NULL
        );
        """
    )
