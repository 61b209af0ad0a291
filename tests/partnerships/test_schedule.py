"""The schedule's arithmetic: each cadence, month ends and daylight-saving changes."""

import datetime
import zoneinfo

import pytest

from partnerships.schedule import anchor_of, expected_after, late_from, next_call, step, upcoming
from programs.models import Cadence
from programs.rhythms import Rhythm

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(tz, *args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


def series(rhythm, anchor, tz, n):
    return [step(rhythm, anchor, k, tz).astimezone(tz) for k in range(n)]


def test_weekly_is_seven_days_later_at_the_same_time():
    assert expected_after(Rhythm(Cadence.WEEKLY), at(LONDON, 2026, 5, 5, 17), LONDON) == at(
        LONDON, 2026, 5, 12, 17
    )


def test_every_two_weeks_is_fourteen_days_later():
    assert expected_after(Rhythm(Cadence.EVERY_TWO_WEEKS), at(LONDON, 2026, 5, 5, 17), LONDON) == at(
        LONDON, 2026, 5, 19, 17
    )


@pytest.mark.parametrize("weeks", range(1, 9))
def test_every_n_weeks_is_n_weeks_later(weeks):
    anchor = at(LONDON, 2026, 5, 5, 17)
    assert expected_after(
        Rhythm(Cadence.EVERY_N_WEEKS, weeks), anchor, LONDON
    ) == anchor + datetime.timedelta(weeks=weeks)


def test_weekly_keeps_local_time_when_the_clocks_go_forward():
    # Europe/London goes from GMT to BST on 29 March 2026.
    before = at(LONDON, 2026, 3, 24, 17)
    after = expected_after(Rhythm(Cadence.WEEKLY), before, LONDON)
    assert after.astimezone(LONDON).time() == datetime.time(17)
    assert before.astimezone(UTC).hour == 17
    assert after.astimezone(UTC).hour == 16  # an hour earlier in UTC
    assert after - before == datetime.timedelta(days=7, hours=-1)


def test_every_n_weeks_keeps_local_time_when_the_clocks_go_back():
    # America/New_York goes from EDT to EST on 1 November 2026.
    anchor = at(NEW_YORK, 2026, 10, 20, 9, 30)
    calls = series(Rhythm(Cadence.EVERY_N_WEEKS, 3), anchor, NEW_YORK, 3)
    assert [c.date() for c in calls] == [
        datetime.date(2026, 10, 20),
        datetime.date(2026, 11, 10),
        datetime.date(2026, 12, 1),
    ]
    assert {c.time() for c in calls} == {datetime.time(9, 30)}
    assert [c.astimezone(UTC).hour for c in calls] == [13, 14, 14]


def test_twice_a_month_keeps_local_time_across_a_daylight_saving_change():
    anchor = at(LONDON, 2026, 3, 16, 8)
    calls = series(Rhythm(Cadence.TWICE_A_MONTH), anchor, LONDON, 3)
    assert [c.date() for c in calls] == [
        datetime.date(2026, 3, 16),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 16),
    ]
    assert {c.time() for c in calls} == {datetime.time(8)}
    assert [c.astimezone(UTC).hour for c in calls] == [8, 7, 7]


def test_a_call_in_the_hour_the_clocks_skip_lands_an_hour_later():
    # 01:30 on 29 March 2026 does not exist in London.
    call = expected_after(Rhythm(Cadence.WEEKLY), at(LONDON, 2026, 3, 22, 1, 30), LONDON)
    assert call.astimezone(LONDON) == at(LONDON, 2026, 3, 29, 2, 30)


def test_monthly_from_the_31st_is_the_last_day_of_shorter_months_without_drifting():
    calls = series(Rhythm(Cadence.MONTHLY), at(UTC, 2026, 1, 31, 12), UTC, 5)
    assert [c.date() for c in calls] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
        datetime.date(2026, 5, 31),
    ]


def test_monthly_from_31_january_in_a_leap_year_is_29_february():
    assert expected_after(Rhythm(Cadence.MONTHLY), at(UTC, 2028, 1, 31, 12), UTC).date() == datetime.date(
        2028, 2, 29
    )


def test_twice_a_month_from_the_31st_meets_on_the_16th_and_the_last_day():
    calls = series(Rhythm(Cadence.TWICE_A_MONTH), at(UTC, 2026, 1, 31, 12), UTC, 7)
    assert [c.date() for c in calls] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 16),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 16),
        datetime.date(2026, 4, 30),
    ]


def test_twice_a_month_from_the_15th_meets_on_the_15th_and_30th_or_the_last_day():
    calls = series(Rhythm(Cadence.TWICE_A_MONTH), at(UTC, 2028, 1, 15, 12), UTC, 6)
    assert [c.date() for c in calls] == [
        datetime.date(2028, 1, 15),
        datetime.date(2028, 1, 30),
        datetime.date(2028, 2, 15),
        datetime.date(2028, 2, 29),  # leap year
        datetime.date(2028, 3, 15),
        datetime.date(2028, 3, 30),
    ]


def test_twice_a_month_crosses_the_year_end():
    calls = series(Rhythm(Cadence.TWICE_A_MONTH), at(UTC, 2026, 12, 20, 12), UTC, 3)
    assert [c.date() for c in calls] == [
        datetime.date(2026, 12, 20),
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 20),
    ]


def test_every_n_weeks_crosses_month_ends_by_whole_weeks():
    calls = series(Rhythm(Cadence.EVERY_N_WEEKS, 5), at(UTC, 2026, 1, 31, 12), UTC, 3)
    assert [c.date() for c in calls] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 3, 7),
        datetime.date(2026, 4, 11),
    ]


@pytest.mark.parametrize(
    ("rhythm", "grace"),
    [
        (Rhythm(Cadence.WEEKLY), 3),
        (Rhythm(Cadence.EVERY_TWO_WEEKS), 4),
        (Rhythm(Cadence.TWICE_A_MONTH), 4),
        (Rhythm(Cadence.MONTHLY), 7),
        (Rhythm(Cadence.EVERY_N_WEEKS, 1), 3),
        (Rhythm(Cadence.EVERY_N_WEEKS, 3), 5),
        (Rhythm(Cadence.EVERY_N_WEEKS, 8), 7),
    ],
)
def test_late_means_a_quarter_of_the_interval_between_three_days_and_a_week(rhythm, grace):
    assert rhythm.grace_days == grace
    expected = at(LONDON, 2026, 5, 12, 17)
    assert late_from(rhythm, expected, LONDON) == at(LONDON, 2026, 5, 13 + grace, 0)


def test_late_counts_whole_local_days_across_a_daylight_saving_change():
    late = late_from(Rhythm(Cadence.WEEKLY), at(LONDON, 2026, 3, 27, 17), LONDON)
    assert late.astimezone(LONDON) == at(LONDON, 2026, 3, 31, 0)
    assert late.astimezone(UTC) == at(UTC, 2026, 3, 30, 23)


def test_rhythm_refuses_an_n_outside_one_to_eight():
    with pytest.raises(ValueError):
        Rhythm(Cadence.EVERY_N_WEEKS, 9)
    with pytest.raises(ValueError):
        Rhythm(Cadence.EVERY_N_WEEKS, None)


def test_upcoming_lists_the_expected_calls_after_now_until_the_end():
    anchor = at(UTC, 2026, 5, 1, 12)
    calls = upcoming(
        Rhythm(Cadence.WEEKLY), anchor, UTC, after=at(UTC, 2026, 5, 10), until=at(UTC, 2026, 5, 30), limit=10
    )
    assert [c.day for c in calls] == [15, 22, 29]
    assert (
        len(upcoming(Rhythm(Cadence.WEEKLY), anchor, UTC, after=anchor, until=at(UTC, 2027, 1, 1), limit=2))
        == 2
    )


class TestNextCall:
    now = at(UTC, 2026, 5, 10, 12)
    rhythm = Rhythm(Cadence.EVERY_TWO_WEEKS)

    def test_a_set_call_ahead_is_the_next_call(self):
        set_at = at(UTC, 2026, 5, 12, 16)
        call = next_call(rhythm=None, set_at=set_at, last_call_at=None, started_on=None, tz=UTC, now=self.now)
        assert call.at == set_at and call.is_set and not call.is_late(self.now)

    def test_without_a_set_call_it_is_expected_one_step_after_the_last_call(self):
        last = at(UTC, 2026, 5, 1, 16)
        call = next_call(
            rhythm=self.rhythm, set_at=None, last_call_at=last, started_on=None, tz=UTC, now=self.now
        )
        assert call.at == at(UTC, 2026, 5, 15, 16) and not call.is_set and call.last_call == last
        assert not call.is_late(self.now)
        assert call.is_late(at(UTC, 2026, 5, 20))

    def test_a_set_call_whose_time_passed_counts_as_the_last_call(self):
        passed = at(UTC, 2026, 5, 5, 16)
        call = next_call(
            rhythm=self.rhythm,
            set_at=passed,
            last_call_at=at(UTC, 2026, 4, 20),
            started_on=None,
            tz=UTC,
            now=self.now,
        )
        assert call.at == at(UTC, 2026, 5, 19, 16)

    def test_with_no_call_yet_it_counts_from_the_start(self):
        call = next_call(
            rhythm=self.rhythm,
            set_at=None,
            last_call_at=None,
            started_on=datetime.date(2026, 4, 1),
            tz=UTC,
            now=self.now,
        )
        assert call.at == at(UTC, 2026, 4, 15, 12) and call.is_late(self.now)

    def test_nothing_to_count_from_without_an_agreement(self):
        assert (
            next_call(rhythm=None, set_at=None, last_call_at=None, started_on=None, tz=UTC, now=self.now)
            is None
        )


class TestAnchor:
    now = at(UTC, 2026, 5, 10, 12)
    started_on = datetime.date(2026, 4, 1)

    def test_it_is_the_later_of_the_logged_call_and_a_set_call_that_has_passed(self):
        logged, passed = at(UTC, 2026, 5, 1, 16), at(UTC, 2026, 5, 5, 16)
        assert anchor_of(logged, passed, self.started_on, self.now) == passed
        assert anchor_of(passed, logged, self.started_on, self.now) == passed

    def test_a_set_call_still_ahead_does_not_count(self):
        logged, ahead = at(UTC, 2026, 5, 1, 16), at(UTC, 2026, 5, 12, 16)
        assert anchor_of(logged, ahead, self.started_on, self.now) == logged
        assert anchor_of(None, ahead, self.started_on, self.now) == at(UTC, 2026, 4, 1, 12)

    def test_before_any_call_it_is_noon_utc_of_the_start_day_and_none_before_the_start(self):
        assert anchor_of(None, None, self.started_on, self.now) == at(UTC, 2026, 4, 1, 12)
        assert anchor_of(None, None, None, self.now) is None
