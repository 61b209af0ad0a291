"""An address that only takes a form answers a GET with a page, not a blank
405 ("This page isn't working" in Chrome): signing in after a form's POST
demanded it landed there, and so does Enter in the address bar after a
rejected form. The page keeps the 405 and its ``Allow``, and links to the page
the form belongs to."""

import pytest
from django.urls import reverse

from partnerships.calendar import calendar_feed_reset
from tests.factories import PASSWORD
from tests.pages import every_route

pytestmark = pytest.mark.django_db

HEADING = "Nothing to show here"


def test_the_next_call_address_opened_by_a_member_explains_itself(client, world):
    client.force_login(world.mentor)
    home = reverse("home:partnership", args=[world.partnership.pk])

    response = client.get(reverse("home:next_call", args=[world.partnership.pk]))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert f"<h1>{HEADING}</h1>" in response.text
    assert f'href="{home}"' in response.text
    assert "Nothing was changed." in response.text


def test_an_address_without_a_partnership_links_to_the_home_page(client, world):
    client.force_login(world.mentor)

    response = client.get(reverse("home:calendar_link"))

    assert response.status_code == 405
    assert HEADING in response.text
    assert f'href="{reverse("home:home")}">Go to your home page' in response.text


def test_a_head_request_gets_the_405_with_its_allow(client, world):
    client.force_login(world.mentor)

    response = client.head(reverse("home:next_call", args=[world.partnership.pk]))

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_signing_in_after_a_form_demanded_it_lands_on_the_form_page_not_the_form_address(client, world):
    next_call = reverse("home:next_call", args=[world.partnership.pk])
    home = reverse("home:partnership", args=[world.partnership.pk])

    response = client.post(next_call, {"at": "2026-12-01T10:00"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={home}"
    response = client.post(
        response["Location"], {"login": world.mentor.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


def _values(world) -> dict[str, object]:
    partnership = world.partnership
    return {
        "slug": world.program.slug,
        "partnership_id": partnership.pk,
        "participant_id": partnership.protege_id,
        "token": calendar_feed_reset(user=world.mentor).token,
    }


def test_no_address_that_refuses_a_get_answers_a_blank_page(client, world):
    """Every route of the resolver, opened with a GET by the people who use it
    (the program's admin for a program's addresses, the mentor for the rest):
    each one that refuses the GET says so on a page with a way back."""
    values = _values(world)
    refusing = {}
    for route in every_route():
        if route.route.startswith("admin/"):
            continue  # the site administration is Django's, with its own pages
        person = world.admin if "slug" in route.parameters else world.mentor
        client.force_login(person)
        client.raise_request_exception = False
        response = client.get(route.path(values))
        if response.status_code == 405:
            refusing[route.name] = response
    assert len(refusing) >= 25, sorted(
        refusing
    )  # the form actions of the pair's and the program's pages (28 now)
    blank = {
        name: response.content[:80]
        for name, response in refusing.items()
        if f"<h1>{HEADING}</h1>" not in response.text
        or "Allow" not in response
        or 'href="/' not in response.text
    }
    assert blank == {}
