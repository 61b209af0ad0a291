import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from mentoring.bounds.calls import CallMinutesField, call_minutes_in_range
from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import MultiLineTextField, SingleLineCharField, text_within
from programs.models import CURRENT_PAIR_STATUSES, Cadence, Method, PairStatus, Participant, Program
from programs.rhythms import Rhythm


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def of(self, user) -> "PartnershipQuerySet":
        """The partnerships this person is in, as mentor or as protégé."""
        # A union of two index lookups (participant by user, partnership by
        # mentor or protégé); an OR across both would scan every partnership.
        as_mentor = Partnership.objects.filter(mentor__user=user).values("pk")
        as_protege = Partnership.objects.filter(protege__user=user).values("pk")
        return self.filter(pk__in=as_mentor.union(as_protege, all=True))

    def with_people(self) -> "PartnershipQuerySet":
        return self.select_related("program", "mentor__user", "protege__user")

    def with_agreed_rhythm(self) -> "PartnershipQuerySet":
        """Adds ``agreed_cadence`` and ``agreed_every_weeks``: the version in force's
        (None before one is): see ``schedule.agreed_rhythm``."""
        in_force = Agreement.objects.filter(
            partnership=models.OuterRef("pk"), status=Agreement.Status.IN_FORCE
        )
        return self.annotate(
            agreed_cadence=models.Subquery(in_force.values("cadence")[:1]),
            agreed_every_weeks=models.Subquery(in_force.values("every_weeks")[:1]),
        )


class Partnership(models.Model):
    Status = PairStatus

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="partnerships")
    mentor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mentoring")
    protege = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mentored_by")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    started_on = models.DateField(null=True, blank=True)
    planned_end_on = models.DateField(null=True, blank=True)
    ended_reason = MultiLineTextField(
        max_length=500, blank=True, help_text=gettext_lazy("Why it ended early; no blame.")
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    match_score = models.PositiveSmallIntegerField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The schedule (partnerships.schedule) counts from these. The actual next
    # call is set by either side; the calls expected after it keep its local
    # time in the zone it was set in, across daylight-saving changes.
    next_call_at = models.DateTimeField(null=True, blank=True)
    next_call_time_zone = models.CharField(max_length=64, blank=True)
    next_call_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The set call as both people's calendars know it from its invitation
    # (RFC 5545 UID and SEQUENCE, ``partnerships.invitations``): the UID stays
    # while the call is moved, and SEQUENCE goes up with every change, so a
    # calendar updates the one event; a new call (after this one has passed)
    # gets a new UID. Empty and 0 while no call is set.
    next_call_uid = models.CharField(max_length=255, blank=True)
    next_call_sequence = models.PositiveIntegerField(default=0)
    # When the last call was held. The call log (sessions_log) keeps it; until
    # then, a set next call whose time has passed counts as the last call.
    last_call_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Goes up whenever anything shown on the pair's pages changes: this row, a
    # row of the pair's (agreements, goals, ratings, calls, homework, …), either
    # person's account or participation, or the program. PostgreSQL triggers
    # keep it (migrations partnerships 0008, goals 0003, sessions_log 0004), so
    # no write, bulk or raw, can miss it; never set it in Python. The page
    # cache keys a pair's pages on it (``access.cached_pair_page``).
    page_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A protégé has one current mentor in a program.
            models.UniqueConstraint(
                fields=["protege"],
                condition=Q(status__in=CURRENT_PAIR_STATUSES),
                name="partnership_one_current_per_protege",
            ),
            models.CheckConstraint(condition=~Q(mentor=models.F("protege")), name="partnership_two_people"),
            models.CheckConstraint(
                condition=Q(match_score__isnull=True) | Q(match_score__lte=100),
                name="partnership_score_range",
            ),
            stored_in_range("started_on", name="partnership_started_on_in_range"),
            stored_in_range("planned_end_on", name="partnership_planned_end_on_in_range"),
            stored_in_range("next_call_at", name="partnership_next_call_at_in_range", datetime_field=True),
            text_within("ended_reason", 500, name="partnership_ended_reason_length"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.user} & {self.protege.user}"

    @property
    def is_current(self) -> bool:
        """Proposed or active (``programs.models.CURRENT_PAIR_STATUSES``)."""
        return self.status in CURRENT_PAIR_STATUSES

    def side_of(self, user) -> Participant.Role:
        """Which side of the pair ``user`` is: the mentor or the protégé. Anyone
        else is refused (a ``ValidationError``, as a service refuses); the pair's
        pages only reach a partnership through ``access.get_partnership_for``."""
        if user.pk == self.mentor.user_id:
            return Participant.Role.MENTOR
        if user.pk == self.protege.user_id:
            return Participant.Role.PROTEGE
        raise ValidationError(gettext("Only the mentor or the protégé of this partnership can do this."))

    def other_side(self, user) -> Participant:
        """The other person of the pair, as ``user`` (``side_of``) sees it."""
        return self.protege if self.side_of(user) == Participant.Role.MENTOR else self.mentor

    @property
    def began_on(self):
        """The day the partnership began: its start, or its match before it started.
        Nothing of the pair (a call, homework) is dated before it."""
        return self.started_on or timezone.localdate(self.created_at)


# --- The agreement: how a pair works together (issue 5) ---

# In the language of the person who proposes the first version (a lazy text: the
# form shows it, and the model's default saves it, in the active language).
DEFAULT_GROUND_RULES = gettext_lazy(
    "Be honest with each other, even when it is uncomfortable.\n"
    "Say after each call whether it was useful, and what would make the next one better.\n"
    "What we talk about stays between us, unless we both agree to share it.\n"
    "If one of us needs to move a call, we say so at least a day before."
)


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def current(self) -> "AgreementQuerySet":
        """The version in force and the proposal waiting for acceptance, if any."""
        return self.filter(status__in=[Agreement.Status.PROPOSED, Agreement.Status.IN_FORCE])

    def terms_only(self) -> "AgreementQuerySet":
        """What a program admin may see: the terms, never what success means to
        the protégé (not even loaded from the database)."""
        return self.defer("success", "ground_rules", "change_note", "location")


class Agreement(models.Model):
    """One version of a pair's agreement, the "set clear expectations" step of
    their first meeting. A version is never edited: a change is a new version
    that both accept again, and earlier ones stay readable. The proposer accepts
    by proposing; a version is in force only once the other side accepts it too."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", gettext_lazy("Waiting for acceptance")
        IN_FORCE = "in_force", gettext_lazy("In force")
        SUPERSEDED = "superseded", gettext_lazy("Replaced by a later version")
        SET_ASIDE = "set_aside", gettext_lazy("Set aside for a newer proposal")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_by_role = models.CharField(max_length=10, choices=Participant.Role)
    change_note = SingleLineCharField(gettext_lazy("what changes and why"), max_length=300, blank=True)

    cadence = models.CharField(gettext_lazy("how often you meet"), max_length=20, choices=Cadence)
    every_weeks = models.PositiveSmallIntegerField(
        gettext_lazy("every how many weeks"), null=True, blank=True
    )
    call_minutes = CallMinutesField(gettext_lazy("call length (minutes)"))
    checkin_minutes = models.PositiveSmallIntegerField(gettext_lazy("check-in and homework recap"))
    topic_minutes = models.PositiveSmallIntegerField(gettext_lazy("the deeper topic"))
    prepare_minutes = models.PositiveSmallIntegerField(gettext_lazy("preparing the next call"))
    method = models.CharField(gettext_lazy("how you meet"), max_length=10, choices=Method)
    # RFC 5545 LOCATION of the pair's call invitations: a video link, a phone
    # number or a place. Between the pair: an admin's view of the terms leaves it out.
    location = SingleLineCharField(
        gettext_lazy("where you meet"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "A video call link, a phone number or a place. It goes into your calendar invitations."
        ),
    )
    async_welcome = models.BooleanField(gettext_lazy("contact between calls is welcome"), default=True)
    agenda_owner = models.CharField(
        gettext_lazy("who owns the agenda"),
        max_length=10,
        choices=Participant.Role,
        default=Participant.Role.PROTEGE,
    )
    ground_rules = MultiLineTextField(max_length=2000, default=DEFAULT_GROUND_RULES)
    first_review_on = models.DateField(gettext_lazy("first review of goals"))
    ends_on = models.DateField(gettext_lazy("end of the partnership"))
    success = MultiLineTextField(gettext_lazy("what success means to the protégé"), max_length=2000)

    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    protege_accepted_at = models.DateTimeField(null=True, blank=True)
    in_force_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [
            # Also the index of "every version of this partnership, newest first"
            # (selectors.agreement_page).
            models.UniqueConstraint(fields=["partnership", "version"], name="agreement_version_unique"),
            # One version in force and one open proposal per partnership; also the
            # partial indexes of selectors.home_for and partnership_page (current()).
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(status="in_force"), name="agreement_one_in_force"
            ),
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(status="proposed"), name="agreement_one_open_proposal"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "set_aside"])
                | Q(
                    mentor_accepted_at__isnull=False,
                    protege_accepted_at__isnull=False,
                    in_force_at__isnull=False,
                ),
                name="agreement_in_force_only_when_both_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(status="proposed")
                | Q(mentor_accepted_at__isnull=True)
                | Q(protege_accepted_at__isnull=True),
                name="agreement_proposal_waits_for_one_side",
            ),
            call_minutes_in_range("call_minutes", name="agreement_call_minutes_range"),
            models.CheckConstraint(
                condition=Q(
                    call_minutes=models.F("checkin_minutes")
                    + models.F("topic_minutes")
                    + models.F("prepare_minutes")
                ),
                name="agreement_time_boxes_fill_the_call",
                violation_error_message=gettext_lazy("The call's time boxes must add up to the call length."),
            ),
            models.CheckConstraint(
                # isnull=False too: in SQL, a NULL N would make the check unknown, which passes.
                condition=Q(
                    cadence="every_n_weeks", every_weeks__isnull=False, every_weeks__gte=1, every_weeks__lte=8
                )
                | (~Q(cadence="every_n_weeks") & Q(every_weeks__isnull=True)),
                name="agreement_every_n_weeks_range",
                violation_error_message=gettext_lazy(
                    "“Every N weeks” needs N from 1 to 8, and other cadences none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("first_review_on")),
                name="agreement_review_before_end",
                violation_error_message=gettext_lazy(
                    "The first review must come before the end of the partnership."
                ),
            ),
            stored_in_range("first_review_on", name="agreement_first_review_on_in_range"),
            stored_in_range("ends_on", name="agreement_ends_on_in_range"),
            # Every version is shown on the agreement page: a long text would repeat in each.
            text_within("ground_rules", 2000, name="agreement_ground_rules_length"),
            text_within("success", 2000, name="agreement_success_length"),
        ]

    def __str__(self) -> str:
        return gettext("Agreement v%(version)d of partnership %(id)s") % {
            "version": self.version,
            "id": self.partnership_id,
        }

    def accepted_at(self, role: str):
        return self.mentor_accepted_at if role == Participant.Role.MENTOR else self.protege_accepted_at

    @property
    def waiting_for_role(self) -> str | None:
        """The side whose acceptance this proposal waits for; None once in force."""
        if self.status != self.Status.PROPOSED:
            return None
        return Participant.Role.PROTEGE if self.mentor_accepted_at else Participant.Role.MENTOR

    @property
    def time_boxes(self) -> list[tuple[str, int]]:
        """The call's structure, in order."""
        return [
            (gettext("Check-in and homework recap"), self.checkin_minutes),
            (gettext("Deeper topic"), self.topic_minutes),
            (gettext("Preparing the next call"), self.prepare_minutes),
        ]

    @property
    def cadence_text(self) -> str:
        return Rhythm.of(self).text


class ClosingReflection(models.Model):
    """What one side of a pair takes away when the partnership ends. Between the
    pair: program admins never see it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="closing_reflections")
    role = models.CharField(max_length=10, choices=Participant.Role)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = MultiLineTextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "role"], name="reflection_one_per_side"),
            text_within("text", 1000, name="reflection_text_length"),
        ]

    def __str__(self) -> str:
        if self.role == Participant.Role.MENTOR:
            return gettext("The mentor's reflection on partnership %(id)s") % {"id": self.partnership_id}
        return gettext("The protégé's reflection on partnership %(id)s") % {"id": self.partnership_id}


class CalendarFeed(models.Model):
    """A person's private calendar link (/calendar/<token>.ics). The token is
    kept as it is, not hashed, so the profile page can show the link again to
    subscribe on another device; resetting it makes the old link return 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return gettext("Calendar feed of %(user)s") % {"user": self.user}

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
