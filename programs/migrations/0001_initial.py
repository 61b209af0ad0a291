"""Programs, their people, invitations and draft matches, moved here from the
partnerships app. Their tables keep their names and rows: this migration only
tells Django's state where the models now live, and moves their content types
(and so any permissions granted on them) to this app."""

import datetime
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import mentoring.bounds
from django.conf import settings
from django.db import migrations, models


MOVED = ["program", "topic", "participant", "invitation", "draftmatch"]


def content_types_to(app_label: str):
    """Moves the moved models' content types to ``app_label``, keeping their ids."""
    source = "partnerships" if app_label == "programs" else "programs"

    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=app_label)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("partnerships", "0005_names_without_format_characters_call_lengths"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Program",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", mentoring.bounds.SingleLineCharField(max_length=120)),
                        ("slug", models.SlugField(max_length=60, unique=True)),
                        ("description", mentoring.bounds.MultiLineTextField(blank=True, max_length=2000)),
                        ("starts_on", models.DateField()),
                        ("ends_on", models.DateField(blank=True, null=True)),
                        (
                            "engagement_months",
                            models.PositiveSmallIntegerField(
                                default=6,
                                help_text="Six months is typical.",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(36),
                                ],
                                verbose_name="default engagement length (months)",
                            ),
                        ),
                        (
                            "default_cadence",
                            models.CharField(
                                choices=[
                                    ("weekly", "Weekly"),
                                    ("every_two_weeks", "Every two weeks"),
                                    ("twice_a_month", "Twice a month"),
                                    ("monthly", "Monthly"),
                                    ("every_n_weeks", "Every N weeks"),
                                ],
                                default="every_two_weeks",
                                max_length=20,
                            ),
                        ),
                        ("default_call_minutes", mentoring.bounds.CallMinutesField(default=30)),
                        (
                            "match_weights",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Weight of each matching criterion; empty means the defaults.",
                            ),
                        ),
                        (
                            "min_match_score",
                            models.PositiveSmallIntegerField(
                                default=40,
                                help_text="Below this score a protégé stays unmatched rather than badly matched.",
                                validators=[django.core.validators.MaxValueValidator(100)],
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "admins",
                            models.ManyToManyField(
                                blank=True, related_name="programs_run", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnerships_program",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Participant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[("mentor", "Mentor"), ("protege", "Protégé")], max_length=10
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("invited", "Invited"),
                                    ("active", "Active"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                default="active",
                                max_length=10,
                            ),
                        ),
                        (
                            "intro",
                            mentoring.bounds.MultiLineTextField(
                                blank=True,
                                help_text="Mentors: your work experience, why you mentor, earlier partnerships. Sharing this first is how trust starts.",
                                max_length=2000,
                            ),
                        ),
                        (
                            "strengths",
                            mentoring.bounds.MultiLineTextField(
                                blank=True, max_length=1000, verbose_name="strengths offered"
                            ),
                        ),
                        (
                            "challenges",
                            mentoring.bounds.MultiLineTextField(
                                blank=True, max_length=1000, verbose_name="challenges sought"
                            ),
                        ),
                        (
                            "methods",
                            models.JSONField(
                                blank=True, default=list, verbose_name="preferred communication methods"
                            ),
                        ),
                        (
                            "preferred_cadence",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("weekly", "Weekly"),
                                    ("every_two_weeks", "Every two weeks"),
                                    ("twice_a_month", "Twice a month"),
                                    ("monthly", "Monthly"),
                                    ("every_n_weeks", "Every N weeks"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "capacity",
                            models.PositiveSmallIntegerField(
                                default=1,
                                help_text="Mentors: how many protégés at once.",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(10),
                                ],
                            ),
                        ),
                        ("load", models.PositiveSmallIntegerField(default=0, editable=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="participations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="participants",
                                to="programs.program",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnerships_participant",
                        "ordering": ["program", "role", "user__display_name"],
                    },
                ),
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254)),
                        ("name", mentoring.bounds.SingleLineCharField(blank=True, max_length=120)),
                        (
                            "role",
                            models.CharField(
                                choices=[("mentor", "Mentor"), ("protege", "Protégé")], max_length=10
                            ),
                        ),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("expires_at", models.DateTimeField()),
                        ("accepted_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "accepted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="programs.program",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnerships_invitation",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="DraftMatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("score", models.PositiveSmallIntegerField()),
                        ("reasons", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "mentor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="draft_mentees",
                                to="programs.participant",
                            ),
                        ),
                        (
                            "protege",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="draft_match",
                                to="programs.participant",
                            ),
                        ),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="draft_matches",
                                to="programs.program",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnerships_draftmatch",
                        "ordering": ["-score", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Topic",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", mentoring.bounds.SingleLineCharField(max_length=80)),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="topics",
                                to="programs.program",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnerships_topic",
                        "ordering": ["name"],
                    },
                ),
                migrations.AddField(
                    model_name="participant",
                    name="topics_offered",
                    field=models.ManyToManyField(blank=True, related_name="offered_by", to="programs.topic"),
                ),
                migrations.AddField(
                    model_name="participant",
                    name="topics_sought",
                    field=models.ManyToManyField(blank=True, related_name="sought_by", to="programs.topic"),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("ends_on__isnull", True), ("ends_on__gt", models.F("starts_on")), _connector="OR"
                        ),
                        name="program_ends_after_start",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("engagement_months__gte", 1), ("engagement_months__lte", 36)),
                        name="program_engagement_months_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("default_call_minutes__gte", 15), ("default_call_minutes__lte", 120)
                        ),
                        name="program_call_minutes_range",
                        violation_error_message="Choose a call length from 15 to 120 minutes.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("min_match_score__lte", 100)), name="program_min_score_range"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("starts_on__isnull", True),
                            models.Q(
                                ("starts_on__gte", datetime.date(2000, 1, 1)),
                                ("starts_on__lt", datetime.date(2100, 1, 1)),
                            ),
                            _connector="OR",
                        ),
                        name="program_starts_on_in_range",
                        violation_error_message="This date is outside the years the program can hold.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("ends_on__isnull", True),
                            models.Q(
                                ("ends_on__gte", datetime.date(2000, 1, 1)),
                                ("ends_on__lt", datetime.date(2100, 1, 1)),
                            ),
                            _connector="OR",
                        ),
                        name="program_ends_on_in_range",
                        violation_error_message="This date is outside the years the program can hold.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="program",
                    constraint=models.CheckConstraint(
                        condition=django.db.models.lookups.LessThanOrEqual(
                            django.db.models.functions.text.Length("description"), 2000
                        ),
                        name="program_description_length",
                        violation_error_message="Keep it to 2000 characters.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="invitation",
                    constraint=models.UniqueConstraint(
                        django.db.models.functions.text.Lower("email"),
                        models.F("program"),
                        condition=models.Q(("accepted_at__isnull", True), ("revoked_at__isnull", True)),
                        name="invitation_one_open_per_email",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="invitation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("accepted_at__isnull", True), ("revoked_at__isnull", True), _connector="OR"
                        ),
                        name="invitation_not_accepted_and_revoked",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="invitation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "name__regex",
                                "[\\x01-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890-\\u0891\\u08e2\\u180e\\u200b\\u200e-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\U000110bd\\U000110cd\\U00013430-\\U0001343f\\U0001bca0-\\U0001bca3\\U0001d173-\\U0001d17a\\U000e0001\\U000e0020-\\U000e007f]",
                            ),
                            _negated=True,
                        ),
                        name="invitation_name_one_line",
                        violation_error_message="Keep it to one line, without control or formatting characters.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="draftmatch",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("score__lte", 100)), name="draftmatch_score_range"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="topic",
                    constraint=models.UniqueConstraint(
                        fields=("program", "name"), name="topic_unique_per_program"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="participant",
                    constraint=models.UniqueConstraint(
                        fields=("program", "user"), name="participant_once_per_program"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="participant",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("capacity__gte", 1), ("capacity__lte", 10)),
                        name="participant_capacity_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="participant",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("load__lte", models.F("capacity"))),
                        name="participant_within_capacity",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="participant",
                    constraint=models.CheckConstraint(
                        condition=django.db.models.lookups.LessThanOrEqual(
                            django.db.models.functions.text.Length("intro"), 2000
                        ),
                        name="participant_intro_length",
                        violation_error_message="Keep it to 2000 characters.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="participant",
                    constraint=models.CheckConstraint(
                        condition=django.db.models.lookups.LessThanOrEqual(
                            django.db.models.functions.text.Length("strengths"), 1000
                        ),
                        name="participant_strengths_length",
                        violation_error_message="Keep it to 1000 characters.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="participant",
                    constraint=models.CheckConstraint(
                        condition=django.db.models.lookups.LessThanOrEqual(
                            django.db.models.functions.text.Length("challenges"), 1000
                        ),
                        name="participant_challenges_length",
                        violation_error_message="Keep it to 1000 characters.",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("programs"), content_types_to("partnerships")),
    ]
