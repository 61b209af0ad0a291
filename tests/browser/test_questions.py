"""A program's own questions, from the admin's page to the protégé's answers:
the admin adds two (one a matching criterion), a protégé signing up from an
invitation answers them, and the answers show and change on the profile."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from programs.models import Question
from programs.services import invitations
from tests.factories import PASSWORD

from .conftest import assert_accessible
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def test_admin_adds_questions_and_a_protege_answers_them_at_sign_up_and_on_the_profile(
    page: Page, browser: Browser, live_server, world, settings, mailoutbox, eager_tasks
):
    settings.SITE_URL = live_server.url
    page.goto("/accounts/login/")
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{world.program.slug}/questions/")
    expect(page.get_by_role("heading", name="Profile questions")).to_be_visible()
    assert_accessible(page)

    # A choice question with one choice is refused beside the field, as typed.
    form = page.locator("#add")
    form.get_by_label("Question", exact=True).fill("Which team style suits you?")
    form.get_by_label("One choice", exact=True).check()
    form.get_by_role("textbox", name="Choices").fill("Remote-first")
    form.get_by_label("Weight in matching").fill("30")
    form.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.locator("#id_choices_error")).to_contain_text("at least 2 choices")
    expect(page.locator("#id_rule_error")).to_contain_text("Choose a rule")
    expect(page.get_by_label("Question", exact=True)).to_have_value("Which team style suits you?")
    assert_accessible(page)
    assert not Question.objects.exists()

    # Fixed: two choices and a rule; a criterion.
    page.get_by_role("textbox", name="Choices").fill("Remote-first\nIn the office")
    page.get_by_label("Same answer").check()
    page.get_by_label("An answer is required").check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("status")).to_contain_text("Question added: Which team style suits you?")
    expect(page.get_by_text("Counts in matching: weight 30, rule “Same answer”.")).to_be_visible()

    # A second: short text, for protégés.
    form = page.locator("#add")
    form.get_by_label("Question", exact=True).fill("What would you like to be doing in two years?")
    form.get_by_label("Short text").check()
    form.get_by_label("Protégés", exact=True).check()
    form.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("status")).to_contain_text("Question added")
    expect(page.get_by_role("listitem").filter(has_text="What would you like")).to_have_count(1)
    assert_accessible(page)

    # A protégé is invited and signs up on a phone, answering both.
    invitations.invitation_create(
        program=world.program,
        email="nia.new@example.org",
        name="Nia New",
        role="protege",
        invited_by=world.admin,
    )
    link = re.search(r"(http://\S+/invitations/\S+/)", mailoutbox[-1].body).group(1)
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 375, "height": 800}
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(link)
        expect(phone.get_by_role("group", name="Which team style suits you?")).to_be_visible()
        assert_accessible(phone)
        no_sideways_scroll(phone)
        phone.get_by_label("Password", exact=True).fill("a long enough secret")
        phone.get_by_label("Password again").fill("a long enough secret")
        phone.get_by_label("What would you like to be doing in two years?").fill("Leading a small team")
        phone.get_by_role("button", name=f"Sign up and join {world.program.name}").click()
        # The required question was not answered: refused beside it, the text kept.
        expect(phone.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
        expect(phone.get_by_text("Choose an answer.").last).to_be_visible()
        expect(phone.get_by_label("What would you like to be doing in two years?")).to_have_value(
            "Leading a small team"
        )
        assert_accessible(phone)
        phone.get_by_label("Password", exact=True).fill("a long enough secret")
        phone.get_by_label("Password again").fill("a long enough secret")
        phone.get_by_label("Remote-first").check()
        phone.get_by_role("button", name=f"Sign up and join {world.program.name}").click()
        expect(phone.get_by_role("heading", name="Welcome, Nia New")).to_be_visible()

        # The answers show on the profile and change there.
        phone.goto("/me/profile/")
        section = phone.locator(f"#questions-{world.program.slug}")
        expect(section.get_by_role("heading", name=f"Questions from {world.program.name}")).to_be_visible()
        expect(section.get_by_label("Remote-first")).to_be_checked()
        expect(section.get_by_label("What would you like to be doing in two years?")).to_have_value(
            "Leading a small team"
        )
        assert_accessible(phone)
        no_sideways_scroll(phone)
        section.get_by_label("In the office").check()
        section.get_by_role("button", name=f"Save your answers for {world.program.name}").click()
        expect(section.get_by_role("status")).to_contain_text("are saved")
        expect(
            phone.locator(f"#questions-{world.program.slug}").get_by_label("In the office")
        ).to_be_checked()
        assert_accessible(phone)
    finally:
        context.close()

    # The admin reads them on the person's page.
    page.goto(f"/programs/{world.program.slug}/people/")
    page.get_by_role("link", name="Nia New").click()
    answers = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("questions")))
    expect(answers).to_contain_text("In the office")
    expect(answers).to_contain_text("Leading a small team")
    assert_accessible(page)


def test_the_questions_pages_fit_a_phone_with_long_words(page: Page, live_server, world):
    from programs.services.answers import answers_save
    from programs.services.questions import question_create

    question = question_create(
        program=world.program,
        text="Q" * 200,
        help_text="H" * 300,
        kind="multiple",
        choices=["C" * 80, "D" * 80],
        weight=100,
        rule="covers",
    )
    answers_save(participant=world.partnership.protege, cleaned={question.pk: [question.choices.first().pk]})
    question_create(program=world.program, text="T" * 200, kind="text")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/accounts/login/")
    sign_in(page, world.admin.email, PASSWORD)
    for path in (
        f"/programs/{world.program.slug}/questions/",
        f"/programs/{world.program.slug}/questions/{question.pk}/edit/",
        f"/programs/{world.program.slug}/people/{world.partnership.protege.pk}/",
    ):
        page.goto(path)
        no_sideways_scroll(page)
        assert_accessible(page)
