"""Joining a program by the domain of one's verified address.

- ``/programs/<slug>/join/``: for a signed-in person with a verified address
  at one of the program's domains. GET says what joining means (and offers the
  choice of role when the program lets them choose); POST joins and goes home
  with a message. Anyone else gets 404, so the page tells nobody the program
  exists; someone already in it is sent home, told so.
- ``/programs/<slug>/settings/join/``: the program's admins set its domains
  and the role people join as."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mentoring.http import HtmxHttpRequest

from ..access import get_program_for_admin
from ..forms_join import JoinDomainsForm, JoinRoleForm
from ..models import Program
from ..models.programs import JoinRole
from ..selectors.join import is_member, program_to_join
from ..services.join import joined_phrase, program_join, program_join_set


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HtmxHttpRequest, slug: str):
    if is_member(request.user, slug):
        messages.info(request, gettext("You are already in this program."))
        return redirect("home:home")
    try:
        program = program_to_join(request.user, slug)
    except Program.DoesNotExist as missing:
        raise Http404 from missing
    choose = program.join_role == JoinRole.EITHER
    form = JoinRoleForm(request.POST if request.method == "POST" and choose else None)
    if request.method == "POST" and (not choose or form.is_valid()):
        try:
            participant = program_join(
                slug=slug, user=request.user, role=form.cleaned_data["role"] if choose else None
            )
        except Program.DoesNotExist as missing:  # no longer eligible since the page was shown
            raise Http404 from missing
        except ValidationError as error:
            form.add_error("role" if choose else None, error.messages)
        else:
            messages.success(request, joined_phrase(participant))
            return redirect("home:home")
    return TemplateResponse(
        request,
        "programs/join.html",
        {"program": program, "form": form, "choose": choose},
        status=200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def domains(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    current = list(program.join_domains.values_list("domain", flat=True))
    if request.method != "POST":
        form = JoinDomainsForm(initial={"domains": "\n".join(current), "role": program.join_role})
    else:
        form = JoinDomainsForm(request.POST)
        if form.is_valid():
            try:
                program_join_set(
                    program=program,
                    domains=form.cleaned_data["domains"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    gettext("Saved. People with a verified address at these domains can now join.")
                    if form.cleaned_data["domains"]
                    else gettext("Saved. People join by personal invitation only."),
                )
                return HttpResponseRedirect(reverse("programs:settings", args=[program.slug]), status=303)
    return TemplateResponse(request, "programs/settings_join.html", {"program": program, "form": form})
