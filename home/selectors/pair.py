"""Reads for the partnership home: the pair as one side sees it, what needs
their action in it, where the pair is (its stage and progress), its last
call's key learnings, the open homework and agenda, and the goals. Each says
how many queries it runs; none grows with the pair's history."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import BooleanField, Count, ExpressionWrapper, Window
from django.utils import timezone

from goals.selectors.panel import goals_panel_for
from partnerships.models import Partnership
from partnerships.selectors.pairs import PairPage, partnership_page
from sessions_log.models import Homework, Session
from sessions_log.selectors import open_agenda, overdue_on

from ..stages import Progress
from ..to_do import Kind, ToDo, to_do_for
from .facts import facts_of_one, pair_facts, pair_progress

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import WithAnnotations

HOME_HOMEWORK_SHOWN = 5
# Items the partnership home says in its own words: the main actions (the
# unfinished log, setting the next call) and the note when the pair is behind.
SHOWN_ELSEWHERE = {Kind.DRAFT_LOG, Kind.SET_CALL, Kind.LATE_CALL, Kind.PICK_TIME}


@dataclass(frozen=True)
class Behind:
    """The pair is behind the rhythm it agreed: since when, and how long ago that is."""

    since: datetime.date  # the last call, or the start when there was none
    had_a_call: bool
    days: int  # from ``since`` to today
    cadence_text: str

    @property
    def weeks(self) -> int:
        return self.days // 7


class PartnershipHome(PairPage):
    """The top of the partnership home (``partnership_home``)."""

    to_do: list[ToDo]
    progress: Progress
    behind: Behind | None
    has_draft: bool
    rating_due: bool  # a rating (or the first goals) is due within to_do.DUE_SOON
    active_goals: int
    homework_due: int  # open, overdue or due within to_do.DUE_SOON
    reflect_due: bool
    offer_waiting: bool  # the other side offered times for the next call; this person picks
    today: datetime.date


def _behind(page: PairPage, today: datetime.date) -> Behind | None:
    """When the pair's next call is late by the schedule (``PairView.next_call_late``)."""
    pair = page["pair"]
    call = pair.next_call
    if not pair.next_call_late or call is None or pair.in_force is None:
        return None
    if call.last_call is not None:
        since, had_a_call = timezone.localtime(call.last_call).date(), True
    else:
        since, had_a_call = pair.partnership.began_on, False
    return Behind(
        since=since, had_a_call=had_a_call, days=(today - since).days, cadence_text=pair.in_force.cadence_text
    )


def partnership_home(partnership: Partnership, user) -> PartnershipHome:
    """The top of the partnership home: the pair as ``user`` sees it
    (``partnership_page``: the agreement, the next call, the closing
    reflections), what needs their action (``to_do.to_do_for``), the pair's
    stage and progress (``stages``) and, when it is late against its agreed
    rhythm, since when (``behind``), and whether times the other side
    offered for the next call wait for them (``offer_waiting``). Two queries."""
    page = partnership_page(partnership, user)
    pair = page["pair"]
    today = timezone.localdate(page["now"])
    row = facts_of_one(partnership, today=today)
    facts = pair_facts(row, pair, today=today)
    to_do = to_do_for(pair, facts, today=today)
    behind = _behind(page, today)
    kinds = {item.kind for item in to_do}
    return {
        **page,
        "to_do": [item for item in to_do if item.kind not in SHOWN_ELSEWHERE],
        "progress": pair_progress(row, pair, today=today),
        "behind": behind,
        "has_draft": facts.draft_at is not None,
        "rating_due": bool(kinds & {Kind.RATE, Kind.ADD_GOALS}),
        "active_goals": facts.active_goals,
        "homework_due": facts.homework_overdue + facts.homework_soon,
        "reflect_due": Kind.REFLECT in kinds,
        "offer_waiting": Kind.PICK_TIME in kinds,
        "today": today,
    }


class OpenHomework(TypedDict):
    """What the partnership home adds to each open item shown."""

    is_overdue: bool
    open_total: int
    overdue_total: int


#: An open item on the partnership home, with its ``is_overdue`` and the totals.
type HomeworkShown = WithAnnotations[Homework, OpenHomework]


def partnership_home_sections(partnership: Partnership, *, today: datetime.date) -> dict[str, Any]:
    """The rest of the full partnership home: the last held call (its key
    learnings and next steps), the open homework (the first few, with how
    many in all and how many overdue), the next call's agenda and the goals
    panel (``goals.selectors.panel.goals_panel_for``). Three queries, and the
    goals panel's."""
    open_homework: list[HomeworkShown] = list(
        Homework.objects.filter(partnership=partnership, session__is_draft=False, status=Homework.Status.OPEN)
        .annotate(
            is_overdue=ExpressionWrapper(overdue_on(today), output_field=BooleanField()),
            open_total=Window(Count("pk")),
            overdue_total=Window(Count("pk", filter=overdue_on(today))),
        )
        .order_by("due_on", "pk")[:HOME_HOMEWORK_SHOWN]
    )
    agenda, someday = open_agenda(partnership)
    first = open_homework[0] if open_homework else None
    last_call = (
        Session.objects.held()
        .filter(partnership=partnership)
        .only("pk", "partnership_id", "starts_at", "minutes", "method", "key_learnings", "prepare_next")
        .order_by("-starts_at", "-pk")
        .first()
    )
    return {
        "last_call": last_call,
        "open_homework": open_homework,
        "open_homework_total": first.open_total if first else 0,
        "overdue_total": first.overdue_total if first else 0,
        "agenda": agenda,
        "someday": someday,
        "goals_panel": goals_panel_for(partnership),
    }
