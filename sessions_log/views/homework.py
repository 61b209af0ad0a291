"""Homework to do and done, and the agenda of the next call. The pair's own
pages (404 for everyone else); ticking homework done is the protégé's (403
for the mentor), adding to the agenda is either side's."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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


def _done_form(item: Homework, posted: HomeworkDoneForm | None = None) -> HomeworkDoneForm:
    prefix = f"homework-{item.pk}"
    if posted is not None and posted.prefix == prefix:
        return posted
    return HomeworkDoneForm(
        prefix=prefix, initial={"done": item.status == Homework.Status.DONE, "reflection": item.reflection}
    )


def _homework(
    request: HtmxHttpRequest, partnership, pair, posted: HomeworkDoneForm | None = None
) -> TemplateResponse:
    context = selectors.homework_page(partnership)
    if pair.my_role == Participant.Role.PROTEGE and partnership.is_current:
        # The protégé ticks or unticks each item until the next call recaps it.
        for item in [*context["open_homework"], *context["closed_homework"]]:
            if item.recapped_in_id is None:
                item.done_form = _done_form(item, posted)
    return TemplateResponse(
        request, "sessions_log/homework.html", {"partnership": partnership, "pair": pair, **context}
    )


@login_required
def homework(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """What is to do, with due dates (overdue stands out), and what is done."""
    return cached_pair_page(
        request, partnership_id, lambda: _homework(request, *_pair(request, partnership_id))
    )


def _not_open(request: HtmxHttpRequest, partnership) -> HttpResponseRedirect:
    messages.info(request, gettext("This homework was recapped at a call; it can no longer change."))
    return redirect_to("homework", partnership, "#done")


def _what_changed(item: Homework, *, was_done: bool, said_before: str, other_name: str) -> tuple[str, bool]:
    """What a tick did, in words, and whether it changed anything."""
    if item.status != Homework.Status.DONE:
        if was_done and item.reflection:
            return gettext(
                "“%(homework)s” is back on your to-do list. Your reflection is kept for when you tick it again."
            ) % {"homework": item.description}, True
        if was_done:
            return gettext("“%(homework)s” is back on your to-do list.") % {
                "homework": item.description
            }, True
        return gettext("Nothing changed: tick the homework, then save."), False
    if not was_done:
        if item.reflection:
            return gettext("“%(homework)s” is done. %(name)s sees your reflection.") % {
                "homework": item.description,
                "name": other_name,
            }, True
        return gettext("“%(homework)s” is done.") % {"homework": item.description}, True
    if item.reflection != said_before:
        return gettext("Your reflection on “%(homework)s” is saved.") % {"homework": item.description}, True
    return gettext("Already marked done."), False


def _item(
    request: HtmxHttpRequest, partnership, pair, item: Homework, form, notice: str = ""
) -> HttpResponse:
    """One homework item swapped in place (htmx), and the notice in the messages out of band."""
    item = selectors.with_overdue(item)
    item.done_form = form
    today = timezone.localdate()
    context = {
        "partnership": partnership,
        "pair": pair,
        "h": item,
        "notice": notice,
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
    }
    html = render_to_string("sessions_log/_homework_item.html", context, request)
    html += render_to_string("sessions_log/_status.html", context, request)
    return HttpResponse(html)


@login_required
@require_POST
def homework_done(request: HtmxHttpRequest, partnership_id: int, homework_id: int):
    """The protégé ticks an item done, with an optional short reflection, or
    unticks it, until the next call recaps it. With htmx the item changes in
    place; without, the page reloads at the item."""
    partnership, pair = _pair(request, partnership_id, write=True)
    require_role(partnership, request.user, Participant.Role.PROTEGE)
    item = get_object_or_404(
        Homework.objects.filter(partnership=partnership, session__is_draft=False).select_related("session"),
        pk=homework_id,
    )
    if item.recapped_in_id is not None:  # the call recapped it (another tab, an old page)
        return _not_open(request, partnership)
    form = HomeworkDoneForm(request.POST, prefix=f"homework-{item.pk}")
    if form.is_valid():
        was_done, said_before = item.status == Homework.Status.DONE, item.reflection
        try:
            if form.cleaned_data["done"]:
                services.homework_mark_done(
                    homework=item, by=request.user, reflection=form.cleaned_data["reflection"]
                )
            else:
                services.homework_reopen(homework=item, by=request.user)
        except ValidationError as error:
            if error.code == "not_open":
                return _not_open(request, partnership)
            apply_errors(form, error)
        else:
            notice, changed = _what_changed(
                item, was_done=was_done, said_before=said_before, other_name=pair.other.user.name
            )
            if request.htmx:
                return _item(request, partnership, pair, item, _done_form(item), notice)
            (messages.success if changed else messages.info)(request, notice)
            return redirect_to("homework", partnership, f"#homework-{item.pk}")
    if request.htmx:
        return _item(request, partnership, pair, item, form)
    return _homework(request, partnership, pair, posted=form)


def _safe_next(request: HtmxHttpRequest) -> str | None:
    """The page to go back to after adding to the agenda, when it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
@saved_once
def agenda_add(request: HtmxHttpRequest, partnership_id: int):
    """Either side adds a topic or question to the next call, or to the
    someday list. With a ``next`` address of this site (e.g. the goals'
    rating confirmation), it goes back there; else to the call page."""
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
            if error.code != "already_there":
                apply_errors(form, error)
            else:
                # Sent twice (another tab, a later click): one row, said calmly.
                if (error.params or {}).get("someday"):
                    said = gettext("“%(topic)s” is on your someday list already.")
                else:
                    said = gettext("“%(topic)s” is on the next call's agenda already.")
                messages.info(request, said % {"topic": form.cleaned_data["text"].strip()})
                return _agenda_back(request, partnership)
        else:
            if item.someday:
                said = gettext("“%(topic)s” is on your someday list.")
            else:
                said = gettext("“%(topic)s” is on the next call's agenda.")
            messages.success(request, said % {"topic": item.text})
            return _agenda_back(request, partnership)
    return call_page(request, partnership_id, agenda_form=form)


def _agenda_back(request: HtmxHttpRequest, partnership) -> HttpResponseRedirect:
    if (back := _safe_next(request)) is not None:
        return HttpResponseRedirect(back, status=303)
    return redirect_to("call_page", partnership, "#agenda")


@login_required
@require_POST
def agenda_pull(request: HtmxHttpRequest, partnership_id: int, item_id: int):
    """Pulls a someday topic into the next call's agenda."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    item = get_object_or_404(
        AgendaItem.objects.filter(partnership=partnership, session__isnull=True), pk=item_id
    )
    services.agenda_item_pull(item=item, by=request.user)
    messages.success(request, gettext("“%(topic)s” is on the next call's agenda.") % {"topic": item.text})
    return redirect_to("call_page", partnership, "#agenda")
