"""The organisation's SAML identity provider, over real HTTP: its signed
response signs the person in; one that was tampered with, is unsigned, was
meant for another service provider, is signed by another key, is posted a
second time, or refuses the person, signs nobody in and makes no account."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from lxml import etree

from accounts.models import User

from .saml_flow import post_to_acs, signed_in_user_id, signed_response
from .saml_idp import *  # noqa: F403 - the identity provider's fixtures
from .saml_idp import SAML_ACCOUNTS, key_and_certificate, saml_app_settings

pytestmark = pytest.mark.django_db(transaction=True)

ADA = SAML_ACCOUNTS[0]["email"]
LEAVER = next(account["email"] for account in SAML_ACCOUNTS if account.get("refused"))
DS = "http://www.w3.org/2000/09/xmldsig#"


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


def errors(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records if record.levelname == "ERROR")


def assert_refused(http, answer, *emails):
    """Told they are not signed in; no session, no account, no link."""
    assert 400 <= answer.status_code < 500, answer.text
    assert signed_in_user_id(http) is None
    for email in emails:
        assert not User.objects.filter(email__iexact=email).exists()
    assert not SocialAccount.objects.exists()


def test_a_signed_response_signs_the_person_in(http, live_server, saml_idp, saml_app):
    response = signed_response(http, saml_idp, live_server.url, ADA)
    assert response.xml.count("<ds:SignatureValue>") == 2  # the assertion and the whole message, RSA-SHA256
    assert response.xml.count("xmldsig-more#rsa-sha256") == 2
    post_to_acs(http, saml_idp, response.form())
    user = User.objects.get(email__iexact=ADA)
    assert signed_in_user_id(http) == str(user.pk)
    assert SocialAccount.objects.get(user=user).uid == "ada-1001"


def test_a_response_with_another_email_written_in_is_refused(http, live_server, saml_idp, saml_app, caplog):
    response = signed_response(http, saml_idp, live_server.url, ADA)
    tampered = response.xml.replace(ADA, "eve@acme.example")
    assert tampered.count("eve@acme.example") == 2  # the NameID and the email attribute
    answer = post_to_acs(http, saml_idp, response.form(tampered))
    assert_refused(http, answer, ADA, "eve@acme.example")
    assert "Signature validation failed" in errors(caplog)


def test_a_response_with_another_subject_written_in_is_refused(http, live_server, saml_idp, saml_app, caplog):
    response = signed_response(http, saml_idp, live_server.url, ADA)
    tampered = response.xml.replace("ada-1001", "someone-else-1")
    assert tampered != response.xml
    answer = post_to_acs(http, saml_idp, response.form(tampered))
    assert_refused(http, answer, ADA)
    assert "Signature validation failed" in errors(caplog)


def test_an_unsigned_response_is_refused(http, live_server, saml_idp, saml_app, caplog):
    response = signed_response(http, saml_idp, live_server.url, ADA)
    document = etree.fromstring(response.xml.encode())
    for signature in list(document.iter(f"{{{DS}}}Signature")):
        signature.getparent().remove(signature)
    unsigned = etree.tostring(document).decode()
    assert "SignatureValue" not in unsigned
    answer = post_to_acs(http, saml_idp, response.form(unsigned))
    assert_refused(http, answer, ADA)
    assert "is not signed" in errors(caplog)


def test_a_response_for_another_service_provider_is_refused(http, live_server, saml_idp, saml_app, caplog):
    """The identity provider signed it for the audience it knows; a service
    provider with another entity id does not take it."""
    response = signed_response(http, saml_idp, live_server.url, ADA)
    settings = saml_app_settings(saml_idp, SSO_SAML_SP_ENTITY_ID="https://elsewhere.example/saml/metadata/")
    SocialApp.objects.filter(pk=saml_app.pk).update(settings=settings)
    answer = post_to_acs(http, saml_idp, response.form())
    assert_refused(http, answer, ADA)
    assert "is not a valid audience" in errors(caplog)


def test_a_response_signed_by_another_key_is_refused(http, live_server, saml_idp, saml_app, caplog, tmp_path):
    """The app trusts only the certificate it was given for the identity provider."""
    response = signed_response(http, saml_idp, live_server.url, ADA)
    _key, _cert, other_pem = key_and_certificate(tmp_path)
    settings = saml_app_settings(saml_idp)
    settings["idp"]["x509cert"] = "".join(
        line for line in other_pem.splitlines() if "CERTIFICATE" not in line
    )
    SocialApp.objects.filter(pk=saml_app.pk).update(settings=settings)
    answer = post_to_acs(http, saml_idp, response.form())
    assert_refused(http, answer, ADA)
    assert "Signature validation failed" in errors(caplog)


def test_a_response_posted_again_signs_nobody_in(http, live_server, saml_idp, saml_app):
    """A response is good for the one sign-in that asked for it: posted again,
    from the same browser or another, it signs nobody in."""
    response = signed_response(http, saml_idp, live_server.url, ADA)
    post_to_acs(http, saml_idp, response.form())
    assert signed_in_user_id(http) is not None
    with requests.Session() as replayer:
        answer = post_to_acs(replayer, saml_idp, response.form())
        assert 400 <= answer.status_code < 500
        assert signed_in_user_id(replayer) is None
    http.cookies.clear()
    answer = post_to_acs(http, saml_idp, response.form())
    assert 400 <= answer.status_code < 500
    assert signed_in_user_id(http) is None
    assert SocialAccount.objects.count() == 1


def test_an_account_the_identity_provider_refuses_gets_nothing(http, live_server, saml_idp, saml_app, caplog):
    response = signed_response(http, saml_idp, live_server.url, LEAVER)
    assert "RequestDenied" in response.xml
    assert "<saml:Assertion" not in response.xml
    answer = post_to_acs(http, saml_idp, response.form())
    assert_refused(http, answer, LEAVER)
    assert "was not Success" in errors(caplog)
