"""A survey's results for its program's admins: aggregates only, pooled over
all rounds, each held back below ``scores.FLOOR`` answers so no one can be
singled out (DESIGN.md, "Surveys and proof of impact").

Every figure and every count of answers moves in steps of ``FLOOR``: it counts
only the published answers of its set (``selectors.published``: the earliest
``scores.published(n)`` of a question's ``n``, or of a question's in one
round), and "answered" is ``scores.published`` of the responses submitted. So
one more answer changes nothing on the page until ``FLOOR`` more came in.

Four queries whatever the number of answers (five for a pulse with several
rounds): the questions, the responses counted by round, the published answers
counted by question and value (SQL ``GROUP BY``), the shared text answers among
the published ones, and the published answers counted by question, round and
value. No figure is ever built from one person's answers one by one; a text
answer is read only when its author ticked ``SurveyResponse.shared``."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext

from mentoring.percent import share

from .. import scores
from ..models import SCALE_MAX, SCALE_MIN, QuestionKind, Survey, SurveyQuestion, SurveyResponse
from .published import published_answers, published_counts, submitted_answers
from .setup import questions_of


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: ``label``, ``count`` answers and ``share`` of all (per cent)."""

    label: str
    count: int
    share: int


@dataclass
class QuestionResult:
    """One question's figures, from its published answers (``answers``, a
    multiple of ``FLOOR``). ``shown`` is False below the floor, and then
    ``answers`` is 0. ``mean`` (scale, one decimal),
    ``bars`` (scale 1–5, choices, NPS bands), ``nps`` (NPS), ``texts`` (the
    shared text answers, alphabetical) and ``unshared`` (text answers not shared)."""

    question: SurveyQuestion
    answers: int
    shown: bool
    mean: float | None = None
    bars: list[Bar] = field(default_factory=list)
    nps: scores.NetPromoter | None = None
    texts: list[str] = field(default_factory=list)
    unshared: int = 0


@dataclass(frozen=True)
class RoundCell:
    """A scale mean or NPS score in one round from ``answers`` published
    answers (a multiple of ``FLOOR``); ``value`` None below the floor."""

    answers: int
    value: float | int | None


@dataclass(frozen=True)
class RoundRow:
    """One round: ``asked`` people, ``answered`` in steps of ``FLOOR`` (0 below it)."""

    round: str
    asked: int
    answered: int
    cells: list[RoundCell]


@dataclass
class SurveyResults:
    """``asked`` people-rounds, ``answered`` of them in steps of ``FLOOR`` (0 below it)."""

    asked: int
    answered: int
    questions: list[QuestionResult]
    # Per-round table of a pulse with several rounds: the questions it shows
    # (scale and NPS), each with its number in the survey (from 1), and a row
    # per round; empty otherwise.
    round_questions: list[tuple[int, SurveyQuestion]]
    rounds: list[RoundRow]

    @property
    def rate(self) -> int | None:
        """``answered`` (stepped) of ``asked`` in whole per cent; None below the floor."""
        return share(self.answered, self.asked) if scores.shown(self.answered) else None


def _mean(counts: Counter) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    return round(sum(value * n for value, n in counts.items()) / total, 1)


def _nps(counts: Counter) -> scores.NetPromoter:
    bands: Counter[str] = Counter()
    for value, n in counts.items():
        bands[scores.band_of(value)] += n
    return scores.NetPromoter(
        promoters=bands["promoter"], passives=bands["passive"], detractors=bands["detractor"]
    )


def _round_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (10**9, key)


def _figures(result: QuestionResult, numbers: Counter, choices: Counter) -> None:
    question, total = result.question, result.answers
    if question.kind == QuestionKind.SCALE:
        result.mean = _mean(numbers)
        result.bars = [
            Bar(str(v), numbers[v], share(numbers[v], total) or 0) for v in range(SCALE_MIN, SCALE_MAX + 1)
        ]
    elif question.kind == QuestionKind.CHOICE:
        labels = question.choice_list + sorted(set(choices) - set(question.choice_list))
        result.bars = [Bar(label, choices[label], share(choices[label], total) or 0) for label in labels]
    elif question.kind == QuestionKind.NPS:
        result.nps = nps = _nps(numbers)
        result.bars = [
            Bar(label, n, share(n, total) or 0)
            for label, n in (
                (gettext("Promoters (9–10)"), nps.promoters),
                (gettext("Passives (7–8)"), nps.passives),
                (gettext("Detractors (0–6)"), nps.detractors),
            )
        ]


def _counts(rows) -> tuple[Counter, dict[int, Counter], dict[int, Counter]]:
    """Answers, numbers and choices by question from ``(question_id, number, choice, n)`` rows."""
    answers: Counter = Counter()
    numbers: dict[int, Counter] = defaultdict(Counter)
    choices: dict[int, Counter] = defaultdict(Counter)
    for question_id, number, choice, n in rows:
        answers[question_id] += n
        if number is not None:
            numbers[question_id][number] += n
        elif choice:
            choices[question_id][choice] += n
    return answers, numbers, choices


def _round_rows(
    survey: Survey, questions: list[SurveyQuestion], rounds: dict[str, tuple[int, int]]
) -> tuple[list[tuple[int, SurveyQuestion]], list[RoundRow]]:
    """The per-round table of a pulse with several rounds (one query), each
    cell from the published answers of its question in its round."""
    if not survey.is_pulse or len(rounds) < 2:
        return [], []
    round_questions = [
        (number, q)
        for number, q in enumerate(questions, start=1)
        if q.kind in (QuestionKind.SCALE, QuestionKind.NPS)
    ]
    numbers: dict[tuple[int, str], Counter] = defaultdict(Counter)
    if round_questions:
        given = submitted_answers().filter(
            response__survey=survey, question_id__in=[q.pk for _, q in round_questions]
        )
        for question_id, round_key, number, n in published_counts(
            given,
            "question_id",
            "response__round",
            by={"question_id": "question_id", "round": "response__round", "number": "number"},
        ):
            numbers[question_id, round_key][number] += n
    rows = []
    for key in sorted(rounds, key=_round_order):
        cells = []
        for _number, question in round_questions:
            counts = numbers[question.pk, key]
            total = sum(counts.values())
            value: float | int | None = None
            if scores.shown(total):
                value = _mean(counts) if question.kind == QuestionKind.SCALE else _nps(counts).score
            cells.append(RoundCell(answers=total, value=value))
        asked, answered = rounds[key]
        rows.append(RoundRow(round=key, asked=asked, answered=scores.published(answered), cells=cells))
    return round_questions, rows


def survey_results(survey: Survey) -> SurveyResults:
    """The results of ``survey`` pooled over all its rounds (see the module's
    docstring): four queries, five for a pulse with several rounds."""
    questions = questions_of(survey)
    by_round = (
        SurveyResponse.objects.filter(survey=survey)
        .values_list("round")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by()
    )
    rounds = {key: (asked, answered) for key, asked, answered in by_round}
    # Each question's published answers counted by value (SQL GROUP BY).
    given = submitted_answers().filter(response__survey=survey)
    answers, numbers, choices = _counts(
        published_counts(
            given, "question_id", by={"question_id": "question_id", "number": "number", "choice": "choice"}
        )
    )
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT and scores.shown(answers[q.pk])]
    shared: dict[int, list[str]] = defaultdict(list)
    if text_ids:
        for question_id, text in (
            published_answers(given.filter(question_id__in=text_ids), "question_id")
            .filter(response__shared=True)
            .exclude(text="")
            .order_by("text", "pk")
            .values_list("question_id", "text")
        ):
            shared[question_id].append(text)
    results = []
    for question in questions:
        result = QuestionResult(question=question, answers=answers[question.pk], shown=False)
        if scores.shown(result.answers):
            result.shown = True
            _figures(result, numbers[question.pk], choices[question.pk])
            if question.kind == QuestionKind.TEXT:
                result.texts = sorted(shared[question.pk], key=str.casefold)
                result.unshared = result.answers - len(result.texts)
        results.append(result)
    round_questions, round_rows = _round_rows(survey, questions, rounds)
    return SurveyResults(
        asked=sum(a for a, _ in rounds.values()),
        answered=scores.published(sum(b for _, b in rounds.values())),
        questions=results,
        round_questions=round_questions,
        rounds=round_rows,
    )
