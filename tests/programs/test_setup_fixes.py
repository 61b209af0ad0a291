"""What a tester found in program setup and questions, held: removing another
admin is confirmed and tells them, adding a waiting admin invitation again says
the old link stopped working, choices keep their order everywhere, sign-up marks
optional questions under the program's heading, one cadence label, and a clone
obeys a new program's date bounds."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.models import SentEmail
from programs.models import Invitation, InvitationRole, Participant
from programs.rhythms import cadence_choices
from programs.selectors.questions import question_of, questions_for, questions_of
from programs.services import setup
from programs.services.questions import question_create, question_update
from programs.setup_forms import ENDS_AHEAD, ProgramCloneForm, ProgramNewForm
from programs.tasks import send_admin_removed
from tests.factories import UserFactory
from tests.programs.test_invitation_sign_up import SIGNUP, accept_url
from tests.programs.test_invitations import invite

pytestmark = pytest.mark.django_db


def _remove_url(world, admin) -> str:
    return reverse("programs:admin_remove", args=[world.program.slug, admin.pk])


# --- 1. Removing another admin --------------------------------------------------------


def test_removing_another_admin_asks_to_confirm_and_keeps_them_until_ticked(client, world):
    founder = world.admin
    newcomer = UserFactory(display_name="Kai Colleague")
    world.program.admins.add(newcomer)
    client.force_login(newcomer)

    page = client.get(reverse("programs:settings", args=[world.program.slug])).content.decode()
    assert f'id="remove-{founder.pk}-confirm"' in page
    assert "Yes, remove Ada Admin" in page

    response = client.post(_remove_url(world, founder), {})
    assert response.status_code == 200
    assert "Tick the box to confirm that this admin stops helping run the program." in response.text
    assert f'id="remove-{founder.pk}-confirm_error"' in response.text
    assert world.program.admins.filter(pk=founder.pk).exists()


def test_a_removed_admin_is_emailed_once_who_removed_them_from_which_program(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    founder, newcomer = world.admin, UserFactory(display_name="Kai Colleague", email="kai@example.org")
    world.program.admins.add(newcomer)
    client.force_login(newcomer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(_remove_url(world, founder), {"confirm": "on"})
    assert response.status_code == 303
    assert not world.program.admins.filter(pk=founder.pk).exists()
    (callback,) = [c for c in callbacks if c.func == send_admin_removed.delay]
    send_admin_removed(*callback.args)
    send_admin_removed(*callback.args)  # the task again: sent once
    (email,) = mailoutbox
    assert email.to == [founder.email]
    assert world.program.name in email.subject
    assert (
        f"Kai Colleague (kai@example.org) removed you from the admins of {world.program.name}" in email.body
    )
    (html, _kind) = email.alternatives[0]
    assert "Kai Colleague" in html and world.program.name in html
    assert SentEmail.objects.filter(kind="program_admin_removed").count() == 1


def test_leaving_yourself_sends_no_removal_email(world, django_capture_on_commit_callbacks):
    world.program.admins.add(UserFactory())
    with django_capture_on_commit_callbacks() as callbacks:
        setup.program_admin_remove(program=world.program, admin=world.admin, by=world.admin)
    assert not [c for c in callbacks if c.func == send_admin_removed.delay]


def test_no_removal_email_once_they_help_run_it_again(world, django_capture_on_commit_callbacks, mailoutbox):
    other = UserFactory()
    world.program.admins.add(other)
    with django_capture_on_commit_callbacks() as callbacks:
        setup.program_admin_remove(program=world.program, admin=other, by=world.admin)
    world.program.admins.add(other)
    (callback,) = [c for c in callbacks if c.func == send_admin_removed.delay]
    send_admin_removed(*callback.args)
    assert mailoutbox == []


# --- 2. Adding the same new co-admin twice -----------------------------------------


def test_adding_a_waiting_admin_again_says_the_earlier_link_stopped_working(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    url = reverse("programs:admin_add", args=[world.program.slug])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"email": "nia@example.org"}, follow=True)
    assert "an invitation to help run" in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"email": "NIA@example.org"}, follow=True)
    assert (
        "An invitation was waiting for nia@example.org: we sent a new link, "
        "and the earlier one no longer works." in again.content.decode()
    )
    assert Invitation.objects.open().filter(email="nia@example.org", role=InvitationRole.ADMIN).count() == 1


def test_an_expired_admin_invitation_sent_again_reads_as_a_new_invitation(world):
    first = setup.program_admin_add(program=world.program, email="nia@example.org", by=world.admin)
    assert first.replaced_link is False
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    again = setup.program_admin_add(program=world.program, email="nia@example.org", by=world.admin)
    assert again.replaced_link is False


# --- 3. Choices in their position order ---------------------------------------------


LABELS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_choices_keep_their_order_on_every_reader_and_page(client, world):
    question = question_create(
        program=world.program, text="Team?", kind="multiple", choices=LABELS, audience="both"
    )
    # Reordered: the rows' ids no longer follow the positions.
    question_update(question=question, text="Team?", kind="multiple", choices=list(reversed(LABELS)))
    wanted = list(reversed(LABELS))

    def labels(q):
        return [c.label for c in q.choices.all()]

    assert labels(questions_of(world.program)[0]) == wanted
    assert labels(question_of(world.program, question.pk)) == wanted
    assert labels(questions_for(world.program, Participant.Role.PROTEGE)[0]) == wanted

    client.force_login(world.admin)
    page = client.get(reverse("programs:questions", args=[world.program.slug])).content.decode()
    assert [page.index(label) for label in wanted] == sorted(page.index(label) for label in wanted)
    edit = client.get(reverse("programs:question_edit", args=[world.program.slug, question.pk]))
    assert "\n".join(wanted) in edit.content.decode()

    client.force_login(world.partnership.protege.user)
    profile = client.get(reverse("home:profile")).content.decode()
    shown = [profile.index(label) for label in wanted]
    assert shown == sorted(shown)


# --- 4. Questions at sign-up ----------------------------------------------------------


def test_sign_up_puts_the_questions_under_the_programs_heading_marking_optional_ones(
    client, world, django_capture_on_commit_callbacks
):
    question_create(
        program=world.program, text="Team style?", kind="single", choices=["Remote", "Office"], required=True
    )
    question_create(program=world.program, text="Languages?", kind="multiple", choices=["Python", "Go"])
    question_create(program=world.program, text="Dream role?", kind="text")
    _invitation, token = invite(world, django_capture_on_commit_callbacks, role="protege")
    client.get(accept_url(token))
    page = client.get(SIGNUP).content.decode()

    heading = page.index(f"Questions from {world.program.name}")
    assert page.index("Time zone") < heading < page.index("Team style?")
    legend = re.search(r"<legend>Team style\?(.*?)</legend>", page, re.S)
    assert legend and "(optional)" not in legend.group(1)
    assert re.search(r'<legend>Languages\?\s*<span class="optional">\(optional\)</span></legend>', page)
    assert re.search(r'Dream role\?\s*<span class="optional">\(optional\)</span></label>', page)


# --- 5. One cadence label ------------------------------------------------------------


def test_the_program_setting_and_the_profile_say_the_same_cadence_words(client, world):
    words = dict(cadence_choices())["every_n_weeks"]
    assert words == "Every 3 weeks"
    assert dict(ProgramNewForm().fields["default_cadence"].choices)["every_n_weeks"] == words

    participant = world.partnership.protege
    participant.preferred_cadence = "every_n_weeks"
    participant.save()
    client.force_login(participant.user)
    profile = client.get(reverse("home:profile")).content.decode()
    assert words in profile and "Every N weeks" not in profile

    client.force_login(world.admin)
    detail = client.get(
        reverse("partnerships:participant_detail", args=[world.program.slug, participant.pk])
    ).content.decode()
    assert words in detail and "Every N weeks" not in detail
    world.program.default_cadence = "every_n_weeks"
    world.program.save()
    overview = client.get(reverse("home:program_overview", args=[world.program.slug])).content.decode()
    assert "meeting every 3 weeks" in overview


# --- 6. A clone's dates -----------------------------------------------------------------


def _allowed(user: User) -> User:
    user.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    return User.objects.get(pk=user.pk)


def test_a_clone_starts_within_a_new_programs_bounds_and_ends_within_them_too(world):
    new_start = ProgramNewForm().fields["starts_on"]
    clone_start = ProgramCloneForm().fields["starts_on"]
    assert new_start.limits() == clone_start.limits()

    program = world.program
    program.starts_on = timezone.localdate()
    program.ends_on = program.starts_on + datetime.timedelta(days=2 * 365)
    program.save()
    latest_start = clone_start.limits()[1]
    latest_end = timezone.localdate() + ENDS_AHEAD
    # Starting as late as allowed, a two-year program still ends within the years a new one may end.
    form = ProgramCloneForm(
        {"name": "Next", "slug": "next", "starts_on": latest_start.isoformat()}, source=program
    )
    assert form.is_valid(), form.errors

    program.ends_on = program.starts_on + datetime.timedelta(days=9 * 365)
    program.save()
    form = ProgramCloneForm(
        {"name": "Next", "slug": "next", "starts_on": latest_start.isoformat()}, source=program
    )
    assert not form.is_valid()
    assert "after the latest end a program can have" in form.errors["starts_on"][0]
    assert f"{latest_end:%-d %B %Y}" in form.errors["starts_on"][0]


def test_a_clone_too_late_is_refused_beside_its_start_and_nothing_is_saved(client, world):
    admin = _allowed(world.admin)
    program = world.program
    program.starts_on = timezone.localdate()
    program.ends_on = program.starts_on + datetime.timedelta(days=9 * 365)
    program.save()
    client.force_login(admin)
    late = (timezone.localdate() + datetime.timedelta(days=3 * 365)).isoformat()
    response = client.post(
        reverse("programs:clone", args=[program.slug]), {"name": "Next", "slug": "next", "starts_on": late}
    )
    assert response.status_code == 200
    assert 'id="clone-starts_on_error"' in response.text
    assert f'value="{late}"' in response.text
    assert not type(program).objects.filter(slug="next").exists()


def test_anyone_signed_in_elsewhere_cannot_remove_an_admin(world):
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.post(_remove_url(world, world.admin), {"confirm": "on"}).status_code == 404
    assert world.program.admins.filter(pk=world.admin.pk).exists()
