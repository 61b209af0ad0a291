"""Offered times for a pair's next call on the awkward cases: a pair 13 hours
apart, daylight-saving changes on different dates, days away, quiet hours,
a monthly cadence over a month end, and a half-hour zone. Fixed moments only."""

import datetime
import zoneinfo

from accounts.selectors import Availability
from partnerships.slots import BEYOND_DAYS, LEAD, OVERDUE_DAYS, Found, Window, find_times, fits, window_for
from programs.models import Cadence
from programs.rhythms import Rhythm

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SINGAPORE = zoneinfo.ZoneInfo("Asia/Singapore")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
T = datetime.time
D = datetime.date


def at(tz, *args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


OFFICE_HOURS = (T(9), T(17))  # the default until a person sets theirs


def person(tz, start=OFFICE_HOURS[0], end=OFFICE_HOURS[1], days=range(5), away=()) -> Availability:
    """Someone in ``tz`` with the same hours on each of ``days`` (weekdays by default)."""
    return Availability(tz=tz, weekly_hours={day: (start, end) for day in days}, days_away=tuple(away))


def clock(moment, minutes, tz):
    """A call's local date, start and end on the clock of ``tz``."""
    start = moment.astimezone(tz)
    end = (moment + datetime.timedelta(minutes=minutes)).astimezone(tz)
    assert start.date() == end.date()
    return start.date(), start.time(), end.time()


def within_hours(moment, minutes, who: Availability) -> bool:
    day, start, end = clock(moment, minutes, who.tz)
    hours = who.weekly_hours.get(day.weekday())
    return hours is not None and hours[0] <= start and end <= hours[1] and not who.is_away(day)


def assert_offered(found: Found, minutes, asker, picker, *, both=True):
    """What each person notices about the offer: a few times, in order, none in
    anyone's quiet hours, each inside the hours of whom it must suit, on
    different days of the asker's."""
    assert 1 <= len(found.times) <= 5
    assert found.times == sorted(found.times)
    assert all(t.tzinfo == UTC for t in found.times)
    for moment in found.times:
        for who in (asker, picker):
            _, start, end = clock(moment, minutes, who.tz)
            assert T(8) <= start and end <= T(21), (moment, who.tz)
        assert within_hours(moment, minutes, picker)
        assert within_hours(moment, minutes, asker) == both
    days = [t.astimezone(asker.tz).date() for t in found.times]
    return days


# The pair 13 hours apart (New York in winter, Singapore)

NOW_DEC = at(UTC, 2026, 12, 1, 12)


def test_thirteen_hours_apart_in_office_hours_says_so_and_offers_times_that_suit_the_picker():
    window = window_for(rhythm=None, anchor=None, tz=NEW_YORK, now=NOW_DEC)
    asker, picker = person(NEW_YORK), person(SINGAPORE)

    found = find_times(window=window, minutes=60, asker=asker, picker=picker)

    assert (found.fits_both, found.in_window) == (False, True)
    days = assert_offered(found, 60, asker, picker, both=False)
    assert len(set(days)) == len(days) == 5
    # The only hour that suits Singapore and is not in New York's quiet hours.
    assert {t.astimezone(NEW_YORK).time() for t in found.times} == {T(20)}
    assert {t.astimezone(SINGAPORE).time() for t in found.times} == {T(9)}


def test_thirteen_hours_apart_meet_on_new_york_evenings_and_singapore_mornings():
    window = window_for(rhythm=None, anchor=None, tz=NEW_YORK, now=NOW_DEC)
    asker, picker = person(NEW_YORK, T(19), T(21)), person(SINGAPORE, T(8), T(17))

    found = find_times(window=window, minutes=30, asker=asker, picker=picker)

    assert (found.fits_both, found.in_window) == (True, True)
    days = assert_offered(found, 30, asker, picker)
    assert len(set(days)) == len(days) == 5
    for moment in found.times:
        ny, sg = moment.astimezone(NEW_YORK), moment.astimezone(SINGAPORE)
        assert T(19) <= ny.time() <= T(20, 30) and T(8) <= sg.time() <= T(9, 30)
        assert sg.date() == ny.date() + datetime.timedelta(days=1)
        assert ny.weekday() != 4  # a Friday evening in New York is Saturday in Singapore

    later = find_times(window=window, minutes=30, asker=asker, picker=picker, preferred=T(20, 30))
    assert {t.astimezone(SINGAPORE).time() for t in later.times} == {T(9, 30)}


# Daylight-saving changes on different dates: the US on 8 March and 1 November
# 2026, the UK on 29 March and 25 October 2026.


def weekdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5]


def every_day_of(window, minutes, asker, picker):
    return find_times(window=window, minutes=minutes, asker=asker, picker=picker, limit=40)


def test_spring_changes_move_the_london_time_of_a_new_york_hour_for_three_weeks():
    window = Window(at(UTC, 2026, 3, 2), at(UTC, 2026, 4, 4), None)
    london, new_york = person(LONDON), person(NEW_YORK, T(11), T(12))

    found = every_day_of(window, 60, london, new_york)

    assert found.fits_both and found.in_window
    offered = {t.astimezone(LONDON).date(): t for t in found.times}
    assert sorted(offered) == weekdays(D(2026, 3, 2), D(2026, 4, 3))
    for day, moment in offered.items():
        assert moment.astimezone(NEW_YORK).time() == T(11)
        between = D(2026, 3, 8) < day < D(2026, 3, 29)
        assert moment.astimezone(LONDON).time() == (T(15) if between else T(16)), day


def test_autumn_changes_keep_a_london_hour_and_move_it_in_new_york_for_a_week():
    window = Window(at(UTC, 2026, 10, 19), at(UTC, 2026, 11, 7), None)
    london, new_york = person(LONDON, T(16), T(17)), person(NEW_YORK)

    found = every_day_of(window, 60, london, new_york)

    offered = {t.astimezone(LONDON).date(): t for t in found.times}
    assert sorted(offered) == weekdays(D(2026, 10, 19), D(2026, 11, 6))
    for day, moment in offered.items():
        assert moment.astimezone(LONDON).time() == T(16)
        between = D(2026, 10, 25) < day < D(2026, 11, 1)
        assert moment.astimezone(NEW_YORK).time() == (T(12) if between else T(11)), day


def test_a_five_time_offer_across_both_spring_changes_stays_in_both_peoples_hours():
    window = Window(at(UTC, 2026, 3, 2), at(UTC, 2026, 4, 4), at(UTC, 2026, 3, 18, 15))
    london, new_york = person(LONDON, T(15), T(17)), person(NEW_YORK, T(9), T(12))

    found = find_times(window=window, minutes=45, asker=london, picker=new_york)

    days = assert_offered(found, 45, london, new_york)
    assert days == weekdays(D(2026, 3, 16), D(2026, 3, 20))  # the week of the expected day


# Days away


def test_days_away_over_the_whole_window_offer_the_nearest_days_after_it():
    window = window_for(rhythm=None, anchor=None, tz=NEW_YORK, now=at(UTC, 2027, 1, 1, 12))
    asker, picker = person(NEW_YORK), person(LONDON, away=[(D(2026, 12, 28), D(2027, 1, 19))])

    found = find_times(window=window, minutes=60, asker=asker, picker=picker)

    assert (found.fits_both, found.in_window) == (True, False)
    days = assert_offered(found, 60, asker, picker)
    assert days == [D(2027, 1, 20), D(2027, 1, 21), D(2027, 1, 22), D(2027, 1, 25), D(2027, 1, 26)]
    assert all(
        window.ends_at <= t <= window.ends_at + datetime.timedelta(days=BEYOND_DAYS) for t in found.times
    )
    assert {t.astimezone(LONDON).time() for t in found.times} == {T(15)}  # 10:00 in New York


def test_the_asker_away_over_the_window_is_not_offered_a_day_away():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 9), None)
    asker = person(LONDON, away=[(D(2027, 1, 1), D(2027, 1, 12))])

    found = find_times(window=window, minutes=30, asker=asker, picker=person(LONDON))

    assert not found.in_window and found.fits_both
    assert found.times[0].astimezone(LONDON).date() == D(2027, 1, 13)


def test_nobody_available_at_all_offers_nothing():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 9), None)
    away = [(D(2027, 1, 1), D(2027, 3, 1))]

    found = find_times(
        window=window, minutes=30, asker=person(LONDON, away=away), picker=person(LONDON, away=away)
    )

    assert found == Found([], fits_both=False, in_window=False)


# The picker has no hours, or is away for all of it: the asker's times


def test_a_picker_without_hours_is_offered_the_askers_times_outside_their_own_quiet_hours():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 9), None)
    asker, picker = person(LONDON), person(NEW_YORK, days=())

    found = find_times(window=window, minutes=60, asker=asker, picker=picker)

    assert (found.fits_both, found.in_window) == (False, True)
    assert all(within_hours(t, 60, asker) for t in found.times)
    assert all(window.starts_at <= t < window.ends_at for t in found.times)
    # 10:00 in London is 05:00 in New York: the nearest outside its quiet hours is 13:00 (08:00).
    assert {t.astimezone(LONDON).time() for t in found.times} == {T(13)}
    assert {t.astimezone(NEW_YORK).time() for t in found.times} == {T(8)}
    assert len({t.astimezone(LONDON).date() for t in found.times}) == 5


def test_a_picker_away_for_the_window_and_after_is_offered_the_askers_times_in_the_window():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 9), None)
    asker, picker = person(LONDON), person(LONDON, away=[(D(2027, 1, 1), D(2027, 3, 1))])

    found = find_times(window=window, minutes=30, asker=asker, picker=picker)

    assert (found.fits_both, found.in_window) == (False, True)
    assert [t.astimezone(LONDON) for t in found.times] == [
        at(LONDON, 2027, 1, day, 10) for day in (4, 5, 6, 7, 8)
    ]


def test_the_askers_times_after_the_window_when_they_are_away_in_it_and_the_picker_has_no_hours():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 9), None)
    asker = person(LONDON, away=[(D(2027, 1, 1), D(2027, 1, 12))])

    found = find_times(window=window, minutes=30, asker=asker, picker=person(LONDON, days=()))

    assert (found.fits_both, found.in_window) == (False, False)
    assert found.times[0].astimezone(LONDON) == at(LONDON, 2027, 1, 13, 10)
    assert all(within_hours(t, 30, asker) for t in found.times)


def test_askers_hours_only_in_the_pickers_quiet_hours_offer_nothing():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 9), None)
    # Singapore's afternoons are New York's nights; New York keeps no hours.
    asker, picker = person(SINGAPORE, T(14), T(17)), person(NEW_YORK, days=())

    found = find_times(window=window, minutes=60, asker=asker, picker=picker)

    assert found == Found([], fits_both=False, in_window=False)


# Quiet hours


def test_long_hours_never_reach_into_quiet_hours():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 11), None)
    early_bird = person(LONDON, T(6), T(23), days=range(7))

    early = find_times(window=window, minutes=60, asker=early_bird, picker=early_bird, preferred=T(6))
    late = find_times(window=window, minutes=60, asker=early_bird, picker=early_bird, preferred=T(23))

    assert {t.astimezone(LONDON).time() for t in early.times} == {T(8)}
    assert {t.astimezone(LONDON).time() for t in late.times} == {T(20)}  # ends at 21:00


def test_long_hours_in_two_zones_keep_both_quiet_hours():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 11), None)
    london, new_york = person(LONDON, T(6), T(23), range(7)), person(NEW_YORK, T(6), T(23), range(7))

    for preferred in (T(6), T(12), T(23)):
        found = find_times(window=window, minutes=60, asker=london, picker=new_york, preferred=preferred)
        assert_offered(found, 60, london, new_york)
    early = find_times(window=window, minutes=60, asker=london, picker=new_york, preferred=T(6))
    assert {t.astimezone(NEW_YORK).time() for t in early.times} == {T(8)}  # 13:00 in London


def test_quiet_hours_hold_when_no_time_suits_both():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 11), None)
    # Singapore's afternoons are New York's nights: no overlap.
    asker, picker = person(SINGAPORE, T(14), T(17)), person(NEW_YORK, T(6), T(23))

    found = find_times(window=window, minutes=60, asker=asker, picker=picker)

    assert not found.fits_both
    assert_offered(found, 60, asker, picker, both=False)
    # Late in New York's day, early in Singapore's, never past 21:00 or before 08:00.
    assert {t.astimezone(NEW_YORK).time() for t in found.times} == {T(20)}
    assert {t.astimezone(SINGAPORE).time() for t in found.times} == {T(9)}


# A monthly cadence over a month end


def test_monthly_from_31_january_offers_days_around_28_february_across_the_month_end():
    anchor = at(LONDON, 2027, 1, 31, 10)
    window = window_for(rhythm=Rhythm(Cadence.MONTHLY), anchor=anchor, tz=LONDON, now=at(UTC, 2027, 2, 10, 9))

    assert window.expected_at == at(LONDON, 2027, 2, 28, 10)
    assert (window.starts_at, window.ends_at) == (at(UTC, 2027, 2, 21), at(UTC, 2027, 3, 8))
    london = person(LONDON)
    found = find_times(window=window, minutes=60, asker=london, picker=london)
    days = assert_offered(found, 60, london, london)
    assert days == [D(2027, 2, 25), D(2027, 2, 26), D(2027, 3, 1), D(2027, 3, 2), D(2027, 3, 3)]


def test_monthly_from_31_january_in_a_leap_year_centres_on_29_february():
    anchor = at(LONDON, 2028, 1, 31, 10)
    window = window_for(rhythm=Rhythm(Cadence.MONTHLY), anchor=anchor, tz=LONDON, now=at(UTC, 2028, 2, 10, 9))

    assert window.expected_at == at(LONDON, 2028, 2, 29, 10)
    assert (window.starts_at, window.ends_at) == (at(UTC, 2028, 2, 22), at(UTC, 2028, 3, 8))
    london = person(LONDON)
    found = find_times(window=window, minutes=60, asker=london, picker=london)
    days = assert_offered(found, 60, london, london)
    assert days == [D(2028, 2, 28), D(2028, 2, 29), D(2028, 3, 1), D(2028, 3, 2), D(2028, 3, 3)]


# A half-hour zone


def test_kolkata_asks_london_on_its_own_half_hours():
    window = window_for(rhythm=None, anchor=None, tz=KOLKATA, now=NOW_DEC)
    asker, picker = person(KOLKATA), person(LONDON)

    found = find_times(window=window, minutes=45, asker=asker, picker=picker)

    assert found.fits_both
    assert_offered(found, 45, asker, picker)
    assert {t.astimezone(KOLKATA).minute for t in found.times} <= {0, 30}
    # 14:30 in Kolkata is the nearest to 10:00 that London's day has begun for.
    assert {t.astimezone(KOLKATA).time() for t in found.times} == {T(14, 30)}
    assert {t.astimezone(LONDON).time() for t in found.times} == {T(9)}


def test_london_asks_kolkata_on_londons_half_hours():
    window = window_for(rhythm=None, anchor=None, tz=LONDON, now=NOW_DEC)
    asker, picker = person(LONDON), person(KOLKATA)

    found = find_times(window=window, minutes=45, asker=asker, picker=picker)

    assert_offered(found, 45, asker, picker)
    assert {t.astimezone(LONDON).time() for t in found.times} == {T(10)}
    assert {t.astimezone(KOLKATA).time() for t in found.times} == {T(15, 30)}


# Spreading over days


def test_fewer_days_than_three_get_second_times_two_hours_apart():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 6), None)
    london = person(LONDON)

    found = find_times(window=window, minutes=60, asker=london, picker=london)

    assert [t.astimezone(LONDON) for t in found.times] == [
        at(LONDON, 2027, 1, 4, 10),
        at(LONDON, 2027, 1, 4, 12),
        at(LONDON, 2027, 1, 5, 10),
    ]


def test_one_day_gets_two_times_at_most():
    window = Window(at(UTC, 2027, 1, 4), at(UTC, 2027, 1, 5), None)
    london = person(LONDON)

    found = find_times(window=window, minutes=60, asker=london, picker=london, preferred=T(16))

    assert [t.astimezone(LONDON).time() for t in found.times] == [T(14), T(16)]


def test_without_an_expected_call_the_earliest_days_are_offered():
    window = window_for(rhythm=None, anchor=None, tz=LONDON, now=at(UTC, 2027, 1, 1, 12))
    london = person(LONDON)

    found = find_times(window=window, minutes=30, asker=london, picker=london)

    assert [t.astimezone(LONDON).date() for t in found.times] == weekdays(D(2027, 1, 4), D(2027, 1, 8))


# The window


WEEKLY = Rhythm(Cadence.WEEKLY)
ANCHOR = at(LONDON, 2026, 5, 5, 17)  # a Tuesday


def test_window_opens_grace_days_before_the_expected_day_and_closes_when_late():
    window = window_for(rhythm=WEEKLY, anchor=ANCHOR, tz=LONDON, now=at(UTC, 2026, 5, 5, 18))

    assert WEEKLY.grace_days == 3
    assert window == Window(at(LONDON, 2026, 5, 9), at(LONDON, 2026, 5, 16), at(LONDON, 2026, 5, 12, 17))
    assert window.starts_at.tzinfo == UTC


def test_window_never_opens_sooner_than_twelve_hours_from_now():
    now = at(UTC, 2026, 5, 10, 6)
    window = window_for(rhythm=WEEKLY, anchor=ANCHOR, tz=LONDON, now=now)

    assert window.starts_at == now + LEAD == at(UTC, 2026, 5, 10, 18)
    assert not window.overdue


def test_a_late_pair_gets_the_week_from_tomorrow():
    now = at(UTC, 2026, 5, 15, 12)
    window = window_for(rhythm=WEEKLY, anchor=ANCHOR, tz=LONDON, now=now)

    assert window.overdue
    assert (window.starts_at, window.ends_at) == (
        now + LEAD,
        now + LEAD + datetime.timedelta(days=OVERDUE_DAYS),
    )
    assert window.expected_at == at(LONDON, 2026, 5, 12, 17)


def test_less_than_a_day_before_late_counts_as_overdue():
    window = window_for(rhythm=WEEKLY, anchor=ANCHOR, tz=LONDON, now=at(UTC, 2026, 5, 14, 20))

    assert window.overdue and window.starts_at == at(UTC, 2026, 5, 15, 8)


def test_no_rhythm_or_no_anchor_is_two_weeks_with_nothing_expected():
    now = at(UTC, 2026, 5, 5, 18)
    for rhythm, anchor in ((None, ANCHOR), (WEEKLY, None)):
        window = window_for(rhythm=rhythm, anchor=anchor, tz=LONDON, now=now)
        assert window == Window(now + LEAD, now + LEAD + datetime.timedelta(days=14), None)


# One call on one person's clock


def test_a_call_may_end_exactly_when_the_hours_end():
    london = person(LONDON)

    assert fits(at(LONDON, 2027, 1, 4, 16), 60, london)
    assert fits(at(LONDON, 2027, 1, 4, 16, 30), 30, london)
    assert not fits(at(LONDON, 2027, 1, 4, 16, 30), 60, london)
    assert fits(at(LONDON, 2027, 1, 4, 9), 60, london)
    assert not fits(at(LONDON, 2027, 1, 4, 8, 30), 60, london)


def test_no_call_on_a_weekend_a_day_away_or_across_midnight():
    london = person(LONDON, away=[(D(2027, 1, 5), D(2027, 1, 5))])
    night_owl = person(LONDON, T(8), T(23, 59), days=range(7))

    assert not fits(at(LONDON, 2027, 1, 9, 10), 60, london)  # Saturday
    assert not fits(at(LONDON, 2027, 1, 5, 10), 60, london)  # away
    assert fits(at(LONDON, 2027, 1, 6, 10), 60, london)
    assert not fits(at(LONDON, 2027, 1, 4, 23, 30), 60, night_owl)


def test_quiet_hours_bound_any_weekly_hours():
    long_day = person(LONDON, T(6), T(23))

    assert not fits(at(LONDON, 2027, 1, 4, 7, 30), 30, long_day)
    assert fits(at(LONDON, 2027, 1, 4, 8), 30, long_day)
    assert fits(at(LONDON, 2027, 1, 4, 20), 60, long_day)
    assert not fits(at(LONDON, 2027, 1, 4, 20, 30), 60, long_day)


def test_a_new_york_hour_is_judged_on_new_york_clocks_across_its_change():
    new_york = person(NEW_YORK)

    assert fits(at(LONDON, 2026, 3, 2, 14), 60, new_york)  # 09:00 in New York
    assert not fits(at(LONDON, 2026, 3, 2, 13, 30), 60, new_york)  # 08:30
    assert fits(at(LONDON, 2026, 3, 16, 13, 30), 60, new_york)  # 09:30 after New York's change
    assert not fits(at(LONDON, 2026, 3, 16, 20, 30), 60, new_york)  # 16:30 to 17:30
