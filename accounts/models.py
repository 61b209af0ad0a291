import zoneinfo
from functools import cache, cached_property
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

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

    email = models.EmailField("email address", unique=True)
    display_name = SingleLineCharField(
        max_length=120, blank=True, help_text="How you are shown to the people in your programs."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        help_text="Reminders and call times are shown in this time zone.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the site administration.")
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
