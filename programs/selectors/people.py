"""Reads for a program's people: who is in it, the head counts, a person's
programs, and the people page. Each says how many queries it runs; none grows
with the size of the program."""

import functools
import operator
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypedDict, cast, overload

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import Invitation, Participant, Program, Topic
from .invitations import InvitationWithState, invitations_page
from .matching import waiting_proteges

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import WithAnnotations

PARTICIPANTS_PER_PAGE = 50


class ProgramFigures(TypedDict):
    """Head counts of a program (``program_figures``)."""

    mentors: int
    proteges: int
    waiting: int
    invited: int


class TopicNames(TypedDict):
    """What ``with_topic_names`` adds to each participant: the names of the topics
    they offer (a mentor) or seek (a protégé), in order, as one line ("A, B");
    "" when they chose none."""

    topics: str


#: A participant of ``with_topic_names``, with their ``topics``.
type ParticipantWithTopics = WithAnnotations[Participant, TopicNames]


class PeoplePage(TypedDict):
    """What the people page lists (``people_page``)."""

    participants: Page[ParticipantWithTopics]
    invitations: Page[InvitationWithState]


def program_figures(program: Program) -> ProgramFigures:
    """Head counts of a program: ``mentors`` and ``proteges`` who joined, the
    protégés ``waiting`` for a mentor (``waiting_proteges``), and the open
    invitations (``invited``). Two queries."""
    joined = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE).aggregate(
        mentors=Count("pk", filter=Q(role=Participant.Role.MENTOR)),
        proteges=Count("pk", filter=Q(role=Participant.Role.PROTEGE)),
        waiting=Count("pk", filter=Q(pk__in=waiting_proteges(program).order_by().values("pk"))),
    )
    return ProgramFigures(
        mentors=joined["mentors"],
        proteges=joined["proteges"],
        waiting=joined["waiting"],
        invited=Invitation.objects.filter(program=program)
        .open()
        .filter(expires_at__gt=timezone.now())
        .count(),
    )


def participations_of(user) -> list[Participant]:
    """The programs a person is in (not withdrawn from), with what their profile
    forms need. Three queries, plus one per program for its topic list."""
    return list(
        Participant.objects.filter(user=user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("program")
        .prefetch_related("topics_offered", "topics_sought")
        .order_by("program__name")
    )


# The people page's order: active and invited first, withdrawn last; by role, then name.
PEOPLE_ORDER = ["status", "role", "user__display_name", "user__email", "pk"]


def with_topic_names(participants: Iterable[Participant]) -> list[ParticipantWithTopics]:
    """``participants``, each with the topics they offer (a mentor) or seek (a
    protégé) as ``TopicNames``: one query for them all, instead of a prefetch
    that builds a query set per person."""
    shown = cast("list[ParticipantWithTopics]", list(participants))
    mentor = Participant.Role.MENTOR
    offered = Topic.objects.filter(offered_by__in=[p.pk for p in shown if p.role == mentor])
    sought = Topic.objects.filter(sought_by__in=[p.pk for p in shown if p.role != mentor])
    names: dict[int, list[str]] = {}
    if shown:
        chosen = (
            offered.order_by()
            .values_list("offered_by", "name")
            .union(sought.order_by().values_list("sought_by", "name"), all=True)
        )
        for participant_id, name in chosen.order_by("name"):
            names.setdefault(participant_id, []).append(name)
    for participant in shown:
        participant.topics = ", ".join(names.get(participant.pk, []))
    return shown


def participants_of(program: Program) -> QuerySet[Participant]:
    """Everyone in ``program`` with their account, in the people page's order
    (``PEOPLE_ORDER``)."""
    return Participant.objects.filter(program=program).select_related("user").order_by(*PEOPLE_ORDER)


class _ParticipantsInOrder(Sequence[ParticipantWithTopics]):
    """The participants of a program in the people page's order, for a
    ``Paginator``: counted by status and role (one query), and a page read as
    the runs of each status and role that it spans, each walked in name order
    along an index of names (``user_display_name_idx``) instead of sorting
    everyone in the program by name (one query, and one for their topics)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.runs = list(
            Participant.objects.filter(program=program)
            .order_by("status", "role")
            .values_list("status", "role")
            .annotate(n=Count("pk"))
        )

    def __len__(self) -> int:
        return sum(n for _, _, n in self.runs)

    @overload
    def __getitem__(self, shown: int) -> ParticipantWithTopics: ...
    @overload
    def __getitem__(self, shown: slice) -> list[ParticipantWithTopics]: ...
    def __getitem__(self, shown: int | slice) -> ParticipantWithTopics | list[ParticipantWithTopics]:
        if isinstance(shown, int):
            return self[shown : shown + 1][0]
        start, stop = shown.start or 0, len(self) if shown.stop is None else shown.stop
        parts, before = [], 0
        for status, role, n in self.runs:
            first, last = max(start - before, 0), min(stop - before, n)
            if first < last:
                run = Participant.objects.filter(program=self.program, status=status, role=role)
                parts.append(Q(pk__in=run.order_by(*PEOPLE_ORDER[2:]).values("pk")[first:last]))
            before += n
        if not parts:
            return []
        return with_topic_names(
            list(participants_of(self.program).filter(functools.reduce(operator.or_, parts)))
        )


def people_page(
    *, program: Program, page: int | str | None, invitations_page_number: int | str | None
) -> PeoplePage:
    """A page of participants and a page of open invitations. Five queries (a
    count and a page of each, and the topics of the participants shown)."""
    return PeoplePage(
        participants=Paginator(_ParticipantsInOrder(program), PARTICIPANTS_PER_PAGE).get_page(page),
        invitations=invitations_page(program=program, page=invitations_page_number),
    )


def participant_for_admin(program: Program, participant_id: int) -> Participant:
    """One person of ``program`` with their topics; 404 if not in it. Three queries."""
    return get_object_or_404(
        Participant.objects.select_related("user").prefetch_related("topics_offered", "topics_sought"),
        program=program,
        pk=participant_id,
    )
