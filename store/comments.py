"""UserScope part: comments on one turn of a conversation.

Who may do what:
- comment: a trainer, manager or admin who may see the conversation (store.access), never on their own;
- read: whoever may see the conversation — the trainee on their own conversations only, staff on their
  trainees' (and their own), admins on all; anyone else gets the same answer as for a missing conversation;
- delete: the comment's author, or an admin.
"""
from __future__ import annotations

from core.errors import AccessDenied, InputError
from store.access import MAX_COMMENT, ScopeBase, _fresh
from store.common import iso
from store.models import TurnComment

COMMENTERS = ("trainer", "manager", "admin")
FORMER_USER = "a former user"
NO_COMMENT = "No such comment, or you do not have access to it."


def _comment(row: dict) -> TurnComment:
    return TurnComment(id=row["id"], conversation_id=row["conversation_id"], turn=row["turn"], text=row["text"],
                       by_user_id=row["by_user_id"], by_name=row["by_name"] or FORMER_USER, at=row["at"])


_SELECT = ("SELECT k.*, u.display_name AS by_name FROM turn_comments k LEFT JOIN users u ON u.id = k.by_user_id ")


class CommentsMixin(ScopeBase):
    @_fresh
    def add_turn_comment(self, conversation_id: int, turn: int, text: str) -> TurnComment:
        """A comment on turn number `turn` (1-based, as the report numbers turns)."""
        self._require(COMMENTERS, "Only trainers, managers and admins can comment on a conversation.")
        row = self._conversation_row(conversation_id)
        if row["user_id"] == self._user.id:
            raise AccessDenied("You cannot comment on your own conversation.")
        text = (text if isinstance(text, str) else "").replace("\x00", "").strip()
        if not text:
            raise InputError("The comment is empty.", "Write what the trainee should know about this turn.")
        if len(text) > MAX_COMMENT:
            raise InputError(f"The comment is {len(text):,} characters; the limit is {MAX_COMMENT:,}.")
        if isinstance(turn, bool) or not isinstance(turn, int):
            raise InputError("Choose the turn to comment on.")
        with self._store._write() as db:
            if not db.execute("SELECT 1 FROM turns WHERE conversation_id = ? AND idx = ?",
                              [conversation_id, turn]).fetchone():
                raise InputError(f"This conversation has no turn {turn}.")
            cid = db.execute("INSERT INTO turn_comments (conversation_id, turn, text, by_user_id, at) "
                             "VALUES (?, ?, ?, ?, ?)",
                             [conversation_id, turn, text, self._user.id, iso(self._store.now())]).lastrowid
        return _comment(self._store.one(_SELECT + "WHERE k.id = ?", [cid]))

    @_fresh
    def turn_comments(self, conversation_id: int) -> list[TurnComment]:
        """Every comment on a visible conversation, in turn order, oldest first within a turn."""
        self._conversation_row(conversation_id)
        rows = self._store.query(_SELECT + "WHERE k.conversation_id = ? ORDER BY k.turn, k.id", [conversation_id])
        return [_comment(r) for r in rows]

    @_fresh
    def delete_turn_comment(self, comment_id: int) -> None:
        """The author, or an admin, takes a comment back."""
        row = self._store.one("SELECT * FROM turn_comments WHERE id = ?", [comment_id])
        if row is None:
            raise AccessDenied(NO_COMMENT)
        try:
            self._conversation_row(row["conversation_id"])
        except AccessDenied:
            raise AccessDenied(NO_COMMENT) from None
        if not (self._role == "admin" or row["by_user_id"] == self._user.id):
            raise AccessDenied("Only the comment's author, or an admin, can delete it.")
        with self._store._write() as db:
            db.execute("DELETE FROM turn_comments WHERE id = ?", [comment_id])

    @_fresh
    def comment_counts(self) -> dict[int, int]:
        """{conversation id: number of comments} over the conversations this user may see."""
        clause, params = self._owner_clause("c.user_id")
        rows = self._store.query("SELECT k.conversation_id AS id, COUNT(*) AS n FROM turn_comments k "
                                 f"JOIN conversations c ON c.id = k.conversation_id WHERE {clause} "
                                 "GROUP BY k.conversation_id", params)
        return {r["id"]: r["n"] for r in rows}
