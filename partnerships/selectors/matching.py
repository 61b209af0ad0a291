"""Reads for the matching board: waiting protégés, the draft proposal, current pairs and suggestions. Each says how many
queries it runs; none grows with the size of the program."""

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Sum,
)

from partnerships.models import Partnership
from programs import matching
from programs.models import CURRENT_PAIR_STATUSES, DraftMatch, Program
from programs.selectors.matching import (
    mentor_profile,
    mentors_with_places,
    protege_profile,
    waiting_proteges,
    weights_of,
)

PAGE_SIZE = 25  # waiting protégés, and pairs, per page of the board

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
