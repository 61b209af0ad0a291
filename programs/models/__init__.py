"""The programs app's models: programs and their people (``programs``), profile
questions (``questions``) and protégés' requests for a mentor (``requests``)."""

from .programs import (
    CURRENT_PAIR_STATUSES,
    Cadence,
    DraftMatch,
    Invitation,
    InvitationQuerySet,
    InvitationRole,
    MatchingMode,
    Method,
    PairStatus,
    Participant,
    Program,
    ProgramQuerySet,
    Topic,
)
from .questions import (
    CHOICE_KINDS,
    Answer,
    Audience,
    Choice,
    MatchRule,
    Question,
    QuestionKind,
)
from .requests import OPEN_REQUESTS_MAX, PENDING_REQUEST_STATUSES, MentorRequest, RequestStatus

__all__ = [
    "CHOICE_KINDS",
    "CURRENT_PAIR_STATUSES",
    "OPEN_REQUESTS_MAX",
    "PENDING_REQUEST_STATUSES",
    "Answer",
    "Audience",
    "Cadence",
    "Choice",
    "DraftMatch",
    "Invitation",
    "InvitationQuerySet",
    "InvitationRole",
    "MatchRule",
    "MatchingMode",
    "MentorRequest",
    "Method",
    "PairStatus",
    "Participant",
    "Program",
    "ProgramQuerySet",
    "Question",
    "QuestionKind",
    "RequestStatus",
    "Topic",
]
