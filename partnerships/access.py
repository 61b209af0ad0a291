"""One way in to each object: scoped to the person asking, 404 for everyone else,
so ids leak nothing (never fetch, then check). Inside a pair, an action that
belongs to the other role is refused with 403."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from mentoring import page_cache
from partnerships.models import Partnership
from programs.models import Participant

# The one read a page served from the cache needs: is the viewer a side of the
# pair, and at which page version. Plain SQL: on that path, building the ORM's
# query cost more than running it.
_PAGE_VERSION_SQL = f"""
    SELECT pair.page_version, pair.next_call_at
    FROM {Partnership._meta.db_table} pair
    JOIN {Participant._meta.db_table} mentor ON mentor.id = pair.mentor_id
    JOIN {Participant._meta.db_table} protege ON protege.id = pair.protege_id
    WHERE pair.id = %s AND (mentor.user_id = %s OR protege.user_id = %s)
"""
_LARGEST_ID = 2**63 - 1


def get_partnership_for(user, pk: int, *, write: bool = False) -> Partnership:
    """The partnership ``pk`` if ``user`` is its mentor or its protégé, with both
    people and the program loaded; 404 for everyone else, program admins
    included (they see health on the program pages, not the pair's pages).

    With ``write=True`` the partnership must also be current (proposed or
    active): an ended partnership stays readable but cannot change (403)."""
    partnership = get_object_or_404(Partnership.objects.of(user).with_people(), pk=pk)
    if write and not partnership.is_current:
        raise PermissionDenied("this partnership has ended; it can be read but not changed")
    return partnership


def require_role(partnership: Partnership, user, role: str) -> None:
    """Refuses (403) an action that belongs to the other side of the pair,
    e.g. a mentor rating a goal or a protégé logging a call."""
    if partnership.side_of(user) != role:
        refusal = PermissionDenied(
            gettext("Only the protégé of this partnership can do this.")
            if role == Participant.Role.PROTEGE
            else gettext("Only the mentor of this partnership can do this.")
        )
        refusal.role = role  # type: ignore[attr-defined]  # the 403 page says more (mentoring.views.WHO_MAY)
        raise refusal


def cached_pair_page(
    request: HttpRequest, pk: int, build: Callable[[], HttpResponse], *, params: tuple[str, ...] = ()
) -> HttpResponse:
    """A page of the pair ``pk`` (404 for anyone but its mentor and protégé,
    before anything else), from the page cache (``mentoring.page_cache``) when
    this viewer saw it at the pair's current ``page_version``, else what
    ``build`` makes (``build`` reads the partnership itself, through
    ``get_partnership_for`` and its checks). Kept no later than the set next
    call's start, when the page turns from "next call" to "log it".
    ``params``: the query parameters the page reads (``page_cache.cached_page``).
    One query on a page served from the cache."""
    if not page_cache.serves(request):
        return build()
    if pk > _LARGEST_ID:
        raise Http404("no such partnership")
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_VERSION_SQL, [pk, request.user.pk, request.user.pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404("no such partnership")
    version, next_call_at = row
    return page_cache.cached_page(
        request, scope=f"pair:{pk}:{version}", build=build, changes_at=next_call_at, params=params
    )
