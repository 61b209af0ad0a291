"""The program overview as the admin reads it (issue 17): small charts with
their numbers and words, quick and active filter chips, one menu of actions a
row, one short reason a row, trends worded without a minus sign."""

import datetime
import re

import pytest
from django.utils import timezone

from goals.models import ProgressRating
from health import charts, services
from health.models import RatingMonth
from health.numbers import months_back
from health.selectors import RatingPoint, rating_months
from mentoring.percent import share
from tests.goals.factories import GoalFactory, rate_rounds

from .test_overview_and_report import a_pair, overview, three_pairs  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), datetime.UTC)


# --- The goal ratings by month --------------------------------------------------


def test_the_ratings_of_each_month_drawn_are_counted_once_a_day(world, django_assert_num_queries):
    goal = GoalFactory(partnership=world.partnership)
    rate_rounds(world.partnership, {goal: [4, 6]}, start=_at(datetime.date(2026, 9, 10)), every_days=30)
    before = _at(datetime.date(2026, 3, 1))  # before the months drawn
    rate_rounds(world.partnership, {goal: [8]}, start=before)
    assert services.refresh_stale_rating_months(world.program, today=TODAY) == 6  # June to November
    months = {m.month: (m.ratings, m.total) for m in RatingMonth.objects.filter(program=world.program)}
    assert months[datetime.date(2026, 9, 1)] == (1, 4)
    assert months[datetime.date(2026, 10, 1)] == (1, 6)
    assert months[datetime.date(2026, 11, 1)] == (0, 0)  # a month without ratings is kept as none
    assert datetime.date(2026, 3, 1) not in months
    # Counted today already: one query, nothing written.
    with django_assert_num_queries(1):
        assert services.refresh_stale_rating_months(world.program, today=TODAY) == 0


def test_the_next_day_counts_again_from_the_month_last_counted(world):
    goal = GoalFactory(partnership=world.partnership)
    services.refresh_stale_rating_months(world.program, today=TODAY)
    rate_rounds(world.partnership, {goal: [7]}, start=_at(TODAY))
    services.refresh_stale_rating_months(world.program, today=TODAY + datetime.timedelta(days=1))
    december = RatingMonth.objects.get(program=world.program, month=datetime.date(2026, 12, 1))
    november = RatingMonth.objects.get(program=world.program, month=datetime.date(2026, 11, 1))
    assert (november.ratings, november.average) == (1, 7.0)  # counted again: it was not over
    assert december.ratings == 0
    # Only the months since the last count were counted again.
    assert RatingMonth.objects.filter(program=world.program, as_of=TODAY).count() == 5


def test_the_selector_reads_the_months_drawn_oldest_first(world, django_assert_num_queries):
    goal = GoalFactory(partnership=world.partnership)
    rate_rounds(world.partnership, {goal: [3, 5]}, start=_at(datetime.date(2026, 10, 5)), every_days=30)
    services.refresh_stale_rating_months(world.program, today=TODAY)
    with django_assert_num_queries(1):
        points = rating_months(world.program, today=TODAY)
    assert [p.month for p in points] == [months_back(datetime.date(2026, 11, 1), n) for n in range(5, -1, -1)]
    assert points[-2:] == [
        RatingPoint(datetime.date(2026, 10, 1), 3.0, 1),
        RatingPoint(datetime.date(2026, 11, 1), 5.0, 1),
    ]


def test_the_rating_chart_places_every_month_and_says_each_in_words():
    points = [
        RatingPoint(datetime.date(2026, 9, 1), 5.25, 4),
        RatingPoint(datetime.date(2026, 10, 1), None, 0),
        RatingPoint(datetime.date(2026, 11, 1), 7.0, 2),
    ]
    chart = charts.rating_chart(points, today=TODAY)
    assert [m.label for m in chart.months] == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    assert [m.value for m in chart.months] == ["", "", "", "5.2", "", "7.0"]
    assert chart.line.count(",") == 2  # through the two months with ratings
    top, bottom = charts.TOP, charts.HEIGHT - charts.BOTTOM
    assert all(top <= m.y <= bottom for m in chart.months if m.y is not None)
    assert chart.text == (
        "Average goal rating given each month, out of 10: June none, July none, August none, "
        "September 5.2, October none, November 7.0."
    )
    assert not charts.rating_chart([], today=TODAY).has_ratings


def test_shares_are_whole_per_cents_of_at_most_100():
    assert share(13, 24) == 54
    assert share(7, 6) == 100
    assert share(0, 0) is None


# --- The page -------------------------------------------------------------------


def test_the_figures_are_drawn_with_their_numbers_and_words(client, world, three_pairs):  # noqa: F811
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug)).text
    assert '<svg class="chart chart--ring"' in page and '<svg class="chart chart--bar"' in page
    assert '<svg class="chart chart--line"' in page
    # Each chart has its words; no chart is styled inline (the CSP refuses it).
    assert page.count('role="img" aria-labelledby=') == 3
    assert "of the calls the agreed rhythms expect were held</title>" in page
    assert "Average goal rating given each month, out of 10:" in page
    assert "style=" not in page


def test_a_falling_trend_says_down_without_a_minus_sign(client, world):
    pair = a_pair(world, "Dee Down", called=[3, 17, 31, 45, 59, 73])
    rate_rounds(pair, {GoalFactory(partnership=pair): [9, 4]})
    services.refresh([pair.pk])
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug)).text
    assert "down 5.0 since the round before" in page  # the figure at the top
    assert "↓</span> down 5.0" in page  # Dee's row
    assert "Goal ratings down 5.0" in page  # Dee's reason: at risk
    assert not re.search(r"(down|up) -", page)
    assert "(-5.0)" not in page


def test_quick_chips_count_and_link_to_the_filtered_lists(client, world, three_pairs):  # noqa: F811
    client.force_login(world.admin)
    slug = world.program.slug
    page = client.get(overview(slug)).text
    chips = page[page.index('<nav class="chips"') :].split("</nav>")[0]
    assert f'href="/programs/{slug}/?health=stalled#pairs">Stalled <span class="chip-count">1</span>' in chips
    # Bea, and the world's own pair: matched over two weeks ago without an agreement.
    assert f'href="/programs/{slug}/?health=at_risk#pairs">At risk <span class="chip-count">2</span>' in chips
    assert f'href="/programs/{slug}/matching/#waiting">Waiting for a mentor' in chips
    # A quick chip keeps the other filters, leaves the page, and says when it is on.
    page = client.get(overview(slug, q="Cleo", page=2, health="stalled")).text
    chips = page[page.index('<nav class="chips"') :].split("</nav>")[0]
    assert '?q=Cleo&amp;health=stalled#pairs" aria-current="true">Stalled' in chips
    assert '?q=Cleo&amp;health=at_risk#pairs">At risk' in chips


def test_each_filter_on_shows_as_a_chip_with_a_link_that_removes_it(client, world, three_pairs):  # noqa: F811
    client.force_login(world.admin)
    slug = world.program.slug
    page = client.get(
        overview(slug, health="stalled", q="Cleo", sort="-rating", page=2, status="current")
    ).text
    chips = page[page.index('<div class="active-filters">') :].split("</div>")[0]
    assert "Name: “Cleo”" in chips and "Health: Stalled" in chips
    assert "Status" not in chips  # the default, not a filter
    assert f'href="/programs/{slug}/?q=Cleo&amp;sort=-rating&amp;status=current#pairs"' in chips
    assert f'href="/programs/{slug}/?health=stalled&amp;sort=-rating&amp;status=current#pairs"' in chips
    assert "Remove the filter Health: Stalled" in chips
    assert "Clear all filters" in chips
    # No filter, no chips; a filter it cannot read is no chip either.
    assert '<div class="active-filters">' not in client.get(overview(slug)).text
    assert '<div class="active-filters">' not in client.get(overview(slug, health="nonsense")).text


def test_each_current_pair_has_one_menu_of_actions_in_its_row(client, world, three_pairs):  # noqa: F811
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug)).text
    rows = re.findall(r'<tr class="pair-row">(.*?)</tr>', page, re.S)
    assert len(rows) == 4
    for row in rows:
        assert row.count('<details class="pair-menu"') == 1
        assert re.search(r'<summary class="pair-menu-button">Actions<span class="visually-hidden"> for ', row)
        assert row.count('<details class="pair-action"') == 3
    assert len(re.findall(r"<td", rows[0])) == 5  # health, last call, next call, ratings, actions


def test_a_refused_action_opens_its_rows_menu(client, world):
    from django.urls import reverse

    client.force_login(world.admin)
    url = reverse("home:program_partnership_nudge", args=[world.program.slug, world.partnership.pk])
    page = client.post(url, {"message": " "}).text
    assert f'<details class="pair-menu" id="actions-{world.partnership.pk}" open>' in page
    assert page.count('<details class="pair-menu" id="actions-') == 1
    assert f'id="nudge-{world.partnership.pk}" open>' in page


def test_the_rating_months_come_from_the_stored_counts_not_the_ratings(
    client, world, django_assert_num_queries
):
    """The overview draws the months from a few stored rows: a year of ratings is never read on a view."""
    client.force_login(world.admin)
    services.refresh([world.partnership.pk])
    services.refresh_stale_rating_months(world.program)
    with django_assert_num_queries(15) as views:
        client.get(overview(world.program.slug))
    assert not any(ProgressRating._meta.db_table in q["sql"] for q in views.captured_queries)
    assert RatingMonth.objects.filter(program=world.program, as_of=timezone.localdate()).exists()
