"""What a person's home says of requests for a mentor: where they, a protégé
still without a mentor, may find one, and how many requests wait for their
answer as a mentor. ``home.scopes`` keeps the home's scope in step with it."""

from typing import TypedDict

from django.db.models import Count, Exists, OuterRef, Q

from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program
from programs.models.requests import RequestStatus


class RequestsOnHome(TypedDict):
    find_a_mentor: list[Program]  # programs taking requests where they wait for a mentor
    requests_waiting: int  # open requests waiting for their answer as a mentor


def requests_on_home(user) -> RequestsOnHome:
    """See the module's docstring. One query, whatever the numbers."""
    memberships = (
        Participant.objects.filter(user=user, status=Participant.Status.ACTIVE)
        .select_related("program")
        .annotate(
            waiting_for_me=Count(
                "requests_received", filter=Q(requests_received__status=RequestStatus.OPEN), distinct=True
            ),
            has_mentor=Exists(
                Partnership.objects.filter(protege=OuterRef("pk"), status__in=CURRENT_PAIR_STATUSES)
            ),
        )
        .order_by("program__name", "pk")
    )
    find, waiting = [], 0
    for membership in memberships:
        if membership.role == Participant.Role.MENTOR:
            waiting += membership.waiting_for_me
        elif membership.program.takes_requests and not membership.has_mentor:
            find.append(membership.program)
    return {"find_a_mentor": find, "requests_waiting": waiting}
