"""Writes of a program's profile questions, for its admins
(DESIGN.md, "Programs run by their admins": profile questions).

Nothing with an answer is deleted: a question leaves by being retired, and a
choice that someone chose is retired when its line is taken away, so every
answer stays readable. Each write is one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Choice, Program, Question
from ..models.questions import CHOICE_KINDS, CHOICES_MAX, Audience

KIND_LOCKED = gettext_lazy(
    "People have answered this question, so its kind of answer stays as it is. "
    "To ask it another way, retire it and add a new question."
)


def _set_choices(question: Question, labels: list[str]) -> None:
    """Makes ``labels`` the question's current choices, in that order. A
    current choice whose label (any case) is in ``labels`` stays, relabelled as
    typed; a retired one comes back; a new label is a new choice; a current
    choice left out is retired when someone chose it and deleted otherwise.
    Refuses (``choices``) when the current and retired choices would pass
    ``CHOICES_MAX``."""
    existing = list(Choice.objects.select_for_update().filter(question=question).order_by("pk"))
    wanted = {label.casefold(): position for position, label in enumerate(labels)}
    now = timezone.now()
    kept: dict[str, Choice] = {}  # by label: the choice that stays, a current one before a retired one
    for choice in existing:
        key = choice.label.casefold()
        if key in wanted and (key not in kept or (kept[key].retired_at and not choice.retired_at)):
            kept[key] = choice
    answered = set(
        Choice.objects.filter(pk__in=[c.pk for c in existing], answers__isnull=False).values_list(
            "pk", flat=True
        )
    )
    leaving = [c for c in existing if c not in kept.values() and c.retired_at is None]
    deleted = [c.pk for c in leaving if c.pk not in answered]
    staying_retired = sum(1 for c in existing if c not in kept.values() and c.pk not in deleted)
    if len(labels) + staying_retired > CHOICES_MAX:
        raise ValidationError(
            {
                "choices": _(
                    "A question holds at most %(max)s choices, retired ones included "
                    "(%(retired)s here): take some lines away."
                )
                % {"max": CHOICES_MAX, "retired": staying_retired}
            }
        )
    Choice.objects.filter(pk__in=deleted).delete()
    Choice.objects.filter(pk__in=[c.pk for c in leaving if c.pk in answered]).update(retired_at=now)
    # Retired first, then renumbered: the unique label of current choices never sees two at once.
    for label in labels:
        position = wanted[label.casefold()]
        if (staying := kept.get(label.casefold())) is None:
            Choice.objects.create(question=question, label=label, position=position)
        else:
            staying.label, staying.position, staying.retired_at = label, position, None
            staying.save(update_fields=["label", "position", "retired_at"])


def _check(kind: str, weight: int, rule: str, audience: str) -> None:
    # The form says these beside the field; here they hold for any caller.
    if kind not in CHOICE_KINDS and (rule or weight):
        raise ValidationError({"rule": _("Only a question with choices can count in matching.")})
    if weight and not rule:
        raise ValidationError({"rule": _("Choose a rule for a weight above 0.")})
    if weight and audience != Audience.BOTH:
        raise ValidationError(
            {"audience": _("A question that counts in matching compares a mentor's answer with a protégé's.")}
        )


@transaction.atomic
def question_create(
    *,
    program: Program,
    text: str,
    kind: str,
    help_text: str = "",
    audience: str = "both",
    required: bool = False,
    weight: int = 0,
    rule: str = "",
    choices: list[str] | None = None,
) -> Question:
    """A new question at the end of ``program``'s list, with ``choices`` (labels,
    in order) when ``kind`` is a choice kind. Raises ``ValidationError`` by field
    as ``_check`` and ``_set_choices`` say."""
    _check(kind, weight, rule, audience)
    Program.objects.select_for_update().filter(pk=program.pk).first()  # one position at a time
    last = Question.objects.filter(program=program).aggregate(last=Max("position"))["last"]
    question = Question.objects.create(
        program=program,
        text=text,
        help_text=help_text,
        kind=kind,
        audience=audience,
        required=required,
        weight=weight,
        rule=rule,
        position=0 if last is None else last + 1,
    )
    if kind in CHOICE_KINDS:
        _set_choices(question, choices or [])
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    kind: str,
    help_text: str = "",
    audience: str = "both",
    required: bool = False,
    weight: int = 0,
    rule: str = "",
    choices: list[str] | None = None,
) -> Question:
    """Changes ``question`` as ``question_create`` makes one. Answers stay
    readable: the kind of a question with answers cannot change (``kind``
    refused), and a choice someone chose is retired, not deleted, when its line
    is taken away."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    _check(kind, weight, rule, audience)
    if kind != question.kind and question.answers.exists():
        raise ValidationError({"kind": KIND_LOCKED}, code="kind_locked")
    question.text, question.help_text, question.kind = text, help_text, kind
    question.audience, question.required, question.weight, question.rule = audience, required, weight, rule
    question.save()
    if kind in CHOICE_KINDS:
        _set_choices(question, choices or [])
    return question


@transaction.atomic
def question_move(*, question: Question, up: bool) -> bool:
    """Swaps ``question`` with the current question before it (``up``) or after
    it in the program's order. False when it is already first or last."""
    questions = list(Question.objects.current().select_for_update().filter(program_id=question.program_id))
    at = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    other = None if at is None else at - 1 if up else at + 1
    if at is None or other is None or not 0 <= other < len(questions):
        return False
    questions[at], questions[other] = questions[other], questions[at]
    for position, q in enumerate(questions):  # renumbered: equal positions left from older lists
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])
    return True


@transaction.atomic
def question_retire(*, question: Question) -> Question:
    """``question`` is no longer asked nor counted in matching; its answers stay.
    Idempotent: a retired question keeps the moment it was first retired."""
    Question.objects.filter(pk=question.pk, retired_at__isnull=True).update(retired_at=timezone.now())
    question.refresh_from_db()
    return question
