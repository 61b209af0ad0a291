"""The outcome report (``/programs/<slug>/outcomes/``): what changed for the
protégés of a program and of its cohort (the programs cloned from one another),
as aggregates only: never a pair's names, notes or goal text.

Every figure is counted by the database, a fixed number of queries for any
number of programs, goals and ratings: a goal's first and latest rating are
two index lookups (``progressrating_goal_time_idx``), summed by category.

Survey scores and NPS come from ``surveys.selectors.outcomes``, under the
surveys' five-answer floor: below it a figure is empty, never a number."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Avg, Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Trim
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, pgettext

from goals.models import Category, Goal
from mentoring.percent import share
from partnerships.models import Partnership
from programs.models import PairStatus, Program
from sessions_log.models import CallFeedback, Homework
from surveys.scores import FLOOR
from surveys.selectors.outcomes import ScaleRow, SurveyScores, scale_rows, survey_scores

from .models import HealthNumbers

# The distribution of a goal's change from its first to its latest rating, in bands (``_GOAL_FIGURES``).
BANDS = ["fell", "same", "up_1_2", "up_3_4", "up_5"]
REASONS_SHOWN = 10  # the most frequent reasons for ending early, per program
CALLS_WINDOW_DAYS = 90  # the stored health numbers' window (``numbers.measured``)


def band_labels() -> dict[str, str]:
    return {
        "fell": pgettext("change of a goal's rating", "Fell"),
        "same": pgettext("change of a goal's rating", "Same"),
        "up_1_2": gettext("+1 to 2"),
        "up_3_4": gettext("+3 to 4"),
        "up_5": gettext("+5 or more"),
    }


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    count: int
    share: int | None  # per cent of the goals rated at least twice


@dataclass(frozen=True)
class CategoryOutcome:
    """One Kumar category's goals in one program."""

    category: str
    label: str
    goals: int
    rated: int  # goals rated at least twice: only they have a change from first to latest
    rated_once: int  # goals rated once so far: no change yet, left out of the means and bands
    first_mean: float | None  # of the goals rated at least twice, one decimal
    latest_mean: float | None
    change_mean: float | None
    bands: list[Band]
    achieved: int
    achieved_share: int | None  # per cent of the goals, dropped ones included (shown as their own row)
    dropped: int
    advanced: int  # goals that are a more advanced version of another


@dataclass(frozen=True)
class ProgramOutcome:
    program: Program
    pairs: int  # partnerships that started: with none, the report has nothing to show
    categories: list[CategoryOutcome]
    calls_held: int  # in each pair's last ``CALLS_WINDOW_DAYS`` days (the stored health numbers)
    calls_expected: int
    calls_share: int | None
    homework_recapped: int
    homework_done: int
    homework_partly: int
    homework_not_done: int
    call_value: float | None  # mean of the protégés' 1–5 call feedback, one decimal
    call_ratings: int
    completed: int  # of the pairs that started
    ended_early: int
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason, pairs), most frequent first
    more_reasons: int = 0  # reasons beyond the first ``REASONS_SHOWN``
    surveys: SurveyScores | None = None

    def homework_share(self, count: int) -> int | None:
        return share(count, self.homework_recapped)

    @property
    def done_share(self) -> int | None:
        return self.homework_share(self.homework_done)

    @property
    def partly_share(self) -> int | None:
        return self.homework_share(self.homework_partly)

    @property
    def not_done_share(self) -> int | None:
        return self.homework_share(self.homework_not_done)


def cohort_of(program: Program, user) -> list[Program]:
    """``program``'s clone family that ``user`` runs, oldest start first: every
    program linked to it by cloning, in either direction and through any
    number of clones (its originals, their clones, its clones' clones), walked
    through programs ``user`` does not run too. One query: a recursive walk
    whose UNION drops programs already reached, so a loop of clones ends."""
    table = Program._meta.db_table
    family = RawSQL(
        f"WITH RECURSIVE family(id) AS (SELECT id FROM {table} WHERE id = %s UNION "
        f"SELECT p.id FROM {table} p, {table} q, family f WHERE q.id = f.id "
        f"AND (p.cloned_from_id = f.id OR p.id = q.cloned_from_id)) SELECT id FROM family",
        [program.pk],
    )
    return list(Program.objects.run_by(user).filter(pk__in=family).distinct().order_by("starts_on", "pk"))


# Summed over the goals themselves: each goal's first and latest rating and
# its number of ratings are stored on it (``Goal.first_rating``…, kept by the
# database), so no rating row is read.
# A goal's change counts only once it was rated twice (``r_twice``): a single
# rating is no change, and would count as "Same".
_TWICE = "rating_count >= 2"
_CHANGE = "latest_rating - first_rating"
_GOAL_FIGURES = [
    ("goals", "COUNT(*)"),
    ("rated", f"COUNT(*) FILTER (WHERE {_TWICE})"),
    ("rated_once", "COUNT(*) FILTER (WHERE rating_count = 1)"),
    ("first_mean", f"AVG(first_rating) FILTER (WHERE {_TWICE})"),
    ("latest_mean", f"AVG(latest_rating) FILTER (WHERE {_TWICE})"),
    ("change_mean", f"AVG({_CHANGE}) FILTER (WHERE {_TWICE})"),
    ("achieved", "COUNT(*) FILTER (WHERE g.status = %s)"),
    ("dropped", "COUNT(*) FILTER (WHERE g.status = %s)"),
    ("advanced", "COUNT(advances_id)"),
    ("band_fell", f"COUNT(*) FILTER (WHERE {_TWICE} AND {_CHANGE} < 0)"),
    ("band_same", f"COUNT(*) FILTER (WHERE {_TWICE} AND {_CHANGE} = 0)"),
    ("band_up_1_2", f"COUNT(*) FILTER (WHERE {_TWICE} AND {_CHANGE} BETWEEN 1 AND 2)"),
    ("band_up_3_4", f"COUNT(*) FILTER (WHERE {_TWICE} AND {_CHANGE} BETWEEN 3 AND 4)"),
    ("band_up_5", f"COUNT(*) FILTER (WHERE {_TWICE} AND {_CHANGE} >= 5)"),
]


def _goal_rows(ids: list[int]) -> dict[tuple[int, str], dict]:
    """Each program's and category's goal figures (``_GOAL_FIGURES``), by (program id, category). One query."""
    figures = ", ".join(figure for _, figure in _GOAL_FIGURES)
    goal, pair = (
        connection.ops.quote_name(Goal._meta.db_table),
        connection.ops.quote_name(Partnership._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.program_id, g.category, {figures} FROM {goal} g JOIN {pair} p ON p.id = g.partnership_id "
            "WHERE p.program_id = ANY(%s) GROUP BY p.program_id, g.category",
            [Goal.Status.ACHIEVED, Goal.Status.DROPPED, list(ids)],
        )
        names = [name for name, _ in _GOAL_FIGURES]
        return {
            (program_id, kind): dict(zip(names, values, strict=True))
            for program_id, kind, *values in cursor.fetchall()
        }


def _category(row: dict | None, category: Category) -> CategoryOutcome:
    row = row or {}
    rated = row.get("rated", 0)
    goals = row.get("goals", 0)
    labels = band_labels()

    def mean(name: str) -> float | None:
        return one_decimal(row.get(name))

    return CategoryOutcome(
        category=category.value,
        label=str(category.label),
        goals=goals,
        rated=rated,
        rated_once=row.get("rated_once", 0),
        first_mean=mean("first_mean"),
        latest_mean=mean("latest_mean"),
        change_mean=mean("change_mean"),
        bands=[
            Band(key, labels[key], row.get(f"band_{key}", 0), share(row.get(f"band_{key}", 0), rated))
            for key in BANDS
        ],
        achieved=row.get("achieved", 0),
        achieved_share=share(row.get("achieved", 0), goals),
        dropped=row.get("dropped", 0),
        advanced=row.get("advanced", 0),
    )


def one_decimal(value) -> float | None:
    """A mean as shown everywhere on the report: one decimal (4.0, 2.5), None when there is none."""
    return None if value is None else round(float(value), 1)


def _reasons(ids: list[int]) -> dict[int, tuple[list[tuple[str, int]], int]]:
    """Each program's reasons for ending early, by program id: ((reason, pairs)
    for the ``REASONS_SHOWN`` most frequent, the number of reasons beyond them).
    A reason is grouped ignoring case and surrounding spaces, and shown in its
    most common spelling; a blank one is "No reason given". One query, one row
    per program and spelling."""
    spellings = (
        Partnership.objects.filter(program__in=ids, status=PairStatus.ENDED, started_on__isnull=False)
        .order_by()
        .values("program", reason=Trim("ended_reason"))
        .annotate(n=Count("pk"))
    )
    groups: dict[int, dict[str, list]] = defaultdict(dict)  # program → key → [pairs, {spelling: pairs}]
    for row in spellings:
        group = groups[row["program"]].setdefault(row["reason"].casefold(), [0, {}])
        group[0] += row["n"]
        group[1][row["reason"]] = group[1].get(row["reason"], 0) + row["n"]
    result = {}
    for program_id, by_key in groups.items():
        named = []
        for total, spelled in by_key.values():
            spelling = min(spelled, key=lambda s: (-spelled[s], s))
            named.append((spelling or gettext("No reason given"), total))
        named.sort(key=lambda reason: (-reason[1], reason[0].casefold()))
        result[program_id] = (named[:REASONS_SHOWN], max(0, len(named) - REASONS_SHOWN))
    return result


def _by_program(queryset, *aggregates: str, **annotations) -> dict[int, dict]:
    rows = queryset.order_by().values(*aggregates).annotate(**annotations)
    return {row[aggregates[0]]: row for row in rows}


def program_outcomes(programs: list[Program]) -> list[ProgramOutcome]:
    """Each of ``programs``' outcome figures, in their order. Nine queries whatever
    their size: six here, three for the survey scores (``survey_scores``).
    Calls are those of the stored health numbers, each pair's last
    ``CALLS_WINDOW_DAYS`` days: the view refreshes stale ones first."""
    ids = [p.pk for p in programs]
    if not ids:
        return []
    goals = _goal_rows(ids)
    calls = _by_program(
        HealthNumbers.objects.filter(partnership__program__in=ids),
        "partnership__program",
        held=Sum("calls_held"),
        expected=Sum("calls_expected"),
    )
    homework = _by_program(
        Homework.objects.filter(partnership__program__in=ids, recapped_in__isnull=False),
        "partnership__program",
        recapped=Count("pk"),
        done=Count("pk", filter=Q(status=Homework.Status.DONE)),
        partly=Count("pk", filter=Q(status=Homework.Status.PARTLY)),
        not_done=Count("pk", filter=Q(status=Homework.Status.NOT_DONE)),
    )
    value = _by_program(
        CallFeedback.objects.filter(session__partnership__program__in=ids),
        "session__partnership__program",
        mean=Avg("rating"),
        count=Count("pk"),
    )
    # A proposal left unmatched on the matching board never started: not a pair that ended.
    pairs = _by_program(
        Partnership.objects.filter(program__in=ids, started_on__isnull=False),
        "program",
        started=Count("pk"),
        completed=Count("pk", filter=Q(status=PairStatus.COMPLETED)),
        ended=Count("pk", filter=Q(status=PairStatus.ENDED)),
    )
    reasons = _reasons(ids)
    surveys = survey_scores(ids)
    outcomes = []
    for program in programs:
        c, h, v, p = (d.get(program.pk, {}) for d in (calls, homework, value, pairs))
        held, expected = c.get("held") or 0, c.get("expected") or 0
        outcomes.append(
            ProgramOutcome(
                program=program,
                pairs=p.get("started", 0),
                categories=[_category(goals.get((program.pk, cat.value)), cat) for cat in Category],
                calls_held=held,
                calls_expected=expected,
                calls_share=share(held, expected),
                homework_recapped=h.get("recapped", 0),
                homework_done=h.get("done", 0),
                homework_partly=h.get("partly", 0),
                homework_not_done=h.get("not_done", 0),
                call_value=one_decimal(v.get("mean")),
                call_ratings=v.get("count", 0),
                completed=p.get("completed", 0),
                ended_early=p.get("ended", 0),
                reasons=reasons.get(program.pk, ([], 0))[0],
                more_reasons=reasons.get(program.pk, ([], 0))[1],
                surveys=surveys[program.pk],
            )
        )
    return outcomes


@dataclass(frozen=True)
class CategoryRow:
    """One Kumar category across the cohort: its programs' figures side by side."""

    category: str
    label: str
    programs: list[tuple[Program, CategoryOutcome]]


def category_rows(cohort: list[ProgramOutcome]) -> list[CategoryRow]:
    """``cohort``'s figures by category, each with one entry per program in the cohort's order."""
    return [
        CategoryRow(
            cat.value, str(cat.label), [(outcome.program, outcome.categories[index]) for outcome in cohort]
        )
        for index, cat in enumerate(Category)
    ]


def survey_rows(cohort: list[ProgramOutcome]) -> list[ScaleRow]:
    """``cohort``'s scale questions side by side, one row per question text."""
    return scale_rows([outcome.surveys for outcome in cohort if outcome.surveys is not None])


def surveys_page(program: Program) -> str:
    """The address of ``program``'s surveys page (``/programs/<slug>/surveys/``, DESIGN.md's URL map)."""
    try:
        return reverse("surveys:program_surveys", args=[program.slug])
    except NoReverseMatch:  # the page's view is not routed yet: its address is stable
        return f"/programs/{program.slug}/surveys/"


def below_floor() -> str:
    """What a figure says when fewer than ``FLOOR`` people answered."""
    return gettext("fewer than %(floor)s answers") % {"floor": FLOOR}


def _survey_measures(scores: SurveyScores) -> Iterator[tuple[str, int | float | None, bool]]:
    """(measure, value, shown) of a program's survey figures; a value not shown is left empty."""
    yield (gettext("surveys set"), scores.surveys, True)
    if not scores.surveys:
        return
    yield (gettext("survey answer rate (%)"), scores.answer_rate, scores.answer_rate is not None)
    nps = scores.nps
    yield (gettext("NPS (-100 to 100)"), nps.score, scores.nps_shown)
    yield (gettext("NPS answers"), nps.answers, scores.nps_shown)
    yield (gettext("NPS promoters (9 to 10)"), nps.promoters, scores.nps_shown)
    yield (gettext("NPS passives (7 to 8)"), nps.passives, scores.nps_shown)
    yield (gettext("NPS detractors (0 to 6)"), nps.detractors, scores.nps_shown)
    for scale in scores.scales.values():
        shown = scale.mean is not None
        yield (gettext("%(question)s (mean, 1 to 5)") % {"question": scale.question}, scale.mean, shown)
        yield (gettext("%(question)s (answers)") % {"question": scale.question}, scale.answers, shown)


def measure_rows(cohort: list[ProgramOutcome]) -> Iterator[tuple]:
    """The CSV's rows: (program, category, measure, value, reason), one per
    program, category and measure; the reason only on the rows that count one,
    and on a survey figure left empty below the floor ("fewer than 5 answers").
    No free-text answer is ever among them."""
    window = {"days": CALLS_WINDOW_DAYS}
    for outcome in cohort:
        name = outcome.program.name
        for cat in outcome.categories:
            measures = [
                (gettext("goals"), cat.goals),
                (gettext("goals rated at least twice"), cat.rated),
                (gettext("goals rated once so far"), cat.rated_once),
                (gettext("mean first rating"), cat.first_mean),
                (gettext("mean latest rating"), cat.latest_mean),
                (gettext("mean change"), cat.change_mean),
                *[(gettext("change: %(band)s") % {"band": band.label}, band.count) for band in cat.bands],
                (gettext("goals achieved"), cat.achieved),
                (gettext("goals achieved (%)"), cat.achieved_share),
                (gettext("goals dropped"), cat.dropped),
                (gettext("advanced versions"), cat.advanced),
            ]
            for measure, value in measures:
                yield (name, cat.label, measure, value, "")
        for measure, value in [
            (gettext("calls held in the last %(days)s days") % window, outcome.calls_held),
            (gettext("calls agreed in the last %(days)s days") % window, outcome.calls_expected),
            (gettext("calls held of agreed in the last %(days)s days (%%)") % window, outcome.calls_share),
            (gettext("homework recapped"), outcome.homework_recapped),
            (gettext("homework done"), outcome.homework_done),
            (gettext("homework partly done"), outcome.homework_partly),
            (gettext("homework not done"), outcome.homework_not_done),
            (gettext("call value (mean, 1 to 5)"), outcome.call_value),
            (gettext("call value ratings"), outcome.call_ratings),
            (gettext("pairs completed"), outcome.completed),
            (gettext("pairs ended early"), outcome.ended_early),
        ]:
            yield (name, "", measure, value, "")
        for reason, count in outcome.reasons:
            yield (name, "", gettext("pairs ended early for this reason"), count, reason)
        if outcome.more_reasons:
            yield (name, "", gettext("other reasons for ending early"), outcome.more_reasons, "")
        if outcome.surveys is not None:
            surveys = gettext("surveys")
            for measure, value, shown in _survey_measures(outcome.surveys):
                yield (
                    (name, surveys, measure, value, "")
                    if shown
                    else (name, surveys, measure, None, below_floor())
                )
