"""A program's people page: participants, open invitations, inviting one person
or a CSV of many. Program admins only; everyone else gets 404.

Every action is a plain form POST that redirects back with a message, so the
page works without JavaScript. With htmx, resend and revoke swap only the
invitations section (``people.html#invitations``) and announce the outcome in
the page's status region."""

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_POST, require_safe

from mentoring.forms import ListQueryForm
from mentoring.http import HtmxHttpRequest
from mentoring.spreadsheets import csv_response

from ..access import get_program_for_admin
from ..forms import InvitationForm, InvitationsUploadForm
from ..models import Invitation, Participant, Program
from ..selectors.invitations import invitations_page
from ..selectors.people import participant_for_admin, people_page
from ..services import invitations
from ..services.invitations import INVITATION_VALID_FOR
from ..services.invitations_csv import CSV_EXAMPLE, invitations_import_csv

TEMPLATE = "partnerships/people.html"


@functools.cache
def _blank(form: type[forms.Form], language: str | None) -> str:
    """A blank form's HTML, the same on every page in one language: rendered
    once per process instead of on every view of the page."""
    return form().render()


# Stands for a participant's id in the address of their page, made once for every row (``_rows``).
_PARTICIPANT_ID = 987654321987654321


def _rows(program: Program, participants) -> None:
    """Gives each participant shown what their row shows that would otherwise be
    looked up once per row: the address of their page (``detail_url``, reversed
    once and given each one's id) and the words of their role and status."""
    detail = reverse("partnerships:participant_detail", args=[program.slug, _PARTICIPANT_ID])
    roles, statuses = dict(Participant.Role.choices), dict(Participant.Status.choices)
    for participant in participants:
        participant.detail_url = detail.replace(str(_PARTICIPANT_ID), str(participant.pk))
        participant.role_label = roles.get(participant.role, participant.role)
        participant.status_label = statuses.get(participant.status, participant.status)


def _page(
    request: HtmxHttpRequest,
    program: Program,
    *,
    invite_form: InvitationForm | None = None,
    upload_form: InvitationsUploadForm | None = None,
) -> TemplateResponse:
    query = ListQueryForm(request.GET)
    context = people_page(
        program=program, page=query.value("page", 1), invitations_page_number=query.value("invitations", 1)
    )
    _rows(program, context["participants"].object_list)
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            "program": program,
            "invite_form": invite_form or _blank(InvitationForm, get_language()),
            "upload_form": upload_form or _blank(InvitationsUploadForm, get_language()),
            "valid_days": INVITATION_VALID_FOR.days,
            "csv_example": CSV_EXAMPLE,
            **context,
        },
    )


def _back(program: Program, page_number: int = 1) -> HttpResponseRedirect:
    url = reverse("programs:people", args=[program.slug])
    if page_number != 1:
        url += f"?invitations={page_number}#invitations"
    return HttpResponseRedirect(url, status=303)


def _done(request: HtmxHttpRequest, program: Program, *, ok: bool, message: str, row_gone: bool = False):
    """The outcome of an invitation action: with htmx, the invitations section
    again and the message in the status region; without, back to the page.
    htmx puts focus back on the button pressed (same id); when its row is gone,
    focus goes to the section's heading instead of being lost."""
    page_number = ListQueryForm(request.POST).value("invitations", 1)
    if not request.htmx:
        (messages.success if ok else messages.error)(request, message)
        return _back(program, page_number)
    context = {
        "program": program,
        "invitations": invitations_page(program=program, page=page_number),
        "valid_days": INVITATION_VALID_FOR.days,
        "notice": message,
        "notice_ok": ok,
        "focus_heading": row_gone,
    }
    html = render_to_string(f"{TEMPLATE}#invitations", context, request) + render_to_string(
        f"{TEMPLATE}#status", context, request
    )
    return HttpResponse(html)


@login_required
@require_safe
def people(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    return _page(request, get_program_for_admin(request.user, slug))


@login_required
@require_POST
def invite(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(
                program=program, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                gettext("Invitation on its way to %(name)s (%(email)s) to join as %(role)s.")
                % {
                    "name": invitation.name,
                    "email": invitation.email,
                    "role": invitations.role_phrase(invitation.role),
                },
            )
            return _back(program)
    return _page(request, program, invite_form=form)


@login_required
@require_POST
def upload(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    form = InvitationsUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            made = invitations_import_csv(
                program=program, file=form.cleaned_data["file"], invited_by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                ngettext(
                    "Invited %(count)d person. Each gets an email with their own link.",
                    "Invited %(count)d people. Each gets an email with their own link.",
                    len(made),
                )
                % {"count": len(made)},
            )
            return _back(program)
    return _page(request, program, upload_form=form)


@login_required
@require_safe
def template(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    """The example the page shows, as a CSV file to fill in and upload."""
    program = get_program_for_admin(request.user, slug)
    return csv_response(CSV_EXAMPLE, filename=f"{program.slug}-invitations.csv")


def _invitation(program: Program, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation.objects.filter(program=program), pk=invitation_id)


@login_required
@require_POST
def resend(request: HtmxHttpRequest, slug: str, invitation_id: int):
    program = get_program_for_admin(request.user, slug)
    invitation = _invitation(program, invitation_id)
    try:
        invitations.invitation_resend(invitation=invitation)
    except ValidationError as error:
        return _done(request, program, ok=False, message=" ".join(error.messages))
    return _done(
        request,
        program,
        ok=True,
        message=ngettext(
            "Sent %(email)s a new link, valid for %(days)d day. The old link no longer works.",
            "Sent %(email)s a new link, valid for %(days)d days. The old link no longer works.",
            INVITATION_VALID_FOR.days,
        )
        % {"email": invitation.email, "days": INVITATION_VALID_FOR.days},
    )


@login_required
@require_POST
def revoke(request: HtmxHttpRequest, slug: str, invitation_id: int):
    program = get_program_for_admin(request.user, slug)
    invitation = _invitation(program, invitation_id)
    try:
        invitations.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        return _done(request, program, ok=False, message=" ".join(error.messages))
    return _done(
        request,
        program,
        ok=True,
        message=gettext("Revoked the invitation to %(email)s. Its link no longer works.")
        % {"email": invitation.email},
        row_gone=True,
    )


@login_required
@require_POST
def withdraw(request: HtmxHttpRequest, slug: str, participant_id: int) -> HttpResponseRedirect:
    program = get_program_for_admin(request.user, slug)
    participant = participant_for_admin(program, participant_id)
    was = participant.status
    invitations.participant_withdraw(participant=participant, by=request.user)
    if was == Participant.Status.WITHDRAWN:
        messages.info(request, gettext("%(name)s had already withdrawn.") % {"name": participant.user.name})
    else:
        messages.success(
            request,
            gettext(
                "%(name)s has withdrawn from %(program)s. "
                "They will not be offered for matching; you can invite them again later."
            )
            % {"name": participant.user.name, "program": program.name},
        )
    return _back(program)
