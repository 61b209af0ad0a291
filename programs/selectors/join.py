"""Reads for joining a program by the domain of one's verified address: the
programs a person may join that way, for their home and for the join page."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower, StrIndex, Substr
from django.utils import timezone

from ..models import Participant, Program
from ..models.programs import ProgramDomain


def verified_domains(user) -> QuerySet:
    """The domains (lower-case) of ``user``'s verified addresses, as a subquery."""
    return (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(domain=Lower(Substr("email", StrIndex("email", Value("@")) + 1)))
        .values("domain")
    )


def _joinable_by(user) -> QuerySet[Program]:
    """Programs with a domain of one of ``user``'s verified addresses, not
    ended, that they do not run, are not in (active) and were not withdrawn from."""
    today = timezone.localdate()
    taken = Participant.objects.filter(program=OuterRef("pk"), user=user).exclude(
        status=Participant.Status.INVITED
    )
    return (
        Program.objects.filter(
            Exists(ProgramDomain.objects.filter(program=OuterRef("pk"), domain__in=verified_domains(user)))
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exclude(Exists(taken))
        .exclude(admins=user)
    )


def programs_to_join(user) -> list[Program]:
    """The programs ``user`` may join by their address's domain, by name, for
    the home page's Join cards. None for someone signed out. One query."""
    if not user.is_authenticated:
        return []
    return list(_joinable_by(user).order_by("name", "pk"))


def program_to_join(user, slug: str, *, lock: bool = False) -> Program:
    """The program ``slug`` if ``user`` may join it by their address's domain;
    raises ``Program.DoesNotExist`` otherwise (the caller's 404). ``lock``
    holds its row for the joining transaction. One query."""
    found = _joinable_by(user).filter(slug=slug)
    if lock:
        found = found.select_for_update()
    return found.get()


def is_member(user, slug: str) -> bool:
    """Whether ``user`` takes part in the program ``slug`` now. One query."""
    return Participant.objects.filter(
        program__slug=slug, user=user, status=Participant.Status.ACTIVE
    ).exists()
