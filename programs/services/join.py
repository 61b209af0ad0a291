"""Writes for joining a program by the domain of one's verified address: the
domains and role a program's admins set, and joining.

A program lists up to ``DOMAINS_MAX`` domains (lower-cased, no "@"); anyone
signed in with a verified address (allauth's ``EmailAddress``) at one of them
may join it, as the program's ``join_role`` (or, for "either", the role they
choose), without a personal invitation. Public mail providers are refused as
domains: everyone has an address there, so the program would be open to all."""

import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User

from ..models import Participant, Program
from ..models.programs import JoinRole, ProgramDomain
from ..selectors.join import program_to_join
from .invitations import participant_activate, role_phrase

logger = logging.getLogger(__name__)

DOMAINS_MAX = 10
# A DNS name: labels of letters, digits and inner hyphens, with a dot between
# them and a top-level label of letters (or an internationalised "xn--" one).
_DOMAIN = re.compile(r"(?=.{4,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})")
# Addresses anyone can have: a program open to them would be open to everyone.
PUBLIC_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
        "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
        "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.com", "yandex.ru",
        "qq.com", "163.com", "zoho.com", "fastmail.com", "tutanota.com", "hey.com", "mail.ru",
    }
)  # fmt: skip


def clean_domain(text: str) -> str:
    """``text`` as a stored domain (trimmed, lower-case, no trailing dot);
    ValidationError in words an admin can act on when it is not one."""
    domain = text.strip().lower().rstrip(".")
    if "@" in domain:
        raise ValidationError(
            gettext("Enter the domain only, the part after “@”: %(domain)s")
            % {"domain": domain.rsplit("@", 1)[-1] or "example.org"},
            code="at",
        )
    if not _DOMAIN.fullmatch(domain):
        raise ValidationError(
            gettext("“%(domain)s” is not a domain name, e.g. example.org.") % {"domain": text.strip()[:60]},
            code="domain",
        )
    if domain in PUBLIC_MAIL:
        raise ValidationError(
            gettext(
                "%(domain)s is a public mail provider: anyone could join. Enter your organisation's domain."
            )
            % {"domain": domain},
            code="public",
        )
    return domain


@transaction.atomic
def program_join_set(*, program: Program, domains: list[str], role: str, by: User) -> Program:
    """Replaces ``program``'s join-by-domain domains with ``domains`` (each
    cleaned by ``clean_domain``; repeats kept once; none closes joining by
    domain) and sets the role people join as. All or nothing: a bad domain,
    more than ``DOMAINS_MAX`` or an unknown role raises ValidationError on
    ``domains`` or ``role`` and changes nothing. Program admins only: the
    caller checks. The program's row is locked, so two admins save one after
    the other."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    errors: dict[str, list[ValidationError]] = {}
    cleaned: list[str] = []
    for text in domains:
        try:
            domain = clean_domain(text)
        except ValidationError as error:
            errors.setdefault("domains", []).append(error)
            continue
        if domain not in cleaned:
            cleaned.append(domain)
    if len(cleaned) > DOMAINS_MAX:
        errors.setdefault("domains", []).append(
            ValidationError(
                gettext("A program has at most %(max)d domains; this is %(count)d.")
                % {"max": DOMAINS_MAX, "count": len(cleaned)},
                code="too_many_domains",
            )
        )
    if role not in JoinRole.values:
        errors["role"] = [ValidationError(gettext("Choose mentor, protégé or either."), code="role")]
    if errors:
        raise ValidationError(errors)
    if locked.join_role != role:
        locked.join_role = role
        locked.save(update_fields=["join_role", "updated_at"])
    ProgramDomain.objects.filter(program=locked).exclude(domain__in=cleaned).delete()
    ProgramDomain.objects.bulk_create(
        [ProgramDomain(program=locked, domain=domain) for domain in cleaned], ignore_conflicts=True
    )
    logger.info("Program %s join domains set by user %s", locked.pk, by.pk)
    return locked


@transaction.atomic
def program_join(*, slug: str, user: User, role: str | None = None) -> Participant:
    """``user`` joins the program ``slug`` by the domain of one of their
    verified addresses, as its ``join_role``, or as ``role`` (mentor or
    protégé) when the program lets them choose: a new participant, or one
    invited but not active yet made active, returned.

    Idempotent: someone already active in it gets their participation back,
    unchanged. Raises ``Program.DoesNotExist`` when they may not join it (no
    verified address at its domains, withdrawn from it by an admin, the
    program ended or unknown): the caller answers 404, so nobody learns of a
    program they cannot join. ValidationError on ``role`` when they must
    choose and did not."""
    joined = (
        Participant.objects.select_related("program")
        .filter(program__slug=slug, user=user, status=Participant.Status.ACTIVE)
        .first()
    )
    if joined is not None:
        return joined
    program = program_to_join(user, slug, lock=True)
    participant = Participant.objects.select_for_update().filter(program=program, user=user).first()
    if program.join_role != JoinRole.EITHER:
        role = program.join_role
    if role not in (Participant.Role.MENTOR, Participant.Role.PROTEGE):
        raise ValidationError(
            {"role": gettext("Choose whether you join as a mentor or as a protégé.")}, code="role"
        )
    participant = participant_activate(program=program, user=user, role=role, participant=participant)
    if participant is None:  # a second click joined at this very moment: theirs is ours
        return Participant.objects.select_related("program").get(program=program, user=user)
    logger.info("User %s joined program %s by domain as %s", user.pk, program.pk, role)
    return participant


def joined_phrase(participant: Participant) -> str:
    """What the home page says once someone joined."""
    return gettext("Welcome to %(program)s. You joined as %(role)s.") % {
        "program": participant.program.name,
        "role": role_phrase(participant.role),
    }
