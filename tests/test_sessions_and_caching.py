"""Sessions and caching (issue 13, kind 6; OWASP ASVS 4.0 V3.3, V8.2): an idle
timeout and an absolute lifetime, shorter for staff and program admins; pages
for a signed-in person are never stored; a password reset for an unknown
address invites nobody to sign up."""

import time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mentoring import middleware
from sessions_log.models import AgendaItem
from tests.pages import every_route
from tests.partnerships.agreement_helpers import agree
from tests.test_time_zone import site  # noqa: F401  the seeded site and its URL values

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def age(client, *, signed_in: float = 0, idle: float = 0) -> None:
    """Moves the session's clock back: signed in ``signed_in`` seconds ago,
    last seen ``idle`` seconds ago."""
    session = client.session
    now = time.time()
    session[middleware.SIGNED_IN_AT] = now - max(signed_in, idle)
    session[middleware.LAST_SEEN_AT] = now - idle
    session.save()


def assert_signed_out(client, response, path="/"):
    assert response.status_code == 302, response
    assert response["Location"] == f"{LOGIN}?next={path.replace('/', '%2F')}"
    assert "_auth_user_id" not in client.session
    follow = client.get(path)
    assert follow.status_code == 302 and follow["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("who", "idle_minutes"),
    [("mentor", 30), ("protege", 30), ("admin", 15)],
)
def test_a_session_ends_after_its_idle_timeout(client, world, who, idle_minutes):
    client.force_login(getattr(world, who))
    age(client, idle=idle_minutes * 60 - 90)
    assert client.get("/").status_code == 200
    age(client, idle=idle_minutes * 60 + 1)
    response = client.get("/")
    assert_signed_out(client, response)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        f"You were signed out after {idle_minutes} minutes without activity; sign in to carry on."
    ]


@pytest.mark.parametrize(("who", "hours"), [("mentor", 12), ("admin", 8)])
def test_a_busy_session_still_ends_at_its_absolute_lifetime(client, world, who, hours):
    client.force_login(getattr(world, who))
    age(client, signed_in=hours * 3600 - 60)
    assert client.get("/").status_code == 200
    age(client, signed_in=hours * 3600 + 1)
    assert_signed_out(client, client.get("/"))


def test_staff_get_the_shorter_session(client, world):
    world.outsider.is_staff = True
    world.outsider.save()
    client.force_login(world.outsider)
    assert client.session[middleware.IDLE_TIMEOUT] == 15 * 60
    assert client.session[middleware.ABSOLUTE_LIFETIME] == 8 * 3600


def test_activity_keeps_the_session_alive(client, world):
    client.force_login(world.mentor)
    age(client, idle=25 * 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[middleware.LAST_SEEN_AT] < 5
    age(client, idle=25 * 60, signed_in=50 * 60)
    assert client.get("/").status_code == 200


def test_a_session_without_its_sign_in_stamps_ends(client, world):
    client.force_login(world.mentor)
    session = client.session
    del session[middleware.SIGNED_IN_AT]
    session.save()
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_after_the_timeout_reloads_the_sign_in_page(client, world):
    client.force_login(world.mentor)
    age(client, idle=31 * 60)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == LOGIN


def test_a_post_after_the_timeout_saves_nothing_and_signs_in_again(client, world):
    agree(world.partnership)
    client.force_login(world.protege)
    age(client, idle=31 * 60)
    response = client.post(
        reverse("sessions_log:agenda_add", args=[world.partnership.pk]), {"text": "Late question"}
    )
    home = reverse("home:partnership", args=[world.partnership.pk])
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next={home.replace('/', '%2F')}"
    assert not AgendaItem.objects.filter(text="Late question").exists()


def test_the_timeouts_read_the_settings(client, world, settings):
    settings.SESSION_IDLE_TIMEOUT = 120
    client.force_login(world.mentor)
    age(client, idle=121)
    assert client.get("/").status_code == 302


# --- Pages for a signed-in person are never stored -----------------------------------


def test_every_page_for_a_signed_in_person_says_no_store(client, site):  # noqa: F811
    world, values, _ = site
    client.force_login(world.mentor)
    for route in every_route():
        response = client.get(route.path(values))
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, (route.route, cache_control)


def test_the_sign_in_response_and_the_sign_out_response_are_not_stored(client, world):
    from tests.factories import PASSWORD

    response = client.post(LOGIN, {"login": world.mentor.email, "password": PASSWORD})
    assert "no-store" in response["Cache-Control"]
    response = client.post(reverse("account_logout"))
    assert "no-store" in response["Cache-Control"]


# --- Password reset for an unknown address ----------------------------------------


def test_a_password_reset_for_an_unknown_address_invites_nobody_to_sign_up(client, world, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nobody@example.org"]
    text = mail.body.lower()
    assert "/accounts/signup" not in text and "sign up" not in text
    assert "invitation" in text and "nobody@example.org" in text


def test_a_password_reset_for_a_known_address_still_sends_the_link(client, world, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": world.mentor.email})
    assert len(mailoutbox) == 1 and "/accounts/password/reset/key/" in mailoutbox[0].body
