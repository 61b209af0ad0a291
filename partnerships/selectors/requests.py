"""Reads for requests for a mentor: a person's own (``/me/requests/``), a
program's (``/programs/<slug>/requests/``) and the matching board's summary.
Each says how many queries it runs; none grows with the number of requests.

Waiting too long (the board and the program's requests page): a protégé who
joined more than ``UNMATCHED_TOO_LONG`` (14 days) ago and has no mentor yet,
or whose open request has used more than half its life without an answer
(``request_overdue``). Two weeks is the most a new protégé should wait before
someone on the team looks (DESIGN.md, "Programs run by their admins")."""

import datetime

from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from programs.models import Participant, Program
from programs.models.requests import MentorRequest, RequestStatus
from programs.selectors.matching import waiting_proteges
from programs.selectors.requests import proteges_for_mentor

UNMATCHED_TOO_LONG = datetime.timedelta(days=14)
HISTORY_SHOWN = 50  # closed requests listed below the open ones, newest first
LIST_SHOWN = 100  # rows per list of a program's requests


def _with_people(requests: QuerySet[MentorRequest]) -> QuerySet[MentorRequest]:
    return requests.select_related("program", "protege__user", "mentor__user")


def _halfway() -> ExpressionWrapper:
    """The moment half a request's life is gone: its answer is overdue from then."""
    half = ExpressionWrapper((F("expires_at") - F("created_at")) / 2, output_field=DurationField())
    return ExpressionWrapper(F("created_at") + half, output_field=DateTimeField())


def _annotate_halfway(requests: QuerySet[MentorRequest]) -> QuerySet[MentorRequest]:
    """Each request with ``halfway`` (``_halfway``)."""
    return requests.annotate(halfway=_halfway())


def overdue_requests(program: Program | int, now: datetime.datetime) -> QuerySet[MentorRequest]:
    """The program's open requests more than half way to expiring."""
    return MentorRequest.objects.filter(program=program, status=RequestStatus.OPEN).filter(
        LessThanOrEqual(_halfway(), Value(now))
    )


def waiting_too_long(program: Program, now: datetime.datetime) -> QuerySet[Participant]:
    """Protégés of the program without a mentor who joined more than 14 days ago,
    or whose open request is overdue (see the module's docstring), longest
    waiting first."""
    overdue = overdue_requests(program, now).filter(protege=OuterRef("pk"))
    return (
        waiting_proteges(program)
        .filter(Q(created_at__lte=now - UNMATCHED_TOO_LONG) | Exists(overdue))
        .select_related("user")
    )


def my_requests(user) -> dict:
    """``user``'s requests in every program: ``sent`` (as a protégé, still
    pending), ``received`` (as a mentor, open, waiting for their answer),
    ``accepted`` (as a mentor, waiting for the program team) and ``history``
    (the last ``HISTORY_SHOWN`` closed, either side); each received request
    with ``about``, the protégé as the mentor reads them to decide
    (``proteges_for_mentor``: what they seek, their answers, the fit);
    ``is_mentor`` and ``is_protege``, whether ``user`` is one in any program
    (a section for a role they have nowhere is left out). Five queries, and
    ``proteges_for_mentor``'s when requests wait for their answer."""
    mine = Q(protege__user=user) | Q(mentor__user=user)
    pending = [RequestStatus.OPEN, RequestStatus.ACCEPTED]
    roles = set(Participant.objects.filter(user=user).values_list("role", flat=True).distinct())
    received = list(
        _with_people(MentorRequest.objects.filter(mentor__user=user, status=RequestStatus.OPEN)).order_by(
            "created_at", "pk"
        )
    )
    about = proteges_for_mentor(received)
    for asked in received:
        asked.about = about[asked.pk]  # type: ignore[attr-defined]  # shown beside the request
    return {
        "is_mentor": Participant.Role.MENTOR in roles,
        "is_protege": Participant.Role.PROTEGE in roles,
        "sent": list(_with_people(MentorRequest.objects.filter(protege__user=user, status__in=pending))),
        "received": received,
        "accepted": list(
            _with_people(MentorRequest.objects.filter(mentor__user=user, status=RequestStatus.ACCEPTED))
        ),
        "history": list(
            _with_people(MentorRequest.objects.filter(mine).exclude(status__in=pending))[:HISTORY_SHOWN]
        ),
    }


def program_requests(program: Program, *, now: datetime.datetime | None = None) -> dict:
    """A program's requests for its admins: ``approval`` (accepted, waiting for
    an admin), ``open`` (waiting for the mentor, each with ``halfway``: when it
    became overdue), ``waiting_too_long`` (protégés, see the module's
    docstring), each up to ``LIST_SHOWN``, and ``now``. Three queries."""
    now = now or timezone.now()
    return {
        "approval": list(
            _with_people(
                MentorRequest.objects.filter(program=program, status=RequestStatus.ACCEPTED)
            ).order_by("answered_at", "pk")[:LIST_SHOWN]
        ),
        "open": list(
            _annotate_halfway(
                _with_people(MentorRequest.objects.filter(program=program, status=RequestStatus.OPEN))
            ).order_by("created_at", "pk")[:LIST_SHOWN]
        ),
        "waiting_too_long": list(waiting_too_long(program, now)[:LIST_SHOWN]),
        "now": now,
    }


def board_requests(program: Program, *, now: datetime.datetime | None = None) -> dict:
    """What the matching board says of requests: ``open_requests`` (open or
    waiting for approval) and ``waiting_too_long`` (protégés). Two queries."""
    now = now or timezone.now()
    return {
        "open_requests": MentorRequest.objects.filter(
            program=program, status__in=[RequestStatus.OPEN, RequestStatus.ACCEPTED]
        ).count(),
        "waiting_too_long": waiting_too_long(program, now).count(),
    }
