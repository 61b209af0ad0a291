"""The partnership home and the actions that show it again: setting the next
call, closing the partnership, adding a closing reflection. Only the mentor and
the protégé reach them (``get_partnership_for``: 404 for everyone else, program
admins included). Every time is shown in the viewer's time zone.

Every action is a plain form POST that redirects, so the pages work without
JavaScript; with htmx, setting the next call swaps only its panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.dates import day_shown
from mentoring.http import HtmxHttpRequest
from partnerships import agreements, services
from partnerships.access import cached_pair_page, get_partnership_for
from partnerships.forms import ClosePartnershipForm, NextCallForm, ReflectionForm
from partnerships.models import Partnership
from partnerships.selectors.pairs import pair_for

from .. import selectors

HOME = "home/partnership.html"


def _to_home(partnership: Partnership, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("home:partnership", args=[partnership.pk]) + anchor, status=303)


def _home(request: HtmxHttpRequest, partnership: Partnership, **forms) -> HttpResponse:
    """The partnership home; with htmx after setting the next call, only its
    panel and, out of band, what needs the person's action."""
    context: dict = {**selectors.partnership_home(partnership, request.user)}
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
    context |= selectors.partnership_home_sections(partnership, today=context["today"])
    return TemplateResponse(request, HOME, context)


@login_required
def partnership_home(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    return cached_pair_page(
        request,
        partnership_id,
        lambda: _home(request, get_partnership_for(request.user, partnership_id)),
    )


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
                notice = gettext("The next call's time is cleared.")
            else:
                other = partnership.other_side(request.user)
                notice = gettext(
                    "Your next call is set for %(when)s. %(name)s sees it in their own time zone."
                ) % {"when": day_shown(timezone.localtime(at), "l j F, H:i"), "name": other.user.name}
            if request.htmx:
                return _home(request, partnership, next_call_notice=notice)
            messages.success(request, notice)
            return _to_home(partnership, "#next-call")
    return _home(request, partnership, next_call_form=form, next_call_notice="")


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
                gettext(
                    "The partnership is closed. It’s normal for partnerships to end; what you did mattered."
                ),
            )
            return _to_home(partnership)
    return TemplateResponse(
        request,
        "home/close.html",
        {"partnership": partnership, "pair": pair_for(partnership, request.user), "form": form},
    )


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
                request,
                gettext(
                    "Your closing reflection is saved. Thank you for what you put into this partnership."
                ),
            )
            return _to_home(partnership, "#closing")
    return _home(request, partnership, reflection_form=form)
