"""Reads for a protégé choosing a mentor (``programs:mentors``): who they may
ask, ranked with reasons, and their requests still pending. Each says how many
queries it runs; none grows with the number of mentors or requests."""

from django.db.models import Count, Q

from ..matching import Reason
from ..models import CURRENT_PAIR_STATUSES, PairStatus, Participant, Program
from ..models.requests import OPEN_REQUESTS_MAX, MentorRequest
from .matching import ranked_mentors


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
    """What the protégé's "Find a mentor" page shows: ``mentors``, each mentor
    with a free place ranked for them (``ranked_mentors``) and given
    ``suggestion``, ``checks`` (``Reason``), ``earlier`` (partnerships they
    mentored before) and ``asked`` (a pending request of the protégé to them);
    ``pending``, the protégé's pending requests with their mentor;
    ``open_count`` and ``open_max``; ``has_mentor``, whether they have a
    current mentor (then they may ask nobody). Six queries at most, whatever
    the number of mentors."""
    has_mentor = protege.mentored_by.filter(status__in=CURRENT_PAIR_STATUSES).exists()
    pending = list(MentorRequest.objects.pending().filter(protege=protege).select_related("mentor__user"))
    ranked = [] if has_mentor else ranked_mentors(program=program, protege=protege)
    mentors = [mentor for mentor, _ in ranked]
    earlier = earlier_partnerships(mentors)
    asked = {r.mentor_id: r for r in pending}
    for mentor, suggestion in ranked:
        mentor.suggestion = suggestion
        mentor.checks = [Reason.of(line) for line in suggestion.reasons]
        mentor.earlier = earlier.get(mentor.user_id, 0)
        mentor.asked = asked.get(mentor.pk)
    return {
        "mentors": mentors,
        "pending": pending,
        "open_count": len(pending),
        "open_max": OPEN_REQUESTS_MAX,
        "has_mentor": has_mentor,
    }
