"""Completing or ending a partnership: a partnership that never started can
only end early, and closing twice frees the mentor's place once. (Closing from
the partnership home and the program overview: tests/home/.)"""

import pytest
from django.core.exceptions import ValidationError

from partnerships.models import Partnership
from partnerships.services import partnership_close
from programs.models import Participant
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def load_of(participant: Participant) -> int:
    participant.refresh_from_db()
    return participant.load


def test_a_partnership_that_never_started_can_only_end_early(world):
    proposed = PartnershipFactory(program=world.program, status="proposed")
    with pytest.raises(ValidationError, match="cannot be complete"):
        partnership_close(partnership=proposed, by=proposed.mentor.user, outcome="completed")
    partnership_close(partnership=proposed, by=proposed.protege.user, outcome="ended", reason="A new job.")
    proposed.refresh_from_db()
    assert proposed.status == Partnership.Status.ENDED and proposed.ended_reason == "A new job."


def test_closing_twice_frees_the_place_once(world):
    mentor = world.partnership.mentor
    partnership_close(partnership=world.partnership, by=world.mentor, outcome="completed")
    with pytest.raises(ValidationError, match="already ended"):
        partnership_close(partnership=world.partnership, by=world.protege, outcome="ended", reason="x")
    assert load_of(mentor) == 0


def test_a_pair_is_completed_only_from_four_weeks_before_its_planned_end(world):
    import datetime

    from django.utils import timezone

    from partnerships.services import partnership_can_complete

    pair = world.partnership
    today = timezone.localdate()
    pair.planned_end_on = today + datetime.timedelta(weeks=14)
    pair.save(update_fields=["planned_end_on"])
    assert not partnership_can_complete(pair)
    with pytest.raises(ValidationError, match="four weeks before its planned end"):
        partnership_close(partnership=pair, by=world.admin, outcome="completed")
    assert partnership_can_complete(pair, today=pair.planned_end_on - datetime.timedelta(weeks=4))
    pair.planned_end_on = today + datetime.timedelta(weeks=4)
    pair.save(update_fields=["planned_end_on"])
    partnership_close(partnership=pair, by=world.admin, outcome="completed")
    pair.refresh_from_db()
    assert pair.status == Partnership.Status.COMPLETED


def test_closing_a_pair_that_has_ended_says_it_has_already_ended(world):
    partnership_close(partnership=world.partnership, by=world.admin, outcome="ended", reason="A new job.")
    with pytest.raises(ValidationError, match=r"This partnership has already ended\."):
        partnership_close(partnership=world.partnership, by=world.admin, outcome="completed")
