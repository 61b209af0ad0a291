"""The answers a survey figure may count: of each set of answers a figure
describes (one question's, one question's in one round, one program's NPS
answers…), only the earliest ``scores.published(n)`` of its ``n`` answers, a
multiple of ``scores.FLOOR``. A figure therefore moves only when ``FLOOR`` more
answers came in, so no single answer can be told apart by comparing a figure
before and after it (DESIGN.md, "Surveys and proof of impact").

"Earliest" is by the response's ``submitted_at``, then the response's id,
then the answer's id: a fixed order, so the set a figure counts never changes
until the next step. The sets are picked in SQL in one subquery, whatever
their size:

    ROW_NUMBER() OVER (PARTITION BY <set> ORDER BY submitted_at, response_id, id)
        <= COUNT(*) OVER (PARTITION BY <set>) / FLOOR * FLOOR

``published_counts`` counts the published answers by value straight from that
subquery (one query, no second pass over the answers); ``published_answers``
gives them as a queryset, for reading rows (the shared written answers).
A set is best keyed by integers (question id, program id, round): sorting by
a question's text costs twice as much at 100,000 answers.
"""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.expressions import BaseExpression
from django.db.models.functions import RowNumber

from ..models import SurveyAnswer
from ..scores import FLOOR

# An answer that says something: a question skipped leaves an empty row, which
# counts towards no figure.
GIVEN = Q(number__isnull=False) | ~Q(choice="") | ~Q(text="")
EARLIEST_FIRST = [F("response__submitted_at").asc(), F("response_id").asc(), F("pk").asc()]


def submitted_answers() -> QuerySet[SurveyAnswer]:
    """Every answer given in a submitted response (a draft or a skipped question counts for nothing)."""
    return SurveyAnswer.objects.filter(GIVEN, response__submitted_at__isnull=False)


def _ranked(
    answers: QuerySet[SurveyAnswer], sets: tuple[str | BaseExpression, ...]
) -> QuerySet[SurveyAnswer]:
    """``answers`` with only the published rows of each set left (SQL: the window subquery)."""
    partition: list[BaseExpression | F] = [F(s) if isinstance(s, str) else s for s in sets]
    return (
        answers.order_by()
        .annotate(
            place=Window(RowNumber(), partition_by=partition, order_by=EARLIEST_FIRST),
            counted=Window(Count("pk"), partition_by=partition) / FLOOR * FLOOR,
        )
        .filter(place__lte=F("counted"))
    )


def published_answers(answers: QuerySet[SurveyAnswer], *sets: str | BaseExpression) -> QuerySet[SurveyAnswer]:
    """The rows of ``answers`` that figures may count, each set being the
    answers sharing the values of ``sets`` (field names or expressions, e.g.
    ``"question_id"`` or ``"question_id", "response__round"``): the earliest
    ``published(n)`` of each set's ``n``. A set of fewer than ``FLOOR`` answers
    gives none. ``answers`` should already be what the figure describes
    (usually ``submitted_answers()`` narrowed to a survey or programs).

    Returns a plain ``SurveyAnswer`` queryset (``pk__in`` the ranked subquery),
    so callers may filter and order it as any other."""
    return SurveyAnswer.objects.filter(pk__in=_ranked(answers, sets).values("pk"))


def published_counts(
    answers: QuerySet[SurveyAnswer], *sets: str | BaseExpression, by: Mapping[str, str | BaseExpression]
) -> list[tuple]:
    """The published answers of ``answers`` (sets as in ``published_answers``)
    counted by the values of ``by`` (name: field or expression): one tuple per
    group, its ``by`` values in order then the count. One query; the count is
    made over the window subquery itself, since SQL cannot group by a window."""
    plain = [name for name, field in by.items() if field == name]
    named = {
        name: F(field) if isinstance(field, str) else field for name, field in by.items() if field != name
    }
    sql, params = _ranked(answers, sets).values(*plain, **named).query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(name) for name in by)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names}, COUNT(*) FROM ({sql}) published GROUP BY {names}", params)
        return cursor.fetchall()
