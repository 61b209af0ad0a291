"""Program setup services: co-admins (added at once or invited), the admin
invitation, removing admins, cloning for a new cohort, and defaults that never
rewrite an agreement a pair made."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from mentoring.models import SentEmail
from partnerships.agreements import agreement_accept, agreement_defaults, agreement_propose
from partnerships.models import Agreement, Partnership
from programs.forms import InvitationForm
from programs.models import (
    Answer,
    Choice,
    DraftMatch,
    Invitation,
    InvitationRole,
    MentorRequest,
    Participant,
    Program,
    Question,
)
from programs.services import invitations, setup
from programs.services.invitations_csv import invitations_import_csv
from programs.tasks import send_admin_added, send_invitation
from tests.factories import MentorFactory, ParticipantFactory, PartnershipFactory, TopicFactory, UserFactory

from ..partnerships.agreement_helpers import terms
from .test_people_views import csv_upload

pytestmark = pytest.mark.django_db


def allowed(user: User) -> User:
    user.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    return User.objects.get(pk=user.pk)


# --- Co-admins ---------------------------------------------------------------


def test_someone_with_an_account_is_added_at_once_and_emailed_once(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        added = setup.program_admin_add(
            program=world.program, email=f" {world.outsider.email.upper()} ", by=world.admin
        )
    assert added == world.outsider
    assert world.program.admins.filter(pk=world.outsider.pk).exists()
    assert not Participant.objects.filter(user=world.outsider).exists()
    (callback,) = callbacks
    assert callback.func == send_admin_added.delay
    send_admin_added(*callback.args)
    (email,) = mailoutbox
    assert email.to == [world.outsider.email]
    assert world.program.name in email.subject
    assert "Ada Admin added you to the admins" in email.body
    assert reverse("programs:settings", args=[world.program.slug]) in email.body

    send_admin_added(*callback.args)  # the task again: sent once
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(kind="program_admin_added").count() == 1


def test_adding_someone_who_already_helps_run_it_is_refused_on_the_email(world):
    with pytest.raises(ValidationError) as refused:
        setup.program_admin_add(program=world.program, email=world.admin.email, by=world.admin)
    assert "already helps run this program" in refused.value.message_dict["email"][0]


def test_someone_without_an_account_gets_an_admin_invitation(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = setup.program_admin_add(program=world.program, email="Nia@Example.org", by=world.admin)
    assert isinstance(invitation, Invitation)
    assert (invitation.email, invitation.role) == ("nia@example.org", InvitationRole.ADMIN)
    assert [c.func for c in callbacks] == [send_invitation.delay]
    send_invitation(*callbacks[0].args)
    (email,) = mailoutbox
    assert email.subject.endswith(f"Help run {world.program.name}")
    assert "invited you to help run" in email.body
    assert "As a program admin" in email.body
    assert "As a mentor" not in email.body and "As a protégé" not in email.body


def test_accepting_an_admin_invitation_adds_an_admin_and_no_participant(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        invitations.invitation_create(
            program=world.program,
            email="nia@example.org",
            name="Nia",
            role=InvitationRole.ADMIN,
            invited_by=world.admin,
        )
    ((_id, token),) = [c.args for c in callbacks]
    nia = UserFactory(email="nia@example.org", display_name="")

    joined = invitations.invitation_accept(token=token, user=nia)

    assert joined == world.program
    assert world.program.admins.filter(pk=nia.pk).exists()
    assert not Participant.objects.filter(user=nia).exists()
    nia.refresh_from_db()
    assert nia.display_name == "Nia"
    with pytest.raises(ValidationError, match="already been used"):
        invitations.invitation_accept(token=token, user=nia)


def test_the_admin_invitation_page_and_join_say_help_run(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        invitations.invitation_create(
            program=world.program,
            email="nia@example.org",
            name="Nia",
            role=InvitationRole.ADMIN,
            invited_by=world.admin,
        )
    ((_id, token),) = [c.args for c in callbacks]
    nia = UserFactory(email="nia@example.org")
    client.force_login(nia)
    url = reverse("programs:invitation_accept", args=[token])
    page = client.get(url)
    assert f"Join {world.program.name} as a program admin" in page.text
    assert "As a program admin" in page.text
    response = client.post(url, follow=True)
    assert f"You now help run {world.program.name}." in response.text
    assert world.program.admins.filter(pk=nia.pk).exists()


def test_an_open_participant_invitation_is_not_turned_into_an_admin_one(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        invitations.invitation_create(
            program=world.program, email="nia@example.org", name="Nia", role="mentor", invited_by=world.admin
        )
    with pytest.raises(ValidationError) as refused:
        setup.program_admin_add(program=world.program, email="nia@example.org", by=world.admin)
    assert "waiting to join as a mentor" in refused.value.message_dict["email"][0]
    with django_capture_on_commit_callbacks():
        setup.program_admin_add(program=world.program, email="ivy@example.org", by=world.admin)
    with pytest.raises(ValidationError, match="waiting to join as a program admin"):
        invitations.invitation_create(
            program=world.program,
            email="ivy@example.org",
            name="Ivy",
            role="protege",
            invited_by=world.admin,
        )
    assert Invitation.objects.get(email="nia@example.org").role == "mentor"


def test_the_people_page_and_the_csv_still_refuse_admin_as_a_role(world):
    form = InvitationForm({"name": "Nia", "email": "nia@example.org", "role": "admin"})
    assert not form.is_valid() and "role" in form.errors
    with pytest.raises(ValidationError, match="is not a role"):
        invitations_import_csv(
            program=world.program,
            file=csv_upload("name,email,role\nNia,nia@example.org,admin\n"),
            invited_by=world.admin,
        )
    assert not Invitation.objects.exists()


def test_the_last_admin_stays(world):
    with pytest.raises(ValidationError, match="only admin"):
        setup.program_admin_remove(program=world.program, admin=world.admin, by=world.admin)
    assert world.program.admins.filter(pk=world.admin.pk).exists()


def test_an_admin_removes_another_or_themselves_while_another_remains(world):
    other = UserFactory()
    world.program.admins.add(other)
    setup.program_admin_remove(program=world.program, admin=other, by=world.admin)
    assert list(world.program.admins.all()) == [world.admin]
    world.program.admins.add(other)
    setup.program_admin_remove(program=world.program, admin=world.admin, by=world.admin)
    assert list(world.program.admins.all()) == [other]


def test_removing_yourself_on_the_page_asks_to_confirm(client, world):
    other = UserFactory()
    world.program.admins.add(other)
    client.force_login(world.admin)
    url = reverse("programs:admin_remove", args=[world.program.slug, world.admin.pk])

    response = client.post(url, {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.text
    assert world.program.admins.filter(pk=world.admin.pk).exists()

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 303
    assert response["Location"] == reverse("home:program_list")
    assert not world.program.admins.filter(pk=world.admin.pk).exists()


def test_removing_the_last_admin_on_the_page_says_why(client, world):
    client.force_login(world.admin)
    url = reverse("programs:admin_remove", args=[world.program.slug, world.admin.pk])
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "is the only admin of this program" in response.text
    assert world.program.admins.filter(pk=world.admin.pk).exists()


def test_adding_an_admin_on_the_page_refuses_a_bad_address_beside_the_field(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:admin_add", args=[world.program.slug]), {"email": "not an email"}
    )
    assert response.status_code == 200
    assert 'id="admin-email_error"' in response.text
    assert 'value="not an email"' in response.text


# --- Cloning -----------------------------------------------------------------


def test_a_clone_copies_settings_topics_and_current_questions_never_people_or_history(world):
    program = world.program
    program.ends_on = datetime.date(2027, 3, 1)
    program.default_call_minutes, program.default_checkin_minutes = 60, 20
    program.default_topic_minutes, program.default_prepare_minutes = 30, 10
    program.matching_mode, program.default_capacity, program.match_weights = "both", 3, {"topics": 50}
    program.save()
    topic = TopicFactory(program=program, name="Leadership")
    world.partnership.mentor.topics_offered.add(topic)
    asked = Question.objects.create(
        program=program, text="Where do you work?", kind="single", weight=20, rule="same", position=1
    )
    Choice.objects.create(question=asked, label="Remote", position=0)
    Choice.objects.create(
        question=asked,
        label="Office",
        position=1,
        retired_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    Question.objects.create(
        program=program,
        text="Retired",
        kind="text",
        retired_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    answer = Answer.objects.create(participant=world.partnership.mentor, question=asked)
    answer.choices.set(asked.choices.all())
    DraftMatch.objects.create(
        program=program, protege=world.partnership.protege, mentor=world.partnership.mentor, score=50
    )
    MentorRequest.objects.create(
        program=program,
        protege=ParticipantFactory(program=program),
        mentor=world.partnership.mentor,
        expires_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
    )
    Invitation.objects.create(
        program=program,
        email="x@example.org",
        role="mentor",
        token_hash="1" * 64,
        expires_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
    )
    cloner = allowed(world.admin)

    clone = setup.program_clone(
        program=program, by=cloner, name="Spring cohort", slug="spring", starts_on=datetime.date(2027, 3, 1)
    )

    assert clone.cloned_from == program
    assert (clone.starts_on, clone.ends_on) == (
        datetime.date(2027, 3, 1),
        datetime.date(2027, 8, 29),
    )  # as long: 181 days
    for field in setup.SETTINGS:
        assert getattr(clone, field) == getattr(program, field), field
    assert list(clone.admins.all()) == [cloner]
    assert list(clone.topics.values_list("name", flat=True)) == ["Leadership"]
    (question,) = clone.questions.all()
    assert (question.text, question.weight, question.rule, question.position) == (
        "Where do you work?",
        20,
        "same",
        1,
    )
    assert list(question.choices.values_list("label", flat=True)) == ["Remote"]
    for related in ("participants", "invitations", "draft_matches", "mentor_requests"):
        assert not getattr(clone, related).exists(), related
    assert not Partnership.objects.filter(program=clone).exists()
    assert not Answer.objects.filter(question__program=clone).exists()


def test_a_clone_of_an_address_that_exists_is_refused_beside_it_and_nothing_is_saved(client, world):
    client.force_login(allowed(world.admin))
    TopicFactory(program=world.program)
    before = (Program.objects.count(), Question.objects.count())
    for slug in (world.other_admin.programs_run.get().slug, "new"):
        response = client.post(
            reverse("programs:clone", args=[world.program.slug]),
            {"name": "Spring", "slug": slug, "starts_on": "2027-03-01"},
        )
        assert response.status_code == 200
        assert 'id="clone-slug_error"' in response.text
        assert 'value="Spring"' in response.text
    assert (Program.objects.count(), Question.objects.count()) == before


def test_a_clone_that_fails_half_way_leaves_nothing(world, monkeypatch):
    TopicFactory(program=world.program)
    cloner = allowed(world.admin)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Question.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        setup.program_clone(
            program=world.program,
            by=cloner,
            name="Spring",
            slug="spring",
            starts_on=datetime.date(2027, 3, 1),
        )
    assert not Program.objects.filter(slug="spring").exists()


def test_creating_or_cloning_without_the_permission_is_refused(world):
    with pytest.raises(PermissionDenied):
        setup.program_create(
            by=world.admin, fields={"name": "X", "slug": "x", "starts_on": datetime.date(2027, 1, 1)}
        )
    with pytest.raises(PermissionDenied):
        setup.program_clone(
            program=world.program, by=world.admin, name="X", slug="x", starts_on=datetime.date(2027, 1, 1)
        )
    assert not Program.objects.filter(slug="x").exists()


# --- Defaults and agreements -------------------------------------------------


def test_a_first_agreement_starts_from_the_programs_own_time_boxes(world):
    program = world.program
    program.default_call_minutes, program.default_checkin_minutes = 60, 5
    program.default_topic_minutes, program.default_prepare_minutes = 45, 10
    program.save()
    defaults = agreement_defaults(PartnershipFactory(program=program))
    assert [defaults[n] for n in ("call_minutes", "checkin_minutes", "topic_minutes", "prepare_minutes")] == [
        60,
        5,
        45,
        10,
    ]


def test_changing_the_defaults_never_rewrites_an_agreement_a_pair_accepted(world):
    pair = PartnershipFactory(program=world.program, status=Partnership.Status.PROPOSED, started_on=None)
    agreed = terms()
    version = agreement_propose(partnership=pair, by=pair.protege.user, terms=agreed)
    agreement_accept(agreement=version, by=pair.mentor.user)

    setup.program_update(
        program=world.program,
        by=world.admin,
        fields={
            "default_cadence": "monthly",
            "default_call_minutes": 90,
            "default_checkin_minutes": 30,
            "default_topic_minutes": 45,
            "default_prepare_minutes": 15,
            "engagement_months": 12,
        },
    )

    version.refresh_from_db()
    assert version.status == Agreement.Status.IN_FORCE
    for name in ("cadence", "call_minutes", "checkin_minutes", "topic_minutes", "prepare_minutes", "ends_on"):
        assert getattr(version, name) == agreed[name], name
    world.program.refresh_from_db()
    assert agreement_defaults(PartnershipFactory(program=world.program))["call_minutes"] == 90


def test_two_admins_renaming_topics_to_each_others_names_is_fine(world):
    first, second = (
        TopicFactory(program=world.program, name="A"),
        TopicFactory(program=world.program, name="B"),
    )
    setup.program_update(
        program=world.program, by=world.admin, fields={}, renamed={first.pk: "B", second.pk: "A"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, second.name) == ("B", "A")


def test_a_mentor_topic_choice_survives_a_rename(world):
    topic = TopicFactory(program=world.program, name="Old")
    mentor = MentorFactory(program=world.program)
    mentor.topics_offered.add(topic)
    setup.program_update(program=world.program, by=world.admin, fields={}, renamed={topic.pk: "New"})
    assert list(mentor.topics_offered.values_list("name", flat=True)) == ["New"]


def test_signing_up_from_an_admin_invitation_makes_an_admin_and_no_participant(
    client, world, django_capture_on_commit_callbacks
):
    from django.contrib.messages import get_messages

    with django_capture_on_commit_callbacks() as callbacks:
        setup.program_admin_add(program=world.program, email="nia@example.org", by=world.admin)
    ((_id, token),) = [c.args for c in callbacks]
    assert client.get(reverse("programs:invitation_accept", args=[token]))["Location"] == reverse(
        "account_signup"
    )
    page = client.get(reverse("account_signup"))
    assert f"Join {world.program.name} as a program admin" in page.text

    response = client.post(
        reverse("account_signup"),
        {"password1": "a long enough secret", "password2": "a long enough secret", "time_zone": "UTC"},
    )

    assert response.status_code == 302
    nia = User.objects.get(email="nia@example.org")
    assert world.program.admins.filter(pk=nia.pk).exists()
    assert not Participant.objects.filter(user=nia).exists()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"You now help run {world.program.name}. It is under Programs." in shown


def test_switching_to_admins_match_closes_the_pending_requests_kindly(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """A program switched to "Admins match" left its open requests live: a
    mentor could still accept one. Saving the setting closes them, each
    protégé told once."""
    from programs.models import MatchingMode, MentorRequest, RequestStatus
    from programs.services.requests import request_send

    program = world.program
    program.matching_mode = MatchingMode.BOTH
    program.save()
    protege = ParticipantFactory(program=program)
    request = request_send(protege=protege, mentor=MentorFactory(program=program), note="Hello")
    with django_capture_on_commit_callbacks(execute=True):
        setup.program_update(program=program, by=world.admin, fields={"matching_mode": MatchingMode.ADMIN})
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert request.answer == "The program team makes the matches now."
    assert not MentorRequest.objects.pending().filter(program=program).exists()
