"""Whole pages kept for the person who saw them, until what they show changes.

A page a signed-in person opens again (back from the goals to the partnership
home, a reload) is sent from the cache instead of being read and rendered
again. A view states what its page shows as a *scope*, a string that changes
whenever any of it changes (a pair's page: its ``Partnership.page_version``,
which PostgreSQL triggers raise on every write to what the pair's pages
show; see ``partnerships.access.cached_pair_page``), and calls
``cached_page``.

The kept page is keyed on everything else it depends on: the viewer (id, the
name and email the header shows, staff or not), their time zone and
language, the day in their zone, the address with its query, the host and
scheme, the release (``release``: templates, code and static files as
deployed) and the viewer's CSRF secret (the page's forms carry a token made
from it, so a kept page's forms stay valid, and a new sign-in, which rotates
the secret, never sees the page of an earlier one). The key is a SHA-256 of
these, so the cache never holds the secret itself.

A page is kept for at most ``PAGE_CACHE_SECONDS`` (an hour by default), never
past the next quarter hour (every time zone's midnight falls on one, and a
page says "today", "overdue", "late" by the days of its viewer's or its
pair's zone) nor past a moment the view names (``changes_at``: a set next
call turns from "next" to "log it"). Only plain GETs of 200 pages by a
signed-in person with a CSRF cookie and no message waiting to be shown are
kept, and only when the query holds nothing but the parameters the view
reads (``params``): any other address would be one more copy to keep. htmx
fragments, forms with errors (POSTs) and everything else are built every
time.

The cache is off unless the database is PostgreSQL (the scopes' triggers are
PostgreSQL's) and ``PAGE_CACHE_SECONDS`` is positive.
"""

import datetime
import functools
import hashlib
from collections.abc import Callable, Collection
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation

KEY_PREFIX = "page:"
QUARTER_HOUR = 15 * 60  # seconds; every UTC offset is a whole number of them


def enabled() -> bool:
    """Whether pages are kept: PostgreSQL, and ``PAGE_CACHE_SECONDS`` > 0."""
    return settings.PAGE_CACHE_SECONDS > 0 and connection.vendor == "postgresql"


def cached_page(
    request: HttpRequest,
    *,
    scope: str,
    build: Callable[[], HttpResponse],
    changes_at: datetime.datetime | None = None,
    params: Collection[str] = (),
) -> HttpResponse:
    """The page ``build`` makes for ``request``, from the cache when the same
    viewer saw it under the same ``scope`` (see the module's docstring for
    what else the key holds, and for how long a page is kept).

    ``build`` runs only on a miss, so everything costly (reads, forms) belongs
    inside it. ``changes_at``: a moment (aware) after which the page would read
    differently without any write, e.g. a next call's start. ``params``: the
    query parameters the page reads; an address with any other is built
    every time and not kept."""
    key = _key(request, scope) if set(request.GET) <= set(params) else None
    if key is None:
        return build()
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    response = build()
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    seconds = _seconds_valid(changes_at)
    if (
        response.status_code == 200
        and not response.streaming
        and seconds > 0
        and not _messages_waiting(request)
    ):
        cache.set(key, (response.content, response["Content-Type"]), timeout=seconds)
    return response


def serves(request: HttpRequest) -> bool:
    """Whether ``request``'s page may be kept and served from the cache: a
    plain GET (not htmx) by a signed-in person with a CSRF cookie and no
    message waiting, with the cache on. A view may skip working out a scope
    when it does not."""
    user = getattr(request, "user", None)
    return bool(
        request.method == "GET"
        and user is not None
        and user.is_authenticated
        and request.META.get("CSRF_COOKIE")
        and not request.headers.get("HX-Request")
        and not _messages_waiting(request)
        and enabled()
    )


def _key(request: HttpRequest, scope: str) -> str | None:
    """The cache key of ``request``'s page under ``scope``, or None when the
    page must not be kept or served from the cache (``serves``)."""
    if not serves(request):
        return None
    user = request.user
    parts = (
        scope,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        user.pk,
        user.get_username(),
        str(user),
        user.is_staff,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        release(),
        timezone.localdate().isoformat(),
        request.META["CSRF_COOKIE"],
    )
    return KEY_PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def _messages_waiting(request: HttpRequest) -> bool:
    """Whether a message waits to be shown on the next page (``len`` reads
    the messages without marking them shown)."""
    return len(get_messages(request)) > 0


@functools.cache
def release() -> str:
    """What this process serves, as a short hash: the static files' manifest
    (their hashed names) and the size and time of every template and Python
    file of the project, so a deploy never serves a page of the one before.
    Worked out once per process."""
    digest = hashlib.sha256(getattr(staticfiles_storage, "manifest_hash", "").encode())
    base = Path(settings.BASE_DIR).resolve()
    ours = [Path(config.path).resolve() for config in apps.get_app_configs()]
    folders = [path for path in ours if path.is_relative_to(base) and ".venv" not in path.parts]
    files = [path for folder in folders for path in folder.rglob("*.py") if "migrations" not in path.parts]
    for path in sorted([*files, *(base / "templates").rglob("*.*")]):
        stat = path.stat()
        digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _seconds_valid(changes_at: datetime.datetime | None) -> int:
    """How long a page built now may be kept: ``PAGE_CACHE_SECONDS``, cut at
    the next quarter hour (any zone's midnight) and at ``changes_at`` if it is
    to come."""
    now = timezone.now()
    quarter = now.timestamp() // QUARTER_HOUR * QUARTER_HOUR + QUARTER_HOUR
    next_quarter = datetime.datetime.fromtimestamp(quarter, datetime.UTC)
    until = min(next_quarter, now + datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS))
    if changes_at is not None and now < changes_at < until:
        until = changes_at
    return int((until - now).total_seconds())
