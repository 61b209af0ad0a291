"""Agreements waiting: the side a proposal waits for, after three days."""

import datetime
from collections.abc import Iterator

from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Value

from partnerships.models import Agreement
from programs.models import CURRENT_PAIR_STATUSES, Participant

from ..models import Kind, Reminder
from .common import Decision, Recipient

AGREEMENT_WAIT = datetime.timedelta(days=3)


def agreement_pending(now: datetime.datetime) -> Iterator[Decision]:
    """To the side a proposal waits for, once it has waited three days. One per proposal."""
    decided = Reminder.objects.filter(
        kind=Kind.AGREEMENT_PENDING,
        partnership=OuterRef("partnership"),
        due_at=ExpressionWrapper(
            OuterRef("created_at") + Value(AGREEMENT_WAIT), output_field=DateTimeField()
        ),
    )
    proposals = (
        # The partial unique index agreement_one_open_proposal holds status='proposed'.
        Agreement.objects.filter(
            status=Agreement.Status.PROPOSED,
            created_at__lte=now - AGREEMENT_WAIT,
            partnership__status__in=CURRENT_PAIR_STATUSES,
        )
        .exclude(Exists(decided))
        .select_related("partnership__mentor__user", "partnership__protege__user")
        .only(
            "pk",
            "created_at",
            "status",
            "mentor_accepted_at",
            "partnership__mentor__user__time_zone",
            "partnership__protege__user__time_zone",
        )
        .order_by()
    )
    for proposal in proposals:
        waiting = proposal.waiting_for_role
        side = (
            proposal.partnership.mentor
            if waiting == Participant.Role.MENTOR
            else proposal.partnership.protege
        )
        person = Recipient(side.user.pk, side.user.time_zone)
        due = proposal.created_at + AGREEMENT_WAIT
        yield Decision(
            Kind.AGREEMENT_PENDING, proposal.partnership_id, f"agreement-{proposal.pk}", due, person, due
        )
