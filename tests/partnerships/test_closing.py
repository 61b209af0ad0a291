"""Completing or ending a partnership: either side or the admin; a reason when
it ends early; a closing reflection each; the mentor's place is freed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.models import ClosingReflection, Partnership
from partnerships.services import partnership_close, reflection_add
from programs.models import Participant
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import PartnershipFactory

from .agreement_helpers import ENDS, FIRST_REVIEW, agree

pytestmark = pytest.mark.django_db

BLAME_WORDS = ["fault", "blame", "failed", "failure", "guilty"]


def load_of(participant: Participant) -> int:
    participant.refresh_from_db()
    return participant.load


def test_the_mentor_completes_the_partnership_with_a_reflection_and_frees_their_place(client, world):
    mentor = world.partnership.mentor
    assert load_of(mentor) == 1
    client.force_login(world.mentor)
    page = client.get(reverse("partnerships:close", args=[world.partnership.pk])).text
    assert "It’s normal for partnerships to end; what you did mattered." in page
    assert not any(word in page.lower() for word in BLAME_WORDS)
    response = client.post(
        reverse("partnerships:close", args=[world.partnership.pk]),
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
    home = client.get(reverse("home")).text
    assert "Add your closing reflection" in home
    page = client.get(reverse("partnerships:partnership_home", args=[world.partnership.pk])).text
    assert "Proud." in page and "Save your reflection" in page
    response = client.post(
        reverse("partnerships:reflection", args=[world.partnership.pk]), {"text": "I grew."}
    )
    assert response.status_code == 303
    assert ClosingReflection.objects.count() == 2
    page = client.get(reverse("partnerships:partnership_home", args=[world.partnership.pk])).text
    assert "I grew." in page and "Save your reflection" not in page
    with pytest.raises(ValidationError, match="already written"):
        reflection_add(partnership=world.partnership, by=world.protege, text="Again.")


def test_an_empty_reflection_keeps_the_form_and_says_what_to_write(client, world):
    partnership_close(
        partnership=world.partnership, by=world.mentor, outcome="completed", reflection="Proud."
    )
    client.force_login(world.protege)
    response = client.post(reverse("partnerships:reflection", args=[world.partnership.pk]), {"text": "  "})
    assert response.status_code == 200
    assert "Write a sentence or two" in response.text


@pytest.mark.parametrize("persona", ["admin", "other_admin", "outsider"])
def test_no_one_outside_the_pair_can_reflect(client, world, persona):
    partnership_close(partnership=world.partnership, by=world.mentor, outcome="completed")
    client.force_login(getattr(world, persona))
    response = client.post(reverse("partnerships:reflection", args=[world.partnership.pk]), {"text": "Hi"})
    assert response.status_code == 404


def test_ending_early_needs_a_reason_and_keeps_what_was_typed(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("partnerships:close", args=[world.partnership.pk]),
        {"outcome": "ended", "reason": "", "reflection": "Good talks."},
    )
    assert response.status_code == 200
    assert "Say in a sentence what changed" in response.text
    assert "Good talks." in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE


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


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_close_from_the_program_page(client, world, persona, status):
    client.force_login(getattr(world, persona))
    response = client.post(
        reverse("partnerships:program_partnership_close", args=[world.program.slug, world.partnership.pk]),
        {"outcome": "completed"},
    )
    assert response.status_code == (303 if status == 200 else status)
    world.partnership.refresh_from_db()
    assert (world.partnership.status == "completed") == (persona == "admin")


def test_the_admin_ends_a_pair_early_with_a_reason_and_the_mentors_place_is_free(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:program_partnership_close", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"outcome": "ended", "reason": ""})
    assert response.status_code == 200  # the overview again, the form open beside the error
    assert "Say in a sentence what changed" in response.text
    client.post(url, {"outcome": "ended", "reason": "Time zones did not work out."})
    world.partnership.refresh_from_db()
    assert world.partnership.status == "ended" and world.partnership.ended_by == world.admin
    assert load_of(world.partnership.mentor) == 0
    assert not ClosingReflection.objects.exists()


def test_anonymous_is_sent_to_sign_in_for_closing_and_reflecting(client, world):
    for name in ("close", "reflection"):
        response = client.post(reverse(f"partnerships:{name}", args=[world.partnership.pk]))
        assert response.status_code == 302


def test_the_overview_shows_the_admin_the_terms_and_never_the_success_text(
    client, world, django_assert_num_queries
):
    agree(world.partnership, cadence="monthly")
    client.force_login(world.admin)
    page = client.get(reverse("partnerships:program_overview", args=[world.program.slug])).text
    assert "Monthly, 30 min, video" in page
    assert f"{FIRST_REVIEW:%-d %b %Y}" in page and f"{ENDS:%-d %b %Y}" in page
    assert "negotiate scope" not in page  # what success means to the protégé
    assert "Be honest" not in page  # the pair's ground rules
    # 12 (health: head counts, invitations, totals with the stale numbers check, session
    # value, a count and a page of pairs), and one for the reminders that failed.
    with django_assert_num_queries(13) as first:
        client.get(reverse("partnerships:program_overview", args=[world.program.slug]))
    # Not even loaded: the agreements' query leaves out what only the pair sees.
    agreement_sql = [q["sql"] for q in first.captured_queries if "partnerships_agreement" in q["sql"]]
    assert agreement_sql and not any('"success"' in sql or '"ground_rules"' in sql for sql in agreement_sql)
    mentor = world.partnership.mentor
    mentor.capacity = 10
    mentor.save()
    for _ in range(5):
        agree(PartnershipFactory(program=world.program, mentor=mentor))
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(reverse("partnerships:program_overview", args=[world.program.slug])).text
    assert page.count("Monthly, 30 min") == 1 and page.count("Every two weeks, 30 min") == 5
