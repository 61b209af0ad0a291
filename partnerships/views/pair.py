"""A pair's own pages: the partnership home, the agreement, the next call and
closing. Only the mentor and the protégé reach them (``get_partnership_for``:
404 for everyone else, program admins included); an action that belongs to the
other side is refused with 403. Every time is shown in the viewer's time zone.

Every action is a plain form POST that redirects, so the pages work without
JavaScript; with htmx, setting the next call swaps only its panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goals.selectors import goals_panel_for
from mentoring.dates import day_shown
from mentoring.http import HtmxHttpRequest
from sessions_log.selectors import home_calls

from .. import agreements, services
from ..access import get_partnership_for, require_role
from ..forms import AgreementForm, ClosePartnershipForm, NextCallForm, ReflectionForm
from ..models import Agreement, Partnership
from ..selectors import pairs as selectors

HOME = "partnerships/partnership_home.html"


def _redirect(name: str, partnership: Partnership, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"partnerships:{name}", args=[partnership.pk]) + anchor, status=303)


def _home(request: HtmxHttpRequest, partnership: Partnership, **forms) -> HttpResponse:
    """The partnership home; with htmx after setting the next call, only its
    panel and, out of band, what needs the person's action."""
    context = selectors.partnership_page(partnership, request.user)
    set_at = partnership.next_call_at
    zone_name = request.user.get_time_zone_display()
    forms.setdefault(
        "next_call_form",
        NextCallForm(
            initial={"at": set_at} if set_at and set_at > context["now"] else None, zone_name=zone_name
        ),
    )
    forms.setdefault("reflection_form", ReflectionForm())
    context |= forms
    if request.htmx and "next_call_notice" in forms:
        html = render_to_string(f"{HOME}#next-call", context, request) + render_to_string(
            f"{HOME}#to-do", context | {"oob": True}, request
        )
        return HttpResponse(html)
    context |= home_calls(partnership, page=request.GET.get("calls"))
    context["goals_panel"] = goals_panel_for(partnership)
    return TemplateResponse(request, HOME, context)


@login_required
def partnership_home(request: HtmxHttpRequest, partnership_id: int) -> TemplateResponse:
    return _home(request, get_partnership_for(request.user, partnership_id))


@login_required
@require_POST
def next_call(request: HtmxHttpRequest, partnership_id: int):
    """Either side sets (or clears) the date and time of the next call, typed
    in their own time zone. With htmx only the next-call panel is swapped."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    form = NextCallForm(request.POST, zone_name=request.user.get_time_zone_display())
    clearing = "clear" in request.POST
    if clearing or form.is_valid():
        at = None if clearing else form.cleaned_data["at"]
        try:
            agreements.partnership_set_next_call(partnership=partnership, by=request.user, at=at)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if at is None:
                notice = "The next call's time is cleared."
            else:
                other = (
                    partnership.protege
                    if partnership.mentor.user_id == request.user.pk
                    else partnership.mentor
                )
                notice = (
                    f"Your next call is set for {day_shown(timezone.localtime(at), 'l j F, H:i')}. "
                    f"{other.user.name} sees it in their own time zone."
                )
            if request.htmx:
                return _home(request, partnership, next_call_notice=notice)
            messages.success(request, notice)
            return _redirect("partnership_home", partnership, "#next-call")
    return _home(request, partnership, next_call_form=form, next_call_notice="")


@login_required
def agreement(request: HtmxHttpRequest, partnership_id: int) -> TemplateResponse | HttpResponseRedirect:
    """The agreement: the version in force, a proposal waiting, every earlier
    version; and the form to propose the first version or a change."""
    partnership = get_partnership_for(request.user, partnership_id, write=request.method == "POST")
    context = selectors.agreement_page(partnership, request.user)
    latest = partnership.proposal or partnership.in_force
    revising = bool(context["versions"])
    if request.method == "POST":
        form = AgreementForm(request.POST, revising=revising, partnership=partnership)
        if form.is_valid():
            try:
                version = agreements.agreement_propose(
                    partnership=partnership,
                    by=request.user,
                    terms=form.terms(),
                    change_note=form.cleaned_data.get("change_note", ""),
                )
            except ValidationError as error:
                if error.code == "already_pending":  # a resubmitted proposal: show the one waiting
                    messages.info(request, error.message)
                    return _redirect("agreement", partnership)
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Version {version.version} is proposed. {partnership.other.user.name} sees it on their "
                    "home page and can accept it; until then, nothing changes.",
                )
                return _redirect("agreement", partnership)
    else:
        form = AgreementForm(
            initial=agreements.terms_of(latest) if latest else agreements.agreement_defaults(partnership),
            revising=revising,
        )
    return TemplateResponse(
        request,
        "partnerships/agreement.html",
        {**context, "form": form, "open_form": request.method == "POST" or not latest},
    )


@login_required
@require_POST
def agreement_accept(request: HtmxHttpRequest, partnership_id: int, version: int) -> HttpResponseRedirect:
    """The side a proposal waits for accepts it; the proposer gets 403."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    proposal = get_object_or_404(partnership.agreements, version=version)
    if proposal.status == Agreement.Status.PROPOSED:
        require_role(partnership, request.user, proposal.waiting_for_role)
    was_proposed = partnership.status == Partnership.Status.PROPOSED
    try:
        agreements.agreement_accept(agreement=proposal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _redirect("agreement", partnership)
    started = " Your partnership is active from today." if was_proposed else ""
    messages.success(
        request, f"You both accepted version {version} of your agreement; it is in force.{started}"
    )
    return _redirect("partnership_home", partnership)


@login_required
def close(request: HtmxHttpRequest, partnership_id: int) -> TemplateResponse | HttpResponseRedirect:
    """Either side completes the partnership or ends it early, with a reason
    and their closing reflection."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    form = ClosePartnershipForm(
        request.POST or None, can_complete=partnership.status == Partnership.Status.ACTIVE
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_close(
                partnership=partnership,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                "The partnership is closed. It’s normal for partnerships to end; what you did mattered.",
            )
            return _redirect("partnership_home", partnership)
    selectors.partnership_page(partnership, request.user)
    return TemplateResponse(request, "partnerships/close.html", {"partnership": partnership, "form": form})


@login_required
@require_POST
def reflection(request: HtmxHttpRequest, partnership_id: int):
    """The other side adds their closing reflection once the partnership has ended."""
    partnership = get_partnership_for(request.user, partnership_id)
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.reflection_add(partnership=partnership, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(
                request, "Your closing reflection is saved. Thank you for what you put into this partnership."
            )
            return _redirect("partnership_home", partnership, "#closing")
    return _home(request, partnership, reflection_form=form)
