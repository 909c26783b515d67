"""The records the store hands out. Pages and services read these; they never see rows or SQL."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["admin", "trainer", "manager", "trainee"]
ROLES: tuple[str, ...] = ("admin", "trainer", "manager", "trainee")
Mode = Literal["practice", "assessment"]
MODES: tuple[str, ...] = ("practice", "assessment")
# How a conversation is held, and what an assignment requires ("any": the trainee chooses).
Channel = Literal["text", "voice"]
CHANNELS: tuple[str, ...] = ("text", "voice")
AssignmentChannel = Literal["any", "voice", "text"]
ASSIGNMENT_CHANNELS: tuple[str, ...] = ("any", "voice", "text")
ConversationStatus = Literal["active", "resolved", "walked_out", "turn_limit", "trainee_ended"]
END_STATUSES: tuple[str, ...] = ("resolved", "walked_out", "turn_limit", "trainee_ended")
AssignmentState = Literal["not_started", "in_progress", "passed", "failed", "overdue"]

# The five scored skills, in the order reports and dashboards show them.
SKILLS: tuple[str, ...] = ("active_listening", "paraphrasing", "empathy", "focus", "closure")
OVERRIDE_DIMENSIONS: tuple[str, ...] = ("overall", *SKILLS)


class User(BaseModel):
    id: int
    username: str
    role: Role
    display_name: str
    active: bool = True


class Group(BaseModel):
    id: int
    name: str


class Assignment(BaseModel):
    id: int
    scenario_id: str
    title: str | None = None
    due: date | None = None
    pass_mark: int = 70
    mode: Mode = "practice"
    created_by: int
    created_at: datetime
    user_ids: list[int] = Field(default_factory=list)
    group_id: int | None = None
    channel: AssignmentChannel = "any"


class ConversationSummary(BaseModel):
    id: int
    user_id: int
    username: str
    display_name: str
    scenario_id: str
    assignment_id: int | None = None
    mode: Mode = "practice"
    status: ConversationStatus = "active"
    parent_id: int | None = None
    branch_turn: int | None = None
    backend: str = ""
    started_at: datetime
    ended_at: datetime | None = None
    overall: int | None = None  # effective: with trainers' overrides (store.access._effective_overall)
    auto_overall: int | None = None  # the scoring engine's, as scored
    turn_count: int = 0
    channel: Channel = "text"


class AssignmentStatus(BaseModel):
    assignment: Assignment
    user_id: int
    status: AssignmentState
    best_score: int | None = None
    attempts: int = 0
    # When the attempt that settled it (passed, or an assessment's one attempt) finished, and whether
    # that was after the due date.
    completed_at: datetime | None = None
    late: bool = False


class Override(BaseModel):
    id: int
    conversation_id: int
    dimension: str  # "overall" or one of SKILLS
    score: int
    comment: str
    by_user_id: int
    by_username: str
    at: datetime


class TurnComment(BaseModel):
    id: int
    conversation_id: int
    turn: int  # the 1-based turn number the report shows
    text: str
    by_user_id: int | None = None  # None once the author's account is deleted
    by_name: str  # the author's display name, or "a former user"
    at: datetime


class ReportRecord(BaseModel):
    conversation_id: int
    report: dict
    overall: int  # automated, kept as scored
    dimensions: dict[str, int]  # automated
    overrides: list[Override] = Field(default_factory=list)  # newest first
    effective_overall: int  # what counts: see store.access._effective_overall
    effective_dimensions: dict[str, int]
    weights: dict[str, float] = Field(default_factory=dict)  # the rubric weights the engine used
