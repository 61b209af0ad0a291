"""Homework to do and done, and the agenda of the next call. The pair's own
pages (404 for everyone else); marking homework done is the protégé's (403
for the mentor), adding to the agenda is either side's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once
from partnerships.access import cached_pair_page, get_partnership_for, require_role
from programs.models import Participant

from .. import selectors, services
from ..forms import AgendaItemForm, HomeworkDoneForm
from ..models import AgendaItem, Homework
from .calls import _pair, apply_errors, call_page, redirect_to


def _homework(
    request: HtmxHttpRequest, partnership, pair, posted: HomeworkDoneForm | None = None
) -> TemplateResponse:
    context = selectors.homework_page(partnership)
    if pair.my_role == Participant.Role.PROTEGE:
        for item in context["open_homework"]:
            prefix = f"homework-{item.pk}"
            item.done_form = (
                posted if posted is not None and posted.prefix == prefix else HomeworkDoneForm(prefix=prefix)
            )
    return TemplateResponse(
        request, "sessions_log/homework.html", {"partnership": partnership, "pair": pair, **context}
    )


@login_required
def homework(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """What is open, with due dates (overdue stands out), and what was done."""
    return cached_pair_page(
        request, partnership_id, lambda: _homework(request, *_pair(request, partnership_id))
    )


def _not_open(request: HtmxHttpRequest, partnership, item: Homework) -> HttpResponseRedirect:
    if item.status == Homework.Status.DONE:
        messages.info(request, gettext("Already marked done."))
    else:
        messages.info(request, gettext("This homework is no longer open: it was recapped at a call."))
    return redirect_to("homework", partnership, "#done")


@login_required
@require_POST
def homework_done(request: HtmxHttpRequest, partnership_id: int, homework_id: int):
    """The protégé marks an item done, with a short reflection."""
    partnership, pair = _pair(request, partnership_id, write=True)
    require_role(partnership, request.user, Participant.Role.PROTEGE)
    item = get_object_or_404(
        Homework.objects.filter(partnership=partnership, session__is_draft=False), pk=homework_id
    )
    if item.status != Homework.Status.OPEN:  # a second submit (Back, another tab): say so, keep the first
        return _not_open(request, partnership, item)
    form = HomeworkDoneForm(request.POST, prefix=f"homework-{item.pk}")
    if form.is_valid():
        try:
            services.homework_mark_done(
                homework=item, by=request.user, reflection=form.cleaned_data["reflection"]
            )
        except ValidationError as error:
            if error.code == "not_open":
                item.refresh_from_db(fields=["status"])
                return _not_open(request, partnership, item)
            apply_errors(form, error)
        else:
            messages.success(
                request, f"“{item.description}” is done. {pair.other.user.name} sees your reflection."
            )
            return redirect_to("homework", partnership, "#done")
    return _homework(request, partnership, pair, posted=form)


@login_required
@require_POST
@saved_once
def agenda_add(request: HtmxHttpRequest, partnership_id: int):
    """Either side adds a topic or question to the next call, or to the someday list."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.agenda_item_add(
                partnership=partnership,
                by=request.user,
                text=form.cleaned_data["text"],
                someday=form.cleaned_data["someday"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            where = "your someday list" if item.someday else "the next call's agenda"
            messages.success(request, f"“{item.text}” is on {where}.")
            return redirect_to("call_page", partnership, "#agenda")
    return call_page(request, partnership_id, agenda_form=form)


@login_required
@require_POST
def agenda_pull(request: HtmxHttpRequest, partnership_id: int, item_id: int):
    """Pulls a someday topic into the next call's agenda."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    item = get_object_or_404(
        AgendaItem.objects.filter(partnership=partnership, session__isnull=True), pk=item_id
    )
    services.agenda_item_pull(item=item, by=request.user)
    messages.success(request, f"“{item.text}” is on the next call's agenda.")
    return redirect_to("call_page", partnership, "#agenda")
