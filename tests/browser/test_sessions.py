"""The call log's journeys in a real browser: the mentor logs a call with the
agenda, the goals and the last call beside the form, ticking what was covered;
the protégé ticks homework done with a reflection, in place; the call log reads
as cards on a phone. Each page axe-clean, no wider than a 375 px phone, and
screenshotted at 1280 and 375 px."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from partnerships.models import Partnership
from sessions_log.models import AgendaItem, Homework, Session

from .conftest import assert_accessible, screenshot
from .test_agreement import sign_out
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 900}


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide on a 375 px phone"


def demo_pair() -> Partnership:
    call_command("seed_demo", stdout=io.StringIO())
    return Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )


def test_the_mentor_logs_a_call_ticking_the_agenda_covered_with_the_context_beside_the_form(
    page: Page, live_server
):
    pair = demo_pair()
    agenda = list(AgendaItem.objects.filter(partnership=pair, session__isnull=True, someday=False))
    assert len(agenda) >= 2, "the demo pair has an agenda for its next call"
    logged_before = Session.objects.filter(partnership=pair, is_draft=False).count()
    page.goto("/accounts/login/")
    sign_in(page, "mentor@example.com", "mentoring-demo")

    # The call log: "Next call" beside "Log a call" (here, the draft to finish).
    page.goto(f"/partnerships/{pair.pk}/sessions/")
    expect(page.get_by_role("heading", name="Call log", exact=True)).to_be_visible()
    page.get_by_role("button", name="Next call").click()
    expect(page.get_by_role("heading", name="Your next call")).to_be_visible()
    page.get_by_role("button", name=re.compile("Start timer for check-in")).click()
    expect(page.get_by_role("button", name=re.compile("Pause timer for check-in"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log this call").click()
    expect(page.get_by_role("heading", name="Finish your log")).to_be_visible()

    # Beside the form: the agenda to tick, the active goals (fetched from the goals), the last call.
    context = page.locator("aside.log-context")
    expect(context.get_by_role("heading", name="For this call")).to_be_visible()
    for item in agenda:
        expect(context.get_by_role("checkbox", name=re.compile(re.escape(item.text)))).to_be_visible()
    expect(context.locator(".context-goals li").first).to_be_visible()
    expect(context).to_contain_text("Key learnings")
    expect(context).to_contain_text("Next steps")
    box = context.bounding_box()
    form = page.locator(".log-main").bounding_box()
    assert box and form and box["x"] > form["x"] + form["width"], "a sidebar beside the form at 1280 px"
    assert_accessible(page)
    screenshot(page, "log-a-call-1280")

    # On a phone the context comes first, in sections that open and close: the agenda open.
    page.set_viewport_size(PHONE)
    page.reload()
    context = page.locator("aside.log-context")
    expect(context.get_by_role("checkbox", name=re.compile(re.escape(agenda[0].text)))).to_be_visible()
    expect(context.locator("details", has_text="Active goals")).not_to_have_attribute("open", "")
    assert context.bounding_box()["y"] < page.locator(".log-main").bounding_box()["y"]
    context.get_by_text("Last call").click()
    expect(context).to_contain_text("Key learnings")
    fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, "log-a-call-375")
    page.set_viewport_size(LAPTOP)
    page.reload()

    # Saving without the recap and learnings is refused, keeping what was typed and ticked.
    context = page.locator("aside.log-context")
    context.get_by_role("checkbox", name=re.compile(re.escape(agenda[0].text))).check()
    page.get_by_label("The topic you went deep on").fill("Running the first retrospective with the team.")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_role("alert")).to_contain_text("Summarise the key learnings")
    expect(page.get_by_label("The topic you went deep on")).to_have_value(
        "Running the first retrospective with the team."
    )
    expect(
        page.locator("aside.log-context").get_by_role("checkbox", name=re.compile(re.escape(agenda[0].text)))
    ).to_be_checked()
    assert_accessible(page)

    recap = page.locator(".recap-field")
    for i in range(recap.count()):
        recap.nth(i).get_by_label("Partly").check()
    page.get_by_label("Key learnings").fill("Ask the team first; share your view last.")
    # The draft's homework row is there; add a second with htmx, and one more to remove.
    rows = page.locator(".homework-row")
    before = rows.count()
    page.get_by_role("button", name="Add another homework").click()
    expect(rows).to_have_count(before + 1)
    new_row = rows.nth(before)
    expect(new_row.get_by_label("What to do")).to_be_focused()
    new_row.get_by_label("Kind").select_option("reading")
    new_row.get_by_label("What to do").fill("Read “The Five Dysfunctions of a Team”, part one")
    page.get_by_role("button", name="Add another homework").click()
    expect(rows).to_have_count(before + 2)
    rows.nth(before + 1).get_by_label("What to do").fill("Changed my mind")
    page.get_by_role("button", name=f"Remove homework {before + 2}").click()
    expect(rows).to_have_count(before + 1)
    expect(page.get_by_role("button", name="Add another homework")).to_be_focused()
    expect(rows.nth(before).locator("legend")).to_have_text(f"Homework {before + 1}")
    expect(page.locator("#id_homework-TOTAL_FORMS")).to_have_value(str(before + 1))
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"is logged with \d+ homework items"))
    expect(page.get_by_role("heading", name="Call log", exact=True)).to_be_visible()
    assert Session.objects.filter(partnership=pair, is_draft=False).count() == logged_before + 1
    call = Session.objects.filter(partnership=pair, is_draft=False).latest("starts_at")
    assert call.homework.filter(description__startswith="Read “The Five Dysfunctions").exists()
    assert not call.homework.filter(description="Changed my mind").exists()
    covered, *waiting = (AgendaItem.objects.get(pk=item.pk) for item in agenda)
    assert covered.session == call
    assert all(item.session is None for item in waiting)  # not reached: on the next call's agenda

    # The call is a card that shows what it covered; on a phone nothing scrolls sideways.
    card = page.locator(f"#call-{call.pk}")
    expect(card).to_contain_text("Agenda covered")
    expect(card).to_contain_text(agenda[0].text)
    assert_accessible(page)
    screenshot(page, "call-log-1280")
    page.set_viewport_size(PHONE)
    page.reload()
    fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, "call-log-375")


def test_the_protege_ticks_homework_done_with_a_reflection_in_place(page: Page, live_server):
    pair = demo_pair()
    item = (
        Homework.objects.filter(partnership=pair, status="open", session__is_draft=False)
        .order_by("due_on", "pk")
        .first()
    )
    assert item is not None, "the demo pair has homework to do"
    page.goto("/accounts/login/")
    sign_in(page, "protege@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/homework/")
    assert_accessible(page)
    card = page.locator(f"#homework-{item.pk}")
    box = card.get_by_role("checkbox", name=re.compile(re.escape(item.description)))
    reflection = card.get_by_label("What did you take from it?")
    expect(reflection).to_be_hidden()  # it opens with the tick

    # One tick saves it (htmx, in place) and opens the reflection, focus kept on the box.
    box.check()
    expect(page.get_by_role("status")).to_contain_text("is done")
    expect(box).to_be_checked()
    expect(box).to_be_focused()
    expect(reflection).to_be_visible()
    assert Homework.objects.get(pk=item.pk).status == "done"
    reflection.fill("Trust first; then conflict becomes useful.")
    card.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("status")).to_contain_text("Your reflection on")
    saved = Homework.objects.get(pk=item.pk)
    assert (saved.status, saved.reflection) == ("done", "Trust first; then conflict becomes useful.")
    assert_accessible(page)
    screenshot(page, "homework-ticked-1280")

    # After a reload it is with the done homework, still untickable until the call recaps it.
    page.reload()
    done = page.locator("#done").locator(f"#homework-{item.pk}")
    expect(done.get_by_role("checkbox")).to_be_checked()
    expect(done.get_by_label("What did you take from it?")).to_have_value(
        "Trust first; then conflict becomes useful."
    )
    page.set_viewport_size(PHONE)
    page.reload()
    fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, "homework-375")

    # The mentor sees the reflection, and no boxes to tick.
    page.set_viewport_size(LAPTOP)
    page.reload()
    sign_out(page)
    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/homework/")
    expect(page.locator("#done")).to_contain_text("Trust first; then conflict becomes useful.")
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_accessible(page)
