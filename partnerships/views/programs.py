"""A participant as their program's admin sees them (the program's other admin
pages are the home app's and the programs app's)."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from mentoring.http import HtmxHttpRequest
from programs.access import get_program_for_admin
from programs.models import Method
from programs.selectors import people as program_selectors
from programs.selectors.questions import answer_lines

from ..selectors import pairs as selectors


@login_required
@require_safe
def participant_detail(request: HtmxHttpRequest, slug: str, participant_id: int) -> TemplateResponse:
    program = get_program_for_admin(request.user, slug)
    participant = program_selectors.participant_for_admin(program, participant_id)
    return TemplateResponse(
        request,
        "partnerships/participant_detail.html",
        {
            "program": program,
            "participant": participant,
            "partnerships": selectors.partnerships_of(participant),
            "methods": [label for value, label in Method.choices if value in participant.methods],
            "answers": answer_lines(participant),
        },
    )
