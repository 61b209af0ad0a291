"""Writes of a person's answers to their program's profile questions
(DESIGN.md, "Programs run by their admins": profile questions)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Answer, Participant
from ..models.questions import CHOICE_KINDS, SCALE_MAX, SCALE_MIN, QuestionKind
from ..selectors.questions import answers_of, questions_for


@transaction.atomic
def answers_save(*, participant: Participant, cleaned: dict[int, object]) -> None:
    """Saves ``participant``'s answers: ``cleaned`` by question id, as
    ``question_forms.answers_from`` gives them (a choice id, a list of choice
    ids, a number 1–5, text; None, [] or "" for no answer, which removes one
    given before). Questions not in ``cleaned`` keep their answers.

    Only current questions asked of the participant's role count (an answer
    to any other is left out); a retired choice may be kept by whoever chose
    it, never newly chosen. A choice not offered, several for a one-choice
    question or a number off the scale raise ``ValidationError`` and nothing is
    saved (one transaction)."""
    questions = {q.pk: q for q in questions_for(participant.program_id, participant.role)}
    before = answers_of([participant])[participant.pk]
    for question_id, given in cleaned.items():
        question = questions.get(question_id)
        if question is None:  # retired while the page was open, or never asked of this role
            continue
        answer = before.get(question_id)
        had = {c.pk for c in answer.choices.all()} if answer else set()
        if question.kind in CHOICE_KINDS:
            ids: list[int] = (
                [] if given in (None, "") else list(given) if isinstance(given, list | tuple) else [given]  # type: ignore[list-item]
            )
            if question.kind == QuestionKind.SINGLE and len(ids) > 1:
                raise ValidationError(_("Choose one answer."), code="one_choice")
            offered = {c.pk for c in question.choices.all() if c.retired_at is None or c.pk in had}
            if not set(ids) <= offered:
                raise ValidationError(_("Choose one of the options shown."), code="invalid_choice")
            empty, fields = not ids, dict[str, object]()
        elif question.kind == QuestionKind.SCALE:
            if given is not None and not (isinstance(given, int) and SCALE_MIN <= given <= SCALE_MAX):
                raise ValidationError(_("Choose a number from 1 to 5."), code="scale")
            empty, fields = given is None, {"value": given}
        else:
            text: str = str(given or "").strip()
            empty, fields = not text, {"text": text}
        if empty:
            if answer is not None:
                answer.delete()
            continue
        if answer is None:
            answer = Answer(participant=participant, question=question)
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.full_clean(exclude=["participant", "question", "choices"], validate_unique=False)
        answer.save()
        if question.kind in CHOICE_KINDS:
            answer.choices.set(ids)
