"""Requests that must not come back, and requests closed for the protégé:
asking a mentor who declined, or again right after withdrawing, is refused
beside the note; a program that stops taking requests closes its pending
ones kindly (``requests_close_for_program``); the mentor's email tells who
asks, what they seek and how well they fit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import Answer, Audience, Choice, MatchingMode, MatchRule, Question, QuestionKind
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as services
from tests.factories import MentorFactory, ParticipantFactory, ProgramFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """A program that takes requests (approval on), one protégé and two mentors with places."""
    admin = UserFactory(display_name="Ada Admin")
    program = ProgramFactory(
        admins=[admin],
        matching_mode=MatchingMode.REQUESTS,
        request_expiry_days=7,
        requests_need_approval=True,
    )
    protege = ParticipantFactory(program=program, user__display_name="Sam Seeker")
    mentors = [MentorFactory(program=program, user__display_name=f"Mentor {n}", capacity=2) for n in "AB"]
    return program, protege, mentors


def _refused_beside_the_note(call, code: str):
    with pytest.raises(ValidationError) as caught:
        call()
    (errors,) = caught.value.error_dict.values()
    assert list(caught.value.error_dict) == ["note"]
    assert [e.code for e in errors] == [code]
    return errors[0].messages[0]


def test_asking_a_mentor_who_declined_is_refused_beside_the_note(people):
    _, protege, (a, _b) = people
    request = services.request_send(protege=protege, mentor=a)
    services.request_decline(request=request, by=a.user, answer="The timing doesn't work for me.")
    message = _refused_beside_the_note(
        lambda: services.request_send(protege=protege, mentor=a, note="Please?"), "declined_before"
    )
    assert message.startswith("Mentor A declined your earlier request. Ask someone else")
    # Still refused long after: a mentor's no stands.
    MentorRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - datetime.timedelta(days=90))
    _refused_beside_the_note(lambda: services.request_send(protege=protege, mentor=a), "declined_before")
    assert MentorRequest.objects.count() == 1


def test_withdrawing_and_asking_again_at_once_is_refused_for_a_week(people):
    _, protege, (a, b) = people
    request = services.request_send(protege=protege, mentor=a)
    services.request_withdraw(request=request, by=protege.user)
    message = _refused_beside_the_note(
        lambda: services.request_send(protege=protege, mentor=a), "withdrawn_lately"
    )
    assert "less than a week ago" in message
    assert services.request_send(protege=protege, mentor=b).status == RequestStatus.OPEN  # others: fine
    MentorRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - datetime.timedelta(days=8))
    assert services.request_send(protege=protege, mentor=a).status == RequestStatus.OPEN


def test_a_request_closed_by_the_program_or_for_full_places_does_not_stop_asking_again(people):
    program, protege, (a, b) = people
    closed_by_program = services.request_send(protege=protege, mentor=a)
    services.requests_close_for_program(program=program)
    full = services.request_send(protege=protege, mentor=b)
    services.requests_close_for_full_mentor(mentor=b)
    full.refresh_from_db()
    assert full.status == RequestStatus.DECLINED and full.answered_at is None
    assert services.request_send(protege=protege, mentor=a).pk != closed_by_program.pk
    assert services.request_send(protege=protege, mentor=b).pk != full.pk


def test_a_program_that_stops_taking_requests_closes_its_pending_ones_kindly_once(
    people, django_capture_on_commit_callbacks, mailoutbox
):
    program, protege, (a, b) = people
    other = ParticipantFactory(program=program, user__display_name="Olga Other")
    open_one = services.request_send(protege=protege, mentor=a)
    accepted = services.request_send(protege=other, mentor=b)
    MentorRequest.objects.filter(pk=accepted.pk).update(
        status=RequestStatus.ACCEPTED, answered_at=timezone.now()
    )
    declined = services.request_send(protege=protege, mentor=b)
    services.request_decline(request=declined, by=b.user, answer="No places")

    program.matching_mode = MatchingMode.ADMIN
    program.save()
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.requests_close_for_program(program=program) == 2
    assert len(callbacks) == 2  # each protégé's email, after commit
    for request in (open_one, accepted):  # what the task does
        assert services.request_send_email(request_id=request.pk, event=services.RequestEvent.CLOSED)
    assert services.requests_close_for_program(program=program) == 0
    for request in (open_one, accepted):
        request.refresh_from_db()
        assert request.status == RequestStatus.WITHDRAWN
        assert request.answer == "The program team makes the matches now."
        assert request.closed_at is not None
    declined.refresh_from_db()
    assert declined.status == RequestStatus.DECLINED
    assert sorted(m.to[0] for m in mailoutbox) == sorted([protege.user.email, other.user.email])
    assert all("now makes the matches themselves" in m.body for m in mailoutbox)
    # Once: the task run again sends nothing more.
    assert not services.request_send_email(request_id=open_one.pk, event=services.RequestEvent.CLOSED)
    assert len(mailoutbox) == 2


def test_another_programs_requests_stay_open_when_one_program_stops(people):
    program, protege, (a, _b) = people
    elsewhere = ProgramFactory(matching_mode=MatchingMode.REQUESTS)
    theirs = services.request_send(
        protege=ParticipantFactory(program=elsewhere), mentor=MentorFactory(program=elsewhere)
    )
    services.request_send(protege=protege, mentor=a)
    assert services.requests_close_for_program(program=program) == 1
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.OPEN


def test_the_mentors_email_says_what_the_protege_seeks_their_answers_and_the_fit(people, mailoutbox):
    program, protege, (a, _b) = people
    topic = TopicFactory(program=program, name="Negotiation")
    protege.topics_sought.set([topic])
    a.topics_offered.set([topic])
    protege.challenges = "Leading my first team"
    protege.save()
    question = Question.objects.create(
        program=program,
        text="Which team do you like?",
        kind=QuestionKind.SINGLE,
        audience=Audience.BOTH,
        weight=20,
        rule=MatchRule.SAME,
    )
    remote = Choice.objects.create(question=question, label="remote-first team", position=0)
    for person in (protege, a):
        Answer.objects.create(participant=person, question=question).choices.set([remote])
    request = services.request_send(protege=protege, mentor=a)
    assert services.request_send_email(request_id=request.pk, event="received")
    (email,) = mailoutbox
    for words in (
        "How well you fit:",
        "both chose: remote-first team",
        "Topics sought: Negotiation",
        "Challenges sought: Leading my first team",
        "Which team do you like?: remote-first team",
    ):
        assert words in email.body, words
    html = email.alternatives[0][0]
    assert "Leading my first team" in html and "both chose: remote-first team" in html
