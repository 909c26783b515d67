"""The data layer: one SQLite file (WAL) through sqlite-utils, migrated on open.

``Store`` handles bootstrap and login; ``Store.as_user(user)`` returns the ``UserScope`` every page
goes through, which checks role and ownership on each call. Pages never write SQL.
"""
from store.models import (OVERRIDE_DIMENSIONS, ROLES, SKILLS, Assignment, AssignmentStatus, ConversationSummary,
                          Group, Override, ReportRecord, TurnComment, User)
from store.conversations import EngineTurns, engine_turns, record_turn
from store.scope import UserScope
from store.store import Store, StoreError

__all__ = ["Store", "StoreError", "UserScope", "User", "Group", "Assignment", "AssignmentStatus",
           "ConversationSummary", "ReportRecord", "Override", "TurnComment", "ROLES", "SKILLS", "OVERRIDE_DIMENSIONS",
           "EngineTurns", "engine_turns", "record_turn"]
