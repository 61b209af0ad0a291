"""The site administration signs in through allauth's flow, with its rate limits
and MFA (issue 13, kind 3); staff and program admins can be required to set up
MFA (``REQUIRE_MFA_FOR_ADMINS``)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.test_production_settings import SECRET, run_manage

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True, display_name="Stella Staff")


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_the_admin_sign_in_page_sends_to_the_site_sign_in_with_next():
    from django.test import Client

    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"


def test_the_admin_password_form_signs_nobody_in_even_with_totp_active(client, staff):
    with_totp(staff)
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert signed_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302


def test_staff_with_totp_needs_the_code_before_the_admin_opens(client, staff):
    secret = with_totp(staff)
    response = client.post(
        f"{LOGIN}?next=/admin/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_passwords_for_the_admin_are_rate_limited(client, staff):
    for _ in range(5):
        client.post(LOGIN, {"login": staff.email, "password": "wrong", "next": "/admin/"})
    response = client.post(LOGIN, {"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200 and "Too many failed login attempts" in response.text
    assert signed_in_user_id(client) is None


def test_a_signed_in_person_who_is_not_staff_gets_403_on_the_admin_sign_in(client, world):
    client.force_login(world.mentor)
    assert client.get("/admin/login/").status_code == 403


# --- MFA required for staff and program admins --------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_MFA_FOR_ADMINS = True


def sign_in(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("who", ["staff", "program admin"])
def test_staff_and_program_admins_without_mfa_are_sent_to_set_it_up_first(client, world, staff, who):
    user = staff if who == "staff" else world.admin
    sign_in(client, user)
    for path in ["/", reverse("home:profile"), reverse("home:program_list"), "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path
    # The account pages stay open: confirm the password, set up MFA, sign out.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200 and response.request["PATH_INFO"] == reverse("account_reauthenticate")
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_activate_totp")
    assert "authenticator" in response.text.lower()
    assert client.get(reverse("account_logout")).status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_once_totp_is_set_up_the_program_admin_goes_on(client, world):
    sign_in(client, world.admin)
    assert client.get("/").status_code == 302
    with_totp(world.admin)
    assert client.get("/").status_code == 200
    assert client.get(reverse("home:program_list")).status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_the_htmx_request_of_an_admin_without_mfa_redirects_the_whole_page(client, world):
    sign_in(client, world.admin)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("mfa_activate_totp")


@pytest.mark.usefixtures("mfa_required")
def test_mentors_and_proteges_are_not_asked_for_mfa(client, world):
    for user in [world.mentor, world.protege]:
        sign_in(client, user)
        assert client.get("/").status_code == 200
        client.logout()


def test_without_the_setting_nobody_is_sent_to_set_up_mfa(client, world, staff):
    for user in [staff, world.admin]:
        sign_in(client, user)
        assert client.get("/").status_code == 200
        client.logout()


def test_the_setting_is_on_by_default_in_production():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.REQUIRE_MFA_FOR_ADMINS)",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="mentoring.example.org",
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


@pytest.mark.usefixtures("mfa_required")
def test_a_program_admin_who_signs_in_only_through_the_organisation_is_not_asked_for_an_app(client, world):
    # No usable password: the account signs in through its identity provider, whose second step it is.
    world.admin.set_unusable_password()
    world.admin.save(update_fields=["password"])
    client.force_login(world.admin)
    assert client.get("/").status_code == 200
    assert client.get(reverse("home:program_list")).status_code == 200
