"""Reads for the call log. Each says how many queries it runs; none grows with
the number of calls or homework."""

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone

from partnerships.models import Partnership

from .models import AgendaItem, Homework, PartnershipCheck, Session
from .services import check_due_round

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import WithAnnotations

CALLS_PER_PAGE = 10


def _homework_of_each_call() -> Prefetch:
    return Prefetch("homework", queryset=Homework.objects.order_by("due_on", "pk"))


def calls_page(
    partnership: Partnership, page, *, per_page: int = CALLS_PER_PAGE, with_agenda: bool = False
) -> Page:
    """The pair's finished call logs, newest first, one page, each with its
    homework and the protégé's rating; ``with_agenda``, the agenda items each
    call covered too. Three queries (count, calls with their feedback, their
    homework), four with the agenda. Uses the index session_pair_newest."""
    calls = (
        Session.objects.logged()
        .filter(partnership=partnership)
        .select_related("feedback")
        .prefetch_related(_homework_of_each_call())
        .order_by("-starts_at", "-pk")
    )
    if with_agenda:
        calls = calls.prefetch_related("agenda_items")
    return Paginator(calls, per_page).get_page(page)


def draft_of(partnership: Partnership) -> Session | None:
    """The mentor's half-written log, if any. One query."""
    return Session.objects.filter(partnership=partnership, is_draft=True).first()


def held_calls(partnership: Partnership) -> int:
    return Session.objects.held().filter(partnership=partnership).count()


class CheckState(TypedDict):
    """Whether a person is asked now if the partnership is working (``check_for``)."""

    held_calls: int
    check_round: int | None  # the round to answer now, if any
    checks: list[PartnershipCheck]  # the answers so far, latest round first


def check_for(partnership: Partnership, user, *, role: str) -> CheckState:
    """Whether this person is asked now if the partnership is working, and the
    answers the pair has given so far. Two queries."""
    held = held_calls(partnership)
    checks = list(PartnershipCheck.objects.filter(partnership=partnership).order_by("-after_calls", "role"))
    mine = {c.after_calls for c in checks if c.role == role}
    return {
        "held_calls": held,
        "check_round": check_due_round(held_calls=held, answered_rounds=mine),
        "checks": checks,
    }


def open_agenda(partnership: Partnership) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """The next call's agenda and the someday list. One query (partial index agenda_open_per_pair)."""
    items = list(
        AgendaItem.objects.filter(partnership=partnership, session__isnull=True).select_related("added_by")
    )
    return [i for i in items if not i.someday], [i for i in items if i.someday]


def overdue_on(today: datetime.date) -> Q:
    """Homework still open and due before ``today``: overdue."""
    return Q(status=Homework.Status.OPEN, due_on__lt=today)


def _is_overdue(today: datetime.date) -> ExpressionWrapper:
    return ExpressionWrapper(overdue_on(today), output_field=BooleanField())


class Overdue(TypedDict):
    """What the homework reads add to each item: whether it is overdue today."""

    is_overdue: bool


#: Homework with its ``is_overdue``.
type HomeworkDue = WithAnnotations[Homework, Overdue]


class NextCallPage(TypedDict):
    """What the call page shows of the log (``next_call_page``)."""

    homework_due: list[HomeworkDue]  # to recap at the check-in, soonest due first
    last_call: Session | None  # the latest held call, for its key learnings
    agenda: list[AgendaItem]
    someday: list[AgendaItem]


def next_call_page(partnership: Partnership, *, today: datetime.date | None = None) -> NextCallPage:
    """The call page's part of the log: the homework the check-in recaps
    (overdue flagged), the last held call's key learnings, and the agenda.
    Three queries."""
    today = today or timezone.localdate()
    homework_due: list[HomeworkDue] = list(
        Homework.objects.to_recap()
        .filter(partnership=partnership)
        .annotate(is_overdue=_is_overdue(today))
        .order_by("due_on", "pk")
    )
    agenda, someday = open_agenda(partnership)
    return {
        "homework_due": homework_due,
        "last_call": Session.objects.held().filter(partnership=partnership).order_by("-starts_at").first(),
        "agenda": agenda,
        "someday": someday,
    }


class LogContext(TypedDict):
    """What the log form shows beside it (``log_context``)."""

    agenda: list[AgendaItem]  # waiting for this call, to tick what it covered
    last_call: Session | None  # the latest held call, for its key learnings and next steps


def log_context(partnership: Partnership) -> LogContext:
    """The call log's part of what the mentor sees beside the log form: the
    agenda waiting for the call and the last held call. Two queries."""
    agenda, _someday = open_agenda(partnership)
    return {
        "agenda": agenda,
        "last_call": Session.objects.held()
        .filter(partnership=partnership)
        .order_by("-starts_at", "-pk")
        .first(),
    }


class HomeworkPage(TypedDict):
    """What the homework page shows (``homework_page``)."""

    open_homework: list[HomeworkDue]  # soonest due first
    closed_homework: list[HomeworkDue]  # latest first
    overdue_count: int
    today: datetime.date  # the viewer's local date: "due today"
    tomorrow: datetime.date


def homework_page(partnership: Partnership, *, today: datetime.date | None = None) -> HomeworkPage:
    """All the pair's homework from finished logs: what is open (soonest due
    first, overdue flagged) and what is closed (latest first). One query
    (index homework_pair_by_due)."""
    today = today or timezone.localdate()
    items: list[HomeworkDue] = list(
        Homework.objects.filter(partnership=partnership, session__is_draft=False)
        .select_related("session")
        .annotate(is_overdue=_is_overdue(today))
        .order_by("due_on", "pk")
    )
    open_items = [h for h in items if h.status == Homework.Status.OPEN]
    closed = sorted(
        (h for h in items if h.status != Homework.Status.OPEN),
        key=lambda h: (h.updated_at, h.pk),
        reverse=True,
    )
    return {
        "open_homework": open_items,
        "closed_homework": closed,
        "overdue_count": sum(h.is_overdue for h in open_items),
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
    }


def with_overdue(item: Homework, *, today: datetime.date | None = None) -> HomeworkDue:
    """One item with its ``is_overdue``, as the homework reads give it (no query)."""
    today = today or timezone.localdate()
    item.is_overdue = item.status == Homework.Status.OPEN and item.due_on < today  # type: ignore[attr-defined]
    return item  # type: ignore[return-value]
