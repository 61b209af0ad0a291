"""What an organisation's SAML identity provider said about a person, read
again from what allauth keeps of it.

allauth's SAML provider maps the assertion's attributes through the app's
``attribute_mapping`` when the response arrives (``extract_common_fields`` takes
python3-saml's ``OneLogin_Saml2_Auth``), and keeps only the raw attributes
(``{name: [values]}``) as the social account's ``extra_data``. ``saml_claims``
maps those raw attributes the same way, so the fields can be read from a
stored account too."""

from collections.abc import Mapping

from allauth.socialaccount.providers.saml.provider import SAMLProvider

TRUE_WORDS = frozenset({"true", "1", "t", "y", "yes"})


def is_saml(provider: object) -> bool:
    return isinstance(provider, SAMLProvider)


def saml_claims(provider: SAMLProvider, attributes: Mapping) -> dict:
    """The first value of each mapped attribute, under the mapping's key
    (``email``, ``email_verified`` as a bool, ``first_name``, ``zoneinfo`` …).
    Unknown or empty attributes are left out."""
    mapping = provider.app.settings.get("attribute_mapping", SAMLProvider.default_attribute_mapping)
    claims: dict = {}
    for key, names in mapping.items():
        for name in [names] if isinstance(names, str) else names:
            values = attributes.get(name) if isinstance(attributes, Mapping) else None
            if isinstance(values, str):
                values = [values]
            if values:
                claims[key] = values[0]
                break
    if "email_verified" in claims:
        claims["email_verified"] = str(claims["email_verified"]).strip().lower() in TRUE_WORDS
    claims.pop("uid", None)
    return claims
