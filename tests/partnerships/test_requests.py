"""A mentor accepts a protégé's request (partnerships.services_requests): the
partnership starts as an admin's match does and the protégé's other requests
are withdrawn; with approval on, it waits for an admin, who approves or refuses."""

import pytest
from django.core.exceptions import ValidationError

from partnerships import services as pair_services
from partnerships import services_requests as services
from partnerships.models import Partnership
from programs.models import MatchingMode
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as program_services
from tests.factories import MentorFactory, ParticipantFactory, PartnershipFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    admin = UserFactory(display_name="Ada Admin")
    program = ProgramFactory(admins=[admin], matching_mode=MatchingMode.BOTH)
    protege = ParticipantFactory(program=program, user__display_name="Sam Seeker")
    a = MentorFactory(
        program=program, user__display_name="Mina Mentor", capacity=1, intro="Ten years in ops."
    )
    b = MentorFactory(program=program, user__display_name="Bo Mentor", capacity=1)
    return program, admin, protege, a, b


def test_an_accepted_request_starts_the_partnership_as_a_match_does(
    people, django_capture_on_commit_callbacks
):
    _program, _, protege, a, b = people
    request = program_services.request_send(protege=protege, mentor=a, note="Hi")
    other = program_services.request_send(protege=protege, mentor=b)
    with django_capture_on_commit_callbacks() as callbacks:
        request = services.request_accept(request=request, by=a.user)
    assert request.status == RequestStatus.MATCHED
    partnership = Partnership.objects.get(pk=request.partnership_id)
    assert (partnership.mentor, partnership.protege, partnership.status) == (a, protege, "proposed")
    assert partnership.matched_by == a.user
    assert 0 <= partnership.match_score <= 100 and partnership.match_reasons
    a.refresh_from_db()
    assert a.load == 1
    other.refresh_from_db()
    assert other.status == RequestStatus.WITHDRAWN
    assert len(callbacks) == 1  # the match emails


def test_the_match_emails_say_the_mentor_accepted(people, mailoutbox):
    _, _, protege, a, _ = people
    request = program_services.request_send(protege=protege, mentor=a)
    request = services.request_accept(request=request, by=a.user)
    pair_services.partnership_send_match_emails(partnership_id=request.partnership_id)
    to_protege = next(m for m in mailoutbox if m.to == [protege.user.email])
    to_mentor = next(m for m in mailoutbox if m.to == [a.user.email])
    assert "Mina Mentor accepted your request" in to_protege.body
    assert "Ten years in ops." in to_protege.body
    assert "You accepted Sam Seeker's request" in to_mentor.body


def test_only_the_mentor_asked_accepts(people):
    _, admin, protege, a, b = people
    request = program_services.request_send(protege=protege, mentor=a)
    for someone in (b.user, protege.user, admin):
        with pytest.raises(ValidationError):
            services.request_accept(request=request, by=someone)
    assert not Partnership.objects.filter(protege=protege).exists()


def test_a_mentor_full_since_the_request_is_refused_and_nothing_is_saved(people):
    program, _, protege, a, _ = people
    request = program_services.request_send(protege=protege, mentor=a)
    PartnershipFactory(program=program, mentor=a)  # their last place taken meanwhile
    with pytest.raises(ValidationError) as caught:
        services.request_accept(request=request, by=a.user)
    assert "no free place" in caught.value.messages[0]
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.partnership_id is None


def test_a_withdrawn_request_cannot_be_accepted(people):
    _, _, protege, a, _ = people
    request = program_services.request_send(protege=protege, mentor=a)
    program_services.request_withdraw(request=request, by=protege.user)
    with pytest.raises(ValidationError, match="answered or closed"):
        services.request_accept(request=request, by=a.user)


def test_with_approval_on_an_accepted_request_waits_for_an_admin(people, mailoutbox):
    program, admin, protege, a, b = people
    program.requests_need_approval = True
    program.save()
    request = program_services.request_send(protege=protege, mentor=a)
    other = program_services.request_send(protege=protege, mentor=b)
    request = services.request_accept(request=request, by=a.user)
    assert request.status == RequestStatus.ACCEPTED and request.partnership_id is None
    assert not Partnership.objects.exists()
    program_services.request_send_email(request_id=request.pk, event="accepted")
    assert "program team" in mailoutbox[0].body
    with pytest.raises(ValidationError):
        services.request_approve(request=request, by=a.user)  # not an admin
    request = services.request_approve(request=request, by=admin)
    assert request.status == RequestStatus.MATCHED
    assert Partnership.objects.get(pk=request.partnership_id).matched_by == admin
    other.refresh_from_db()
    assert other.status == RequestStatus.WITHDRAWN


def test_an_admin_refuses_with_words_the_protege_reads(people, mailoutbox):
    program, admin, protege, a, _ = people
    program.requests_need_approval = True
    program.save()
    request = program_services.request_send(protege=protege, mentor=a)
    request = services.request_accept(request=request, by=a.user)
    with pytest.raises(ValidationError):
        services.request_refuse(request=request, by=admin, answer="")
    request = services.request_refuse(request=request, by=admin, answer="Mina leaves the team next month.")
    assert request.status == RequestStatus.REFUSED
    program_services.request_send_email(request_id=request.pk, event="refused")
    (email,) = mailoutbox
    assert email.to == [protege.user.email]
    assert "Mina leaves the team next month." in email.body
    with pytest.raises(ValidationError):
        services.request_approve(request=request, by=admin)


def test_an_admin_match_withdraws_the_proteges_pending_requests(people):
    program, admin, protege, a, b = people
    request = program_services.request_send(protege=protege, mentor=a)
    pair_services.partnership_match(program=program, protege=protege, mentor=b, matched_by=admin)
    assert MentorRequest.objects.get(pk=request.pk).status == RequestStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="has a mentor already"):
        services.request_accept(request=request, by=a.user)
