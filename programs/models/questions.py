"""A program's own profile questions, their choices and each person's answers
(DESIGN.md, "Programs run by their admins": profile questions).

A choice question can feed matching as a criterion: its ``weight`` counts
beside the built-in criteria's (``programs.matching.Weights``) and its
``rule`` says when a mentor's answer fits a protégé's. Nothing with an answer
is deleted: a question or a choice is retired, and answers that name it stay
readable.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import SingleLineCharField

from .programs import Participant, Program

SCALE_MIN, SCALE_MAX = 1, 5
QUESTION_WEIGHT_MAX = 100
CHOICES_MAX = 30  # a question's choices, retired ones included (matching packs them in 64 bits)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    SCALE = "scale", _("A scale from 1 to 5")
    TEXT = "text", _("Short text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Audience(models.TextChoices):
    MENTORS = "mentors", _("Mentors")
    PROTEGES = "proteges", _("Protégés")
    BOTH = "both", _("Mentors and protégés")


class MatchRule(models.TextChoices):
    """When a mentor's answer fits a protégé's, as a fraction 0–1 per pair."""

    SAME = "same", _("Same answer")  # 1 when both chose exactly the same
    OVERLAP = "overlap", _("At least one answer in common")  # 1 when any choice is shared
    COVERS = "covers", _("The mentor's answer covers the protégé's need")  # share of the protégé's choices


class QuestionQuerySet(models.QuerySet["Question"]):
    def current(self) -> "QuestionQuerySet":
        return self.filter(retired_at__isnull=True)

    def criteria(self) -> "QuestionQuerySet":
        """Current choice questions asked of both sides that count in matching
        (a question asked of one side has no answers to compare)."""
        return self.current().filter(kind__in=CHOICE_KINDS, weight__gt=0, audience=Audience.BOTH)


class Question(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    text = SingleLineCharField(_("question"), max_length=200)
    help_text = SingleLineCharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind)
    audience = models.CharField(_("asked of"), max_length=10, choices=Audience, default=Audience.BOTH)
    required = models.BooleanField(_("an answer is required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(
        _("weight in matching"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(QUESTION_WEIGHT_MAX)],
        help_text=_("0 leaves matching alone; the built-in criteria weigh 10 to 45."),
    )
    rule = models.CharField(_("matching rule"), max_length=10, choices=MatchRule, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__lte=QUESTION_WEIGHT_MAX), name="question_weight_range"
            ),
            # A criterion is a choice question with a rule; no rule, no weight.
            models.CheckConstraint(
                condition=Q(weight=0) | (Q(kind__in=CHOICE_KINDS) & ~Q(rule="")),
                name="question_criterion_has_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_criterion(self) -> bool:
        return (
            self.is_choice and self.weight > 0 and self.retired_at is None and self.audience == Audience.BOTH
        )

    def asks(self, role: str) -> bool:
        """Whether this question is asked of a participant in ``role`` (``Participant.Role``)."""
        wanted = Audience.MENTORS if role == Participant.Role.MENTOR else Audience.PROTEGES
        return self.audience in (Audience.BOTH, wanted)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = SingleLineCharField(_("choice"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "question",
                models.functions.Lower("label"),
                condition=Q(retired_at__isnull=True),
                name="choice_label_unique_per_question",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Answer(models.Model):
    """One person's answer to one question, in the program they answered it in."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, related_name="answers", blank=True)
    value = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
    )
    text = SingleLineCharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "question"], name="answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="answer_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.question_id}"
