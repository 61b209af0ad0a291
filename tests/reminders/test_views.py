"""What people see: the email's link, the stop link, /me/notifications/, the
header's count, the profile's reminder settings and the stall flag."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from partnerships.models import Partnership
from reminders.emails import stop_token
from reminders.models import Kind, Reminder, ReminderOptOut

from .conftest import at, send
from .test_delivery import NOW, a_reminder


def link_in(email) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/\S+)", email.body).group(1)


@pytest.mark.parametrize(
    ("kind", "recipient", "allowed"),
    [
        (Kind.NUDGE, "mentor", {"mentor", "protege"}),
        (Kind.AGREEMENT_PENDING, "protege", {"mentor", "protege"}),
        (Kind.STALL, "admin", {"admin"}),
    ],
)
def test_the_emails_link_opens_the_thing_for_its_recipient_and_404s_for_anyone_else(
    client, world, kind, recipient, allowed
):
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=at(2026, 9, 1))
    if kind == Kind.AGREEMENT_PENDING:
        from partnerships.agreements import agreement_propose
        from tests.partnerships.agreement_helpers import terms

        proposal = agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms())
        reminder = a_reminder(
            world, kind=kind, object_key=f"agreement-{proposal.pk}", recipient=world.protege
        )
    else:
        reminder = a_reminder(world, kind=kind, object_key=kind, recipient=getattr(world, recipient))
    assert send(reminder, now=NOW) == "sent"
    path = link_in(mail.outbox[0]).split("#")[0]
    for persona in ["admin", "other_admin", "mentor", "protege", "outsider"]:
        client.force_login(getattr(world, persona))
        expected = 200 if persona in allowed else 404
        assert client.get(path).status_code == expected, persona


def test_the_stop_link_asks_then_stops_that_kind_without_signing_in(client, world):
    url = reverse("reminders:stop", args=[stop_token(world.mentor.pk, Kind.CHECK_IN)])
    page = client.get(url)
    assert page.status_code == 200 and "Stop these reminders" in page.text
    assert not ReminderOptOut.objects.exists()  # a link scanner's GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "no more reminders of this kind" in done.text
    assert list(ReminderOptOut.objects.values_list("user", "kind")) == [(world.mentor.pk, Kind.CHECK_IN)]
    client.post(url)  # twice is fine
    assert ReminderOptOut.objects.count() == 1


def test_a_forged_stop_link_is_404(client, world):
    token = stop_token(world.mentor.pk, Kind.CHECK_IN)
    assert client.get(reverse("reminders:stop", args=[token[:-2] + "xx"])).status_code == 404


def test_notifications_list_my_reminders_only_and_mark_them_read(client, world, django_assert_num_queries):
    mine = a_reminder(world, kind=Kind.NUDGE, object_key="nudge", recipient=world.mentor)
    a_reminder(world, kind=Kind.NUDGE, object_key="nudge", recipient=world.protege)
    a_reminder(world, kind=Kind.NUDGE, object_key="later", recipient=world.mentor, send_at=at(2099, 1, 1))
    client.force_login(world.mentor)
    assert (
        client.get(reverse("reminders:unread_badge"))
        .text.strip()
        .startswith('<span class="badge badge--unread">1')
    )
    page = client.get(reverse("reminders:notifications"))
    assert page.text.count('<li class="notification') == 1
    assert "Time to set your next call with Sam Protégé" in page.text
    assert '<li class="notification notification--new">' in page.text
    assert f'<a href="{reverse("home:partnership", args=[world.partnership.pk])}">' in page.text
    mine.refresh_from_db()
    assert mine.read_at is not None
    again = client.get(reverse("reminders:notifications"))
    assert again.text.count('<li class="notification">') == 1  # read now: no longer new
    assert client.get(reverse("reminders:unread_badge")).text.strip() == ""
    for n in range(5):
        a_reminder(world, kind=Kind.NUDGE, object_key=f"n{n}", recipient=world.mentor)
    # User, count and page, mark read, the header's "programs I run",
    # and the savepoints of the request's and the service's transactions: 9,
    # whatever the number of reminders.
    with django_assert_num_queries(9):
        client.get(reverse("reminders:notifications"))


def test_the_header_links_to_notifications_and_loads_the_count_with_htmx(client, world):
    client.force_login(world.mentor)
    home = client.get(reverse("home:home"))
    assert reverse("reminders:notifications") in home.text
    assert f'hx-get="{reverse("reminders:unread_badge")}"' in home.text


def test_the_profile_saves_reminder_settings_and_keeps_the_other_forms(client, world):
    client.force_login(world.protege)
    page = client.get(reverse("home:profile"))
    assert 'id="reminders"' in page.text and "Check-in reminders before each call" in page.text
    wanted = [k for k in Kind.values if k not in (Kind.NUDGE, Kind.STALL)]  # stall flags are not offered
    response = client.post(reverse("home:profile"), {"form": "reminders", "reminders-kinds": wanted})
    assert response.status_code == 302
    assert list(ReminderOptOut.objects.filter(user=world.protege).values_list("kind", flat=True)) == [
        Kind.NUDGE
    ]
    page = client.get(reverse("home:profile"))
    assert 'value="nudge"' in page.text and 'value="nudge" checked' not in page.text
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Sam P", "time_zone": "Europe/Paris", "language": "en-gb"},
    )
    assert response.status_code == 302
    world.protege.refresh_from_db()
    assert world.protege.time_zone == "Europe/Paris"
    assert ReminderOptOut.objects.filter(user=world.protege).count() == 1


def test_the_program_overview_shows_failed_reminders(client, world):
    a_reminder(world, kind=Kind.NUDGE, object_key="x", state=Reminder.State.FAILED, recipient=world.mentor)
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug]))
    assert "Reminders that could not be sent" in page.text
    assert "may not have arrived" not in page.text
    a_reminder(world, kind=Kind.NUDGE, object_key="y", state=Reminder.State.UNKNOWN, recipient=world.mentor)
    page = client.get(reverse("home:program_overview", args=[world.program.slug]))
    assert re.search(r"<dt>Reminders that may not have arrived</dt><dd>1</dd>", page.text)
    # Stalled pairs are counted by the health rule (tests/partnerships/test_health_views.py).


def test_a_staff_member_can_send_again_a_reminder_that_may_not_have_arrived(client, world):
    from accounts.models import User

    unknown = a_reminder(world, state=Reminder.State.UNKNOWN, attempts=1, last_error="SMTPServerDisconnected")
    sent = a_reminder(world, object_key="sent", state=Reminder.State.SENT, sent_at=NOW, attempts=1)
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(world.admin)
    page = client.post(
        reverse("admin:reminders_reminder_changelist"),
        {"action": "send_again", "_selected_action": [unknown.pk, sent.pk]},
        follow=True,
    )
    assert "1 reminder will be sent again." in page.text
    unknown.refresh_from_db()
    sent.refresh_from_db()
    assert (unknown.state, unknown.attempts, unknown.enqueued_at) == (Reminder.State.PENDING, 0, None)
    assert sent.state == Reminder.State.SENT
