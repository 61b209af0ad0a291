"""Two admins matching at the same moment, in two real PostgreSQL transactions:
the database, not luck, keeps a mentor within capacity and a protégé with one mentor."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from partnerships import services
from partnerships.models import Partnership
from tests.factories import MentorFactory, ParticipantFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def race(first, second) -> list:
    """Runs ``first`` in a transaction that holds its locks until ``second`` has
    started in another thread and connection; returns what each raised or returned."""
    results: list = [None, None]
    first_done_writing, second_started = threading.Event(), threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                results[0] = first()
                first_done_writing.set()
                second_started.wait(10)
                threading.Event().wait(0.5)  # let the second block on our row locks
        except Exception as exc:
            results[0] = exc
        finally:
            first_done_writing.set()
            connection.close()

    def run_second():
        first_done_writing.wait(10)
        second_started.set()
        try:
            results[1] = second()
        except Exception as exc:
            results[1] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_concurrent_matches_cannot_overfill_a_mentor():
    admin = UserFactory()
    program = ProgramFactory(admins=[admin])
    mentor = MentorFactory(program=program, capacity=1)
    a, b = ParticipantFactory(program=program), ParticipantFactory(program=program)

    def match(protege):
        return lambda: services.partnership_match(
            program=program, protege=protege, mentor=mentor, matched_by=admin
        )

    first, second = race(match(a), match(b))
    assert isinstance(first, Partnership)
    assert isinstance(second, ValidationError)
    assert "no free place" in second.messages[0]
    assert Partnership.objects.filter(mentor=mentor).count() == 1
    mentor.refresh_from_db()
    assert mentor.load == 1


def test_two_concurrent_matches_cannot_give_a_protege_two_mentors():
    admin = UserFactory()
    program = ProgramFactory(admins=[admin])
    protege = ParticipantFactory(program=program)
    m1, m2 = MentorFactory(program=program), MentorFactory(program=program)

    def match(mentor):
        return lambda: services.partnership_match(
            program=program, protege=protege, mentor=mentor, matched_by=admin
        )

    first, second = race(match(m1), match(m2))
    assert isinstance(first, Partnership)
    assert isinstance(second, ValidationError)
    assert "already has a mentor" in second.messages[0]
    assert Partnership.objects.filter(protege=protege).count() == 1
    m2.refresh_from_db()
    assert m2.load == 0
