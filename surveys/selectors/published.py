"""The answers a survey figure may count: of each set of answers a figure
describes (one question's, one question's in one round, one program's NPS
answers…), only the earliest ``scores.published(n)`` of its ``n`` answers, a
multiple of ``scores.FLOOR``. A figure therefore moves only when ``FLOOR`` more
answers came in, so no single answer can be told apart by comparing a figure
before and after it (DESIGN.md, "Surveys and proof of impact").

"Earliest" is by the response's ``submitted_at``, then the response's id,
then the answer's id: a fixed order, so the set a figure counts never changes
until the next step.

``published_counts`` counts the published answers by value without ranking
them: the published answers of a set are all of them but its latest
``n % FLOOR``, so it counts every answer by value (one aggregate), then takes
away the latest few of each set (one query of small ``UNION ALL`` parts, each
walking one question's submitted responses backwards over the index
``survey_submitted_order_idx`` for at most ``FLOOR - 1`` rows). Two queries
whatever the number of answers.
``published_answers`` gives the published rows as a queryset, for reading
rows (the shared written answers): ``answers`` without those latest few.
"""

from collections.abc import Mapping

from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import BaseExpression

from ..models import SurveyAnswer
from ..scores import FLOOR

# An answer that says something: a question skipped leaves an empty row, which
# counts towards no figure.
GIVEN = Q(number__isnull=False) | ~Q(choice="") | ~Q(text="")
LATEST_FIRST = [F("response__submitted_at").desc(), F("response_id").desc(), F("pk").desc()]


def submitted_answers() -> QuerySet[SurveyAnswer]:
    """Every answer given in a submitted response (a draft or a skipped question counts for nothing)."""
    return SurveyAnswer.objects.filter(GIVEN, response__submitted_at__isnull=False)


def published_answers(answers: QuerySet[SurveyAnswer], *sets: str | BaseExpression) -> QuerySet[SurveyAnswer]:
    """The rows of ``answers`` that figures may count, each set being the
    answers sharing the values of ``sets`` (field names or expressions, e.g.
    ``"question_id"`` or ``"question_id", "response__round"``): the earliest
    ``published(n)`` of each set's ``n``. A set of fewer than ``FLOOR`` answers
    gives none. ``answers`` should already be what the figure describes
    (usually ``submitted_answers()`` narrowed to a survey or programs).

    Two queries now (each set's count and latest few, as ``published_counts``);
    returns ``answers`` without the rows left out, to filter and order as any other."""
    _totals, left_out = _left_out(answers, sets, {})
    return answers.exclude(pk__in=[row[-1] for rows in left_out.values() for row in rows])


def published_counts(
    answers: QuerySet[SurveyAnswer], *sets: str | BaseExpression, by: Mapping[str, str | BaseExpression]
) -> list[tuple]:
    """The published answers of ``answers`` (sets as in ``published_answers``)
    counted by the values of ``by`` (name: field or expression): one tuple per
    group, its ``by`` values in order then the count (groups counted down to
    none are left out). Two queries, see the module's docstring."""
    totals, left_out = _left_out(answers, sets, by)
    counted: dict[tuple, int] = {}
    for key, counts in totals.items():
        for values, n in counts.items():
            counted[values] = counted.get(values, 0) + n
        for row in left_out.get(key, []):
            counted[tuple(row[: len(by)])] -= 1
    return [(*values, n) for values, n in counted.items() if n]


def _left_out(
    answers: QuerySet[SurveyAnswer],
    sets: tuple[str | BaseExpression, ...],
    by: Mapping[str, str | BaseExpression],
) -> tuple[dict[tuple, dict[tuple, int]], dict[tuple, list[tuple]]]:
    """Each set's answers counted by the values of ``by`` (set values → ``by``
    values → answers), and each set's latest ``n % FLOOR`` answers, the ones a
    figure leaves out (set values → rows of ``by`` values, then submitted_at,
    response id, answer id). Two queries."""
    set_names = [f"_set{i}" for i in range(len(sets))]
    named = {name: F(s) if isinstance(s, str) else s for name, s in zip(set_names, sets, strict=True)}
    groups = {f"_by_{name}": F(field) if isinstance(field, str) else field for name, field in by.items()}
    keyed = answers.order_by().annotate(**named, **groups)
    totals: dict[tuple, dict[tuple, int]] = {}
    questions: dict[tuple, set[tuple[int, int]]] = {}  # set → its (survey id, question id)s
    for row in keyed.values(*set_names, *groups, "question_id", "response__survey_id").annotate(
        n=Count("pk")
    ):
        key, values = tuple(row[n] for n in set_names), tuple(row[n] for n in groups)
        totals.setdefault(key, {})
        totals[key][values] = totals[key].get(values, 0) + row["n"]
        questions.setdefault(key, set()).add((row["response__survey_id"], row["question_id"]))
    left = {key: sum(counts.values()) % FLOOR for key, counts in totals.items()}
    columns = [*set_names, *groups, "response__submitted_at", "response_id", "pk"]
    parts = [
        keyed.filter(
            response__survey_id=survey_id, question_id=question_id, **dict(zip(set_names, key, strict=True))
        )
        .order_by(*LATEST_FIRST)
        .values_list(*columns)[: left[key]]
        for key, pairs in questions.items()
        if left[key]
        for survey_id, question_id in sorted(pairs)
    ]
    if not parts:
        # Every set a multiple of FLOOR: nothing is left out, and the query
        # asks for nothing, so that a page runs the same queries whatever the counts.
        parts = [keyed.filter(pk__in=[0]).values_list(*columns)]
    latest: dict[tuple, list[tuple]] = {}
    for row in parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]:
        latest.setdefault(tuple(row[: len(sets)]), []).append(tuple(row[len(sets) :]))
    for key, rows in latest.items():
        rows.sort(key=lambda row: row[-3:], reverse=True)
        del rows[left[key] :]
    return totals, latest
