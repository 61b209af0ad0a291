"""Someone who left the organisation: their account deactivated
(``accounts.services.user_deactivate``, or unticked in Django's admin) loses
access at once, is mailed nothing of any kind, and each of their current
partnerships is flagged, once, to the program's admins."""

import datetime

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.services import user_deactivate
from mentoring import mail as mailing
from partnerships.models import Partnership
from partnerships.services import partnership_nudge, partnership_send_match_emails
from partnerships.tasks import send_call_invitations
from programs.services import invitations
from programs.tasks import send_invitation
from reminders.emails import build as build_reminder
from reminders.emails import snapshot
from reminders.models import Kind, Reminder
from reminders.services.scan import reminders_scan
from reminders.services.send import reminders_send
from tests.factories import PASSWORD, PartnershipFactory, ProgramFactory
from tests.partnerships.test_invitations import in_days, set_call

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOON = datetime.datetime(2026, 10, 1, 12, tzinfo=UTC)  # a fixed moment outside anyone's quiet hours


def _run_tasks(callbacks) -> None:
    """Runs the Celery tasks enqueued after commit, here and now, as a worker would."""
    for callback in callbacks:
        task = callback.func.__self__  # the task whose ``delay`` was to be called
        task(*callback.args, **callback.keywords)


# Access ---------------------------------------------------------------------


def test_a_signed_in_leaver_is_signed_out_on_the_next_request(client, world):
    client.force_login(world.protege)
    assert client.get(reverse("home:home")).status_code == 200
    user_deactivate(user=world.protege, by=world.admin)
    response = client.get(reverse("home:home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.get(reverse("partnerships:my_requests")).status_code == 302


def test_a_leaver_cannot_sign_in_with_their_password(client, world):
    user_deactivate(user=world.protege)
    client.post(reverse("account_login"), {"login": world.protege.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home:home")).status_code == 302


def test_deactivating_twice_changes_nothing_more(world):
    user_deactivate(user=world.protege)
    user_deactivate(user=world.protege)
    assert User.objects.get(pk=world.protege.pk).is_active is False
    assert Reminder.objects.filter(object_key=f"left-{world.protege.pk}").count() == 1


# No email of any kind -------------------------------------------------------


def test_no_match_email_goes_to_a_leaver(world):
    user_deactivate(user=world.protege)
    partnership_send_match_emails(partnership_id=world.partnership.pk)
    assert [message.to for message in mail.outbox] == [[world.mentor.email]]


def test_no_nudge_from_an_admin_goes_to_a_leaver(world, django_capture_on_commit_callbacks):
    user_deactivate(user=world.protege)
    with django_capture_on_commit_callbacks() as callbacks:
        partnership_nudge(partnership=world.partnership, by=world.admin, message="How are you two doing?")
    _run_tasks(callbacks)
    assert [message.to for message in mail.outbox] == [[world.mentor.email]]


def test_no_invitation_email_goes_to_a_leavers_address(world, django_capture_on_commit_callbacks):
    other = ProgramFactory(admins=[world.admin])
    user_deactivate(user=world.protege)
    with django_capture_on_commit_callbacks() as callbacks:
        invitations.invitation_create(
            program=other, email=world.protege.email.upper(), name="", role="mentor", invited_by=world.admin
        )
        invitations.invitation_create(
            program=other, email="new.person@example.org", name="", role="mentor", invited_by=world.admin
        )
    assert [callback.func for callback in callbacks] == [send_invitation.delay] * 2
    _run_tasks(callbacks)
    assert [message.to for message in mail.outbox] == [["new.person@example.org"]]


def test_no_call_invitation_goes_to_a_leaver(world, django_capture_on_commit_callbacks):
    from tests.partnerships.agreement_helpers import agree

    agree(world.partnership)
    user_deactivate(user=world.protege)
    calls = set_call(world.partnership, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    assert calls and send_call_invitations
    assert [message.to for message in mail.outbox] == [[world.mentor.email]]


@pytest.mark.parametrize("kind", [Kind.NUDGE, Kind.CHECK_IN, Kind.STALL])
def test_a_reminder_decided_before_they_left_is_not_sent(world, kind):
    reminder = Reminder.objects.create(
        kind=kind,
        partnership=world.partnership,
        object_key="stall",
        due_at=NOON,
        recipient=world.protege,
        send_at=NOON,
    )
    user_deactivate(user=world.protege)
    outcome = reminders_send(reminder_ids=[reminder.pk], now=NOON).outcomes[reminder.pk]
    assert outcome == Reminder.State.CANCELLED and mail.outbox == []


def test_the_scan_decides_no_reminder_for_a_leaver(world):
    from tests.partnerships.agreement_helpers import agree

    agree(world.partnership, cadence="weekly")
    user_deactivate(user=world.protege)
    reminders_scan(now=datetime.datetime(2026, 11, 20, 12, tzinfo=UTC))  # long without a call: nudges due
    assert not Reminder.objects.filter(recipient=world.protege).exists()
    # The pair is flagged as broken: not nudged, nor flagged again as stalled.
    assert not Reminder.objects.filter(kind=Kind.NUDGE).exists()
    assert list(Reminder.objects.filter(kind=Kind.STALL).values_list("object_key", flat=True)) == [
        f"left-{world.protege.pk}"
    ]


def test_a_leavers_address_is_dropped_from_a_list_of_recipients(world):
    user_deactivate(user=world.mentor)
    to = [world.mentor.email.upper(), f"Sam <{world.protege.email}>", "nobody@elsewhere.test"]
    assert mailing.without_leavers(to) == to[1:]


def test_the_one_mail_mechanism_sends_nothing_to_a_leavers_address(world):
    user_deactivate(user=world.mentor)
    sent = mailing.send_once(
        "nudge",
        key="leaver-check",
        to=world.mentor.email,
        context={
            "partnership": world.partnership,
            "me": world.partnership.mentor,
            "other": world.partnership.protege,
            "sender": world.admin,
            "message": "Hello",
            "link": "/",
        },
    )
    assert sent is False and mail.outbox == []


# Flagged to the program's admins ----------------------------------------------


def test_each_current_partnership_of_a_leaver_is_flagged_once_to_its_admins(world):
    second_admin = world.other_admin
    world.program.admins.add(second_admin)
    ended = PartnershipFactory(
        program=ProgramFactory(admins=[world.admin]),
        protege__user=world.protege,
        status=Partnership.Status.ENDED,
    )
    user_deactivate(user=world.protege, by=world.admin)
    User.objects.get(pk=world.protege.pk).save()  # saved again, in the admin say: no second flag
    flags = Reminder.objects.filter(kind=Kind.STALL, object_key=f"left-{world.protege.pk}")
    assert sorted(flags.values_list("recipient_id", flat=True)) == sorted([world.admin.pk, second_admin.pk])
    assert set(flags.values_list("partnership_id", flat=True)) == {world.partnership.pk}
    assert ended.pk not in set(flags.values_list("partnership_id", flat=True))


def test_the_flag_says_who_left_in_the_admins_email(world):
    user_deactivate(user=world.mentor)
    flag = Reminder.objects.get(kind=Kind.STALL, object_key=f"left-{world.mentor.pk}", recipient=world.admin)
    message = build_reminder(flag, snapshot([flag]), now=NOON)
    assert "Morgan Mentor has left the organisation" in message.subject
    assert "Morgan Mentor has left the organisation" in message.body


def test_the_flag_is_sent_to_the_admin_by_the_next_scan(world):
    user_deactivate(user=world.mentor)
    Reminder.objects.filter(object_key=f"left-{world.mentor.pk}").update(send_at=NOON)
    flag = Reminder.objects.get(object_key=f"left-{world.mentor.pk}")
    assert reminders_send(reminder_ids=[flag.pk], now=NOON).outcomes[flag.pk] == Reminder.State.SENT
    [message] = mail.outbox
    assert message.to == [world.admin.email] and "has left the organisation" in message.subject


def test_unticking_active_in_djangos_admin_does_the_same(rf, world):
    site_admin = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    request = rf.post("/admin/")
    request.user = site_admin
    user = User.objects.get(pk=world.mentor.pk)
    user.is_active = False
    admin.site._registry[User].save_model(request, user, form=None, change=True)
    assert User.objects.get(pk=world.mentor.pk).is_active is False
    assert Reminder.objects.filter(kind=Kind.STALL, object_key=f"left-{world.mentor.pk}").count() == 1


def test_asking_to_reset_a_leavers_password_emails_nothing(client, world):
    user_deactivate(user=world.protege)
    client.post(reverse("account_reset_password"), {"email": world.protege.email})
    assert mail.outbox == []
