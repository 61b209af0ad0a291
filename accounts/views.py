"""A person's own pages kept by the accounts app.

/me/availability/: when the person can take calls. One page, three forms
posted to it, told apart by the button's ``form`` value: the weekly hours
("hours"), a day away to add ("away") and a day away to remove ("remove",
the button's value its id). A refused form comes back with what was typed and
its messages beside the fields; a saved one redirects (303) with a message."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.http import HtmxHttpRequest
from mentoring.time_zones import QUIET_FROM, QUIET_UNTIL

from .forms_availability import DayAwayForm, WeeklyHoursForm
from .models import DayAway, User, WeeklyHours
from .services import availability_save, day_away_add, day_away_remove


def _saved_hours(user: User) -> dict[int, tuple[datetime.time, datetime.time]] | None:
    """The person's weekly hours by weekday, or None while they are the default."""
    if user.availability_set_at is None:
        return None
    rows = WeeklyHours.objects.filter(user=user).values_list("weekday", "starts_at", "ends_at")
    return {weekday: (starts_at, ends_at) for weekday, starts_at, ends_at in rows}


def _days_away(user: User, today: datetime.date) -> list[DayAway]:
    """The person's days away that have not ended yet, soonest first."""
    return list(
        DayAway.objects.filter(user=user, last_day__gte=today).order_by("first_day", "last_day", "pk")
    )


def _back(anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("accounts:availability") + anchor, status=303)


def _remove(request: HtmxHttpRequest) -> HttpResponse:
    try:
        day_away_id = int(request.POST.get("day_away", ""))
        day_away_remove(user=request.user, day_away_id=day_away_id)
    except (ValueError, OverflowError, DayAway.DoesNotExist) as error:
        raise Http404(_("No such day away of yours.")) from error
    messages.success(request, _("The days away are removed."))
    return _back("#away")


@login_required
def availability(request: HtmxHttpRequest) -> HttpResponse:
    """Anyone signed in keeps their own availability; nobody sees another's."""
    user = request.user
    today = timezone.localdate()
    saved = _saved_hours(user)
    hours_form = WeeklyHoursForm(hours=saved)
    away_form = DayAwayForm(prefix="away")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "remove":
            return _remove(request)
        if which == "hours":
            hours_form = WeeklyHoursForm(request.POST, hours=saved)
            if hours_form.is_valid():
                try:
                    availability_save(user=user, hours=hours_form.cleaned_hours)
                except ValidationError as error:
                    hours_form.add_error(None, error)
                else:
                    if hours_form.cleaned_hours:
                        messages.success(request, _("Your weekly hours are saved."))
                    else:
                        messages.warning(
                            request,
                            _(
                                "Your weekly hours are saved with no day ticked: times found for "
                                "your calls will fit the other person only until you add some hours."
                            ),
                        )
                    return _back("#hours")
        elif which == "away":
            away_form = DayAwayForm(request.POST, prefix="away")
            if away_form.is_valid():
                try:
                    day_away_add(
                        user=user,
                        first_day=away_form.cleaned_data["first_day"],
                        last_day=away_form.cleaned_data["last_day"],
                        note=away_form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    away_form.add_error(None, error)
                else:
                    messages.success(request, _("Your days away are added."))
                    return _back("#away")
    return render(
        request,
        "accounts/availability.html",
        {
            "hours_form": hours_form,
            "away_form": away_form,
            "is_default": saved is None,
            "days_away": _days_away(user, today),
            "today": today,
            "quiet_from": QUIET_FROM,
            "quiet_until": QUIET_UNTIL,
        },
    )
