"""The people page and its actions, and a participant's profile as the admin sees it."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from programs.models import Invitation, Participant
from programs.services import invitations
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory

pytestmark = pytest.mark.django_db


def people_url(world) -> str:
    return reverse("programs:people", args=[world.program.slug])


def make_invitation(world, email="nia@example.org", **fields) -> Invitation:
    invitation = Invitation(
        program=world.program,
        email=email,
        name=fields.pop("name", "Nia New"),
        role=fields.pop("role", "mentor"),
        invited_by=world.admin,
        expires_at=fields.pop("expires_at", timezone.now() + invitations.INVITATION_VALID_FOR),
        **fields,
    )
    invitation.new_token()
    invitation.save()
    return invitation


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


# --- Who may see and do what ----------------------------------------------------

VIEWS = {
    "people": ("get", lambda w, i: reverse("programs:people", args=[w.program.slug]), None, 200),
    "participant_detail": (
        "get",
        lambda w, i: reverse(
            "partnerships:participant_detail", args=[w.program.slug, w.partnership.mentor.pk]
        ),
        None,
        200,
    ),
    "invite": (
        "post",
        lambda w, i: reverse("programs:invite", args=[w.program.slug]),
        {"name": "Ivy", "email": "ivy@example.org", "role": "mentor"},
        303,
    ),
    "invitations_upload": (
        "post",
        lambda w, i: reverse("programs:invitations_upload", args=[w.program.slug]),
        "file",
        303,
    ),
    "invitation_resend": (
        "post",
        lambda w, i: reverse("programs:invitation_resend", args=[w.program.slug, i.pk]),
        {},
        303,
    ),
    "invitation_revoke": (
        "post",
        lambda w, i: reverse("programs:invitation_revoke", args=[w.program.slug, i.pk]),
        {},
        303,
    ),
    "participant_withdraw": (
        "post",
        lambda w, i: reverse("programs:participant_withdraw", args=[w.program.slug, w.partnership.mentor.pk]),
        {},
        303,
    ),
}


def call(client, world, view):
    method, url, data, _ok = VIEWS[view]
    invitation = make_invitation(world)
    if data == "file":
        data = {"file": csv_upload("name,email,role\nIvy,ivy@example.org,mentor\n")}
    return getattr(client, method)(url(world, invitation), data)


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_is_sent_to_sign_in(client, world, view):
    response = call(client, world, view)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_and_change_its_people(client, world, view, persona, status):
    client.force_login(getattr(world, persona))
    response = call(client, world, view)
    assert response.status_code == (VIEWS[view][3] if status == 200 else 404)
    if status == 404:
        assert Invitation.objects.filter(email="ivy@example.org").count() == 0
        assert not Participant.objects.filter(status=Participant.Status.WITHDRAWN).exists()
        assert Invitation.objects.get(email="nia@example.org").revoked_at is None


def test_an_invitation_or_person_of_another_program_is_404_even_to_an_admin(client, world):
    program = world.other_admin.programs_run.get()
    elsewhere = ParticipantFactory(program=program)
    client.force_login(world.admin)
    invitation = make_invitation(world)
    invitation.program = program
    invitation.save()
    slug = world.program.slug
    assert client.post(reverse("programs:invitation_resend", args=[slug, invitation.pk])).status_code == 404
    assert client.post(reverse("programs:invitation_revoke", args=[slug, invitation.pk])).status_code == 404
    assert (
        client.get(reverse("partnerships:participant_detail", args=[slug, elsewhere.pk])).status_code == 404
    )
    assert client.post(reverse("programs:participant_withdraw", args=[slug, elsewhere.pk])).status_code == 404


def test_the_actions_refuse_get(client, world):
    client.force_login(world.admin)
    invitation = make_invitation(world)
    slug = world.program.slug
    for url in [
        reverse("programs:invite", args=[slug]),
        reverse("programs:invitations_upload", args=[slug]),
        reverse("programs:invitation_resend", args=[slug, invitation.pk]),
        reverse("programs:invitation_revoke", args=[slug, invitation.pk]),
        reverse("programs:participant_withdraw", args=[slug, world.partnership.mentor.pk]),
    ]:
        assert client.get(url).status_code == 405


# --- The people page ------------------------------------------------------------


def test_the_people_page_lists_participants_with_topics_and_load(client, world):
    leadership, feedback = (
        TopicFactory(program=world.program, name="Leadership"),
        TopicFactory(program=world.program, name="Giving feedback"),
    )
    world.partnership.mentor.topics_offered.add(leadership, feedback)
    world.partnership.protege.topics_sought.add(
        feedback, TopicFactory(program=world.program, name="Q&A <live>")
    )
    world.partnership.protege.topics_offered.add(leadership)  # a protégé's offer is not shown
    client.force_login(world.admin)
    response = client.get(people_url(world))
    assert response.status_code == 200
    text = response.text
    assert "Morgan Mentor" in text and world.mentor.email in text
    assert "Sam Protégé" in text
    assert "Giving feedback, Leadership" in text
    assert "Giving feedback, Q&amp;A &lt;live&gt;</td>" in re.sub(r"\s*</td>", "</td>", text)
    assert "1 of 2" in text  # the mentor: one protégé of a capacity of two
    assert '<th scope="col">Places taken</th>' in text
    assert '<div class="table-scroll">' in text
    assert "<caption" in text


def test_the_people_page_lists_open_invitations_with_resend_and_revoke(client, world):
    make_invitation(world, email="waiting@example.org", name="Wendy Waiting")
    make_invitation(
        world,
        email="late@example.org",
        name="Larry Late",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    make_invitation(world, email="gone@example.org", name="Gone", revoked_at=timezone.now())
    client.force_login(world.admin)
    text = client.get(people_url(world)).text
    assert "Wendy Waiting" in text and "Waiting" in text
    assert "Larry Late" in text and "Expired" in text
    assert "gone@example.org" not in text
    assert text.count(">Resend<") == 2 and text.count(">Revoke<") == 2
    assert "name,email,role" in text  # the CSV example


def test_the_people_page_runs_the_same_queries_for_few_or_many_people(
    client, world, django_assert_num_queries
):
    topic = TopicFactory(program=world.program)

    def add_people(n):
        for i in range(n):
            MentorFactory(program=world.program).topics_offered.add(topic)
            ParticipantFactory(program=world.program).topics_sought.add(topic)
            make_invitation(world, email=f"person{i}-{n}@example.org")

    add_people(2)
    client.force_login(world.admin)
    with django_assert_num_queries(10) as few:
        client.get(people_url(world))
    add_people(20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(people_url(world))
    assert response.text.count("person") >= 22


def test_the_participants_pages_follow_one_order_across_statuses_and_roles(client, world, monkeypatch):
    """A page is read run by run (status, then role; programs.selectors.people):
    page after page, everyone comes once, active and invited first, withdrawn
    last, by role, then name."""
    monkeypatch.setattr("programs.selectors.people.PARTICIPANTS_PER_PAGE", 3)
    for name, status in [("Zed", "active"), ("Abe", "withdrawn"), ("Kim", "invited"), ("Lou", "active")]:
        MentorFactory(program=world.program, user__display_name=f"{name} Mentor", status=status)
        ParticipantFactory(program=world.program, user__display_name=f"{name} Protégé", status=status)
    everyone = list(
        Participant.objects.filter(program=world.program)
        .order_by("status", "role", "user__display_name", "user__email", "pk")
        .values_list("user__display_name", flat=True)
    )
    client.force_login(world.admin)
    shown = []
    for page in range(1, 5):
        text = client.get(people_url(world) + f"?page={page}").text
        section = text[text.index('id="participants"') :]
        shown += re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', section)
    assert shown == everyone and len(everyone) == 10


def test_long_lists_are_paged(client, world):
    for i in range(60):
        make_invitation(world, email=f"p{i}@example.org")
    client.force_login(world.admin)
    text = client.get(people_url(world)).text
    assert "Page 1 of 2" in text
    assert f'href="{people_url(world)}?invitations=2#invitations"' in text
    assert "Page 2 of 2" in client.get(people_url(world) + "?invitations=2").text


# --- Inviting -------------------------------------------------------------------


def test_inviting_one_person_redirects_back_with_a_message(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("programs:invite", args=[world.program.slug]),
            {"name": "Ivy Invited", "email": "Ivy@Example.org", "role": "protege"},
            follow=True,
        )
    assert response.redirect_chain == [(people_url(world), 303)]
    assert "Invitation on its way to Ivy Invited (ivy@example.org) to join as a protégé." in response.text
    invitation = Invitation.objects.get(program=world.program)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "ivy@example.org",
        "protege",
        world.admin,
    )
    assert len(callbacks) == 1


def test_a_rejected_invitation_keeps_what_was_typed_and_says_what_to_fix(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:invite", args=[world.program.slug]),
        {"name": "Ivy", "email": "ivy@", "role": ""},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_email"' in response.text and 'href="#id_role"' in response.text
    assert 'value="Ivy"' in response.text and 'value="ivy@"' in response.text
    assert not Invitation.objects.exists()


def test_inviting_someone_already_in_the_program_shows_why_beside_the_email(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:invite", args=[world.program.slug]),
        {"name": "Morgan", "email": world.mentor.email, "role": "mentor"},
    )
    assert response.status_code == 200
    assert f"{world.mentor.email} is already in this program as a mentor." in response.text
    assert 'id="id_email_error"' in response.text


def test_a_csv_upload_invites_everyone(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("programs:invitations_upload", args=[world.program.slug]),
            {
                "file": csv_upload(
                    "name,email,role\nAda,ada@example.org,mentor\nGrace,grace@example.org,protege\n"
                )
            },
            follow=True,
        )
    assert "Invited 2 people." in response.text
    assert Invitation.objects.filter(program=world.program).count() == 2
    assert len(callbacks) == 2


def test_a_csv_upload_with_bad_lines_lists_them_and_invites_nobody(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("programs:invitations_upload", args=[world.program.slug]),
            {"file": csv_upload("name,email,role\nAda,ada@example.org,mentor\nGrace,grace@example.org,coach\nBob,bob@,mentor\n")},
        )  # fmt: skip
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Line 3: &#x27;coach&#x27; is not a role: use mentor or protégé" in response.text
    assert "Line 4: &#x27;bob@&#x27; is not an email address" in response.text
    assert 'href="#id_file"' in response.text
    assert not Invitation.objects.exists()
    assert callbacks == []


# --- Resending and revoking ------------------------------------------------------


def test_resend_without_javascript_redirects_back_with_a_message(
    client, world, django_capture_on_commit_callbacks
):
    invitation = make_invitation(world)
    old_hash = invitation.token_hash
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("programs:invitation_resend", args=[world.program.slug, invitation.pk]), follow=True
        )
    assert response.redirect_chain == [(people_url(world), 303)]
    assert "Sent nia@example.org a new link" in response.text
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert len(callbacks) == 1


def test_revoke_with_htmx_swaps_the_invitations_and_announces_it(client, world):
    invitation = make_invitation(world)
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:invitation_revoke", args=[world.program.slug, invitation.pk]),
        {"invitations": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="invitations"')
    assert "<html" not in response.text
    assert 'id="messages"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "Revoked the invitation to nia@example.org." in response.text
    assert "Nobody is waiting to accept an invitation." in response.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_action_on_an_accepted_invitation_explains_why_not(client, world):
    invitation = make_invitation(world, accepted_at=timezone.now(), accepted_by=world.outsider)
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:invitation_resend", args=[world.program.slug, invitation.pk]), follow=True
    )
    assert "nia@example.org has already accepted this invitation." in response.text
    response = client.post(
        reverse("programs:invitation_revoke", args=[world.program.slug, invitation.pk]),
        headers={"HX-Request": "true"},
    )
    assert 'role="alert"' in response.text and "already accepted" in response.text


# --- A participant's profile ------------------------------------------------------


def test_the_admin_sees_a_participants_profile(client, world):
    mentor = world.partnership.mentor
    mentor.intro = "Twenty years in engineering leadership."
    mentor.strengths = "Hiring, difficult conversations"
    mentor.methods = ["video", "in_person"]
    mentor.preferred_cadence = "every_two_weeks"
    mentor.save()
    mentor.topics_offered.add(TopicFactory(program=world.program, name="Leadership"))
    client.force_login(world.admin)
    response = client.get(reverse("partnerships:participant_detail", args=[world.program.slug, mentor.pk]))
    text = response.text
    assert response.status_code == 200
    for shown in [
        "Morgan Mentor",
        "Twenty years in engineering leadership.",
        "Hiring, difficult conversations",
        "Leadership",
        "Video, In person",
        "Every two weeks",
        "Europe/London",
        "2 protégés at once; 1 now",
        "Mentor of Sam Protégé",
    ]:
        assert shown in text, shown
    assert "What a pair writes to each other is never shown here." in text


def test_the_detail_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.admin)
    url = reverse("partnerships:participant_detail", args=[world.program.slug, world.partnership.mentor.pk])
    with django_assert_num_queries(10) as first:
        client.get(url)
    for _ in range(5):
        world.partnership.mentor.topics_offered.add(TopicFactory(program=world.program))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_withdrawing_a_participant_keeps_their_partnership_and_says_so(client, world):
    mentor = world.partnership.mentor
    client.force_login(world.admin)
    detail = client.get(reverse("partnerships:participant_detail", args=[world.program.slug, mentor.pk]))
    assert "Their partnership with Sam Protégé stays as it is." in detail.text
    response = client.post(
        reverse("programs:participant_withdraw", args=[world.program.slug, mentor.pk]), follow=True
    )
    assert response.redirect_chain == [(people_url(world), 303)]
    assert "Morgan Mentor has withdrawn from" in response.text
    mentor.refresh_from_db()
    assert mentor.status == Participant.Status.WITHDRAWN
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE
    detail = client.get(reverse("partnerships:participant_detail", args=[world.program.slug, mentor.pk]))
    assert "Withdraw Morgan Mentor" not in detail.text


def test_a_withdrawn_person_can_be_invited_again_from_the_page(client, world):
    invitations.participant_withdraw(participant=world.partnership.protege, by=world.admin)
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:invite", args=[world.program.slug]),
        {"name": "Sam", "email": world.protege.email, "role": "protege"},
    )
    assert response.status_code == 303
    assert Invitation.objects.filter(email=world.protege.email).exists()


def test_the_example_downloads_as_a_csv_that_uploads_as_it_is(client, world):
    from tests.test_exports import rows_of

    client.force_login(world.admin)
    page = client.get(reverse("programs:people", args=[world.program.slug])).text
    assert "Ada Lovelace,ada@example.org,mentor\nGrace Hopper,grace@example.org,protégé</code>" in page
    download = client.get(reverse("programs:invitations_template", args=[world.program.slug]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    body, rows = rows_of(download)
    assert rows[0] == ["name", "email", "role"] and len(rows) == 3
    response = client.post(
        reverse("programs:invitations_upload", args=[world.program.slug]),
        {"file": SimpleUploadedFile("invitations.csv", body, content_type="text/csv")},
    )
    assert response.status_code == 303
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ada@example.org",
        "grace@example.org",
    ]


def test_only_the_programs_admins_download_the_example(client, world):
    url = reverse("programs:invitations_template", args=[world.program.slug])
    assert client.get(url).status_code == 302
    for persona, status in PROGRAM_ADMIN_ONLY.items():
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == status, persona
