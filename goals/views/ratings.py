"""The rating form: the protégé rates their active goals 0–10, skipping any
this time; then a page says what moved and offers to put it on the next call's
agenda. The mentor sees the ratings but does not rate (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext

from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once
from partnerships.access import cached_pair_page, get_partnership_for
from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES

from .. import services
from ..forms.ratings import RatingForm
from ..models import RatingRound
from ..selectors import ratings as selectors
from ..selectors.rounds import is_latest_round, on_next_agenda, round_summary
from .common import goals_url, pair_context, protege_partnership


@login_required
@saved_once
def rating_new(request: HtmxHttpRequest, partnership_id: int):
    return cached_pair_page(
        request, partnership_id, lambda: _rating_form(request, protege_partnership(request, partnership_id))
    )


def _rating_form(request: HtmxHttpRequest, partnership: Partnership):
    goals = selectors.goals_for_rating(partnership)
    form = RatingForm(request.POST or None, goals=goals)
    if request.method == "POST" and goals and form.is_valid():
        try:
            rating_round = services.ratings_record(
                partnership=partnership, by=request.user, entries=form.entries()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(form.entries())
            messages.success(
                request,
                ngettext(
                    "Thank you: your rating of %(count)d goal is saved. %(name)s can see it now.",
                    "Thank you: your ratings of %(count)d goals are saved. %(name)s can see them now.",
                    count,
                )
                % {"count": count, "name": partnership.mentor.user.name},
            )
            return HttpResponseRedirect(round_url(partnership, rating_round), status=303)
    trends = selectors.recent_trends(partnership, goals)
    return TemplateResponse(
        request,
        "goals/rating_form.html",
        {
            **pair_context(request, partnership),
            "form": form,
            "rows": [(goal, value, grounding, trends[goal.pk]) for goal, value, grounding in form.rows()],
            "goals": goals,
            "due": selectors.rating_due(partnership, active_goals=len(goals)),
            "cancel_url": goals_url(partnership),
        },
    )


def round_url(partnership: Partnership, rating_round: RatingRound) -> str:
    return reverse("goals:rating_round", args=[partnership.pk, rating_round.pk])


@login_required
def rating_round(request: HtmxHttpRequest, partnership_id: int, round_id: int):
    """What one round of ratings moved, for the pair (404 for everyone else);
    each goal that moved can go on the next call's agenda in one click."""
    return cached_pair_page(request, partnership_id, lambda: _round_page(request, partnership_id, round_id))


def _round_page(request: HtmxHttpRequest, partnership_id: int, round_id: int):
    partnership = get_partnership_for(request.user, partnership_id)
    rating_round = get_object_or_404(RatingRound.objects.filter(partnership=partnership), pk=round_id)
    # Only the last round offers its moves for the agenda; an older one is history.
    can_add = partnership.status in CURRENT_PAIR_STATUSES and is_latest_round(partnership, rating_round)
    return TemplateResponse(
        request,
        "goals/rating_round.html",
        {
            **pair_context(request, partnership),
            **round_summary(partnership, rating_round),
            "round": rating_round,
            "can_add_to_agenda": can_add,
            "on_agenda": on_next_agenda(partnership) if can_add else set(),
            "here": round_url(partnership, rating_round),
        },
    )
