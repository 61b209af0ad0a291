"""Each kind's rule: who gets what, when, in their own time zone, never in
their quiet hours, and right across a daylight-saving change."""

import datetime
import zoneinfo

import pytest

from partnerships.models import Agreement, Partnership
from reminders.models import Kind, Reminder, ReminderOptOut
from reminders.services.scan import reminders_scan
from reminders.timing import outside_quiet_hours

from .conftest import at, rows

LONDON = zoneinfo.ZoneInfo("Europe/London")


def set_call(partnership: Partnership, when: datetime.datetime) -> None:
    Partnership.objects.filter(pk=partnership.pk).update(
        next_call_at=when, next_call_time_zone="Europe/London"
    )


# --- quiet hours -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 7, 1, 12, 0), at(2026, 7, 1, 12, 0)),  # 13:00 BST: fine
        (at(2026, 7, 1, 20, 30), at(2026, 7, 2, 7, 0)),  # 21:30 BST → 08:00 BST next day
        (at(2026, 7, 1, 3, 0), at(2026, 7, 1, 7, 0)),  # 04:00 BST → 08:00 BST
        (at(2026, 7, 1, 6, 59), at(2026, 7, 1, 7, 0)),  # 07:59 BST → 08:00 BST
        (at(2026, 7, 1, 7, 0), at(2026, 7, 1, 7, 0)),  # 08:00 BST sharp is fine
        # The clocks go back at 02:00 BST on 25 October 2026: 23:30 BST on the
        # 24th moves to 08:00 GMT on the 25th, which is 08:00 UTC, not 07:00.
        (at(2026, 10, 24, 22, 30), at(2026, 10, 25, 8, 0)),
        # They go forward on 29 March 2026: 22:00 GMT on the 28th → 08:00 BST (07:00 UTC).
        (at(2026, 3, 28, 22, 0), at(2026, 3, 29, 7, 0)),
    ],
)
def test_quiet_hours_move_a_reminder_to_eight_in_the_morning_local(moment, expected):
    assert outside_quiet_hours(moment, LONDON) == expected


# --- check-in ----------------------------------------------------------------


def test_check_in_reminds_both_a_day_before_and_the_morning_of_the_call(world):
    call = at(2026, 10, 6, 15, 0)  # 16:00 BST
    set_call(world.partnership, call)
    assert reminders_scan(now=at(2026, 10, 5, 12, 0))["decided"] == 0  # 27 hours ahead: not yet

    reminders_scan(now=at(2026, 10, 5, 14, 0))
    got = rows(kind=Kind.CHECK_IN)
    assert {(r.recipient, r.object_key) for r in got} == {
        (world.mentor, "day_before"),
        (world.protege, "day_before"),
        (world.mentor, "morning"),
        (world.protege, "morning"),
    }
    assert all(r.due_at == call for r in got)
    # 16:00 BST the day before: decided an hour early, it waits in the ledger.
    assert {r.send_at for r in got if r.object_key == "day_before"} == {at(2026, 10, 5, 15, 0)}
    assert {r.send_at for r in got if r.object_key == "morning"} == {at(2026, 10, 6, 7, 0)}  # 08:00 BST


def test_a_check_in_the_day_before_is_not_sent_in_the_night_nor_moved_onto_the_call_day(world):
    """A call at 22:30: the day before at 22:30 is quiet, and 08:00 the next
    morning is the call's day. Only the morning one goes: one check-in that
    day, and no email says "tomorrow" on the day itself."""
    set_call(world.partnership, at(2026, 10, 6, 21, 30))  # 22:30 BST
    reminders_scan(now=at(2026, 10, 5, 21, 0))
    got = rows(kind=Kind.CHECK_IN)
    assert {(r.recipient, r.object_key, r.send_at) for r in got} == {
        (world.mentor, "morning", at(2026, 10, 6, 7, 0)),
        (world.protege, "morning", at(2026, 10, 6, 7, 0)),
    }


def test_check_in_follows_each_persons_zone_across_the_clock_change(world):
    """The morning reminder is 08:00 on each person's own clock: after the
    clocks went back in London that is 08:00 UTC; in New York (not changed yet) 12:00 UTC."""
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    call = at(2026, 10, 26, 17, 0)  # Monday 26 October: 17:00 GMT, 13:00 EDT
    set_call(world.partnership, call)
    reminders_scan(now=at(2026, 10, 25, 17, 30))
    morning = {r.recipient: r.send_at for r in rows(kind=Kind.CHECK_IN, object_key="morning")}
    assert morning == {world.mentor: at(2026, 10, 26, 8, 0), world.protege: at(2026, 10, 26, 12, 0)}


def test_a_call_set_for_later_today_gets_only_the_morning_reminder_now(world):
    set_call(world.partnership, at(2026, 10, 6, 15, 0))
    reminders_scan(now=at(2026, 10, 6, 10, 0))
    got = rows(kind=Kind.CHECK_IN)
    assert {r.object_key for r in got} == {"morning"}
    assert {r.send_at for r in got} == {at(2026, 10, 6, 10, 0)}


def test_an_early_call_gets_no_reminder_that_quiet_hours_would_push_past_it(world):
    set_call(world.partnership, at(2026, 10, 6, 6, 30))  # 07:30 BST
    reminders_scan(now=at(2026, 10, 5, 20, 45))  # 21:45 BST: quiet until after the call
    assert rows(kind=Kind.CHECK_IN) == []


# --- agreement pending --------------------------------------------------------


def test_a_proposal_waiting_three_days_reminds_the_side_that_has_not_accepted(world, proposal):
    proposed = at(2026, 10, 1, 9, 0)
    Agreement.objects.filter(pk=proposal.pk).update(created_at=proposed)
    reminders_scan(now=at(2026, 10, 4, 8, 0))
    assert rows(kind=Kind.AGREEMENT_PENDING) == []
    reminders_scan(now=at(2026, 10, 4, 9, 1))
    [reminder] = rows(kind=Kind.AGREEMENT_PENDING)
    assert reminder.recipient == world.protege
    assert reminder.object_key == f"agreement-{proposal.pk}"
    assert reminder.due_at == at(2026, 10, 4, 9, 0)


def test_an_accepted_agreement_reminds_no_one(world, agreed):
    Agreement.objects.filter(pk=agreed.pk).update(created_at=at(2026, 1, 1))
    reminders_scan(now=at(2026, 10, 4, 12, 0))
    assert rows(kind=Kind.AGREEMENT_PENDING) == []


# --- nudge and stall ----------------------------------------------------------


def test_no_call_for_one_and_a_half_weeks_nudges_the_pair_but_does_not_flag(world, agreed):
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=at(2026, 10, 1, 12, 0))
    reminders_scan(now=at(2026, 10, 11, 23, 0))  # 10.5 days is 2026-10-12 00:00
    assert rows(kind=Kind.NUDGE) == []
    reminders_scan(now=at(2026, 10, 12, 9, 0))
    nudges = rows(kind=Kind.NUDGE)
    assert {r.recipient for r in nudges} == {world.mentor, world.protege}
    assert {r.due_at for r in nudges} == {at(2026, 10, 12, 0, 0)}
    assert rows(kind=Kind.STALL) == []


def test_two_weeks_without_a_call_flags_the_pair_to_the_program_admins(world, agreed, client):
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=at(2026, 10, 1, 12, 0))
    reminders_scan(now=at(2026, 10, 15, 13, 0))
    [flag] = rows(kind=Kind.STALL)
    assert flag.recipient == world.admin
    assert flag.due_at == at(2026, 10, 15, 12, 0)
    assert len(rows(kind=Kind.NUDGE)) == 2


def test_a_call_set_ahead_holds_the_nudge_but_not_the_flag(world, agreed):
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=at(2026, 10, 1, 12, 0), next_call_at=at(2026, 10, 20, 12, 0)
    )
    reminders_scan(now=at(2026, 10, 16, 9, 0))
    assert rows(kind=Kind.NUDGE) == []
    assert len(rows(kind=Kind.STALL)) == 1


def test_the_interval_follows_the_agreed_cadence(world):
    from tests.partnerships.agreement_helpers import agree

    agree(world.partnership, cadence="monthly")
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=at(2026, 10, 1, 12, 0))
    reminders_scan(now=at(2026, 10, 30, 12, 0))  # 29 days: fine for a monthly pair
    assert rows(kind=Kind.NUDGE) == []
    reminders_scan(now=at(2026, 11, 15, 12, 0))  # 45 days = 1.5 × 30
    assert len(rows(kind=Kind.NUDGE)) == 2


def test_a_pair_without_an_agreement_in_force_is_not_nudged(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=at(2026, 1, 1))
    reminders_scan(now=at(2026, 10, 15, 12, 0))
    assert rows(kind__in=[Kind.NUDGE, Kind.STALL]) == []


# --- opt-out -----------------------------------------------------------------


def test_a_person_who_stopped_a_kind_does_not_get_it(world):
    ReminderOptOut.objects.create(user=world.protege, kind=Kind.CHECK_IN)
    set_call(world.partnership, at(2026, 10, 6, 15, 0))
    reminders_scan(now=at(2026, 10, 5, 16, 0))
    assert {r.recipient for r in rows(kind=Kind.CHECK_IN)} == {world.mentor}


def test_ended_partnerships_get_no_reminders(world, agreed):
    Partnership.objects.filter(pk=world.partnership.pk).update(
        status=Partnership.Status.COMPLETED, next_call_at=at(2026, 10, 6, 15, 0), last_call_at=at(2026, 1, 1)
    )
    reminders_scan(now=at(2026, 10, 5, 16, 0))
    assert Reminder.objects.count() == 0
