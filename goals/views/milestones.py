"""Milestones: short-term steps under a goal. With htmx only the goal's list of
steps is swapped and the outcome announced; without, the page reloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.dates import date_format
from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once

from .. import services
from ..forms.milestones import MilestoneForm
from ..models import Goal, Milestone
from .common import back_to_goals, pair_context, protege_partnership
from .goals import goals_page


def _steps(
    request: HtmxHttpRequest, goal: Goal, form: MilestoneForm, notice: str = "", *, keep_open: bool = False
) -> HttpResponse:
    context = {
        "keep_open": keep_open,
        **pair_context(request, goal.partnership),
        "goal": goal,
        "milestones": goal.milestones.order_by("done_at", "due_on", "pk"),
        "milestone_form": form,
        "notice": notice,
    }
    html = render_to_string("goals/_milestones.html", context, request)
    if notice:
        html += render_to_string("goals/_status.html", context, request)
    return HttpResponse(html)


@login_required
@require_POST
@saved_once
def milestone_add(request: HtmxHttpRequest, partnership_id: int, goal_id: int):
    partnership = protege_partnership(request, partnership_id)
    goal = get_object_or_404(Goal.objects.filter(partnership=partnership).active(), pk=goal_id)
    goal.partnership = partnership
    form = MilestoneForm(request.POST, prefix=f"m{goal.pk}", goal=goal)
    if form.is_valid():
        try:
            milestone = services.milestone_add(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notice = gettext("Added the step “%(title)s”, due %(day)s.") % {
                "title": milestone.title,
                "day": date_format(milestone.due_on, "j M Y"),
            }
            if request.htmx:
                response = _steps(request, goal, MilestoneForm(prefix=f"m{goal.pk}"), notice, keep_open=True)
                response.saved_to = back_to_goals(partnership, goal)["Location"]  # where a repeat is sent
                return response
            messages.success(request, notice)
            return back_to_goals(partnership, goal)
    if request.htmx:
        return _steps(request, goal, form)
    return goals_page(request, partnership, milestone_forms={goal.pk: form})


@login_required
@require_POST
def milestone_done(request: HtmxHttpRequest, partnership_id: int, goal_id: int, milestone_id: int):
    partnership = protege_partnership(request, partnership_id)
    milestone = get_object_or_404(
        Milestone.objects.filter(goal__partnership=partnership, goal_id=goal_id).select_related("goal"),
        pk=milestone_id,
    )
    milestone.goal.partnership = partnership
    done = request.POST.get("done") == "1"
    services.milestone_set_done(milestone=milestone, by=request.user, done=done)
    notice = (gettext("“%(title)s” is done.") if done else gettext("“%(title)s” is to do again.")) % {
        "title": milestone.title
    }
    if request.htmx:
        return _steps(request, milestone.goal, MilestoneForm(prefix=f"m{milestone.goal.pk}"), notice)
    messages.success(request, notice)
    return back_to_goals(partnership, milestone.goal)
