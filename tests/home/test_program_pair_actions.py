"""The overview's actions on a pair: closing chooses nothing beforehand, offers
"complete" only from four weeks before the planned end and asks for a tick to
confirm; an action on a pair that has ended says so; the forms speak the
product's words, not Django's defaults."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def close_url(world, pair=None):
    pair = pair or world.partnership
    return reverse("home:program_partnership_close", args=[world.program.slug, pair.pk])


def close_form(page: str, pair_id: int) -> str:
    start = page.index(f'id="close-{pair_id}"')
    return page[start : page.index("</form>", start)]


def set_end(pair, days_from_today: int) -> None:
    pair.planned_end_on = timezone.localdate() + datetime.timedelta(days=days_from_today)
    pair.save(update_fields=["planned_end_on"])


def test_a_stalled_pair_midway_is_offered_only_ending_early_and_nothing_completes_it(client, world):
    set_end(world.partnership, 14 * 7)  # week 12 of 26
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    form = close_form(page, world.partnership.pk)
    assert 'value="completed"' not in form
    assert "until then it can only end early" in form
    assert "Yes, close this partnership" in form
    # The breaker's one click: "complete", no reason, no confirmation.
    response = client.post(close_url(world), {"outcome": "completed", "reason": ""})
    assert response.status_code == 200
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE
    # Even confirmed, completing midway is refused, in words.
    response = client.post(close_url(world), {"outcome": "completed", "confirm": "on"})
    assert response.status_code == 200
    assert "Choose one of the options shown." in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE


def test_near_its_end_a_pair_can_be_completed_with_nothing_chosen_beforehand(client, world):
    set_end(world.partnership, 27)
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    form = close_form(page, world.partnership.pk)
    assert 'value="completed"' in form and 'value="ended"' in form
    assert not re.search(r'<input[^>]*name="outcome"[^>]*checked', form)
    response = client.post(close_url(world), {"outcome": "completed"})
    assert response.status_code == 200
    assert "Tick “Yes, close this partnership” to close it." in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE
    response = client.post(close_url(world), {"outcome": "completed", "confirm": "on"})
    assert response.status_code == 303
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.COMPLETED


def test_a_proposed_pair_only_ends_before_it_started(client, world):
    proposed = PartnershipFactory(program=world.program, status=Partnership.Status.PROPOSED)
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    form = close_form(page, proposed.pk)
    assert "It ends before it started" in form and 'value="completed"' not in form


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("close", {"outcome": "ended", "reason": "A new job.", "confirm": "on"}),
        ("nudge", {"message": "How are your calls going?"}),
        ("rematch", {"reason": "Time zones."}),
    ],
)
def test_acting_on_a_pair_that_has_ended_says_so(client, world, action, data):
    world.partnership.status = Partnership.Status.COMPLETED
    world.partnership.save(update_fields=["status"])
    client.force_login(world.admin)
    url = reverse(f"home:program_partnership_{action}", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, data, follow=True)
    assert "This partnership has already ended." in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.COMPLETED


@pytest.mark.parametrize(
    ("action", "data", "words"),
    [
        ("nudge", {"message": "x" * 5000}, "Keep it to 2000 characters or fewer; this is 5000."),
        ("rematch", {"reason": "x" * 5000}, "Keep it to 500 characters or fewer; this is 5000."),
        (
            "close",
            {"outcome": "ended", "reason": "x" * 5000, "confirm": "on"},
            "Keep it to 500 characters or fewer; this is 5000.",
        ),
        ("close", {"outcome": "X" * 5000, "confirm": "on"}, "Choose one of the options shown."),
    ],
)
def test_the_pair_forms_speak_the_products_words(client, world, action, data, words):
    client.force_login(world.admin)
    url = reverse(f"home:program_partnership_{action}", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert words in response.text
    assert "Ensure this value" not in response.text and "Select a valid choice" not in response.text
    assert "X" * 100 not in response.text


def test_the_error_summary_adds_no_colon_after_a_question(client, world):
    client.force_login(world.mentor)
    response = client.post(
        reverse("home:close", args=[world.partnership.pk]),
        {"outcome": "ended", "reason": "", "reflection": "Good talks."},
    )
    assert "If it ends early: what changed? Say in a sentence" in response.text
    assert "?:" not in response.text
