"""The pair's scheduling page: the window their rhythm allows, offering times
in one click, picking one of the other's times in one click, offering other
times, withdrawing. Only the mentor and the protégé reach it
(``get_partnership_for``: 404 for everyone else, program admins included).
Every time is shown in the viewer's zone, the other's local time beside it.

The signed link in the email (``pick_link``) works signed out: its GET only
shows what it would do (mail scanners open links), its POST picks; a used,
expired or forged link gets a page that says so. Every action is a plain
form POST that redirects, so the pages work without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.dates import day_shown
from mentoring.http import HtmxHttpRequest
from mentoring.time_zones import zone_of

from .. import scheduling
from ..access import get_partnership_for
from ..forms_schedule import OfferTimesForm
from ..models import OfferedTime, Partnership, TimeOffer
from ..selectors import scheduling as selectors

PAGE = "partnerships/schedule.html"
LINK_PAGE = "partnerships/schedule_link.html"


def _to_schedule(partnership: Partnership) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("partnerships:schedule", args=[partnership.pk]), status=303)


def _sent_notice(partnership: Partnership, user, *, replacing: bool) -> str:
    """What the one who offered reads once the times are sent: when they replace
    their own open times, that the other gets a new email."""
    name = partnership.other_side(user).user.name
    if replacing:
        return gettext(
            "Your new times are on their way: %(name)s gets a new email with these times, "
            "and the links in the one before stop working."
        ) % {"name": name}
    return gettext("Your times are on their way to %(name)s.") % {"name": name}


def _replacing_own(partnership: Partnership, user) -> bool:
    """Whether ``user``'s own times wait for the other to pick (one query)."""
    other_role = partnership.other_side(user).role
    return selectors.offer_waiting_for(partnership, other_role, now=timezone.now())


def _page(
    request: HtmxHttpRequest, partnership: Partnership, *, form=None, error: str = "", status: int = 200
) -> TemplateResponse:
    context: dict = dict(selectors.schedule_page(partnership, request.user))
    context["form"] = form or OfferTimesForm(zone_name=request.user.get_time_zone_display())
    context["error"] = error
    return TemplateResponse(request, PAGE, context, status=status)


@login_required
def schedule(request: HtmxHttpRequest, partnership_id: int) -> TemplateResponse:
    """The scheduling page of the pair."""
    return _page(request, get_partnership_for(request.user, partnership_id))


@login_required
@require_POST
def offer(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """Offers the other side the times the finder picks from both people's
    hours, in one click: they are emailed at once."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    replacing = _replacing_own(partnership, request.user)
    try:
        scheduling.time_offer_create(partnership=partnership, by=request.user)
    except ValidationError as error:
        return _page(request, partnership, error=" ".join(error.messages))
    messages.success(request, _sent_notice(partnership, request.user, replacing=replacing))
    return _to_schedule(partnership)


@login_required
@require_POST
def offer_typed(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """Offers the other side one to five times typed in one's own zone."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    form = OfferTimesForm(request.POST, zone_name=request.user.get_time_zone_display())
    if form.is_valid():
        replacing = _replacing_own(partnership, request.user)
        try:
            scheduling.time_offer_create(
                partnership=partnership,
                by=request.user,
                times=form.times(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error("note" if field == "note" else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _sent_notice(partnership, request.user, replacing=replacing))
            return _to_schedule(partnership)
    return _page(request, partnership, form=form)


def _picked_notice(partnership: Partnership, user) -> str:
    other = partnership.other_side(user).user.name
    at = partnership.next_call_at
    return gettext("Your next call is set for %(when)s. %(name)s sees it in their own time zone.") % {
        "when": day_shown(timezone.localtime(at, zone_of(user)), "l j F, H:i"),
        "name": other,
    }


@login_required
@require_POST
def pick(request: HtmxHttpRequest, partnership_id: int, time_id: int) -> HttpResponse:
    """Picks one of the times the other side offered: it becomes the next call."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    time = get_object_or_404(OfferedTime, pk=time_id, offer__partnership=partnership)
    try:
        partnership = scheduling.time_offer_pick(offered_time=time, by=request.user)
    except ValidationError as error:
        return _page(request, partnership, error=" ".join(error.messages))
    messages.success(request, _picked_notice(partnership, request.user))
    return HttpResponseRedirect(reverse("home:partnership", args=[partnership.pk]) + "#next-call", status=303)


@login_required
@require_POST
def withdraw(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """Takes back the times one offered while they wait."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    offer = TimeOffer.objects.filter(partnership=partnership).open().first()
    if offer is None:
        return _page(request, partnership, error=gettext("There are no times waiting to withdraw."))
    try:
        scheduling.time_offer_withdraw(offer=offer, by=request.user)
    except ValidationError as error:
        return _page(request, partnership, error=" ".join(error.messages))
    messages.success(request, gettext("Your times are withdrawn; the links in the email no longer work."))
    return _to_schedule(partnership)


# --- The signed link in the email ---


def _link_page(request, context: dict, *, zone, status: int = 200) -> HttpResponse:
    """A page of the signed link, its times in the zone of the person it is for
    (they may be signed out): the template shows them in ``link_zone``."""
    return TemplateResponse(request, LINK_PAGE, context | {"link_zone": zone}, status=status)


def _closed_state(offer: TimeOffer, partnership: Partnership, now) -> str | None:
    """What happened to an offer whose links can no longer pick, as the link's
    page words it: "ended", "taken" (a time was picked), "replaced",
    "withdrawn" or "expired"; None while its times can be picked."""
    if not partnership.is_current:
        return "ended"
    closed = {
        TimeOffer.Status.PICKED: "taken",
        TimeOffer.Status.REPLACED: "replaced",
        TimeOffer.Status.WITHDRAWN: "withdrawn",
        TimeOffer.Status.EXPIRED: "expired",
    }
    if offer.status in closed:
        return closed[offer.status]
    return "expired" if offer.expires_at <= now else None


def _not_yours(request, partnership: Partnership, picker) -> HttpResponse:
    """Someone else is signed in: the link picks nothing for them, and says whose it is."""
    in_pair = request.user.pk in (partnership.mentor.user_id, partnership.protege.user_id)
    own_page = reverse("partnerships:schedule", args=[partnership.pk]) if in_pair else reverse("home:home")
    context = {"state": "not_yours", "picker": picker, "own_page": own_page}
    return _link_page(request, context, zone=zone_of(request.user), status=403)


def pick_link(request, token: str) -> HttpResponse:
    """The link in the email for one offered time. GET shows the time and one
    button; POST picks it for the person the link was sent to, signed out or
    signed in as them; anyone else signed in is refused (403) and picks nothing.
    Single use: once the offer is answered, every link of it says what happened."""
    try:
        time, picker = scheduling.pick_link_read(token)
    except scheduling.PickLinkError as error:
        state, status = ("expired", 410) if error.code == "expired" else ("forged", 404)
        return _link_page(request, {"state": state}, zone=zone_of(request.user), status=status)
    partnership = Partnership.objects.with_people().get(pk=time.offer.partnership_id)
    if request.user.is_authenticated and request.user.pk != picker.pk:
        return _not_yours(request, partnership, picker)
    zone = zone_of(picker)
    now = timezone.now()
    context = {
        "state": "confirm",
        "time": time,
        "token": token,
        "partnership": partnership,
        "other": partnership.other_side(picker),
        "other_zone": zone_of(partnership.other_side(picker).user),
        "picker": picker,
        "now": now,
    }
    if request.method == "POST":
        try:
            partnership = scheduling.time_offer_pick(offered_time=time, by=picker, now=now)
        except ValidationError as error:
            # A refusal keyed by field (the call's time, a moment too late) has no code.
            code = getattr(error, "code", None) or "used"
            if code in ("used", "expired"):
                time.offer.refresh_from_db(fields=["status", "expires_at"])
                code = _closed_state(time.offer, partnership, now) or code
            context |= {"state": code, "reason": " ".join(error.messages)}
            return _link_page(request, context, zone=zone, status=410 if code == "expired" else 200)
        return _link_page(request, context | {"state": "picked", "partnership": partnership}, zone=zone)
    state = _closed_state(time.offer, partnership, now)
    if state is None and time.starts_at <= now:
        state = "passed"
    if state is not None:
        context["state"] = state
    return _link_page(request, context, zone=zone, status=410 if state == "expired" else 200)
