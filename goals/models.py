"""A protégé's goals in Kumar's three categories, their milestones and history,
the mentor's suggestions, and the protégé's 0–10 progress ratings.

Every text here is written by the pair and stays between the pair: program
admins read numbers only (``selectors.figures.program_goal_trends``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import MultiLineTextField, SingleLineCharField, text_within
from partnerships.models import Partnership

MAX_ACTIVE_PER_CATEGORY = 3  # Kumar: 2–3 objectives in each category
MIN_ACTIVE_PER_CATEGORY = 2  # fewer shows a gentle prompt, never an error
RATING_MIN, RATING_MAX = 0, 10


class Category(models.TextChoices):
    SMART = "smart", _("SMART")
    COMPETENCY = "competency", _("Competency / job skill")
    SITUATION = "situation", _("Real-time situation")


# One line of explanation and an example per category, shown wherever a goal is written.
CATEGORY_GUIDE = {
    Category.SMART: (
        _(
            "Specific, measurable, achievable, relevant and time-bound: a metric, where it is now, "
            "where you want it to be, and by when."
        ),
        _("Improve department retention by 10% by June."),
    ),
    Category.COMPETENCY: (
        _("A skill of your job you want to grow; you judge your progress yourself."),
        _("Negotiating."),
    ),
    Category.SITUATION: (
        _("Putting your skills to work in a live situation you face now; you reflect on how it goes."),
        _("Influence the decision makers on the Atlas migration."),
    ),
}


class GoalQuerySet(models.QuerySet["Goal"]):
    def active(self) -> "GoalQuerySet":
        return self.filter(status=Goal.Status.ACTIVE)

    def in_page_order(self, *first: str) -> "GoalQuerySet":
        """Category by category (SMART, competency, situation), then in the order
        written; after ``first`` (e.g. ``"partnership_id"``) when given."""
        order = models.Case(
            *[models.When(category=c, then=models.Value(i)) for i, c in enumerate(Category.values)],
            output_field=models.IntegerField(),
        )
        return self.order_by(*first, order, "created_at", "pk")


class Goal(models.Model):
    """One objective of the protégé, in their words, with why it matters to them."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    Category = Category

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    category = models.CharField(max_length=12, choices=Category)
    title = SingleLineCharField(_("your goal"), max_length=200)
    why = MultiLineTextField(_("why it matters to you"), max_length=1000)
    # SMART goals only (the constraint below holds it): what is measured and where to.
    metric = SingleLineCharField(_("what you will measure"), max_length=120, blank=True)
    baseline = models.DecimalField(
        _("where it is now"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("where you want it to be"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = SingleLineCharField(max_length=30, blank=True)
    deadline = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    # Which of the category's three places an active goal holds; empty once it
    # is achieved or dropped. The unique constraint on it caps active goals per
    # category in the database, even when two requests add a goal at once.
    slot = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    advances = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advanced_versions",
        help_text=_("The goal this one is a more advanced version of."),
    )
    suggestion = models.OneToOneField(
        "GoalSuggestion",  # i18n: not shown (a model reference)
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goal",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The goal's ratings summed, kept by the database itself (a trigger on
    # goals_progressrating, migration 0004), so that whoever writes a rating
    # keeps them right: the first and the latest value (0–10, by time, then
    # id) and how many there are. The outcome report reads these instead of
    # each goal's ratings.
    first_rating = models.PositiveSmallIntegerField(null=True, editable=False)
    latest_rating = models.PositiveSmallIntegerField(null=True, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # At most three active goals per category and partnership (services.goal_create picks the slot).
            models.UniqueConstraint(
                fields=["partnership", "category", "slot"],
                condition=Q(status="active"),
                name="goal_max_three_active_per_category",
            ),
            models.CheckConstraint(
                condition=Q(
                    status="active", slot__isnull=False, slot__gte=1, slot__lte=MAX_ACTIVE_PER_CATEGORY
                )
                | (~Q(status="active") & Q(slot__isnull=True)),
                name="goal_slot_iff_active",
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_at__isnull=True)
                | (~Q(status="active") & Q(closed_at__isnull=False)),
                name="goal_closed_at_iff_closed",
            ),
            models.CheckConstraint(condition=~Q(title="") & ~Q(why=""), name="goal_title_and_why_given"),
            # A SMART goal carries all of metric, baseline, target, unit and deadline,
            # and a target that differs from the baseline; other goals carry none.
            models.CheckConstraint(
                condition=(
                    Q(category="smart")
                    & ~Q(metric="")
                    & ~Q(unit="")
                    & Q(baseline__isnull=False, target__isnull=False, deadline__isnull=False)
                    & ~Q(target=F("baseline"))
                )
                | (
                    ~Q(category="smart")
                    & Q(metric="", unit="", baseline__isnull=True, target__isnull=True, deadline__isnull=True)
                ),
                name="goal_smart_fields",
            ),
            models.CheckConstraint(condition=~Q(advances=F("pk")), name="goal_does_not_advance_itself"),
            stored_in_range("deadline", name="goal_deadline_in_range"),
            text_within("why", 1000, name="goal_why_length"),
        ]
        indexes = [
            # The goals page and the panels read a partnership's goals in page order.
            models.Index(fields=["partnership", "status"], name="goal_partnership_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_smart(self) -> bool:
        return self.category == Category.SMART

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def metric_progress(self, value) -> int | None:
        """How far ``value`` of the metric has come from the baseline to the target, 0–100 %."""
        if value is None or self.baseline is None or self.target is None or self.target == self.baseline:
            return None
        share = (value - self.baseline) / (self.target - self.baseline)
        return max(0, min(100, round(share * 100)))


class GoalRevision(models.Model):
    """An earlier wording of a goal, kept when the protégé revises it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="revisions")
    title = SingleLineCharField(max_length=200)
    why = MultiLineTextField(max_length=1000)
    metric = SingleLineCharField(max_length=120, blank=True)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = SingleLineCharField(max_length=30, blank=True)
    deadline = models.DateField(null=True, blank=True)
    reason = MultiLineTextField(_("what changed, and why"), max_length=500, blank=True)
    # When this wording was replaced by the next one.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            stored_in_range("deadline", name="goalrevision_deadline_in_range"),
            text_within("why", 1000, name="goalrevision_why_length"),
            text_within("reason", 500, name="goalrevision_reason_length"),
        ]

    def __str__(self) -> str:
        return f"Earlier wording of goal {self.goal_id}: {self.title}"  # i18n: not shown (goals are not in the admin)


class Milestone(models.Model):
    """A short-term step towards a goal, moving daily or weekly."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = SingleLineCharField(_("next step"), max_length=200)
    due_on = models.DateField(pgettext_lazy("a step's due date", "due"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="milestone_title_given"),
            stored_in_range("due_on", name="milestone_due_on_in_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.done_at is not None


class GoalSuggestion(models.Model):
    """A goal the mentor suggests; the protégé accepts it (writing it in their
    own words, with their why) or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the protégé")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    Category = Category

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goal_suggestions")
    category = models.CharField(max_length=12, choices=Category)
    title = SingleLineCharField(_("suggested goal"), max_length=200)
    note = MultiLineTextField(_("why you suggest it"), max_length=1000, blank=True)
    advances = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggested_next"
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="goalsuggestion_decided_at_iff_decided",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="goalsuggestion_title_given"),
            text_within("note", 1000, name="goalsuggestion_note_length"),
        ]

    def __str__(self) -> str:
        return self.title


class RatingRound(models.Model):
    """One sitting of the rating form: the protégé rates every active goal at once,
    at the start (the baseline), at check-ins, and at the end of the partnership."""

    class Point(models.TextChoices):
        BASELINE = "baseline", _("Baseline rating")
        CHECK_IN = "check_in", _("Check-in rating")
        END = "end", _("End-of-partnership rating")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rating_rounds")
    point = models.CharField(max_length=10, choices=Point)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(point="baseline"), name="ratinground_one_baseline"
            ),
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(point="end"), name="ratinground_one_end"
            ),
        ]
        indexes = [
            # The last round of each partnership: when the next rating is due (selectors.ratings).
            models.Index(fields=["partnership", "-created_at"], name="ratinground_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()} of partnership {self.partnership_id}"


class ProgressRating(models.Model):
    """The protégé's 0–10 rating of one goal in one round, with what grounds it:
    the metric's current value (SMART), a self-assessment (competency) or a
    reflection (real-time situation)."""

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="ratings")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    metric_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    self_assessment = MultiLineTextField(max_length=1000, blank=True)
    reflection = MultiLineTextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)  # the round's time, copied for the index

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=RATING_MIN, value__lte=RATING_MAX), name="progressrating_value_0_to_10"
            ),
            models.UniqueConstraint(fields=["round", "goal"], name="progressrating_once_per_round"),
            text_within("self_assessment", 1000, name="progressrating_self_assessment_length"),
            text_within("reflection", 1000, name="progressrating_reflection_length"),
        ]
        indexes = [
            # A goal's ratings in time order; the latest and first per goal (goals.selectors).
            models.Index(fields=["goal", "created_at"], name="progressrating_goal_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.value}/10 for goal {self.goal_id}"

    @property
    def evidence(self) -> str:
        return self.self_assessment or self.reflection
