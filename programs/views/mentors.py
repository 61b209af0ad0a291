"""A protégé chooses a mentor (``programs:mentors``): the mentors with a free
place ranked for them with the board's scoring and reasons, each with their
intro and a request form, and their requests still pending.

Only the program's active protégés see it, while the program takes requests.
Its mentors and admins get 403 saying who may; everyone else 404 (the page
does not exist for them). A protégé of a program that no longer takes requests
(e.g. following an old email) gets a page saying the program team makes the
matches now, with a link home."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from mentoring.http import HtmxHttpRequest

from ..forms_requests import MentorRequestForm, for_row
from ..models import Participant, Program
from ..selectors.requests import mentors_page, protege_for_requests
from ..services import requests as request_services

TEMPLATE = "programs/mentors.html"


class _NoLongerTakesRequests(Exception):
    def __init__(self, program: Program) -> None:
        self.program = program


def _no_longer(request: HtmxHttpRequest, program: Program) -> TemplateResponse:
    return TemplateResponse(request, "programs/mentors_closed.html", {"program": program})


def _protege_or_refuse(user, slug: str) -> Participant:
    """``user``'s protégé membership of the program, if they may ask its mentors;
    403 for its mentors and admins (with who may), 404 for anyone else."""
    protege = protege_for_requests(user=user, slug=slug)
    if protege is not None:
        return protege
    gone = (
        Program.objects.filter(
            slug=slug,
            participants__user=user,
            participants__role=Participant.Role.PROTEGE,
            participants__status=Participant.Status.ACTIVE,
        )
        .exclude(matching_mode__in=["requests", "both"])
        .first()
    )
    if gone is not None:
        raise _NoLongerTakesRequests(gone)
    program = Program.objects.filter(slug=slug, matching_mode__in=["requests", "both"]).first()
    if program is not None and (
        program.admins.filter(pk=user.pk).exists()
        or program.participants.filter(user=user, role=Participant.Role.MENTOR).exists()
    ):
        raise PermissionDenied(
            gettext(
                "Only the program's protégés choose a mentor here; mentors answer requests on their requests page."
            )
        )
    raise Http404


def _page(
    request: HtmxHttpRequest, protege: Participant, *, bound: tuple[int, MentorRequestForm] | None = None
):
    """The page; ``bound``: the mentor whose request was refused, and the form as
    sent (shown beside that mentor, or at the top when they are no longer listed)."""
    program = protege.program
    context = mentors_page(program=program, protege=protege)
    refused_form = bound[1] if bound is not None else None
    for row in context["mentors"]:
        if bound is not None and bound[0] == row.mentor.pk:
            row.request_form, refused_form = bound[1], None
        else:
            row.request_form = for_row(MentorRequestForm, row.mentor.pk)
    return TemplateResponse(
        request,
        TEMPLATE,
        {"program": program, "protege": protege, "refused_form": refused_form, **context},
        status=200 if bound is None else 400,
    )


@login_required
@require_safe
def mentors(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    try:
        return _page(request, _protege_or_refuse(request.user, slug))
    except _NoLongerTakesRequests as closed:
        return _no_longer(request, closed.program)


@login_required
@require_POST
def request_mentor(request: HtmxHttpRequest, slug: str, mentor_id: int):
    """Sends the protégé's request to one mentor of the program; refused beside
    the note with what was typed kept."""
    try:
        protege = _protege_or_refuse(request.user, slug)
    except _NoLongerTakesRequests as closed:
        return _no_longer(request, closed.program)
    mentor = (
        Participant.objects.filter(program=protege.program, role=Participant.Role.MENTOR, pk=mentor_id)
        .select_related("user")
        .first()
    )
    if mentor is None:
        raise Http404
    form = for_row(MentorRequestForm, mentor.pk, request.POST)
    if form.is_valid():
        try:
            request_services.request_send(protege=protege, mentor=mentor, note=form.cleaned_data["note"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Your request is on its way to %(name)s. You will hear by email when they answer.")
                % {"name": mentor.user.name},
            )
            return HttpResponseRedirect(reverse("programs:mentors", args=[slug]) + "#pending", status=303)
    return _page(request, protege, bound=(mentor.pk, form))
