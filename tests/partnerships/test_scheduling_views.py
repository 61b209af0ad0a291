"""The scheduling page and its actions: only the pair reaches them (404 for
everyone else, program admins included); each offered time says whose hours
it fits, and the page says truly what happened to the latest times. (The
signed link in the email: test_scheduling_links.py.)"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships import scheduling
from partnerships.models import Partnership, TimeOffer
from tests.factories import PartnershipFactory
from tests.partnerships.scheduling_fixtures import (
    a_day_in_the_window,
    fresh,
    offered,
    scheduling_pair,  # noqa: F401 (the pair fixture)
)

pytestmark = pytest.mark.django_db


WHO = {"outsider": 404, "admin": 404, "other_admin": 404, "mentor": 200, "protege": 200}


@pytest.mark.parametrize(("who", "status"), WHO.items())
def test_the_schedule_page_is_the_pairs_only(client, world, pair, who, status):
    client.force_login(getattr(world, who))
    assert client.get(reverse("partnerships:schedule", args=[pair.pk])).status_code == status


def test_a_signed_out_visitor_is_sent_to_sign_in(client, world, pair):
    for name, args in (
        ("schedule", [pair.pk]),
        ("schedule_offer", [pair.pk]),
        ("schedule_offer_typed", [pair.pk]),
        ("schedule_pick", [pair.pk, 1]),
        ("schedule_withdraw", [pair.pk]),
    ):
        response = client.post(reverse(f"partnerships:{name}", args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("who", ["outsider", "admin", "other_admin"])
def test_no_one_outside_the_pair_can_offer_pick_or_withdraw(client, world, pair, who):
    offer = offered(pair, world.mentor)
    time = offer.times.first()
    client.force_login(getattr(world, who))
    for name, args in (
        ("schedule_offer", [pair.pk]),
        ("schedule_offer_typed", [pair.pk]),
        ("schedule_pick", [pair.pk, time.pk]),
        ("schedule_withdraw", [pair.pk]),
    ):
        assert client.post(reverse(f"partnerships:{name}", args=args)).status_code == 404, name
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.OPEN


def test_the_mentor_offers_in_one_click_and_the_protege_picks_in_one(client, world, pair):
    client.force_login(world.mentor)
    response = client.post(reverse("partnerships:schedule_offer", args=[pair.pk]), follow=True)
    assert "Your times are on their way to Sam Protégé" in response.text
    assert "Waiting for Sam Protégé to pick a time" in response.text
    offer = TimeOffer.objects.get(partnership=pair)
    time = offer.times.all()[2]

    client.force_login(world.protege)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk]))
    assert "Morgan Mentor offered times for your next call: pick one" in page.text
    assert page.text.count("Pick ") >= offer.times.count()
    response = client.post(reverse("partnerships:schedule_pick", args=[pair.pk, time.pk]), follow=True)
    assert "Your next call is set for" in response.text
    pair.refresh_from_db()
    assert pair.next_call_at == time.starts_at


def test_the_mentor_cannot_pick_from_their_own_offer(client, world, pair):
    offer = offered(pair, world.mentor)
    client.force_login(world.mentor)
    response = client.post(reverse("partnerships:schedule_pick", args=[pair.pk, offer.times.first().pk]))
    assert response.status_code == 200
    assert "You offered these times; Sam Protégé picks one." in response.text
    pair.refresh_from_db()
    assert pair.next_call_at is None


def test_the_mentor_withdraws_their_times(client, world, pair):
    offer = offered(pair, world.mentor)
    client.force_login(world.mentor)
    response = client.post(reverse("partnerships:schedule_withdraw", args=[pair.pk]), follow=True)
    assert "Your times are withdrawn" in response.text
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.WITHDRAWN


def test_typed_times_in_the_past_are_refused_next_to_the_field_keeping_what_was_typed(client, world, pair):
    client.force_login(world.protege)
    past = (timezone.localtime(timezone.now()) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("partnerships:schedule_offer_typed", args=[pair.pk]), {"time_1": past, "note": "Evenings?"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "at least an hour from now" in response.text
    assert past in response.text and "Evenings?" in response.text
    assert not TimeOffer.objects.exists()


def test_no_typed_time_says_so(client, world, pair):
    client.force_login(world.protege)
    response = client.post(reverse("partnerships:schedule_offer_typed", args=[pair.pk]), {"note": ""})
    assert "Type at least one time you can make." in response.text


def test_a_typed_time_outside_the_window_names_the_window(client, world, pair):
    client.force_login(world.protege)
    far = (timezone.localtime(timezone.now()) + datetime.timedelta(days=40)).strftime("%Y-%m-%dT10:00")
    response = client.post(reverse("partnerships:schedule_offer_typed", args=[pair.pk]), {"time_1": far})
    assert "outside the window your agreement allows" in response.text
    assert not TimeOffer.objects.exists()


def test_the_schedule_page_runs_the_same_queries_however_long_the_history(
    client, world, pair, django_assert_num_queries
):
    client.force_login(world.protege)
    url = reverse("partnerships:schedule", args=[pair.pk])
    offered(pair, world.mentor)
    client.get(url)
    with django_assert_num_queries(10) as first:
        client.get(url)
    for _ in range(6):
        offered(pair, world.mentor)  # each withdraws the one before
    scheduling.time_offer_create(partnership=pair, by=world.protege)
    offered(pair, world.mentor)
    mentor = pair.mentor
    mentor.capacity = 5
    mentor.save()
    for _ in range(3):
        PartnershipFactory(program=world.program, mentor=mentor)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_when_no_time_fits_both_each_side_is_told_and_the_notes_say_whose_hours(client, world, pair):
    from accounts.models import WeeklyHours

    # The mentor takes calls on Saturdays only; the protégé keeps weekdays 09:00–17:00.
    WeeklyHours.objects.create(
        user=world.mentor, weekday=5, starts_at=datetime.time(9), ends_at=datetime.time(12)
    )
    world.mentor.availability_set_at = timezone.now()
    world.mentor.save()
    offer = offered(pair, world.mentor)
    assert not offer.fits_both
    n = offer.times.count()
    client.force_login(world.protege)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert "Not every time fits both of your weekly hours: the notes beside each say which." in page
    assert "Outside your hours" not in page
    assert page.count('<span class="badge badge--time-note">Outside Morgan Mentor\'s hours</span>') == n
    client.force_login(world.mentor)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert "Not every time fits both of your weekly hours: the notes beside each say which." in page
    assert page.count('<span class="badge badge--time-note">Outside your hours</span>') == n
    assert "Outside Sam Protégé's hours" not in page


def test_typed_times_outside_the_pickers_hours_say_whose_apart_from_the_time(client, world, pair):
    world.protege.time_zone = "Asia/Tokyo"
    world.protege.save()
    pair = fresh(pair)
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    now = timezone.now()
    evening = datetime.datetime.combine(
        a_day_in_the_window(pair, tokyo, now), datetime.time(19), tzinfo=tokyo
    )
    offer = scheduling.time_offer_create(partnership=pair, by=world.mentor, times=[evening], now=now)
    assert not offer.fits_both  # 10:00 or 11:00 in London: inside the mentor's hours, not Tokyo's
    client.force_login(world.protege)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert 'for Morgan Mentor</span> <span class="badge badge--time-note">Outside your hours</span>' in page
    assert "· outside your hours" not in page
    client.force_login(world.mentor)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert '<span class="badge badge--time-note">Outside Sam Protégé\'s hours</span>' in page


def test_a_time_that_falls_in_the_pickers_quiet_hours_after_they_move_says_so(client, world, pair):
    london = zoneinfo.ZoneInfo("Europe/London")
    now = timezone.now()
    three = datetime.datetime.combine(
        a_day_in_the_window(pair, london, now), datetime.time(15), tzinfo=london
    )
    scheduling.time_offer_create(partnership=pair, by=world.mentor, times=[three], now=now)
    world.protege.time_zone = "Asia/Tokyo"  # 15:00 in London is midnight in Tokyo
    world.protege.save()
    client.force_login(world.protege)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert '<span class="badge badge--time-note">In your quiet hours</span>' in page
    client.force_login(world.mentor)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert '<span class="badge badge--time-note">In Sam Protégé\'s quiet hours</span>' in page


def test_a_typed_time_in_the_pickers_quiet_hours_is_refused_by_name_keeping_what_was_typed(
    client, world, pair
):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    london = zoneinfo.ZoneInfo("Europe/London")
    day = a_day_in_the_window(fresh(pair), london, timezone.now())
    typed = f"{day:%Y-%m-%d}T09:00"
    new_york = datetime.datetime.combine(day, datetime.time(9), tzinfo=london).astimezone(
        zoneinfo.ZoneInfo("America/New_York")
    )  # 04:00, or 05:00 in the weeks the clocks change on different dates
    client.force_login(world.mentor)
    response = client.post(reverse("partnerships:schedule_offer_typed", args=[pair.pk]), {"time_1": typed})
    assert "There is a problem" in response.text
    assert (
        f"{day:%a %-d %b}, 09:00 is {new_york:%H:%M} for Sam Protégé, in their quiet hours (21:00–08:00)."
        in response.text
    )
    assert typed in response.text
    assert not TimeOffer.objects.exists()


def test_the_partnership_home_leads_to_a_time_and_says_when_times_wait(client, world, pair):
    home = reverse("home:partnership", args=[pair.pk])
    schedule = reverse("partnerships:schedule", args=[pair.pk])
    client.force_login(world.protege)
    page = client.get(home).text
    assert "Find a time" in page and schedule in page
    offered(pair, world.mentor)
    page = client.get(home).text  # the offer changes the pair's page version: not the kept page
    assert "Morgan Mentor offered times for your next call: pick one" in page
    client.force_login(world.mentor)
    page = client.get(home).text
    assert "offered times for your next call" not in page and "Find a time" in page


def test_when_one_is_away_the_whole_window_the_nearest_times_after_it_are_offered(client, world, pair):
    from accounts.models import DayAway

    now = timezone.now()
    window = scheduling.window_of(pair, in_force=pair.agreements.get(status="in_force"), now=now).window
    DayAway.objects.create(
        user=world.protege,
        first_day=timezone.localdate(now) - datetime.timedelta(days=1),
        last_day=window.ends_at.date() + datetime.timedelta(days=1),
    )
    offer = scheduling.time_offer_create(partnership=pair, by=world.mentor, now=now)
    assert offer.fits_both
    assert all(t.starts_at > window.ends_at for t in offer.times.all())
    client.force_login(world.protege)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk]))
    assert "No time inside the window fitted, so these are the nearest after it." in page.text


# --- What the page says of the latest times, the window and a call already set ---


def offered_on(offer) -> str:
    return f"{offer.created_at.astimezone(zoneinfo.ZoneInfo('Europe/London')):%-d %B}"


def test_expired_times_read_as_expired_and_nothing_else(client, world, pair):
    offer = offered(pair, world.mentor)
    TimeOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    for who in (world.mentor, world.protege):
        client.force_login(who)
        page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
        assert f"The times offered on {offered_on(offer)} have expired." in page
        assert "waiting for a pick" not in page


@pytest.mark.parametrize(
    ("happened", "mentor_reads", "protege_reads"),
    [
        (
            lambda pair, world, offer: scheduling.time_offer_withdraw(offer=offer, by=world.mentor),
            "You withdrew the times you offered on {on}.",
            "Morgan Mentor withdrew the times they offered on {on}.",
        ),
        (
            lambda pair, world, offer: scheduling.time_offer_pick(
                offered_time=offer.times.first(), by=world.protege
            ),
            "Sam Protégé picked one of the times you offered on {on}.",
            "You picked one of the times Morgan Mentor offered on {on}.",
        ),
    ],
)
def test_answered_times_read_as_what_happened_to_them(
    client, world, pair, happened, mentor_reads, protege_reads
):
    offer = offered(pair, world.mentor)
    happened(pair, world, offer)
    for who, reads in ((world.mentor, mentor_reads), (world.protege, protege_reads)):
        client.force_login(who)
        page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
        assert reads.format(on=offered_on(offer)) in page


def test_an_overdue_pair_reads_that_the_times_are_in_the_coming_week(client, world, pair):
    Partnership.objects.filter(pk=pair.pk).update(last_call_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(world.mentor)
    page = client.get(reverse("partnerships:schedule", args=[pair.pk])).text
    assert "Your next call is overdue by your agreement, so the times offered are in the coming week." in page


def test_the_pick_panel_says_a_call_set_ahead_moves(client, world, pair):
    offered(pair, world.mentor)
    client.force_login(world.protege)
    url = reverse("partnerships:schedule", args=[pair.pk])
    assert "picking a time moves it" not in client.get(url).text
    Partnership.objects.filter(pk=pair.pk).update(next_call_at=timezone.now() + datetime.timedelta(days=2))
    page = client.get(url).text
    assert "your time: picking a time moves it." in page


def test_offering_again_tells_the_offerer_the_other_gets_a_new_email(client, world, pair, mailoutbox):
    client.force_login(world.mentor)
    url = reverse("partnerships:schedule_offer", args=[pair.pk])
    first = client.post(url, follow=True).text
    assert "Your times are on their way to Sam Protégé." in first
    assert "Sam Protégé gets a new email with these times; the links in the one before stop working." in first
    again = client.post(url, follow=True).text
    assert (
        "Sam Protégé gets a new email with these times, and the links in the one before stop working."
        in again
    )


def test_a_typed_time_with_seconds_is_offered_on_the_minute(client, world, pair):
    london = zoneinfo.ZoneInfo("Europe/London")
    day = a_day_in_the_window(pair, london, timezone.now())
    client.force_login(world.mentor)
    url = reverse("partnerships:schedule_offer_typed", args=[pair.pk])
    client.post(url, {"time_1": f"{day:%Y-%m-%d}T14:00:59.999"})
    time = TimeOffer.objects.get(partnership=pair).times.get()
    assert time.starts_at == datetime.datetime.combine(day, datetime.time(14), tzinfo=london)
