"""Program setup in a real browser, at 1280 and 375 px: someone allowed to
create programs creates one with two topics, changes its settings, adds a
co-admin by email and clones it for a new cohort. Every page passes axe and
fits the screen."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from programs.models import Program
from tests.factories import PASSWORD, UserFactory

from .conftest import assert_accessible
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page: Page) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{scroll_width}px of content in {client_width}px on {page.url}"


def checked(page: Page) -> None:
    assert_accessible(page)
    fits_the_screen(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_an_admin_creates_sets_up_shares_and_clones_a_program(
    page: Page, live_server, settings, eager_tasks, mailoutbox, width
):
    settings.SITE_URL = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    creator = UserFactory(display_name="Cleo Creator", email="cleo@example.org")
    creator.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    colleague = UserFactory(display_name="Kai Colleague", email="kai@example.org")

    page.goto("/accounts/login/")
    sign_in(page, creator.email, PASSWORD)
    page.goto("/programs/")
    page.get_by_role("button", name="New program").click()
    expect(page.get_by_role("heading", name="New program", level=1)).to_be_visible()
    checked(page)

    # A refused form keeps what was typed and says what to fix beside the field.
    page.get_by_label("Name", exact=True).fill("Spring 2027 cohort")
    page.get_by_label("Starts on").fill("2027-03-01")
    page.get_by_label("Ends on").fill("2027-02-01")
    page.get_by_label("Topics").fill("Leadership\nCareer growth")
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.get_by_text("The program must end after it starts").first).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Spring 2027 cohort")
    expect(page.get_by_label("Topics")).to_have_value("Leadership\nCareer growth")
    checked(page)

    page.get_by_label("Ends on").fill("2027-12-01")
    page.get_by_label("Protégés request a mentor", exact=True).check()
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Spring 2027 cohort is ready")).to_be_visible()
    expect(page.get_by_label("Topic: Leadership")).to_have_value("Leadership")
    expect(page.get_by_label("Topic: Career growth")).to_have_value("Career growth")
    checked(page)
    program = Program.objects.get(slug="spring-2027-cohort")
    assert program.matching_mode == "requests"

    # Settings: time boxes that miss the call are refused beside them; then saved.
    page.get_by_label("Call length in minutes").fill("60")
    page.get_by_label("Check-in and homework recap").fill("10")
    page.get_by_label("The deeper topic").fill("30")
    page.get_by_label("Preparing the next call").fill("10")
    page.get_by_label("Topic: Career growth").fill("Growing a career")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("10 minutes short of the 60-minute call").first).to_be_visible()
    expect(page.get_by_label("Topic: Career growth")).to_have_value("Growing a career")
    checked(page)
    page.get_by_label("The deeper topic").fill("40")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    expect(page.get_by_label("Topic: Growing a career")).to_be_visible()
    program.refresh_from_db()
    assert (program.default_call_minutes, program.default_topic_minutes) == (60, 40)

    # A co-admin by email: an account, added at once and told.
    admins = page.get_by_role("region", name=re.compile("Who runs this program"))
    admins.get_by_label("Email address").fill("KAI@example.org")
    admins.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Kai Colleague now helps run")).to_be_visible()
    # Removing another admin is behind a disclosure with a confirm tick.
    expect(admins.locator("summary").filter(has_text="Remove Kai Colleague")).to_be_visible()
    checked(page)
    assert program.admins.filter(pk=colleague.pk).exists()
    assert [m.to for m in mailoutbox] == [["kai@example.org"]]

    # Two questions of its own, one counting in matching.
    page.get_by_role("navigation", name="Spring 2027 cohort").get_by_role("link", name="Questions").click()
    form = page.locator("#add")
    form.get_by_label("Question", exact=True).fill("How does your team work?")
    form.get_by_label("One choice", exact=True).check()
    form.get_by_role("textbox", name="Choices").fill("Remote-first\nIn the office")
    form.get_by_label("Weight in matching").fill("20")
    form.get_by_label("Same answer").check()
    form.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Counts in matching: weight 20, rule “Same answer”.")).to_be_visible()
    form = page.locator("#add")
    form.get_by_label("Question", exact=True).fill("How experienced are you at leading people?")
    form.get_by_label("A scale from 1 to 5").check()
    form.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("heading", name="How experienced are you at leading people?")).to_be_visible()
    checked(page)
    assert program.questions.count() == 2

    # People invited by CSV.
    page.get_by_role("navigation", name="Spring 2027 cohort").get_by_role("link", name="People").click()
    page.get_by_label("CSV file", exact=True).set_input_files(
        files=[
            {
                "name": "cohort.csv",
                "mimeType": "text/csv",
                "buffer": "name,email,role\nAda Mentor,ada@example.org,mentor\nBo Protégé,bo@example.org,protégé\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and invite").click()
    expect(page.get_by_text("Invited 2 people").first).to_be_visible()
    checked(page)
    assert sorted(program.invitations.values_list("email", flat=True)) == [
        "ada@example.org",
        "bo@example.org",
    ]
    page.get_by_role("navigation", name="Spring 2027 cohort").get_by_role("link", name="Settings").click()

    # Clone for a new cohort: an address that exists is refused beside the field.
    clone = page.get_by_role("region", name="Clone for a new cohort")
    clone.get_by_label("Name of the new program").fill("Autumn 2027 cohort")
    clone.get_by_label("Its address").fill("spring-2027-cohort")
    clone.get_by_label("It starts on").fill("2027-09-01")
    clone.get_by_role("button", name="Clone the program").click()
    expect(page.get_by_text("Another program already has the address").first).to_be_visible()
    expect(page.get_by_label("Name of the new program")).to_have_value("Autumn 2027 cohort")
    checked(page)
    page.get_by_label("Its address").fill("autumn-2027-cohort")
    page.get_by_role("button", name="Clone the program").click()
    expect(page.get_by_role("status").filter(has_text="Autumn 2027 cohort is ready")).to_be_visible()
    expect(page.get_by_label("Topic: Growing a career")).to_be_visible()
    checked(page)
    autumn = Program.objects.get(slug="autumn-2027-cohort")
    assert autumn.cloned_from == program
    assert list(autumn.admins.all()) == [creator]
    assert autumn.default_topic_minutes == 40
    # The questions come along, the people do not.
    assert [(q.text, q.weight) for q in autumn.questions.all()] == [
        ("How does your team work?", 20),
        ("How experienced are you at leading people?", 0),
    ]
    assert not autumn.invitations.exists() and not autumn.participants.exists()
