import datetime
import zoneinfo
from functools import cache, cached_property
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import SingleLineCharField, single_line_in_database


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone this machine knows, as ``(name, name with spaces)``;
    read from disk once per process."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; the display name is what others see; every
    time shown to this person is in their time zone."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = SingleLineCharField(
        max_length=120, blank=True, help_text=_("How you are shown to the people in your programs.")
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        help_text=_("Reminders and call times are shown in this time zone."),
    )
    # The person's language as a BCP 47 tag ("en-GB"), when known: from the
    # identity provider's ``locale`` at their first single sign-on.
    language = SingleLineCharField(
        max_length=16, blank=True, help_text=_("The language you read the site in.")
    )
    # When the person last saved their weekly hours (``WeeklyHours``); until
    # then they count as available on weekdays from 09:00 to 17:00.
    availability_set_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("Can sign in to the site administration."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            # Emails are stored lower-cased; this keeps two spellings of one address out.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=~models.Q(email=""), name="user_email_not_blank"),
            # A display name goes into email headers: a line break there loses the email.
            single_line_in_database("display_name", name="user_display_name_one_line"),
        ]
        indexes = [
            # Lists of people by name walk this instead of sorting everyone: the program
            # overview's first page of pairs (partnerships.selectors.HEALTH_SORTS).
            models.Index(fields=["display_name", "id"], name="user_display_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @cached_property
    def sees_programs(self) -> bool:
        """Whether the header links to the programs page: this person runs a
        program or may create one (the ``programs.add_program`` permission, given
        to them or a group of theirs, or as a superuser). One query, once per
        request's user; ``home.scopes`` answers it too, in its own query."""
        create = {"codename": "add_program", "content_type__app_label": "programs"}
        return (
            type(self)
            .objects.filter(pk=self.pk)
            .filter(
                Q(programs_run__isnull=False)
                | Q(is_superuser=True)
                | Q(**{f"user_permissions__{key}": value for key, value in create.items()})
                | Q(**{f"groups__permissions__{key}": value for key, value in create.items()})
            )
            .exists()
        )

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


# --- A person's availability for calls (``partnerships.scheduling`` reads it) ---

# Until a person sets their weekly hours: weekdays (Monday=0 … Friday=4), 09:00 to 17:00.
DEFAULT_WEEKLY_HOURS = {weekday: (datetime.time(9), datetime.time(17)) for weekday in range(5)}


class Weekday(models.IntegerChoices):
    """Days as ``datetime.date.weekday()`` counts them (ISO 8601 weekday − 1).
    Their labels stand alone (a row of the weekly hours), so they are
    translated apart from the day names inside dates (Spanish "Lunes" here,
    "lunes, 1 de …" there)."""

    MONDAY = 0, pgettext_lazy("weekday, as a label", "Monday")
    TUESDAY = 1, pgettext_lazy("weekday, as a label", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("weekday, as a label", "Wednesday")
    THURSDAY = 3, pgettext_lazy("weekday, as a label", "Thursday")
    FRIDAY = 4, pgettext_lazy("weekday, as a label", "Friday")
    SATURDAY = 5, pgettext_lazy("weekday, as a label", "Saturday")
    SUNDAY = 6, pgettext_lazy("weekday, as a label", "Sunday")


class WeeklyHours(models.Model):
    """The hours of one weekday when a person can take calls, on their own
    clock (``User.time_zone``, so they keep their local time across
    daylight-saving changes). A weekday without a row is not available, once
    the person has set their hours (``User.availability_set_at``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["user", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["user", "weekday"], name="weekly_hours_one_per_weekday"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday_range"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="weekly_hours_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class DayAway(models.Model):
    """Days a person is away (holiday, leave), both ends included, on their own
    calendar: no call is offered on them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="days_away")
    first_day = models.DateField()
    last_day = models.DateField()
    note = SingleLineCharField(max_length=100, blank=True)

    class Meta:
        ordering = ["user", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="day_away_first_before_last"
            ),
            stored_in_range("first_day", name="day_away_first_day_in_range"),
            stored_in_range("last_day", name="day_away_last_day_in_range"),
        ]

    def __str__(self) -> str:
        return gettext("Away %(first_day)s to %(last_day)s") % {
            "first_day": self.first_day,
            "last_day": self.last_day,
        }
