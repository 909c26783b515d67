"""UserScope: the signed-in user's view of the store. Every access rule lives in its parts.

One face, several modules by record kind:
- store.access: who the user is and which records they may see (the base of the others);
- store.users: accounts and groups;
- store.scenarios: scenarios authored in the app;
- store.assignments: assignments and their status;
- store.conversations: conversations and turns (and the engine's own write path, ``EngineTurns``);
- store.reports: reports, score overrides and the dashboard's rows;
- store.comments: trainers' and managers' comments on one turn of a conversation.
- store.leases: which process is writing a conversation's reply (one reply per message across processes).
"""
from __future__ import annotations

from store.access import (MAX_COMMENT, MAX_META_CHARS, NO_ASSIGNMENT, NO_CONVERSATION, NO_GROUP, NO_USER,  # noqa: F401
                          STAFF)
from store.assignments import AssignmentsMixin
from store.comments import CommentsMixin
from store.conversations import ConversationsMixin
from store.leases import LeasesMixin
from store.reports import ReportsMixin
from store.scenarios import ScenariosMixin
from store.users import UsersMixin


class UserScope(UsersMixin, ScenariosMixin, AssignmentsMixin, ConversationsMixin, ReportsMixin,
                CommentsMixin, LeasesMixin):
    """Everything a signed-in user may do, checked against their current role and status on each call."""


__all__ = ["UserScope"]
