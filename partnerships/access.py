"""One way in to each object: scoped to the person asking, 404 for everyone else,
so ids leak nothing (never fetch, then check). Inside a pair, an action that
belongs to the other role is refused with 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership
from programs.models import Participant


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
        who = "the protégé" if role == Participant.Role.PROTEGE else "the mentor"
        raise PermissionDenied(f"only {who} of this partnership can do this")
