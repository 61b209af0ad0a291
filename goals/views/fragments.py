"""Pieces of the goals that other apps' pages fetch with htmx, so those apps
need not import goals (their layer sits beside it, not above): the log-a-call
form shows the pair's active goals beside it this way. Without htmx the page
links to the goals page instead; opened directly, these redirect there."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from mentoring.http import HtmxHttpRequest
from partnerships.access import get_partnership_for

from ..selectors.panel import goals_panel_for
from .common import back_to_goals


@login_required
@require_GET
def call_context(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """The pair's active goals with their latest rating and last change, for
    the log-a-call form's context. The pair only (404 for everyone else)."""
    partnership = get_partnership_for(request.user, partnership_id)
    if not request.htmx:
        return back_to_goals(partnership)
    return TemplateResponse(
        request,
        "goals/_call_context.html",
        {"partnership": partnership, "panel": goals_panel_for(partnership)},
    )
