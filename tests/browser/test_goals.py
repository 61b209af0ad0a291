import io
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.goals import seed_goals
from goals.models import Goal, RatingRound
from partnerships.models import Partnership

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_protege_adds_a_competency_goal_rates_every_goal_and_sees_the_new_point(page: Page):
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.get(
        protege__user__email="protege@example.com", status__in=["proposed", "active"]
    )
    seed_goals(partnership=pair)
    goals_url = f"/partnerships/{pair.pk}/goals/"

    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(goals_url)
    expect(page.get_by_role("heading", name="Your goals", exact=True)).to_be_visible()
    assert_accessible(page)

    # A new competency goal, with its why.
    page.get_by_role("link", name="Add a Competency / job skill goal").click()
    expect(page.get_by_role("heading", name="Add a goal")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(r"^Competency \/ job skill"))).to_be_checked()
    expect(page.get_by_label("What you will measure")).to_be_hidden()  # SMART only
    assert_accessible(page)
    page.get_by_label("Your goal").fill("Conflict management")
    page.get_by_label("Why it matters to you").fill("Two of my reports have stopped talking to each other.")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_role("status")).to_contain_text("Added your goal “Conflict management”")
    new_goal = page.locator("article", has=page.get_by_role("heading", name="Conflict management"))
    expect(new_goal).to_contain_text("Two of my reports have stopped talking to each other.")
    expect(new_goal).to_contain_text("Not rated yet.")
    assert_accessible(page)

    # Rate every active goal at once; a slip is refused beside its goal, the rest kept.
    page.get_by_role("button", name="Rate your goals", exact=True).click()
    expect(page.get_by_role("heading", name="Rate your goals")).to_be_visible()
    assert_accessible(page)
    active = list(Goal.objects.filter(partnership=pair, status="active").order_by("pk"))
    added = Goal.objects.get(partnership=pair, title="Conflict management")
    for goal in active:
        box = page.locator(f"#rate-{goal.pk}")
        box.get_by_label("Your rating, 0 to 10").fill("8")
        if goal.is_smart:
            box.get_by_label(re.compile(", now")).fill("3")
    page.locator(f"#rate-{added.pk}").get_by_label("Your rating, 0 to 10").fill("seven")
    page.get_by_label("Your self-assessment").last.fill("Calmer in the last one-to-one.")
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your rating as a number from 0 to 10, like 7.")
    expect(page.locator(f"#rate-{added.pk}")).to_contain_text("Enter your rating as a number")
    expect(page.locator(f"#rate-{active[0].pk}").get_by_label("Your rating, 0 to 10")).to_have_value("8")
    expect(page.get_by_label("Your self-assessment").last).to_have_value("Calmer in the last one-to-one.")
    assert_accessible(page)
    page.locator(f"#rate-{added.pk}").get_by_label("Your rating, 0 to 10").fill("7")
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("status")).to_contain_text(f"ratings of {len(active)} goals are saved")

    # The new point is on the charts.
    # Dates are shown in the protégé's own time zone (the demo protégé lives in New York).
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(pair.protege.user.time_zone)).strftime("%-d %b %Y")
    expect(new_goal.locator("svg.trend-chart circle")).to_have_count(1)
    expect(new_goal.locator("svg.trend-chart desc")).to_have_text(f"Rated 7 on {today}.")
    negotiating = page.locator("article", has=page.get_by_role("heading", name="Giving feedback that lands"))
    expect(negotiating.locator("svg.trend-chart circle.trend-chart__dot--latest")).to_have_count(1)
    expect(negotiating.locator("svg.trend-chart desc")).to_contain_text(f"8 on {today}.")
    assert RatingRound.objects.filter(partnership=pair).latest("created_at").ratings.count() == len(active)
    assert_accessible(page)
    screenshot(page, "goals-after-rating")
