"""Reads for the matching board: waiting protégés, the draft proposal, current pairs and suggestions. Each says how many
queries it runs; none grows with the size of the program."""

from collections.abc import Sequence
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Min,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)

from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, DraftMatch, Participant, Program
from programs.models.requests import MentorRequest
from programs.selectors.matching import (
    mentors_with_places,
    ranked_mentors,
    waiting_proteges,
    weights_of,
)

PAGE_SIZE = 25  # waiting protégés, and pairs, per page of the board

SUGGESTIONS_SHOWN = 10


class _PageByIds[M: Model](Sequence[M]):
    """Rows to page through (``rows``, with what the page shows of each), for a
    ``Paginator``: counted, sorted and sliced by ``ids`` (the same rows, reading
    only the columns the filter and sort need), so the sort joins no account or
    profile of the rows it skips. The ids of the page ``asked`` for are read with
    the count of them all (``COUNT(*) OVER ()``): one query for them and one for
    their rows; one more to count when the page asked for is past the end."""

    def __init__(self, rows: QuerySet[M], ids: QuerySet[M], order: Sequence[str], *, asked: int) -> None:
        self.rows, self.order = rows, order
        self.ids = ids.order_by(*order).values("pk")
        self.start = (max(asked, 1) - 1) * PAGE_SIZE
        found = list(
            self.ids.annotate(total=Window(Count("*"))).values_list("pk", "total")[
                self.start : self.start + PAGE_SIZE
            ]
        )
        self.found = [pk for pk, _ in found]
        self.counted: int | None = found[0][1] if found else (0 if self.start == 0 else None)

    def __len__(self) -> int:
        if self.counted is None:
            self.counted = self.ids.count()
        return self.counted

    @overload
    def __getitem__(self, shown: int) -> M: ...
    @overload
    def __getitem__(self, shown: slice) -> list[M]: ...
    def __getitem__(self, shown: int | slice) -> M | list[M]:
        if isinstance(shown, int):
            return self[shown : shown + 1][0]
        start, stop = shown.start or 0, len(self) if shown.stop is None else shown.stop
        if start == self.start and stop - start <= PAGE_SIZE:
            ids: Any = self.found[: stop - start]
        else:  # a page other than the one asked for: past the end, the last one
            ids = self.ids[start:stop]
        return list(self.rows.filter(pk__in=ids).order_by(*self.order))


def _page[M: Model](rows: QuerySet[M], ids: QuerySet[M], order: Sequence[str], number: int) -> Page[M]:
    return Paginator(_PageByIds(rows, ids, order, asked=number), PAGE_SIZE).get_page(number)


def board_for(
    *,
    program: Program,
    protege_id: int | None,
    waiting_page: int,
    pairs_page: int,
    drafts_page: int,
    set_aside: frozenset[int] = frozenset(),
) -> dict:
    """Everything the matching board shows: a page each of waiting protégés
    (each with ``pending_requests``: their requests still pending, with the
    mentor), the draft proposal and current pairs; the proposal's summary; how
    many places mentors have free; and, for the chosen protégé, the best
    mentors with a free place, with reasons, but those the admin ``set_aside``
    for now.

    Ten queries; with a protégé chosen, three more to rank the mentors
    (``ranked_mentors``; four when the program has matching criteria), and
    three to load the protégé when they are not on the page shown. Only the chosen
    protégé's ranking reads every available mentor."""
    in_proposal = Exists(DraftMatch.objects.filter(protege=OuterRef("pk")))
    # Each protégé's requests still pending, so no admin overrides one unknowingly.
    asked = Prefetch(
        "requests_sent",
        queryset=MentorRequest.objects.pending().select_related("mentor__user").order_by("created_at", "pk"),
        to_attr="pending_requests",
    )
    waiting_people = (
        waiting_proteges(program)
        .select_related("user")
        .prefetch_related("topics_sought", asked)
        .annotate(in_proposal=in_proposal)
    )
    waiting = _page(
        Participant.objects.select_related("user")
        .prefetch_related("topics_sought", asked)
        .annotate(in_proposal=in_proposal),
        waiting_proteges(program),
        ["created_at", "pk"],
        waiting_page,
    )
    drafts = _page(
        DraftMatch.objects.select_related("protege__user", "mentor__user"),
        DraftMatch.objects.filter(program=program),
        ["-score", "pk"],
        drafts_page,
    )
    pairs = _page(
        Partnership.objects.select_related("mentor__user", "protege__user"),
        Partnership.objects.filter(program=program, status__in=CURRENT_PAIR_STATUSES),
        ["-created_at", "-pk"],
        pairs_page,
    )
    places = mentors_with_places(program).aggregate(mentors=Count("pk"), free=Sum(F("capacity") - F("load")))
    proposal = DraftMatch.objects.filter(program=program).aggregate(average=Avg("score"), lowest=Min("score"))

    chosen, suggestions, available, skipped = None, [], 0, 0
    if protege_id is not None:
        chosen = next((p for p in waiting.object_list if p.pk == protege_id), None)
        if chosen is None:
            chosen = waiting_people.filter(pk=protege_id).first()
        if chosen is not None:
            # Each pair's score stands alone: leaving out those set aside keeps the others' order.
            ranked = ranked_mentors(program=program, protege=chosen)
            kept = [(mentor, s) for mentor, s in ranked if mentor.pk not in set_aside]
            available, skipped = len(kept), len(ranked) - len(kept)
            suggestions = kept[:SUGGESTIONS_SHOWN]

    return {
        "waiting": waiting,
        "drafts": drafts,
        "pairs": pairs,
        "proposal_average": proposal["average"],
        "proposal_lowest": proposal["lowest"],
        "mentors_with_places": places["mentors"],
        "free_places": places["free"] or 0,
        "chosen": chosen,
        "suggestions": suggestions,
        "available_mentors": available,
        "set_aside": skipped,  # mentors with a free place the admin set aside for the chosen protégé
        "weights": weights_of(program),
    }


def next_waiting(program: Program, after: Participant) -> int | None:
    """The id of the protégé who waits next after ``after`` in the board's order
    (they may have stopped waiting), else the first who waits; None when nobody
    does. One or two queries."""
    waiting = waiting_proteges(program).values_list("pk", flat=True)
    later = waiting.filter(
        Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, pk__gt=after.pk)
    ).first()
    return later if later is not None else waiting.first()
