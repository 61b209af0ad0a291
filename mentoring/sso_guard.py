"""The organisation sign-in pages (allauth's OpenID Connect and SAML views,
under /accounts/oidc/ and /accounts/saml/) answer every request calmly, as
the rest of the site does (OWASP ASVS V7.4: errors handled without leaking
detail; never a 500):

* a provider or organisation named with a control character (NUL included,
  which PostgreSQL cannot even compare) is not found (404);
* a request without a Host header (HTTP/1.0) gets one from the server's
  name, which the SAML toolkit reads unconditionally;
* an identity provider that cannot be reached shows the sign-in error page
  as a bad gateway (502), with a line in the log for the site's admins;
* a SAML message the toolkit cannot read (none at all, or a settings problem
  it reports the same way) shows it as a bad request (400)."""

import logging
import re

import requests
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from onelogin.saml2.errors import OneLogin_Saml2_Error

from mentoring.bounds.text import control_characters

logger = logging.getLogger(__name__)

SSO_PATHS = re.compile(r"^/accounts/(oidc|saml)/")


class SingleSignOnGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SSO_PATHS.match(request.path_info) and "HTTP_HOST" not in request.META:
            request.META["HTTP_HOST"] = request.get_host()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if SSO_PATHS.match(request.path_info) and any(
            control_characters(str(value)) for value in view_kwargs.values()
        ):
            raise Http404
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not SSO_PATHS.match(request.path_info):
            return None
        if isinstance(exception, requests.RequestException):
            logger.warning("Organisation sign-in unreachable at %s: %r", request.path_info, exception)
            reason = _(
                "Your organisation's sign-in service could not be reached. Try again in a few "
                "minutes; if it keeps happening, tell your IT team."
            )
            status = 502
        elif isinstance(exception, OneLogin_Saml2_Error):
            logger.warning("Unreadable SAML exchange at %s: %r", request.path_info, exception)
            reason = _(
                "This is not a sign-in answer from your organisation that this site can read. "
                "Start again from the sign-in page."
            )
            status = 400
        else:
            return None
        return render(request, "socialaccount/authentication_error.html", {"reason": reason}, status=status)
