import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_up_is_closed_without_an_invitation(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Joining is by invitation" in response.text
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a long enough secret",
            "password2": "a long enough secret",
        },
    )
    from accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_sign_in_with_email_and_password(client, world):
    response = client.post(reverse("account_login"), {"login": world.mentor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")


def test_a_wrong_password_is_refused_with_the_email_kept(client, world):
    response = client.post(reverse("account_login"), {"login": world.mentor.email, "password": "wrong"})
    assert response.status_code == 200
    assert "That email and password don&#x27;t match an account. Check them, or reset your password." in (
        response.text
    )
    assert "and/or" not in response.text
    assert f'value="{world.mentor.email}"' in response.text


def test_signing_in_adds_no_welcome_message_above_the_welcome_heading(client, world):
    from django.contrib.messages import get_messages

    response = client.post(
        reverse("account_login"), {"login": world.mentor.email, "password": PASSWORD}, follow=True
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    assert response.text.count("Welcome, ") == 1  # the heading only


def test_the_sixth_quick_failure_is_rate_limited_even_with_the_right_password(client, world):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": world.mentor.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": world.mentor.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text


def test_password_reset_sends_an_email(client, world, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": world.mentor.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [world.mentor.email]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
