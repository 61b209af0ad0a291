"""Writes for people and invitations: inviting one person or a CSV of many,
resending, revoking, accepting, withdrawing, and the invitation email.

Each service validates and saves inside one transaction and refuses with a
ValidationError in words an admin or an invitee can act on. The link's token is
never stored (only its hash), so every service that emails a link makes a new
token and hands it to the task, after commit, with ``delay_on_commit``."""

import csv
import datetime
import io
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mentoring import mail
from mentoring.bounds import validate_single_line

from .models import Invitation, InvitationQuerySet, Participant, Program

logger = logging.getLogger(__name__)

INVITATION_VALID_FOR = datetime.timedelta(days=14)
CSV_COLUMNS = ("name", "email", "role")
# The example on the people page, and the file it offers to download (views.people.template).
CSV_EXAMPLE = [
    list(CSV_COLUMNS),
    ["Ada Lovelace", "ada@example.org", "mentor"],
    ["Grace Hopper", "grace@example.org", "protégé"],
]
CSV_MAX_ROWS = 2000  # a big program at once; beyond this, split the file
CSV_PROBLEMS_SHOWN = 50  # beside the upload field; the rest are counted
ROLE_WORDS = {
    "mentor": Participant.Role.MENTOR,
    "protégé": Participant.Role.PROTEGE,
    "protege": Participant.Role.PROTEGE,
}

# Why a link cannot be used, in the invitee's words; the same words on the page
# shown for the link and in the error of invitation_accept.
UNUSABLE = {
    "unknown": "This invitation link does not work. It may have been replaced by a newer invitation, "
    "or part of the link may be missing.",
    Invitation.State.EXPIRED: "This invitation has expired.",
    Invitation.State.REVOKED: "This invitation was withdrawn by the program admin.",
    Invitation.State.ACCEPTED: "This invitation has already been used.",
}


def normalise_email(email: str) -> str:
    # Accounts store emails lower-cased (accounts.User), so invitations do too.
    return email.strip().lower()


def role_phrase(role: str) -> str:
    """ "a mentor" or "a protégé", for sentences."""
    phrases = {Participant.Role.MENTOR: gettext("a mentor"), Participant.Role.PROTEGE: gettext("a protégé")}
    return phrases[Participant.Role(role)]


def _enqueue_email(invitation: Invitation, token: str) -> None:
    from .tasks import send_invitation  # tasks imports this module

    send_invitation.delay_on_commit(invitation.pk, token)


def _already_in(program: Program, email: str) -> Participant | None:
    """The person with this email if they take part in ``program`` now (a
    withdrawn person, or one not active yet, can be invited)."""
    return Participant.objects.filter(
        program=program, user__email__iexact=email, status=Participant.Status.ACTIVE
    ).first()


@transaction.atomic
def invitation_create(*, program: Program, email: str, name: str, role: str, invited_by) -> Invitation:
    """Invites a person to ``program`` in ``role`` and emails them a link after commit.

    An open invitation (waiting or expired) for the same email and program is
    reused: its name, role and inviter are updated, it gets a new link and a new
    expiry, and the old link stops working. Someone already active in the
    program is refused. Program admins only: the caller checks."""
    email = normalise_email(email)
    validate_email(email)
    if role not in Participant.Role.values:
        raise ValidationError(f"'{role}' is not a role: choose mentor or protégé.", code="role")
    if member := _already_in(program, email):
        raise ValidationError(
            f"{email} is already in this program as {role_phrase(member.role)}.", code="already_participant"
        )

    now = timezone.now()
    fields = {
        "name": name.strip(),
        "role": role,
        "invited_by": invited_by,
        "expires_at": now + INVITATION_VALID_FOR,
    }
    invitation = (
        Invitation.objects.select_for_update().open().filter(program=program, email__iexact=email).first()
    )
    if invitation is None:
        invitation = Invitation(program=program, email=email, **fields)
        token = invitation.new_token()
        try:
            with transaction.atomic():  # a savepoint: someone may invite the same person at this moment
                invitation.save()
        except IntegrityError:
            # The one-open-invitation constraint refused ours: refresh theirs instead.
            invitation = (
                Invitation.objects.select_for_update().open().get(program=program, email__iexact=email)
            )
            token = _refresh(invitation, fields)
    else:
        token = _refresh(invitation, fields)
    _enqueue_email(invitation, token)
    return invitation


def _refresh(invitation: Invitation, fields: dict) -> str:
    for field, value in fields.items():
        setattr(invitation, field, value)
    invitation.sent_at = None
    token = invitation.new_token()
    invitation.save(update_fields=[*fields, "sent_at", "token_hash"])
    return token


def _shown(text: str, limit: int = 60) -> str:
    """What the file says, cut short for a message: a cell can be very long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _long_cell(text: str) -> tuple[int, int] | None:
    """Where the first cell longer than ``csv.field_size_limit()`` characters
    starts: its line number (1-based) and its column (0-based), read as the csv
    module reads (a quoted cell may hold commas, doubled quotes and line breaks).
    None when no cell is that long."""
    limit = csv.field_size_limit()
    line, column, length, quoted, cell_line = 1, 0, 0, False, 1
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                length += 1
                i += 1
            elif char == '"':
                quoted = False
            else:
                length += 1
                line += char == "\n"
        elif char == '"' and length == 0:
            quoted = True
        elif char == ",":
            column, length, cell_line = column + 1, 0, line
        elif char in "\r\n":
            if char == "\r" and text[i + 1 : i + 2] == "\n":
                i += 1
            line += 1
            column, length, cell_line = 0, 0, line
        else:
            length += 1
        if length > limit:
            return cell_line, column
        i += 1
    return None


def _long_cell_message(header: list[str] | None, column: int) -> str:
    """Names the column of a cell over the csv module's limit, and that limit
    (and the column's own, for the name and the email)."""
    name = header[column].strip() if header and column < len(header) and header[column].strip() else ""
    shown = f"“{_shown(name, 30)}”" if name else gettext("column %(n)s") % {"n": column + 1}
    own = {
        "name": Invitation._meta.get_field("name").max_length,
        "email": Invitation._meta.get_field("email").max_length,
    }
    message = gettext(
        "The %(column)s cell is too long: over %(limit)s characters, the most a cell can hold."
    ) % {
        "column": shown,
        "limit": f"{csv.field_size_limit():,}",
    }
    if name.lower() == "name":
        message += " " + gettext("A name can have at most %(own)s characters.") % {"own": own["name"]}
    elif name.lower() == "email":
        message += " " + gettext("An email address can have at most %(own)s characters.") % {
            "own": own["email"]
        }
    return message + " " + gettext("Check the file in your spreadsheet.")


def _parse_csv(file: UploadedFile) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """The well-formed rows of an upload with their line numbers, and every
    problem found, each with its line number (0 for the whole file). Any file
    gets an answer in words: not UTF-8, not CSV, a cell longer than the csv
    module reads (``csv.field_size_limit``), more than ``CSV_MAX_ROWS`` people."""
    try:
        text = file.read().decode("utf-8-sig")  # spreadsheets often start UTF-8 files with a BOM
    except UnicodeDecodeError:
        return [], [
            (0, "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again.")
        ]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, errors, seen = [], [], {}
    header = None
    try:
        header = next(reader, None)
        columns = [column.strip().lower() for column in header or []]
        if not set(CSV_COLUMNS) <= set(columns):  # in any order; other columns are ignored
            found = f"it says '{_shown(','.join(header))}'" if header else "the file is empty"
            return [], [(0, f"Line 1 must name the columns: name,email,role ({found}).")]
        position = {column: columns.index(column) for column in CSV_COLUMNS}
        people = 0
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # blank lines are common at the end of exported files
            if people >= CSV_MAX_ROWS:
                # A problem of the whole file, so it comes first.
                errors.append(
                    (0, f"The file has more than {CSV_MAX_ROWS} people. Split it into smaller files.")
                )
                break
            people += 1
            cells = {column: (values[i].strip() if i < len(values) else "") for column, i in position.items()}
            problems = _row_problems(cells, seen)
            email, role = normalise_email(cells["email"]), ROLE_WORDS.get(cells["role"].casefold())
            errors += [(line, problem) for problem in problems]
            if email:
                seen.setdefault(email, line)
            if not problems:
                rows.append((line, {"name": cells["name"], "email": email, "role": role}))
    except csv.Error as error:
        # The csv module stops at a cell over its size limit (131,072 characters) or a stray NUL.
        if "field limit" in str(error) and (found := _long_cell(text)) is not None:
            errors.append((found[0], _long_cell_message(header, found[1])))
        else:
            errors.append(
                (
                    reader.line_num or 1,
                    gettext("A cell is not readable as CSV. Check the file in your spreadsheet."),
                )
            )
    if not rows and not errors:
        errors.append((0, "The file has no people in it: add one line per person under the column names."))
    return rows, errors


def _row_problems(cells: dict[str, str], seen: dict[str, int]) -> list[str]:
    """What is wrong with one line's name, email and role, in words."""
    email, role = normalise_email(cells["email"]), ROLE_WORDS.get(cells["role"].casefold())
    problems = []
    if not cells["name"]:
        problems.append("The name is missing")
    elif len(cells["name"]) > Invitation._meta.get_field("name").max_length:
        problems.append("The name is longer than 120 characters")
    else:
        try:
            validate_single_line(cells["name"])
        except ValidationError:
            problems.append("The name has a line break, a tab or another control character")
    if not email:
        problems.append("The email address is missing")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"'{_shown(cells['email'])}' is not an email address")
    if role is None:
        problems.append(
            f"'{_shown(cells['role'])}' is not a role: use mentor or protégé"
            if cells["role"]
            else "The role is missing: use mentor or protégé"
        )
    if email and email in seen:
        problems.append(f"{_shown(email)} is already on line {seen[email]}")
    return problems


@transaction.atomic
def invitations_import_csv(*, program: Program, file: UploadedFile, invited_by) -> list[Invitation]:
    """Invites everyone in a CSV file with the columns ``name,email,role`` (role:
    mentor or protégé, in any case, with or without the accent) and emails each
    a link after commit. Someone with an open invitation gets it refreshed, as
    with invitation_create.

    All or nothing: every problem is reported in one ValidationError, one
    message a problem, "Line <n>: …", in line order (the first
    ``CSV_PROBLEMS_SHOWN``, then how many more); then nothing of the upload is
    saved or sent. Program admins only: the caller checks."""
    rows, errors = _parse_csv(file)
    members = dict(
        Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
        .annotate(email=Lower("user__email"))
        .filter(email__in=[row["email"] for _line, row in rows])
        .values_list("email", "role")
    )
    errors += [
        (line, f"{row['email']} is already in this program as {role_phrase(members[row['email']])}.")
        for line, row in rows
        if row["email"] in members
    ]
    invitations = []
    if not errors:
        for line, row in rows:
            try:
                invitations.append(invitation_create(program=program, invited_by=invited_by, **row))
            except ValidationError as error:  # e.g. joined between the check above and now
                errors += [(line, message) for message in error.messages]
    if errors:
        messages = [
            f"Line {line}: {message}" if line else message
            for line, message in sorted(errors, key=lambda e: e[0])
        ]
        if len(messages) > CSV_PROBLEMS_SHOWN:
            more = len(messages) - CSV_PROBLEMS_SHOWN
            messages = [
                *messages[:CSV_PROBLEMS_SHOWN],
                f"…and {more} more problem{'s' if more != 1 else ''}. Fix these and upload the file again.",
            ]
        # Raising out of this atomic block rolls back every row and drops their emails.
        raise ValidationError(messages, code="invalid_csv")
    return invitations


def _refuse_if_closed(invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise ValidationError(f"{invitation.email} has already accepted this invitation.", code="accepted")
    if invitation.revoked_at:
        raise ValidationError(f"The invitation to {invitation.email} was revoked.", code="revoked")


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Emails a waiting or expired invitation again, with a new link valid for
    another 14 days; the old link stops working. Program admins only."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _refuse_if_closed(invitation)
    token = _refresh(invitation, {"expires_at": timezone.now() + INVITATION_VALID_FOR})
    _enqueue_email(invitation, token)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Makes a waiting or expired invitation's link stop working. The person can
    be invited again later. Idempotent; refused once accepted. Program admins only."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at:
        return invitation
    _refuse_if_closed(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def participant_withdraw(*, participant: Participant, by) -> Participant:
    """Marks a person as withdrawn from their program: they are no longer offered
    for matching and can be invited again later. Their partnerships are left as
    they are (ending one is the matching board's job). Idempotent. Program admins only."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status != Participant.Status.WITHDRAWN:
        participant.status = Participant.Status.WITHDRAWN
        participant.save(update_fields=["status", "updated_at"])
        logger.info(
            "Participant %s withdrawn from program %s by user %s",
            participant.pk,
            participant.program_id,
            by.pk,
        )
    return participant


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this link's token belongs to, with its program and inviter; None if unknown."""
    return (
        Invitation.objects.select_related("program", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def unusable_reason(invitation: Invitation | None, *, now: datetime.datetime) -> str | None:
    """Why this link cannot be used to join, in plain words; None if it can."""
    if invitation is None:
        return UNUSABLE["unknown"]
    return UNUSABLE.get(invitation.state_at(now))


def _sent_to_addresses_of(user) -> InvitationQuerySet:
    """Invitations sent to one of ``user``'s verified addresses (allauth's
    ``EmailAddress``: proven by a sign-up from an invitation or a confirmation)."""
    verified = EmailAddress.objects.filter(user=user, verified=True).annotate(address=Lower("email"))
    return Invitation.objects.annotate(address=Lower("email")).filter(address__in=verified.values("address"))


def invitations_waiting_for(user, *, now: datetime.datetime) -> list[Invitation]:
    """The invitations ``user`` can still accept (not accepted, revoked or
    expired at ``now``) sent to one of their verified addresses, oldest first,
    with program and inviter: the home page offers each with a Join button."""
    return list(
        _sent_to_addresses_of(user)
        .open()
        .filter(expires_at__gt=now)
        .select_related("program", "invited_by")
        .order_by("created_at")
    )


@transaction.atomic
def invitation_accept(*, user, token: str | None = None, invitation_id: int | None = None) -> Participant:
    """``user`` joins the invitation's program in the invitation's role: a new
    participant, or a withdrawn one active again. The link is then used up.
    Someone with no display name yet takes the name on the invitation.

    The invitation is the one of the link's ``token`` (anyone holding the link
    may accept it: the link was emailed to the person invited and is the
    proof), or ``invitation_id`` when it was sent to one of ``user``'s verified
    addresses (the home page's Join button: the address is the proof; any
    other id is "unknown"). Refused, with a different message each, when the
    link is unknown (or replaced by a resend), expired, revoked or already
    used, and when the person is already in the program."""
    if token is not None:
        found = Invitation.objects.filter(token_hash=Invitation.hash_token(token))
    else:
        found = _sent_to_addresses_of(user).filter(pk=invitation_id)
    invitation = found.select_for_update(of=("self",)).select_related("program").first()
    now = timezone.now()
    if reason := unusable_reason(invitation, now=now):
        state = invitation.state_at(now) if invitation else "unknown"
        raise ValidationError(reason, code=state)
    program = invitation.program

    participant = Participant.objects.select_for_update().filter(program=program, user=user).first()
    if participant is not None and participant.status == Participant.Status.ACTIVE:
        raise ValidationError(
            f"You are already in {program.name} as {role_phrase(participant.role)}.",
            code="already_participant",
        )
    if participant is None:
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    program=program, user=user, role=invitation.role, status=Participant.Status.ACTIVE
                )
        except IntegrityError as exc:  # joined through another invitation at this very moment
            raise ValidationError(f"You are already in {program.name}.", code="already_participant") from exc
    else:
        participant.role = invitation.role
        participant.status = Participant.Status.ACTIVE
        participant.save(update_fields=["role", "status", "updated_at"])

    if not user.display_name and invitation.name:
        # Someone who signed up from the invitation is shown by the name the admin gave.
        user.display_name = invitation.name
        user.save(update_fields=["display_name"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return participant


def inviter_name(invitation: Invitation) -> str:
    return invitation.invited_by.name if invitation.invited_by else gettext("your program admin")


def invitation_link(token: str) -> str:
    """The absolute address of the invitation page, for emails."""
    return settings.SITE_URL.rstrip("/") + reverse("programs:invitation_accept", args=[token])


def invitation_send_email(*, invitation_id: int, token: str) -> None:
    """Emails the invitation's link (templates/email/invitation/: plain text and
    HTML) once, and records when.

    Called by the ``send_invitation`` task, outside any transaction. Sends
    nothing when the invitation was accepted or revoked meanwhile, when
    ``token`` is no longer its link (resent since: the newer task sends the
    newer link), or when it was already sent. The email goes through the
    ledger (``mentoring.mail.send_once``) keyed by the invitation and its link,
    so a task that runs twice sends once, and a resend, with a new link, sends
    again. If sending fails, nothing is recorded and the task's retry sends it."""
    token_hash = Invitation.hash_token(token)
    invitation = (
        Invitation.objects.select_related("program", "invited_by")
        .open()
        .filter(pk=invitation_id, token_hash=token_hash, sent_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    mail.send_once(
        "invitation",
        # The start of the link's hash tells links apart; the link itself is never stored.
        key=f"invitation-{invitation.pk}-{token_hash[:16]}",
        to=invitation.email,
        context={
            "invitation": invitation,
            "program": invitation.program,
            "inviter": inviter_name(invitation),
            "link": invitation_link(token),
            "valid_days": INVITATION_VALID_FOR.days,
        },
    )
    # Sent now, or by an earlier run that stopped before this line; recorded while still its link.
    Invitation.objects.filter(pk=invitation.pk, token_hash=token_hash, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )


# --- The invitation being accepted, kept in the session across sign-up -------

SESSION_KEY = "invitation_token"


def stash_invitation(request: HttpRequest, token: str) -> None:
    request.session[SESSION_KEY] = token


def stashed_invitation(request: HttpRequest) -> tuple[str, Invitation] | None:
    """The link token in this session and its invitation, while it can still be accepted."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    invitation = invitation_for_token(token)
    if unusable_reason(invitation, now=timezone.now()):
        return None
    return token, invitation


def forget_invitation(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
