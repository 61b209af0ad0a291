"""Walking the SAML sign-in over real HTTP, for the tests that take the
identity provider's signed response in hand before it reaches the service
provider's assertion consumer service."""

import base64
import re
from dataclasses import dataclass
from html import unescape

import requests

from .saml_idp import SamlIdp


@dataclass
class SignedResponse:
    """What the identity provider's page would have POSTed to the ACS."""

    xml: str
    relay_state: str

    def form(self, xml: str | None = None) -> dict:
        encoded = base64.b64encode((self.xml if xml is None else xml).encode()).decode()
        return {"SAMLResponse": encoded, "RelayState": self.relay_state}


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in:\n{html[:2000]}"
    return unescape(match.group(1))


def start_sign_in(client: requests.Session, base_url: str, slug: str) -> requests.Response:
    """Asks the service provider to sign in with the organisation: allauth's
    page, its confirming POST, and the redirect with the AuthnRequest to the
    identity provider's sign-in page."""
    url = f"{base_url}/accounts/saml/{slug}/login/"
    page = client.get(url)
    page.raise_for_status()
    if "SAMLRequest" in page.url:
        return page
    token = _hidden(page.text, "csrfmiddlewaretoken")
    answer = client.post(url, data={"csrfmiddlewaretoken": token}, headers={"Referer": url})
    answer.raise_for_status()
    assert "SAMLRequest=" in answer.url, answer.url
    return answer


def signed_response(client: requests.Session, idp: SamlIdp, base_url: str, email: str) -> SignedResponse:
    """Signs in at the identity provider as ``email`` and returns the signed
    response its page would POST to the service provider, without posting it."""
    sign_in_page = start_sign_in(client, base_url, idp.slug)
    answer = client.post(
        f"{idp.base_url}/login", data={"pending": _hidden(sign_in_page.text, "pending"), "email": email}
    )
    answer.raise_for_status()
    xml = base64.b64decode(_hidden(answer.text, "SAMLResponse")).decode()
    relay = re.search(r'name="RelayState" value="([^"]*)"', answer.text)
    return SignedResponse(xml=xml, relay_state=unescape(relay.group(1)) if relay else "")


def post_to_acs(client: requests.Session, idp: SamlIdp, form: dict) -> requests.Response:
    """POSTs a response to the ACS as the identity provider's page would, and
    follows the service provider's redirects."""
    return client.post(idp.acs_url, data=form)


def signed_in_user_id(client: requests.Session) -> str | None:
    """The id of the account the client's session is signed in to, or None."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    key = client.cookies.get("sessionid")
    if not key:
        return None
    return store(session_key=key).get("_auth_user_id")
