import datetime
import logging
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.languages import supported
from mentoring.time_zones import zone_of

from .models import DayAway, User, WeeklyHours

logger = logging.getLogger(__name__)

# Upcoming days away a person may list at once: a year of single days off
# would be fewer; more is a runaway script, not a holiday plan.
DAYS_AWAY_MAX = 60


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, time_zone: str, language: str) -> User:
    """Saves how the person is shown, which time zone their times use and
    which language (a code of ``settings.LANGUAGES``) they read and are written to in."""
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    user.language = language
    user.full_clean()
    user.save(update_fields=["display_name", "time_zone", "language"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Sets the person's language (a code of ``settings.LANGUAGES``; anything
    else is ignored): pages, emails and reminders follow it. One query."""
    code = supported(language)
    if code is not None and code != user.language:
        user.language = code
        User.objects.filter(pk=user.pk).update(language=code)


@transaction.atomic
def availability_save(
    *,
    user: User,
    hours: Mapping[int, tuple[datetime.time, datetime.time]],
    now: datetime.datetime | None = None,
) -> None:
    """Replaces the person's weekly hours with ``hours`` (weekday, Monday=0, to
    local start and end; a weekday missing is not available) and stamps
    ``availability_set_at``, so the default weekdays 09:00–17:00 no longer
    apply. All or nothing: a weekday outside 0–6 or an end not after its start
    raises ValidationError and leaves the saved hours as they were."""
    rows = []
    for weekday, (starts_at, ends_at) in sorted(hours.items()):
        if not 0 <= weekday <= 6:
            raise ValidationError(_("A day of the week is Monday to Sunday."), code="weekday")
        if not starts_at < ends_at:
            raise ValidationError(_("Each day's hours end after they start."), code="order")
        rows.append(WeeklyHours(user=user, weekday=weekday, starts_at=starts_at, ends_at=ends_at))
    WeeklyHours.objects.filter(user=user).delete()
    WeeklyHours.objects.bulk_create(rows)
    user.availability_set_at = now or timezone.now()
    user.save(update_fields=["availability_set_at"])


def _availability_changed(user: User, now: datetime.datetime | None) -> None:
    """Pages that read the person's availability are kept until their user row
    changes: restamp ``availability_set_at`` if the weekly hours are set. While
    they are the default the stamp stays empty (it means "hours set")."""
    if user.availability_set_at is not None:
        user.availability_set_at = now or timezone.now()
        user.save(update_fields=["availability_set_at"])


@transaction.atomic
def day_away_add(
    *,
    user: User,
    first_day: datetime.date,
    last_day: datetime.date,
    note: str = "",
    now: datetime.datetime | None = None,
) -> DayAway:
    """Adds days away (both ends included) on the person's own calendar.
    Ranges may overlap: a day is away if any range covers it. Refuses a last
    day before the first, and more than ``DAYS_AWAY_MAX`` upcoming ranges."""
    today = timezone.localdate(now or timezone.now(), timezone=zone_of(user))
    # Locks the person's row, so two adds at once cannot pass the count together.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
    if DayAway.objects.filter(user=user, last_day__gte=today).count() >= DAYS_AWAY_MAX:
        raise ValidationError(
            ngettext(
                "You have %(count)s day away listed: remove one before adding another.",
                "You have %(count)s days away listed: remove one before adding another.",
                DAYS_AWAY_MAX,
            ),
            code="too_many",
            params={"count": DAYS_AWAY_MAX},
        )
    day_away = DayAway(user=user, first_day=first_day, last_day=last_day, note=note.strip())
    day_away.full_clean()
    day_away.save()
    _availability_changed(user, now)
    return day_away


@transaction.atomic
def day_away_remove(*, user: User, day_away_id: int, now: datetime.datetime | None = None) -> None:
    """Removes one of the person's own days away; someone else's id, or one
    already removed, raises DayAway.DoesNotExist."""
    deleted, _counts = DayAway.objects.filter(user=user, pk=day_away_id).delete()
    if not deleted:
        raise DayAway.DoesNotExist
    _availability_changed(user, now)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """Deactivates ``user``, a person who left the organisation. Idempotent.

    They lose access at once: the authentication backends refuse an inactive
    account, at sign-in and on each request of a session already open (which
    is then signed out). From now on no email goes to their address
    (``mentoring.mail`` drops inactive accounts' addresses; the reminders'
    scan and sending skip them), and each of their current partnerships is
    flagged, once, to its program's admins (``reminders.leavers``, told by
    the User's ``post_save``, as a change in Django's admin is too)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        logger.info("User %s deactivated by %s", locked.pk, by.pk if by else "the system")
    user.is_active = False
    return locked
