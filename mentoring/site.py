"""The site's address as people reach it (``SITE_URL``), in one place: every
absolute link in an email or a calendar feed, and every name made of the
site's host (Message-IDs, calendar UIDs, the domain allauth's emails name),
is made here. Read at each call, so a test or a live server can change it."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """The absolute address of ``path`` on the site (a path as ``reverse()``
    gives it, e.g. ``/invitations/…/``), for links that leave the site's pages."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def site_domain() -> str:
    """The site's host and port as people type it (``mentoring.example.org``,
    ``127.0.0.1:8000``), as allauth's emails name the site."""
    return urlsplit(settings.SITE_URL).netloc


def site_host() -> str:
    """The site's host name alone, for names that must be unique to the site
    (a Message-ID's right-hand side, a calendar event's UID)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
