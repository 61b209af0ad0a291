"""What every request goes through once, so that no view can forget it:

- ``SignedInPagesNotStoredMiddleware``: a page shown to a signed-in person is
  never kept by the browser or a proxy (OWASP ASVS 4.0 V8.2.1).
- ``SessionLifetimeMiddleware``: a session ends after a spell without activity
  and after a fixed time from sign-in, whichever comes first (ASVS V3.3).
- ``RequireMfaSetupMiddleware``: a person who must use a second factor and has
  none set up is sent to set up TOTP before anything else.
- ``ViewerTimeZoneMiddleware``: every page is rendered in the viewer's time zone.
- ``FormActionPagesMiddleware``: an address that only takes a form (a POST)
  answers a GET with a page that says so and links to where the form is, and
  signing in never lands on such an address.

The sign-in stamps these middlewares read are written by
``accounts.security.stamp_session`` when a person signs in.
"""

import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponse, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from mentoring.http import HtmxHttpRequest
from mentoring.time_zones import zone_of

# Session keys written at sign-in (accounts.security.stamp_session); times are Unix seconds.
SIGNED_IN_AT = "mentoring_signed_in_at"
LAST_SEEN_AT = "mentoring_last_seen_at"
IDLE_TIMEOUT = "mentoring_idle_timeout"
ABSOLUTE_LIFETIME = "mentoring_absolute_lifetime"
MFA_SETUP_REQUIRED = "mentoring_mfa_setup_required"

# The last-seen stamp is rewritten at most this often, so a busy person's pages
# do not each write the session; idle timeouts are therefore exact to a minute.
LAST_SEEN_RESOLUTION = 60

GetResponse = Callable[[HtmxHttpRequest], HttpResponse]


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole-page load, not inside a fragment."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SignedInPagesNotStoredMiddleware:
    """Adds ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate,
    private`` to every response to a signed-in person (or to the request that
    signed them in or out), so a shared computer's back button or a proxy never
    shows one person's pages to another."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if was_signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class SessionLifetimeMiddleware:
    """Ends a signed-in session that has been idle longer than its idle
    timeout, or that began longer ago than its absolute lifetime (seconds, as
    stamped at sign-in from ``SESSION_IDLE_TIMEOUT``/``SESSION_ABSOLUTE_LIFETIME``
    or their ``ADMIN_`` variants). The person is signed out and sent to sign in
    again, with a message saying why and a ``next`` back to where they were.
    A session without the stamps (from before they existed) is of unknown age
    and ends too."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            try:
                signed_in_at = float(session[SIGNED_IN_AT])
                last_seen_at = float(session[LAST_SEEN_AT])
                idle = int(session[IDLE_TIMEOUT])
                absolute = int(session[ABSOLUTE_LIFETIME])
            except (KeyError, TypeError, ValueError):
                return self._sign_out(request, _("Please sign in again."))
            if now - signed_in_at > absolute:
                return self._sign_out(
                    request,
                    _("You were signed out %(hours)s hours after signing in. Please sign in again.")
                    % {"hours": f"{absolute / 3600:g}"},
                )
            if now - last_seen_at > idle:
                minutes = {"minutes": f"{idle / 60:g}"}
                if request.method == "POST":
                    message = _(
                        "You were signed out after %(minutes)s minutes without activity, so what you "
                        "sent was not saved; sign in to carry on."
                    )
                else:
                    message = _(
                        "You were signed out after %(minutes)s minutes without activity; sign in to carry on."
                    )
                return self._sign_out(request, message % minutes)
            if now - last_seen_at >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    def _sign_out(self, request: HtmxHttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        login_url = resolve_url(settings.LOGIN_URL)
        if next_url := page_to_return_to(request):
            login_url = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        return _redirect(request, login_url)


def _same_site_path(request: HtmxHttpRequest, url: str) -> str:
    """``url`` as a path with its query when it is an address of this site
    that resolves to a page other than sign-in; else ''."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(url)
    try:
        resolve(parts.path or "/")
    except Resolver404:
        return ""
    if parts.path == resolve_url(settings.LOGIN_URL):
        return ""
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


def page_to_return_to(request: HtmxHttpRequest) -> str:
    """Where signing in again should land, as a path (or '' for the home page),
    when a request comes after the session ended: a page load, its own
    address; an htmx request, the page it came from (``HX-Current-URL``); a
    form's POST, the page the form was on (the ``Referer``, when it is of
    this site), else the page the form belongs to (``form_page_url``). What
    the form carried is not kept: storing it for a signed-out person would
    keep their words where nobody can vouch for them."""
    if getattr(request, "htmx", False):
        return _same_site_path(request, request.headers.get("HX-Current-URL", ""))
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return _same_site_path(request, request.headers.get("Referer", "")) or form_page_url(request.path_info)


class RequireMfaSetupMiddleware:
    """A person whose sign-in was stamped as needing a second factor
    (``REQUIRE_MFA_FOR_ADMINS``: staff and program admins) and who has none is
    sent to set up TOTP; only the account pages under ``/accounts/`` (set up
    MFA, re-authenticate, sign out, email) stay open meanwhile. Once a TOTP
    authenticator exists the stamp is cleared, so other people's requests and
    later ones cost no query."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.get(MFA_SETUP_REQUIRED):
            if is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
                del request.session[MFA_SETUP_REQUIRED]
            elif not request.path_info.startswith(self.account_pages_prefix()):
                messages.warning(
                    request,
                    _("Your role needs a second sign-in step. Set up an authenticator app to continue."),
                )
                return _redirect(request, reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def account_pages_prefix() -> str:
        """``/accounts/``: where allauth's pages are mounted (mentoring.urls)."""
        return reverse("account_login").removesuffix("login/")


def _in_zone(content: Iterable[bytes], zone: zoneinfo.ZoneInfo) -> Iterator[bytes]:
    with timezone.override(zone):
        yield from content


class ViewerTimeZoneMiddleware:
    """Runs the view and renders its response (template responses and streamed
    ones, such as CSV reports, included) in the viewer's time zone, so every
    time shown or typed on any page, the admin's included, is theirs. Stored
    times stay in UTC (``USE_TZ``); outside the request the zone is UTC again."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        zone = zone_of(request.user)
        with timezone.override(zone):
            response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            response.streaming_content = _in_zone(response.streaming_content, zone)
        return response


def form_page_url(path: str) -> str:
    """The page a form posting to ``path`` belongs to, as a path: a program's
    overview when the address is one of its admin's (``slug``), the
    partnership's home when it names a partnership (``partnership_id``), else
    the home page."""
    try:
        match = resolve(path)
    except Resolver404:
        return reverse("home:home")
    if (slug := match.kwargs.get("slug")) is not None:
        return reverse("home:program_overview", args=[slug])
    partnership_id = match.kwargs.get("partnership_id")
    if partnership_id is not None:
        return reverse("home:partnership", args=[partnership_id])
    return reverse("home:home")


class FormActionPagesMiddleware:
    """A view that takes only a form (``require_POST``, ``require_http_methods``)
    answers any other method with an empty 405, which a browser shows as
    "This page isn't working". People GET such addresses in ordinary use: by
    pressing Enter in the address bar after a rejected form, or by signing in
    with the ``next`` that a sign-in demanded by a form's POST carries. So,
    once for every view:

    - a 405 to a GET or HEAD (not htmx) gets a page (templates/405.html) that
      says the address only takes a form and links to the page the form
      belongs to (``form_page_url``); the status and its ``Allow`` stay, as
      RFC 9110 §15.5.6 asks;
    - a POST by a signed-out person that is sent to sign in carries, as
      ``next``, the page the form belongs to instead of the form's address.
    """

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not getattr(request, "htmx", False)
        ):
            return self._explained(request, response)
        if request.method == "POST" and response.status_code in (301, 302, 303):
            self._sign_in_lands_on_the_form_page(request, response)
        return response

    @staticmethod
    def _explained(request: HtmxHttpRequest, refused: HttpResponse) -> HttpResponse:
        back_url = form_page_url(request.path_info)
        context = {"back_url": back_url, "back_is_home": back_url == reverse("home:home")}
        page = HttpResponse(render_to_string("405.html", context, request=request), status=405)
        if "Allow" in refused:
            page["Allow"] = refused["Allow"]
        return page

    @staticmethod
    def _sign_in_lands_on_the_form_page(request: HtmxHttpRequest, response: HttpResponse) -> None:
        login_url = resolve_url(settings.LOGIN_URL)
        location, _sep, query = response["Location"].partition("?")
        if location != login_url or not query:
            return
        params = QueryDict(query, mutable=True)
        if params.get(REDIRECT_FIELD_NAME) != request.get_full_path():
            return
        params[REDIRECT_FIELD_NAME] = form_page_url(request.path_info)
        response["Location"] = f"{login_url}?{params.urlencode(safe='/')}"
