import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.text == "ok"


@pytest.mark.django_db
def test_unknown_pages_get_the_site_404_page(client, world):
    client.force_login(world.mentor)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Go to your home page" in response.text


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_htmx_requests_carry_the_csrf_token_from_the_body(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.mentor)
    response = client.get(reverse("home:home"))
    assert 'hx-headers=\'{"X-CSRFToken": "' in response.text
