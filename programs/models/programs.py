import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.calls import CallMinutesField, call_minutes_in_range
from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import (
    MultiLineTextField,
    SingleLineCharField,
    single_line_in_database,
    text_within,
)


class Cadence(models.TextChoices):
    """How often a pair meets. Mentors in practice range from weekly to every 4–6 weeks."""

    WEEKLY = "weekly", _("Weekly")
    EVERY_TWO_WEEKS = "every_two_weeks", _("Every two weeks")
    TWICE_A_MONTH = "twice_a_month", _("Twice a month")
    MONTHLY = "monthly", _("Monthly")
    EVERY_N_WEEKS = "every_n_weeks", _("Every N weeks")


class Method(models.TextChoices):
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    IN_PERSON = "in_person", _("In person")
    CHAT = "chat", _("Chat")


class PairStatus(models.TextChoices):
    """Where a mentor–protégé partnership is (``partnerships.Partnership.status``)."""

    PROPOSED = "proposed", pgettext_lazy("partnership status", "Proposed")
    ACTIVE = "active", pgettext_lazy("partnership status", "Active")
    COMPLETED = "completed", pgettext_lazy("partnership status", "Completed")
    ENDED = "ended", pgettext_lazy("partnership status", "Ended early")


# A partnership is current while it is proposed or active: it takes a mentor's
# place and the protégé's one mentor. The one definition of "current".
CURRENT_PAIR_STATUSES = (PairStatus.PROPOSED, PairStatus.ACTIVE)


class MatchingMode(models.TextChoices):
    """Who makes a program's matches (DESIGN.md, "Programs run by their admins")."""

    ADMIN = "admin", _("Admins match")
    REQUESTS = "requests", _("Protégés request a mentor")
    BOTH = "both", _("Both: admins match and protégés request")


class JoinRole(models.TextChoices):
    """What joining a program by the domain of one's address makes of a person."""

    MENTOR = "mentor", _("Mentor")
    PROTEGE = "protege", _("Protégé")
    EITHER = "either", _("Either: they choose")


class ProgramQuerySet(models.QuerySet["Program"]):
    def run_by(self, user) -> "ProgramQuerySet":
        return self.filter(admins=user)


class Program(models.Model):
    name = SingleLineCharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = MultiLineTextField(max_length=2000, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    engagement_months = models.PositiveSmallIntegerField(
        _("default engagement length (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("Six months is typical."),
    )
    default_cadence = models.CharField(max_length=20, choices=Cadence, default=Cadence.EVERY_TWO_WEEKS)
    default_call_minutes = CallMinutesField(default=30)
    admins = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="programs_run", blank=True)
    match_weights = models.JSONField(
        default=dict, blank=True, help_text=_("Weight of each matching criterion; empty means the defaults.")
    )
    default_checkin_minutes = models.PositiveSmallIntegerField(
        _("check-in and homework recap (minutes)"), null=True, blank=True
    )
    default_topic_minutes = models.PositiveSmallIntegerField(
        _("the deeper topic (minutes)"), null=True, blank=True
    )
    default_prepare_minutes = models.PositiveSmallIntegerField(
        _("preparing the next call (minutes)"), null=True, blank=True
    )
    matching_mode = models.CharField(
        _("matching"), max_length=10, choices=MatchingMode, default=MatchingMode.ADMIN
    )
    requests_need_approval = models.BooleanField(_("an admin approves each accepted request"), default=False)
    request_expiry_days = models.PositiveSmallIntegerField(
        _("a request expires after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many protégés a mentor takes at once unless they say otherwise."),
    )
    # The program this one was cloned from for a new cohort (its settings,
    # topics and questions; never its people or history).
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones"
    )
    min_match_score = models.PositiveSmallIntegerField(
        default=40,
        validators=[MaxValueValidator(100)],
        help_text=_("Below this score a protégé stays unmatched rather than badly matched."),
    )
    # What joining by domain (``ProgramDomain``) makes of a person.
    join_role = models.CharField(
        _("people who join by their address join as"),
        max_length=10,
        choices=JoinRole,
        default=JoinRole.EITHER,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        db_table = "partnerships_program"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(engagement_months__gte=1, engagement_months__lte=36),
                name="program_engagement_months_range",
            ),
            call_minutes_in_range("default_call_minutes", name="program_call_minutes_range"),
            models.CheckConstraint(condition=Q(min_match_score__lte=100), name="program_min_score_range"),
            models.CheckConstraint(
                condition=Q(join_role__in=JoinRole.values), name="program_join_role_known"
            ),
            stored_in_range("starts_on", name="program_starts_on_in_range"),
            stored_in_range("ends_on", name="program_ends_on_in_range"),
            text_within("description", 2000, name="program_description_length"),
            models.CheckConstraint(
                condition=Q(request_expiry_days__gte=1, request_expiry_days__lte=60),
                name="program_request_expiry_days_range",
            ),
            models.CheckConstraint(
                condition=Q(default_capacity__gte=1, default_capacity__lte=10),
                name="program_default_capacity_range",
            ),
            # The time boxes are all unset (split from the call length by
            # ``partnerships.agreements.default_time_boxes``) or fill the call.
            models.CheckConstraint(
                condition=Q(
                    default_checkin_minutes__isnull=True,
                    default_topic_minutes__isnull=True,
                    default_prepare_minutes__isnull=True,
                )
                | Q(
                    default_call_minutes=models.F("default_checkin_minutes")
                    + models.F("default_topic_minutes")
                    + models.F("default_prepare_minutes")
                ),
                name="program_time_boxes_fill_the_call",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_requests(self) -> bool:
        """Whether protégés may request a mentor themselves."""
        return self.matching_mode in (MatchingMode.REQUESTS, MatchingMode.BOTH)

    @property
    def admins_match(self) -> bool:
        return self.matching_mode in (MatchingMode.ADMIN, MatchingMode.BOTH)


class ProgramDomain(models.Model):
    """A domain whose verified addresses may join the program without a
    personal invitation (``programs.services.join``), as ``Program.join_role``."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="join_domains")
    # Lower-case, no "@" (programs.services.join.clean_domain); 253 is DNS's limit.
    domain = SingleLineCharField(max_length=253)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["program", "domain"], name="program_domain_once"),
            models.CheckConstraint(condition=Q(domain=Lower("domain")), name="program_domain_lower"),
        ]
        indexes = [
            # programs.selectors.join.programs_to_join: the programs of a person's domains.
            models.Index(fields=["domain"], name="program_domain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.domain} → {self.program_id}"


class Topic(models.Model):
    """A topic on the program's list, offered by mentors and sought by protégés."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="topics")
    name = SingleLineCharField(max_length=80)

    class Meta:
        db_table = "partnerships_topic"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="topic_unique_per_program")]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """A person's membership of one program, in one role."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        PROTEGE = "protege", _("Protégé")

    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("participant status", "Invited")
        ACTIVE = "active", pgettext_lazy("participant status", "Active")
        WITHDRAWN = "withdrawn", pgettext_lazy("participant status", "Withdrawn")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(max_length=10, choices=Role)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    intro = MultiLineTextField(
        max_length=2000,
        blank=True,
        help_text=_(
            "Mentors: your work experience, why you mentor, earlier partnerships. "
            "Sharing this first is how trust starts."
        ),
    )
    strengths = MultiLineTextField(_("strengths offered"), max_length=1000, blank=True)
    challenges = MultiLineTextField(_("challenges sought"), max_length=1000, blank=True)
    topics_offered = models.ManyToManyField(Topic, related_name="offered_by", blank=True)
    topics_sought = models.ManyToManyField(Topic, related_name="sought_by", blank=True)
    methods = models.JSONField(_("preferred communication methods"), default=list, blank=True)
    preferred_cadence = models.CharField(max_length=20, choices=Cadence, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Mentors: how many protégés at once."),
    )
    # Mentors: partnerships now proposed or active. Kept by the partnership
    # services in the same transaction as the partnership row, so the check
    # constraint below refuses a mentor over capacity even under concurrency.
    load = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "partnerships_participant"
        ordering = ["program", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="participant_once_per_program"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=10), name="participant_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(load__lte=models.F("capacity")), name="participant_within_capacity"
            ),
            text_within("intro", 2000, name="participant_intro_length"),
            text_within("strengths", 1000, name="participant_strengths_length"),
            text_within("challenges", 1000, name="participant_challenges_length"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.program})"

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.load, 0)


class InvitationRole(models.TextChoices):
    """What an invitation makes of the person who accepts it: a participant in
    one role, or one of the program's admins (a co-admin invited by email)."""

    MENTOR = "mentor", _("Mentor")
    PROTEGE = "protege", _("Protégé")
    ADMIN = "admin", _("Program admin")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An emailed invitation to join a program in one role. Only a hash of the
    link's token is stored; resending makes a new link and the old one stops working."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation state", "Waiting")
        EXPIRED = "expired", pgettext_lazy("invitation state", "Expired")
        ACCEPTED = "accepted", pgettext_lazy("invitation state", "Accepted")
        REVOKED = "revoked", pgettext_lazy("invitation state", "Revoked")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = SingleLineCharField(max_length=120, blank=True)
    role = models.CharField(max_length=10, choices=InvitationRole)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        db_table = "partnerships_invitation"
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per person and program (invitation_create reuses it).
            models.UniqueConstraint(
                Lower("email"),
                "program",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
            # The name goes into the invitation email.
            single_line_in_database("name", name="invitation_name_one_line"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.program} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def new_token(self) -> str:
        """Gives the invitation a fresh link token and returns it (only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(token)
        return token

    def state_at(self, now) -> "Invitation.State":
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.PENDING


class DraftMatch(models.Model):
    """One pair of the whole-program proposal: a draft the admin reviews, changes
    pair by pair and publishes at once. Publishing turns it into a Partnership."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="draft_matches")
    protege = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="draft_match")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="draft_mentees")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "partnerships_draftmatch"
        ordering = ["-score", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="draftmatch_score_range"),
        ]

    def __str__(self) -> str:
        return gettext("Draft: %(protege)s with %(mentor)s (%(score)s)") % {
            "protege": self.protege_id,
            "mentor": self.mentor_id,
            "score": self.score,
        }
