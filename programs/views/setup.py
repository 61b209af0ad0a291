"""Setting a program up in the product: creating one (``/programs/new/``, for
people a site admin allowed to create programs: 403 for anyone else signed
in), and its settings page (``/programs/<slug>/settings/``, for its admins:
404 for everyone else) with its topics, co-admins and "clone for a new cohort".

Every action is a plain form POST that redirects with a message when done; a
refused form comes back on the page with what was typed and the errors beside
the fields (200), the page's other forms blank."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from mentoring.http import HtmxHttpRequest

from ..access import get_program_for_admin
from ..models import Program
from ..selectors.setup import admin_invitations_waiting, admins_of, topics_with_people
from ..services import setup
from ..services.invitations import INVITATION_VALID_FOR
from ..setup_forms import (
    AdminAddForm,
    AdminRemoveForm,
    ProgramCloneForm,
    ProgramNewForm,
    ProgramSettingsForm,
)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _settings_url(program: Program) -> str:
    return reverse("programs:settings", args=[program.slug])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HtmxHttpRequest):
    if not setup.can_create_programs(request.user):
        raise PermissionDenied(
            gettext(
                "Only people a site admin has allowed to create programs can create one. "
                "Ask your site admin, or a program's admin to add you to theirs."
            )
        )
    form = ProgramNewForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            program = setup.program_create(
                by=request.user,
                fields={**form.settings(), "slug": form.cleaned_data["slug"]},
                topics=form.cleaned_data["topics"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(program)s is ready, and you run it. Check its settings, then invite people.")
                % {"program": program.name},
            )
            return HttpResponseRedirect(_settings_url(program), status=303)
    return TemplateResponse(request, "programs/new.html", {"form": form})


def _remove_form(request: HtmxHttpRequest, admin: User, data=None) -> AdminRemoveForm:
    """The form that takes ``admin`` off; its ids are ``leave-…`` for oneself, ``remove-<id>-…`` else."""
    yourself = admin.pk == request.user.pk
    form = AdminRemoveForm(
        data, yourself=yourself, admin=admin, auto_id="leave-%s" if yourself else f"remove-{admin.pk}-%s"
    )
    form.admin_id = admin.pk
    return form


def _settings_page(
    request: HtmxHttpRequest,
    program: Program,
    *,
    form: ProgramSettingsForm | None = None,
    add_form: AdminAddForm | None = None,
    remove_form: AdminRemoveForm | None = None,
    clone_form: ProgramCloneForm | None = None,
    status: int = 200,
) -> TemplateResponse:
    """The settings page, with a refused form as it was sent and the others blank."""
    topics = topics_with_people(program)
    if form is None:
        form = ProgramSettingsForm(instance=program, topics=topics)
    admins = list(admins_of(program))
    for admin in admins:
        # Each admin's own removal form, confirmed by a tick; a refused one comes back as sent.
        refused = remove_form is not None and remove_form.admin_id == admin.pk
        admin.remove_form = remove_form if refused else _remove_form(request, admin)
    can_clone = setup.can_create_programs(request.user)
    return TemplateResponse(
        request,
        "programs/settings.html",
        {
            "program": program,
            "form": form,
            "topics": topics,
            "admins": admins,
            "only_admin": len(admins) == 1,
            "admin_invitations": admin_invitations_waiting(program),
            "valid_days": INVITATION_VALID_FOR.days,
            "add_form": add_form or AdminAddForm(auto_id="admin-%s"),
            "can_clone": can_clone,
            "clone_form": (clone_form or ProgramCloneForm(source=program)) if can_clone else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    if request.method != "POST":
        return _settings_page(request, program)
    form = ProgramSettingsForm(
        request.POST, instance=Program.objects.get(pk=program.pk), topics=topics_with_people(program)
    )
    if form.is_valid():
        try:
            setup.program_update(
                program=program, by=request.user, fields=form.settings(), **form.topic_changes()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "Settings saved. New agreements start from these defaults; "
                    "agreements pairs have made stay as they are."
                ),
            )
            return HttpResponseRedirect(_settings_url(program), status=303)
    return _settings_page(request, program, form=form)


@login_required
@require_POST
def admin_add(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    form = AdminAddForm(request.POST, auto_id="admin-%s")
    if form.is_valid():
        try:
            added = setup.program_admin_add(
                program=program, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if isinstance(added, User):
                message = gettext("%(name)s now helps run %(program)s; we have told them by email.") % {
                    "name": added.name,
                    "program": program.name,
                }
            elif getattr(added, "replaced_link", False):
                message = gettext(
                    "An invitation was waiting for %(email)s: we sent a new link, "
                    "and the earlier one no longer works."
                ) % {"email": added.email}
            else:
                message = gettext(
                    "%(email)s has no account yet: an invitation to help run %(program)s is on its way."
                ) % {"email": added.email, "program": program.name}
            messages.success(request, message)
            return HttpResponseRedirect(_settings_url(program) + "#admins", status=303)
    return _settings_page(request, program, add_form=form)


@login_required
@require_POST
def admin_remove(request: HtmxHttpRequest, slug: str, user_id: int):
    program = get_program_for_admin(request.user, slug)
    admin = get_object_or_404(admins_of(program), pk=user_id)
    yourself = admin.pk == request.user.pk
    form = _remove_form(request, admin, request.POST)
    if form.is_valid():
        try:
            setup.program_admin_remove(program=program, admin=admin, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(_settings_url(program) + "#admins", status=303)
        if yourself:
            messages.success(
                request, gettext("You no longer help run %(program)s.") % {"program": program.name}
            )
            return HttpResponseRedirect(reverse("home:program_list"), status=303)
        messages.success(
            request,
            gettext("%(name)s no longer helps run %(program)s; we have told them by email.")
            % {"name": admin.name, "program": program.name},
        )
        return HttpResponseRedirect(_settings_url(program) + "#admins", status=303)
    return _settings_page(request, program, remove_form=form)


@login_required
@require_POST
def clone(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    if not setup.can_create_programs(request.user):
        raise PermissionDenied(
            gettext(
                "Only people a site admin has allowed to create programs can clone one: "
                "a clone is a new program. Ask your site admin."
            )
        )
    form = ProgramCloneForm(request.POST, source=program)
    if form.is_valid():
        try:
            made = setup.program_clone(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "%(program)s is ready, with the settings, topics and questions of %(source)s and "
                    "nobody in it yet. Check its dates, then invite people."
                )
                % {"program": made.name, "source": program.name},
            )
            return HttpResponseRedirect(_settings_url(made), status=303)
    return _settings_page(request, program, clone_form=form)
