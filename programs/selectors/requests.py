"""Reads for a protégé choosing a mentor (``programs:mentors``): who they may
ask, ranked with reasons, and their requests still pending. Each says how many
queries it runs; none grows with the number of mentors or requests."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from ..matching import Reason, Suggestion
from ..models import CURRENT_PAIR_STATUSES, PairStatus, Participant, Program
from ..models.requests import OPEN_REQUESTS_MAX, MentorRequest
from .matching import ranked_mentors


@dataclass
class MentorRow:
    """One mentor as the protégé's page shows them."""

    mentor: Participant
    suggestion: Suggestion  # score 0–100 and reasons, as on the matching board
    checks: list[Reason]  # the reasons as marks and words
    earlier: int  # partnerships they mentored before, in any program
    asked: MentorRequest | None  # the protégé's pending request to them
    request_form: Any = None  # the view's request form for them


def protege_for_requests(*, user, slug: str) -> Participant | None:
    """``user``'s active protégé membership of the program ``slug`` that takes
    requests, with the program and the topics they seek; None when there is
    none. One query, two with the topics."""
    return (
        Participant.objects.select_related("program", "user")
        .prefetch_related("topics_sought")
        .filter(
            program__slug=slug,
            user=user,
            role=Participant.Role.PROTEGE,
            status=Participant.Status.ACTIVE,
            program__matching_mode__in=["requests", "both"],
        )
        .first()
    )


def earlier_partnerships(mentors: list[Participant]) -> dict[int, int]:
    """How many partnerships each mentor's person has completed or ended as a
    mentor, in any program, by their user id. One query (none for no mentors)."""
    if not mentors:
        return {}
    rows = (
        Participant.objects.filter(user__in={m.user_id for m in mentors}, role=Participant.Role.MENTOR)
        .values("user")
        .annotate(
            n=Count("mentoring", filter=Q(mentoring__status__in=[PairStatus.COMPLETED, PairStatus.ENDED]))
        )
    )
    totals: dict[int, int] = {}
    for row in rows:
        totals[row["user"]] = totals.get(row["user"], 0) + row["n"]
    return totals


def mentors_page(*, program: Program, protege: Participant) -> dict:
    """What the protégé's "Find a mentor" page shows: ``mentors``, a
    ``MentorRow`` for each mentor with a free place, ranked for them
    (``ranked_mentors``), the reasons speaking to them as "you";
    ``pending``, the protégé's pending requests with their mentor;
    ``open_count`` and ``open_max``; ``has_mentor``, whether they have a
    current mentor (then they may ask nobody). Six queries at most, whatever
    the number of mentors."""
    has_mentor = protege.mentored_by.filter(status__in=CURRENT_PAIR_STATUSES).exists()
    pending = list(MentorRequest.objects.pending().filter(protege=protege).select_related("mentor__user"))
    ranked = [] if has_mentor else ranked_mentors(program=program, protege=protege, second_person=True)
    earlier = earlier_partnerships([mentor for mentor, _ in ranked])
    asked = {r.mentor_id: r for r in pending}
    mentors = [
        MentorRow(
            mentor=mentor,
            suggestion=suggestion,
            checks=[Reason.of(line) for line in suggestion.reasons],
            earlier=earlier.get(mentor.user_id, 0),
            asked=asked.get(mentor.pk),
        )
        for mentor, suggestion in ranked
    ]
    return {
        "mentors": mentors,
        "pending": pending,
        "open_count": len(pending),
        "open_max": OPEN_REQUESTS_MAX,
        "has_mentor": has_mentor,
    }
