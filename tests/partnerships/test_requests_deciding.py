"""A mentor decides with what they need, and nobody is left waiting on a
request that cannot go anywhere: the admins are told an accepted request
waits for their approval; a mentor whose last place is taken has their other
open requests closed kindly, sees "Your places are full" and is told so in
the second person; /me/requests/ shows who asks, what they seek and the fit,
and only the sections of the roles a person has; the matching board shows
each waiting protégé's pending requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import SentEmail
from partnerships import services as pair_services
from partnerships import services_requests as services
from partnerships.models import Partnership
from programs.models import (
    Answer,
    Audience,
    Choice,
    MatchingMode,
    MatchRule,
    Participant,
    Question,
    QuestionKind,
)
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as program_services
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

MINE = reverse("partnerships:my_requests")


@pytest.fixture
def program(world):
    world.program.matching_mode = MatchingMode.BOTH
    world.program.save()
    return world.program


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _send(program, mentor, name="Sam Seeker"):
    protege = ParticipantFactory(program=program, user__display_name=name)
    return program_services.request_send(protege=protege, mentor=mentor, note="Hello")


# --- 2. approval: the admins are told, and nothing "expires" while it waits ---


def test_an_accept_waiting_for_approval_emails_each_admin_once_with_the_requests_page(
    world, program, mailoutbox, django_capture_on_commit_callbacks
):
    co_admin = UserFactory(display_name="Cy Coadmin")
    program.admins.add(co_admin)
    program.requests_need_approval = True
    program.save()
    mentor = MentorFactory(program=program, user__display_name="Mina Mentor", capacity=1)
    request = _send(program, mentor)
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_accept(request=request, by=mentor.user)
    assert len(callbacks) == 2  # the protégé's "accepted" and the admins' "waits for you"
    assert program_services.request_send_email(request_id=request.pk, event="approval")
    assert not program_services.request_send_email(request_id=request.pk, event="approval")  # once
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.admin.email, co_admin.email])
    link = reverse("partnerships:program_requests", args=[program.slug])
    for email in mailoutbox:
        assert "Mina Mentor accepted Sam Seeker's request" in email.body
        assert link in email.body and link in email.alternatives[0][0]
    assert SentEmail.objects.filter(key=f"request-{request.pk}-approval-{co_admin.pk}").exists()


def test_a_request_waiting_for_approval_says_since_when_not_when_it_expires(client, program):
    program.requests_need_approval = True
    program.save()
    mentor = MentorFactory(program=program, capacity=1)
    request = _send(program, mentor)
    services.request_accept(request=request, by=mentor.user)
    request.refresh_from_db()
    client.force_login(request.protege.user)
    for url in (MINE, reverse("programs:mentors", args=[program.slug])):
        page = client.get(url).content.decode()
        card = page[page.index(f'id="request-{request.pk}"') :] if url == MINE else page
        assert "waiting since" in card
        assert "expires" not in card[: card.index("</li>")].lower()
    client.force_login(mentor.user)
    assert "waiting since" in client.get(MINE).content.decode()


# --- 3. a mentor's last place taken ---


@pytest.mark.parametrize("how", ["admin_match", "accept"])
def test_the_last_place_taken_closes_the_mentors_other_open_requests_kindly(
    world, program, how, mailoutbox, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(program=program, user__display_name="Mina Mentor", capacity=2)
    first, second = _send(program, mentor, "Pat One"), _send(program, mentor, "Kim Two")
    pair_services.partnership_match(
        program=program, protege=ParticipantFactory(program=program), mentor=mentor, matched_by=world.admin
    )
    first.refresh_from_db()
    assert first.status == RequestStatus.OPEN  # one place still free: nothing closes
    with django_capture_on_commit_callbacks() as callbacks:
        if how == "accept":
            services.request_accept(request=first, by=mentor.user)
        else:
            pair_services.partnership_match(
                program=program,
                protege=ParticipantFactory(program=program),
                mentor=mentor,
                matched_by=world.admin,
            )
    closed = second if how == "accept" else first
    closed.refresh_from_db()
    assert closed.status == RequestStatus.DECLINED
    assert closed.answer == "All of Mina Mentor's places are taken now."
    assert closed.answered_at is None and closed.closed_at is not None
    assert not MentorRequest.objects.filter(mentor=mentor, status=RequestStatus.OPEN).exists()
    assert len(callbacks) >= 2  # the match emails and the protégé's decline
    assert program_services.request_send_email(request_id=closed.pk, event="declined")
    assert not program_services.request_send_email(request_id=closed.pk, event="declined")
    (email,) = mailoutbox
    assert email.to == [closed.protege.user.email]
    assert "All of Mina Mentor's places are taken now." in email.body


def test_an_admins_match_of_a_protege_who_asked_that_mentor_does_not_tell_them_the_mentor_is_full(
    world, program
):
    mentor = MentorFactory(program=program, capacity=1)
    mine, theirs = _send(program, mentor, "Pat One"), _send(program, mentor, "Kim Two")
    pair_services.partnership_match(
        program=program, protege=mine.protege, mentor=mentor, matched_by=world.admin
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == RequestStatus.WITHDRAWN and mine.answer == ""
    assert theirs.status == RequestStatus.DECLINED


def test_a_full_mentor_sees_their_places_are_full_instead_of_accept_and_may_still_decline(client, program):
    mentor = MentorFactory(program=program, capacity=1)
    request = _send(program, mentor)
    Participant.objects.filter(pk=mentor.pk).update(load=1)  # e.g. the admin lowered their capacity
    client.force_login(mentor.user)
    page = client.get(MINE).content.decode()
    assert "Your places are full" in page
    assert reverse("partnerships:request_accept", args=[request.pk]) not in page
    assert reverse("partnerships:request_decline", args=[request.pk]) in page


def test_an_accept_refused_for_capacity_speaks_to_the_mentor(client, program):
    mentor = MentorFactory(program=program, user__display_name="Mina Mentor", capacity=1)
    request = _send(program, mentor)
    Participant.objects.filter(pk=mentor.pk).update(load=1)
    client.force_login(mentor.user)
    response = client.post(reverse("partnerships:request_accept", args=[request.pk]), follow=True)
    page = response.content.decode()
    assert "You have no free place left" in page and "Mina Mentor has no free place" not in page
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and not Partnership.objects.filter(mentor=mentor).exists()


# --- 4. the mentor decides with what the protégé seeks and the fit ---


def _criterion(program):
    question = Question.objects.create(
        program=program,
        text="Which team do you like?",
        kind=QuestionKind.SINGLE,
        audience=Audience.BOTH,
        weight=20,
        rule=MatchRule.SAME,
    )
    return question, Choice.objects.create(question=question, label="remote-first team", position=0)


def _answer(person, question, choice):
    Answer.objects.create(participant=person, question=question).choices.set([choice])


def test_the_mentor_reads_what_the_protege_seeks_their_answers_and_the_fit(client, program):
    question, remote = _criterion(program)
    topic = TopicFactory(program=program, name="Negotiation")
    mentor = MentorFactory(program=program, capacity=3)
    mentor.topics_offered.set([topic])
    _answer(mentor, question, remote)
    request = _send(program, mentor)
    protege = request.protege
    protege.topics_sought.set([topic])
    Participant.objects.filter(pk=protege.pk).update(challenges="Leading <my> first team")
    _answer(protege, question, remote)
    client.force_login(mentor.user)
    page = client.get(MINE).content.decode()
    card = page[page.index(f'id="request-{request.pk}"') :]
    assert "How well you fit" in card and "score-meter" in card
    assert "both chose: remote-first team" in card and "offers Negotiation" in card
    assert "Negotiation" in card and "Leading &lt;my&gt; first team" in card
    assert "Which team do you like?" in card


def test_my_requests_reads_the_same_queries_with_more_proteges_answers_and_criteria(
    client, program, django_assert_num_queries
):
    question, remote = _criterion(program)
    topic = TopicFactory(program=program)
    mentor = MentorFactory(program=program, capacity=10)
    mentor.topics_offered.set([topic])
    _answer(mentor, question, remote)

    def one_more():
        request = _send(program, mentor, name="Someone")
        request.protege.topics_sought.set([topic])
        _answer(request.protege, question, remote)

    one_more()
    client.force_login(mentor.user)
    client.get(MINE)
    few = _count(client, MINE)
    for _ in range(5):
        one_more()
    with django_assert_num_queries(few):
        assert client.get(MINE).status_code == 200


# --- 5. only the sections of the roles a person has ---


def test_sections_follow_the_roles_a_person_has(client, world, program):
    mentor_only = MentorFactory(program=program).user
    protege_only = ParticipantFactory(program=program).user
    for user, received, sent in (
        (world.outsider, False, False),
        (mentor_only, True, False),
        (protege_only, False, True),
    ):
        client.force_login(user)
        page = client.get(MINE).content.decode()
        assert ("Waiting for your answer" in page) is received, user
        assert ('id="sent"' in page) is sent, user
    client.force_login(protege_only)
    assert "You have no request waiting for a mentor." in client.get(MINE).content.decode()


# --- 7. the matching board shows each waiting protégé's pending requests ---


def test_the_board_shows_each_waiting_proteges_pending_requests_in_the_same_queries(
    client, world, program, django_assert_num_queries
):
    mentor = MentorFactory(program=program, user__display_name="Mina Mentor", capacity=10)
    request = _send(program, mentor, name="Sam Seeker")
    board = reverse("partnerships:matching_board", args=[program.slug])
    client.force_login(world.admin)
    page = client.get(board).content.decode()
    waiting = page[page.index('id="waiting"') : page.index('id="suggestions"')]
    assert "asked Mina Mentor (open request)" in waiting
    chosen = client.get(f"{board}?protege={request.protege_id}").content.decode()
    assert "asked Mina Mentor (open request)" in chosen[chosen.index('id="suggestions"') :]
    few = _count(client, board)
    for i in range(4):
        other = MentorFactory(program=program, capacity=2)
        _send(program, other, name=f"Seeker {i}")
        if i < 2:
            program_services.request_send(protege=request.protege, mentor=other)
    with django_assert_num_queries(few):
        assert client.get(board).status_code == 200
