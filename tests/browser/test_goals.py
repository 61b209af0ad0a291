import io
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from goals.models import Goal, ProgressRating, RatingRound
from partnerships.models import Partnership
from sessions_log.models import AgendaItem

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def demo_pair() -> Partnership:
    call_command("seed_demo", stdout=io.StringIO())
    return Partnership.objects.get(
        protege__user__email="protege@example.com", status__in=["proposed", "active"]
    )


def last_values(pair: Partnership) -> dict[int, int]:
    latest = {}
    for rating in ProgressRating.objects.filter(goal__partnership=pair).order_by("created_at", "pk"):
        latest[rating.goal_id] = rating.value
    return latest


def another(value: int | None, up: bool = True) -> int:
    """A value other than ``value``, one step up (or down) the scale."""
    if value is None:
        return 5
    return value + 1 if (up and value < 10) or value == 0 else value - 1


def test_the_demo_protege_adds_a_competency_goal_that_waits_for_its_first_rating(page: Page):
    pair = demo_pair()
    goals_url = f"/partnerships/{pair.pk}/goals/"
    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(goals_url)
    expect(page.get_by_role("heading", name="Your goals", exact=True)).to_be_visible()
    assert_accessible(page)

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

    page.get_by_role("button", name="Rate your goals", exact=True).click()
    added = Goal.objects.get(partnership=pair, title="Conflict management")
    expect(page.locator(f"#rate-{added.pk}")).to_contain_text("Your first rating of this goal.")


def test_the_protege_rates_by_tap_and_by_key_skips_one_sees_what_moved_and_puts_it_on_the_agenda(page: Page):
    pair = demo_pair()
    active = list(Goal.objects.filter(partnership=pair).active().in_page_order())
    assert len(active) >= 3
    last = last_values(pair)
    tapped, keyed, skipped = active[0], active[1], active[2]
    rounds_before = RatingRound.objects.filter(partnership=pair).count()

    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/ratings/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("rating|Rate your goals"))
    # Each goal: eleven choices in a group named after it, last time's value marked in words.
    group = page.get_by_role("group", name=f"{tapped.title}: Your rating, 0 to 10")
    expect(group.get_by_role("radio")).to_have_count(12)  # 0–10, and "Skip this time"
    if last.get(tapped.pk) is not None:
        expect(group.get_by_role("radio", name=f"{last[tapped.pk]}, your rating last time")).to_be_visible()
        expect(page.locator(f"#rate-{tapped.pk} svg.trend-chart desc")).to_contain_text("Rated ")
    assert_accessible(page)
    screenshot(page, "goals-rating-form-desktop")

    # Saving with nothing chosen says to rate one goal, and saves nothing.
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("alert")).to_contain_text("Pick a number from 0 to 10 for at least one goal.")
    assert RatingRound.objects.filter(partnership=pair).count() == rounds_before
    assert_accessible(page)

    # One tap.
    tap_value = another(last.get(tapped.pk), up=True)
    tap_box = page.locator(f"#rate-{tapped.pk}")
    tap_box.get_by_role("radio", name=re.compile(rf"^{tap_value}(, your rating last time)?$")).click()
    expect(
        tap_box.get_by_role("radio", name=re.compile(rf"^{tap_value}(, your rating last time)?$"))
    ).to_be_checked()
    if tapped.is_smart:
        tap_box.get_by_label(re.compile(", now")).fill("3")

    # One key: arrows move along the scale, a digit picks its number.
    key_value = another(last.get(keyed.pk), up=False)
    key_box = page.locator(f"#rate-{keyed.pk}")
    key_box.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowRight")
    expect(key_box.get_by_role("radio", name=re.compile(r"^1(, your rating last time)?$"))).to_be_checked()
    page.keyboard.press(str(key_value) if key_value < 10 else "1")
    if key_value == 10:
        page.keyboard.press("0")
    expect(
        key_box.get_by_role("radio", name=re.compile(rf"^{key_value}(, your rating last time)?$"))
    ).to_be_checked()
    if keyed.is_smart:
        key_box.get_by_label(re.compile(", now")).fill("3")

    # A goal tapped, then skipped after all.
    skip_box = page.locator(f"#rate-{skipped.pk}")
    skip_box.get_by_role("radio", name=re.compile(r"^3(, your rating last time)?$")).click()
    skip_box.get_by_text("Skip this time").click()
    expect(skip_box.get_by_role("radio", name="Skip this time")).to_be_checked()
    tap_box.scroll_into_view_if_needed()
    screenshot(page, "goals-rating-form-chosen-desktop")

    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What moved")
    expect(page.get_by_role("status")).to_contain_text("your ratings of 2 goals are saved")
    rating_round = RatingRound.objects.filter(partnership=pair).latest("created_at")
    assert {r.goal_id: r.value for r in rating_round.ratings.all()} == {
        tapped.pk: tap_value,
        keyed.pk: key_value,
    }
    tapped_move = page.locator(".move", has_text=tapped.title)
    if last.get(tapped.pk) is not None:
        change = tap_value - last[tapped.pk]
        words = f"up {change}" if change > 0 else f"down {-change}"
        expect(tapped_move).to_contain_text(words)
        expect(tapped_move.locator(".move__from")).to_have_text(str(last[tapped.pk]))
    expect(tapped_move.locator(".move__to")).to_have_text(str(tap_value))
    expect(page.locator(".skipped-goals")).to_contain_text(skipped.title)
    assert "down -" not in page.content()
    assert_accessible(page)
    screenshot(page, "goals-what-moved-desktop")

    # One click puts a goal that moved on the next call's agenda, and comes back here.
    tapped_move.get_by_role("button", name=re.compile("Put it on the next call’s agenda")).click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{pair.pk}/ratings/{rating_round.pk}/#moved$"))
    expect(page.get_by_role("status")).to_contain_text("is on the next call's agenda")
    item = AgendaItem.objects.filter(partnership=pair).latest("created_at")
    assert item.text.startswith(f"{tapped.title}: ") and not item.someday
    assert_accessible(page)

    # On a phone: the eleven numbers fit in one row, each a tap target at least 24 px wide and 44 px high.
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(FITS)
    screenshot(page, "goals-what-moved-phone")
    page.goto(f"/partnerships/{pair.pk}/ratings/new/")
    assert page.evaluate(FITS)
    boxes = [page.locator(f"#rate-{tapped.pk} .rating-option label").nth(i).bounding_box() for i in range(11)]
    assert all(b and b["width"] >= 24 and b["height"] >= 44 for b in boxes), boxes
    assert len({round(b["y"]) for b in boxes if b}) == 1  # one row
    assert_accessible(page)
    screenshot(page, "goals-rating-form-phone")


def test_the_mentor_sees_the_new_rating_on_the_trend_and_what_moved(page: Page):
    pair = demo_pair()
    goal = Goal.objects.filter(partnership=pair).active().in_page_order().exclude(category="smart").first()
    before = last_values(pair).get(goal.pk)
    value = another(before)
    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/ratings/new/")
    page.locator(f"#rate-{goal.pk}").get_by_role("radio", name=str(value), exact=True).click()
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What moved")
    round_url = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/goals/")
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(pair.mentor.user.time_zone)).strftime("%-d %b %Y")
    card = page.locator("article", has=page.get_by_role("heading", name=goal.title, exact=True))
    expect(card.locator("svg.trend-chart circle.trend-chart__dot--latest")).to_have_count(1)
    expect(card.locator("svg.trend-chart desc")).to_contain_text(f"{value} on {today}.")
    expect(page.get_by_role("link", name="Rate your goals")).to_have_count(0)  # the protégé's to give
    assert_accessible(page)
    screenshot(page, "goals-mentor-desktop")
    page.goto(round_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("What moved for")
    expect(page.locator(".move", has_text=goal.title).locator(".move__to")).to_have_text(str(value))
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/partnerships/{pair.pk}/goals/")
    assert page.evaluate(FITS)
    assert_accessible(page)
    screenshot(page, "goals-mentor-phone")


def test_what_moved_fits_a_phone_with_the_longest_words(page: Page):
    """Goal titles of 200 characters without a space still fit 375 px, on the
    rating form and the page after it."""
    from goals.services import RatingEntry, ratings_record

    from .test_page_width import long_words_in_every_text

    pair = demo_pair()
    assert long_words_in_every_text() >= 30
    goals = list(Goal.objects.filter(partnership=pair).active().exclude(category="smart"))
    last = last_values(pair)
    rating_round = ratings_record(
        partnership=pair,
        by=pair.protege.user,
        entries=[RatingEntry(g, another(last.get(g.pk))) for g in goals],
    )
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", "mentoring-demo")
    for path in (
        f"/partnerships/{pair.pk}/ratings/{rating_round.pk}/",
        f"/partnerships/{pair.pk}/ratings/new/",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate(FITS), path
