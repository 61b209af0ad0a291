"""What the home pages and the program pages read of the goals: the partnership
home's panel, my home's next rating due, and the program admin's numbers."""

import dataclasses
import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from goals.models import GoalSuggestion, ProgressRating
from goals.selectors.figures import program_goal_trends
from goals.selectors.panel import goals_panel_for
from goals.selectors.ratings import next_rating_due_for
from tests.factories import PartnershipFactory

from .factories import GoalFactory, SmartGoalFactory, rate_rounds

pytestmark = pytest.mark.django_db

SECRETS = ["SECRET-WHY", "SECRET-TITLE", "SECRET-ASSESSMENT", "SECRET-REFLECTION"]


def test_the_panel_shows_every_goals_trend_and_which_deserve_a_more_advanced_version(world):
    ready = GoalFactory(partnership=world.partnership, title="Ready")
    slipping = GoalFactory(partnership=world.partnership, title="Slipping", category="situation")
    GoalFactory(partnership=world.partnership, title="New")
    rate_rounds(world.partnership, {ready: [4, 8, 8], slipping: [5, 9, 6]})
    panel = goals_panel_for(world.partnership)
    trends = {t.goal.title: t for t in panel.trends}
    assert list(trends) == ["Ready", "New", "Slipping"]  # page order: category, then written
    assert (
        trends["Ready"].latest.value,
        trends["Ready"].change_since_first,
        trends["Ready"].change_since_last,
    ) == (
        8,
        4,
        0,
    )
    assert trends["Slipping"].change_since_last == -3
    assert trends["New"].latest is None and trends["New"].change_since_first is None
    assert [t.goal for t in panel.ready_to_advance] == [ready]
    assert not panel.baseline_missing
    assert panel.next_due.point == "check_in"


def test_the_panel_asks_for_a_baseline_before_the_first_rating(world, rf):
    GoalFactory(partnership=world.partnership)
    panel = goals_panel_for(world.partnership)
    assert panel.baseline_missing and panel.next_due.point == "baseline"
    request = rf.get("/")
    request.user = world.protege
    html = render_to_string("goals/_partnership_panel.html", {"panel": panel}, request)
    assert "Give your baseline rating" in html and 'href="/partnerships/' in html
    request.user = world.mentor
    html = render_to_string("goals/_partnership_panel.html", {"panel": panel}, request)
    assert "No baseline rating yet." in html and "Give your baseline rating" not in html


def test_the_panel_partial_renders_trends_with_a_text_alternative(world, rf):
    goal = GoalFactory(partnership=world.partnership, title="Negotiating")
    rate_rounds(world.partnership, {goal: [3, 8, 9]})
    request = rf.get("/")
    request.user = world.mentor
    html = render_to_string(
        "goals/_partnership_panel.html", {"panel": goals_panel_for(world.partnership)}, request
    )
    assert "Goals and progress" in html and "goals.css" in html
    assert "<svg" in html and "Up 6 since the first rating, up 1 since the last." in html
    assert "Suggest a more advanced version" in html  # the mentor's way to act on it
    assert "style=" not in html and "<script" not in html  # the CSP refuses both


def test_the_panel_runs_three_queries_whatever_the_numbers(world, django_assert_num_queries):
    goal = GoalFactory(partnership=world.partnership)
    rate_rounds(world.partnership, {goal: [5]})
    with django_assert_num_queries(3):
        goals_panel_for(world.partnership)
    GoalFactory.create_batch(2, partnership=world.partnership)
    GoalFactory.create_batch(3, partnership=world.partnership, category="situation")
    SmartGoalFactory.create_batch(3, partnership=world.partnership)
    rate_rounds(world.partnership, {g: [5] * 50 for g in world.partnership.goals.all()})
    with django_assert_num_queries(3):
        panel = goals_panel_for(world.partnership)
        assert len(panel.trends) == 9 and all(len(t.chart.dots) in (50, 51) for t in panel.trends)


# --- My home: the next rating due --------------------------------------------------


def test_next_rating_due_for_the_protege_only_soonest_first(world, django_assert_num_queries):
    today = timezone.localdate()
    GoalFactory(partnership=world.partnership)
    rate_rounds(
        world.partnership,
        {world.partnership.goals.get(): [5]},
        start=timezone.now() - datetime.timedelta(days=3),
    )
    # The same person as protégé in a second program, with no rating yet.
    other = PartnershipFactory(protege__user=world.protege, started_on=today - datetime.timedelta(days=1))
    GoalFactory(partnership=other)
    PartnershipFactory(protege__user=world.protege, status="completed")  # over: nothing due
    with django_assert_num_queries(1):
        dues = next_rating_due_for(world.protege)
        [d.partnership.mentor.user.name for d in dues]
    assert [(d.partnership, d.point) for d in dues] == [(other, "baseline"), (world.partnership, "check_in")]
    assert (
        dues[0].due_on == today - datetime.timedelta(days=1) and dues[0].overdue and dues[0].active_goals == 1
    )
    assert dues[1].due_on == today + datetime.timedelta(days=11)  # every two weeks, the program's default
    assert dues[1].url == f"/partnerships/{world.partnership.pk}/ratings/new/"
    assert next_rating_due_for(world.mentor) == []  # mentors do not rate


@pytest.mark.parametrize(
    ("terms", "days"),
    [
        ({"cadence": "weekly"}, 7),
        ({"cadence": "every_n_weeks", "every_weeks": 3}, 21),
        ({"cadence": "monthly"}, None),
    ],
)
def test_a_check_in_rating_is_due_one_agreed_interval_after_the_last(world, terms, days):
    from tests.partnerships.agreement_helpers import agree

    agree(world.partnership, **terms)
    goal = GoalFactory(partnership=world.partnership)
    (last,) = rate_rounds(world.partnership, {goal: [5]}, start=timezone.now() - datetime.timedelta(days=1))
    last_day = timezone.localtime(last.created_at).date()
    expected = last_day + (datetime.timedelta(days=days) if days else relativedelta(months=1))
    (due,) = next_rating_due_for(world.protege)
    assert (due.point, due.due_on) == ("check_in", expected)
    assert goals_panel_for(world.partnership).next_due.due_on == expected


def test_next_rating_due_is_the_end_rating_near_the_planned_end(world):
    goal = GoalFactory(partnership=world.partnership)
    rate_rounds(world.partnership, {goal: [5]}, start=timezone.now() - datetime.timedelta(days=1))
    world.partnership.planned_end_on = timezone.localdate() + datetime.timedelta(days=5)
    world.partnership.save()
    (due,) = next_rating_due_for(world.protege)
    assert (due.point, due.due_on, due.label) == (
        "end",
        world.partnership.planned_end_on,
        "End-of-partnership rating",
    )


def test_next_rating_due_stays_fixed_in_queries(world, django_assert_num_queries):
    for _ in range(5):
        p = PartnershipFactory(protege__user=world.protege)
        goals = GoalFactory.create_batch(3, partnership=p)
        rate_rounds(p, {g: [5, 6, 7] for g in goals})
    with django_assert_num_queries(1):
        assert len(next_rating_due_for(world.protege)) == 6


# --- Program admins: numbers only ----------------------------------------------------


def test_program_admins_get_each_goals_latest_rating_and_trend_and_no_text(world, django_assert_num_queries):
    smart = SmartGoalFactory(partnership=world.partnership, title="SECRET-TITLE", why="SECRET-WHY")
    goal = GoalFactory(partnership=world.partnership, title="SECRET-TITLE 2", why="SECRET-WHY")
    rate_rounds(world.partnership, {smart: [2, 5, 4], goal: [6]})
    ProgressRating.objects.filter(goal=goal).update(
        self_assessment="SECRET-ASSESSMENT", reflection="SECRET-REFLECTION"
    )
    GoalSuggestion.objects.create(
        partnership=world.partnership, category="smart", title="SECRET-TITLE", suggested_by=world.mentor
    )
    elsewhere = GoalFactory(partnership=PartnershipFactory())  # another program
    rate_rounds(elsewhere.partnership, {elsewhere: [9]})

    with django_assert_num_queries(1):
        trends = program_goal_trends(world.program)
    assert list(trends) == [world.partnership.pk]
    first, second = trends[world.partnership.pk]
    assert (first.category, first.status, first.ratings, first.first, first.previous, first.latest) == (
        "smart",
        "active",
        3,
        2,
        5,
        4,
    )
    assert (first.change_since_first, first.change_since_last, first.direction) == (2, -1, "down")
    assert (second.latest, second.change_since_first, second.direction) == (6, None, "new")

    # Nothing the pair wrote: only numbers, dates, categories and statuses.
    for figures in trends[world.partnership.pk]:
        for field in dataclasses.fields(figures):
            value = getattr(figures, field.name)
            assert (
                value is None
                or isinstance(value, (int, datetime.datetime))
                or field.name in ("category", "status")
            )
        assert not any(secret in repr(figures) for secret in SECRETS)


def test_program_goal_trends_can_read_a_page_of_partnerships(world):
    GoalFactory(partnership=world.partnership)
    ended = PartnershipFactory(program=world.program, status="completed")
    GoalFactory(partnership=ended)
    assert list(program_goal_trends(world.program)) == [world.partnership.pk]
    assert list(program_goal_trends(world.program, partnership_ids=[ended.pk])) == [ended.pk]


@pytest.fixture
def rf():
    return RequestFactory()
