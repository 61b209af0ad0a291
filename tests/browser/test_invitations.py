import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from programs.models import Invitation, Participant
from tests.factories import PASSWORD

from .conftest import assert_accessible
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_invites_a_person_who_signs_up_and_joins(
    page: Page, browser: Browser, live_server, world, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url

    # The admin invites one person on the people page.
    page.goto("/accounts/login/")
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{world.program.slug}/people/")
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Email address").fill("nia.new@example.org")
    page.get_by_label("Protégé").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation on its way to Nia New")
    invitations = page.get_by_role("table", name="Invitations not yet accepted")
    expect(invitations.get_by_role("row", name=re.compile("Nia New"))).to_be_visible()
    assert_accessible(page)

    # The email holds the link.
    (email,) = mailoutbox
    assert email.to == ["nia.new@example.org"]
    link = re.search(r"(http://\S+/invitations/\S+/)", email.body).group(1)

    # The invitee, in a browser of their own, follows it and signs up.
    # Their browser is in Kiritimati: the sign-up page preselects that zone.
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        viewport={"width": 390, "height": 844},
        timezone_id="Pacific/Kiritimati",
    )
    invitee = context.new_page()
    invitee.set_default_timeout(10_000)
    try:
        invitee.goto(link)
        expect(invitee.get_by_role("heading", name=f"Join {world.program.name} as a protégé")).to_be_visible()
        expect(invitee.get_by_label("Email")).to_have_value("nia.new@example.org")
        expect(invitee.get_by_label("Email")).to_be_disabled()
        expect(invitee.get_by_label("Time zone")).to_have_value("Pacific/Kiritimati")
        expect(invitee.get_by_text("Filled in from your browser.")).to_be_visible()
        assert_accessible(invitee)
        invitee.get_by_label("Password", exact=True).fill("a long enough secret")
        invitee.get_by_label("Password again").fill("a long enough secret")
        invitee.get_by_role("button", name=f"Sign up and join {world.program.name}").click()

        # Signing up joined: home greets them by the invitation's name and says what is next.
        expect(invitee.get_by_role("heading", name="Welcome, Nia New")).to_be_visible()
        statuses = invitee.get_by_role("status")
        expect(statuses.filter(has_text="Welcome")).to_have_count(0)
        expect(statuses.filter(has_text=f"You joined {world.program.name} as a protégé.")).to_be_visible()
        assert_accessible(invitee)

        # The link is used up.
        invitee.goto(link)
        expect(
            invitee.get_by_role("heading", name=f"You have already joined {world.program.name}")
        ).to_be_visible()
        assert_accessible(invitee)
    finally:
        context.close()

    person = User.objects.get(email="nia.new@example.org")
    assert Participant.objects.get(program=world.program, user=person).role == "protege"
    assert person.time_zone == "Pacific/Kiritimati"

    # The admin sees them among the participants and no longer among the invitations.
    page.reload()
    participants = page.get_by_role("table", name=f"Participants of {world.program.name}")
    expect(participants.get_by_role("row", name=re.compile("Nia New"))).to_be_visible()
    expect(page.get_by_text("Nobody is waiting to accept an invitation.")).to_be_visible()
    participants.get_by_role("link", name="Nia New").click()
    expect(page.get_by_role("heading", name="Nia New")).to_be_visible()
    assert_accessible(page)


def test_resend_and_revoke_work_with_htmx(page: Page, world, mailoutbox, eager_tasks):
    page.goto("/accounts/login/")
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{world.program.slug}/people/")
    page.get_by_label("Name").fill("Rae Resent")
    page.get_by_label("Email address").fill("rae@example.org")
    page.get_by_label("Mentor").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation on its way")

    resend = page.get_by_role("button", name="Resend the invitation to rae@example.org")
    resend.click()
    expect(page.get_by_role("status")).to_contain_text("Sent rae@example.org a new link")
    expect(resend).to_be_focused()  # the keyboard user keeps their place
    assert len(mailoutbox) == 2
    assert mailoutbox[0].body != mailoutbox[1].body  # a new link
    assert_accessible(page)

    page.get_by_role("button", name="Revoke the invitation to rae@example.org").click()
    expect(page.get_by_role("status")).to_contain_text("Revoked the invitation to rae@example.org")
    expect(page.get_by_text("Nobody is waiting to accept an invitation.")).to_be_visible()
    expect(page.get_by_role("heading", name="Invitations not yet accepted")).to_be_focused()
    assert_accessible(page)
    # Swapped in place: still the people page, no reload.
    assert page.url.endswith(f"/programs/{world.program.slug}/people/")


def test_someone_with_an_account_signs_in_from_the_invitation_and_a_dead_link_says_so(page: Page, world):
    invitation = Invitation(
        program=world.program,
        email=world.outsider.email,
        name="Olive",
        role="mentor",
        invited_by=world.admin,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    token = invitation.new_token()
    invitation.save()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/invitations/{token}/")
    expect(page.get_by_role("heading", name=f"Sign in to join {world.program.name}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    sign_in(page, world.outsider.email, PASSWORD)
    expect(page.get_by_role("heading", name=f"Join {world.program.name} as a mentor")).to_be_visible()

    page.goto("/invitations/a-link-that-was-replaced/")
    expect(page.get_by_role("heading", name="This invitation link cannot be used")).to_be_visible()
    expect(page.get_by_text("Ask your program admin to send you a new invitation.")).to_be_visible()
    assert_accessible(page)


def test_without_javascript_the_sign_up_says_its_zone_is_utc(browser: Browser, live_server, world):
    invitation = Invitation(
        program=world.program,
        email="no.script@example.org",
        name="Noor",
        role="mentor",
        invited_by=world.admin,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    token = invitation.new_token()
    invitation.save()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, timezone_id="Pacific/Kiritimati"
    )
    try:
        page = context.new_page()
        page.goto(f"/invitations/{token}/")
        expect(page.get_by_label("Time zone")).to_have_value("UTC")
        expect(page.get_by_text("Set to UTC. Choose where you are")).to_be_visible()
    finally:
        context.close()
