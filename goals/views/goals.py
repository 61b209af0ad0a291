"""The goals page, and writing a goal: add, revise, follow with a more advanced
version, mark achieved or dropped (or active again)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once
from partnerships.access import cached_pair_page, get_partnership_for
from partnerships.models import Partnership

from .. import services
from ..forms.goals import GoalForm, GoalReviseForm
from ..forms.milestones import MilestoneForm
from ..models import Category, Goal
from ..selectors import goals as selectors
from .common import back_to_goals, goal_of, goals_url, pair_context, protege_partnership


def goals_page(
    request: HtmxHttpRequest, partnership: Partnership, *, milestone_forms: dict | None = None
) -> TemplateResponse:
    """The goals page; ``milestone_forms`` holds a rejected step form by goal id."""
    context = {**pair_context(request, partnership), **selectors.goals_page(partnership)}
    if context["can_write"]:
        for section in context["sections"]:
            for trend in section.goals:
                trend.milestone_form = (milestone_forms or {}).get(trend.goal.pk) or MilestoneForm(
                    prefix=f"m{trend.goal.pk}", goal=trend.goal
                )
    return TemplateResponse(request, "goals/goals.html", context)


@login_required
@require_safe
def goal_list(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    return cached_pair_page(
        request,
        partnership_id,
        lambda: goals_page(request, get_partnership_for(request.user, partnership_id)),
    )


def _form_page(request: HtmxHttpRequest, partnership: Partnership, form, **context) -> TemplateResponse:
    return TemplateResponse(
        request, "goals/goal_form.html", {**pair_context(request, partnership), "form": form, **context}
    )


@login_required
@saved_once
def goal_new(request: HtmxHttpRequest, partnership_id: int):
    partnership = protege_partnership(request, partnership_id)
    category = request.GET.get("category")
    initial = {"category": category} if category in Category.values else {}
    form = GoalForm(request.POST or None, partnership=partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(
                partnership=partnership,
                by=request.user,
                category=form.cleaned_data["category"],
                **form.wording(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Added your goal “%(title)s”.") % {"title": goal.title})
            return back_to_goals(partnership, goal)
    return _form_page(
        request,
        partnership,
        form,
        title=gettext("Add a goal"),
        submit=gettext("Add the goal"),
        cancel_url=goals_url(partnership),
    )


@login_required
@saved_once
def goal_advance(request: HtmxHttpRequest, partnership_id: int, goal_id: int):
    partnership = protege_partnership(request, partnership_id)
    earlier = goal_of(partnership, goal_id)
    form = GoalForm(
        request.POST or None, partnership=partnership, fixed_category=earlier.category, frees=earlier
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_advance(goal=earlier, by=request.user, **form.wording())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Added “%(title)s”, a more advanced version of “%(earlier)s” (now achieved).")
                % {"title": goal.title, "earlier": earlier.title},
            )
            return back_to_goals(partnership, goal)
    return _form_page(
        request,
        partnership,
        form,
        title=gettext("A more advanced version"),
        submit=gettext("Add the advanced version"),
        earlier=earlier,
        cancel_url=goals_url(partnership, earlier),
    )


@login_required
def goal_revise(request: HtmxHttpRequest, partnership_id: int, goal_id: int):
    partnership = protege_partnership(request, partnership_id)
    goal = goal_of(partnership, goal_id, active=True)
    form = GoalReviseForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        before, saved_at = goal.title, goal.updated_at
        try:
            services.goal_revise(
                goal=goal, by=request.user, reason=form.cleaned_data["reason"], **form.wording()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if goal.updated_at != saved_at:
                messages.success(
                    request,
                    gettext("Revised “%(title)s”. The earlier wording “%(before)s” stays in its history.")
                    % {"title": goal.title, "before": before},
                )
            else:
                messages.info(request, gettext("Nothing changed."))
            return back_to_goals(partnership, goal)
    return _form_page(
        request,
        partnership,
        form,
        title=gettext("Revise your goal"),
        submit=gettext("Save the new wording"),
        goal=goal,
        cancel_url=goals_url(partnership, goal),
    )


STATUS_MESSAGES = {
    Goal.Status.ACHIEVED: gettext_lazy(
        "Well done: “%(title)s” is achieved. Its ratings and history stay on this page."
    ),
    Goal.Status.DROPPED: gettext_lazy("Dropped “%(title)s”. Its ratings and history stay on this page."),
    Goal.Status.ACTIVE: gettext_lazy("“%(title)s” is active again."),
}


@login_required
@require_POST
def goal_status(request: HtmxHttpRequest, partnership_id: int, goal_id: int):
    partnership = protege_partnership(request, partnership_id)
    goal = goal_of(partnership, goal_id)
    status = request.POST.get("status", "")
    if status not in Goal.Status.values:
        messages.error(request, gettext("Choose achieved, dropped or active."))
        return back_to_goals(partnership, goal)
    try:
        services.goal_set_status(goal=goal, by=request.user, status=status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, STATUS_MESSAGES[status] % {"title": goal.title})
    return back_to_goals(partnership, goal)
