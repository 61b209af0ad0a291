"""Offered times for a pair's next call: one side offers, the other picks one in
one click (in the app or from the signed link in the email), or offers other
times; a picked time becomes the pair's next call. Times are counted from the
moment each test runs, at least a day ahead, inside both people's weekday hours:
nothing depends on the hour the tests run at."""

import datetime
import re
import time as wall_clock
import zoneinfo

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnerships import scheduling
from partnerships.models import OfferedTime, Partnership, TimeOffer
from partnerships.models.scheduling import OFFER_LINK_VALID
from partnerships.selectors.scheduling import offer_waiting_for, window_of
from programs.models import Participant
from tests.partnerships.scheduling_fixtures import (
    a_day_in_the_window,
    fresh,
    offered,
    scheduling_pair,  # noqa: F401 (the pair fixture)
)

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def a_weekday_at(hour: int, *, days_ahead: int) -> datetime.datetime:
    """``hour`` o'clock London time on the first weekday at least ``days_ahead`` days away."""
    day = timezone.localdate(timezone.now()) + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def test_asking_offers_the_other_side_three_to_five_times_inside_the_window(pair, world):
    offer = offered(pair, world.mentor)
    times = list(offer.times.all())
    assert 3 <= len(times) <= 5
    assert offer.offered_by_role == Participant.Role.MENTOR and offer.status == TimeOffer.Status.OPEN
    assert offer.fits_both
    window = window_of(pair, in_force=pair.agreements.get(status="in_force"), now=timezone.now()).window
    assert all(window.starts_at <= t.starts_at and t.ends_at <= window.ends_at for t in times)
    assert all(t.minutes == 30 for t in times)
    assert len({t.starts_at.date() for t in times}) >= 3  # spread over different days
    # Expires when its last time begins, two weeks at most after it was made.
    assert offer.expires_at == times[-1].starts_at < offer.created_at + OFFER_LINK_VALID
    assert offer_waiting_for(pair, Participant.Role.PROTEGE, now=timezone.now())
    assert not offer_waiting_for(pair, Participant.Role.MENTOR, now=timezone.now())


def test_the_picker_is_emailed_each_time_in_their_zone_with_a_link_once(pair, world, mailoutbox):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    offer = offered(pair, world.mentor)
    assert scheduling.time_offer_send(offer_id=offer.pk)
    assert not scheduling.time_offer_send(offer_id=offer.pk)  # the ledger: once
    (email,) = mailoutbox
    assert email.to == [world.protege.email]
    assert "Morgan Mentor offered times for your next call: pick one" in email.subject
    links = re.findall(r"https?://\S+/schedule/pick/\S+/", email.body)
    assert len(links) == offer.times.count()
    first = offer.times.first().starts_at
    new_york = first.astimezone(NEW_YORK)
    assert f"{new_york:%H:%M}" in email.body
    assert f"/partnerships/{pair.pk}/schedule/" in email.body
    assert "Times are in America/New York, your time zone." in email.body
    assert "Times are in America/New York, your time zone." in email.alternatives[0][0]
    assert "weekly hours" not in email.body  # the times fit both


def test_the_email_of_times_that_do_not_all_fit_both_says_so_truly(pair, world, mailoutbox):
    keeps_no_hours(world.protege)
    offer = offered(fresh(pair), world.mentor)
    assert not offer.fits_both
    scheduling.time_offer_send(offer_id=offer.pk)
    (email,) = mailoutbox
    says = "Not every time fits both of your weekly hours: your schedule page says which."
    assert says in email.body and says in email.alternatives[0][0]
    assert "No time fitted you both" not in email.body


def test_picking_a_time_makes_it_the_next_call(pair, world):
    offer = offered(pair, world.mentor)
    chosen = offer.times.all()[1]
    scheduling.time_offer_pick(offered_time=chosen, by=world.protege)
    pair.refresh_from_db()
    assert pair.next_call_at == chosen.starts_at
    assert pair.next_call_set_by == world.protege
    offer.refresh_from_db()
    chosen.refresh_from_db()
    assert offer.status == TimeOffer.Status.PICKED and offer.answered_at is not None
    assert chosen.picked
    assert not offer_waiting_for(pair, Participant.Role.PROTEGE, now=timezone.now())


def test_the_one_who_offered_cannot_pick_their_own_time(pair, world):
    offer = offered(pair, world.mentor)
    with pytest.raises(ValidationError, match="You offered these times; Sam Protégé picks one"):
        scheduling.time_offer_pick(offered_time=offer.times.first(), by=world.mentor)
    pair.refresh_from_db()
    assert pair.next_call_at is None


def test_a_used_offer_cannot_be_picked_again(pair, world):
    offer = offered(pair, world.mentor)
    first, second = offer.times.all()[:2]
    scheduling.time_offer_pick(offered_time=first, by=world.protege)
    with pytest.raises(ValidationError, match="already picked") as error:
        scheduling.time_offer_pick(offered_time=second, by=world.protege)
    assert error.value.code == "used"
    pair.refresh_from_db()
    assert pair.next_call_at == first.starts_at


def test_offering_other_times_replaces_the_other_sides_offer(pair, world):
    mentors = offered(pair, world.mentor)
    typed = [a_weekday_at(11, days_ahead=2), a_weekday_at(14, days_ahead=3)]
    protege = offered(pair, world.protege, times=typed, note="Mornings are hard this week.")
    mentors.refresh_from_db()
    assert mentors.status == TimeOffer.Status.REPLACED
    assert (
        protege.offered_by_role == Participant.Role.PROTEGE and protege.note == "Mornings are hard this week."
    )
    assert sorted(t.starts_at for t in protege.times.all()) == sorted(typed)
    with pytest.raises(ValidationError, match="answered with other times"):
        scheduling.time_offer_pick(offered_time=mentors.times.first(), by=world.protege)
    scheduling.time_offer_pick(offered_time=protege.times.first(), by=world.mentor)
    pair.refresh_from_db()
    assert pair.next_call_at == typed[0]


def test_the_other_side_can_answer_with_times_from_their_own_hours(pair, world):
    mentors = offered(pair, world.mentor)
    proteges = offered(pair, world.protege)
    mentors.refresh_from_db()
    assert mentors.status == TimeOffer.Status.REPLACED
    assert proteges.offered_by_role == Participant.Role.PROTEGE and proteges.times.count() >= 3


def test_offering_again_withdraws_ones_own_open_offer(pair, world):
    first = offered(pair, world.mentor)
    offered(pair, world.mentor)
    first.refresh_from_db()
    assert first.status == TimeOffer.Status.WITHDRAWN
    assert TimeOffer.objects.filter(partnership=pair).open().count() == 1


def test_withdrawn_times_cannot_be_picked(pair, world):
    offer = offered(pair, world.mentor)
    with pytest.raises(ValidationError, match="Only the person who offered"):
        scheduling.time_offer_withdraw(offer=offer, by=world.protege)
    scheduling.time_offer_withdraw(offer=offer, by=world.mentor)
    with pytest.raises(ValidationError, match="withdrawn"):
        scheduling.time_offer_pick(offered_time=offer.times.first(), by=world.protege)


def test_an_offer_past_its_expiry_counts_as_expired_and_is_marked_so_by_the_next(pair, world):
    offer = offered(pair, world.mentor)
    TimeOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert not offer_waiting_for(pair, Participant.Role.PROTEGE, now=timezone.now())
    with pytest.raises(ValidationError, match="expired") as error:
        scheduling.time_offer_pick(offered_time=offer.times.first(), by=world.protege)
    assert error.value.code == "expired"
    offered(pair, world.mentor)
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.EXPIRED


def test_a_time_that_has_begun_cannot_be_picked(pair, world):
    offer = offered(pair, world.mentor)
    time = offer.times.first()
    OfferedTime.objects.filter(pk=time.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    time.refresh_from_db()
    with pytest.raises(ValidationError, match="has passed") as error:
        scheduling.time_offer_pick(offered_time=time, by=world.protege)
    assert error.value.code == "passed"


def test_a_typed_time_in_the_past_is_refused(pair, world):
    with pytest.raises(ValidationError, match="past or less than an hour away"):
        offered(pair, world.mentor, times=[timezone.now() - datetime.timedelta(hours=2)])
    assert not TimeOffer.objects.filter(partnership=pair).exists()


def test_a_typed_time_outside_the_window_is_refused_naming_the_window(pair, world):
    now = timezone.now()
    window = window_of(pair, in_force=pair.agreements.get(status="in_force"), now=now).window
    too_late = window.ends_at + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        offered(pair, world.mentor, times=[too_late], now=now)
    (message,) = error.value.message_dict["times"]
    assert "outside the window your agreement allows" in message
    assert f"{window.ends_at.astimezone(LONDON):%-d %b}" in message
    assert not TimeOffer.objects.filter(partnership=pair).exists()


def test_an_ended_partnership_cannot_be_offered_times(pair, world):
    Partnership.objects.filter(pk=pair.pk).update(status=Partnership.Status.ENDED)
    with pytest.raises(ValidationError, match="has ended"):
        offered(pair, world.mentor)


def test_ending_the_partnership_withdraws_the_times_offered_so_their_link_cannot_pick(pair, world):
    from partnerships.services import partnership_unmatch

    offer = offered(pair, world.mentor)
    time = offer.times.first()
    partnership_unmatch(partnership=pair, reason="Moved teams", by=world.admin)
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        scheduling.time_offer_pick(offered_time=time, by=world.protege)
    assert Partnership.objects.get(pk=pair.pk).next_call_at is None


# --- The signed link in the email ---


def test_a_link_names_its_time_and_the_person_it_is_for(pair, world):
    offer = offered(pair, world.mentor)
    time = offer.times.first()
    found, user = scheduling.pick_link_read(scheduling.pick_token(time, world.protege))
    assert found == time and user == world.protege


@pytest.mark.parametrize("token", ["nonsense", "", "e30:1tXyZq:abc"])
def test_a_forged_link_is_refused_as_forged(pair, world, token):
    with pytest.raises(scheduling.PickLinkError) as error:
        scheduling.pick_link_read(token)
    assert error.value.code == "forged"


def test_a_link_signed_for_another_purpose_is_forged(pair, world):
    offer = offered(pair, world.mentor)
    token = signing.dumps({"t": offer.times.first().pk, "u": world.protege.pk})  # no salt
    with pytest.raises(scheduling.PickLinkError) as error:
        scheduling.pick_link_read(token)
    assert error.value.code == "forged"


def test_a_link_older_than_two_weeks_has_expired(pair, world, monkeypatch):
    offer = offered(pair, world.mentor)
    long_ago = wall_clock.time() - OFFER_LINK_VALID.total_seconds() - 60
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    token = scheduling.pick_token(offer.times.first(), world.protege)
    monkeypatch.undo()
    with pytest.raises(scheduling.PickLinkError) as error:
        scheduling.pick_link_read(token)
    assert error.value.code == "expired"


# --- Whose hours the times fit, and whose quiet hours refuse a typed one ---


def in_the_window(pair, hour: int, *, tz=LONDON, now=None) -> datetime.datetime:
    """``hour`` o'clock in ``tz`` on a weekday whose whole day lies inside the pair's window."""
    now = now or timezone.now()
    window = window_of(pair, in_force=pair.agreements.get(status="in_force"), now=now).window
    moment = datetime.datetime.combine(a_day_in_the_window(pair, tz, now), datetime.time(hour), tzinfo=tz)
    assert moment + datetime.timedelta(hours=1) <= window.ends_at
    return moment


def keeps_no_hours(user) -> None:
    user.availability_set_at = timezone.now()  # saved with no weekly hours
    user.save()


def test_a_typed_time_in_the_pickers_quiet_hours_is_refused_naming_whose(pair, world):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    pair = fresh(pair)
    now = timezone.now()
    nine_in_london = in_the_window(pair, 9, now=now)  # 04:00 in New York
    with pytest.raises(ValidationError) as error:
        offered(pair, world.mentor, times=[nine_in_london], now=now)
    (message,) = error.value.message_dict["times"]
    assert message == (
        f"{nine_in_london:%a %-d %b}, 09:00 is {nine_in_london.astimezone(NEW_YORK):%H:%M} for Sam Protégé, "
        "in their quiet hours (21:00–08:00)."
    )
    assert not TimeOffer.objects.filter(partnership=pair).exists()


def test_a_typed_time_in_the_typers_own_quiet_hours_is_refused(pair, world):
    world.protege.time_zone = "Asia/Tokyo"
    world.protege.save()
    pair = fresh(pair)
    now = timezone.now()
    late_in_london = in_the_window(pair, 22, now=now)  # 07:00 or 08:00 next day in Tokyo
    with pytest.raises(ValidationError) as error:
        offered(pair, world.mentor, times=[late_in_london], now=now)
    (message,) = error.value.message_dict["times"]
    assert message.startswith(f"{late_in_london:%a %-d %b}, 22:00 is in your quiet hours (21:00–08:00).")
    assert not TimeOffer.objects.filter(partnership=pair).exists()


def test_typed_times_fit_both_only_when_inside_both_peoples_hours(pair, world):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    pair = fresh(pair)
    now = timezone.now()
    # 18:00 in London, after the mentor's hours; 13:00 in New York, inside the protégé's.
    offer = offered(pair, world.mentor, times=[in_the_window(pair, 18, now=now)], now=now)
    assert not offer.fits_both
    both = offered(pair, world.mentor, times=[in_the_window(pair, 15, now=now)], now=now)  # 10:00 NY
    assert both.fits_both


def test_typed_times_drop_their_seconds(pair, world):
    now = timezone.now()
    eleven = in_the_window(pair, 11, now=now)
    offer = offered(pair, world.mentor, times=[eleven.replace(second=59, microsecond=999_000)], now=now)
    assert offer.times.get().starts_at == eleven


def test_a_picker_without_hours_is_offered_the_askers_times(pair, world):
    keeps_no_hours(world.protege)
    pair = fresh(pair)
    now = timezone.now()
    offer = offered(pair, world.mentor, now=now)
    assert not offer.fits_both
    assert 3 <= offer.times.count() <= 5
    for time in offer.times.all():
        local = time.starts_at.astimezone(LONDON)
        assert local.weekday() < 5 and datetime.time(9) <= local.time() <= datetime.time(16, 30)


def test_when_neither_keeps_hours_the_refusal_says_so(pair, world):
    keeps_no_hours(world.protege)
    keeps_no_hours(world.mentor)
    pair = fresh(pair)
    with pytest.raises(ValidationError, match="Neither of you has hours free in the window") as error:
        offered(pair, world.mentor)
    assert error.value.code == "nothing_fits"
    assert not TimeOffer.objects.filter(partnership=pair).exists()
