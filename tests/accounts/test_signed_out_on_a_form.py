"""A session that ends while a form is open: sending the form signs the person
out and, once signed in again, lands them back on the page the form was on,
told why and that what they sent was not saved (mentoring.middleware)."""

import time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mentoring import middleware
from tests.factories import PASSWORD
from tests.pages import every_route
from tests.test_time_zone import site  # noqa: F401  the seeded site and its URL values

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def idle_for(client, seconds: float) -> None:
    session = client.session
    session[middleware.LAST_SEEN_AT] = time.time() - seconds
    session.save()


def next_of(response) -> str:
    assert response.status_code == 302, response
    location, _sep, query = response["Location"].partition("?")
    assert location == LOGIN
    from django.http import QueryDict

    return QueryDict(query).get("next", "")


def test_an_admin_nudge_sent_after_the_idle_timeout_comes_back_to_the_pair_page(client, world):
    pair_page = reverse("home:program_overview", args=[world.program.slug])
    client.force_login(world.admin)
    idle_for(client, 16 * 60)
    response = client.post(
        reverse("home:program_partnership_nudge", args=[world.program.slug, world.partnership.pk]),
        {"message": "How are your calls going?"},
        headers={"Referer": f"http://testserver{pair_page}?tab=notes"},
    )
    assert next_of(response) == f"{pair_page}?tab=notes"
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        "You were signed out after 15 minutes without activity, so what you sent was not saved; "
        "sign in to carry on."
    ]
    signed_in = client.post(
        f"{LOGIN}?next={next_of(response)}",
        {"login": world.admin.email, "password": PASSWORD, "next": next_of(response)},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == f"{pair_page}?tab=notes"


@pytest.mark.parametrize(
    "referer",
    ["https://elsewhere.example/steal", "http://testserver/no-such-page/", "http://testserver" + LOGIN, ""],
)
def test_a_foreign_or_unknown_referer_falls_back_to_the_page_the_form_belongs_to(client, world, referer):
    client.force_login(world.protege)
    idle_for(client, 31 * 60)
    headers = {"Referer": referer} if referer else {}
    response = client.post(
        reverse("sessions_log:agenda_add", args=[world.partnership.pk]), {"text": "Late"}, headers=headers
    )
    assert next_of(response) == reverse("home:partnership", args=[world.partnership.pk])


def test_an_htmx_form_after_the_timeout_reloads_sign_in_with_the_page_it_was_on(client, world):
    page = reverse("home:partnership", args=[world.partnership.pk])
    client.force_login(world.protege)
    idle_for(client, 31 * 60)
    response = client.post(
        reverse("sessions_log:agenda_add", args=[world.partnership.pk]),
        {"text": "Late"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next={page.replace('/', '%2F')}"


def test_every_form_sent_after_the_timeout_comes_back_to_a_page_that_opens(client, site):  # noqa: F811
    """Every address, posted to after the session ended by someone who may use
    it (the program's admin for a program's address, else a member of the
    pair): sign-in's ``next`` is a page that opens for them once signed in."""
    world, values, _call = site
    for route in every_route():
        if route.route.startswith(("admin/", "accounts/")) or route.name.startswith("djdt"):
            continue
        person = world.admin if "slug" in route.parameters else world.mentor
        client.force_login(person)
        idle_for(client, 31 * 60)
        path = route.path(values)
        response = client.post(path, {})
        if response.status_code != 302 or not response["Location"].startswith(LOGIN):
            continue  # open to anyone (invitation links, the calendar feed, health)
        target = next_of(response)
        assert target, route.route
        client.force_login(person)
        assert client.get(target).status_code == 200, (route.route, target)
