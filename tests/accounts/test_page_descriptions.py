"""Every page says what it is to search engines and link previews: a meta
description (base.html's, unless the page has its own)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]{20,200})">')


@pytest.mark.parametrize(
    "name, who",
    [
        ("account_login", None),
        ("account_reset_password", None),
        ("account_signup", None),
        ("home:home", "protege"),
        ("home:profile", "mentor"),
        ("home:program_list", "admin"),
        ("reminders:notifications", "mentor"),
    ],
)
def test_pages_carry_a_meta_description(client, world, name, who):
    if who:
        client.force_login(getattr(world, who))
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert DESCRIPTION.search(response.text), response.text[:600]


def test_the_refusal_and_not_found_pages_carry_one_too(client, world):
    client.force_login(world.mentor)
    assert DESCRIPTION.search(client.get(reverse("goals:rating_new", args=[world.partnership.pk])).text)
    assert DESCRIPTION.search(client.get("/no/such/page/").text)
