"""Reads for programs, matching and partnerships. Each says how many queries it
runs; none grows with the size of the program."""

import datetime
import decimal
import functools
import logging
import re

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships import health, schedule
from partnerships.models import Agreement, CalendarFeed, ClosingReflection, Partnership
from programs import matching
from programs.models import CURRENT_PAIR_STATUSES, DraftMatch, Method, Participant, Program
from programs.selectors import (
    mentor_profile,
    mentors_with_places,
    program_figures,
    protege_profile,
    waiting_proteges,
    weights_of,
)
from sessions_log.models import CallFeedback, Session

from .agreements import TERMS, schedule_zone
from .calendar import PAST_CALLS_KEPT

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on ``OuterRef``)."""
    counted = queryset.order_by().values("program").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_run_by(user) -> list[Program]:
    """The programs ``user`` runs, with people and active partnerships counted. One query."""
    return list(
        Program.objects.run_by(user).annotate(
            people=_count(
                Participant.objects.filter(program=OuterRef("pk")).exclude(
                    status=Participant.Status.WITHDRAWN
                )
            ),
            active_partnerships=_count(
                Partnership.objects.filter(program=OuterRef("pk"), status=Partnership.Status.ACTIVE)
            ),
            waiting=_count(waiting_proteges(OuterRef("pk"))),
        )
    )


def home_for(user) -> dict:
    """What a person's home shows: their current partnerships as mentor and as
    protégé, each with its next call and what needs their action; partnerships
    that have ended; and the programs they run. Three queries, whatever the numbers."""
    now = timezone.now()
    partnerships = list(
        Partnership.objects.of(user)
        .with_people()
        .annotate(
            mentor_reflected=Exists(
                ClosingReflection.objects.filter(partnership=OuterRef("pk"), role="mentor")
            ),
            protege_reflected=Exists(
                ClosingReflection.objects.filter(partnership=OuterRef("pk"), role="protege")
            ),
        )
        .prefetch_related(_current_versions(terms_only=True))
        .order_by("status", "-started_on", "pk")
    )
    for partnership in partnerships:
        _describe(partnership, user, now=now)
    current = [p for p in partnerships if p.status in CURRENT_PAIR_STATUSES]
    return {
        "as_mentor": [p for p in current if p.my_role == Participant.Role.MENTOR],
        "as_protege": [p for p in current if p.my_role == Participant.Role.PROTEGE],
        "closed": sorted(
            (p for p in partnerships if p.status not in CURRENT_PAIR_STATUSES),
            key=lambda p: p.ended_at or p.updated_at,
            reverse=True,
        ),
        "programs_run": programs_run_by(user),
        "now": now,
    }


# --- A pair's own pages: home, agreement, calendar (never shown to admins) ---


def _current_versions(*, terms_only: bool = False) -> Prefetch:
    """The version in force and the open proposal of each partnership, as
    ``current_versions``. Uses the partial unique indexes on status."""
    versions = Agreement.objects.current().order_by("-version")
    if terms_only:
        versions = versions.terms_only()
    return Prefetch("agreements", queryset=versions, to_attr="current_versions")


def _describe(partnership: Partnership, user, *, now) -> Partnership:
    """Adds what a pair's pages show about a partnership for ``user``:
    ``my_role``, ``other`` (the other side), ``in_force``, ``proposal``,
    ``next_call`` (schedule.NextCall or None) and ``to_do`` (what needs their action)."""
    versions = getattr(partnership, "current_versions", [])
    partnership.in_force = next((v for v in versions if v.status == Agreement.Status.IN_FORCE), None)
    partnership.proposal = next((v for v in versions if v.status == Agreement.Status.PROPOSED), None)
    is_mentor = partnership.mentor.user_id == user.pk
    partnership.my_role = Participant.Role.MENTOR if is_mentor else Participant.Role.PROTEGE
    partnership.other = partnership.protege if is_mentor else partnership.mentor
    started = (
        datetime.datetime.combine(partnership.started_on, datetime.time(12), tzinfo=datetime.UTC)
        if partnership.started_on and partnership.status == Partnership.Status.ACTIVE
        else None
    )
    partnership.next_call = None
    if partnership.status in CURRENT_PAIR_STATUSES:
        partnership.next_call = schedule.next_call(
            rhythm=schedule.Rhythm.of(partnership.in_force) if partnership.in_force else None,
            set_at=partnership.next_call_at,
            last_call_at=partnership.last_call_at,
            started_at=started,
            tz=schedule_zone(partnership),
            now=now,
        )
    partnership.next_call_late = partnership.next_call is not None and partnership.next_call.is_late(now)
    partnership.to_do = _to_do(partnership, now=now)
    return partnership


def _to_do(partnership: Partnership, *, now) -> list[str]:
    """Short names of what needs this person's action, most urgent first."""
    if partnership.status not in CURRENT_PAIR_STATUSES:
        reflected = getattr(partnership, f"{partnership.my_role}_reflected", None)
        return ["reflect"] if reflected is False else []
    to_do = []
    proposal = partnership.proposal
    if proposal is not None and proposal.waiting_for_role == partnership.my_role:
        to_do.append("accept")
    elif proposal is None and partnership.in_force is None:
        to_do.append("propose")
    next_call = partnership.next_call
    if partnership.in_force is not None and (next_call is None or not next_call.is_set):
        to_do.append("set_call")
    return to_do


def partnership_page(partnership: Partnership, user) -> dict:
    """What the partnership home shows: the agreement in force and the open
    proposal, the next call, and once ended, the closing reflections. One
    query, two once the partnership has ended."""
    now = timezone.now()
    prefetch_related_objects([partnership], _current_versions())
    _describe(partnership, user, now=now)
    reflections = []
    if partnership.status not in CURRENT_PAIR_STATUSES:
        reflections = list(partnership.closing_reflections.all())
        mine = {r.role for r in reflections}
        partnership.to_do = [] if partnership.my_role in mine else ["reflect"]
    return {"partnership": partnership, "reflections": reflections, "now": now}


def agreement_page(partnership: Partnership, user) -> dict:
    """Every version of the pair's agreement, newest first, each with who
    accepted it when, until when it was in force, and which terms changed from
    the version before. One query."""
    versions = list(partnership.agreements.select_related("proposed_by").order_by("-version"))
    partnership.current_versions = [
        v for v in versions if v.status in (Agreement.Status.PROPOSED, Agreement.Status.IN_FORCE)
    ]
    _describe(partnership, user, now=timezone.now())
    until = None
    for version, older in zip(versions, [*versions[1:], None], strict=False):
        version.changes = _changes(older, version) if older else []
        if version.in_force_at:
            version.in_force_until = until
            until = version.in_force_at
        else:
            version.in_force_until = None
    return {"partnership": partnership, "versions": versions}


# How a change of each term is named in a version's history.
CHANGE_LABELS = {
    "cadence": "how often",
    "every_weeks": "every how many weeks",
    "call_minutes": "call length",
    "checkin_minutes": "check-in time",
    "topic_minutes": "deeper-topic time",
    "prepare_minutes": "preparation time",
    "method": "how you meet",
    "async_welcome": "messages between calls",
    "agenda_owner": "who owns the agenda",
    "ground_rules": "ground rules",
    "first_review_on": "first review date",
    "ends_on": "end date",
    "success": "what success means",
}


def _changes(before: Agreement, after: Agreement) -> list[str]:
    """What changed between two versions, in words."""
    return [CHANGE_LABELS[name] for name in TERMS if getattr(before, name) != getattr(after, name)]


# What CalendarFeed.new_token makes (secrets.token_urlsafe), up to the column's length.
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def calendar_of(token: str, *, now: datetime.datetime | None = None) -> tuple:
    """The owner of a calendar link and their current partnerships, each with
    ``in_force`` (the agreement in force, or None) and ``recent_calls`` (the
    calls logged since ``calendar.PAST_CALLS_KEPT`` before ``now``, cancelled
    ones left out); 404 for an unknown (or reset) token. Four queries."""

    if not CALENDAR_TOKEN.fullmatch(token):
        raise Http404("not a calendar link")  # e.g. a NUL, which PostgreSQL refuses in a query
    now = now or timezone.now()
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    in_force = Prefetch(
        "agreements",
        queryset=Agreement.objects.filter(status=Agreement.Status.IN_FORCE).terms_only(),
        to_attr="current_versions",
    )
    # A day's margin for the longest call (calendar.py keeps those that end in the window).
    recent = Prefetch(
        "sessions",
        queryset=Session.objects.logged()
        .exclude(status=Session.Status.CANCELLED)
        .filter(starts_at__gte=now - PAST_CALLS_KEPT - datetime.timedelta(days=1), starts_at__lte=now)
        .only("partnership_id", "starts_at", "minutes", "status")
        .order_by("starts_at"),
        to_attr="recent_calls",
    )
    partnerships = list(
        Partnership.objects.of(feed.user)
        .with_people()
        .filter(status__in=CURRENT_PAIR_STATUSES)
        .prefetch_related(in_force, recent)
        .order_by("pk")
    )
    for partnership in partnerships:
        partnership.in_force = next(iter(partnership.current_versions), None)
    return feed.user, partnerships


def calendar_feed_of(user) -> CalendarFeed | None:
    """The person's calendar link, if they have made one. One query."""
    return CalendarFeed.objects.filter(user=user).first()


def program_pairs(program: Program, page: int | str | None) -> Page:
    """A page of the program's current pairs with the terms of their agreement
    in force (never what success means to the protégé, nor what the pair
    writes), and whether a proposal waits. Three queries."""
    in_force = Prefetch(
        "agreements",
        queryset=Agreement.objects.filter(status=Agreement.Status.IN_FORCE).terms_only(),
        to_attr="current_versions",
    )
    pairs: Page = Paginator(
        Partnership.objects.filter(program=program, status__in=CURRENT_PAIR_STATUSES)
        .select_related("mentor__user", "protege__user")
        .annotate(
            has_proposal=Exists(Agreement.objects.filter(partnership=OuterRef("pk"), status="proposed"))
        )
        .prefetch_related(in_force)
        .order_by("protege__user__display_name", "pk"),
        PAGE_SIZE,
    ).get_page(page)
    pairs.object_list = list(pairs.object_list)
    for pair in pairs.object_list:
        pair.in_force = next(iter(pair.current_versions), None)
    return pairs


SUGGESTIONS_SHOWN = 10


def board_for(
    *, program: Program, protege_id: int | None, waiting_page: int, pairs_page: int, drafts_page: int
) -> dict:
    """Everything the matching board shows: a page each of waiting protégés,
    the draft proposal and current pairs; how many places mentors have free;
    and, for the chosen protégé, the best mentors with a free place, with reasons.

    Eight queries; with a protégé chosen, two more to rank the mentors (and two
    to load the protégé when they are not on the page shown). Only the chosen
    protégé's ranking reads every available mentor."""
    in_proposal = Exists(DraftMatch.objects.filter(protege=OuterRef("pk")))
    waiting_people = (
        waiting_proteges(program)
        .select_related("user")
        .prefetch_related("topics_sought")
        .annotate(in_proposal=in_proposal)
    )
    waiting: Page = Paginator(waiting_people, PAGE_SIZE).get_page(waiting_page)
    drafts: Page = Paginator(
        DraftMatch.objects.filter(program=program)
        .select_related("protege__user", "mentor__user")
        .order_by("-score", "pk"),
        PAGE_SIZE,
    ).get_page(drafts_page)
    pairs: Page = Paginator(
        Partnership.objects.filter(program=program, status__in=CURRENT_PAIR_STATUSES)
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(pairs_page)
    places = mentors_with_places(program).aggregate(mentors=Count("pk"), free=Sum(F("capacity") - F("load")))

    chosen, suggestions, available = None, [], 0
    if protege_id is not None:
        chosen = next((p for p in waiting.object_list if p.pk == protege_id), None)
        if chosen is None:
            chosen = waiting_people.filter(pk=protege_id).first()
        if chosen is not None:
            mentors = {
                m.pk: m
                for m in mentors_with_places(program)
                .select_related("user")
                .prefetch_related("topics_offered")
            }
            ranked = matching.rank(
                protege_profile(chosen), [mentor_profile(m) for m in mentors.values()], weights_of(program)
            )
            available = len(ranked)
            suggestions = [(mentors[s.mentor_id], s) for s in ranked[:SUGGESTIONS_SHOWN]]

    return {
        "waiting": waiting,
        "drafts": drafts,
        "pairs": pairs,
        "mentors_with_places": places["mentors"],
        "free_places": places["free"] or 0,
        "chosen": chosen,
        "suggestions": suggestions,
        "available_mentors": available,
        "weights": weights_of(program),
    }


# --- The people page and a participant as the admin sees them ---


def partnerships_of(participant: Participant) -> list[Partnership]:
    """Who this person is paired with in their program (never what a pair writes). One query."""
    return list(
        Partnership.objects.filter(Q(mentor=participant) | Q(protege=participant))
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk")
    )


# --- Program health: the overview and the report (issue 9) ---

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


def _pairs_of(program: Program, filters: dict) -> QuerySet[Partnership]:
    """The program's partnerships of the status and name ``filters`` ask for."""
    partnerships = Partnership.objects.filter(program=program)
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


def _health_filtered(program: Program, filters: dict, *, now) -> QuerySet[Partnership]:
    """The program's partnerships with their health, filtered by ``filters``
    (the overview's filter form's cleaned data) and sorted."""
    partnerships = health.annotate(
        _pairs_of(program, filters).select_related("mentor__user", "protege__user"), now=now
    )
    if label := filters.get("health"):
        partnerships = partnerships.filter(severity=health.SEVERITY[health.Label(label)])
    if agreement := filters.get("agreement"):
        partnerships = partnerships.filter(in_force__isnull=agreement == "no")
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
    return partnerships.order_by(*order, "-pk" if descending else "pk")


def _next_call_of(partnership: Partnership, *, now) -> schedule.NextCall | None:
    """The pair's next call as their own pages show it (set, or expected by the agreement)."""
    if partnership.status not in CURRENT_PAIR_STATUSES:
        return None
    started = (
        datetime.datetime.combine(partnership.started_on, datetime.time(12), tzinfo=datetime.UTC)
        if partnership.started_on and partnership.status == Partnership.Status.ACTIVE
        else None
    )
    return schedule.next_call(
        rhythm=schedule.Rhythm(partnership.cadence, partnership.every_weeks) if partnership.cadence else None,
        set_at=partnership.next_call_at,
        last_call_at=partnership.last_call_at,
        started_at=started,
        tz=schedule_zone(partnership),
        now=now,
    )


def _describe_health(partnership: Partnership, *, now) -> Partnership:
    partnership.health = health.label_of(partnership.severity)
    partnership.health_label = health.Label(partnership.health) if partnership.health else None
    partnership.health_reason = health.reason(partnership.health, health.Numbers.of(partnership))
    partnership.cadence_text = health.cadence_text(partnership.cadence, partnership.every_weeks)
    partnership.method_text = Method(partnership.method).label.lower() if partnership.method else ""
    partnership.next_call = _next_call_of(partnership, now=now)
    # An expected call whose date has passed is overdue, not a date to look forward to.
    partnership.next_call_overdue = partnership.next_call is not None and partnership.next_call.at < now
    return partnership


def program_health(program: Program, filters: dict, page: int | str | None) -> dict:
    """The overview: ``pairs``, a page of the program's partnerships with their
    health numbers, label and reason, filtered and sorted as ``filters`` say,
    and whether a proposal of a new agreement version waits; and the figures
    at the top (``program_health_figures``). A fixed number of queries whatever
    the size of the program, once the numbers of the day are stored (the
    nightly refresh); the label is computed by the database, the reason and
    the next call for the rows shown only."""
    now = timezone.now()
    figures = program_health_figures(program, now=now)  # first: it brings stale numbers up to date
    partnerships = _health_filtered(program, filters, now=now).annotate(
        has_proposal=Exists(Agreement.objects.filter(partnership=OuterRef("pk"), status="proposed"))
    )
    # Counted without the health joins when no filter reads the numbers.
    counted = (
        partnerships if any(filters.get(name) for name in HEALTH_FILTERS) else _pairs_of(program, filters)
    )
    pairs: Page = _CountedPaginator(partnerships, HEALTH_PAGE_SIZE, counted=counted).get_page(page)
    pairs.object_list = [_describe_health(p, now=now) for p in pairs.object_list]
    return {"pairs": pairs, **figures}


class _CountedPaginator(Paginator):
    """Pages of ``object_list``, counting ``counted``: the same rows, by a cheaper query."""

    def __init__(self, object_list, per_page, *, counted: QuerySet):
        super().__init__(object_list, per_page)
        self.counted = counted

    @functools.cached_property
    def count(self) -> int:
        return self.counted.count()


def _health_totals(program: Program, *, now: datetime.datetime) -> dict:
    """Sums of the current pairs' stored numbers, and how many have each label
    that the overview counts (``stalled``), by the same rule as the table's."""
    summed = ["calls_held", "calls_expected", "homework_done", "homework_due"]
    current = health.annotate(
        Partnership.objects.filter(program=program, status__in=CURRENT_PAIR_STATUSES), now=now
    )
    return current.aggregate(
        current=Count("pk"),
        active=Count("pk", filter=Q(status=Partnership.Status.ACTIVE)),
        stale=Count("pk", filter=Q(numbers_as_of__isnull=True) | Q(numbers_as_of__lt=now.date())),
        stalled=Count("pk", filter=Q(severity=health.SEVERITY[health.Label.STALLED])),
        **{name: Sum(name) for name in summed},
        rating_latest_avg=Avg("rating_latest"),
        rating_change_avg=Avg("rating_change"),
    )


def program_health_figures(program: Program, *, now: datetime.datetime) -> dict:
    """The figures at the top of the overview: people, matched share, active
    partnerships, calls held against expected in the last 90 days, homework
    completion, the average latest goal rating and its change, how many pairs
    are ``stalled`` (by the rule the table labels them with), and how the
    protégés rate their calls (1–5, last 90 days), from the stored numbers of
    the current partnerships. Four queries; when some are of an earlier day
    (the nightly refresh has not run yet), it refreshes them first."""
    figures = program_figures(program)
    totals = _health_totals(program, now=now)
    if totals["stale"]:
        health.refresh_stale(Partnership.objects.filter(program=program), today=now.date())
        totals = _health_totals(program, now=now)
    session_value = CallFeedback.objects.filter(
        session__partnership__program=program,
        session__starts_at__gte=now - datetime.timedelta(days=health.WINDOW_DAYS),
    ).aggregate(average=Avg("rating"), count=Count("pk"))
    proteges = figures["proteges"]
    return figures | {
        "people": figures["mentors"] + figures["proteges"],
        "matched_share": round(100 * (proteges - figures["waiting"]) / proteges) if proteges else None,
        "active_pairs": totals["active"],
        "current_pairs": totals["current"],
        "calls_held": totals["calls_held"] or 0,
        "calls_expected": totals["calls_expected"] or 0,
        "homework_done": totals["homework_done"] or 0,
        "homework_due": totals["homework_due"] or 0,
        "homework_share": round(100 * totals["homework_done"] / totals["homework_due"])
        if totals["homework_due"]
        else None,
        "rating_latest": totals["rating_latest_avg"],
        "rating_change": totals["rating_change_avg"],
        "stalled": totals["stalled"],
        "session_value": session_value["average"],
        "session_ratings": session_value["count"],
    }


REPORT_COLUMNS = [
    "partnership_id",
    "protege",
    "mentor",
    "status",
    "started_on",
    "agreement_accepted_at",
    "cadence",
    "last_call_at",
    "next_call_at",
    "calls_held_90d",
    "calls_expected_90d",
    "homework_done",
    "homework_due",
    "homework_assigned",
    "rating_latest",
    "rating_change",
    "is_it_working",
    "health",
    "health_reason",
]


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return value.isoformat()


def _number(value) -> decimal.Decimal | None:
    """Two decimals, as a number: a spreadsheet sorts it, and a negative one is
    not mistaken for a formula (``mentoring.spreadsheets``)."""
    return None if value is None else decimal.Decimal(f"{value:.2f}")


def program_report_rows(program: Program, *, chunk_size: int = 1000):
    """Every partnership of ``program`` as report rows (``REPORT_COLUMNS``),
    read from a server-side cursor ``chunk_size`` rows at a time, so memory
    stays flat at any size. Numbers and dates only, never what a pair writes;
    dates and times in ISO 8601 (times in UTC)."""
    now = timezone.now()
    health.refresh_stale(Partnership.objects.filter(program=program), today=now.date())
    partnerships = _health_filtered(program, {"status": "all"}, now=now).only(
        "pk",
        "status",
        "started_on",
        "last_call_at",
        "next_call_at",
        "next_call_time_zone",
        "mentor__user__display_name",
        "mentor__user__email",
        "protege__user__display_name",
        "protege__user__email",
    )
    yield REPORT_COLUMNS
    for p in partnerships.iterator(chunk_size=chunk_size):
        _describe_health(p, now=now)
        yield [
            p.pk,
            p.protege.user.name,
            p.mentor.user.name,
            p.status,
            _iso(p.started_on),
            _iso(p.accepted_at),
            p.cadence_text,
            _iso(p.last_call_at),
            _iso(p.next_call.at if p.next_call else None),
            p.calls_held,
            p.calls_expected,
            p.homework_done,
            p.homework_due,
            p.homework_assigned,
            _number(p.rating_latest),
            _number(p.rating_change),
            "" if p.working is None else p.working,
            p.health,
            p.health_reason,
        ]
