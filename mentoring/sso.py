"""The organisation's identity providers, read from the environment into
allauth's ``SOCIALACCOUNT_PROVIDERS`` (README, "Single sign-on").

OpenID Connect is configured by ``SSO_OIDC_*``, SAML 2.0 by ``SSO_SAML_*``;
each is off until its required variables are set, and a half-set one stops
the site at start with the names of the missing ones. Providers can also be
added in Django's admin (Social applications); both kinds show on the
sign-in page as "Sign in with <name>"."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

#: What an OpenID Connect provider must send (scopes asked for): ``sub``,
#: ``email`` with ``email_verified``, ``name``; ``zoneinfo`` and ``locale``
#: when it has them.
OIDC_SCOPES = ["openid", "email", "profile"]

#: Where each of our fields is read from in a SAML assertion: the attribute
#: names most identity providers use, their OIDs, and the claim URIs of
#: Microsoft Entra ID / AD FS. The first one present wins.
SAML_ATTRIBUTE_MAPPING = {
    # The SAML subject identifier (OASIS SAML V2.0 Subject Identifier Attributes
    # Profile) first: stable, unlike a NameID that may be an address or change
    # per session.
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "uid", "urn:oid:0.9.2342.19200300.100.1.1"],
    "email": [
        "email",
        "mail",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "email_verified": ["email_verified"],
    "name": [
        "name",
        "displayName",
        "urn:oid:2.16.840.1.113730.3.1.241",
        "http://schemas.microsoft.com/identity/claims/displayname",
    ],
    "first_name": [
        "first_name",
        "givenName",
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "last_name",
        "sn",
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
    "zoneinfo": ["zoneinfo", "timezone"],
    "locale": ["locale", "preferredLanguage", "urn:oid:2.16.840.1.113730.3.1.39"],
}

#: The name on the sign-in button ("Sign in with your organisation") when the
#: environment gives none; read in the language of the page that shows it.
# Translators: it follows "with" and "of" in "Sign in with %(organisation)s" and
# "%(organisation)s's sign-in page"; word it to fit both.
YOUR_ORGANISATION = _("your organisation")

OIDC_REQUIRED = ("SSO_OIDC_ISSUER", "SSO_OIDC_CLIENT_ID", "SSO_OIDC_CLIENT_SECRET")
SAML_REQUIRED = ("SSO_SAML_ORGANISATION", "SSO_SAML_IDP_ENTITY_ID")


def _value(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip() or default


def _check_complete(environ: Mapping[str, str], names: tuple[str, ...], what: str) -> bool:
    """Whether ``what`` is configured: all of ``names`` set (True), none (False)."""
    missing = [name for name in names if not _value(environ, name)]
    if len(missing) == len(names):
        return False
    if missing:
        raise ImproperlyConfigured(f"{what} single sign-on is half configured: set {', '.join(missing)}.")
    return True


def _verified_domains(environ: Mapping[str, str], name: str) -> dict[str, list[str]]:
    """allauth's ``verified_email`` setting from a comma-separated list of
    domains whose addresses the provider vouches for even without saying
    ``email_verified`` (Microsoft Entra ID, most SAML providers): the
    organisation's own domains, whose mailboxes it hands out."""
    domains = [domain.strip().lower() for domain in _value(environ, name).split(",") if domain.strip()]
    return {"verified_email": domains} if domains else {}


def oidc_app(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The OpenID Connect app from ``SSO_OIDC_*``, or None when not set."""
    if not _check_complete(environ, OIDC_REQUIRED, "OpenID Connect"):
        return None
    return {
        "provider_id": _value(environ, "SSO_OIDC_PROVIDER_ID", "org"),
        "name": _value(environ, "SSO_OIDC_NAME") or YOUR_ORGANISATION,
        "client_id": _value(environ, "SSO_OIDC_CLIENT_ID"),
        "secret": _value(environ, "SSO_OIDC_CLIENT_SECRET"),
        "settings": {
            # The issuer; allauth reads <issuer>/.well-known/openid-configuration.
            "server_url": _value(environ, "SSO_OIDC_ISSUER").rstrip("/"),
            "scope": OIDC_SCOPES,
            "oauth_pkce_enabled": True,
            **_verified_domains(environ, "SSO_OIDC_VERIFIED_DOMAINS"),
        },
    }


def saml_app(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The SAML 2.0 app from ``SSO_SAML_*``, or None when not set. The identity
    provider is described by its metadata URL, or by its SSO URL and signing
    certificate."""
    if not _check_complete(environ, SAML_REQUIRED, "SAML"):
        return None
    metadata_url = _value(environ, "SSO_SAML_IDP_METADATA_URL")
    entity_id = _value(environ, "SSO_SAML_IDP_ENTITY_ID")
    idp: dict[str, str] = {"entity_id": entity_id}
    if metadata_url:
        idp["metadata_url"] = metadata_url
    else:
        sso_url = _value(environ, "SSO_SAML_IDP_SSO_URL")
        certificate = _value(environ, "SSO_SAML_IDP_X509_CERT")
        if not (sso_url and certificate):
            raise ImproperlyConfigured(
                "SAML single sign-on needs SSO_SAML_IDP_METADATA_URL, "
                "or SSO_SAML_IDP_SSO_URL and SSO_SAML_IDP_X509_CERT."
            )
        idp.update(sso_url=sso_url, x509cert=certificate)
        if slo_url := _value(environ, "SSO_SAML_IDP_SLO_URL"):
            idp["slo_url"] = slo_url
    settings: dict[str, Any] = {
        "attribute_mapping": SAML_ATTRIBUTE_MAPPING,
        "idp": idp,
        # Responses must be signed by the identity provider; allauth refuses
        # deprecated algorithms and replies to any other audience.
        "advanced": {"want_assertion_signed": True, "strict": True},
        **_verified_domains(environ, "SSO_SAML_VERIFIED_DOMAINS"),
    }
    if sp_entity_id := _value(environ, "SSO_SAML_SP_ENTITY_ID"):
        settings["sp"] = {"entity_id": sp_entity_id}
    return {
        "provider_id": entity_id,
        "name": _value(environ, "SSO_SAML_NAME") or YOUR_ORGANISATION,
        # allauth's SAML URLs are /accounts/saml/<organisation>/…
        "client_id": _value(environ, "SSO_SAML_ORGANISATION"),
        "settings": settings,
    }


def providers_from_environment(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """``SOCIALACCOUNT_PROVIDERS``: both providers, each with its app when its
    variables are set (apps added in the admin come on top)."""
    oidc = oidc_app(environ)
    saml = saml_app(environ)
    return {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, **({"APPS": [oidc]} if oidc else {})},
        "saml": {**({"APPS": [saml]} if saml else {})},
    }
