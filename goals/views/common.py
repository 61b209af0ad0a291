"""How the goals views reach a pair and its goals: scoped to the person asking."""

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from mentoring.http import HtmxHttpRequest
from partnerships.access import get_partnership_for, require_role
from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant

from ..models import Goal, GoalSuggestion


def pair_context(request: HtmxHttpRequest, partnership: Partnership) -> dict:
    """Who is looking, and who the other person of the pair is."""
    is_protege = partnership.side_of(request.user) == Participant.Role.PROTEGE
    return {
        "partnership": partnership,
        "is_protege": is_protege,
        "other": partnership.other_side(request.user).user,
        "can_write": is_protege and partnership.status in CURRENT_PAIR_STATUSES,
        "can_suggest": not is_protege and partnership.status in CURRENT_PAIR_STATUSES,
    }


def protege_partnership(request: HtmxHttpRequest, partnership_id: int) -> Partnership:
    """The pair's partnership for a write of the protégé's: 404 outside the pair,
    403 for the mentor and when the partnership has ended."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    require_role(partnership, request.user, Participant.Role.PROTEGE)
    return partnership


def mentor_partnership(request: HtmxHttpRequest, partnership_id: int) -> Partnership:
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    require_role(partnership, request.user, Participant.Role.MENTOR)
    return partnership


def goal_of(partnership: Partnership, goal_id: int, *, active: bool = False) -> Goal:
    goals = Goal.objects.filter(partnership=partnership).select_related("advances")
    if active:
        goals = goals.active()
    goal = get_object_or_404(goals, pk=goal_id)
    goal.partnership = partnership  # already loaded with both people
    return goal


def suggestion_of(partnership: Partnership, suggestion_id: int) -> GoalSuggestion:
    suggestion = get_object_or_404(
        GoalSuggestion.objects.filter(
            partnership=partnership, status=GoalSuggestion.Status.PENDING
        ).select_related("advances", "suggested_by"),
        pk=suggestion_id,
    )
    suggestion.partnership = partnership
    return suggestion


def goals_url(partnership: Partnership, goal: Goal | None = None) -> str:
    url = reverse("goals:goals", args=[partnership.pk])
    return f"{url}#goal-{goal.pk}" if goal is not None else url


def back_to_goals(partnership: Partnership, goal: Goal | None = None) -> HttpResponseRedirect:
    return HttpResponseRedirect(goals_url(partnership, goal), status=303)
