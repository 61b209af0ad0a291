"""A pair finds a time without back-and-forth: the mentor asks for times, the
protégé confirms one from the link in the email while signed out, and both get
the calendar invitation; the mentor moves the call, and the protégé gets the
update; then the call is cleared, and both get the cancellation. Every page is
checked with axe, and at a phone's width for sideways scrolling."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from partnerships.models import Partnership, TimeOffer
from tests.factories import PartnershipFactory
from tests.partnerships.agreement_helpers import agree

from .conftest import assert_accessible
from .test_requests import fits_a_phone, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def mail_to(mailoutbox, user, subject: str) -> list:
    return [m for m in mailoutbox if m.to == [user.email] and subject in m.subject]


def test_the_mentor_asks_for_times_and_the_protege_confirms_one_from_the_email_signed_out(
    browser: Browser, live_server, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    pair = PartnershipFactory(
        mentor__user__display_name="Morgan Mentor",
        protege__user__display_name="Sam Seeker",
        protege__user__time_zone="America/New_York",
    )
    agree(pair)
    Partnership.objects.filter(pk=pair.pk).update(last_call_at=timezone.now() - datetime.timedelta(days=10))
    mentor, protege = pair.mentor.user, pair.protege.user

    morgan = person(browser, live_server, mentor)
    morgan.goto(f"/partnerships/{pair.pk}/")
    morgan.get_by_role("link", name="Find a time").click()
    expect(morgan.get_by_role("heading", name="Find a time for your next call")).to_be_visible()
    expect(morgan.get_by_text("Your agreement expects a call around")).to_be_visible()
    assert_accessible(morgan)
    fits_a_phone(morgan)
    morgan.get_by_role("button", name="Offer times to Sam Seeker").click()
    expect(morgan.get_by_role("status")).to_contain_text("Your times are on their way to Sam Seeker")
    expect(morgan.get_by_role("heading", name="Waiting for Sam Seeker to pick a time")).to_be_visible()
    assert_accessible(morgan)
    fits_a_phone(morgan)

    (offer_email,) = mail_to(mailoutbox, protege, "offered times for your next call")
    links = re.findall(r"https?://\S+/schedule/pick/\S+/", offer_email.body)
    offer = TimeOffer.objects.get(partnership=pair)
    assert len(links) == offer.times.count() >= 3
    chosen = offer.times.all()[1]

    # The mentor, signed in, opening Sam's link is told whose it is and picks nothing.
    morgan.goto(links[1])
    expect(morgan.get_by_role("heading", name="This link is for someone else")).to_be_visible()
    expect(morgan.get_by_text("This link is for Sam Seeker. Sign out to use it")).to_be_visible()
    expect(morgan.get_by_role("button", name=re.compile(r"^Confirm "))).to_have_count(0)
    assert_accessible(morgan)

    # Signed out: the link shows the time and asks to confirm; opening it picks nothing.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    signed_out = context.new_page()
    signed_out.set_default_timeout(10_000)
    signed_out.goto(links[1])
    expect(signed_out.get_by_role("heading", name="Confirm your next call")).to_be_visible()
    assert_accessible(signed_out)
    fits_a_phone(signed_out)
    pair.refresh_from_db()
    assert pair.next_call_at is None
    signed_out.get_by_role("button", name=re.compile(r"^Confirm ")).click()
    expect(signed_out.get_by_role("heading", name="Your next call is set")).to_be_visible()
    assert_accessible(signed_out)
    fits_a_phone(signed_out)
    pair.refresh_from_db()
    assert pair.next_call_at == chosen.starts_at

    # The link works once.
    signed_out.goto(links[0])
    expect(signed_out.get_by_role("heading", name="This link cannot be used any more")).to_be_visible()
    assert_accessible(signed_out)
    context.close()

    # Both got the calendar invitation.
    assert mail_to(mailoutbox, mentor, "Your call with Sam Seeker")
    assert mail_to(mailoutbox, protege, "Your call with Morgan Mentor")

    # The mentor moves the call by hand on the partnership's page; the protégé gets the update.
    morgan.goto(f"/partnerships/{pair.pk}/")
    expect(morgan.locator("#next-call")).to_contain_text("Set by Sam Seeker")
    later = (chosen.starts_at + datetime.timedelta(days=1)).astimezone(zoneinfo.ZoneInfo(mentor.time_zone))
    morgan.get_by_label("Date and time of the next call").fill(later.strftime("%Y-%m-%dT%H:%M"))
    morgan.get_by_role("button", name="Change the time").click()
    expect(morgan.locator("#next-call")).to_contain_text("Your next call is set for")
    assert_accessible(morgan)
    fits_a_phone(morgan)
    assert mail_to(mailoutbox, protege, "Your call with Morgan Mentor has moved to")

    # The mentor clears it; both get the cancellation.
    morgan.get_by_role("button", name="Clear it").click()
    expect(morgan.locator("#next-call")).to_contain_text("The next call's time is cleared.")
    assert_accessible(morgan)
    assert mail_to(mailoutbox, protege, "Cancelled: your call with Morgan Mentor")
    assert mail_to(mailoutbox, mentor, "Cancelled: your call with Sam Seeker")


def test_the_protege_picks_in_the_app_after_a_refused_typed_time(browser: Browser, live_server, settings):
    settings.SITE_URL = live_server.url
    pair = PartnershipFactory(
        mentor__user__display_name="Morgan Mentor",
        protege__user__display_name="Sam Seeker",
        protege__user__time_zone="Asia/Kolkata",
    )
    agree(pair)
    Partnership.objects.filter(pk=pair.pk).update(last_call_at=timezone.now() - datetime.timedelta(days=10))
    pair = Partnership.objects.with_people().get(pk=pair.pk)
    from partnerships import scheduling

    offer = scheduling.time_offer_create(partnership=pair, by=pair.mentor.user)
    sam = person(browser, live_server, pair.protege.user)
    sam.goto(f"/partnerships/{pair.pk}/")
    sam.get_by_role("link", name="Morgan Mentor offered times for your next call: pick one").click()
    expect(
        sam.get_by_role("heading", name="Morgan Mentor offered times for your next call: pick one")
    ).to_be_visible()
    assert_accessible(sam)
    fits_a_phone(sam)

    sam.get_by_text("Or type the times yourself").click()
    sam.get_by_label("Time 1").fill("2020-01-06T10:00")
    sam.get_by_role("button", name="Send these times to Morgan Mentor").click()
    expect(sam.get_by_role("alert")).to_contain_text("There is a problem")
    expect(sam.get_by_label("Time 1")).to_have_value("2020-01-06T10:00")
    assert_accessible(sam)
    fits_a_phone(sam)

    first = offer.times.first()
    sam.get_by_role("button", name=re.compile(r"^Pick ")).first.click()
    expect(sam.get_by_role("status")).to_contain_text("Your next call is set for")
    assert_accessible(sam)
    pair.refresh_from_db()
    assert pair.next_call_at == first.starts_at
