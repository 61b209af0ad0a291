"""The protégé's "Find a mentor" page (programs:mentors): who may see it, the
ranked mentors with their reasons and intro, sending a request, refusals
beside the note, and a number of queries that does not grow with the mentors."""

import pytest
from django.urls import reverse

from programs.models import MatchingMode, Participant
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as services
from tests.factories import MentorFactory, ParticipantFactory, PartnershipFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker(world):
    """The world's program taking requests, a protégé without a mentor, and two mentors with places."""
    program = world.program
    program.matching_mode = MatchingMode.BOTH
    program.save()
    topic = TopicFactory(program=program, name="Negotiation")
    protege = ParticipantFactory(program=program, user__display_name="Sam Seeker")
    protege.topics_sought.set([topic])
    best = MentorFactory(
        program=program, user__display_name="Mina Best", intro="Twenty years <b>in</b> sales.", capacity=2
    )
    best.topics_offered.set([topic])
    MentorFactory(program=program, user__display_name="Otto Other", capacity=1)
    return protege, best


def url(world):
    return reverse("programs:mentors", args=[world.program.slug])


def test_anonymous_is_sent_to_sign_in(client, world, seeker):
    response = client.get(url(world))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("seeker", 200),
        ("admin", 403),
        ("mentor", 403),
        ("protege", 200),
        ("outsider", 404),
        ("other_admin", 404),
    ],
)
def test_who_may_see_the_page(client, world, seeker, who, status):
    user = seeker[0].user if who == "seeker" else getattr(world, who)
    client.force_login(user)
    response = client.get(url(world))
    assert response.status_code == status
    if status == 403:
        assert "Only the program" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_protege_of_a_program_that_no_longer_takes_requests_is_told_the_team_matches_now(
    client, world, seeker, method
):
    _protege, best = seeker
    world.program.matching_mode = MatchingMode.ADMIN
    world.program.save()
    client.force_login(seeker[0].user)
    if method == "get":
        response = client.get(url(world))
    else:
        response = client.post(
            reverse("programs:mentor_request", args=[world.program.slug, best.pk]),
            {"note": "Hello"},
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "makes the matches now" in page
    assert f'href="{reverse("home:home")}"' in page
    assert not MentorRequest.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_admin"])
def test_outsiders_still_get_404_once_the_program_no_longer_takes_requests(client, world, seeker, who):
    world.program.matching_mode = MatchingMode.ADMIN
    world.program.save()
    client.force_login(getattr(world, who))
    assert client.get(url(world)).status_code == 404


def test_a_protege_with_a_mentor_is_told_so_and_offered_nobody(client, world, seeker):
    client.force_login(world.protege)
    page = client.get(url(world)).content.decode()
    assert "You have a mentor in this program already" in page
    assert "Mina Best" not in page


def test_the_mentors_are_ranked_with_reasons_intro_and_places(client, world, seeker):
    client.force_login(seeker[0].user)
    page = client.get(url(world)).content.decode()
    assert page.index("Mina Best") < page.index("Otto Other")
    assert "Best fit" in page and "score-meter" in page and "check--fits" in page
    assert "Twenty years &lt;b&gt;in&lt;/b&gt; sales." in page
    assert "2 free places" in page and "0 of 3 open" in page


def test_a_request_is_sent_and_shown_pending(client, world, seeker):
    protege, best = seeker
    client.force_login(protege.user)
    response = client.post(
        reverse("programs:mentor_request", args=[world.program.slug, best.pk]), {"note": "Hello there"}
    )
    assert response.status_code == 303
    request = MentorRequest.objects.get()
    assert (request.protege, request.mentor, request.note) == (protege, best, "Hello there")
    page = client.get(response.url).content.decode()
    assert "1 of 3 open" in page and "You have asked this mentor." in page


def test_a_note_too_long_is_refused_beside_it_and_kept(client, world, seeker):
    protege, best = seeker
    client.force_login(protege.user)
    note = "n" * 501
    response = client.post(
        reverse("programs:mentor_request", args=[world.program.slug, best.pk]), {"note": note}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"id_note-{best.pk}_error" in page and "500 characters or fewer" in page
    assert note in page
    assert not MentorRequest.objects.exists()


def test_a_fourth_request_is_refused_in_words(client, world, seeker):
    protege, best = seeker
    for _ in range(3):
        services.request_send(protege=protege, mentor=MentorFactory(program=world.program))
    client.force_login(protege.user)
    response = client.post(
        reverse("programs:mentor_request", args=[world.program.slug, best.pk]), {"note": "x"}
    )
    assert response.status_code == 400
    assert "3 requests waiting already" in response.content.decode()
    assert MentorRequest.objects.count() == 3


def test_a_request_to_a_mentor_now_full_is_refused_at_the_top(client, world, seeker):
    protege, _ = seeker
    full = Participant.objects.get(user__display_name="Otto Other")
    PartnershipFactory(program=world.program, mentor=full)
    client.force_login(protege.user)
    response = client.post(
        reverse("programs:mentor_request", args=[world.program.slug, full.pk]), {"note": "hi"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and "Otto Other has no free place left" in page
    assert not MentorRequest.objects.exists()


def test_a_mentor_who_declined_is_shown_without_a_form_and_asking_again_is_refused_beside_the_note(
    client, world, seeker
):
    protege, best = seeker
    request = services.request_send(protege=protege, mentor=best)
    services.request_decline(request=request, by=best.user, answer="The timing doesn't work for me.")
    client.force_login(protege.user)
    page = client.get(url(world)).content.decode()
    card = page[page.index(f'id="mentor-{best.pk}"') :]
    card = (
        card[: card.index('<li class="card suggestion', 1)] if '<li class="card suggestion' in card else card
    )
    assert "Mina Best declined your earlier request. Ask someone else" in card
    assert "Send my request" not in card
    response = client.post(
        reverse("programs:mentor_request", args=[world.program.slug, best.pk]), {"note": "Please?"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"id_note-{best.pk}_error" in page and "declined your earlier request" in page
    assert "Please?" in page
    assert MentorRequest.objects.count() == 1


def test_a_mentor_withdrawn_from_this_week_is_shown_without_a_form_saying_when(client, world, seeker):
    protege, best = seeker
    request = services.request_send(protege=protege, mentor=best)
    services.request_withdraw(request=request, by=protege.user)
    client.force_login(protege.user)
    page = client.get(url(world)).content.decode()
    card = page[page.index(f'id="mentor-{best.pk}"') :]
    card = (
        card[: card.index('<li class="card suggestion', 1)] if '<li class="card suggestion' in card else card
    )
    assert "You withdrew your request to Mina Best less than a week ago" in card
    assert "Send my request" not in card
    response = client.post(
        reverse("programs:mentor_request", args=[world.program.slug, best.pk]), {"note": "Again"}
    )
    assert response.status_code == 400
    assert f"id_note-{best.pk}_error" in response.content.decode()
    assert MentorRequest.objects.count() == 1


def test_a_request_to_someone_elses_mentor_is_404(client, world, seeker):
    protege, _ = seeker
    stranger = MentorFactory()
    client.force_login(protege.user)
    response = client.post(reverse("programs:mentor_request", args=[world.program.slug, stranger.pk]))
    assert response.status_code == 404


def test_the_page_runs_the_same_queries_with_more_mentors_and_requests(
    client, world, seeker, django_assert_num_queries
):
    protege, best = seeker
    client.force_login(protege.user)
    services.request_send(protege=protege, mentor=best)
    client.get(url(world))  # warm the session and caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        return len(queries)

    few = count()
    for _ in range(6):
        m = MentorFactory(program=world.program, capacity=3)
        m.topics_offered.set(best.topics_offered.all())
    for _ in range(2):
        services.request_send(protege=protege, mentor=MentorFactory(program=world.program))
    PartnershipFactory(program=world.program, mentor=best, status="completed")
    with django_assert_num_queries(few):
        assert client.get(url(world)).status_code == 200
    assert MentorRequest.objects.filter(status=RequestStatus.OPEN).count() == 3


# --- home: where to find a mentor, and requests waiting for an answer ---


def test_home_offers_a_waiting_protege_a_mentor_and_a_mentor_their_requests_as_they_change(
    client, world, seeker
):
    protege, best = seeker
    home = reverse("home:home")
    client.force_login(protege.user)
    assert f"Choose your mentor in {world.program.name}" in client.get(home).text
    client.force_login(best.user)
    assert "asked you to mentor" not in client.get(home).text  # kept now (mentoring.page_cache)
    request = services.request_send(protege=protege, mentor=best)
    assert "1 protégé asked you to mentor them" in client.get(home).text
    services.request_decline(request=request, by=best.user, answer="My places are full for now.")
    assert "asked you to mentor" not in client.get(home).text
    world.program.matching_mode = MatchingMode.ADMIN
    world.program.save()
    client.force_login(protege.user)
    assert "Choose your mentor" not in client.get(home).text


def test_home_offers_no_mentor_to_a_protege_who_has_one(client, world, seeker):
    client.force_login(world.protege)
    assert "Find a mentor" not in client.get(reverse("home:home")).text
