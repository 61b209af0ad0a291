"""Reads for program health: the overview's pairs and figures (the CSV report: ``report``). Each says how many
queries it runs; none grows with the size of the program. They read the stored numbers only: the
views bring those of an earlier day up to date first (``services.refresh_stale_numbers``)."""

import datetime
import functools
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import pgettext

from partnerships import schedule
from partnerships.agreements import schedule_zone
from partnerships.models import Agreement, Partnership
from programs.models import CURRENT_PAIR_STATUSES, Method, Program
from programs.rhythms import Rhythm
from programs.selectors.people import ProgramFigures, program_figures
from sessions_log.models import CallFeedback

from .. import rule
from ..models import RatingMonth
from ..numbers import RATING_MONTHS, WINDOW_DAYS, months_back

HEALTH_PAGE_SIZE = 25


# Sort keys of the overview's columns, each with a tie-break on the pair's id.
HEALTH_SORTS = {
    "pair": ["protege__user__display_name", "mentor__user__display_name"],
    "mentor": ["mentor__user__display_name"],
    "status": ["status"],
    "accepted": ["accepted_at"],
    "last_call": ["last_call_at"],
    "next_call": ["next_call_at"],
    "calls": ["calls_held", "calls_expected"],
    "homework": ["homework_done", "homework_assigned"],
    "rating": ["rating_latest"],
    "change": ["rating_change"],
    "health": ["severity"],
}


DEFAULT_HEALTH_SORT = "pair"


# The overview's filters that read the health numbers; the others (status, name) don't.
HEALTH_FILTERS = ["health", "agreement", "calls", "homework", "rating"]


def _with_health(program: Program, *, now: datetime.datetime) -> QuerySet[rule.WithHealth]:
    """Every partnership of ``program`` with its health (``rule.annotate``). Built
    once per page and filtered for each query: building it is most of the
    ORM's work on the overview."""
    return rule.annotate(Partnership.objects.filter(program=program), now=now)


def _pairs_of[P: Partnership](partnerships: QuerySet[P], filters: dict[str, Any]) -> QuerySet[P]:
    """Those of ``partnerships`` of the status and name ``filters`` ask for."""
    status = filters.get("status") or "current"
    if status == "current":
        partnerships = partnerships.filter(status__in=CURRENT_PAIR_STATUSES)
    elif status != "all":
        partnerships = partnerships.filter(status=status)
    if query := (filters.get("q") or "").strip():
        partnerships = partnerships.filter(
            Q(protege__user__display_name__icontains=query) | Q(mentor__user__display_name__icontains=query)
        )
    return partnerships


def _health_filtered(
    with_health: QuerySet[rule.WithHealth], filters: dict[str, Any]
) -> QuerySet[rule.WithHealth]:
    """The partnerships of ``with_health`` (``_with_health``) filtered by
    ``filters`` (the overview's filter form's cleaned data) and sorted."""
    partnerships = with_health.select_related("mentor__user", "protege__user")
    if label := filters.get("health"):
        partnerships = partnerships.filter(severity=rule.SEVERITY[rule.Label(label)])
    if agreement := filters.get("agreement"):
        partnerships = partnerships.filter(agreement_version__isnull=agreement == "no")
    if calls := filters.get("calls"):
        behind = Q(calls_expected__gt=0, calls_held__lt=F("calls_expected"))
        partnerships = partnerships.filter(behind if calls == "behind" else ~behind)
    if filters.get("homework") == "behind":
        partnerships = partnerships.filter(homework_due__gt=0, homework_done__lt=F("homework_due"))
    if rating := filters.get("rating"):
        partnerships = partnerships.filter(
            {
                "down": Q(rating_change__lt=0),
                "up": Q(rating_change__gt=0),
                "none": Q(rating_latest__isnull=True),
            }[rating]
        )
    sort = filters.get("sort") or DEFAULT_HEALTH_SORT
    descending = sort.startswith("-")
    fields = HEALTH_SORTS.get(sort.lstrip("-"), HEALTH_SORTS[DEFAULT_HEALTH_SORT])
    order = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in fields]
    return _pairs_of(partnerships, filters).order_by(*order, "-pk" if descending else "pk")


# What the overview and the report read of a pair besides its health: its dates
# (the planned end: whether its closing form offers "complete"), the zone of its
# calls (``_next_call_of``) and the two people's names.
_SHOWN = [
    "pk",
    "status",
    "started_on",
    "planned_end_on",
    "last_call_at",
    "next_call_at",
    "next_call_time_zone",
    "mentor__user__display_name",
    "mentor__user__email",
    "protege__user__display_name",
    "protege__user__email",
]


def _next_call_of(partnership: rule.WithHealth, *, now: datetime.datetime) -> schedule.NextCall | None:
    """The pair's next call as their own pages show it (set, or expected by the agreement)."""
    if partnership.status not in CURRENT_PAIR_STATUSES:
        return None
    return schedule.next_call(
        rhythm=Rhythm(partnership.cadence, partnership.every_weeks) if partnership.cadence else None,
        set_at=partnership.next_call_at,
        last_call_at=partnership.last_call_at,
        started_on=partnership.started_on if partnership.status == Partnership.Status.ACTIVE else None,
        tz=schedule_zone(partnership),
        now=now,
    )


@dataclass(frozen=True)
class OverviewRow:
    """A pair of the overview: the partnership with the terms of its agreement in
    force (``rule.annotate``), its numbers, label (None once closed) and the
    reason in words, its next call, and whether a new agreement version is proposed."""

    partnership: rule.WithHealth
    numbers: rule.Numbers
    label: rule.Label | None
    reason: str
    short_reason: str  # the reason as one short phrase (``rule.short_reason``)
    trend: str  # the change of goal ratings in words ("up 0.6", "down 1.2", "unchanged")
    trend_direction: str  # "up", "down", "steady" or ""
    next_call: schedule.NextCall | None
    # An expected call whose date has passed is overdue, not a date to look forward to.
    next_call_overdue: bool
    has_proposal: bool

    @property
    def method_text(self) -> str:
        """How the pair meets, as it reads within the agreed terms ("weekly, 60 min, video")."""
        method = self.partnership.method
        if not method:
            return ""
        # Lower case in English; the translation decides (German keeps its nouns capitalised).
        words: dict[str, str] = {
            Method.PHONE: pgettext("call method, within the agreed terms", "phone"),
            Method.VIDEO: pgettext("call method, within the agreed terms", "video"),
            Method.IN_PERSON: pgettext("call method, within the agreed terms", "in person"),
            Method.CHAT: pgettext("call method, within the agreed terms", "chat"),
        }
        return words.get(str(method)) or str(Method(method).label).lower()


def _overview_row(partnership: rule.WithHealth, *, has_proposal: bool, now: datetime.datetime) -> OverviewRow:
    label = rule.label_of(partnership.severity)
    numbers = rule.Numbers.of(partnership)
    next_call = _next_call_of(partnership, now=now)
    return OverviewRow(
        partnership=partnership,
        numbers=numbers,
        label=rule.Label(label) if label else None,
        reason=rule.reason(label, numbers),
        short_reason=rule.short_reason(label, numbers),
        trend=rule.trend(numbers.rating_change),
        trend_direction=rule.trend_direction(numbers.rating_change),
        next_call=next_call,
        next_call_overdue=next_call is not None and next_call.at < now,
        has_proposal=has_proposal,
    )


class HealthFigures(ProgramFigures):
    """The figures at the top of the overview (``program_health_figures``)."""

    people: int
    matched_share: int | None  # per cent of the protégés
    active_pairs: int
    current_pairs: int
    calls_held: int
    calls_expected: int
    homework_done: int
    homework_due: int
    homework_share: int | None  # per cent of the homework due
    rating_latest: float | None
    rating_change: float | None
    rating_trend: str  # the change in words (``rule.trend``)
    rating_trend_direction: str  # "up", "down", "steady" or "" (``rule.trend_direction``)
    rating_months: list["RatingPoint"]
    stalled: int
    at_risk: int
    session_value: float | None
    session_ratings: int


class ProgramHealth(HealthFigures):
    """The overview (``program_health``): its figures and a page of its pairs."""

    pairs: Page[OverviewRow]


def program_health(program: Program, filters: dict[str, Any], page: int | str | None) -> ProgramHealth:
    """The overview: ``pairs``, a page of the program's partnerships with their
    health numbers, label and reason, filtered and sorted as ``filters`` say,
    and whether a proposal of a new agreement version waits; and the figures
    at the top (``program_health_figures``). A fixed number of queries whatever
    the size of the program; the label is computed by the database, the reason
    and the next call for the rows shown only."""
    now = timezone.now()
    with_health = _with_health(program, now=now)
    figures = program_health_figures(program, now=now, with_health=with_health)
    partnerships = (
        _health_filtered(with_health, filters)
        .only(*_SHOWN)
        .annotate(
            has_proposal=Exists(Agreement.objects.filter(partnership=OuterRef("pk"), status="proposed"))
        )
    )
    # Counted without the health joins when no filter reads the numbers.
    counted = (
        partnerships
        if any(filters.get(name) for name in HEALTH_FILTERS)
        else _pairs_of(Partnership.objects.filter(program=program), filters)
    )
    shown = _CountedPaginator(partnerships, HEALTH_PAGE_SIZE, counted=counted).get_page(page)
    rows = [_overview_row(p, has_proposal=p.has_proposal, now=now) for p in shown.object_list]
    return ProgramHealth(pairs=Page(rows, shown.number, shown.paginator), **figures)


class _CountedPaginator(Paginator):
    """Pages of ``object_list``, counting ``counted``: the same rows, by a cheaper query."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, counted: QuerySet[Any]) -> None:
        super().__init__(object_list, per_page)
        self.counted = counted

    @functools.cached_property
    def count(self) -> int:
        return self.counted.count()


# Summed around the query of the current pairs' health, rather than by Django's
# aggregate(), which rebuilds that query's every condition at a few times the cost.
_TOTALS = [
    ("current", "COUNT(*)"),
    ("active", "COUNT(*) FILTER (WHERE status = %s)"),
    ("stalled", "COUNT(*) FILTER (WHERE severity = %s)"),
    ("at_risk", "COUNT(*) FILTER (WHERE severity = %s)"),
    ("calls_held", "SUM(calls_held)"),
    ("calls_expected", "SUM(calls_expected)"),
    ("homework_done", "SUM(homework_done)"),
    ("homework_due", "SUM(homework_due)"),
    ("rating_latest_avg", "AVG(rating_latest)"),
    ("rating_change_avg", "AVG(rating_change)"),
]


def _health_totals(with_health: QuerySet[rule.WithHealth]) -> dict[str, Any]:
    """Sums of the current pairs' stored numbers, and how many have each label
    that the overview counts (``stalled``, ``at_risk``), by the same rule as the table's. One query."""
    current = (
        with_health.filter(status__in=CURRENT_PAIR_STATUSES)
        .order_by()
        .values(
            "status",
            "severity",
            "calls_held",
            "calls_expected",
            "homework_done",
            "homework_due",
            "rating_latest",
            "rating_change",
        )
    )
    pairs, params = current.query.sql_with_params()
    totals = ", ".join(sql for _, sql in _TOTALS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {totals} FROM (" + pairs + ") AS pairs",
            [
                Partnership.Status.ACTIVE,
                rule.SEVERITY[rule.Label.STALLED],
                rule.SEVERITY[rule.Label.AT_RISK],
                *params,
            ],
        )
        return dict(zip([name for name, _ in _TOTALS], cursor.fetchone(), strict=True))


class RatingPoint(NamedTuple):
    """The goal ratings given in one month (``RatingMonth``): their average (None if none)."""

    month: datetime.date
    average: float | None
    ratings: int


def rating_months(program: Program, *, today: datetime.date) -> list[RatingPoint]:
    """The program's goal ratings of the last ``RATING_MONTHS`` months (UTC), oldest
    first, as counted and kept (``services.refresh_stale_rating_months``). One query."""
    first = months_back(today.replace(day=1), RATING_MONTHS - 1)
    return [
        RatingPoint(month.month, month.average, month.ratings)
        for month in RatingMonth.objects.filter(program=program, month__gte=first).order_by("month")
    ]


def program_health_figures(
    program: Program, *, now: datetime.datetime, with_health: QuerySet[rule.WithHealth] | None = None
) -> HealthFigures:
    """The figures at the top of the overview: people, matched share, active
    partnerships, calls held against expected in the last 90 days, homework
    completion, the average latest goal rating and its change, how many pairs
    are ``stalled`` (by the rule the table labels them with), and how the
    protégés rate their calls (1–5, last 90 days), from the stored numbers of
    the current partnerships (``with_health``: ``_with_health``, if built
    already), and the goal ratings given month by month (``rating_months``). Five queries."""
    figures = program_figures(program)
    totals = _health_totals(with_health if with_health is not None else _with_health(program, now=now))
    session_value = CallFeedback.objects.filter(
        session__partnership__program=program,
        session__starts_at__gte=now - datetime.timedelta(days=WINDOW_DAYS),
    ).aggregate(average=Avg("rating"), count=Count("pk"))
    proteges = figures["proteges"]
    return HealthFigures(
        **figures,
        people=figures["mentors"] + figures["proteges"],
        matched_share=round(100 * (proteges - figures["waiting"]) / proteges) if proteges else None,
        active_pairs=totals["active"],
        current_pairs=totals["current"],
        calls_held=totals["calls_held"] or 0,
        calls_expected=totals["calls_expected"] or 0,
        homework_done=totals["homework_done"] or 0,
        homework_due=totals["homework_due"] or 0,
        homework_share=round(100 * totals["homework_done"] / totals["homework_due"])
        if totals["homework_due"]
        else None,
        rating_latest=totals["rating_latest_avg"],
        rating_change=totals["rating_change_avg"],
        rating_trend=rule.trend(totals["rating_change_avg"]),
        rating_trend_direction=rule.trend_direction(totals["rating_change_avg"]),
        rating_months=rating_months(program, today=timezone.localdate(now, timezone=datetime.UTC)),
        stalled=totals["stalled"],
        at_risk=totals["at_risk"],
        session_value=session_value["average"],
        session_ratings=session_value["count"],
    )
