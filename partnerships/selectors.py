from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Participant, Partnership, Program


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on ``OuterRef``)."""
    counted = queryset.order_by().values("program").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def home_for(user) -> dict:
    """What a person's home shows: their partnerships as mentor and as protégé,
    and the programs they run. Two queries, whatever the numbers."""
    partnerships = list(
        Partnership.objects.of(user)
        .with_people()
        .exclude(status=Partnership.Status.ENDED)
        .order_by("status", "-started_on", "pk")
    )
    programs = list(
        Program.objects.run_by(user).annotate(
            people=_count(
                Participant.objects.filter(program=OuterRef("pk")).exclude(
                    status=Participant.Status.WITHDRAWN
                )
            ),
            active_partnerships=_count(
                Partnership.objects.filter(program=OuterRef("pk"), status=Partnership.Status.ACTIVE)
            ),
        )
    )
    return {
        "as_mentor": [p for p in partnerships if p.mentor.user_id == user.pk],
        "as_protege": [p for p in partnerships if p.protege.user_id == user.pk],
        "programs_run": programs,
    }
