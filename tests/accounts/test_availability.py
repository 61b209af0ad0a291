"""/me/availability/: a person keeps their weekly hours and days away, which
the call-time finder reads (accounts.selectors.availability_of)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import DEFAULT_WEEKLY_HOURS, DayAway, User, WeeklyHours
from accounts.selectors import availability_of
from accounts.services import DAYS_AWAY_MAX, availability_save, day_away_add, day_away_remove
from mentoring.time_zones import zone_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:availability")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def week(**rows) -> dict:
    """A weekly hours post: each named day (``monday=("10:00", "12:00")``) ticked
    with those times, every other day sent unticked with empty times."""
    data = {"form": "hours"}
    for day in DAYS:
        if day in rows:
            data[f"{day}_available"] = "on"
            data[f"{day}_from"], data[f"{day}_to"] = rows[day]
        else:
            data[f"{day}_from"] = data[f"{day}_to"] = ""
    return data


def _local_today(user) -> datetime.date:
    return timezone.now().astimezone(zone_of(user)).date()


def _hours_of(user: User) -> dict:
    user = User.objects.get(pk=user.pk)
    return dict(availability_of([user])[user.pk].weekly_hours)


# --- who may open it ---


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["admin", "mentor", "protege", "outsider"])
def test_everyone_signed_in_keeps_their_own_availability(client, world, persona):
    client.force_login(getattr(world, persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert "When you can take calls" in response.text


def test_the_profile_links_to_it(client, world):
    client.force_login(world.mentor)
    assert f'href="{URL}"' in client.get(reverse("home:profile")).text


# --- the page before anything is saved ---


def test_until_saved_the_page_shows_the_default_weekdays_and_says_so(client, world):
    client.force_login(world.protege)
    page = client.get(URL).text
    assert "Until you save, we assume weekdays 09:00–17:00." in page
    assert 'name="monday_available" id="id_monday_available" checked' in page
    assert 'name="monday_from" value="09:00"' in page
    assert 'name="friday_to" value="17:00"' in page
    assert 'name="saturday_available" id="id_saturday_available">' in page
    assert 'type="time"' in page and 'step="900"' in page
    assert "Europe/London" in page  # the zone the times are in
    assert "from 21:00 to 08:00" in page  # quiet hours


# --- saving weekly hours ---


def test_saved_hours_replace_the_default_for_the_time_finder(client, world):
    user = world.protege
    client.force_login(user)
    response = client.post(URL, week(tuesday=("10:00", "12:30"), saturday=("08:00", "00:00")), follow=True)
    assert "Your weekly hours are saved." in response.text
    assert "Until you save" not in response.text
    assert 'name="tuesday_from" value="10:00"' in response.text
    assert 'name="saturday_to" value="00:00"' in response.text  # until midnight, shown as typed
    availability = availability_of([User.objects.get(pk=user.pk)])[user.pk]
    assert not availability.is_default
    assert dict(availability.weekly_hours) == {
        1: (datetime.time(10), datetime.time(12, 30)),
        5: (datetime.time(8), datetime.time.max),
    }


def test_saving_again_replaces_the_rows_and_no_day_ticked_means_never_available(client, world):
    user = world.protege
    client.force_login(user)
    client.post(URL, week(monday=("09:00", "10:00")))
    first = User.objects.get(pk=user.pk).availability_set_at
    page = client.post(URL, week(), follow=True)
    assert "saved with no day ticked" in page.text
    assert WeeklyHours.objects.filter(user=user).count() == 0
    assert _hours_of(user) == {}
    assert User.objects.get(pk=user.pk).availability_set_at > first


def test_times_of_an_unticked_day_are_ignored(client, world):
    client.force_login(world.protege)
    client.post(URL, week(monday=("09:00", "10:00")) | {"sunday_from": "18:00", "sunday_to": "09:00"})
    assert _hours_of(world.protege) == {0: (datetime.time(9), datetime.time(10))}


# --- refused hours: the message beside the field, what was typed kept, nothing saved ---


@pytest.mark.parametrize(
    "data, field, message",
    [
        (week(monday=("17:00", "09:00")), "monday_to", "Choose an end after the start"),
        (week(monday=("09:00", "09:00")), "monday_to", "Choose an end after the start"),
        (week(wednesday=("", "")), "wednesday_from", "Give the time you are available from"),
        (week(wednesday=("09:00", "")), "wednesday_to", "Give the time you are available until"),
        (week(thursday=("9am", "17:00")), "thursday_from", "Enter a time of day like 09:30"),
        (week(thursday=("25:00", "26:00")), "thursday_from", "Enter a time of day like 09:30"),
        (week(thursday=("09:00", "9" * 5000)), "thursday_to", "Enter a time of day like 09:30"),
        (week(thursday=("-1:00", "10:00")), "thursday_from", "Enter a time of day like 09:30"),
        (week(friday=("09:10", "10:00")), "friday_from", "on the quarter hour"),
        (week(friday=("09:00", "09:00:30")), "friday_to", "on the quarter hour"),
    ],
)
def test_bad_hours_are_refused_beside_the_field_and_nothing_is_saved(client, world, data, field, message):
    client.force_login(world.protege)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="#id_{field}"' in response.text
    assert f'id="id_{field}_error"' in response.text
    assert message in response.text
    typed = data[field]
    if len(typed) < 50:
        assert f'name="{field}" value="{typed}"' in response.text  # kept as typed
    assert User.objects.get(pk=world.protege.pk).availability_set_at is None
    assert not WeeklyHours.objects.filter(user=world.protege).exists()


def test_a_weekday_missing_from_the_post_is_refused_and_nothing_is_saved(client, world):
    user = world.protege
    client.force_login(user)
    availability_save(user=user, hours={0: (datetime.time(9), datetime.time(12))})
    data = week(monday=("10:00", "11:00"))
    del data["sunday_from"], data["sunday_to"]
    data["funday_available"] = "on"  # an unknown day is not a field at all
    response = client.post(URL, data)
    assert response.status_code == 200
    assert 'id="id_sunday_available_error"' in response.text
    assert "This day was not sent" in response.text
    assert _hours_of(user) == {0: (datetime.time(9), datetime.time(12))}


def test_the_service_refuses_an_unknown_weekday_and_keeps_what_was_saved(world):
    user = world.protege
    availability_save(user=user, hours={0: (datetime.time(9), datetime.time(12))})
    with pytest.raises(ValidationError):
        availability_save(
            user=user,
            hours={2: (datetime.time(9), datetime.time(10)), 9: (datetime.time(9), datetime.time(10))},
        )
    assert _hours_of(user) == {0: (datetime.time(9), datetime.time(12))}


# --- days away ---


def _away(user, first, last, note=""):
    return DayAway.objects.create(user=user, first_day=first, last_day=last, note=note)


def test_adding_days_away_lists_them_and_the_time_finder_skips_them(client, world):
    user = world.protege
    client.force_login(user)
    today = _local_today(user)
    first, last = today + datetime.timedelta(days=10), today + datetime.timedelta(days=14)
    response = client.post(
        URL,
        {
            "form": "away",
            "away-first_day": first.isoformat(),
            "away-last_day": last.isoformat(),
            "away-note": "Holiday",
        },
        follow=True,
    )
    assert "Your days away are added." in response.text
    assert "Holiday" in response.text
    refreshed = User.objects.get(pk=user.pk)
    availability = availability_of([refreshed])[user.pk]
    assert availability.days_away == ((first, last),)
    assert availability.is_away(last) and not availability.is_away(last + datetime.timedelta(days=1))
    # Days away do not turn the default weekly hours into "set".
    assert availability.is_default and dict(availability.weekly_hours) == DEFAULT_WEEKLY_HOURS


def test_days_away_restamp_availability_once_hours_are_set(world):
    user = world.protege
    before = timezone.now() - datetime.timedelta(days=3)
    availability_save(user=user, hours={}, now=before)
    today = _local_today(user)
    away = day_away_add(user=user, first_day=today, last_day=today)
    assert User.objects.get(pk=user.pk).availability_set_at > before
    user.refresh_from_db()
    stamp = user.availability_set_at
    day_away_remove(user=user, day_away_id=away.pk)
    assert User.objects.get(pk=user.pk).availability_set_at > stamp


@pytest.mark.parametrize(
    "first, last, note, field, message",
    [
        (-1, 2, "", "first_day", "This day is in the past"),
        (5, 3, "", "last_day", "Choose a last day on or after the first day"),
        (1, 800, "", "last_day", "within the next two years"),
        (1, 2, "x" * 101, "note", "101"),
        ("garbage", 2, "", "first_day", "Enter a real date."),
        ("9999-12-31", 2, "", "first_day", "within the next two years"),
        ("0001-01-01", 2, "", "first_day", "This day is in the past"),
    ],
)
def test_bad_days_away_are_refused_beside_the_field_and_nothing_is_saved(
    client, world, first, last, note, field, message
):
    user = world.protege
    client.force_login(user)
    today = _local_today(user)

    def day(value):
        return (today + datetime.timedelta(days=value)).isoformat() if isinstance(value, int) else value

    response = client.post(
        URL, {"form": "away", "away-first_day": day(first), "away-last_day": day(last), "away-note": note}
    )
    assert response.status_code == 200
    assert f'id="id_away-{field}_error"' in response.text
    assert message in response.text
    assert f'value="{day(first)}"' in response.text  # kept as typed
    assert not DayAway.objects.filter(user=user).exists()
    assert User.objects.get(pk=user.pk).availability_set_at is None


def test_a_person_cannot_list_runaway_numbers_of_days_away(client, world):
    user = world.protege
    today = _local_today(user)
    DayAway.objects.bulk_create(
        [DayAway(user=user, first_day=today, last_day=today) for _ in range(DAYS_AWAY_MAX)]
    )
    client.force_login(user)
    response = client.post(
        URL, {"form": "away", "away-first_day": today.isoformat(), "away-last_day": today.isoformat()}
    )
    assert response.status_code == 200
    assert "remove one before adding another" in response.text
    assert DayAway.objects.filter(user=user).count() == DAYS_AWAY_MAX


def test_removing_your_own_days_away(client, world):
    user = world.protege
    today = _local_today(user)
    away = _away(user, today, today + datetime.timedelta(days=2), "Conference")
    client.force_login(user)
    response = client.post(URL, {"form": "remove", "day_away": away.pk})
    assert response.status_code == 303
    response = client.get(response["Location"])
    assert "The days away are removed." in response.text
    assert "Conference" not in response.text
    assert not DayAway.objects.filter(pk=away.pk).exists()


@pytest.mark.parametrize("value", ["other", "nonsense", "", "9" * 40])
def test_someone_elses_or_an_unknown_day_away_gives_404_and_stays(client, world, value):
    today = _local_today(world.mentor)
    theirs = _away(world.mentor, today, today)
    client.force_login(world.protege)
    response = client.post(URL, {"form": "remove", "day_away": theirs.pk if value == "other" else value})
    assert response.status_code == 404
    assert DayAway.objects.filter(pk=theirs.pk).exists()


def test_past_days_away_are_not_listed_but_current_ones_are(client, world):
    user = world.protege
    today = _local_today(user)
    _away(user, today - datetime.timedelta(days=20), today - datetime.timedelta(days=10), "Long gone")
    _away(user, today - datetime.timedelta(days=2), today + datetime.timedelta(days=1), "Away now")
    _away(user, today + datetime.timedelta(days=30), today + datetime.timedelta(days=30), "Later")
    _away(world.mentor, today, today, "Not mine")
    client.force_login(user)
    page = client.get(URL).text
    assert "Away now" in page and "Later" in page
    assert "Long gone" not in page and "Not mine" not in page
    assert page.index("Away now") < page.index("Later")


# The person, the header's "Programs" link, the saved hours (once set) and the days away,
# inside the request's savepoint.
@pytest.mark.parametrize("hours_set, queries", [(False, 5), (True, 6)])
def test_the_page_takes_the_same_queries_with_1_or_10_days_away(
    client, world, django_assert_num_queries, hours_set, queries
):
    user = UserFactory()
    if hours_set:
        availability_save(user=user, hours={0: (datetime.time(9), datetime.time(12))})
    today = _local_today(user)
    client.force_login(user)
    for n in (1, 10):
        DayAway.objects.filter(user=user).delete()
        for i in range(n):
            _away(user, today + datetime.timedelta(days=i), today + datetime.timedelta(days=i))
        with django_assert_num_queries(queries):
            response = client.get(URL)
        assert response.content.count(b'name="day_away"') == n
