"""A program's surveys, their questions, and each person's private answers.

A **pulse** survey goes to each active pair ``first_after_days`` after it
started and then every ``every_days`` (or once, when that is empty); a
**closing** survey goes once, when a partnership completes or ends early. A
*round* is one sending of a survey to one pair: ``"1"``, ``"2"``… for a pulse,
``"end"`` for a closing survey. Sending goes through the reminder ledger (the
``reminders`` app's survey rule); the first email of a round makes the
person's ``SurveyResponse`` (asked, not yet answered), and answering fills it.

Answers are private: no admin page shows one person's answers, and
``scores.FLOOR`` holds every aggregate back until enough people answered.
A free-text answer reaches the program team only when its author ticked
``SurveyResponse.shared``.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import MultiLineTextField, SingleLineCharField, text_within
from partnerships.models import Partnership
from programs.models import Program
from programs.models.questions import Audience

FIRST_AFTER_DAYS = (1, 365)
EVERY_DAYS = (14, 365)
# How long a round takes answers after its first email, and when the one
# reminder goes to those who have not answered.
ANSWER_DAYS = 14
REMIND_AFTER_DAYS = 5
QUESTIONS_MAX = 12
CHOICES_MAX = 8
SCALE_MIN, SCALE_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10
CLOSING_ROUND = "end"


class SurveyKind(models.TextChoices):
    PULSE = "pulse", _("Pulse: after the match, then at intervals")
    CLOSING = "closing", _("Closing: when a partnership ends")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Agreement, from 1 (strongly disagree) to 5 (strongly agree)")
    CHOICE = "choice", _("One choice from a list")
    TEXT = "text", _("Short text")
    NPS = "nps", _("How likely to recommend, 0 to 10")


class SurveyQuerySet(models.QuerySet["Survey"]):
    def sending(self) -> "SurveyQuerySet":
        """Surveys that send new rounds: not paused."""
        return self.filter(paused_at__isnull=True)


class Survey(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    title = SingleLineCharField(_("title"), max_length=100)
    kind = models.CharField(_("when it is sent"), max_length=10, choices=SurveyKind)
    audience = models.CharField(_("sent to"), max_length=10, choices=Audience, default=Audience.BOTH)
    first_after_days = models.PositiveSmallIntegerField(
        _("days after the match"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_AFTER_DAYS[0]), MaxValueValidator(FIRST_AFTER_DAYS[1])],
    )
    every_days = models.PositiveSmallIntegerField(
        _("then every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EVERY_DAYS[0]), MaxValueValidator(EVERY_DAYS[1])],
    )
    intro = MultiLineTextField(_("introduction"), max_length=500, blank=True)
    # Rounds due before this day are never sent: a survey set up today does not
    # reach back to pairs matched a year ago.
    opened_on = models.DateField(default=timezone.localdate)
    paused_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["program", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=SurveyKind.PULSE, first_after_days__isnull=False)
                    | Q(kind=SurveyKind.CLOSING, first_after_days__isnull=True, every_days__isnull=True)
                ),
                name="survey_timing_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(first_after_days__isnull=True)
                | Q(first_after_days__gte=FIRST_AFTER_DAYS[0], first_after_days__lte=FIRST_AFTER_DAYS[1]),
                name="survey_first_after_days_range",
            ),
            models.CheckConstraint(
                condition=Q(every_days__isnull=True)
                | Q(every_days__gte=EVERY_DAYS[0], every_days__lte=EVERY_DAYS[1]),
                name="survey_every_days_range",
            ),
            stored_in_range("opened_on", name="survey_opened_on_in_range"),
            text_within("intro", 500, name="survey_intro_length"),
        ]
        indexes = [
            models.Index(fields=["program"], condition=Q(paused_at__isnull=True), name="survey_sending_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pulse(self) -> bool:
        return self.kind == SurveyKind.PULSE

    def round_day(self, started_on: datetime.date, round_key: str) -> datetime.date | None:
        """The day a pulse round is due for a pair that started on ``started_on``
        (round ``"1"`` ``first_after_days`` after it, each next one
        ``every_days`` later); None for the closing round or a key that is no
        pulse round of this survey."""
        if not self.is_pulse or not round_key.isdigit() or self.first_after_days is None:
            return None
        number = int(round_key)
        if number < 1 or (number > 1 and not self.every_days):
            return None
        return started_on + datetime.timedelta(
            days=self.first_after_days + (number - 1) * (self.every_days or 0)
        )


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind)
    text = SingleLineCharField(_("question"), max_length=200)
    # One choice per line (a CHOICE question only), at most CHOICES_MAX, each up to 80 characters.
    choices = MultiLineTextField(_("choices, one per line"), max_length=CHOICES_MAX * 81, blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            text_within("choices", CHOICES_MAX * 81, name="survey_question_choices_length"),
            models.CheckConstraint(
                condition=Q(kind=QuestionKind.CHOICE) | Q(choices=""),
                name="survey_question_choices_only_for_choice",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One person asked one round of a survey about one partnership: made when
    the round's first email is sent (``asked_at``), answered once (``submitted_at``)."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        PROTEGE = "protege", _("Protégé")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="survey_responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_responses"
    )
    role = models.CharField(max_length=10, choices=Role)
    round = models.CharField(max_length=10)
    asked_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    shared = models.BooleanField(_("share my written answers with the program team"), default=False)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "partnership", "respondent", "round"], name="survey_response_once_per_round"
            ),
        ]
        indexes = [
            # The reminder rule: asked, unanswered, by when they were asked.
            models.Index(
                fields=["asked_at"], condition=Q(submitted_at__isnull=True), name="survey_unanswered_idx"
            ),
            # A survey's answered responses (its counts), latest first: the last
            # few answers a published figure leaves out (selectors.published).
            models.Index(
                fields=["survey", "submitted_at", "id"],
                condition=Q(submitted_at__isnull=False),
                name="survey_submitted_order_idx",
            ),
            # The home's to-do list (home.selectors.facts): a pair's rounds waiting for an answer.
            models.Index(
                fields=["partnership", "role"],
                condition=Q(submitted_at__isnull=True),
                name="survey_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} round {self.round} for {self.respondent_id}"

    @property
    def closes_at(self) -> datetime.datetime:
        """When the round stops taking this person's answers."""
        return self.asked_at + datetime.timedelta(days=ANSWER_DAYS)


class SurveyAnswer(models.Model):
    """One answer: ``number`` for a scale (1–5) or NPS (0–10) question,
    ``choice`` for a choice, ``text`` for short text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = SingleLineCharField(max_length=80, blank=True)
    text = MultiLineTextField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__lte=NPS_MAX), name="survey_answer_number_range"
            ),
            text_within("text", 1000, name="survey_answer_text_length"),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk} to question {self.question_id}"
