"""Reads of a program's profile questions and of people's answers
(DESIGN.md, "Programs run by their admins": profile questions).

Each reader runs a fixed number of queries, whatever the number of questions,
choices, people or answers: the count is in its docstring."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, QuerySet

from ..models import Answer, Choice, Participant, Program, Question
from ..models.questions import Audience


def _audience_of(role: str) -> list[str]:
    wanted = Audience.MENTORS if role == Participant.Role.MENTOR else Audience.PROTEGES
    return [Audience.BOTH, wanted]


def _in_order(choices: QuerySet[Choice]) -> QuerySet[Choice]:
    """``choices`` in their question's order. Said here, not left to the model's
    ``Meta.ordering``: Django drops that ordering from a query with an aggregate
    (``answer_count``), and the database then returns them in any order."""
    return choices.order_by("position", "pk")


def questions_of(program: Program) -> list[Question]:
    """Every question of ``program`` for its admins' page, current ones first
    and retired ones last, each in order, with ``answer_count`` and
    ``choices.all()`` (retired choices too, each with its ``answer_count``).
    Two queries."""
    choices = _in_order(Choice.objects.annotate(answer_count=Count("answers")))
    return list(
        Question.objects.filter(program=program)
        .annotate(answer_count=Count("answers"), hint=F("help_text"))
        .prefetch_related(Prefetch("choices", queryset=choices))
        .order_by(F("retired_at").asc(nulls_first=True), "position", "pk")
    )


def question_of(program: Program, question_id: int) -> Question | None:
    """The current question ``question_id`` of ``program`` with its choices and
    ``answer_count`` as ``questions_of`` gives them; None when it is not one.
    Two queries."""
    choices = _in_order(Choice.objects.annotate(answer_count=Count("answers")))
    return (
        Question.objects.current()
        .filter(program=program, pk=question_id)
        .annotate(answer_count=Count("answers"), hint=F("help_text"))
        .prefetch_related(Prefetch("choices", queryset=choices))
        .first()
    )


def questions_for(program: Program | int, role: str) -> list[Question]:
    """The current questions ``program`` (or its id) asks of a participant in ``role``
    (``Participant.Role``), in order, each with ``choices.all()`` (retired
    choices too: the answers form shows one only to whoever chose it). Two queries."""
    return list(
        Question.objects.current()
        .filter(
            program_id=program if isinstance(program, int) else program.pk, audience__in=_audience_of(role)
        )
        .prefetch_related(Prefetch("choices", queryset=_in_order(Choice.objects.all())))
    )


def questions_for_participants(participants: Iterable[Participant]) -> dict[int, list[Question]]:
    """By participant id, the questions their program asks of their role, as
    ``questions_for``: two queries for any number of people and programs."""
    people = list(participants)
    if not people:
        return {}
    questions = list(
        Question.objects.current()
        .filter(program__in={p.program_id for p in people})
        .prefetch_related(Prefetch("choices", queryset=_in_order(Choice.objects.all())))
    )
    return {p.pk: [q for q in questions if q.program_id == p.program_id and q.asks(p.role)] for p in people}


def answers_of(participants: Iterable[Participant | int]) -> dict[int, dict[int, Answer]]:
    """Each participant's answers, by participant id then question id, with
    ``choices.all()`` (retired ones too, in the question's order). Two queries
    for any number of people; nobody answered: an empty dict."""
    ids = [p if isinstance(p, int) else p.pk for p in participants]
    found: dict[int, dict[int, Answer]] = {pk: {} for pk in ids}
    if not ids:
        return found
    for answer in Answer.objects.filter(participant__in=ids).prefetch_related("choices"):
        found[answer.participant_id][answer.question_id] = answer
    return found


@dataclass(frozen=True)
class AnswerLine:
    """A question and how one person answered it, for a page to put in words:
    the choices chosen (a retired one has ``retired_at``), the scale's value
    (1–5), or the short text."""

    question: Question
    choices: tuple[Choice, ...] = ()
    value: int | None = None
    text: str = ""


def answer_lines(participant: Participant) -> list[AnswerLine]:
    """What ``participant`` answered of their program's current questions for
    their role, in the questions' order; unanswered questions are left out.
    Four queries; one when the program asks them nothing."""
    questions = questions_for(participant.program_id, participant.role)
    if not questions:
        return []
    answers = answers_of([participant])[participant.pk]
    lines = []
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None:
            continue
        line = AnswerLine(
            question=question,
            choices=tuple(sorted(answer.choices.all(), key=lambda c: (c.position, c.pk))),
            value=answer.value,
            text=answer.text,
        )
        if line.choices or line.value is not None or line.text:
            lines.append(line)
    return lines
