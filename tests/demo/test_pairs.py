import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnerships.models import Agreement, Partnership

pytestmark = pytest.mark.django_db


def demo_pair() -> Partnership:
    return Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )


def test_the_demo_pair_has_an_accepted_agreement_one_revision_and_a_change_waiting_for_the_protege():
    call_command("seed_demo", stdout=io.StringIO())
    pair = demo_pair()
    versions = list(pair.agreements.order_by("version"))
    assert [(v.version, v.status) for v in versions] == [
        (1, Agreement.Status.SUPERSEDED),
        (2, Agreement.Status.IN_FORCE),
        (3, Agreement.Status.PROPOSED),
    ]
    assert all(v.mentor_accepted_at and v.protege_accepted_at for v in versions[:2])
    assert versions[0].in_force_at < versions[1].in_force_at < versions[2].created_at
    assert versions[1].change_note and versions[2].change_note
    assert versions[2].waiting_for_role == "protege" and versions[2].ends_on > versions[1].ends_on
    assert pair.status == Partnership.Status.ACTIVE
    # The last call's log is a draft: the call it set has passed, and no next call is set yet.
    assert pair.last_call_at < pair.next_call_at < timezone.now()


def test_seeding_again_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    before = list(Agreement.objects.values_list("pk", "version", "status", "in_force_at"))
    pair = demo_pair()
    call_command("seed_demo", stdout=io.StringIO())
    assert list(Agreement.objects.values_list("pk", "version", "status", "in_force_at")) == before
    again = demo_pair()
    assert (again.next_call_at, again.mentor.load) == (pair.next_call_at, pair.mentor.load)
