"""Invitations: the services, the email, and the link an invitee follows,
including signing up from it (the CSV import: test_invitations_csv.py)."""

import datetime

import pytest
from celery import current_app
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import User
from mentoring.models import SentEmail
from partnerships.models import Partnership
from programs.models import Invitation, Participant
from programs.selectors.invitations import invitation_for_token
from programs.services import invitations
from programs.services.invitations import INVITATION_VALID_FOR
from programs.tasks import send_invitation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queued_emails(callbacks) -> list[tuple[int, str]]:
    """(invitation id, token) of each ``send_invitation`` enqueued after commit."""
    queued = []
    for callback in callbacks:
        assert callback.func == send_invitation.delay, "only invitation emails are expected here"
        queued.append(callback.args)
    return queued


def invite(
    world, django_capture_on_commit_callbacks, email="new.person@example.org", role="mentor", name="Nia New"
):
    """Invites someone as the world's admin; returns the invitation and its link token."""
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = invitations.invitation_create(
            program=world.program, email=email, name=name, role=role, invited_by=world.admin
        )
    ((invitation_id, token),) = queued_emails(callbacks)
    assert invitation_id == invitation.pk
    return invitation, token


# --- Inviting one person --------------------------------------------------------


def test_an_invitation_keeps_only_a_hash_of_its_link_and_expires_in_14_days(
    world, django_capture_on_commit_callbacks
):
    invitation, token = invite(world, django_capture_on_commit_callbacks, email="  Nia.New@Example.org ")
    invitation.refresh_from_db()
    assert invitation.email == "nia.new@example.org"
    assert invitation.token_hash == Invitation.hash_token(token) != token
    assert invitation.role == Participant.Role.MENTOR
    assert invitation.invited_by == world.admin
    assert invitation.sent_at is None
    assert abs(invitation.expires_at - (timezone.now() + datetime.timedelta(days=14))) < datetime.timedelta(
        minutes=1
    )
    assert datetime.timedelta(days=14) == INVITATION_VALID_FOR


def test_inviting_the_same_person_again_refreshes_the_open_invitation_with_a_new_link(
    world, django_capture_on_commit_callbacks
):
    first, old_token = invite(world, django_capture_on_commit_callbacks, role="mentor")
    second, new_token = invite(
        world, django_capture_on_commit_callbacks, email="NEW.person@example.org", role="protege", name="Nia"
    )
    assert second.pk == first.pk
    assert Invitation.objects.filter(program=world.program).count() == 1
    second.refresh_from_db()
    assert second.role == "protege" and second.name == "Nia"
    assert invitation_for_token(old_token) is None
    assert invitation_for_token(new_token) == second


def test_someone_already_in_the_program_is_not_invited_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as refused:
        invitations.invitation_create(
            program=world.program,
            email=world.mentor.email.upper(),
            name="",
            role="mentor",
            invited_by=world.admin,
        )
    assert refused.value.messages == [f"{world.mentor.email} is already in this program as a mentor."]
    assert not Invitation.objects.exists()
    assert callbacks == []


def test_a_withdrawn_participant_can_be_invited_again(world, django_capture_on_commit_callbacks):
    invitations.participant_withdraw(participant=world.partnership.protege, by=world.admin)
    invitation, _token = invite(world, django_capture_on_commit_callbacks, email=world.protege.email)
    assert invitation.pk


# --- Resending and revoking -----------------------------------------------------


def test_resending_makes_a_new_link_and_the_old_one_stops_working(world, django_capture_on_commit_callbacks):
    invitation, old_token = invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1), sent_at=timezone.now()
    )
    with django_capture_on_commit_callbacks() as callbacks:
        invitations.invitation_resend(invitation=invitation)
    ((_, new_token),) = queued_emails(callbacks)
    invitation.refresh_from_db()
    assert invitation.state_at(timezone.now()) == Invitation.State.PENDING
    assert invitation.sent_at is None
    assert invitation_for_token(old_token) is None
    assert invitation_for_token(new_token) == invitation


def test_an_accepted_invitation_cannot_be_resent_or_revoked(world, django_capture_on_commit_callbacks):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_accept(token=token, user=UserFactory())
    with pytest.raises(ValidationError, match="already accepted"):
        invitations.invitation_resend(invitation=invitation)
    with pytest.raises(ValidationError, match="already accepted"):
        invitations.invitation_revoke(invitation=invitation)


def test_revoking_stops_the_link_and_can_be_repeated(world, django_capture_on_commit_callbacks):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_revoke(invitation=invitation)
    invitations.invitation_revoke(invitation=invitation)
    with pytest.raises(ValidationError, match="withdrawn by the program admin"):
        invitations.invitation_accept(token=token, user=UserFactory())
    with pytest.raises(ValidationError, match="was revoked"):
        invitations.invitation_resend(invitation=invitation)
    # The person can be invited afresh.
    invite(world, django_capture_on_commit_callbacks)


# --- Accepting ------------------------------------------------------------------


def test_accepting_makes_the_person_a_participant_in_the_invited_role(
    world, django_capture_on_commit_callbacks
):
    invitation, token = invite(world, django_capture_on_commit_callbacks, role="protege")
    person = UserFactory(email="new.person@example.org")
    participant = invitations.invitation_accept(token=token, user=person)
    assert (participant.program, participant.user, participant.role, participant.status) == (
        world.program,
        person,
        "protege",
        "active",
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None


def test_someone_without_a_display_name_takes_the_name_on_the_invitation(
    world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks, name="Nia New")
    nameless, named = UserFactory(display_name=""), UserFactory(display_name="Nia N.")
    invitations.invitation_accept(token=token, user=nameless)
    nameless.refresh_from_db()
    assert nameless.display_name == "Nia New"
    _invitation, token = invite(
        world, django_capture_on_commit_callbacks, email="other@example.org", name="Other"
    )
    invitations.invitation_accept(token=token, user=named)
    named.refresh_from_db()
    assert named.display_name == "Nia N."


def test_a_used_link_cannot_be_used_again(world, django_capture_on_commit_callbacks):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_accept(token=token, user=UserFactory())
    with pytest.raises(ValidationError) as refused:
        invitations.invitation_accept(token=token, user=UserFactory())
    assert refused.value.messages == ["This invitation has already been used."]
    assert refused.value.code == "accepted"


def test_an_expired_link_is_refused(world, django_capture_on_commit_callbacks):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as refused:
        invitations.invitation_accept(token=token, user=UserFactory())
    assert refused.value.messages == ["This invitation has expired."]
    assert (
        not Participant.objects.filter(program=world.program, role="mentor")
        .exclude(user=world.mentor)
        .exists()
    )


def test_an_unknown_link_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        invitations.invitation_accept(token="not-a-real-token", user=world.outsider)
    assert refused.value.code == "unknown"
    assert "replaced by a newer invitation" in refused.value.messages[0]


def test_accepting_brings_a_withdrawn_participant_back_in_the_invited_role(
    world, django_capture_on_commit_callbacks
):
    protege = world.partnership.protege
    invitations.participant_withdraw(participant=protege, by=world.admin)
    _invitation, token = invite(
        world, django_capture_on_commit_callbacks, email=world.protege.email, role="mentor"
    )
    participant = invitations.invitation_accept(token=token, user=world.protege)
    assert participant.pk == protege.pk
    assert (participant.status, participant.role) == ("active", "mentor")


def test_someone_already_in_the_program_cannot_accept_another_invitation(
    world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        invitations.invitation_accept(token=token, user=world.mentor)
    assert refused.value.code == "already_participant"
    assert refused.value.messages == [f"You are already in {world.program.name} as a mentor."]


def test_withdrawing_leaves_partnerships_alone(world):
    participant = invitations.participant_withdraw(participant=world.partnership.mentor, by=world.admin)
    assert participant.status == Participant.Status.WITHDRAWN
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE


# --- The email ------------------------------------------------------------------


def test_the_email_says_who_invited_whom_to_what_and_links_to_the_invitation(
    world, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://mentoring.example.org/"
    world.program.description = "A year of growing leaders."
    world.program.save()
    invitation, token = invite(world, django_capture_on_commit_callbacks, role="protege", name="Nia New")
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)

    (email,) = mailoutbox
    link = f"https://mentoring.example.org/invitations/{token}/"
    assert email.to == ["new.person@example.org"]
    assert email.subject == f"[Mentoring] Join {world.program.name} as a protégé"
    for text in (email.body, email.alternatives[0].content):
        assert "Hello Nia New," in text
        assert "Ada Admin invited you to join" in text
        assert world.program.name in text
        assert "as a protégé" in text
        assert "A year of growing leaders." in text
        assert link in text
        assert "14 days" in text
    assert email.alternatives[0].mimetype == "text/html"
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_the_email_to_a_mentor_without_a_name_or_an_inviter_reads_word_for_word(
    world, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://mentoring.example.org"
    invitation, token = invite(world, django_capture_on_commit_callbacks, role="mentor", name="")
    Invitation.objects.filter(pk=invitation.pk).update(invited_by=None)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)

    (email,) = mailoutbox
    until = dateformat.format(timezone.localtime(invitation.expires_at), "j F Y")
    assert email.subject == f"[Mentoring] Join {world.program.name} as a mentor"
    assert email.body == (
        "Hello there,\n\n"
        f"Your program admin invited you to join {world.program.name} as a mentor.\n\n"
        "As a mentor you share your experience with a protégé who owns the agenda. You start by writing a "
        "short introduction: your work experience, why you mentor, earlier partnerships. Sharing it first is "
        "how trust starts.\n\n"
        "Accept the invitation:\n"
        f"https://mentoring.example.org/invitations/{token}/\n\n"
        f"The link works for 14 days, until {until}. If it has expired, ask your program admin for a new "
        "one. If you did not expect this email, you can ignore it.\n\n"
        "— Mentoring\n\n"
    )


def test_an_invitation_queued_under_the_task_name_before_programs_had_an_app_is_still_sent(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    earlier = current_app.tasks["partnerships.tasks.send_invitation"]
    earlier.apply(args=(invitation.pk, token)).get()
    (email,) = mailoutbox
    assert email.to == [invitation.email]


def test_the_email_is_sent_once_even_if_the_task_runs_twice(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)
    assert len(mailoutbox) == 1


def test_no_email_for_a_link_replaced_since_or_a_revoked_invitation(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, old_token = invite(world, django_capture_on_commit_callbacks)
    _same, new_token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=old_token)
    assert mailoutbox == []
    invitations.invitation_revoke(invitation=invitation)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=new_token)
    assert mailoutbox == []


def test_a_resent_invitation_is_emailed_again_with_its_new_link(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, first_token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=first_token)
    with django_capture_on_commit_callbacks() as callbacks:
        invitations.invitation_resend(invitation=invitation)
    ((_, second_token),) = queued_emails(callbacks)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=second_token)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=second_token)  # a retried task

    first, second = mailoutbox
    assert first_token in first.body and second_token in second.body
    assert first.extra_headers["Message-ID"] != second.extra_headers["Message-ID"]


def test_the_ledger_says_which_invitation_email_went_without_keeping_its_link(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)
    (sent,) = SentEmail.objects.all()
    assert (sent.kind, sent.recipient) == ("invitation", invitation.email)
    assert sent.key.startswith(f"invitation-{invitation.pk}-") and sent.sent_at is not None
    assert token not in sent.key


def test_a_task_stopped_after_sending_records_the_email_sent_without_sending_it_again(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)  # as if it stopped before recording
    invitations.invitation_send_email(invitation_id=invitation.pk, token=token)
    assert len(mailoutbox) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


# --- The link -------------------------------------------------------------------


def accept_url(token: str) -> str:
    return reverse("programs:invitation_accept", args=[token])


@pytest.mark.parametrize(
    ("make_unusable", "message"),
    [
        (lambda i: None, "replaced by a newer invitation"),
        (lambda i: Invitation.objects.filter(pk=i.pk).update(expires_at=timezone.now()), "has expired"),
        (lambda i: invitations.invitation_revoke(invitation=i), "withdrawn by the program admin"),
        (lambda i: invitations.invitation_accept(token=i.token, user=UserFactory()), "already been used"),
    ],
    ids=["unknown", "expired", "revoked", "used"],
)
def test_a_link_that_cannot_be_used_says_why_and_whom_to_ask(
    client, world, django_capture_on_commit_callbacks, make_unusable, message
):
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    invitation.token = token
    make_unusable(invitation)
    url = accept_url(token if message != "replaced by a newer invitation" else "an-old-replaced-token")
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 410
        assert message in response.text
        assert "send you a new invitation" in response.text
    assert not Participant.objects.filter(user__email="new.person@example.org").exists()


def test_signed_in_the_person_confirms_and_joins(client, world, django_capture_on_commit_callbacks):
    _invitation, token = invite(world, django_capture_on_commit_callbacks, role="protege")
    person = UserFactory(email="new.person@example.org")
    client.force_login(person)
    response = client.get(accept_url(token))
    assert response.status_code == 200
    assert f"Join {world.program.name} as a protégé" in response.text
    assert "Ada Admin invited you" in response.text
    assert not Participant.objects.filter(user=person).exists()  # opening the link changes nothing

    response = client.post(accept_url(token), follow=True)
    assert response.redirect_chain == [(reverse("home:home"), 302)]
    assert f"Welcome to {world.program.name}. You joined as protégé." in response.text
    assert Participant.objects.get(user=person).role == "protege"


def test_signed_in_with_another_address_the_page_says_which_account_joins(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.force_login(world.outsider)
    response = client.get(accept_url(token))
    assert "This invitation was sent to <strong>new.person@example.org</strong>" in response.text
    client.post(accept_url(token))
    assert Participant.objects.get(program=world.program, user=world.outsider).role == "mentor"


def test_someone_already_in_the_program_is_told_so(client, world, django_capture_on_commit_callbacks):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.force_login(world.protege)
    response = client.get(accept_url(token))
    assert f"You are already in {world.program.name}" in response.text
    assert "<button" not in response.text.split("<main", 1)[1].split("</main>", 1)[0]


def test_with_an_account_but_signed_out_the_person_is_asked_to_sign_in_and_comes_back(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks, email=world.outsider.email)
    response = client.get(accept_url(token))
    assert response.status_code == 200
    assert "Sign in to join" in response.text
    login = f"{reverse('account_login')}?next=%2Finvitations%2F{token}%2F"
    assert f'href="{login}"' in response.text
    # Their sign-up stays closed: they have an account.
    assert "Joining is by invitation" in client.get(reverse("account_signup")).text

    response = client.post(login, {"login": world.outsider.email, "password": "correct horse battery"})
    assert response["Location"] == accept_url(token)


def test_signed_out_a_post_is_sent_to_sign_in(client, world, django_capture_on_commit_callbacks):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Signing up from an invitation ----------------------------------------------


def test_sign_up_is_closed_without_a_usable_invitation_in_the_session(
    client, world, django_capture_on_commit_callbacks
):
    assert "Joining is by invitation" in client.get(reverse("account_signup")).text
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.get(accept_url(token))
    assert "Joining is by invitation" not in client.get(reverse("account_signup")).text
    invitations.invitation_revoke(invitation=invitation)
    assert "Joining is by invitation" in client.get(reverse("account_signup")).text


# Signing up itself (it joins at once): tests/programs/test_invitation_sign_up.py


def test_a_rejected_sign_up_keeps_the_invited_address_and_explains(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.get(accept_url(token))
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'value="new.person@example.org"' in response.text
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_links_follow_the_port_the_app_serves_when_no_site_address_is_set(tmp_path):
    """`PORT=8781 make run`: invitation emails and the calendar link point at
    8781, not 8000 (settings.SITE_URL follows PORT unless SITE_URL is set)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {"PORT": "8781", "DJANGO_ENV": "development", "DJANGO_SETTINGS_MODULE": "mentoring.settings"}
    script = (
        "import django; django.setup()\n"
        "from partnerships.calendar import feed_url\n"
        "from programs.services.invitations import invitation_link\n"
        "from partnerships.models import CalendarFeed\n"
        "print(invitation_link('tok'))\n"
        "print(feed_url(CalendarFeed(token='cal')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["http://127.0.0.1:8781/invitations/tok/", "http://127.0.0.1:8781/calendar/cal.ics"]
