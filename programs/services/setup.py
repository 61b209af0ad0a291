"""Writes for setting a program up in the product (DESIGN.md, "Programs run by
their admins"): creating one, changing its settings and topics, its co-admins,
and cloning it for a new cohort.

Each service validates and saves inside one transaction and refuses with a
ValidationError keyed by the form field it is about, so the page shows it
beside that field; nothing is half-saved. The database constraints on
``Program`` (dates, ranges, time boxes that fill the call) are the last word.

Who may call: ``program_create`` needs the ``programs.add_program``
permission (a site admin grants it) and checks it; the others are for the
program's admins, whom the views find through ``access.get_program_for_admin``;
``program_clone`` needs the permission as well, since it makes a program."""

import datetime
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from mentoring import mail
from mentoring.site import absolute_url

from ..models import Choice, Invitation, InvitationRole, Program, Question, Topic
from ..selectors.setup import topics_with_people
from .invitations import invitation_create, normalise_email
from .requests import requests_close_for_program

logger = logging.getLogger(__name__)

#: The permission that lets a person create programs (Django's own, granted by a site admin).
CREATE_PERMISSION = "programs.add_program"
#: An address a program may not take: ``/programs/new/`` is the page that creates one.
RESERVED_SLUGS = frozenset({"new"})
TOPIC_MAX_LENGTH = 80
TOPICS_MAX = 60

#: The settings a program's admins set, copied as they are when it is cloned.
SETTINGS = (
    "description",
    "engagement_months",
    "default_cadence",
    "default_call_minutes",
    "default_checkin_minutes",
    "default_topic_minutes",
    "default_prepare_minutes",
    "matching_mode",
    "requests_need_approval",
    "request_expiry_days",
    "default_capacity",
    "match_weights",
    "min_match_score",
)
#: What the settings page changes: the settings, the name and the dates (never the address).
EDITABLE = ("name", "starts_on", "ends_on", *SETTINGS)


def can_create_programs(user) -> bool:
    """Whether ``user`` may create programs (and clone one they run)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(CREATE_PERMISSION))


def slug_taken(slug: str, *, other_than: Program | None = None) -> bool:
    """Whether ``slug`` is reserved or another program's address (in any case). One query."""
    if slug.lower() in RESERVED_SLUGS:
        return True
    taken = Program.objects.filter(slug__iexact=slug)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    return taken.exists()


def _slug_refusal(slug: str) -> ValidationError:
    if slug.lower() in RESERVED_SLUGS:
        message = gettext("“%(slug)s” is kept for the site's own pages: choose another address.")
    else:
        message = gettext("Another program already has the address “%(slug)s”: choose another.")
    return ValidationError({"slug": ValidationError(message % {"slug": slug}, code="slug_taken")})


def _save_new(program: Program) -> Program:
    """Validates and inserts ``program``; an address taken meanwhile is refused on ``slug``."""
    if slug_taken(program.slug):
        raise _slug_refusal(program.slug)
    program.full_clean(validate_unique=False)
    try:
        with transaction.atomic():  # a savepoint: someone may take the address at this moment
            program.save()
    except IntegrityError as error:
        raise _slug_refusal(program.slug) from error
    return program


def _add_topics(program: Program, names: Iterable[str]) -> None:
    Topic.objects.bulk_create([Topic(program=program, name=name) for name in names])


@transaction.atomic
def program_create(*, by: User, fields: Mapping[str, Any], topics: Iterable[str] = ()) -> Program:
    """Creates a program from ``fields`` (``name``, ``slug`` and the names of
    ``EDITABLE``) with its ``topics`` (names, already trimmed and distinct), and
    makes ``by`` its first admin.

    Raises PermissionDenied when ``by`` lacks ``CREATE_PERMISSION``;
    ValidationError on ``slug`` when the address is reserved or taken (also by
    someone creating one at this very moment), and on the field concerned when
    the model's checks refuse a value."""
    if not can_create_programs(by):
        raise PermissionDenied(
            gettext("Only people a site admin has allowed to create programs can create one.")
        )
    program = _save_new(
        Program(**{name: fields[name] for name in ("name", "slug", *EDITABLE) if name in fields})
    )
    _add_topics(program, topics)
    program.admins.add(by)
    logger.info("Program %s created by user %s", program.pk, by.pk)
    return program


def _topic_refusals(program: Program, removed: set[int]) -> dict[str, list[ValidationError]]:
    """Why each topic of ``removed`` must stay: people chose it (offered or sought). One query."""
    chosen = [
        (topic, people)
        for topic in topics_with_people(program, among=removed)
        if (people := topic.people)  # type: ignore[attr-defined]  # annotated by the selector
    ]
    return {
        f"remove_topic_{topic.pk}": [
            ValidationError(
                ngettext(
                    "%(count)d person chose “%(topic)s”, so it stays: removing it would change their "
                    "profile. Rename it instead if its words need to change.",
                    "%(count)d people chose “%(topic)s”, so it stays: removing it would change their "
                    "profiles. Rename it instead if its words need to change.",
                    people,
                )
                % {"count": people, "topic": topic.name},
                code="topic_chosen",
            )
        ]
        for topic, people in chosen
    }


@transaction.atomic
def program_update(
    *,
    program: Program,
    by: User,
    fields: Mapping[str, Any],
    renamed: Mapping[int, str] | None = None,
    removed: Iterable[int] = (),
    added: Iterable[str] = (),
) -> Program:
    """Changes a program's settings (the names of ``EDITABLE`` in ``fields``) and
    its topics: ``renamed`` (topic id → new name), ``removed`` (topic ids) and
    ``added`` (names). Topic names are compared without regard to case.

    A topic people chose (as offered or sought) is never removed: refused on
    ``remove_topic_<id>``, with how many chose it; renaming keeps their choice.
    Changing a default changes what a pair's agreement proposes when it is
    first drafted (``partnerships.agreements.agreement_defaults``), never an
    agreement a pair has made. A program that no longer takes requests for a
    mentor closes its pending ones (``requests_close_for_program``). Refused on ``topics`` when two topics would
    share a name or there would be more than ``TOPICS_MAX``. The program's row
    is locked, so two admins saving at once save one after the other."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    topics = {topic.pk: topic for topic in locked.topics.all()}
    renamed = {pk: name for pk, name in (renamed or {}).items() if pk in topics}
    removed_ids = {pk for pk in removed if pk in topics}
    added = list(added)
    errors: dict[str, list[ValidationError]] = _topic_refusals(locked, removed_ids)

    kept = {pk: renamed.get(pk, topic.name) for pk, topic in topics.items() if pk not in removed_ids}
    names = [name.casefold() for name in [*kept.values(), *added]]
    if len(names) != len(set(names)):
        duplicates = sorted({name for name in names if names.count(name) > 1})
        errors.setdefault("topics", []).append(
            ValidationError(
                gettext("Two topics would be called “%(name)s”: give each topic its own name.")
                % {"name": next(n for n in [*kept.values(), *added] if n.casefold() == duplicates[0])},
                code="topic_twice",
            )
        )
    if len(names) > TOPICS_MAX:
        errors.setdefault("topics", []).append(
            ValidationError(
                gettext("A program has at most %(max)d topics; this would make %(count)d.")
                % {"max": TOPICS_MAX, "count": len(names)},
                code="too_many_topics",
            )
        )
    if errors:
        raise ValidationError(errors)

    for name in EDITABLE:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.full_clean(validate_unique=False)
    locked.save()
    if not locked.takes_requests:  # admins match from now on: pending requests close kindly
        requests_close_for_program(program=locked)
    Topic.objects.filter(pk__in=removed_ids).delete()
    changed = [
        topics[pk] for pk, name in renamed.items() if pk not in removed_ids and topics[pk].name != name
    ]
    # Renamed in two steps so that swapping two names never trips the one-name-per-program constraint.
    for topic in changed:
        topic.name = f"(renaming {topic.pk} {uuid.uuid4().hex})"
    Topic.objects.bulk_update(changed, ["name"])
    for topic in changed:
        topic.name = renamed[topic.pk]
    Topic.objects.bulk_update(changed, ["name"])
    _add_topics(locked, added)
    logger.info("Program %s settings changed by user %s", locked.pk, by.pk)
    return locked


def _refuse_email(message: str, code: str) -> ValidationError:
    return ValidationError({"email": ValidationError(message, code=code)})


@transaction.atomic
def program_admin_add(*, program: Program, email: str, by: User) -> User | Invitation:
    """Makes the person with ``email`` one of ``program``'s admins.

    Someone with an account (the address they sign in with) is added at once
    and emailed, once, that they now help run the program (the
    ``send_admin_added`` task, after commit). Someone without one is sent an
    invitation to help run it (``invitation_create`` with the admin role);
    accepting it adds them. Returns the account added, or the invitation.

    Adding again an address whose admin invitation still waits sends a new
    link and the earlier one stops working (410): the invitation returned then
    has ``replaced_link`` True for the page to say so (a lost first email is
    the likely reason to add again, so a fresh link serves better than the old).

    Refused on ``email`` when the address is not one, when that person already
    helps run the program, or when they have an invitation waiting to join it
    as a mentor or protégé (they accept that one first; then add them here).
    For the program's admins: the caller checks."""
    email = normalise_email(email)
    locked = Program.objects.select_for_update().get(pk=program.pk)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        open_ones = Invitation.objects.open().filter(program=locked, email__iexact=email)
        waiting = open_ones.filter(role=InvitationRole.ADMIN, expires_at__gt=timezone.now()).exists()
        try:
            invitation = invitation_create(
                program=locked, email=email, name="", role=InvitationRole.ADMIN, invited_by=by
            )
        except ValidationError as error:
            raise _refuse_email(" ".join(error.messages), error.code or "invalid") from error
        invitation.replaced_link = waiting  # type: ignore[attr-defined]  # for the page's message
        return invitation
    if not user.is_active:
        raise _refuse_email(
            gettext("The account of %(email)s is closed: ask your site admin.") % {"email": email}, "inactive"
        )
    if locked.admins.filter(pk=user.pk).exists():
        raise _refuse_email(
            gettext("%(name)s (%(email)s) already helps run this program.")
            % {"name": user.name, "email": email},
            "already_admin",
        )
    locked.admins.add(user)
    # An admin invitation waiting for this address has nothing left to do.
    Invitation.objects.open().filter(program=locked, email__iexact=email, role=InvitationRole.ADMIN).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    from ..tasks import send_admin_added  # tasks imports the services

    send_admin_added.delay_on_commit(locked.pk, user.pk, by.pk, uuid.uuid4().hex)
    logger.info("User %s added as admin of program %s by user %s", user.pk, locked.pk, by.pk)
    return user


@transaction.atomic
def program_admin_remove(*, program: Program, admin: User, by: User) -> None:
    """Takes ``admin`` off ``program``'s admins; they keep their account and
    anything they take part in. Never the last admin: refused, saying someone
    must be added first. ``by`` may remove themselves while another admin
    remains (the page asks them to confirm). Refused when ``admin`` does not
    help run the program (removed meanwhile). The program's row is locked, so
    two admins removing each other at once leave one.

    When ``by`` removes someone else, that person is emailed, once, who
    removed them from which program (the ``send_admin_removed`` task, after
    commit; templates/email/program_admin_removed/)."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    admins = set(locked.admins.values_list("pk", flat=True))
    if admin.pk not in admins:
        raise ValidationError(
            gettext("%(name)s no longer helps run this program.") % {"name": admin.name}, code="not_admin"
        )
    if admins == {admin.pk}:
        raise ValidationError(
            gettext("%(name)s is the only admin of this program, so they stay: add another admin first.")
            % {"name": admin.name},
            code="last_admin",
        )
    locked.admins.remove(admin)
    if admin.pk != by.pk:
        from ..tasks import send_admin_removed  # tasks imports the services

        send_admin_removed.delay_on_commit(locked.pk, admin.pk, by.pk, uuid.uuid4().hex)
    logger.info("User %s removed as admin of program %s by user %s", admin.pk, locked.pk, by.pk)


def _shifted(day: datetime.date | None, by: datetime.timedelta) -> datetime.date | None:
    return None if day is None else day + by


@transaction.atomic
def program_clone(*, program: Program, by: User, name: str, slug: str, starts_on: datetime.date) -> Program:
    """A new program for the next cohort, made from ``program``: its settings
    (``SETTINGS``), its topics, its current questions with their current
    choices, in order; never its people, invitations, partnerships, proposals,
    requests or history. It starts on ``starts_on`` and, if ``program`` had an
    end, runs as long. ``cloned_from`` names ``program``; ``by`` is its admin.

    All or nothing, in one transaction. Refused like ``program_create``
    (PermissionDenied without ``CREATE_PERMISSION``; ``slug`` reserved or
    taken). The caller checks that ``by`` runs ``program``."""
    if not can_create_programs(by):
        raise PermissionDenied(
            gettext("Only people a site admin has allowed to create programs can clone one.")
        )
    source = Program.objects.get(pk=program.pk)
    shift = starts_on - source.starts_on
    try:
        ends_on = _shifted(source.ends_on, shift)
    except OverflowError:
        ends_on = None
    clone = Program(
        name=name,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        cloned_from=source,
        **{field: getattr(source, field) for field in SETTINGS},
    )
    try:
        _save_new(clone)
    except ValidationError as error:
        if "ends_on" in getattr(error, "error_dict", {}):
            # The end, moved as far as the start, left the years a program can hold: open-ended instead.
            clone.ends_on = None
            _save_new(clone)
        else:
            raise
    _add_topics(clone, source.topics.values_list("name", flat=True))
    questions = list(source.questions.current().prefetch_related("choices"))
    copies = Question.objects.bulk_create(
        [
            Question(
                program=clone,
                **{
                    field: getattr(question, field)
                    for field in (
                        "text",
                        "help_text",
                        "kind",
                        "audience",
                        "required",
                        "position",
                        "weight",
                        "rule",
                    )
                },
            )
            for question in questions
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=copy, label=choice.label, position=choice.position)
            for question, copy in zip(questions, copies, strict=True)
            for choice in question.choices.all()
            if choice.retired_at is None
        ]
    )
    clone.admins.add(by)
    logger.info("Program %s cloned from %s by user %s", clone.pk, source.pk, by.pk)
    return clone


def program_send_admin_added_email(*, program_id: int, user_id: int, by_id: int, addition_id: str) -> None:
    """Emails a person that they now help run a program
    (templates/email/program_admin_added/: plain text and HTML), once for
    this addition (``addition_id``): through the ledger, so a task that runs
    twice sends once, and being removed and added again later sends again.
    Sends nothing when they no longer help run it. Called by the
    ``send_admin_added`` task, outside any transaction."""
    program = Program.objects.filter(pk=program_id, admins=user_id).first()
    if program is None:
        return
    user = User.objects.get(pk=user_id)
    added_by = User.objects.filter(pk=by_id).first()
    mail.send_once(
        "program_admin_added",
        key=f"program-admin-{program.pk}-{user.pk}-{addition_id[:32]}",
        to=user.email,
        context={
            "program": program,
            "person": user,
            "added_by": added_by.name if added_by else gettext("another program admin"),
            "link": absolute_url(reverse("home:program_overview", args=[program.slug])),
            "settings_link": absolute_url(reverse("programs:settings", args=[program.slug])),
        },
    )


def program_send_admin_removed_email(*, program_id: int, user_id: int, by_id: int, removal_id: str) -> None:
    """Emails a person that another admin took them off a program's admins
    (templates/email/program_admin_removed/: plain text and HTML), saying who
    and which program, once for this removal (``removal_id``, through the
    ledger). Sends nothing when they help run it again by then, or when their
    account is closed. Called by the ``send_admin_removed`` task, outside any
    transaction."""
    program = Program.objects.exclude(admins=user_id).filter(pk=program_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    removed_by = User.objects.filter(pk=by_id).first()
    if program is None or user is None:
        return
    mail.send_once(
        "program_admin_removed",
        key=f"program-admin-removed-{program.pk}-{user.pk}-{removal_id[:32]}",
        to=user.email,
        context={
            "program": program,
            "person": user,
            "removed_by": removed_by.name if removed_by else gettext("another program admin"),
            "removed_by_email": removed_by.email if removed_by else "",
        },
    )
