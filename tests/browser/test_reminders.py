"""A person reads their reminders and stops a kind from the profile."""

import pytest
from playwright.sync_api import Page, expect

from reminders.models import Kind, ReminderOptOut
from tests.factories import PASSWORD
from tests.reminders.test_delivery import a_reminder

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentor_reads_reminders_and_stops_nudges(page: Page, world):
    a_reminder(world, kind=Kind.NUDGE, object_key="nudge", recipient=world.mentor)
    a_reminder(world, kind=Kind.CHECK_IN, object_key="day_before", recipient=world.mentor)
    page.goto("/accounts/login/")
    sign_in(page, world.mentor.email, PASSWORD)
    expect(page.locator(".site-header .badge--unread")).to_have_text("2 unread")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator("li.notification--new")).to_have_count(2)
    screenshot(page, "reminders-notifications")
    assert_accessible(page)

    page.goto("/me/profile/#reminders")
    page.get_by_label("A nudge when no call has been held for a while").uncheck()
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.get_by_text("Your reminder settings are saved.")).to_be_visible()
    page.locator("#reminders").scroll_into_view_if_needed()
    page.locator("#reminders").screenshot(path="test-results/reminders-profile-section.png")
    assert_accessible(page)
    assert list(ReminderOptOut.objects.values_list("kind", flat=True)) == [Kind.NUDGE]
