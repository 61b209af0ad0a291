"""The private calendar feed: parses as iCalendar, stable UIDs, time zones, the
call's structure; a reset link kills the old one."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from home.selectors import calendar_of
from partnerships.calendar import calendar_feed_reset, calendar_for
from partnerships.models import CalendarFeed, Partnership
from tests.partnerships.agreement_helpers import agree

pytestmark = pytest.mark.django_db


def feed_path(feed: CalendarFeed) -> str:
    return reverse("home:calendar_feed", args=[feed.token])


@pytest.fixture
def with_next_call(world):
    agree(world.partnership, cadence="weekly")
    at = (timezone.now() + datetime.timedelta(days=3)).replace(hour=17, minute=0, second=0, microsecond=0)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=at, next_call_time_zone="Europe/London"
    )
    return at


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_parses_with_the_next_call_and_the_expected_ones_after_it(client, world, with_next_call):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    feed = calendar_feed_reset(user=world.protege)
    cal = parse(client.get(feed_path(feed)))
    events = cal.events
    assert len(events) == 4  # the set call and three expected after it
    first, *expected = events
    assert first.start == with_next_call
    assert str(first["STATUS"]) == "CONFIRMED"
    assert {str(e["STATUS"]) for e in expected} == {"TENTATIVE"}
    london = zoneinfo.ZoneInfo("Europe/London")
    assert [e.start.astimezone(london).date() for e in expected] == [
        first.start.astimezone(london).date() + datetime.timedelta(weeks=k) for k in (1, 2, 3)
    ]
    assert first.end - first.start == datetime.timedelta(minutes=30)
    assert str(first["SUMMARY"]) == "Mentoring call with Morgan Mentor"
    assert str(expected[0]["SUMMARY"]) == "Mentoring call with Morgan Mentor (expected)"


def test_events_are_in_the_subscribers_time_zone_with_its_definition(client, world, with_next_call):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    cal = parse(client.get(feed_path(calendar_feed_reset(user=world.protege))))
    event = cal.events[0]
    assert event.start.tzinfo.key == "America/New_York"
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [tz.tz_name for tz in cal.timezones] == ["America/New_York"]


def test_each_event_describes_the_calls_structure(client, world, with_next_call):
    cal = parse(client.get(feed_path(calendar_feed_reset(user=world.mentor))))
    description = str(cal.events[0]["DESCRIPTION"])
    assert "30 minutes, video" in description
    assert "- 10 min: Check-in and homework recap" in description
    assert "- 15 min: Deeper topic" in description
    assert "- 5 min: Preparing the next call" in description
    assert f"/partnerships/{world.partnership.pk}/" in description
    assert "negotiate" not in description  # what success means stays on the pair's pages


def test_uids_are_stable_from_one_refresh_to_the_next_and_unique(client, world, with_next_call):
    path = feed_path(calendar_feed_reset(user=world.mentor))
    first = [str(e["UID"]) for e in parse(client.get(path)).events]
    again = [str(e["UID"]) for e in parse(client.get(path)).events]
    assert first == again
    assert len(set(first)) == len(first)
    assert first[0].startswith(f"partnership-{world.partnership.pk}-call-")


def test_the_mentor_and_the_protege_share_the_calls_uid(client, world, with_next_call):
    mentor = parse(client.get(feed_path(calendar_feed_reset(user=world.mentor)))).events[0]
    protege = parse(client.get(feed_path(calendar_feed_reset(user=world.protege)))).events[0]
    assert mentor["UID"] == protege["UID"]
    assert mentor.start == protege.start


def test_expected_calls_keep_their_local_time_across_a_daylight_saving_change(world):
    agree(world.partnership, cadence="weekly")
    london = zoneinfo.ZoneInfo("Europe/London")
    set_at = datetime.datetime(2031, 3, 25, 17, tzinfo=london)  # the clocks go forward on 30 March 2031
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=set_at, next_call_time_zone="Europe/London", planned_end_on=datetime.date(2031, 6, 1)
    )
    feed = calendar_of(calendar_feed_reset(user=world.mentor).token)
    now = datetime.datetime(2031, 3, 20, tzinfo=datetime.UTC)
    cal = icalendar.Calendar.from_ical(calendar_for(feed.owner, feed.pairs, now=now))
    starts = [e.start.astimezone(london) for e in cal.events]
    assert [s.date() for s in starts] == [datetime.date(2031, 3, d) for d in (25,)] + [
        datetime.date(2031, 4, 1),
        datetime.date(2031, 4, 8),
        datetime.date(2031, 4, 15),
    ]
    assert {s.time() for s in starts} == {datetime.time(17)}


def test_a_pair_without_a_set_call_has_no_events_and_ended_pairs_are_left_out(client, world, with_next_call):
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.ENDED)
    cal = parse(client.get(feed_path(calendar_feed_reset(user=world.mentor))))
    assert cal.events == []
    assert str(cal["X-WR-CALNAME"]) == "Mentoring calls"


def test_resetting_the_link_kills_the_old_one(client, world, with_next_call):
    old = calendar_feed_reset(user=world.mentor).token
    assert client.get(reverse("home:calendar_feed", args=[old])).status_code == 200
    client.force_login(world.mentor)
    response = client.post(reverse("home:calendar_link"))
    assert response.status_code == 303
    assert response["Location"] == reverse("home:profile") + "#calendar"
    client.logout()
    assert client.get(reverse("home:calendar_feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(user=world.mentor).token
    assert new != old
    assert client.get(reverse("home:calendar_feed", args=[new])).status_code == 200


def test_an_unknown_link_is_404(client, db):
    assert client.get(reverse("home:calendar_feed", args=["not-a-token"])).status_code == 404


def test_the_profile_offers_a_link_then_shows_it(client, world, settings):
    settings.SITE_URL = "https://mentoring.example.org"
    client.force_login(world.protege)
    page = client.get(reverse("home:profile")).text
    assert "Get my calendar link" in page
    client.post(reverse("home:calendar_link"))
    token = CalendarFeed.objects.get(user=world.protege).token
    page = client.get(reverse("home:profile")).text
    assert f"https://mentoring.example.org/calendar/{token}.ics" in page
    assert "Make a new link" in page


def test_making_a_link_needs_sign_in_and_a_post(client, world):
    assert client.post(reverse("home:calendar_link")).status_code == 302
    client.force_login(world.mentor)
    assert client.get(reverse("home:calendar_link")).status_code == 405


def test_the_feed_runs_the_same_queries_for_one_or_many_partnerships(
    client, world, django_assert_num_queries
):
    from tests.factories import PartnershipFactory

    agree(world.partnership)
    path = feed_path(calendar_feed_reset(user=world.mentor))
    # savepoint, feed with its owner, partnerships, their agreements in force, recent calls, release
    with django_assert_num_queries(6):
        client.get(path)
    mentor = world.partnership.mentor
    mentor.capacity = 10
    mentor.save()
    for _ in range(5):
        agree(PartnershipFactory(program=world.program, mentor=mentor))
    with django_assert_num_queries(6):
        client.get(path)


# --- A call stays in the feed once it starts, and the rhythm goes on (issue 13) ---

LONDON = zoneinfo.ZoneInfo("Europe/London")
SET_CALL = datetime.datetime(2031, 5, 6, 17, tzinfo=LONDON)  # a Tuesday, weekly, 30 minutes


@pytest.fixture
def weekly_set_call(world):
    agree(world.partnership, cadence="weekly")
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=SET_CALL, next_call_time_zone="Europe/London", planned_end_on=datetime.date(2032, 1, 1)
    )
    return calendar_feed_reset(user=world.mentor).token


def events_at(token: str, now: datetime.datetime) -> list:
    feed = calendar_of(token, now=now)
    return list(icalendar.Calendar.from_ical(calendar_for(feed.owner, feed.pairs, now=now)).events)


def starts(events) -> list[tuple[datetime.datetime, str]]:
    return [(e.start.astimezone(LONDON), str(e["STATUS"])) for e in events]


def weeks_after(k: int) -> datetime.datetime:
    return SET_CALL + datetime.timedelta(weeks=k)  # the same wall-clock time: no clock change in May–July


def test_ten_minutes_into_the_set_call_it_and_the_calls_after_it_stay_in_the_feed(weekly_set_call):
    before = events_at(weekly_set_call, SET_CALL - datetime.timedelta(hours=1))
    during = events_at(weekly_set_call, SET_CALL + datetime.timedelta(minutes=10))
    assert (
        starts(during)
        == starts(before)
        == [
            (SET_CALL, "CONFIRMED"),
            (weeks_after(1), "TENTATIVE"),
            (weeks_after(2), "TENTATIVE"),
            (weeks_after(3), "TENTATIVE"),
        ]
    )
    assert [str(e["UID"]) for e in during] == [str(e["UID"]) for e in before]


def test_after_the_set_call_it_stays_for_weeks_and_the_expected_calls_are_counted_from_it(weekly_set_call):
    events = events_at(weekly_set_call, SET_CALL + datetime.timedelta(days=2))
    assert starts(events) == [
        (SET_CALL, "CONFIRMED"),
        (weeks_after(1), "TENTATIVE"),
        (weeks_after(2), "TENTATIVE"),
        (weeks_after(3), "TENTATIVE"),
    ]
    five_weeks_on = events_at(weekly_set_call, weeks_after(5) + datetime.timedelta(days=1))
    assert starts(five_weeks_on) == [
        (SET_CALL, "CONFIRMED"),
        (weeks_after(6), "TENTATIVE"),
        (weeks_after(7), "TENTATIVE"),
        (weeks_after(8), "TENTATIVE"),
    ]


def test_a_call_leaves_the_feed_six_weeks_after_it_ends(weekly_set_call):
    from partnerships.calendar import PAST_CALLS_KEPT

    end = SET_CALL + datetime.timedelta(minutes=30)
    assert (SET_CALL, "CONFIRMED") in starts(
        events_at(weekly_set_call, end + PAST_CALLS_KEPT - datetime.timedelta(minutes=1))
    )
    assert (SET_CALL, "CONFIRMED") not in starts(events_at(weekly_set_call, end + PAST_CALLS_KEPT))


def test_an_expected_call_in_progress_stays_until_it_ends(weekly_set_call):
    into_the_next = weeks_after(1) + datetime.timedelta(minutes=10)
    assert (weeks_after(1), "TENTATIVE") in starts(events_at(weekly_set_call, into_the_next))
    after_it = weeks_after(1) + datetime.timedelta(minutes=31)
    assert (weeks_after(1), "TENTATIVE") not in starts(events_at(weekly_set_call, after_it))


def test_logged_calls_of_the_last_weeks_stay_with_the_uid_they_had_as_the_set_call(world, weekly_set_call):
    from tests.sessions_log.factories import SessionFactory

    uid_before = str(events_at(weekly_set_call, SET_CALL - datetime.timedelta(hours=1))[0]["UID"])
    earlier = SessionFactory(partnership=world.partnership, starts_at=SET_CALL - datetime.timedelta(weeks=1))
    SessionFactory(partnership=world.partnership, starts_at=SET_CALL)
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=SET_CALL)
    events = events_at(weekly_set_call, SET_CALL + datetime.timedelta(days=1))
    assert starts(events)[:2] == [
        (earlier.starts_at.astimezone(LONDON), "CONFIRMED"),
        (SET_CALL, "CONFIRMED"),
    ]
    assert str(events[1]["UID"]) == uid_before
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_the_live_feed_keeps_a_call_that_started_ten_minutes_ago(client, world):
    agree(world.partnership, cadence="weekly")
    started = timezone.now() - datetime.timedelta(minutes=10)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=started, next_call_time_zone="Europe/London"
    )
    events = parse(client.get(feed_path(calendar_feed_reset(user=world.protege)))).events
    first, *expected = events
    assert first.start == started.replace(microsecond=0)
    assert str(first["STATUS"]) == "CONFIRMED"
    assert len(expected) == 3 and expected[0].start > first.start


# --- The feed's own time zone definition, missed calls, a logged call's length (review) ---


def test_the_time_zone_block_covers_a_set_call_a_year_ahead(world):
    """A client that reads the feed's VTIMEZONE (not its own zone database)
    places a New York call a year ahead at the right instant: standard time,
    UTC−5, in late November."""
    new_york = zoneinfo.ZoneInfo("America/New_York")
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    agree(world.partnership, cadence="weekly")
    now = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    set_at = datetime.datetime(2027, 11, 29, 10, tzinfo=new_york)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=set_at, next_call_time_zone="America/New_York", planned_end_on=datetime.date(2028, 6, 1)
    )
    feed = calendar_of(calendar_feed_reset(user=world.protege).token, now=now)
    cal = icalendar.Calendar.from_ical(calendar_for(feed.owner, feed.pairs, now=now))
    [block] = cal.timezones
    embedded = block.to_tz(lookup_tzid=False)  # the block itself, not the zone database by its name
    assert cal.events  # the set call, then the ones expected after it
    for event in cal.events:
        wall_clock = event["DTSTART"].dt.replace(tzinfo=None)
        assert wall_clock.replace(tzinfo=embedded) == event.start  # the same instant either way
    first = cal.events[0]
    assert first.start == set_at
    assert first["DTSTART"].dt.replace(tzinfo=None).replace(
        tzinfo=embedded
    ).utcoffset() == datetime.timedelta(hours=-5)
    # And a summer call of the same year reads as daylight time, UTC−4, from the same block.
    assert datetime.datetime(2027, 7, 1, 10, tzinfo=embedded).utcoffset() == datetime.timedelta(hours=-4)


def test_a_missed_call_is_cancelled_not_confirmed_and_a_held_one_says_its_own_length(world, weekly_set_call):
    from tests.sessions_log.factories import SessionFactory

    held_at = SET_CALL - datetime.timedelta(weeks=2)
    missed_at = SET_CALL - datetime.timedelta(weeks=1)
    SessionFactory(partnership=world.partnership, starts_at=held_at, minutes=45)
    SessionFactory(partnership=world.partnership, starts_at=missed_at, status="missed")
    events = events_at(weekly_set_call, SET_CALL - datetime.timedelta(days=1))
    by_start = {e.start.astimezone(LONDON): e for e in events}
    held, missed = by_start[held_at], by_start[missed_at]

    assert str(held["STATUS"]) == "CONFIRMED"
    assert held.end - held.start == datetime.timedelta(minutes=45)
    assert "Held: 45 minutes." in str(held["DESCRIPTION"])
    assert "30 minutes" not in str(held["DESCRIPTION"])  # today's agreement is not this call's length

    assert str(missed["STATUS"]) == "CANCELLED"
    assert str(missed["SUMMARY"]).endswith("(missed)")
    assert "Missed: this call did not take place." in str(missed["DESCRIPTION"])
    assert str(missed["TRANSP"]) == "TRANSPARENT"

    # The set call still carries the agreement's structure.
    assert "30 minutes, video" in str(by_start[SET_CALL]["DESCRIPTION"])


def test_every_event_of_every_kind_lies_inside_the_time_zone_block(world, weekly_set_call):
    """Walks every event (held, missed, set, expected) of a feed in a zone with
    clock changes: each wall-clock time read through the embedded block is the
    event's instant."""
    from tests.sessions_log.factories import SessionFactory

    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    SessionFactory(partnership=world.partnership, starts_at=SET_CALL - datetime.timedelta(weeks=2))
    SessionFactory(
        partnership=world.partnership, starts_at=SET_CALL - datetime.timedelta(weeks=1), status="missed"
    )
    now = SET_CALL - datetime.timedelta(days=1)
    feed = calendar_of(weekly_set_call, now=now)
    cal = icalendar.Calendar.from_ical(calendar_for(feed.owner, feed.pairs, now=now))
    embedded = cal.timezones[0].to_tz(lookup_tzid=False)
    assert {str(e["STATUS"]) for e in cal.events} == {"CONFIRMED", "CANCELLED", "TENTATIVE"}
    for event in cal.events:
        for name in ("DTSTART", "DTEND"):
            assert event[name].dt.replace(tzinfo=None).replace(tzinfo=embedded) == event[name].dt


def test_the_feed_is_in_its_owners_language_whatever_the_calendar_app_asks_for(client, world, with_next_call):
    world.protege.language = "de"
    world.protege.save()
    feed = client.get(feed_path(calendar_feed_reset(user=world.protege)), headers={"accept-language": "es"})
    text = feed.content.decode()
    assert "Mentoring-Gespräch mit" in text and "Mentoring call with" not in text
