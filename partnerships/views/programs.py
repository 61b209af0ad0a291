from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from mentoring.http import HtmxHttpRequest
from mentoring.spreadsheets import csv_response
from reminders.selectors import program_reminder_health

from .. import health, selectors, services
from ..access import get_program_for_admin
from ..forms import ClosePartnershipForm, HealthFilterForm, ListQueryForm, NudgeForm, UnmatchForm
from ..models import Partnership


@login_required
def program_list(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request, "partnerships/program_list.html", {"programs": selectors.programs_run_by(request.user)}
    )


@login_required
def program_overview(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    program = get_program_for_admin(request.user, slug)
    form = HealthFilterForm(request.GET)
    filters = form.filters
    overview = selectors.program_health(program, filters, ListQueryForm(request.GET).value("page", 1))
    return TemplateResponse(
        request,
        "partnerships/program_overview.html",
        {
            "program": program,
            "form": form,
            **overview,
            "sort": filters.get("sort") or selectors.DEFAULT_HEALTH_SORT,
            "rule": health.RULE,
            **program_reminder_health(program),
        },
    )


def _back_to_overview(request: HtmxHttpRequest, slug: str) -> HttpResponseRedirect:
    """Back to the overview as it was filtered: ``next`` is its query string, read
    through the overview's forms, so only filters, a sort and a page they accept
    come back (anything else is dropped, never an error after the action is done)."""
    shown = QueryDict(request.POST.get("next", "")[:2000])
    kept = {name: value for name, value in HealthFilterForm(shown).filters.items() if value}
    if (page := ListQueryForm(shown).value("page")) is not None:
        kept["page"] = page
    query = f"?{urlencode(kept)}" if kept else ""
    return HttpResponseRedirect(
        reverse("partnerships:program_overview", args=[slug]) + query + "#pairs", status=303
    )


def _current_pair(program, partnership_id: int) -> Partnership:
    return get_object_or_404(Partnership.objects.with_people(), program=program, pk=partnership_id)


@login_required
@require_POST
def partnership_close(request: HtmxHttpRequest, slug: str, partnership_id: int) -> HttpResponseRedirect:
    """A program admin completes a pair's partnership or ends it early, with a
    reason; the closing reflections are the pair's own."""
    program = get_program_for_admin(request.user, slug)
    partnership = _current_pair(program, partnership_id)
    form = ClosePartnershipForm(request.POST, with_reflection=False)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.partnership_close(
            partnership=partnership,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{partnership}: {message}")
    else:
        done = "is complete" if partnership.status == Partnership.Status.COMPLETED else "has ended"
        messages.success(
            request, f"The partnership of {partnership} {done}; the mentor's place is free again."
        )
    return _back_to_overview(request, slug)


@login_required
@require_POST
def partnership_nudge(request: HtmxHttpRequest, slug: str, partnership_id: int) -> HttpResponseRedirect:
    """A program admin emails both people of a pair a message of their own."""
    program = get_program_for_admin(request.user, slug)
    partnership = _current_pair(program, partnership_id)
    form = NudgeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.partnership_nudge(
            partnership=partnership, by=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{partnership}: {message}")
    else:
        messages.success(
            request,
            f"Your note is on its way to {partnership.mentor.user.name} and {partnership.protege.user.name}.",
        )
    return _back_to_overview(request, slug)


@login_required
@require_POST
def partnership_rematch(request: HtmxHttpRequest, slug: str, partnership_id: int) -> HttpResponseRedirect:
    """Ends a pair's partnership early and sends both back to the matching board
    (the protégé to be matched again, the mentor with their place free)."""
    program = get_program_for_admin(request.user, slug)
    partnership = _current_pair(program, partnership_id)
    form = UnmatchForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say briefly why you are ending this match.")
        services.partnership_unmatch(
            partnership=partnership, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{partnership}: {message}")
        return _back_to_overview(request, slug)
    messages.success(
        request,
        f"The partnership of {partnership} has ended; here are new suggestions for "
        f"{partnership.protege.user.name}, and {partnership.mentor.user.name}'s place is free.",
    )
    board = reverse("partnerships:matching_board", args=[slug])
    return HttpResponseRedirect(f"{board}?protege={partnership.protege_id}", status=303)


@login_required
@require_GET
def program_report(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    """Every partnership of the program, one CSV row each, streamed: memory stays
    flat at any size. Numbers and dates only (ISO 8601, times in UTC)."""
    program = get_program_for_admin(request.user, slug)
    return csv_response(selectors.program_report_rows(program), filename=f"{program.slug}-partnerships.csv")
