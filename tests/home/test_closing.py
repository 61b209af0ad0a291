"""Completing or ending a partnership from its home: either side; a reason
when it ends early; a closing reflection each; the mentor's place is freed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.models import ClosingReflection, Partnership
from partnerships.services import partnership_close, reflection_add
from programs.models import Participant

pytestmark = pytest.mark.django_db

BLAME_WORDS = ["fault", "blame", "failed", "failure", "guilty"]


def load_of(participant: Participant) -> int:
    participant.refresh_from_db()
    return participant.load


def test_the_mentor_completes_the_partnership_with_a_reflection_and_frees_their_place(client, world):
    mentor = world.partnership.mentor
    assert load_of(mentor) == 1
    client.force_login(world.mentor)
    page = client.get(reverse("home:close", args=[world.partnership.pk])).text
    assert "It’s normal for partnerships to end; what you did mattered." in page
    assert not any(word in page.lower() for word in BLAME_WORDS)
    response = client.post(
        reverse("home:close", args=[world.partnership.pk]),
        {"outcome": "completed", "reflection": "Watching Sam lead the planning meeting."},
    )
    assert response.status_code == 303
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.COMPLETED
    assert world.partnership.ended_by == world.mentor
    assert load_of(mentor) == 0
    assert ClosingReflection.objects.get().role == "mentor"
    follow = client.get(response["Location"]).text
    assert "what you did mattered" in follow


def test_the_other_side_adds_their_reflection_afterwards_once(client, world):
    partnership_close(
        partnership=world.partnership, by=world.mentor, outcome="completed", reflection="Proud."
    )
    client.force_login(world.protege)
    home = client.get(reverse("home:home")).text
    assert "Add your closing reflection" in home
    page = client.get(reverse("home:partnership", args=[world.partnership.pk])).text
    assert "Proud." in page and "Save your reflection" in page
    response = client.post(reverse("home:reflection", args=[world.partnership.pk]), {"text": "I grew."})
    assert response.status_code == 303
    assert ClosingReflection.objects.count() == 2
    page = client.get(reverse("home:partnership", args=[world.partnership.pk])).text
    assert "I grew." in page and "Save your reflection" not in page
    with pytest.raises(ValidationError, match="already written"):
        reflection_add(partnership=world.partnership, by=world.protege, text="Again.")


def test_an_empty_reflection_keeps_the_form_and_says_what_to_write(client, world):
    partnership_close(
        partnership=world.partnership, by=world.mentor, outcome="completed", reflection="Proud."
    )
    client.force_login(world.protege)
    response = client.post(reverse("home:reflection", args=[world.partnership.pk]), {"text": "  "})
    assert response.status_code == 200
    assert "Write a sentence or two" in response.text


@pytest.mark.parametrize("persona", ["admin", "other_admin", "outsider"])
def test_no_one_outside_the_pair_can_reflect(client, world, persona):
    partnership_close(partnership=world.partnership, by=world.mentor, outcome="completed")
    client.force_login(getattr(world, persona))
    response = client.post(reverse("home:reflection", args=[world.partnership.pk]), {"text": "Hi"})
    assert response.status_code == 404


def test_ending_early_needs_a_reason_and_keeps_what_was_typed(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:close", args=[world.partnership.pk]),
        {"outcome": "ended", "reason": "", "reflection": "Good talks."},
    )
    assert response.status_code == 200
    assert "Say in a sentence what changed" in response.text
    assert "Good talks." in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE


def test_anonymous_is_sent_to_sign_in_for_closing_and_reflecting(client, world):
    for name in ("close", "reflection"):
        response = client.post(reverse(f"home:{name}", args=[world.partnership.pk]))
        assert response.status_code == 302
