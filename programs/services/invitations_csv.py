"""Inviting everyone in a CSV file at once: reading the upload, the checks of
each line, and the import, all or nothing (``invitations_import_csv``)."""

import csv
import io
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from accounts.models import User
from mentoring.bounds.text import validate_single_line

from ..models import Invitation, Participant, Program
from .invitations import invitation_create, normalise_email, role_phrase

CSV_COLUMNS = ("name", "email", "role")
# The example on the people page, and the file it offers to download (views.people.template).
CSV_EXAMPLE = [
    list(CSV_COLUMNS),
    ["Ada Lovelace", "ada@example.org", "mentor"],  # i18n: not shown (sample data)
    ["Grace Hopper", "grace@example.org", "protégé"],  # i18n: not shown (sample data)
]
CSV_MAX_ROWS = 2000  # a big program at once; beyond this, split the file
CSV_PROBLEMS_SHOWN = 50  # beside the upload field; the rest are counted
ROLE_WORDS = {
    "mentor": Participant.Role.MENTOR,
    "protégé": Participant.Role.PROTEGE,
    "protege": Participant.Role.PROTEGE,
}


class InvitedPerson(TypedDict):
    """One well-formed line of the file, as ``invitation_create`` takes it."""

    name: str
    email: str
    role: str


def _max_length(field: str) -> int:
    """The most characters ``Invitation.<field>`` holds."""
    model_field = Invitation._meta.get_field(field)
    return model_field.max_length or 0 if isinstance(model_field, models.Field) else 0


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
    limit = number_format(csv.field_size_limit(), force_grouping=True)
    if name:
        message = gettext(
            "The “%(column)s” cell is too long: over %(limit)s characters, the most a cell can hold."
        ) % {"column": _shown(name, 30), "limit": limit}
    else:
        message = gettext(
            "The column %(n)s cell is too long: over %(limit)s characters, the most a cell can hold."
        ) % {"n": column + 1, "limit": limit}
    if name.lower() == "name":
        message += " " + gettext("A name can have at most %(own)s characters.") % {"own": _max_length("name")}
    elif name.lower() == "email":
        message += " " + gettext("An email address can have at most %(own)s characters.") % {
            "own": _max_length("email")
        }
    return message + " " + gettext("Check the file in your spreadsheet.")


def _parse_csv(file: UploadedFile) -> tuple[list[tuple[int, InvitedPerson]], list[tuple[int, str]]]:
    """The well-formed rows of an upload with their line numbers, and every
    problem found, each with its line number (0 for the whole file). Any file
    gets an answer in words: not UTF-8, not CSV, a cell longer than the csv
    module reads (``csv.field_size_limit``), more than ``CSV_MAX_ROWS`` people."""
    try:
        text = file.read().decode("utf-8-sig")  # spreadsheets often start UTF-8 files with a BOM
    except UnicodeDecodeError:
        return [], [
            (
                0,
                gettext(
                    "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again."
                ),
            )
        ]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, InvitedPerson]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    header: list[str] | None = None
    try:
        header = next(reader, None)
        columns = [column.strip().lower() for column in header or []]
        if not set(CSV_COLUMNS) <= set(columns):  # in any order; other columns are ignored
            if header:
                # Translators: name,email,role are the columns the file must have: keep them in English.
                wrong = gettext("Line 1 must name the columns: name,email,role (it says '%(header)s').") % {
                    "header": _shown(",".join(header))
                }
            else:
                # Translators: name,email,role are the columns the file must have: keep them in English.
                wrong = gettext("Line 1 must name the columns: name,email,role (the file is empty).")
            return [], [(0, wrong)]
        position = {column: columns.index(column) for column in CSV_COLUMNS}
        people = 0
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # blank lines are common at the end of exported files
            if people >= CSV_MAX_ROWS:
                # A problem of the whole file, so it comes first.
                errors.append(
                    (
                        0,
                        ngettext(
                            "The file has more than %(max)d person. Split it into smaller files.",
                            "The file has more than %(max)d people. Split it into smaller files.",
                            CSV_MAX_ROWS,
                        )
                        % {"max": CSV_MAX_ROWS},
                    )
                )
                break
            people += 1
            cells = {column: (values[i].strip() if i < len(values) else "") for column, i in position.items()}
            problems = _row_problems(cells, seen)
            email, role = normalise_email(cells["email"]), ROLE_WORDS.get(cells["role"].casefold())
            errors += [(line, problem) for problem in problems]
            if email:
                seen.setdefault(email, line)
            if not problems and role is not None:
                rows.append((line, InvitedPerson(name=cells["name"], email=email, role=role)))
    except csv.Error as error:
        # The csv module stops at a cell over its size limit (131,072 characters) or a stray NUL.
        if "field limit" in str(error) and (long_cell := _long_cell(text)) is not None:
            errors.append((long_cell[0], _long_cell_message(header, long_cell[1])))
        else:
            errors.append(
                (
                    reader.line_num or 1,
                    gettext("A cell is not readable as CSV. Check the file in your spreadsheet."),
                )
            )
    if not rows and not errors:
        errors.append(
            (0, gettext("The file has no people in it: add one line per person under the column names."))
        )
    return rows, errors


def _row_problems(cells: dict[str, str], seen: dict[str, int]) -> list[str]:
    """What is wrong with one line's name, email and role, in words."""
    email, role = normalise_email(cells["email"]), ROLE_WORDS.get(cells["role"].casefold())
    problems = []
    if not cells["name"]:
        problems.append(gettext("The name is missing"))
    elif len(cells["name"]) > _max_length("name"):
        problems.append(gettext("The name is longer than %(max)d characters") % {"max": _max_length("name")})
    else:
        try:
            validate_single_line(cells["name"])
        except ValidationError:
            problems.append(gettext("The name has a line break, a tab or another control character"))
    if not email:
        problems.append(gettext("The email address is missing"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                gettext("'%(email)s' is not an email address") % {"email": _shown(cells["email"])}
            )
    if role is None:
        if cells["role"]:
            # Translators: mentor and protégé are the roles the file may give: keep them in English.
            problem = gettext("'%(role)s' is not a role: use mentor or protégé") % {
                "role": _shown(cells["role"])
            }
        else:
            # Translators: mentor and protégé are the roles the file may give: keep them in English.
            problem = gettext("The role is missing: use mentor or protégé")
        problems.append(problem)
    if email and email in seen:
        problems.append(
            gettext("%(email)s is already on line %(line)d") % {"email": _shown(email), "line": seen[email]}
        )
    return problems


@transaction.atomic
def invitations_import_csv(*, program: Program, file: UploadedFile, invited_by: User) -> list[Invitation]:
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
        (
            line,
            gettext("%(email)s is already in this program as %(role)s.")
            % {"email": row["email"], "role": role_phrase(members[row["email"]])},
        )
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
            gettext("Line %(line)d: %(problem)s") % {"line": line, "problem": message} if line else message
            for line, message in sorted(errors, key=lambda e: e[0])
        ]
        if len(messages) > CSV_PROBLEMS_SHOWN:
            more = len(messages) - CSV_PROBLEMS_SHOWN
            messages = [
                *messages[:CSV_PROBLEMS_SHOWN],
                ngettext(
                    "…and %(count)d more problem. Fix these and upload the file again.",
                    "…and %(count)d more problems. Fix these and upload the file again.",
                    more,
                )
                % {"count": more},
            ]
        # Raising out of this atomic block rolls back every row and drops their emails.
        raise ValidationError(messages, code="invalid_csv")
    return invitations
