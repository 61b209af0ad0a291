"""The private calendar feed and its link. The feed needs no sign-in: whoever
holds the link reads it (calendar apps cannot sign in), so the link is a long
random token the person can reset from their profile; an old or unknown link
returns 404. The feed lists the calls the pair held (the call log) beside the
calls their agreement expects (partnerships.calendar builds it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from mentoring.http import HtmxHttpRequest
from mentoring.languages import language_of
from partnerships.calendar import calendar_feed_reset, calendar_for
from partnerships.selectors.calendar import calendar_feed_of

from ..selectors import calendar_of


@require_safe
def calendar_feed(request: HtmxHttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    feed = calendar_of(token, now=now)
    # Fetched by calendar apps, signed out: in the owner's language, not the app's.
    with translation.override(language_of(feed.owner)):
        text = calendar_for(feed.owner, feed.pairs, now=now)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentoring-calls.ics"'
    # Calendar apps poll; a private feed must not sit in shared caches.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_link(request: HtmxHttpRequest) -> HttpResponseRedirect:
    """Makes the person's calendar link, or a new one in place of the old."""
    had_one = calendar_feed_of(request.user) is not None
    calendar_feed_reset(user=request.user)
    if had_one:
        messages.success(
            request,
            gettext("Your calendar link is new. The old link no longer works: subscribe with this one."),
        )
    else:
        messages.success(
            request, gettext("Your calendar link is ready. Add it to your calendar app as a subscription.")
        )
    return HttpResponseRedirect(reverse("home:profile") + "#calendar", status=303)
