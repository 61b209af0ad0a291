"""Inviting everyone in a CSV file at once: every line checked, every problem
named by its line, all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import Invitation
from programs.services import invitations_csv
from tests.programs.test_invitations import queued_emails

pytestmark = pytest.mark.django_db


def csv_file(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(encoding), content_type="text/csv")


# --- Inviting many from a CSV file ----------------------------------------------


def test_a_csv_invites_everyone_in_it_with_roles_in_any_spelling(world, django_capture_on_commit_callbacks):
    upload = csv_file(
        "\ufeffName,Email,Role\n"  # with the BOM a spreadsheet puts first
        "Ada Lovelace,ada@example.org,mentor\n"
        "Grace Hopper,grace@example.org,Protégé\n"
        "\n"
        "Katherine Johnson,katherine@example.org,PROTEGE\n"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        made = invitations_csv.invitations_import_csv(
            program=world.program, file=upload, invited_by=world.admin
        )
    assert [(i.name, i.email, i.role) for i in made] == [
        ("Ada Lovelace", "ada@example.org", "mentor"),
        ("Grace Hopper", "grace@example.org", "protege"),
        ("Katherine Johnson", "katherine@example.org", "protege"),
    ]
    assert sorted(i for i, _ in queued_emails(callbacks)) == sorted(i.pk for i in made)


def test_a_csv_with_bad_lines_lists_every_problem_by_line_and_saves_nothing(
    world, django_capture_on_commit_callbacks
):
    upload = csv_file(
        "name,email,role\n"
        "Ada Lovelace,ada@example.org,mentor\n"
        "Grace Hopper,grace@example.org,protégé\n"
        "Bob,bob@,mentor\n"
        "Carol,carol@example.org,coach\n"
        f"Morgan,{world.mentor.email},mentor\n"
        "Ada again,ADA@example.org,mentor\n"
        ",,\n"
        "Dan,,\n"
    )
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as refused:
        invitations_csv.invitations_import_csv(program=world.program, file=upload, invited_by=world.admin)
    assert refused.value.messages == [
        "Line 4: 'bob@' is not an email address",
        "Line 5: 'coach' is not a role: use mentor or protégé",
        f"Line 6: {world.mentor.email} is already in this program as a mentor.",
        "Line 7: ada@example.org is already on line 2",
        "Line 9: The email address is missing",
        "Line 9: The role is missing: use mentor or protégé",
    ]
    assert not Invitation.objects.exists()
    assert callbacks == []


def test_a_csv_line_for_someone_already_in_the_program_undoes_the_whole_upload(
    world, django_capture_on_commit_callbacks
):
    upload = csv_file(f"name,email,role\nAda,ada@example.org,mentor\nMorgan,{world.mentor.email},mentor\n")
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as refused:
        invitations_csv.invitations_import_csv(program=world.program, file=upload, invited_by=world.admin)
    assert refused.value.messages == [f"Line 3: {world.mentor.email} is already in this program as a mentor."]
    assert not Invitation.objects.exists()
    assert callbacks == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "email,name\nada@example.org,Ada\n",
            "Line 1 must name the columns: name,email,role (it says 'email,name').",
        ),
        ("", "Line 1 must name the columns: name,email,role (the file is empty)."),
        (
            "name,email,role\n",
            "The file has no people in it: add one line per person under the column names.",
        ),
    ],
)
def test_a_csv_without_the_right_columns_or_people_is_refused(world, content, message):
    with pytest.raises(ValidationError) as refused:
        invitations_csv.invitations_import_csv(
            program=world.program, file=csv_file(content), invited_by=world.admin
        )
    assert refused.value.messages == [message]


def test_a_csv_that_is_not_utf8_is_refused_in_plain_words(world):
    with pytest.raises(ValidationError) as refused:
        invitations_csv.invitations_import_csv(
            program=world.program, file=csv_file("name,email,role\nZoë,zoe@example.org,mentor\n", "utf-16"),
            invited_by=world.admin,
        )  # fmt: skip
    assert "not UTF-8" in refused.value.messages[0]


LIMIT = 131_072  # csv.field_size_limit(): the most a cell can hold


@pytest.mark.parametrize(
    ("columns", "long_at", "said"),
    [
        # Every column of ours, one after the other, with its own limit where it has one.
        *[
            (
                "Name,Email,Role",
                i,
                {
                    0: "The “Name” cell is too long: over 131,072 characters, the most a cell can hold. "
                    "A name can have at most 120 characters.",
                    1: "The “Email” cell is too long: over 131,072 characters, the most a cell can hold. "
                    "An email address can have at most 254 characters.",
                    2: "The “Role” cell is too long: over 131,072 characters, the most a cell can hold.",
                }[i],
            )
            for i in range(3)
        ],
        (
            "name,email,role,notes",
            3,
            "The “notes” cell is too long: over 131,072 characters, the most a cell can hold.",
        ),
        (
            "name,email,role",
            4,
            "The column 5 cell is too long: over 131,072 characters, the most a cell can hold.",
        ),
    ],
)
def test_a_cell_too_long_for_a_csv_names_its_line_column_and_the_limit(world, columns, long_at, said):
    cells = ["Ada", "ada@example.org", "mentor", "", ""][: max(3, long_at + 1)]
    cells[long_at] = '"a, quoted ""cell""\non two lines ' + "x" * LIMIT + '"'
    content = f"{columns}\nGrace,grace@example.org,mentor\n" + ",".join(cells) + "\n"
    with pytest.raises(ValidationError) as refused:
        invitations_csv.invitations_import_csv(
            program=world.program, file=csv_file(content), invited_by=world.admin
        )
    assert refused.value.messages == [f"Line 3: {said} Check the file in your spreadsheet."]
    assert not Invitation.objects.exists()
