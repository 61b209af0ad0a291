"""The OpenID Connect provider the sign-in tests start on loopback
(tests/idp/oidc.mjs, the npm oidc-provider): a pytest fixture.

``oidc_idp`` starts it once per test session on a free port, with a
confidential client whose redirect URIs are allauth's callback on the live
server and on the test client's ``testserver``, and the people in
``OIDC_ACCOUNTS``; it yields an :class:`OidcIdp` and stops the provider at the
end. ``oidc_app`` adds the matching ``SocialApp`` row for one test."""

import json
from dataclasses import dataclass

import pytest

from .node_idp import IDP_DIR, free_port, node_for, running

__all__ = ["OIDC_ACCOUNTS", "OIDC_PROVIDER_ID", "OidcIdp", "oidc_app", "oidc_idp"]

OIDC_PROVIDER_ID = "org"
CALLBACK_PATH = f"/accounts/oidc/{OIDC_PROVIDER_ID}/login/callback/"
CLIENT_ID = "mentoring-tests"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"

#: The identity provider's people. Sign in by typing the login (the email).
OIDC_ACCOUNTS = [
    {
        "sub": "ada-0001",
        "email": "ada.lovelace@example.org",
        "email_verified": True,
        "name": "Ada Lovelace",
        "zoneinfo": "Europe/London",
        "locale": "en-GB",
    },
    {
        "sub": "grace-0002",
        "email": "grace.hopper@example.org",
        "email_verified": True,
        "name": "Grace Hopper",
        "zoneinfo": "Not/A_Zone",
    },
    {
        # Claims the address of an existing account without having verified it.
        "sub": "mallory-0003",
        "login": "mallory",
        "email": "taken@example.org",
        "email_verified": False,
        "name": "Mallory",
    },
    {
        "sub": "leaver-0004",
        "email": "lee.leaver@example.org",
        "email_verified": True,
        "name": "Lee Leaver",
        "refused": True,
    },
]


@dataclass(frozen=True)
class OidcIdp:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    provider_id: str = OIDC_PROVIDER_ID


@pytest.fixture(scope="session")
def oidc_idp(live_server, tmp_path_factory) -> OidcIdp:
    node = node_for("oidc-provider", "OpenID Connect provider")
    accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts.write_text(json.dumps(OIDC_ACCOUNTS))
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    command = [node, str(IDP_DIR / "oidc.mjs"), "--port", str(port), "--accounts", str(accounts)]
    command += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    for base in (live_server.url, "http://testserver"):
        command += ["--redirect-uri", base + CALLBACK_PATH]
    with running(
        command, ready_url=f"{issuer}/.well-known/openid-configuration", what="OpenID Connect provider"
    ):
        yield OidcIdp(issuer=issuer)


@pytest.fixture
def oidc_app(oidc_idp: OidcIdp, db):
    """The organisation's provider as a Django admin would add it (Social
    applications), for one test."""
    from allauth.socialaccount.models import SocialApp

    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=oidc_idp.provider_id,
        name="Example Org",
        client_id=oidc_idp.client_id,
        secret=oidc_idp.client_secret,
        settings={"server_url": oidc_idp.issuer, "oauth_pkce_enabled": True},
    )
