from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from mentoring.http import HtmxHttpRequest

from . import selectors
from .emails import read_stop_token
from .models import Kind
from .services.notifications import reminders_mark_read
from .services.preferences import reminder_opt_out


@login_required
def notifications(request: HtmxHttpRequest) -> TemplateResponse:
    """My reminders, newest first; the ones on the page are read once shown. Three queries."""
    shown = selectors.notifications_page(request.user, request.GET.get("page"))
    unread = [notification.reminder.pk for notification in shown.notifications if notification.is_new]
    if unread:
        reminders_mark_read(user=request.user, ids=unread)
    return TemplateResponse(
        request,
        "reminders/notifications.html",
        {"page": shown.page, "notifications": shown.notifications},
    )


@login_required
@never_cache
def unread_badge(request: HtmxHttpRequest) -> TemplateResponse:
    """The header's unread count, loaded by htmx so no page pays for it. One query."""
    return TemplateResponse(
        request, "reminders/_unread_badge.html", {"unread": selectors.unread_count(request.user)}
    )


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058 one-click)
def stop(request: HtmxHttpRequest, token: str) -> TemplateResponse:
    """The emails' stop link: the signed token names the person and the kind,
    so it works without signing in. GET asks (link scanners must not opt anyone
    out); POST, from our button or a mail client's one-click, stops it."""
    named = read_stop_token(token)
    user = get_user_model().objects.filter(pk=named[0]).first() if named else None
    if user is None:
        raise Http404("unknown or damaged link")
    kind = Kind(named[1])
    done = request.method == "POST"
    if done:
        reminder_opt_out(user=user, kind=kind)
    return TemplateResponse(request, "reminders/stop.html", {"kind": kind, "done": done, "person": user})
