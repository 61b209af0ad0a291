from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from mentoring.http import HtmxHttpRequest

from .. import selectors
from ..access import get_program_for_admin


@login_required
def program_list(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request, "partnerships/program_list.html", {"programs": selectors.programs_run_by(request.user)}
    )


@login_required
def program_overview(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    program = get_program_for_admin(request.user, slug)
    return TemplateResponse(
        request,
        "partnerships/program_overview.html",
        {"program": program, **selectors.program_figures(program)},
    )
