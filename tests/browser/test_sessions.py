import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from partnerships.models import Partnership
from sessions_log.models import Homework, Session

from .conftest import assert_accessible, screenshot
from .test_agreement import sign_out
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_mentor_logs_a_call_with_two_homework_items_and_the_protege_marks_one_done(
    page: Page, live_server
):
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.get(mentor__user__email="mentor@example.com")
    logged_before = Session.objects.filter(partnership=pair, is_draft=False).count()

    # The mentor opens the call page from the partnership home, then finishes the draft log.
    page.goto("/accounts/login/")
    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.get_by_role("link", name="Priya Protégé").click()
    expect(page.locator("#timeline")).to_contain_text("Key learnings")
    assert_accessible(page)
    page.get_by_role("link", name="Add to the agenda, or open the call page").click()
    expect(page.get_by_role("heading", name="Your next call")).to_be_visible()
    page.get_by_role("button", name=re.compile("Start timer for check-in")).click()
    expect(page.get_by_role("button", name=re.compile("Pause timer for check-in"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log this call").click()
    expect(page.get_by_role("heading", name="Finish your log")).to_be_visible()

    # Saving without the recap and learnings is refused, keeping what was typed.
    page.get_by_label("The topic you went deep on").fill("Running the first retrospective with the team.")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_role("alert")).to_contain_text("Summarise the key learnings")
    expect(page.get_by_label("The topic you went deep on")).to_have_value(
        "Running the first retrospective with the team."
    )
    assert_accessible(page)

    recap = page.locator(".recap-field")
    for i in range(recap.count()):
        recap.nth(i).get_by_label("Partly").check()
    page.get_by_label("Key learnings").fill("Ask the team first; share your view last.")
    # The draft's homework row is there; add a second with htmx.
    expect(page.locator("#id_homework-0-description")).to_have_value(re.compile("Run the team retrospective"))
    rows = page.locator(".homework-row")
    before = rows.count()
    page.get_by_role("button", name="Add another homework").click()
    expect(rows).to_have_count(before + 1)
    new_row = rows.nth(before)
    expect(new_row.get_by_label("What to do")).to_be_focused()
    new_row.get_by_label("Kind").select_option("reading")
    new_row.get_by_label("What to do").fill("Read “The Five Dysfunctions of a Team”, part one")
    # A row added by mistake goes again, and the rows are numbered as shown.
    page.get_by_role("button", name="Add another homework").click()
    expect(rows).to_have_count(before + 2)
    rows.nth(before + 1).get_by_label("What to do").fill("Changed my mind")
    page.get_by_role("button", name=f"Remove homework {before + 2}").click()
    expect(rows).to_have_count(before + 1)
    expect(page.get_by_role("button", name="Add another homework")).to_be_focused()
    expect(rows.nth(before).locator("legend")).to_have_text(f"Homework {before + 1}")
    expect(page.locator("#id_homework-TOTAL_FORMS")).to_have_value(str(before + 1))
    assert_accessible(page)
    screenshot(page, "log-form-homework-rows")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_role("status")).to_contain_text("is logged with 2 homework items")
    expect(page.get_by_role("heading", name="Call log")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "call-logged")
    assert Session.objects.filter(partnership=pair, is_draft=False).count() == logged_before + 1
    sign_out(page)

    # The protégé marks one of the two done, with a reflection.
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/homework/")
    assert_accessible(page)
    item = page.locator(".homework-item", has_text="The Five Dysfunctions of a Team")
    item.get_by_text("Mark done").click()
    item.get_by_label("What did you take from it?").fill("Trust first; then conflict becomes useful.")
    item.get_by_role("button", name="It is done").click()
    expect(page.get_by_role("status")).to_contain_text("is done")
    expect(page.locator("#done")).to_contain_text("Trust first; then conflict becomes useful.")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    screenshot(page, "homework-phone")
    done = Homework.objects.get(description__startswith="Read “The Five Dysfunctions")
    assert done.status == "done" and done.reflection
