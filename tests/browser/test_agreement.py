import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from partnerships.models import Agreement, Partnership
from partnerships.selectors.agreement_changes import term_changes

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_the_mentor_proposes_a_change_the_protege_reads_it_as_old_and_new_values_and_accepts(page: Page):
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    in_force = pair.agreements.get(status=Agreement.Status.IN_FORCE)
    agreement_url = f"/partnerships/{pair.pk}/agreement/"

    # The mentor proposes weekly calls; a slip in the time boxes is refused, what he typed kept.
    page.goto("/accounts/login/")
    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.goto(agreement_url)
    expect(page.get_by_role("heading", name=f"In force: version {in_force.version}")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Change the terms").click()
    page.get_by_label("Weekly").check()
    too_long = in_force.topic_minutes + 10
    call = in_force.call_minutes
    page.get_by_label("The deeper topic").fill(str(too_long))
    expect(page.locator("[data-boxes-total]")).to_have_text(
        f"The boxes add up to {call + 10} minutes: 10 minutes over the {call}-minute call."
    )
    page.get_by_label("What changes and why").fill("Weekly while the reorganisation lasts.")
    page.get_by_role("button", name="Propose this change").click()
    expect(page.get_by_role("alert")).to_contain_text(f"10 minutes over the {call}-minute call")
    expect(page.get_by_label("The deeper topic")).to_have_value(str(too_long))
    expect(page.get_by_label("What changes and why")).to_have_value("Weekly while the reorganisation lasts.")
    assert_accessible(page)
    page.get_by_label("The deeper topic").fill(str(in_force.topic_minutes))
    expect(page.locator("[data-boxes-total]")).to_have_text(f"The boxes fill the {call}-minute call.")
    page.get_by_role("button", name="Propose this change").click()
    proposal = pair.agreements.get(status=Agreement.Status.PROPOSED)
    expect(page.get_by_role("status")).to_contain_text(f"Version {proposal.version} is proposed")
    expect(
        page.get_by_role("heading", name=f"Version {proposal.version}: waiting for Priya Protégé")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The protégé reads what changes, term by term, old → new; the unchanged terms are left out.
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(agreement_url)
    expect(page.get_by_role("heading", name=f"Version {proposal.version}: waiting for you")).to_be_visible()
    panel = page.locator("#proposal")
    expect(panel.get_by_role("heading", name=f"What changes from version {in_force.version}")).to_be_visible()
    how_often = panel.locator(".term-change", has=page.locator("dt", has_text="How often"))
    expect(how_often.locator("del")).to_have_text(f"was {in_force.cadence_text}")
    expect(how_often.locator("ins")).to_have_text("now weekly")
    # (the form started from the proposal waiting before, so its changes come along)
    expect(panel.locator(".term-change")).to_have_count(len(term_changes(in_force, proposal)))
    expect(panel.locator(".term-change dt", has_text="Call length")).to_have_count(0)
    # Every term is still there to read, folded away.
    expect(panel.get_by_text(f"Every term of version {proposal.version}")).to_be_visible()
    # Each earlier version says what it changed too.
    earlier = page.locator(f"#version-{in_force.version}")
    if in_force.version > 1:
        expect(earlier).to_contain_text(f"Changes from version {in_force.version - 1}:")
        expect(earlier.locator(".term-change").first).to_contain_text("→")
    expect(page.locator("#version-1")).to_contain_text("The first version.")
    assert_accessible(page)
    screenshot(page, "agreement-changes-desktop")

    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(FITS)
    assert_accessible(page)
    screenshot(page, "agreement-changes-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name=f"Accept version {proposal.version}").click()
    expect(page.get_by_role("status")).to_contain_text(f"You both accepted version {proposal.version}")
    proposal.refresh_from_db()
    assert proposal.status == Agreement.Status.IN_FORCE and proposal.cadence == "weekly"
    in_force.refresh_from_db()
    assert in_force.status == Agreement.Status.SUPERSEDED
