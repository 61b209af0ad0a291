"""The mentor suggests a goal; the protégé accepts it, in their own words and
with their own why, or declines it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once

from .. import services
from ..forms.goals import GoalForm
from ..forms.suggestions import SuggestionForm
from ..models import Goal
from .common import (
    back_to_goals,
    goals_url,
    mentor_partnership,
    pair_context,
    protege_partnership,
    suggestion_of,
)


@login_required
@saved_once
def suggestion_new(request: HtmxHttpRequest, partnership_id: int):
    partnership = mentor_partnership(request, partnership_id)
    advances = None
    advances_id = request.POST.get("advances") or request.GET.get("advances")
    if advances_id and advances_id.isdigit():
        advances = Goal.objects.filter(partnership=partnership).active().filter(pk=int(advances_id)).first()
    form = SuggestionForm(request.POST or None, advances=advances)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_create(
                partnership=partnership, by=request.user, advances=advances, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Suggested “%(title)s” to %(name)s, who decides whether to take it on.")
                % {"title": suggestion.title, "name": partnership.protege.user.name},
            )
            return back_to_goals(partnership)
    return TemplateResponse(
        request,
        "goals/suggestion_form.html",
        {
            **pair_context(request, partnership),
            "form": form,
            "advances": advances,
            "cancel_url": goals_url(partnership),
        },
    )


@login_required
@saved_once
def suggestion_accept(request: HtmxHttpRequest, partnership_id: int, suggestion_id: int):
    partnership = protege_partnership(request, partnership_id)
    suggestion = suggestion_of(partnership, suggestion_id)
    form = GoalForm(
        request.POST or None,
        partnership=partnership,
        fixed_category=suggestion.category,
        frees=suggestion.advances,
        initial={"title": suggestion.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(
                partnership=partnership,
                by=request.user,
                category=suggestion.category,
                suggestion=suggestion,
                **form.wording(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Added your goal “%(title)s”, from %(name)s’s suggestion.")
                % {"title": goal.title, "name": partnership.mentor.user.name},
            )
            return back_to_goals(partnership, goal)
    return TemplateResponse(
        request,
        "goals/goal_form.html",
        {
            **pair_context(request, partnership),
            "form": form,
            "suggestion": suggestion,
            "earlier": suggestion.advances,
            "title": gettext("Take on a suggested goal"),
            "submit": gettext("Add the goal"),
            "cancel_url": goals_url(partnership),
        },
    )


@login_required
@require_POST
def suggestion_decline(request: HtmxHttpRequest, partnership_id: int, suggestion_id: int):
    partnership = protege_partnership(request, partnership_id)
    suggestion = suggestion_of(partnership, suggestion_id)
    services.suggestion_decline(suggestion=suggestion, by=request.user)
    messages.success(
        request,
        gettext("Declined “%(title)s”. %(name)s will see that.")
        % {"title": suggestion.title, "name": partnership.mentor.user.name},
    )
    return back_to_goals(partnership)
