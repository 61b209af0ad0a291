"""A protégé's requests for a mentor (programs.services.requests): sending within
the rules, withdrawing, declining with a kind word, the reminder before expiry
and the expiry, each once, and their kind emails."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.models import SentEmail
from programs.models import MatchingMode, Participant
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as services
from tests.factories import MentorFactory, ParticipantFactory, PartnershipFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """A program that takes requests, one protégé and four mentors with places."""
    admin = UserFactory(display_name="Ada Admin")
    program = ProgramFactory(admins=[admin], matching_mode=MatchingMode.REQUESTS, request_expiry_days=7)
    protege = ParticipantFactory(program=program, user__display_name="Sam Seeker")
    mentors = [
        MentorFactory(program=program, user__display_name=f"Mentor {name}", capacity=1) for name in "ABCD"
    ]
    return program, protege, mentors


def refused(call, code: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    codes = (
        [e.code for e in caught.value.error_list]
        if not hasattr(caught.value, "error_dict")
        else [e.code for errors in caught.value.error_dict.values() for e in errors]
    )
    assert code in codes, codes
    return caught.value


def test_a_request_is_open_until_the_programs_expiry_and_emails_the_mentor(
    people, django_capture_on_commit_callbacks
):
    _program, protege, (a, *_) = people
    with django_capture_on_commit_callbacks() as callbacks:
        request = services.request_send(protege=protege, mentor=a, note="  Hello <there>  ")
    assert request.status == RequestStatus.OPEN
    assert request.note == "Hello <there>"
    assert (request.expires_at - timezone.now()).days in (6, 7)
    assert len(callbacks) == 1  # the mentor's email, after commit


def test_the_fourth_pending_request_is_refused(people):
    _, protege, mentors = people
    for mentor in mentors[:3]:
        services.request_send(protege=protege, mentor=mentor)
    refused(lambda: services.request_send(protege=protege, mentor=mentors[3]), "too_many")
    assert MentorRequest.objects.count() == 3


def test_a_second_request_to_the_same_mentor_is_refused(people):
    _, protege, (a, *_) = people
    services.request_send(protege=protege, mentor=a)
    refused(lambda: services.request_send(protege=protege, mentor=a), "already_asked")


def test_a_mentor_without_a_free_place_is_refused(people):
    program, protege, (a, *_) = people
    PartnershipFactory(program=program, mentor=a)
    a.refresh_from_db()
    error = refused(lambda: services.request_send(protege=protege, mentor=a), "mentor_full")
    assert "no free place" in error.messages[0]
    assert not MentorRequest.objects.exists()


def test_a_protege_with_a_mentor_is_refused(people):
    program, protege, (a, b, *_) = people
    PartnershipFactory(program=program, mentor=b, protege=protege)
    refused(lambda: services.request_send(protege=protege, mentor=a), "has_mentor")


def test_a_program_whose_team_matches_takes_no_requests(people):
    program, protege, (a, *_) = people
    program.matching_mode = MatchingMode.ADMIN
    program.save()
    protege.refresh_from_db()
    refused(lambda: services.request_send(protege=protege, mentor=a), "no_requests")


@pytest.mark.parametrize("who", ["withdrawn_mentor", "other_program", "invited_protege"])
def test_people_not_active_in_the_program_are_refused(people, who):
    _program, protege, (a, *_) = people
    if who == "withdrawn_mentor":
        Participant.objects.filter(pk=a.pk).update(status=Participant.Status.WITHDRAWN)
    elif who == "other_program":
        a = MentorFactory(program=ProgramFactory(matching_mode=MatchingMode.REQUESTS))
    else:
        Participant.objects.filter(pk=protege.pk).update(status=Participant.Status.INVITED)
    refused(lambda: services.request_send(protege=protege, mentor=a), "not_active")


def test_a_note_too_long_is_refused_beside_the_note(people):
    _, protege, (a, *_) = people
    error = refused(lambda: services.request_send(protege=protege, mentor=a, note="x" * 501), "max_length")
    assert "note" in error.error_dict
    assert not MentorRequest.objects.exists()


def test_a_withdrawn_request_frees_a_place_among_the_three(people):
    _, protege, mentors = people
    sent = [services.request_send(protege=protege, mentor=m) for m in mentors[:3]]
    services.request_withdraw(request=sent[0], by=protege.user)
    assert services.request_send(protege=protege, mentor=mentors[3]).status == RequestStatus.OPEN


def test_only_the_protege_withdraws_and_only_the_mentor_declines(people):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    refused(lambda: services.request_withdraw(request=request, by=a.user), "not_yours")
    refused(lambda: services.request_decline(request=request, by=protege.user, answer="No"), "not_yours")


def test_a_decline_keeps_the_kind_word_and_tells_the_protege_kindly(people, mailoutbox):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    word = str(services.KIND_WORDS[2])
    services.request_decline(request=request, by=a.user, answer=word)
    request.refresh_from_db()
    assert (request.status, request.answer) == (RequestStatus.DECLINED, word)
    assert services.request_send_email(request_id=request.pk, event="declined")
    assert not services.request_send_email(request_id=request.pk, event="declined")  # once
    (email,) = mailoutbox
    assert email.to == [protege.user.email]
    assert word in email.body and "It is not about you" in email.body


def test_a_decline_needs_a_word_of_one_line(people):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    refused(lambda: services.request_decline(request=request, by=a.user, answer="  "), "required")
    refused(lambda: services.request_decline(request=request, by=a.user, answer="x" * 301), "max_length")
    refused(lambda: services.request_decline(request=request, by=a.user, answer="a\nb"), "control_characters")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_a_request_answered_already_is_not_answered_again(people):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    services.request_decline(request=request, by=a.user, answer="No places")
    refused(lambda: services.request_decline(request=request, by=a.user, answer="No"), "closed")


def test_the_mentor_is_reminded_once_a_day_before_expiry(people, django_capture_on_commit_callbacks):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    assert services.requests_remind(now=request.expires_at - datetime.timedelta(days=2)) == 0
    now = request.expires_at - datetime.timedelta(hours=23)
    assert services.requests_remind(now=now) == 1
    assert services.requests_remind(now=now) == 0
    request.refresh_from_db()
    assert request.reminded_at == now


def test_a_one_day_request_is_reminded_halfway(people):
    program, protege, (a, *_) = people
    program.request_expiry_days = 1
    program.save()
    protege.refresh_from_db()
    request = services.request_send(protege=protege, mentor=a)
    assert services.requests_remind(now=request.created_at + datetime.timedelta(hours=11)) == 0
    assert services.requests_remind(now=request.created_at + datetime.timedelta(hours=13)) == 1


def test_the_reminder_reads_to_the_mentor(people, mailoutbox):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a, note="I would love your help.")
    services.request_send_email(request_id=request.pk, event="received")
    services.request_send_email(request_id=request.pk, event="reminder")
    assert [m.to for m in mailoutbox] == [[a.user.email], [a.user.email]]
    assert "I would love your help." in mailoutbox[0].body
    assert "Sam Seeker" in mailoutbox[1].subject
    assert mailoutbox[0].alternatives


def test_requests_expire_once_and_the_protege_is_told_kindly(people, mailoutbox):
    _, protege, (a, b, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    services.request_send(protege=protege, mentor=b)
    later = request.expires_at + datetime.timedelta(minutes=1)
    assert services.requests_expire(now=later) == 2
    assert services.requests_expire(now=later) == 0
    request.refresh_from_db()
    assert (request.status, request.closed_at) == (RequestStatus.EXPIRED, later)
    services.request_send_email(request_id=request.pk, event="expired")
    services.request_send_email(request_id=request.pk, event="expired")
    (email,) = mailoutbox
    assert email.to == [protege.user.email]
    assert "silence is no judgement of you" in email.body
    assert SentEmail.objects.filter(key=f"request-{request.pk}-expired-{protege.user_id}").exists()


def test_an_expired_request_can_be_sent_again(people):
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    services.requests_expire(now=request.expires_at)
    assert services.request_send(protege=protege, mentor=a).pk != request.pk


def test_the_beat_task_reminds_and_expires(people, settings):
    from programs.tasks import close_due_requests

    assert "close-due-requests" in settings.CELERY_BEAT_SCHEDULE
    _, protege, (a, *_) = people
    request = services.request_send(protege=protege, mentor=a)
    MentorRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    close_due_requests()
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
