"""The stored health numbers (health.services.refresh): every change a pair
makes through the app counts again at once, and the day's window moves at night."""

import datetime

import pytest
from django.utils import timezone

from goals.services import RatingEntry, ratings_record
from health import services
from health.models import HealthNumbers
from health.selectors import program_health
from health.selectors.report import program_report_rows
from health.tasks import refresh_health_numbers
from partnerships.models import Partnership
from partnerships.services import partnership_close
from partnerships.signals import pair_changed
from sessions_log import services as log
from tests.factories import PartnershipFactory
from tests.goals.factories import GoalFactory
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import HomeworkFactory, SessionFactory

from .test_rule import started

pytestmark = pytest.mark.django_db


def numbers(partnership: Partnership) -> HealthNumbers:
    return HealthNumbers.objects.get(partnership=partnership)


@pytest.fixture
def pair(world) -> Partnership:
    agree(world.partnership)
    return started(world.partnership, 30)


def test_accepting_an_agreement_stores_the_calls_its_cadence_expects(world):
    agree(world.partnership, cadence="weekly")
    assert numbers(world.partnership).as_of == timezone.localdate()
    Partnership.objects.filter(pk=world.partnership.pk).update(
        started_on=timezone.localdate() - datetime.timedelta(days=28)
    )
    agree(world.partnership, cadence="weekly", method="phone")  # a new version counts again
    assert numbers(world.partnership).calls_expected == 4


def test_logging_a_call_counts_it_and_its_homework_at_once(pair, world):
    log.session_log(
        partnership=pair,
        by=world.mentor,
        data={"status": "held", "starts_at": timezone.now() - datetime.timedelta(hours=1), "minutes": 30},
        homework=[
            {"kind": "reading", "description": "Read it"},
            {"kind": "exercise", "description": "Try it"},
        ],
    )
    stored = numbers(pair)
    assert (stored.calls_held, stored.homework_assigned, stored.homework_due) == (1, 2, 0)


def test_a_draft_log_changes_no_number(pair, world):
    before = numbers(pair).updated_at
    log.session_log(
        partnership=pair,
        by=world.mentor,
        data={"status": "held", "starts_at": timezone.now(), "minutes": 30},
        homework=[{"kind": "reading", "description": "Read it"}],
        draft=True,
    )
    assert numbers(pair).updated_at == before


def test_homework_marked_done_counts_as_done_and_due(pair, world):
    item = HomeworkFactory(session=SessionFactory(partnership=pair))
    log.homework_mark_done(homework=item, by=world.protege, reflection="Learned to ask first.")
    stored = numbers(pair)
    assert (stored.homework_done, stored.homework_due, stored.homework_assigned) == (1, 1, 1)


def test_a_rating_round_stores_its_average_and_the_change(pair, world):
    goals = [GoalFactory(partnership=pair), GoalFactory(partnership=pair)]
    ratings_record(partnership=pair, by=world.protege, entries=[RatingEntry(g, 4) for g in goals])
    assert (numbers(pair).rating_latest, numbers(pair).rating_previous) == (4.0, None)
    ratings_record(
        partnership=pair, by=world.protege, entries=[RatingEntry(goals[0], 7), RatingEntry(goals[1], 8)]
    )
    assert (numbers(pair).rating_latest, numbers(pair).rating_previous) == (7.5, 4.0)


def test_is_it_working_keeps_the_lower_of_both_sides(pair, world):
    log.partnership_check_give(partnership=pair, by=world.mentor, after_calls=3, working=5, valuable=5)
    assert numbers(pair).working == 5
    log.partnership_check_give(partnership=pair, by=world.protege, after_calls=3, working=2, valuable=3)
    assert numbers(pair).working == 2


def test_a_closed_partnership_keeps_the_numbers_it_closed_with(pair, world):
    SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=3))
    partnership_close(partnership=pair, by=world.mentor, outcome="completed")
    closed_on = numbers(pair).as_of
    assert numbers(pair).calls_held == 1
    later = closed_on + datetime.timedelta(days=200)
    assert services.refresh_stale(Partnership.objects.all(), today=later) == 0
    assert numbers(pair).as_of == closed_on


def test_the_nightly_refresh_moves_the_window_for_current_pairs_only(pair, world):
    SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=89))
    services.refresh([pair.pk])
    assert numbers(pair).calls_held == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    assert services.refresh_stale(Partnership.objects.all(), today=tomorrow) == 1
    assert (numbers(pair).as_of, numbers(pair).calls_held) == (tomorrow, 0)  # out of the 90 days


def test_the_nightly_task_stores_numbers_for_pairs_that_have_none(world):
    other = PartnershipFactory(program=world.program)
    HealthNumbers.objects.all().delete()
    assert refresh_health_numbers() == Partnership.objects.count()
    assert numbers(other).as_of == timezone.localdate()
    assert refresh_health_numbers() == 0  # nothing stale: runs twice, counts once


def test_with_every_number_of_the_day_stored_the_check_is_one_query(pair, django_assert_num_queries):
    services.refresh(Partnership.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        assert services.refresh_stale(Partnership.objects.all()) == 0


def test_the_overview_counts_numbers_of_an_earlier_day_again_before_showing_them(client, pair, world):
    SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=3))
    HealthNumbers.objects.filter(partnership=pair).update(
        as_of=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(world.admin)
    page = client.get(f"/programs/{world.program.slug}/").text
    assert numbers(pair).as_of == timezone.localdate()
    assert "1 of 2" in page  # calls held of expected, counted today: the call the night missed


def test_the_numbers_commit_or_roll_back_with_the_write_that_changed_them(pair, world):
    """pair_changed is sent inside the writer's transaction: a receiver that
    fails after the refresh undoes both the write and the numbers."""
    item = HomeworkFactory(session=SessionFactory(partnership=pair))
    before = numbers(pair).homework_done

    def refuse(sender, **kwargs):
        assert numbers(pair).homework_done == before + 1  # counted, not yet committed
        raise RuntimeError("refused")

    pair_changed.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError):
            log.homework_mark_done(homework=item, by=world.protege, reflection="Learned to ask first.")
    finally:
        pair_changed.disconnect(dispatch_uid="test.refuse")
    item.refresh_from_db()
    assert (item.status, numbers(pair).homework_done) == ("open", before)


def test_the_overview_and_report_selectors_never_write(pair, world):
    HealthNumbers.objects.filter(partnership=pair).update(
        as_of=timezone.localdate() - datetime.timedelta(days=1)
    )
    program_health(world.program, {}, 1)
    list(program_report_rows(world.program))
    assert numbers(pair).as_of == timezone.localdate() - datetime.timedelta(days=1)
