from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .middleware import form_page_url


@transaction.non_atomic_requests
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe and the benchmark's floor: touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")


# Who may do what a 403 refused, by the address refused. An action that belongs
# to the other side of a pair is refused with a PermissionDenied that carries the
# role it needs (partnerships.access.require_role) or whose English words begin
# "only …" (goals.services); the page
# names the action and who does it, in words that can be translated.
WHO_MAY = {
    "goals:rating_new": _(
        "Only the protégé rates goals. As the mentor, you see the ratings and their trend on the goals page."
    ),
    "goals:goal_new": _(
        "Only the protégé writes goals: they are theirs. As the mentor, you can suggest one."
    ),
    "goals:goal_revise": _("Only the protégé changes their goals. As the mentor, you can suggest one."),
    "goals:goal_advance": _("Only the protégé moves a goal on to a more advanced one."),
    "goals:goal_status": _("Only the protégé marks a goal achieved or sets it aside."),
    "goals:milestone_add": _("Only the protégé adds milestones to their goals."),
    "goals:milestone_done": _("Only the protégé ticks off the milestones of their goals."),
    "goals:suggestion_new": _("Only the mentor suggests goals; the protégé writes their own."),
    "goals:suggestion_accept": _("Only the protégé takes up a goal the mentor suggested."),
    "goals:suggestion_decline": _("Only the protégé turns down a goal the mentor suggested."),
    "sessions_log:session_new": _(
        "Only the mentor logs calls. As the protégé, you add topics to the agenda and rate each call once it is logged."
    ),
    "sessions_log:homework_row": _("Only the mentor logs calls and sets homework."),
    "sessions_log:feedback": _("Only the protégé rates how valuable a call was."),
    "sessions_log:homework_done": _("Only the protégé marks homework done."),
    "partnerships:agreement_accept": _(
        "Only the other person accepts this version: you proposed it, so you have agreed to it already."
    ),
}
# Refusals of another kind, in words people can read.
REASONS = {
    "this partnership has ended; it can be read but not changed": _(
        "This partnership has ended: what it holds can be read, but no longer changed."
    ),
}


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (``handler403``): says who may do what was refused and links
    back to where the person came from, or to the page the refused address
    belongs to. The refusal's words are shown as text (escaped), never as markup."""
    words = str(exception or "").strip()
    match = request.resolver_match
    by_role = getattr(exception, "role", None) or words.lower().startswith("only ")
    if by_role and match is not None and match.view_name in WHO_MAY:
        refusal = str(WHO_MAY[match.view_name])
    elif words in REASONS:
        refusal = str(REASONS[words])
    elif words:
        refusal = words[0].upper() + words[1:] + ("" if words.endswith(".") else ".")
    else:
        refusal = ""
    page_url = form_page_url(request.path_info)
    came_from = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or urlsplit(came_from).path in (request.path, page_url, reverse("home:home")):
        came_from = ""  # elsewhere, or a page the other links already go to
    else:
        parts = urlsplit(came_from)
        came_from = f"{parts.path}?{parts.query}" if parts.query else parts.path
    context = {
        "refusal": refusal,
        "came_from": came_from,
        "page_url": page_url,
        "page_is_home": page_url == reverse("home:home"),
        "page_is_pair": "partnership_id" in (match.kwargs if match else {}),
    }
    return HttpResponseForbidden(render_to_string("403.html", context, request=request))
