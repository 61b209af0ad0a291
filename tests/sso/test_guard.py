"""The organisation sign-in pages answer odd requests and an unreachable
identity provider calmly (mentoring.sso_guard): inputs the fuzz pass found
answering 500."""

import tempfile
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp

from mentoring import sso
from tests.sso.saml_idp import key_and_certificate

pytestmark = pytest.mark.django_db
NOBODY = "http://127.0.0.1:9"  # a loopback port where no identity provider answers


@pytest.fixture
def apps():
    _key, _cert, certificate = key_and_certificate(Path(tempfile.mkdtemp()))
    environment = {
        "SSO_OIDC_PROVIDER_ID": "org",
        "SSO_OIDC_ISSUER": NOBODY,
        "SSO_OIDC_CLIENT_ID": "client",
        "SSO_OIDC_CLIENT_SECRET": "secret",
        "SSO_SAML_ORGANISATION": "org",
        "SSO_SAML_IDP_ENTITY_ID": f"{NOBODY}/metadata",
        "SSO_SAML_IDP_SSO_URL": f"{NOBODY}/sso",
        "SSO_SAML_IDP_X509_CERT": certificate,
    }
    SocialApp.objects.create(provider="openid_connect", **sso.oidc_app(environment))
    SocialApp.objects.create(provider="saml", **sso.saml_app(environment))


@pytest.mark.usefixtures("apps")
@pytest.mark.parametrize(
    "path", ["/accounts/oidc/%00/login/", "/accounts/saml/%00/login/", "/accounts/saml/a%01b/acs/"]
)
def test_a_provider_named_with_a_control_character_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.usefixtures("apps")
def test_an_identity_provider_that_cannot_be_reached_is_said_so(client):
    response = client.post("/accounts/oidc/org/login/")
    assert response.status_code == 502
    assert "sign-in service could not be reached" in response.text


@pytest.mark.usefixtures("apps")
def test_a_saml_address_called_without_a_saml_message_is_a_bad_request(client):
    response = client.get("/accounts/saml/org/sls/", HTTP_HOST="testserver")
    assert response.status_code == 400
    assert "Start again from the sign-in page" in response.text


@pytest.mark.usefixtures("apps")
def test_a_request_without_a_host_header_still_gets_an_answer(client):
    # HTTP/1.0 sends no Host; the SAML toolkit reads it unconditionally.
    response = client.generic("GET", "/accounts/saml/org/sls/", **{"SERVER_NAME": "testserver"})
    assert response.status_code < 500
