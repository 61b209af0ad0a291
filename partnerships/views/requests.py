"""Requests for a mentor: a person's own (``/me/requests/``: those they sent,
to withdraw; those they received, to accept or decline with a kind word; the
history below) and a program's, for its admins (``/programs/<slug>/requests/``:
waiting for approval, to approve or refuse; open; who waits too long).

Every action is a plain form POST that leads back to its page with a message.
A request is found through the person's own side of it, so another person's
request is 404, never fetched then checked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from mentoring.http import HtmxHttpRequest
from programs.access import get_program_for_admin
from programs.forms_requests import DeclineForm, RefuseForm, for_row
from programs.models import Program
from programs.models.requests import MentorRequest
from programs.services import requests as program_services

from .. import services_requests as services
from ..selectors import requests as selectors


def _mine(user, request_id: int, *, side: str) -> MentorRequest:
    """The request ``request_id`` if ``user`` is its ``side`` ("protege" or "mentor"); 404 otherwise."""
    found = MentorRequest.objects.select_related("program", "protege__user", "mentor__user")
    return get_object_or_404(found.filter(**{f"{side}__user": user}), pk=request_id)


def _report(request: HtmxHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _my_page(
    request: HtmxHttpRequest, *, declining: tuple[int, DeclineForm] | None = None
) -> TemplateResponse:
    context = selectors.my_requests(request.user)
    for received in context["received"]:
        if declining is not None and declining[0] == received.pk:
            received.decline_form = declining[1]
        else:
            received.decline_form = for_row(DeclineForm, received.pk)
    return TemplateResponse(
        request,
        "partnerships/requests_mine.html",
        context,
        status=200 if declining is None else 400,
    )


def _back_to_mine() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("partnerships:my_requests"), status=303)


@login_required
@require_safe
def my_requests(request: HtmxHttpRequest) -> TemplateResponse:
    return _my_page(request)


@login_required
@require_POST
def withdraw(request: HtmxHttpRequest, request_id: int):
    mentor_request = _mine(request.user, request_id, side="protege")
    try:
        program_services.request_withdraw(request=mentor_request, by=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            gettext("You withdrew your request to %(name)s.") % {"name": mentor_request.mentor.user.name},
        )
    return _back_to_mine()


@login_required
@require_POST
def accept(request: HtmxHttpRequest, request_id: int):
    mentor_request = _mine(request.user, request_id, side="mentor")
    try:
        mentor_request = services.request_accept(request=mentor_request, by=request.user)
    except ValidationError as error:
        _report(request, error)
        return _back_to_mine()
    name = mentor_request.protege.user.name
    if mentor_request.partnership_id:
        messages.success(
            request,
            gettext(
                "You are now %(name)s's mentor. You both have an email; agree how you will work together on your first call."
            )
            % {"name": name},
        )
        return HttpResponseRedirect(
            reverse("home:partnership", args=[mentor_request.partnership_id]), status=303
        )
    messages.success(
        request,
        gettext(
            "You accepted %(name)s's request. The program team approves it before the partnership starts."
        )
        % {"name": name},
    )
    return _back_to_mine()


@login_required
@require_POST
def decline(request: HtmxHttpRequest, request_id: int):
    mentor_request = _mine(request.user, request_id, side="mentor")
    form = for_row(DeclineForm, mentor_request.pk, request.POST)
    if form.is_valid():
        try:
            program_services.request_decline(request=mentor_request, by=request.user, answer=form.answer())
        except ValidationError as error:
            if hasattr(error, "error_dict") and "answer" in error.error_dict:
                form.add_error("own_words", error.error_dict["answer"])
            else:
                _report(request, error)
                return _back_to_mine()
        else:
            messages.success(
                request,
                gettext("You declined %(name)s's request; they have your kind word.")
                % {"name": mentor_request.protege.user.name},
            )
            return _back_to_mine()
    if mentor_request.status != "open":
        return _back_to_mine()
    return _my_page(request, declining=(mentor_request.pk, form))


# --- A program's requests, for its admins ---


def _program_page(
    request: HtmxHttpRequest, program: Program, *, refusing: tuple[int, RefuseForm] | None = None
) -> TemplateResponse:
    context = selectors.program_requests(program)
    for waiting in context["approval"]:
        if refusing is not None and refusing[0] == waiting.pk:
            waiting.refuse_form = refusing[1]
        else:
            waiting.refuse_form = for_row(RefuseForm, waiting.pk)
    return TemplateResponse(
        request,
        "partnerships/requests_program.html",
        {"program": program, **context},
        status=200 if refusing is None else 400,
    )


def _program_request(program: Program, request_id: int) -> MentorRequest:
    found = MentorRequest.objects.select_related("program", "protege__user", "mentor__user")
    return get_object_or_404(found.filter(program=program), pk=request_id)


def _back_to_program(program: Program) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("partnerships:program_requests", args=[program.slug]), status=303)


@login_required
@require_safe
def program_requests(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    return _program_page(request, get_program_for_admin(request.user, slug))


@login_required
@require_POST
def approve(request: HtmxHttpRequest, slug: str, request_id: int):
    program = get_program_for_admin(request.user, slug)
    mentor_request = _program_request(program, request_id)
    try:
        services.request_approve(request=mentor_request, by=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            gettext("%(protege)s and %(mentor)s are matched; both have an email.")
            % {"protege": mentor_request.protege.user.name, "mentor": mentor_request.mentor.user.name},
        )
    return _back_to_program(program)


@login_required
@require_POST
def refuse(request: HtmxHttpRequest, slug: str, request_id: int):
    program = get_program_for_admin(request.user, slug)
    mentor_request = _program_request(program, request_id)
    form = for_row(RefuseForm, mentor_request.pk, request.POST)
    if form.is_valid():
        try:
            services.request_refuse(
                request=mentor_request, by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "answer" in error.error_dict:
                form.add_error("answer", error.error_dict["answer"])
            else:
                _report(request, error)
                return _back_to_program(program)
        else:
            messages.success(
                request,
                gettext("Not approved; %(name)s has your words by email.")
                % {"name": mentor_request.protege.user.name},
            )
            return _back_to_program(program)
    if mentor_request.status != "accepted":
        return _back_to_program(program)
    return _program_page(request, program, refusing=(mentor_request.pk, form))
