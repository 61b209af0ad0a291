"""Rating prompts: to the protégé when a rating point of their goals is due."""

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.models import Goal, RatingRound
from goals.selectors.ratings import agreed_rhythm, next_rating_point
from mentoring.time_zones import zone_of
from partnerships.models import Partnership

from ..models import Kind, Reminder
from ..timing import at_local
from .common import EPOCH, LATEST_OFFSET, Decision, Recipient, day_key, opted_out

# The shortest time between two ratings (programs.rhythms.Rhythm.interval: a
# week), less the widest gap between two zones' dates: a round more recent
# than this cannot be followed by a due check-in rating anywhere.
RATING_RECENT = datetime.timedelta(days=7) - datetime.timedelta(days=2)


def rating(now: datetime.datetime) -> Iterator[Decision]:
    """To the protégé of an active pair with active goals, once a rating point
    (goals.selectors.ratings.next_rating_point: baseline, check-in, end) has come on
    their calendar: one prompt per point, from 00:00 of its day (so 08:00 with
    quiet hours). SQL keeps only the pairs where a point can be due: no round
    yet, a round at least five days old, or the planned end reached; and drops
    those prompted since their last round (unless the end has come since) or
    prompted for the end. The exact point is then the goals app's own rule."""
    latest_today = (now + LATEST_OFFSET).date()
    last_round = (
        RatingRound.objects.filter(partnership=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    prompted = Reminder.objects.filter(kind=Kind.RATING, partnership=OuterRef("pk"))
    prompted_since_last_round = Exists(
        prompted.filter(created_at__gt=Coalesce(OuterRef("last_round_at"), Value(EPOCH)))
    )
    end_reached = Q(planned_end_on__lte=latest_today)
    partnerships = (
        Partnership.objects.filter(status=Partnership.Status.ACTIVE, started_on__isnull=False)
        .filter(Exists(Goal.objects.filter(partnership=OuterRef("pk"), status=Goal.Status.ACTIVE)))
        .exclude(Exists(RatingRound.objects.filter(partnership=OuterRef("pk"), point=RatingRound.Point.END)))
        .exclude(Exists(prompted.filter(object_key=RatingRound.Point.END)))
        .exclude(opted_out("protege__user", Kind.RATING))
        .with_agreed_rhythm()
        .annotate(last_round_at=Subquery(last_round))
        .filter(
            Q(last_round_at__isnull=True, started_on__lte=latest_today)
            | Q(last_round_at__lte=now - RATING_RECENT)
            | end_reached
        )
        .exclude(~end_reached & prompted_since_last_round)
        .select_related("program", "protege__user")
        .defer("next_call_at", "last_call_at")  # not needed, and may be out of range (``FAR``)
        .order_by()
    )
    for partnership in partnerships:
        user = partnership.protege.user
        person = Recipient(user.pk, user.time_zone)
        tz = zone_of(person)
        today = now.astimezone(tz).date()
        with timezone.override(tz):
            due = next_rating_point(
                partnership,
                rhythm=agreed_rhythm(partnership),
                last_round_at=partnership.last_round_at,
                has_end=False,
                active_goals=1,
                today=today,
            )
        if due is None or due.due_on > today:
            continue
        yield Decision(
            Kind.RATING,
            partnership.pk,
            due.point,
            day_key(due.due_on),
            person,
            at_local(due.due_on, datetime.time(0), tz),
        )
