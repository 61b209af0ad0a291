"""The site's address is read in one place (mentoring/site.py): every absolute
link and every name made of the site's host follows SITE_URL."""

from pathlib import Path

import pytest
from django.conf import settings

from mentoring.site import absolute_url, site_domain, site_host


@pytest.mark.parametrize("site_url", ["https://mentoring.example.org", "https://mentoring.example.org/"])
def test_an_absolute_url_joins_the_site_and_the_path_with_one_slash(settings, site_url):
    settings.SITE_URL = site_url
    assert absolute_url("/invitations/abc/") == "https://mentoring.example.org/invitations/abc/"
    assert absolute_url("/") == "https://mentoring.example.org/"


def test_the_site_follows_a_changed_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8781"
    assert absolute_url("/calendar/t.ics") == "http://127.0.0.1:8781/calendar/t.ics"
    assert site_domain() == "127.0.0.1:8781"
    assert site_host() == "127.0.0.1"


def test_the_host_alone_names_message_ids_and_calendar_uids(settings):
    settings.SITE_URL = "https://mentoring.example.org:8443/"
    assert site_domain() == "mentoring.example.org:8443"
    assert site_host() == "mentoring.example.org"


def test_no_module_but_the_site_reads_site_url():
    """One place makes links of the site's address: a link built by hand
    elsewhere (``settings.SITE_URL.rstrip("/") + …``) drifts from it."""
    root = Path(settings.BASE_DIR)
    readers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "tests", "migrations"} & set(path.relative_to(root).parts)
        and "SITE_URL" in path.read_text(encoding="utf-8")
    )
    assert readers == ["mentoring/settings.py", "mentoring/site.py"]
