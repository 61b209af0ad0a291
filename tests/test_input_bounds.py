"""Bounds on everything a person types (issue 13, kinds 1 and 7): dates and
times inside windows that fit a mentoring program, text with a length and
without control characters, refused beside the field with what was typed kept,
and held by the database so no page ever reads a value it cannot show.

The walks find every form of the project by importing each of its modules, so a
form or a field added later is covered without touching this file."""

import datetime
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.bounds import calls, dates, repair, text
from partnerships.models import Agreement, Partnership
from programs.models import Participant, Topic
from programs.services.questions import question_create

from .goals.factories import GoalFactory, SituationGoalFactory, SmartGoalFactory
from .partnerships.agreement_helpers import agree, form_data
from .sessions_log.factories import HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR).resolve()
PROJECT_PACKAGES = sorted(
    {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(PROJECT) and ".venv" not in Path(config.path).parts
    }
    | {"mentoring"}
)
# The site admin's forms are Django's own pages for staff: the database constraints
# hold what they save, and its form shows their messages (validate_constraints).
SKIPPED_MODULES = (".migrations", ".management", "mentoring.wsgi", "mentoring.asgi", ".admin")


def _import_project_modules() -> None:
    for package in PROJECT_PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if not any(part in info.name for part in SKIPPED_MODULES):
                importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_form_classes() -> list[type[forms.BaseForm]]:
    _import_project_modules()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES
        and not cls.__module__.startswith("tests")
        and not cls.__module__.endswith(".admin")
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORM_CLASSES = project_form_classes()


def test_the_walk_finds_the_forms_people_type_into():
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"NextCallForm", "AgreementForm", "SessionLogForm", "ProfileForm", "MilestoneForm"} <= names


def _arguments(world) -> dict:
    """What a form's constructor may ask for, by parameter name (made once per test)."""
    if getattr(world, "form_arguments", None):
        return world.form_arguments
    partnership = world.partnership
    smart = SmartGoalFactory(partnership=partnership)
    competency = GoalFactory(partnership=partnership)
    situation = SituationGoalFactory(partnership=partnership)
    for goal in (smart, competency, situation):
        goal.last_value = None  # as the rating page's selector annotates it
    call = SessionFactory(partnership=partnership)
    done = HomeworkFactory(
        partnership=partnership, session=call, status="done", done_at=timezone.now(), reflection="Read it."
    )
    world.form_arguments = {
        "program": world.program,
        "partnership": partnership,
        "goal": smart,
        "goals": [smart, competency, situation],
        "homework_due": [done],
        "advances": smart,
        "zone_name": "America/New York",
        "topics": [Topic.objects.create(program=world.program, name="Leadership")],  # the settings form's
        "questions": [  # the answers form's: one of each kind
            question_create(program=world.program, text=kind, kind=kind, choices=["A", "B"])
            for kind in ("single", "multiple", "scale", "text")
        ],
    }
    return world.form_arguments


def _instances(world, form_class):
    """Each form the product can show: for every flag that changes the fields
    (``revising``, ``draft``, …) both ways; a model form on each instance it edits."""
    arguments = _arguments(world)
    base, flags = {}, []
    for name, parameter in inspect.signature(form_class.__init__).parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD and parameter.default is not parameter.empty:
            continue  # data, files, initial, prefix…: Django's own
        if name in arguments:
            base[name] = arguments[name]
        elif parameter.default is parameter.empty:
            pytest.fail(f"{form_class.__name__} needs {name!r}: say in _arguments how to build one")
        elif isinstance(parameter.default, bool):
            flags.append(name)
    variants = [base, *({**base, flag: not inspect.signature(form_class.__init__).parameters[flag].default}
                        for flag in flags)]  # fmt: skip
    if issubclass(form_class, forms.ModelForm) and form_class._meta.model is Participant:
        variants = [
            {**v, "instance": who}
            for v in variants
            for who in (world.partnership.mentor, world.partnership.protege)
        ]
    elif issubclass(form_class, forms.ModelForm) and form_class._meta.model is User:
        variants = [{**v, "instance": world.protege} for v in variants]
    return [form_class(**kwargs) for kwargs in variants]


def _fields(world):
    for form_class in FORM_CLASSES:
        for form in _instances(world, form_class):
            for name, field in form.fields.items():
                yield f"{form_class.__name__}.{name}", field


def _refusal(field, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    return caught.value


# --- Kind 1: dates and times ------------------------------------------------------

FAR_OFF = {
    forms.DateField: ("9999-12-31", "0001-01-01"),
    forms.DateTimeField: ("9999-12-31T23:59", "0001-01-01T00:00"),
}


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_every_date_field_of_every_form_refuses_the_year_9999_and_the_year_1_with_a_message(world, zone):
    """In the zone where 31/12/9999 23:59 is the year 10000 in UTC, and in one
    where 01/01/0001 00:00 is before the year 1."""
    walked = []
    with timezone.override(zone):
        for where, field in _fields(world):
            if isinstance(field, forms.TimeField):
                continue  # a time of day has its own bounds
            kind = next((k for k in FAR_OFF if isinstance(field, k)), None)
            if isinstance(field, forms.SplitDateTimeField):
                pytest.fail(f"{where}: use mentoring.bounds.dates.BoundedDateTimeField")
            if kind is None:
                continue
            walked.append(where)
            late, early = FAR_OFF[kind]
            for value, code in ((late, "too_late"), (early, "too_early")):
                error = _refusal(field, value)
                assert [e.code for e in error.error_list] == [code], f"{where} took {value}"
                [message] = error.messages
                assert message and "%(" not in message, where
                assert not re.search(r"\d\d:\d\d", message), f"{where}: a limit years away is a date"
    assert len(walked) >= 8, walked


def test_the_protege_in_new_york_cannot_set_the_next_call_to_the_year_9999(client, world):
    """The example of the issue: it saved on PostgreSQL, and from then on both
    homes, every pair page and the admin's overview and board answered 500."""
    agree(world.partnership)
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    client.force_login(world.protege)
    for typed in ("9999-12-31T23:59", "31/12/9999 23:59"):
        response = client.post(reverse("home:next_call", args=[world.partnership.pk]), {"at": typed})
        assert response.status_code == 200
        assert "Choose a time within the next year, before" in response.text
        assert f'value="{typed}"' in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.next_call_at is None
    for who, pages in [
        (
            world.protege,
            [reverse("home:home"), reverse("home:partnership", args=[world.partnership.pk])],
        ),
        (
            world.mentor,
            [reverse("home:home"), reverse("home:partnership", args=[world.partnership.pk])],
        ),
        (
            world.admin,
            [
                reverse("home:program_overview", args=[world.program.slug]),
                reverse("partnerships:matching_board", args=[world.program.slug]),
            ],
        ),
    ]:
        client.force_login(who)
        for page in pages:
            assert client.get(page).status_code == 200, page


def test_a_call_cannot_be_logged_before_the_partnership_began(client, world):
    began = timezone.localdate() - datetime.timedelta(days=30)
    Partnership.objects.filter(pk=world.partnership.pk).update(started_on=began)
    client.force_login(world.mentor)
    typed = f"{began - datetime.timedelta(days=1)}T10:00"
    data = {
        "starts_at": typed,
        "minutes": "30",
        "method": "video",
        "status": "held",
        "key_learnings": "Something.",
        "homework-TOTAL_FORMS": "0",
        "homework-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("sessions_log:session_new", args=[world.partnership.pk]), data)
    assert response.status_code == 200
    assert f"The partnership began on {began:%-d %B %Y}: log a call from then on." in response.text
    assert f'value="{typed}"' in response.text
    assert not world.partnership.sessions.exists()


def test_homework_cannot_be_due_before_the_partnership_began(client, world):
    began = timezone.localdate() - datetime.timedelta(days=30)
    Partnership.objects.filter(pk=world.partnership.pk).update(started_on=began)
    client.force_login(world.mentor)
    data = {
        "starts_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "30",
        "method": "video",
        "status": "held",
        "key_learnings": "Something.",
        "homework-TOTAL_FORMS": "1",
        "homework-INITIAL_FORMS": "0",
        "homework-0-kind": "reading",
        "homework-0-description": "Read chapter 1",
        "homework-0-due_on": f"{began - datetime.timedelta(days=1)}",
    }
    response = client.post(reverse("sessions_log:session_new", args=[world.partnership.pk]), data)
    assert response.status_code == 200
    assert "homework is due around its call" in response.text
    assert not world.partnership.sessions.exists()


def test_an_agreement_cannot_review_the_goals_before_the_partnership_began(client, world):
    began = timezone.localdate() - datetime.timedelta(days=30)
    Partnership.objects.filter(pk=world.partnership.pk).update(started_on=began)
    client.force_login(world.mentor)
    response = client.post(
        reverse("partnerships:agreement", args=[world.partnership.pk]),
        form_data(first_review_on=began - datetime.timedelta(days=1)),
    )
    assert response.status_code == 200
    assert f"The partnership began on {began:%-d %B %Y}: choose a first review from then on." in response.text
    assert not Agreement.objects.exists()


def test_an_agreement_cannot_end_centuries_away(client, world):
    client.force_login(world.mentor)
    response = client.post(
        reverse("partnerships:agreement", args=[world.partnership.pk]),
        form_data(ends_on=datetime.date(2999, 1, 1)),
    )
    assert response.status_code == 200
    assert "Choose an end date within three years" in response.text
    assert 'value="2999-01-01"' in response.text
    assert not Agreement.objects.exists()


# The plain forms' dates, and the stored field each one becomes (model forms map themselves).
STORED_AS = {
    "NextCallForm.at": ["partnerships.Partnership.next_call_at"],
    "DayAwayForm.first_day": ["accounts.DayAway.first_day"],
    **{f"OfferTimesForm.time_{n}": ["partnerships.OfferedTime.starts_at"] for n in range(1, 6)},
    "DayAwayForm.last_day": ["accounts.DayAway.last_day"],
    "GoalWordingForm.deadline": ["goals.Goal.deadline", "goals.GoalRevision.deadline"],
    "GoalForm.deadline": ["goals.Goal.deadline"],
    "GoalReviseForm.deadline": ["goals.Goal.deadline", "goals.GoalRevision.deadline"],
    "MilestoneForm.due_on": ["goals.Milestone.due_on"],
    "ProgramCloneForm.starts_on": ["programs.Program.starts_on"],
}


def _stored_dates(world) -> set[str]:
    stored = set()
    for form_class in FORM_CLASSES:
        for form in _instances(world, form_class):
            for name, field in form.fields.items():
                if not isinstance(field, forms.DateField | forms.DateTimeField):
                    continue
                where = f"{form_class.__name__}.{name}"
                if where in STORED_AS:
                    stored |= set(STORED_AS[where])
                elif isinstance(form, forms.ModelForm):
                    stored.add(f"{form._meta.model._meta.label}.{name}")
                else:
                    pytest.fail(f"{where}: say in STORED_AS where it is stored (an empty list if nowhere)")
    return stored


def test_every_stored_date_a_person_types_is_held_in_range_by_the_database(world):
    stored = _stored_dates(world)
    assert "sessions_log.Session.starts_at" in stored and "partnerships.Agreement.ends_on" in stored
    for label in sorted(stored):
        app_model, name = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        field = model._meta.get_field(name)
        expected = dates.stored_in_range(
            name, name="x", datetime_field=isinstance(field, models.DateTimeField)
        ).condition
        assert any(
            isinstance(c, models.CheckConstraint) and c.condition == expected for c in model._meta.constraints
        ), f"{label} has no stored_in_range constraint"


def test_the_database_refuses_a_next_call_in_the_year_10000_whoever_writes_it(world):
    for sql in [
        "UPDATE partnerships_partnership SET next_call_at = "
        "'9999-12-31 23:59'::timestamp AT TIME ZONE 'America/New_York' WHERE id = %s",
        "UPDATE partnerships_partnership SET planned_end_on = '0001-01-01' WHERE id = %s",
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [world.partnership.pk])


def test_rows_stored_before_the_bounds_are_repaired_by_the_migration(world):
    """What the migration does before adding the constraints: an unreadable next
    call is cleared, an old date moves inside the range, long text is cut."""
    agree(world.partnership)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixtures' pending foreign-key checks, first
        for table, column in [
            ("partnerships_partnership", "next_call_at"),
            ("partnerships_agreement", "ends_on"),
            ("partnerships_agreement", "success"),
        ]:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c' "
                "AND pg_get_constraintdef(oid) ~ %s",
                [table, column],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "UPDATE partnerships_partnership SET next_call_at = "
            "'9999-12-31 23:59'::timestamp AT TIME ZONE 'America/New_York' WHERE id = %s",
            [world.partnership.pk],
        )
        cursor.execute(
            "UPDATE partnerships_agreement SET ends_on = '9999-12-31', success = repeat('x', 3000) "
            "WHERE partnership_id = %s",
            [world.partnership.pk],
        )
    repair.repair_rows(Partnership, clear=("next_call_at",))
    repair.repair_rows(Agreement, clamp={"ends_on": (1, 1)}, truncate={"success": 2000})
    world.partnership.refresh_from_db()
    assert world.partnership.next_call_at is None
    agreement = Agreement.objects.get(partnership=world.partnership)
    assert agreement.ends_on == datetime.date(2099, 12, 31)
    assert len(agreement.success) == 2000


# --- Kind 7: text -------------------------------------------------------------


def test_every_text_field_of_every_form_has_a_length_and_refuses_control_characters(world):
    walked = []
    for where, field in _fields(world):
        if not isinstance(field, forms.CharField):
            continue
        walked.append(where)
        assert field.max_length is not None, f"{where} has no max_length"
        if isinstance(field.widget, forms.Textarea):
            assert "\r\n" not in field.clean("Line one\r\nline two\twith a tab"), where
            for control in ("\x00", "\x07", "\x1b", "\x85"):
                _refusal(field, f"a{control}b")
        else:
            for control in ("\r\n", "\n", "\x00", "\x1b", "\u2028"):
                _refusal(field, f"a{control}b")
        _refusal(field, "x" * (field.max_length + 1))
    assert len(walked) >= 30, walked


def _project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_PACKAGES]


# Text the product writes itself, never a person.
WRITTEN_BY_THE_PRODUCT = {
    "reminders.Reminder.last_error",
    "reminders.Reminder.object_key",
    "accounts.User.password",
    "partnerships.Partnership.next_call_time_zone",
    "partnerships.Partnership.next_call_uid",
    "partnerships.CalendarFeed.token",
    "programs.Invitation.token_hash",
    "surveys.SurveyResponse.round",
}


def test_every_long_text_has_a_length_the_database_holds():
    for model in _project_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            label = f"{model._meta.label}.{field.name}"
            if label in WRITTEN_BY_THE_PRODUCT:
                continue
            assert isinstance(field, text.MultiLineTextField), f"{label}: use MultiLineTextField"
            expected = text.text_within(field.name, field.max_length, name="x").condition
            assert any(
                isinstance(c, models.CheckConstraint) and c.condition == expected
                for c in model._meta.constraints
            ), f"{label} has no text_within constraint"


def test_every_name_a_person_types_refuses_control_characters_in_the_model():
    for model in _project_models():
        for field in model._meta.get_fields():
            label = f"{model._meta.label}.{field.name}"
            if type(field) is models.CharField and not field.choices and label not in WRITTEN_BY_THE_PRODUCT:
                pytest.fail(f"{model._meta.label}.{field.name}: use SingleLineCharField (or choices)")


def test_a_2_4_mb_success_text_is_refused_beside_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.mentor)
    response = client.post(
        reverse("partnerships:agreement", args=[world.partnership.pk]), form_data(success="x" * 2_400_000)
    )
    assert response.status_code == 200
    assert "at most 2000 characters" in response.text
    assert 'maxlength="2000"' in response.text
    assert not Agreement.objects.exists()


def test_a_line_break_in_a_display_name_is_refused_on_the_profile_and_by_the_database(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Sam\r\nBcc: x@example.org", "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert "Keep it to one line" in response.text
    world.protege.refresh_from_db()
    assert world.protege.display_name == "Sam Protégé"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=world.protege.pk).update(display_name="Sam\r\nBcc: x@example.org")


def test_multi_line_text_keeps_its_lines_and_refuses_a_nul():
    field = text.MultiLineField(max_length=50)
    assert field.clean("One\r\nTwo\tthree") == "One\nTwo\tthree"
    with pytest.raises(ValidationError):
        field.clean("One\x00Two")


# --- Bidi and other format characters --------------------------------------------

SPOOFED = "\u202eévètorP ayirP"  # shows as "Priya Protégé"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_every_single_line_field_refuses_bidi_controls_and_format_characters(world):
    walked = []
    for where, field in _fields(world):
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.Textarea):
            continue
        walked.append(where)
        _refusal(field, SPOOFED)
        if isinstance(field, text.SingleLineField):
            for ch in BIDI_CONTROLS + "\u200b\ufeff\u00ad\u2060":
                assert "format_characters" in [e.code for e in _refusal(field, f"Pri{ch}ya").error_list], (
                    where
                )
            # The joiners build emoji and some scripts' letters.
            assert field.clean("Priya 👩\u200d💻") == "Priya 👩\u200d💻", where
            assert field.clean("می\u200cخواهم") == "می\u200cخواهم", where
    assert len(walked) >= 10, walked


def test_every_multi_line_text_refuses_bidi_overrides_and_keeps_the_marks(world):
    walked = []
    for where, field in _fields(world):
        if not isinstance(field, forms.CharField) or not isinstance(field.widget, forms.Textarea):
            continue
        walked.append(where)
        for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            _refusal(field, f"Read chapter{ch} 3")
        assert field.clean("שלום\u200f, hello") == "שלום\u200f, hello", where
    assert len(walked) >= 20, walked


def test_the_format_characters_refused_are_those_of_the_unicode_data():
    import sys
    import unicodedata

    listed = {code for low, high in text.FORMAT_CHARACTER_RANGES for code in range(low, high + 1)}
    cf = {
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and chr(code) not in text.JOINERS
    }
    assert listed == cf


def test_a_spoofed_display_name_is_refused_on_the_profile_with_what_was_typed(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"), {"form": "account", "display_name": SPOOFED, "time_zone": "UTC"}
    )
    assert response.status_code == 200
    assert "Remove the invisible formatting characters" in response.text
    assert f'value="{SPOOFED}"' in response.text
    world.protege.refresh_from_db()
    assert world.protege.display_name == "Sam Protégé"


def _name_constraints():
    """Every (model, field) a ``single_line_in_database`` constraint holds."""
    for model in _project_models():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            for name in [f.name for f in model._meta.get_fields() if hasattr(f, "column")]:
                if constraint.condition == text.single_line_in_database(name, name="x").condition:
                    yield model, name


def test_the_database_refuses_format_characters_in_every_name_and_keeps_the_joiners(world):
    from programs.models import Invitation

    Invitation.objects.create(
        program=world.program,
        email="new@example.org",
        name="New",
        role="mentor",
        token_hash="x" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    held = list(_name_constraints())
    assert {(m._meta.label, n) for m, n in held} >= {
        ("accounts.User", "display_name"),
        ("programs.Invitation", "name"),
    }
    for model, name in held:
        row = model.objects.first()
        for bad in (SPOOFED, "Priya\u200bX", "Priya\U000e0067"):
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=row.pk).update(**{name: bad})
        model.objects.filter(pk=row.pk).update(**{name: "Priya 👩\u200d💻"})


def test_names_stored_with_format_characters_are_repaired_by_the_migration(world):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute('ALTER TABLE accounts_user DROP CONSTRAINT "user_display_name_one_line"')
    User.objects.filter(pk=world.protege.pk).update(display_name=SPOOFED + "\r\nX 👩\u200d💻")
    repair.repair_rows(User, one_line=("display_name",))
    world.protege.refresh_from_db()
    assert world.protege.display_name == "évètorP ayirP X 👩\u200d💻"


# --- Times on the nights the clocks change ------------------------------------------


@pytest.mark.parametrize(
    ("zone", "typed", "before", "after"),
    [
        ("America/New_York", "2027-03-14T02:30", "02:00", "03:00"),
        ("Europe/London", "2027-03-28T01:30", "01:00", "02:00"),
        ("Australia/Adelaide", "2026-10-04T02:30", "02:00", "03:00"),
    ],
)
def test_a_time_the_clocks_skip_is_refused_in_plain_words(zone, typed, before, after):
    field = dates.BoundedDateTimeField()
    with timezone.override(zone):
        error = _refusal(field, typed)
    day = datetime.date.fromisoformat(typed[:10])
    assert error.messages == [
        f"{typed[11:]} on {day:%-d %B %Y} does not exist in {zone}: the clocks go forward "
        f"from {before} to {after}. Choose another time."
    ]


@pytest.mark.parametrize(
    ("zone", "typed", "utc"),
    [
        ("America/New_York", "2026-11-01T01:30", "2026-11-01T05:30"),  # EDT, UTC-4
        ("Europe/London", "2026-10-25T01:30", "2026-10-25T00:30"),  # BST, UTC+1
        ("Australia/Adelaide", "2027-04-04T02:30", "2027-04-03T16:00"),  # ACDT, UTC+10:30
    ],
)
def test_a_time_that_happens_twice_is_its_first_occurrence_on_summer_time(zone, typed, utc):
    field = dates.BoundedDateTimeField()
    with timezone.override(zone):
        at = field.clean(typed)
    assert at == datetime.datetime.fromisoformat(utc).replace(tzinfo=datetime.UTC)


# --- Limits and hints read the same everywhere ---------------------------------------


def test_every_date_field_is_the_browsers_picker_without_a_typed_format_hint(world):
    walked = []
    for where, field in _fields(world):
        if not isinstance(field, forms.DateField | forms.DateTimeField):
            continue
        walked.append(where)
        is_datetime = isinstance(field, forms.DateTimeField)
        assert isinstance(field, dates.BoundedDateTimeField if is_datetime else dates.BoundedDateField), where
        assert field.widget.input_type == ("datetime-local" if is_datetime else "date"), where
        # What the browser's picker sends, and the day/month/year typed where it shows a text box.
        for typed in (
            ("2027-05-14T17:30", "14/05/2027 17:30") if is_datetime else ("2027-05-14", "14/05/2027")
        ):
            assert field.to_python(typed), f"{where} cannot read {typed}"
        words = [str(field.help_text), *(str(m) for m in field.error_messages.values())]
        assert not any(re.search(r"like \d", w) for w in words), f"{where}: {words}"
    assert len(walked) >= 8, walked


def test_a_limit_days_away_reads_as_a_date(world):
    field = dates.BoundedDateTimeField(latest=datetime.timedelta(days=366))
    error = _refusal(field, "2099-01-01T10:00")
    limit = timezone.localtime() + datetime.timedelta(days=366)
    assert error.messages == [f"Choose a date and time before {limit:%-d %B %Y}."]
    soon = dates.BoundedDateTimeField(latest=datetime.timedelta(hours=1))
    assert re.search(r", \d\d:\d\d\.$", _refusal(soon, "2099-01-01T10:00").messages[0])


# --- Call lengths ----------------------------------------------------------------

CALL_LENGTHS = {"call_minutes", "minutes", "default_call_minutes"}


def _minutes_fields(world):
    yield from (
        (where, field) for where, field in _fields(world) if where.rsplit(".", 1)[1].endswith("minutes")
    )
    for model in _project_models():
        for field in model._meta.get_fields():
            if field.name in CALL_LENGTHS:
                yield f"{model._meta.label}.{field.name} (site admin)", field.formfield()


def test_every_minutes_field_refuses_outside_its_range_saying_so_and_its_input_agrees(world):
    walked = []
    for where, field in _minutes_fields(world):
        walked.append(where)
        low, high = field.min_value, field.max_value
        assert low is not None and high is not None, where
        assert (str(field.widget.attrs["min"]), str(field.widget.attrs["max"])) == (str(low), str(high)), (
            where
        )
        if where.split(" ")[0].rsplit(".", 1)[1] in CALL_LENGTHS:
            assert (low, high) == calls.CALL_MINUTES, where
        for typed in ("-30", str(low - 1), str(high + 1), "100000"):
            [message] = _refusal(field, typed).messages
            assert f"from {low} to {high} minutes" in message, f"{where} {typed}: {message}"
    labels = " ".join(walked)
    assert "AgreementForm.call_minutes" in labels and "SessionLogForm.minutes" in labels
    assert "programs.Program.default_call_minutes" in labels


def test_every_stored_call_length_is_held_in_range_by_the_database():
    for model in _project_models():
        for field in model._meta.get_fields():
            if field.name in CALL_LENGTHS:
                assert isinstance(field, calls.CallMinutesField), f"{model._meta.label}.{field.name}"
                expected = calls.call_minutes_in_range(field.name, name="x").condition
                assert any(
                    c.condition == expected for c in model._meta.constraints if hasattr(c, "condition")
                )


def test_a_call_of_minus_30_minutes_is_refused_beside_the_field(client, world):
    client.force_login(world.mentor)
    response = client.post(
        reverse("partnerships:agreement", args=[world.partnership.pk]), form_data(call_minutes=-30)
    )
    assert response.status_code == 200
    assert "Choose a call length from 15 to 120 minutes." in response.text
    assert 'min="15"' in response.text and 'max="120"' in response.text
    assert not Agreement.objects.exists()


# --- A milestone within its goal's deadline ------------------------------------------


def test_a_milestone_cannot_be_due_after_its_goals_deadline(client, world):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    goal = SmartGoalFactory(partnership=world.partnership, deadline=deadline)
    client.force_login(world.protege)
    typed = (deadline + datetime.timedelta(days=1)).isoformat()
    add = reverse("goals:milestone_add", args=[world.partnership.pk, goal.pk])
    response = client.post(add, {f"m{goal.pk}-title": "Call Jo", f"m{goal.pk}-due_on": typed})
    assert response.status_code == 200
    assert f"The goal’s deadline is {deadline:%-d %B %Y}: choose a due date on or before it." in response.text
    assert f'value="{typed}"' in response.text
    assert not goal.milestones.exists()
    response = client.post(add, {f"m{goal.pk}-title": "Call Jo", f"m{goal.pk}-due_on": deadline.isoformat()})
    assert response.status_code == 303
    assert goal.milestones.get().due_on == deadline
