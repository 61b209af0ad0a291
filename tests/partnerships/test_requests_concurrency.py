"""Two mentors' accepts at the same moment, in two real PostgreSQL transactions:
the database holds a mentor's capacity, so two accepts for the last place make
one partnership, and the other is refused in words."""

import pytest
from django.core.exceptions import ValidationError

from partnerships import services_requests as services
from partnerships.models import Partnership
from programs.models import MatchingMode
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as program_services
from tests.factories import MentorFactory, ParticipantFactory, ProgramFactory, UserFactory

from .test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_accepts_for_the_last_place_make_one_partnership():
    program = ProgramFactory(admins=[UserFactory()], matching_mode=MatchingMode.REQUESTS)
    mentor = MentorFactory(program=program, capacity=1)
    first = program_services.request_send(protege=ParticipantFactory(program=program), mentor=mentor)
    second = program_services.request_send(protege=ParticipantFactory(program=program), mentor=mentor)

    def accept(request):
        return lambda: services.request_accept(request=request, by=mentor.user)

    won, lost = race(accept(first), accept(second))
    assert isinstance(won, MentorRequest) and won.status == RequestStatus.MATCHED
    assert isinstance(lost, ValidationError)
    # Told in the second person: the mentor is the one reading it.
    assert lost.messages[0].startswith("You have no free place left")
    assert Partnership.objects.filter(mentor=mentor).count() == 1
    mentor.refresh_from_db()
    assert mentor.load == 1
    loser = second if won.pk == first.pk else first
    loser.refresh_from_db()
    # The last place taken closed the other request kindly, not half-accepted.
    assert (loser.status, loser.answered_at, loser.partnership_id) == (RequestStatus.DECLINED, None, None)
    assert loser.answer == f"All of {mentor.user.name}'s places are taken now."


def test_two_mentors_accepting_one_protege_at_once_make_one_partnership():
    program = ProgramFactory(admins=[UserFactory()], matching_mode=MatchingMode.REQUESTS)
    protege = ParticipantFactory(program=program)
    m1, m2 = MentorFactory(program=program), MentorFactory(program=program)
    r1 = program_services.request_send(protege=protege, mentor=m1)
    r2 = program_services.request_send(protege=protege, mentor=m2)

    won, lost = race(
        lambda: services.request_accept(request=r1, by=m1.user),
        lambda: services.request_accept(request=r2, by=m2.user),
    )
    assert isinstance(won, MentorRequest)
    assert isinstance(lost, ValidationError)
    assert Partnership.objects.filter(protege=protege).count() == 1
    r2.refresh_from_db()
    assert r2.status == RequestStatus.WITHDRAWN


def _at_once(*calls) -> list:
    """Runs each call in its own thread and connection, all released at the
    same moment by a barrier; returns what each returned or raised."""
    import threading

    from django.db import connection

    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait(10)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("round_", range(4))
def test_two_mentors_and_an_admin_answering_one_protege_at_the_same_moment_never_deadlock(round_):
    """Two mentors pressing Accept on one protégé's requests at the same moment
    deadlocked (one got a server error): each held its own request's row and
    waited for the other's. An admin's match of the protégé joins in here."""
    from partnerships.services import partnership_match

    admin = UserFactory()
    program = ProgramFactory(admins=[admin], matching_mode=MatchingMode.BOTH)
    protege = ParticipantFactory(program=program)
    m1, m2, m3 = (MentorFactory(program=program) for _ in range(3))
    r1 = program_services.request_send(protege=protege, mentor=m1)
    r2 = program_services.request_send(protege=protege, mentor=m2)
    results = _at_once(
        lambda: services.request_accept(request=r1, by=m1.user),
        lambda: services.request_accept(request=r2, by=m2.user),
        lambda: partnership_match(program=program, protege=protege, mentor=m3, matched_by=admin),
    )
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 2, results
    assert all(isinstance(exc, ValidationError) for exc in lost), lost
    assert Partnership.objects.filter(protege=protege).count() == 1
    assert {m.pk: m.load for m in type(m1).objects.filter(pk__in=[m1.pk, m2.pk, m3.pk])} == {
        m.pk: int(Partnership.objects.filter(mentor=m).exists()) for m in (m1, m2, m3)
    }
