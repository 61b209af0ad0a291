"""Each role's home leads with what to do, and the partnership home with the
role's main actions and the pair's stage: walked in a browser on the demo
data, with a pair of the demo mentor and protégé in a second program that
this test sets up itself (so what it checks does not depend on the demo's
story). Every page: axe-core clean, no wider than a 375 px phone, screenshots
at 1280 and 375 px."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from partnerships.agreements import agreement_propose
from partnerships.models import Partnership
from programs.models import Participant
from tests.factories import MentorFactory, ParticipantFactory, PartnershipFactory, ProgramFactory
from tests.goals.factories import GoalFactory, GoalSuggestionFactory, RatingRoundFactory
from tests.partnerships.agreement_helpers import agree, terms
from tests.sessions_log.factories import HomeworkFactory, SessionFactory

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAM = "Negotiation Circle"
PASSWORD = "mentoring-demo"


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def today_plus(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def journeys_pair() -> Partnership:
    """The demo mentor and protégé, paired again in a program of their own: on a
    two-week rhythm, five weeks after their last call, with a check-in rating
    overdue, homework overdue and due soon, a goal suggestion, and the mentor's
    half-written log. The demo admin runs the program, where one more pair has
    no agreement after a month and one protégé waits for a mentor."""
    admin = User.objects.get(email="admin@example.com")
    program = ProgramFactory(name=PROGRAM, slug="negotiation-circle", admins=[admin])
    pair = PartnershipFactory(
        program=program,
        mentor=MentorFactory(program=program, user=User.objects.get(email="mentor@example.com")),
        protege=ParticipantFactory(program=program, user=User.objects.get(email="protege@example.com")),
        # Ten weeks ago on the protégé's own calendar (New York), so her card reads
        # "Week 11" whatever the hour; in London it is a day more, still week 11.
        started_on=timezone.localdate(timezone=zoneinfo.ZoneInfo("America/New_York"))
        - datetime.timedelta(days=70),
        planned_end_on=today_plus(110),
    )
    agree(pair)
    call = SessionFactory(
        partnership=pair,
        starts_at=days_ago(36),
        key_learnings="Name the decision before the options.",
        prepare_next="Bring the draft of the vendor terms.",
    )
    Partnership.objects.filter(pk=pair.pk).update(last_call_at=call.starts_at)
    HomeworkFactory(session=call, description="Sketch the stakeholder map", due_on=today_plus(-4))
    HomeworkFactory(session=call, description="Read the anchoring chapter", due_on=today_plus(3))
    for title in ("Hold my ground on scope", "Open with the shared goal"):
        GoalFactory(partnership=pair, title=title)
    RatingRoundFactory(partnership=pair, point="baseline", created_at=days_ago(30))
    GoalSuggestionFactory(partnership=pair, title="Lead the quarterly vendor review")
    SessionFactory(partnership=pair, is_draft=True, status="planned", starts_at=days_ago(1), key_learnings="")
    newcomers = PartnershipFactory(program=program, started_on=today_plus(-30))
    agreement_propose(partnership=newcomers, by=newcomers.mentor.user, terms=terms())
    ParticipantFactory(program=program, role=Participant.Role.PROTEGE, status=Participant.Status.ACTIVE)
    return Partnership.objects.get(pk=pair.pk)


def check_the_page(page: Page, name: str) -> None:
    """axe-core clean at 1280 and 375 px, no wider than the phone, a screenshot at each width."""
    assert_accessible(page)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
    assert_accessible(page)
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def to_do_item(page: Page, text: str):
    """The item of the to-do list in this test's program that says ``text``."""
    return page.locator(".to-do-list > li").filter(has_text=PROGRAM).filter(has_text=text)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_each_role_starts_from_what_to_do(page: Page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    pair = journeys_pair()
    home = f"/partnerships/{pair.pk}/"

    # --- The protégé: her to-do list, most urgent first, and the pair's home ---
    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="To do")).to_be_visible()
    overdue = to_do_item(page, "Sketch the stakeholder map")
    expect(overdue).to_contain_text("Overdue")
    expect(to_do_item(page, "Read the anchoring chapter")).to_contain_text("Homework due")
    rating = to_do_item(page, "Check in on your 2 goals")
    expect(rating).to_contain_text("It was due")
    expect(to_do_item(page, "Morgan Mentor suggested a goal for you.")).to_have_count(1)
    expect(page.get_by_text("rating rating")).to_have_count(0)
    # Overdue items come first.
    texts = page.locator(".to-do-list > li").all_inner_texts()
    first_not_overdue = next(i for i, text in enumerate(texts) if "Overdue" not in text)
    assert all("Overdue" not in text for text in texts[first_not_overdue:]), texts
    card = page.locator(".card", has_text=PROGRAM)
    expect(card).to_contain_text("Stage 5 of 6: Mid-point review")
    expect(card).to_contain_text(re.compile(r"Week 11 of \d+"))
    expect(card).to_contain_text("1 of 6 agreed calls held")
    check_the_page(page, "home-journeys-protege-home")

    overdue.get_by_role("button", name="Open your homework").click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{pair.pk}/homework/$"))
    expect(page.locator("main")).to_contain_text("Sketch the stakeholder map")
    page.go_back()
    rating.get_by_role("button", name="Rate your goals").click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{pair.pk}/ratings/new/$"))

    page.goto(home)
    expect(page.get_by_role("heading", name="You and Morgan Mentor")).to_be_visible()
    actions = page.locator(".pair-actions")
    expect(actions.get_by_role("button")).to_have_text(
        ["Rate your goals", "Add an agenda item", "Homework due (2)"]
    )
    current = page.locator('.stage-tracker [aria-current="step"]')
    expect(current).to_contain_text("Mid-point review")
    expect(current).to_contain_text(re.compile(r"from \d{1,2} [A-Z][a-z]+"))
    expect(page.get_by_role("note")).to_contain_text(
        "Your last call was 5 weeks ago; you agreed to meet every two weeks."
    )
    expect(page.locator("#last-call")).to_contain_text("Name the decision before the options.")
    expect(page.locator("#last-call")).to_contain_text("Bring the draft of the vendor terms.")
    check_the_page(page, "home-journeys-protege-partnership")
    actions.get_by_role("button", name="Add an agenda item").click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{pair.pk}/sessions/next/#agenda$"))
    sign_out(page)

    # --- The mentor: his unfinished log and the late call, then the pair's home ---
    sign_in(page, "mentor@example.com", PASSWORD)
    draft = to_do_item(page, "is not finished yet")
    expect(draft).to_have_count(1)
    late = to_do_item(page, "No call since")
    expect(late).to_contain_text("Overdue")
    expect(to_do_item(page, "Homework")).to_have_count(0)
    check_the_page(page, "home-journeys-mentor-home")

    late.get_by_role("button", name="Set a time").click()
    expect(page).to_have_url(re.compile(rf"{home}#next-call$"))
    expect(page.locator(".pair-actions").get_by_role("button")).to_have_text(
        ["Finish your draft log", "Set the next call", "Prepare the next call"]
    )
    check_the_page(page, "home-journeys-mentor-partnership")
    when = (timezone.now() + datetime.timedelta(days=4)).astimezone(datetime.UTC)
    page.get_by_label("Date and time of the next call").fill(when.strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Set the time").click()
    expect(page.locator("#next-call").get_by_role("status")).to_contain_text("Your next call is set for")
    page.locator(".pair-actions").get_by_role("button", name="Finish your draft log").click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{pair.pk}/sessions/new/$"))
    page.goto("/")
    expect(to_do_item(page, "No call since")).to_have_count(0)
    sign_out(page)

    # --- The admin: the program's card counts what needs a look and links to each list ---
    sign_in(page, "admin@example.com", PASSWORD)
    program_card = page.locator(".program-card", has_text=PROGRAM)
    expect(program_card.locator(".watch--at-risk")).to_contain_text("1 pair at risk")
    expect(program_card.locator(".watch--waiting")).to_contain_text("1 protégé waiting for a mentor")
    # A call set ahead is not a call held: the pair stays stalled until one is.
    expect(program_card.locator(".watch--stalled")).to_contain_text("1 stalled pair")
    check_the_page(page, "home-journeys-admin-home")
    program_card.get_by_role("link", name=re.compile("stalled pair")).click()
    expect(page).to_have_url(re.compile(r"/programs/negotiation-circle/\?health=stalled#pairs$"))
    page.go_back()
    program_card.get_by_role("link", name=re.compile("pair at risk")).click()
    expect(page).to_have_url(re.compile(r"/programs/negotiation-circle/\?health=at_risk#pairs$"))
    page.go_back()
    program_card.get_by_role("link", name=re.compile("waiting for a mentor")).click()
    expect(page).to_have_url(re.compile(r"/programs/negotiation-circle/matching/#waiting$"))
