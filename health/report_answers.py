"""The program report's columns of choice answers (``selectors.program_report_rows``):
one per current choice question and side of the pair it is asked of, holding
the labels that side chose joined with "; " (a retired choice too, as chosen).
Short-text and scale answers stay on the profile (DESIGN.md, "Programs run by
their admins")."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import pgettext

from programs.models import Participant, Program, Question
from programs.selectors.questions import answers_of

SEPARATOR = "; "


def _header(question: Question, role: str) -> str:
    """The header of the column of one side's answers to ``question``."""
    if role == Participant.Role.MENTOR:
        # Translators: a header of the partnerships report (CSV), its English a machine-style name.
        return pgettext("report column", "mentor: %(question)s") % {"question": question.text}
    # Translators: a header of the partnerships report (CSV), its English a machine-style name.
    return pgettext("report column", "protege: %(question)s") % {"question": question.text}


@dataclass(frozen=True)
class AnswerColumns:
    """The report's answer columns: ``headers`` ("protege: <question>",
    "mentor: <question>") and, by ``cells``, each partnership's values in that order."""

    columns: tuple[tuple[Question, str], ...]  # the question and the side (a ``Participant.Role``)

    @property
    def headers(self) -> list[str]:
        return [_header(question, role) for question, role in self.columns]

    def cells(self, partnerships: Iterable) -> dict[int, list[str]]:
        """By partnership id, the answer cells of each of ``partnerships`` (with
        ``mentor_id`` and ``protege_id``). Two queries for any number; none when
        the program has no choice question."""
        pairs = list(partnerships)
        if not self.columns:
            return {p.pk: [] for p in pairs}
        answers = answers_of({pk for p in pairs for pk in (p.mentor_id, p.protege_id)})
        cells = {}
        for p in pairs:
            row = []
            for question, role in self.columns:
                person = p.mentor_id if role == Participant.Role.MENTOR else p.protege_id
                answer = answers[person].get(question.pk)
                chosen = sorted(answer.choices.all(), key=lambda c: (c.position, c.pk)) if answer else []
                row.append(SEPARATOR.join(c.label for c in chosen))
            cells[p.pk] = row
        return cells


def answer_columns(program: Program) -> AnswerColumns:
    """The answer columns of ``program``'s report, in the questions' order,
    the protégé's before the mentor's. One query."""
    questions = Question.objects.current().filter(program=program, kind__in=["single", "multiple"])
    return AnswerColumns(
        tuple(
            (question, role)
            for question in questions
            for role in (Participant.Role.PROTEGE, Participant.Role.MENTOR)
            if question.asks(role)
        )
    )
