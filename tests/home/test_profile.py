import pytest
from django.urls import reverse

from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("home:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["admin", "mentor", "protege", "outsider"])
def test_everyone_signed_in_sees_their_own_profile(client, world, persona):
    user = getattr(world, persona)
    client.force_login(user)
    response = client.get(reverse("home:profile"))
    assert response.status_code == 200
    assert user.email in response.text


def test_saving_the_profile_changes_name_and_time_zone(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "  Sam P.  ", "time_zone": "Asia/Tokyo", "language": "en-gb"},
        follow=True,
    )
    assert "Your profile is saved." in response.text
    world.protege.refresh_from_db()
    assert (world.protege.display_name, world.protege.time_zone) == ("Sam P.", "Asia/Tokyo")


def test_an_unknown_time_zone_is_explained_beside_the_field_and_the_name_typed_is_kept(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Typed name", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_time_zone"' in response.text
    assert 'id="id_time_zone_error"' in response.text
    assert 'value="Typed name"' in response.text
    world.protege.refresh_from_db()
    assert world.protege.display_name == "Sam Protégé"


def test_a_mentor_edits_their_program_profile(client, world):
    from tests.factories import TopicFactory

    topic = TopicFactory(program=world.program, name="Negotiation")
    mentor = world.partnership.mentor
    client.force_login(world.mentor)
    prefix = f"p{mentor.pk}"
    response = client.post(
        reverse("home:profile"),
        {
            "form": str(mentor.pk),
            f"{prefix}-intro": "Twenty years in sales.",
            f"{prefix}-strengths": "Negotiation",
            f"{prefix}-topics_offered": [topic.pk],
            f"{prefix}-methods": ["video", "phone"],
            f"{prefix}-preferred_cadence": "monthly",
            f"{prefix}-capacity": "3",
        },
        follow=True,
    )
    assert f"Your profile in {world.program.name} is saved." in response.text
    mentor.refresh_from_db()
    assert mentor.intro == "Twenty years in sales."
    assert mentor.capacity == 3
    assert sorted(mentor.methods) == ["phone", "video"]
    assert list(mentor.topics_offered.all()) == [topic]


def test_a_mentor_cannot_lower_capacity_below_their_current_protégés(client, world):
    mentor = world.partnership.mentor  # mentors one protégé now
    client.force_login(world.mentor)
    prefix = f"p{mentor.pk}"
    response = client.post(
        reverse("home:profile"),
        {"form": str(mentor.pk), f"{prefix}-intro": "Kept as typed", f"{prefix}-capacity": "0"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Kept as typed" in response.text
    mentor.refresh_from_db()
    assert mentor.capacity == 2


def test_a_mentor_of_two_is_told_in_words_why_capacity_one_is_refused(client, world):
    mentor = world.partnership.mentor
    PartnershipFactory(program=mentor.program, mentor=mentor)
    client.force_login(world.mentor)
    prefix = f"p{mentor.pk}"
    response = client.post(
        reverse("home:profile"),
        {"form": str(mentor.pk), f"{prefix}-intro": "Kept as typed", f"{prefix}-capacity": "1"},
    )
    assert "You mentor 2 people now; capacity cannot be lower than that." in response.text
    mentor.refresh_from_db()
    assert mentor.capacity == 2


def test_a_protege_sees_challenges_not_capacity(client, world):
    client.force_login(world.protege)
    response = client.get(reverse("home:profile"))
    protege = world.partnership.protege
    assert f'name="p{protege.pk}-challenges"' in response.text
    assert f'name="p{protege.pk}-capacity"' not in response.text
