from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentoring.http import HtmxHttpRequest, in_viewer_time_zone
from reminders.selectors import program_reminder_health

from .. import selectors, services
from ..access import get_program_for_admin
from ..forms import ClosePartnershipForm
from ..models import Partnership


@login_required
def program_list(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request, "partnerships/program_list.html", {"programs": selectors.programs_run_by(request.user)}
    )


@login_required
@in_viewer_time_zone
def program_overview(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    program = get_program_for_admin(request.user, slug)
    pairs = selectors.program_pairs(program, request.GET.get("pairs"))
    return TemplateResponse(
        request,
        "partnerships/program_overview.html",
        {
            "program": program,
            "pairs": pairs,
            **selectors.program_figures(program),
            **program_reminder_health(program, [pair.pk for pair in pairs.object_list]),
        },
    )


@login_required
@require_POST
def partnership_close(request: HtmxHttpRequest, slug: str, partnership_id: int) -> HttpResponseRedirect:
    """A program admin completes a pair's partnership or ends it early, with a
    reason; the closing reflections are the pair's own."""
    program = get_program_for_admin(request.user, slug)
    partnership = get_object_or_404(Partnership.objects.with_people(), program=program, pk=partnership_id)
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
    return HttpResponseRedirect(reverse("partnerships:program_overview", args=[slug]) + "#pairs", status=303)
