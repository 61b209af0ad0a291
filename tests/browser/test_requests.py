"""Journeys of protégés choosing a mentor: a protégé asks two mentors and one
accepts, so the other request is withdrawn; with approval on, the program's
admin approves; a decline and an expiry each end with the protégé told kindly.
Every page is checked with axe, and at a phone's width for sideways scrolling."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from partnerships.models import Partnership
from programs.models import MatchingMode
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as request_services
from tests.factories import (
    PASSWORD,
    MentorFactory,
    ParticipantFactory,
    ProgramFactory,
    TopicFactory,
    UserFactory,
)

from .conftest import assert_accessible
from .test_page_width import overflow
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(browser: Browser, live_server, user, *, width: int = 1280) -> Page:
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    scroll, client, wide = overflow(page)
    assert scroll <= client, (page.url, wide)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def program():
    admin = UserFactory(display_name="Ada Admin")
    program = ProgramFactory(admins=[admin], name="Rise 2026", matching_mode=MatchingMode.REQUESTS)
    topic = TopicFactory(program=program, name="Negotiation")
    sam = ParticipantFactory(program=program, user__display_name="Sam Seeker")
    sam.topics_sought.set([topic])
    for name, intro in (
        ("Mina", "Twenty years in sales; I mentor because someone once did for me."),
        ("Bo", ""),
    ):
        mentor = MentorFactory(program=program, user__display_name=f"{name} Mentor", intro=intro, capacity=1)
        mentor.topics_offered.set([topic])
    return program


def participant_named(program, name: str):
    return program.participants.select_related("user").get(user__display_name=name)


def test_a_protege_asks_two_mentors_one_accepts_and_the_other_request_is_withdrawn(
    browser: Browser, live_server, program, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    sam = participant_named(program, "Sam Seeker")
    page = person(browser, live_server, sam.user)
    page.goto(f"/programs/{program.slug}/mentors/")
    expect(page.get_by_role("heading", name="Find a mentor")).to_be_visible()
    expect(page.get_by_text("(0 of 3 open)")).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)

    for name, note in (("Mina Mentor", "Your sales years are what I need."), ("Bo Mentor", "")):
        card = page.locator("ol.suggestions > li").filter(has=page.get_by_role("heading", name=name))
        card.get_by_text(f"Ask {name}").click()
        card.get_by_label("A short note to the mentor").fill(note)
        card.get_by_role("button", name=f"Send my request to {name}").click()
        expect(page.get_by_role("status")).to_contain_text(f"Your request is on its way to {name}")
    expect(page.get_by_text("(2 of 3 open)")).to_be_visible()
    assert_accessible(page)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [
            participant_named(program, "Mina Mentor").user.email,
            participant_named(program, "Bo Mentor").user.email,
        ]
    )

    mina = person(browser, live_server, participant_named(program, "Mina Mentor").user)
    mina.goto("/me/requests/")
    expect(mina.get_by_text("Your sales years are what I need.")).to_be_visible()
    assert_accessible(mina)
    fits_a_phone(mina)
    mina.get_by_role("button", name="Accept Sam Seeker").click()
    expect(mina.get_by_role("status")).to_contain_text("You are now Sam Seeker's mentor")
    pair = Partnership.objects.get(protege=sam)
    assert pair.mentor.user.display_name == "Mina Mentor" and pair.status == "proposed"
    assert any("Mina Mentor accepted your request" in m.body for m in mailoutbox if m.to == [sam.user.email])

    page.goto("/me/requests/")
    history = page.locator("#history")
    expect(history.get_by_role("row").filter(has_text="Bo Mentor")).to_contain_text("Withdrawn")
    expect(history.get_by_role("row").filter(has_text="Mina Mentor")).to_contain_text("Matched")
    assert_accessible(page)
    fits_a_phone(page)


def test_with_approval_on_the_admin_approves_the_accepted_request(
    browser: Browser, live_server, program, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    program.requests_need_approval = True
    program.save()
    sam, mina = participant_named(program, "Sam Seeker"), participant_named(program, "Mina Mentor")
    request = request_services.request_send(protege=sam, mentor=mina, note="Hello")

    mentor_page = person(browser, live_server, mina.user)
    mentor_page.goto("/me/requests/")
    mentor_page.get_by_role("button", name="Accept Sam Seeker").click()
    expect(mentor_page.get_by_role("status")).to_contain_text("The program team approves it")
    assert_accessible(mentor_page)

    admin = person(browser, live_server, program.admins.get())
    admin.goto(f"/programs/{program.slug}/matching/")
    expect(admin.get_by_text("1 request for a mentor is open.")).to_be_visible()
    admin.get_by_role("link", name="See the requests and who waits").click()
    expect(admin.get_by_role("heading", name="Requests for a mentor")).to_be_visible()
    assert_accessible(admin)
    fits_a_phone(admin)
    admin.get_by_role("button", name="Approve and match").click()
    expect(admin.get_by_role("status")).to_contain_text("Sam Seeker and Mina Mentor are matched")
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    assert Partnership.objects.get(pk=request.partnership_id).matched_by == program.admins.get()


def test_a_decline_and_an_expiry_each_end_with_the_protege_told_kindly(
    browser: Browser, live_server, program, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    sam, mina, bo = (participant_named(program, n) for n in ("Sam Seeker", "Mina Mentor", "Bo Mentor"))
    request_services.request_send(protege=sam, mentor=mina)
    to_bo = request_services.request_send(protege=sam, mentor=bo)
    mailoutbox.clear()

    mentor_page = person(browser, live_server, mina.user)
    mentor_page.goto("/me/requests/")
    mentor_page.get_by_text("Decline, with a kind word to Sam Seeker").click()
    mentor_page.get_by_role("button", name="Decline the request").click()  # no word chosen
    expect(mentor_page.get_by_role("alert")).to_contain_text("Choose a kind word or write your own.")
    assert_accessible(mentor_page)
    mentor_page.get_by_label("The timing doesn't work for me.").check()
    mentor_page.get_by_role("button", name="Decline the request").click()
    expect(mentor_page.get_by_role("status")).to_contain_text("they have your kind word")
    (declined,) = [m for m in mailoutbox if m.to == [sam.user.email]]
    assert "The timing doesn't work for me." in declined.body and "It is not about you" in declined.body

    MentorRequest.objects.filter(pk=to_bo.pk).update(expires_at=timezone.now())
    assert request_services.requests_expire(now=timezone.now()) == 1
    expired = [m for m in mailoutbox if m.to == [sam.user.email] and "expired" in m.subject]
    assert len(expired) == 1 and "silence is no judgement of you" in expired[0].body

    page = person(browser, live_server, sam.user)
    page.goto("/me/requests/")
    history = page.locator("#history")
    expect(history.get_by_role("row").filter(has_text="Mina Mentor")).to_contain_text(
        "The timing doesn't work"
    )
    expect(history.get_by_role("row").filter(has_text="Bo Mentor")).to_contain_text("Expired")
    assert_accessible(page)
    page.goto(f"/programs/{program.slug}/mentors/")
    expect(page.get_by_text("(0 of 3 open)")).to_be_visible()
