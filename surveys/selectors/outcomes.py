"""Survey scores for the outcome report (``health.outcomes``): per program,
the answer rate, the net promoter score and each scale question's mean, as
aggregates counted by the database, never one person's answer.

Every figure follows the privacy floor (``scores.FLOOR``, DESIGN.md "Surveys
and proof of impact"): below it the figure is None and the page says "fewer
than 5 answers". Above it every figure moves in steps of ``FLOOR``: the NPS
and each scale mean count only the published answers of their set
(``selectors.published``), and the answer rate is from ``scores.published`` of
the responses submitted, so one more answer changes nothing until ``FLOOR``
more came in. Free text is never read here: only numbers are selected.

Scale questions are keyed by their text, so that the same question in a
cloned program (the clone copies its surveys' questions) lines up in the same
row of the cohort."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Case, Count, F, Q, Value, When

from mentoring.percent import share
from surveys.models import QuestionKind, Survey, SurveyQuestion
from surveys.scores import PASSIVE_FROM, PROMOTER_FROM, NetPromoter, published, shown

from .published import published_counts, submitted_answers


@dataclass(frozen=True)
class ScaleScore:
    """One scale question (1–5) of a program: its mean, one decimal, or None below the floor."""

    question: str
    answers: int
    mean: float | None


@dataclass(frozen=True)
class SurveyScores:
    """A program's survey figures; every figure None below the floor.

    ``asked`` counts responses (one person, one round), ``submitted`` those
    answered, in steps of ``FLOOR`` (``scores.published``); ``answer_rate`` is
    submitted of asked in whole per cent. ``nps`` pools the published answers
    to the NPS questions of the program's surveys (a multiple of ``FLOOR``);
    its score is None, and the page shows no band either, below the floor.
    Each scale score's ``answers`` is likewise a multiple of ``FLOOR``."""

    surveys: int
    asked: int
    submitted: int
    answer_rate: int | None
    nps: NetPromoter
    scales: dict[str, ScaleScore] = field(default_factory=dict)  # by question text, in survey order

    @property
    def nps_shown(self) -> bool:
        return shown(self.nps.answers)

    def band_share(self, count: int) -> int | None:
        """``count`` of the NPS answers in whole per cent; None below the floor."""
        return share(count, self.nps.answers) if self.nps_shown else None

    @property
    def promoter_share(self) -> int | None:
        return self.band_share(self.nps.promoters)

    @property
    def passive_share(self) -> int | None:
        return self.band_share(self.nps.passives)

    @property
    def detractor_share(self) -> int | None:
        return self.band_share(self.nps.detractors)


def _rate(submitted: int, asked: int) -> int | None:
    return share(submitted, asked) if shown(submitted) else None


def survey_scores(program_ids: list[int]) -> dict[int, SurveyScores]:
    """Each program's ``SurveyScores``, by program id (a program without
    surveys gets zeros). Three queries whatever the number of programs,
    surveys, responses and answers: SQL aggregates, not rows per answer."""
    if not program_ids:
        return {}
    responses: dict[int, dict] = {
        row["program"]: dict(row)
        for row in Survey.objects.filter(program__in=program_ids)
        .order_by()
        .values("program")
        .annotate(
            surveys=Count("pk", distinct=True),
            asked=Count("responses"),
            submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False)),
        )
    }
    # Every scale question asked, answered or not, in the order the programs set them.
    texts: dict[int, list[str]] = defaultdict(list)
    text_of: dict[int, str] = {}
    questions = (
        SurveyQuestion.objects.filter(survey__program__in=program_ids, kind=QuestionKind.SCALE)
        .order_by("survey__created_at", "survey_id", "position", "pk")
        .values_list("survey__program", "pk", "text")
    )
    for program_id, question_id, text in questions:
        text_of[question_id] = text
        if text not in texts[program_id]:
            texts[program_id].append(text)
    given = submitted_answers().filter(
        response__survey__program__in=program_ids,
        question__kind__in=[QuestionKind.SCALE, QuestionKind.NPS],
        number__isnull=False,
    )
    # The sets the figures describe: a program's NPS answers, pooled over its
    # NPS questions (question 0 here); each scale question's answers, which the
    # loop below pools by text (each question counted in its own steps).
    one_set = Case(
        When(question__kind=QuestionKind.NPS, then=Value(0)),
        default=F("question_id"),
        output_field=BigIntegerField(),
    )
    counted = published_counts(
        given,
        "response__survey__program",
        one_set,
        by={"program": "response__survey__program", "question_id": "question_id", "number": "number"},
    )
    nps: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # promoters, passives, detractors
    scale: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])  # answers, their sum
    for program_id, question_id, number, n in counted:
        if question_id in text_of:
            figures = scale[program_id, text_of[question_id]]
            figures[0] += n
            figures[1] += number * n
        else:
            nps[program_id][0 if number >= PROMOTER_FROM else 1 if number >= PASSIVE_FROM else 2] += n
    result: dict[int, SurveyScores] = {}
    for program_id in program_ids:
        r = responses.get(program_id, {})
        asked, submitted = r.get("asked", 0), published(r.get("submitted", 0))
        scales = {}
        for text in texts[program_id]:
            answers, total = scale.get((program_id, text), (0, 0))
            mean = round(total / answers, 1) if shown(answers) else None
            scales[text] = ScaleScore(question=text, answers=answers, mean=mean)
        result[program_id] = SurveyScores(
            surveys=r.get("surveys", 0),
            asked=asked,
            submitted=submitted,
            answer_rate=_rate(submitted, asked),
            nps=NetPromoter(*nps[program_id]),
            scales=scales,
        )
    return result


@dataclass(frozen=True)
class ScaleRow:
    """One scale question across the cohort: each program's score, None where it was not asked."""

    question: str
    scores: list[ScaleScore | None]


def scale_rows(cohort: list[SurveyScores]) -> list[ScaleRow]:
    """The cohort's scale questions, one row per question text, in the order they first appear."""
    order: list[str] = []
    for scores in cohort:
        order.extend(text for text in scores.scales if text not in order)
    return [ScaleRow(text, [scores.scales.get(text) for scores in cohort]) for text in order]
