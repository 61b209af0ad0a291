"""Reads for programs, matching and partnerships. Each says how many queries it
runs; none grows with the size of the program."""

import datetime
import functools

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import matching
from .models import DraftMatch, Invitation, Participant, Partnership, Program

CURRENT = [Partnership.Status.PROPOSED, Partnership.Status.ACTIVE]
PAGE_SIZE = 25


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on ``OuterRef``)."""
    counted = queryset.order_by().values("program").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_run_by(user) -> list[Program]:
    """The programs ``user`` runs, with people and active partnerships counted. One query."""
    return list(
        Program.objects.run_by(user).annotate(
            people=_count(
                Participant.objects.filter(program=OuterRef("pk")).exclude(
                    status=Participant.Status.WITHDRAWN
                )
            ),
            active_partnerships=_count(
                Partnership.objects.filter(program=OuterRef("pk"), status=Partnership.Status.ACTIVE)
            ),
            waiting=_count(waiting_proteges(OuterRef("pk"))),
        )
    )


def home_for(user) -> dict:
    """What a person's home shows: their partnerships as mentor and as protégé,
    and the programs they run. Two queries, whatever the numbers."""
    partnerships = list(
        Partnership.objects.of(user)
        .with_people()
        .exclude(status=Partnership.Status.ENDED)
        .order_by("status", "-started_on", "pk")
    )
    return {
        "as_mentor": [p for p in partnerships if p.mentor.user_id == user.pk],
        "as_protege": [p for p in partnerships if p.protege.user_id == user.pk],
        "programs_run": programs_run_by(user),
    }


def waiting_proteges(program) -> QuerySet[Participant]:
    """Protégés who joined ``program`` (a Program, an id or OuterRef) and have no current mentor."""
    return (
        Participant.objects.filter(
            program=program, role=Participant.Role.PROTEGE, status=Participant.Status.ACTIVE
        )
        .exclude(mentored_by__status__in=CURRENT)
        .order_by("created_at", "pk")
    )


def mentors_with_places(program: Program) -> QuerySet[Participant]:
    """Mentors who joined and have a free place."""
    return Participant.objects.filter(
        program=program,
        role=Participant.Role.MENTOR,
        status=Participant.Status.ACTIVE,
        load__lt=F("capacity"),
    ).order_by("user__display_name", "pk")


def program_figures(program: Program) -> dict:
    """Head counts for a program's pages. One query."""
    return Program.objects.filter(pk=program.pk).aggregate(
        mentors=Count("participants", filter=Q(participants__role="mentor", participants__status="active")),
        proteges=Count("participants", filter=Q(participants__role="protege", participants__status="active")),
    ) | {
        "invited": Invitation.objects.filter(program=program)
        .open()
        .filter(expires_at__gt=timezone.now())
        .count(),
        "waiting": waiting_proteges(program).count(),
        "current_pairs": Partnership.objects.filter(program=program, status__in=CURRENT).count(),
    }


@functools.lru_cache(maxsize=1024)
def _offset_today(time_zone: str, day: datetime.date) -> float:
    return matching.utc_offset_hours(
        time_zone, datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    )


def _offset(participant: Participant) -> float:
    return _offset_today(participant.user.time_zone, datetime.date.today())


def mentor_profile(participant: Participant) -> matching.MentorProfile:
    topics = participant.topics_offered.all()
    return matching.MentorProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in topics),
        topic_names={t.pk: t.name for t in topics},
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
        capacity=participant.capacity,
        load=participant.load,
    )


def protege_profile(participant: Participant) -> matching.ProtegeProfile:
    return matching.ProtegeProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in participant.topics_sought.all()),
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
    )


def weights_of(program: Program) -> matching.Weights:
    return matching.Weights.from_dict(program.match_weights or {})


def matching_profiles(*, program: Program) -> tuple[list, list]:
    """Profiles of every waiting protégé and every mentor with a free place. Four queries."""
    proteges = waiting_proteges(program).select_related("user").prefetch_related("topics_sought")
    mentors = mentors_with_places(program).select_related("user").prefetch_related("topics_offered")
    return [protege_profile(p) for p in proteges], [mentor_profile(m) for m in mentors]


def score_pair(*, program: Program, mentor: Participant, protege: Participant) -> matching.Suggestion:
    return matching.score(mentor_profile(mentor), protege_profile(protege), weights_of(program))


SUGGESTIONS_SHOWN = 10


def board_for(
    *, program: Program, protege_id: int | None, waiting_page: int, pairs_page: int, drafts_page: int
) -> dict:
    """Everything the matching board shows: a page each of waiting protégés,
    the draft proposal and current pairs; how many places mentors have free;
    and, for the chosen protégé, the best mentors with a free place, with reasons.

    Eight queries; with a protégé chosen, two more to rank the mentors (and two
    to load the protégé when they are not on the page shown). Only the chosen
    protégé's ranking reads every available mentor."""
    in_proposal = Exists(DraftMatch.objects.filter(protege=OuterRef("pk")))
    waiting_people = (
        waiting_proteges(program)
        .select_related("user")
        .prefetch_related("topics_sought")
        .annotate(in_proposal=in_proposal)
    )
    waiting: Page = Paginator(waiting_people, PAGE_SIZE).get_page(waiting_page)
    drafts: Page = Paginator(
        DraftMatch.objects.filter(program=program)
        .select_related("protege__user", "mentor__user")
        .order_by("-score", "pk"),
        PAGE_SIZE,
    ).get_page(drafts_page)
    pairs: Page = Paginator(
        Partnership.objects.filter(program=program, status__in=CURRENT)
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(pairs_page)
    places = mentors_with_places(program).aggregate(mentors=Count("pk"), free=Sum(F("capacity") - F("load")))

    chosen, suggestions, available = None, [], 0
    if protege_id is not None:
        chosen = next((p for p in waiting.object_list if p.pk == protege_id), None)
        if chosen is None:
            chosen = waiting_people.filter(pk=protege_id).first()
        if chosen is not None:
            mentors = {
                m.pk: m
                for m in mentors_with_places(program)
                .select_related("user")
                .prefetch_related("topics_offered")
            }
            ranked = matching.rank(
                protege_profile(chosen), [mentor_profile(m) for m in mentors.values()], weights_of(program)
            )
            available = len(ranked)
            suggestions = [(mentors[s.mentor_id], s) for s in ranked[:SUGGESTIONS_SHOWN]]

    return {
        "waiting": waiting,
        "drafts": drafts,
        "pairs": pairs,
        "mentors_with_places": places["mentors"],
        "free_places": places["free"] or 0,
        "chosen": chosen,
        "suggestions": suggestions,
        "available_mentors": available,
        "weights": weights_of(program),
    }


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


# --- The people page and a participant as the admin sees them ---

PARTICIPANTS_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50


def participants_of(program: Program) -> QuerySet[Participant]:
    """Everyone in ``program`` with their account and topics: active and invited
    first, withdrawn last; by role, then name."""
    return (
        Participant.objects.filter(program=program)
        .select_related("user")
        .prefetch_related("topics_offered", "topics_sought")
        .order_by("status", "role", "user__display_name", "user__email", "pk")
    )


def open_invitations_of(program: Program) -> QuerySet[Invitation]:
    """Invitations not yet accepted or revoked (waiting or expired), newest first, with who sent them."""
    return (
        Invitation.objects.filter(program=program)
        .open()
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitations_page(*, program: Program, page: int | str | None) -> Page:
    """A page of open invitations, each with its ``state`` now. Two queries."""
    invitations: Page = Paginator(open_invitations_of(program), INVITATIONS_PER_PAGE).get_page(page)
    now = timezone.now()
    invitations.object_list = list(invitations.object_list)
    for invitation in invitations.object_list:
        invitation.state = invitation.state_at(now)
    return invitations


def people_page(
    *, program: Program, page: int | str | None, invitations_page_number: int | str | None
) -> dict:
    """A page of participants and a page of open invitations. Six queries
    (a count and a page of each, and the topics of the participants shown)."""
    return {
        "participants": Paginator(participants_of(program), PARTICIPANTS_PER_PAGE).get_page(page),
        "invitations": invitations_page(program=program, page=invitations_page_number),
    }


def participant_for_admin(program: Program, participant_id: int) -> Participant:
    """One person of ``program`` with their topics; 404 if not in it. Three queries."""
    return get_object_or_404(
        Participant.objects.select_related("user").prefetch_related("topics_offered", "topics_sought"),
        program=program,
        pk=participant_id,
    )


def partnerships_of(participant: Participant) -> list[Partnership]:
    """Who this person is paired with in their program (never what a pair writes). One query."""
    return list(
        Partnership.objects.filter(Q(mentor=participant) | Q(protege=participant))
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk")
    )
