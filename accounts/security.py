"""Who gets which session and sign-in rules. Staff (the site administration)
and program admins see far more than one pair's pages, so their sessions are
shorter and, with ``REQUIRE_MFA_FOR_ADMINS``, they must use a second factor
(OWASP ASVS 4.0 V2, V3)."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from mentoring import middleware

from .models import User


def has_elevated_access(user: User) -> bool:
    """True for staff and for anyone who runs at least one program (one query
    unless the user is staff)."""
    return user.is_staff or user.programs_run.exists()


def has_totp(user: User) -> bool:
    """True when the user has set up an authenticator app (allauth.mfa)."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


@receiver(user_logged_in, dispatch_uid="accounts.security.stamp_session")
def stamp_session(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """At every sign-in (allauth's form, the admin's, which goes through it,
    a password reset, or a test's ``force_login``) the session notes when it
    began and which idle timeout and absolute lifetime (seconds) apply; the
    middlewares in ``mentoring.middleware`` enforce them. The rule applied is
    the one of the moment of sign-in: a person made a program admin gets the
    shorter session and MFA at their next sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    elevated = has_elevated_access(user)
    now = time.time()
    session = request.session
    session[middleware.SIGNED_IN_AT] = now
    session[middleware.LAST_SEEN_AT] = now
    if elevated:
        session[middleware.IDLE_TIMEOUT] = settings.ADMIN_SESSION_IDLE_TIMEOUT
        session[middleware.ABSOLUTE_LIFETIME] = settings.ADMIN_SESSION_ABSOLUTE_LIFETIME
    else:
        session[middleware.IDLE_TIMEOUT] = settings.SESSION_IDLE_TIMEOUT
        session[middleware.ABSOLUTE_LIFETIME] = settings.SESSION_ABSOLUTE_LIFETIME
    # An account that signs in only through its organisation's identity
    # provider has its second step there: no authenticator app is asked of it.
    if settings.REQUIRE_MFA_FOR_ADMINS and elevated and user.has_usable_password() and not has_totp(user):
        session[middleware.MFA_SETUP_REQUIRED] = True
    else:
        session.pop(middleware.MFA_SETUP_REQUIRED, None)
