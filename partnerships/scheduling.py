"""Writes for a pair's scheduling without back-and-forth: one side offers three
to five times for the next call (found from both people's hours inside the
window their rhythm allows, or typed), the other picks one in one click, in
the app or from a signed link in the email, or answers with times of their own.

A picked time becomes the pair's next call through the one mechanism a typed
time uses (``agreements.partnership_set_next_call``), so the invitations, the
feed, the reminders and health follow it. Only the mentor and the protégé of a
current partnership call these; each validates and saves in one transaction."""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.selectors import availability_of
from mentoring import mail
from mentoring.dates import day_shown
from mentoring.site import absolute_url
from mentoring.time_zones import zone_of
from partnerships import slots
from partnerships.agreements import partnership_set_next_call
from partnerships.models import OfferedTime, Partnership, TimeOffer
from partnerships.models.scheduling import OFFER_LINK_VALID, OFFER_TIMES_MAX, OFFER_TIMES_MIN
from partnerships.selectors.scheduling import in_force_of, window_of
from programs.models import CURRENT_PAIR_STATUSES

# A typed time is at least this far ahead (a found one at least ``slots.LEAD``),
# and no further than this: a pair that cannot meet within two months has no next call.
TYPED_LEAD = datetime.timedelta(hours=1)
TYPED_LATEST = datetime.timedelta(days=60)
NOTE_MAX = 300
# Signs the links in the email that pick a time: nothing else can use them.
PICK_SALT = "partnerships.scheduling.pick-link"


def _shown(moment: datetime.datetime, tz) -> str:
    return day_shown(moment.astimezone(tz), "D j M, H:i")


def _quiet_error(start: datetime.datetime, minutes: int, *, by, picker) -> str | None:
    """Why a typed call reaches into someone's quiet hours (21:00–08:00 on
    their own clock), naming whose, or None when it is clear of both."""
    tz = zone_of(by)
    if slots.in_quiet_hours(start, minutes, tz):
        return gettext(
            "%(time)s is in your quiet hours (21:00–08:00). Choose a time between 08:00 and 21:00."
        ) % {"time": _shown(start, tz)}
    other_tz = zone_of(picker)
    if slots.in_quiet_hours(start, minutes, other_tz):
        return gettext("%(time)s is %(their_time)s for %(name)s, in their quiet hours (21:00–08:00).") % {
            "time": _shown(start, tz),
            "their_time": day_shown(start.astimezone(other_tz), "H:i"),
            "name": picker.name,
        }
    return None


def _typed_times(
    times, *, by, picker, minutes: int, window, now: datetime.datetime
) -> list[datetime.datetime]:
    """The typed times, each checked: 1 to 5, at least an hour ahead, inside the
    window, within 60 days, clear of both people's quiet hours. Refused naming
    the window in the typer's zone. Seconds are dropped: a call starts on a minute."""
    tz = zone_of(by)
    starts = sorted(
        {t.replace(second=0, microsecond=0).astimezone(datetime.UTC) for t in times if t is not None}
    )
    if not starts:
        raise ValidationError({"times": gettext("Type at least one time.")})
    if len(starts) > OFFER_TIMES_MAX:
        raise ValidationError({"times": gettext("Offer at most %(n)d times.") % {"n": OFFER_TIMES_MAX}})
    # The window's start is later than the typed lead when it is the earliest
    # sensible day; counted from now, it is only the finder's lead.
    earliest = now + TYPED_LEAD
    if window.starts_at > now + slots.LEAD:
        earliest = max(earliest, window.starts_at)
    latest = min(window.ends_at, now + TYPED_LATEST)
    errors = []
    for start in starts:
        if start < now + TYPED_LEAD:
            errors.append(
                gettext("%(time)s is past or less than an hour away. Choose a later time.")
                % {"time": _shown(start, tz)}
            )
        elif start < earliest or start > latest:
            errors.append(
                gettext(
                    "%(time)s is outside the window your agreement allows for the next call: "
                    "from %(start)s to %(end)s, your time."
                )
                % {"time": _shown(start, tz), "start": _shown(earliest, tz), "end": _shown(latest, tz)}
            )
        elif quiet := _quiet_error(start, minutes, by=by, picker=picker):
            errors.append(quiet)
    if errors:
        raise ValidationError({"times": errors})
    return starts


def _close_open_offer(partnership: Partnership, role: str, now: datetime.datetime) -> None:
    """Closes the pair's open offer, if any, for the one about to be made:
    expired when past its time, withdrawn when the same side made it,
    otherwise answered with other times."""
    previous = TimeOffer.objects.select_for_update().filter(partnership=partnership).open().first()
    if previous is None:
        return
    if previous.expires_at <= now:
        previous.status = TimeOffer.Status.EXPIRED
    elif previous.offered_by_role == role:
        previous.status = TimeOffer.Status.WITHDRAWN
    else:
        previous.status = TimeOffer.Status.REPLACED
    previous.answered_at = now
    previous.save(update_fields=["status", "answered_at"])


@transaction.atomic
def time_offer_create(
    *, partnership: Partnership, by, times=None, note: str = "", now: datetime.datetime | None = None
) -> TimeOffer:
    """Offers the other side times for the pair's next call and emails them
    (after commit, once). ``times=None``: three to five found by the slot
    finder (``slots.find_times``) with ``by`` as the asker; otherwise the 1 to
    5 aware datetimes ``by`` typed. Either side of a current partnership may.
    The pair's open offer, if any, is closed first (one open offer per pair).
    The offer expires at its last time's start, or ``OFFER_LINK_VALID`` after
    it is made if that is sooner. Refused (``ValidationError``) when no time
    fits, or a typed time is past, too soon, or outside the window."""
    now = now or timezone.now()
    role = partnership.side_of(by)
    locked = Partnership.objects.select_for_update().select_related("program").get(pk=partnership.pk)
    if locked.status not in CURRENT_PAIR_STATUSES:
        raise ValidationError(gettext("This partnership has ended; its calls can no longer be scheduled."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": gettext("Keep the note to %(n)d characters.") % {"n": NOTE_MAX}})
    picker = partnership.other_side(by).user
    pair_window = window_of(locked, in_force=in_force_of(locked), now=now)
    # Days away that ended before yesterday (UTC) matter in no one's zone.
    hours = availability_of([by, picker], away_from=now.date() - datetime.timedelta(days=1))
    if times is None:
        found = slots.find_times(
            window=pair_window.window,
            minutes=pair_window.minutes,
            asker=hours[by.pk],
            picker=hours[picker.pk],
            limit=OFFER_TIMES_MAX,
            minimum=OFFER_TIMES_MIN,
        )
        if not found.times:
            raise ValidationError(
                gettext(
                    "Neither of you has hours free in the window or the two weeks after it, outside "
                    "both your quiet hours: check your weekly hours and days away. You can also type "
                    "times you can make, or set the time by hand on your partnership's page."
                ),
                code="nothing_fits",
            )
        starts, fits_both = list(found.times), found.fits_both
    else:
        starts = _typed_times(
            times, by=by, picker=picker, minutes=pair_window.minutes, window=pair_window.window, now=now
        )
        fits_both = all(
            slots.fits(start, pair_window.minutes, hours[by.pk])
            and slots.fits(start, pair_window.minutes, hours[picker.pk])
            for start in starts
        )
    _close_open_offer(locked, role, now)
    offer = TimeOffer.objects.create(
        partnership=locked,
        offered_by=by,
        offered_by_role=role,
        fits_both=fits_both,
        note=note,
        expires_at=min(now + OFFER_LINK_VALID, max(starts)),
    )
    OfferedTime.objects.bulk_create(
        [OfferedTime(offer=offer, starts_at=start, minutes=pair_window.minutes) for start in starts]
    )
    from .tasks import send_time_offer

    send_time_offer.delay_on_commit(offer.pk)
    return offer


def _refuse_if_closed(offer: TimeOffer, now: datetime.datetime) -> None:
    """Refuses an answer to an offer no longer open, in words the person reads."""
    if offer.status == TimeOffer.Status.PICKED:
        raise ValidationError(gettext("A time was already picked from these times."), code="used")
    if offer.status == TimeOffer.Status.REPLACED:
        raise ValidationError(gettext("These times were answered with other times."), code="used")
    if offer.status == TimeOffer.Status.WITHDRAWN:
        raise ValidationError(gettext("These times were withdrawn."), code="used")
    if offer.status == TimeOffer.Status.EXPIRED or offer.expires_at <= now:
        raise ValidationError(
            gettext("These times have expired. Ask for new times on your partnership's schedule page."),
            code="expired",
        )


@transaction.atomic
def time_offer_pick(*, offered_time: OfferedTime, by, now: datetime.datetime | None = None) -> Partnership:
    """The side who did not offer the times picks one: it becomes the pair's
    next call (``partnership_set_next_call``, which sends the invitations).
    The offer's row is locked, so of two picks at once one wins and the other
    is refused as used. Refused when the offer is no longer open or has
    expired, the time has begun, or ``by`` made the offer."""
    now = now or timezone.now()
    offer = TimeOffer.objects.select_for_update().get(pk=offered_time.offer_id)
    partnership = Partnership.objects.with_people().get(pk=offer.partnership_id)
    role = partnership.side_of(by)
    if role == offer.offered_by_role:
        raise ValidationError(
            gettext("You offered these times; %(name)s picks one.")
            % {"name": partnership.other_side(by).user.name},
            code="own_offer",
        )
    _refuse_if_closed(offer, now)
    time = offer.times.get(pk=offered_time.pk)
    if time.starts_at <= now:
        raise ValidationError(gettext("That time has passed. Pick a later one."), code="passed")
    time.picked = True
    time.save(update_fields=["picked"])
    offer.status = TimeOffer.Status.PICKED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    return partnership_set_next_call(partnership=partnership, by=by, at=time.starts_at)


@transaction.atomic
def time_offer_withdraw(*, offer: TimeOffer, by, now: datetime.datetime | None = None) -> TimeOffer:
    """The side who offered the times takes them back while they are open;
    the links in the email stop working."""
    now = now or timezone.now()
    offer = TimeOffer.objects.select_for_update().select_related("partnership").get(pk=offer.pk)
    partnership = Partnership.objects.with_people().get(pk=offer.partnership_id)
    if partnership.side_of(by) != offer.offered_by_role:
        raise ValidationError(gettext("Only the person who offered these times can withdraw them."))
    _refuse_if_closed(offer, now)
    offer.status = TimeOffer.Status.WITHDRAWN
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    return offer


# --- The signed links in the email ---


def pick_token(offered_time: OfferedTime, picker) -> str:
    """The token of the link that picks ``offered_time`` for ``picker``."""
    return signing.dumps({"t": offered_time.pk, "u": picker.pk}, salt=PICK_SALT)


class PickLinkError(Exception):
    """A pick link that cannot be used: ``code`` is ``"forged"`` (not one of
    ours, or for a time that no longer exists) or ``"expired"``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def pick_link_read(token: str) -> tuple[OfferedTime, object]:
    """The offered time and the person a pick link is for. Raises
    ``PickLinkError``: forged, or expired after ``OFFER_LINK_VALID``. One or two
    queries; whether the offer is still open is ``time_offer_pick``'s to say."""
    from accounts.models import User

    try:
        payload = signing.loads(token, salt=PICK_SALT, max_age=OFFER_LINK_VALID)
    except signing.SignatureExpired as error:
        raise PickLinkError("expired") from error
    except signing.BadSignature as error:
        raise PickLinkError("forged") from error
    try:
        time = OfferedTime.objects.select_related("offer").get(pk=int(payload["t"]))
        user = User.objects.get(pk=int(payload["u"]), is_active=True)
    except (OfferedTime.DoesNotExist, User.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise PickLinkError("forged") from error
    return time, user


def time_offer_send(*, offer_id: int) -> bool:
    """Emails the side who picks the times of offer ``offer_id``, in their own
    zone, with a signed link for each time and a link to the schedule page.
    Once per offer (ledger key ``time-offer-<id>``) however often the task
    runs; nothing when the offer is no longer open. True when this call sent it."""
    offer = TimeOffer.objects.select_related("offered_by").get(pk=offer_id)
    if offer.status != TimeOffer.Status.OPEN:
        return False
    partnership = Partnership.objects.with_people().get(pk=offer.partnership_id)
    offerer, picker = (
        (partnership.mentor, partnership.protege)
        if offer.offered_by_role == partnership.mentor.role
        else (partnership.protege, partnership.mentor)
    )
    times = [
        {
            "time": time,
            "link": absolute_url(reverse("partnerships:schedule_link", args=[pick_token(time, picker.user)])),
        }
        for time in offer.times.order_by("starts_at")
    ]
    return mail.send_once(
        "time_offer",
        key=f"time-offer-{offer.pk}",
        to=picker.user.email,
        context={
            "offer": offer,
            "partnership": partnership,
            "me": picker,
            "other": offerer,
            "times": times,
            "other_zone": zone_of(offerer.user),
            "schedule_link": absolute_url(reverse("partnerships:schedule", args=[partnership.pk])),
        },
        time_zone=zone_of(picker.user),
    )
