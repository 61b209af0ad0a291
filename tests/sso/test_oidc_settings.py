"""The identity providers from the environment (mentoring.sso): what a
deployment sets becomes allauth's SOCIALACCOUNT_PROVIDERS."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentoring.sso import SAML_ATTRIBUTE_MAPPING, providers_from_environment

OIDC = {
    "SSO_OIDC_NAME": "Acme",
    "SSO_OIDC_PROVIDER_ID": "acme",
    "SSO_OIDC_ISSUER": "https://login.acme.example/",
    "SSO_OIDC_CLIENT_ID": "mentoring",
    "SSO_OIDC_CLIENT_SECRET": "s3cret",
}
SAML = {
    "SSO_SAML_NAME": "Acme",
    "SSO_SAML_ORGANISATION": "acme",
    "SSO_SAML_IDP_ENTITY_ID": "https://idp.acme.example/metadata",
    "SSO_SAML_IDP_SSO_URL": "https://idp.acme.example/sso",
    "SSO_SAML_IDP_X509_CERT": "MIIC...",
    "SSO_SAML_SP_ENTITY_ID": "https://mentoring.acme.example/accounts/saml/acme/metadata/",
}


def test_nothing_set_means_no_provider():
    providers = providers_from_environment({})
    assert "APPS" not in providers["openid_connect"]
    assert "APPS" not in providers["saml"]


def test_openid_connect_from_the_environment():
    providers = providers_from_environment(OIDC)
    assert providers["openid_connect"]["APPS"] == [
        {
            "provider_id": "acme",
            "name": "Acme",
            "client_id": "mentoring",
            "secret": "s3cret",
            "settings": {
                "server_url": "https://login.acme.example",
                "scope": ["openid", "email", "profile"],
                "oauth_pkce_enabled": True,
            },
        }
    ]
    assert "APPS" not in providers["saml"]


def test_openid_connect_defaults_its_id_and_name():
    app = providers_from_environment({**OIDC, "SSO_OIDC_NAME": "", "SSO_OIDC_PROVIDER_ID": ""})[
        "openid_connect"
    ]["APPS"][0]
    assert (app["provider_id"], app["name"]) == ("org", "your organisation")


def test_saml_from_the_environment():
    app = providers_from_environment(SAML)["saml"]["APPS"][0]
    assert app["name"] == "Acme"
    assert app["client_id"] == "acme"
    assert app["provider_id"] == "https://idp.acme.example/metadata"
    assert app["settings"]["idp"] == {
        "entity_id": "https://idp.acme.example/metadata",
        "sso_url": "https://idp.acme.example/sso",
        "x509cert": "MIIC...",
    }
    assert app["settings"]["sp"] == {"entity_id": SAML["SSO_SAML_SP_ENTITY_ID"]}
    assert app["settings"]["attribute_mapping"] == SAML_ATTRIBUTE_MAPPING
    assert app["settings"]["advanced"]["want_assertion_signed"] is True


def test_saml_from_a_metadata_url():
    environ = {
        "SSO_SAML_ORGANISATION": "acme",
        "SSO_SAML_IDP_ENTITY_ID": "https://idp.acme.example/metadata",
        "SSO_SAML_IDP_METADATA_URL": "https://idp.acme.example/metadata.xml",
    }
    app = providers_from_environment(environ)["saml"]["APPS"][0]
    assert app["settings"]["idp"] == {
        "entity_id": "https://idp.acme.example/metadata",
        "metadata_url": "https://idp.acme.example/metadata.xml",
    }
    assert "sp" not in app["settings"]


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"SSO_OIDC_ISSUER": "https://login.acme.example"}, "SSO_OIDC_CLIENT_ID, SSO_OIDC_CLIENT_SECRET"),
        ({"SSO_SAML_ORGANISATION": "acme"}, "SSO_SAML_IDP_ENTITY_ID"),
        ({**SAML, "SSO_SAML_IDP_X509_CERT": ""}, "SSO_SAML_IDP_METADATA_URL"),
    ],
)
def test_a_half_set_provider_stops_the_site_naming_what_is_missing(environ, missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        providers_from_environment(environ)


def test_both_at_once():
    providers = providers_from_environment({**OIDC, **SAML})
    assert len(providers["openid_connect"]["APPS"]) == len(providers["saml"]["APPS"]) == 1


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_configured_organisation(client, settings):
    assert "/accounts/oidc/" not in client.get("/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(OIDC)
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Acme" in page
    assert 'action="/accounts/oidc/acme/login/' in page


def test_verified_domains_vouch_for_addresses_at_them():
    environ = {**OIDC, **SAML, "SSO_OIDC_VERIFIED_DOMAINS": "Acme.example, acme.co.uk"}
    environ["SSO_SAML_VERIFIED_DOMAINS"] = "acme.example"
    providers = providers_from_environment(environ)
    oidc_settings = providers["openid_connect"]["APPS"][0]["settings"]
    assert oidc_settings["verified_email"] == ["acme.example", "acme.co.uk"]
    assert providers["saml"]["APPS"][0]["settings"]["verified_email"] == ["acme.example"]
    assert "verified_email" not in providers_from_environment(OIDC)["openid_connect"]["APPS"][0]["settings"]
