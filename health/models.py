"""What the health app stores: each partnership's health numbers of the day."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from partnerships.models import Partnership
from programs.models import Program


class HealthNumbers(models.Model):
    """A partnership's health numbers as of a day, kept so the program overview
    reads one row per pair instead of its whole history (``health.services.refresh``).

    Written again in the same transaction as anything that changes them (a call
    logged, homework done, a rating round, an "is it working?" answer, an
    agreement coming into force, the partnership closing: the writer sends
    ``partnerships.signals.pair_changed``), and each night for current pairs, as
    the 90-day window and the homework due move with the date. Numbers only:
    never what a pair writes."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, primary_key=True, related_name="health_numbers"
    )
    # The day the window ends: calls held since 90 days before it; homework due before it.
    as_of = models.DateField()
    # What the agreed cadence expects in the window, and what was held.
    calls_expected = models.PositiveIntegerField(default=0)
    calls_held = models.PositiveIntegerField(default=0)
    homework_assigned = models.PositiveIntegerField(default=0)
    homework_due = models.PositiveIntegerField(default=0)
    homework_done = models.PositiveIntegerField(default=0)
    # Averages (0–10) of the protégé's latest round of goal ratings and the round before.
    rating_latest = models.FloatField(null=True)
    rating_previous = models.FloatField(null=True)
    # The lower of the two sides' latest answers to "is it working?" (1–5).
    working = models.PositiveSmallIntegerField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "partnerships_healthnumbers"  # kept from when it lived in partnerships
        verbose_name_plural = gettext_lazy("health numbers")
        constraints = [
            models.CheckConstraint(
                condition=Q(homework_done__lte=models.F("homework_due"))
                & Q(homework_due__lte=models.F("homework_assigned")),
                name="healthnumbers_homework_counts",
            ),
            models.CheckConstraint(
                condition=Q(rating_latest__isnull=True) | Q(rating_latest__gte=0, rating_latest__lte=10),
                name="healthnumbers_rating_latest_0_10",
            ),
            models.CheckConstraint(
                condition=Q(rating_previous__isnull=True)
                | Q(rating_previous__gte=0, rating_previous__lte=10),
                name="healthnumbers_rating_previous_0_10",
            ),
            models.CheckConstraint(
                condition=Q(working__isnull=True) | Q(working__gte=1, working__lte=5),
                name="healthnumbers_working_1_5",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Health numbers of partnership %(partnership)s as of %(day)s") % {
            "partnership": self.partnership_id,
            "day": self.as_of.isoformat(),
        }


class RatingMonth(models.Model):
    """How many goal ratings a program's protégés gave in one month (UTC) and their
    sum, counted from the ratings and kept (``health.services.refresh_stale_rating_months``),
    so the overview draws the program's rating trend from a few rows instead of
    reading a year of ratings on every view. Numbers only."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    ratings = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)  # the sum of the ratings' values (0–10 each)
    # The day (UTC) it was counted: a month counted before it ended is counted again.
    as_of = models.DateField()

    class Meta:
        constraints = [
            # One row a month; the overview reads a program's latest (services, selectors).
            models.UniqueConstraint(fields=["program", "month"], name="ratingmonth_one_per_month"),
            models.CheckConstraint(
                condition=Q(total__lte=models.F("ratings") * 10), name="ratingmonth_total_0_10_each"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Goal ratings of program %(program)s in %(month)s") % {
            "program": self.program_id,
            "month": f"{self.month:%Y-%m}",
        }

    @property
    def average(self) -> float | None:
        return self.total / self.ratings if self.ratings else None
