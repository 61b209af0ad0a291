import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import User
from partnerships.models import Partnership
from programs.services.invitations import invitation_accept

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_admin_invites_someone_and_matches_them_from_a_suggestion(
    page: Page, live_server, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    mailoutbox.clear()

    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.get_by_role("link", name="Programs", exact=True).click()
    expect(page.get_by_role("heading", name="Programs you run")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Leadership Mentoring 2026").click()
    assert_accessible(page)

    # Invite a protégé on the people page.
    page.get_by_role("navigation", name="Leadership Mentoring 2026").get_by_role(
        "link", name="People"
    ).click()
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Email address").fill("nia.new@example.org")
    page.get_by_label("Protégé").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation on its way to Nia New")
    assert_accessible(page)

    # Nia follows the link from her email and joins (her own journey is tested elsewhere).
    token = re.search(r"/invitations/(\S+)/", mailoutbox[0].body).group(1)
    nia = User.objects.create_user("nia.new@example.org", "a long enough password", display_name="Nia New")
    invitation_accept(token=token, user=nia)

    # The admin opens the board, looks at Nia's suggestions and matches the best one.
    page.get_by_role("navigation", name="Leadership Mentoring 2026").get_by_role(
        "link", name="Matching"
    ).click()
    expect(page.get_by_role("heading", name="Waiting for a mentor")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nia New").click()
    suggestions = page.locator("#suggestions")
    expect(suggestions.get_by_role("heading", name="Suggestions for Nia New")).to_be_visible()
    best = suggestions.locator("ol.suggestions > li").first
    mentor_name = best.get_by_role("heading").inner_text()
    expect(best.locator(".checks li").first).to_be_visible()
    assert_accessible(page)

    best.get_by_role("button", name=f"Match with {mentor_name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Matched Nia New with {mentor_name}")
    pairs = page.get_by_role("table", name="Current pairs")
    expect(pairs.get_by_role("row", name=re.compile(f"Nia New.*{re.escape(mentor_name)}"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "matching-board-after-match")

    partnership = Partnership.objects.get(protege__user=nia)
    assert partnership.mentor.user.name == mentor_name
    assert partnership.status == Partnership.Status.PROPOSED
    # Both people were told.
    assert {m.to[0] for m in mailoutbox if "matched" in m.subject} == {
        "nia.new@example.org",
        partnership.mentor.user.email,
    }


def test_the_admin_proposes_and_publishes_matches_for_the_whole_program(page: Page, live_server, eager_tasks):
    call_command("seed_demo", stdout=io.StringIO())
    waiting_before = Partnership.objects.filter(status="proposed").count()

    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.goto("/programs/demo-leadership/matching/")
    page.get_by_role("button", name="Propose matches").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Proposed \d+ matches"))
    proposal = page.get_by_role("table", name="Proposed pairs")
    expect(proposal).to_be_visible()
    assert_accessible(page)
    first_row = proposal.locator("tbody tr").first
    removed = first_row.get_by_role("rowheader").inner_text()
    first_row.get_by_role("button", name=re.compile("Remove")).click()
    expect(page.get_by_role("status")).to_contain_text(f"{removed} is out of the proposal")
    publish = page.get_by_role("button", name=re.compile(r"Publish \d+ match"))
    count = int(re.search(r"\d+", publish.inner_text()).group())
    publish.click()
    expect(page.get_by_role("status")).to_contain_text(f"Published {count} matches")
    assert_accessible(page)
    assert Partnership.objects.filter(status="proposed").count() == waiting_before + count
    assert not Partnership.objects.filter(protege__user__display_name=removed, status="proposed").exists()
