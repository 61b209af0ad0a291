"""allauth's adapters, speaking in the product's words.

``AccountAdapter``: the account adapter. The sign-up rules (by invitation
only) are programs.sign_up.InvitationOnlyAccountAdapter, which builds on it.

``SocialAccountAdapter``: signing in with the organisation's identity provider
(OpenID Connect or SAML, mentoring.sso). A first sign-in makes the account
just in time, with the name, time zone and language the provider sends; an
account with the same address is used only when the provider says it has
verified that address, and a sign-in whose address is not verified is refused
(so nobody takes over an account by claiming its address). OpenID Connect
sign-ins carry a ``nonce`` that the ID token must echo."""

import secrets
import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from mentoring import mail
from mentoring.bounds.text import validate_single_line

#: ``User.display_name`` and ``User.language`` (accounts.models).
DISPLAY_NAME_MAX_LENGTH = 120
LANGUAGE_MAX_LENGTH = 16

#: Where the nonce of an OpenID Connect sign-in waits, in allauth's state.
NONCE_STATE_KEY = "oidc_nonce"


class AccountAdapter(DefaultAccountAdapter):
    #: allauth's form errors, with ours where allauth's read like a machine's
    #: ("The email address and/or password you specified are not correct.").
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "That email and password don't match an account. Check them, or reset your password."
        ),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's own emails (password reset, address confirmation, "no
        account with this address"): never to someone who left
        (``mentoring.mail.without_leavers``), as every email of ours."""
        if not mail.without_leavers([email]):
            return
        super().send_mail(template_prefix, email, context)


class OpenIDConnectWithNonce(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, sending a fresh ``nonce`` with each
    authorization request and keeping it in the sign-in's state, beside the
    PKCE verifier; ``SocialAccountAdapter.pre_social_login`` checks that the
    ID token carries it back (OpenID Connect Core 1.0, 3.1.3.7 step 11)."""

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, "nonce": nonce}
        kwargs[NONCE_STATE_KEY] = nonce
        return super().redirect(request, process, next_url, data, **kwargs)


def _refuse(request: HttpRequest, reason: str) -> ImmediateHttpResponse:
    response: HttpResponse = render(
        request, "socialaccount/authentication_error.html", {"reason": reason}, status=403
    )
    return ImmediateHttpResponse(response)


def _one_line(text: object, max_length: int) -> str:
    cleaned = " ".join(str(text or "").split())[:max_length]
    try:
        validate_single_line(cleaned)
    except ValidationError:  # a name we cannot show is a name we do not take
        return ""
    return cleaned


def _extra_claims(sociallogin: SocialLogin) -> dict:
    """``zoneinfo`` and ``locale`` from OpenID Connect's userinfo (or ID
    token), which allauth's common fields leave out. (SAML's mapped attributes,
    mentoring.sso.SAML_ATTRIBUTE_MAPPING, carry them already.)"""
    data = sociallogin.account.extra_data
    if not isinstance(sociallogin.provider, OpenIDConnectProvider) or not isinstance(data, dict):
        return {}
    source = data.get("userinfo") or data.get("id_token") or data
    return {key: source[key] for key in ("zoneinfo", "locale") if source.get(key)}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request: HttpRequest, provider, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return OpenIDConnectWithNonce(request, app=found.app)
        return found

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuses an OpenID Connect sign-in whose ID token does not echo the
        nonce sent, and any first sign-in whose address the provider has not
        verified (it could be someone else's)."""
        if isinstance(sociallogin.provider, OpenIDConnectProvider):
            sent = sociallogin.state.get(NONCE_STATE_KEY) or ""
            id_token = sociallogin.account.extra_data.get("id_token") or {}
            received = str(id_token.get("nonce") or "")
            if not sent or not secrets.compare_digest(sent, received):
                raise _refuse(
                    request,
                    str(
                        _(
                            "The answer from your organisation's sign-in did not match this sign-in. Try again."
                        )
                    ),
                )
        if sociallogin.is_existing:
            return
        if not any(address.verified for address in sociallogin.email_addresses):
            raise _refuse(
                request,
                str(
                    _(
                        "Your organisation's sign-in did not confirm your email address, so we cannot "
                        "tell which account is yours. Ask your IT team to confirm it, or sign in with "
                        "your email and password."
                    )
                ),
            )

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """People of the organisation get an account at their first sign-in
        (just in time); sign-up by password stays by invitation."""
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = {key: value for key, value in data.items() if value} | _extra_claims(sociallogin)
        name = claims.get("name") or " ".join(
            part for part in (claims.get("first_name"), claims.get("last_name")) if part
        )
        user.display_name = _one_line(name, DISPLAY_NAME_MAX_LENGTH)
        zone = str(claims.get("zoneinfo") or "")
        if zone in zoneinfo.available_timezones():
            user.time_zone = zone
        locale = _one_line(claims.get("locale"), LANGUAGE_MAX_LENGTH)
        if locale:
            user.language = locale.replace("_", "-")
        return user
