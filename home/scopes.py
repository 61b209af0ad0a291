"""What a person's home shows, as a scope for the page cache
(``mentoring.page_cache``): a string that changes whenever the page would."""

import datetime

from django.utils import timezone

from partnerships.models import Partnership
from programs.selectors.invitations import sent_to_addresses_of


def home_scope(user, *, now: datetime.datetime | None = None) -> tuple[str, datetime.datetime | None] | None:
    """``(scope, changes_at)`` for ``user``'s home, or None when it is not
    kept (for people who run programs, whose home counts their programs'
    people). The scope holds each of their partnerships' ``page_version``
    (everything of the pair's, both people included) and the invitations
    waiting for them as shown; ``changes_at`` is when the first of those
    invitations expires. Three queries."""
    if user.runs_programs:
        return None
    now = now or timezone.now()
    pairs = list(Partnership.objects.of(user).order_by("pk").values_list("pk", "page_version"))
    invitations = list(
        sent_to_addresses_of(user)
        .open()
        .filter(expires_at__gt=now)
        .order_by("pk")
        .values_list("pk", "role", "expires_at", "program__name", "invited_by__display_name")
    )
    changes_at = min((invitation[2] for invitation in invitations), default=None)
    return f"home:{pairs!r}:{invitations!r}", changes_at
