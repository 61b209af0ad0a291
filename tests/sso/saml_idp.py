"""The SAML 2.0 identity provider the sign-in tests start on loopback
(tests/idp/saml.mjs, the npm samlify): a pytest fixture.

``saml_idp`` makes a signing key and certificate for the session, starts the
IdP once on a free port serving one service provider (allauth's SAML app
``SAML_SLUG`` on the live server) and the people in ``SAML_ACCOUNTS``, waits
for its metadata, yields a :class:`SamlIdp` and stops it at the end.
``saml_app`` adds the matching ``SocialApp`` row for one test."""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .node_idp import IDP_DIR, free_port, node_for, running

__all__ = [
    "SAML_ACCOUNTS",
    "SAML_SLUG",
    "SamlIdp",
    "key_and_certificate",
    "saml_app",
    "saml_app_settings",
    "saml_environment",
    "saml_idp",
]

#: The organisation's slug in allauth's SAML URLs (/accounts/saml/<slug>/…).
SAML_SLUG = "acme"

#: The identity provider's people. Sign in by typing the email.
SAML_ACCOUNTS = [
    {
        "id": "ada-1001",
        "email": "ada.byron@acme.example",
        "first_name": "Ada",
        "last_name": "Byron",
        "email_verified": True,
        "time_zone": "Europe/London",
        "language": "en",
    },
    {
        # Claims the address of an existing account without having verified it.
        "id": "mallory-1002",
        "email": "morgan.mentor@example.com",
        "first_name": "Mallory",
        "last_name": "Claimant",
        "email_verified": False,
    },
    {
        # Like most company identity providers, says nothing of verification.
        "id": "quiet-1004",
        "email": "quinn.quiet@acme.example",
        "first_name": "Quinn",
        "last_name": "Quiet",
    },
    {
        "id": "leaver-1003",
        "email": "lee.left@acme.example",
        "first_name": "Lee",
        "last_name": "Left",
        "email_verified": True,
        "refused": True,
    },
]


@dataclass(frozen=True)
class SamlIdp:
    base_url: str
    entity_id: str
    sso_url: str
    metadata_url: str
    certificate_pem: str
    sp_entity_id: str
    acs_url: str
    slug: str = SAML_SLUG
    accounts: list = field(default_factory=lambda: SAML_ACCOUNTS)

    @property
    def certificate_base64(self) -> str:
        """The certificate as SAML settings take it: the PEM's body, one line."""
        lines = self.certificate_pem.strip().splitlines()
        return "".join(line for line in lines if "CERTIFICATE" not in line)


def saml_environment(idp: SamlIdp, **overrides: str) -> dict[str, str]:
    """The ``SSO_SAML_*`` variables a deployment sets for this identity
    provider (by its SSO URL and certificate; pass
    ``SSO_SAML_IDP_METADATA_URL=idp.metadata_url`` to use its metadata)."""
    return {
        "SSO_SAML_ORGANISATION": SAML_SLUG,
        "SSO_SAML_NAME": "Acme",
        "SSO_SAML_IDP_ENTITY_ID": idp.entity_id,
        "SSO_SAML_IDP_SSO_URL": idp.sso_url,
        "SSO_SAML_IDP_X509_CERT": idp.certificate_base64,
    } | overrides


def saml_app_settings(idp: SamlIdp, **environment: str) -> dict:
    """The ``SocialApp.settings`` the site makes from its environment
    (mentoring.sso): the IdP by entity id, sign-in URL and signing
    certificate, signed assertions required, the attributes mapped to our
    fields."""
    from mentoring.sso import saml_app as saml_app_from_environment

    return saml_app_from_environment(saml_environment(idp, **environment))["settings"]


def key_and_certificate(directory: Path) -> tuple[Path, Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test identity provider")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    cert_file.write_text(pem)
    return key_file, cert_file, pem


@pytest.fixture(scope="session")
def saml_idp(live_server, tmp_path_factory) -> SamlIdp:
    node = node_for("samlify", "SAML identity provider")
    directory = tmp_path_factory.mktemp("saml")
    key_file, cert_file, pem = key_and_certificate(directory)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sp_base = f"{live_server.url}/accounts/saml/{SAML_SLUG}"
    sp = {"entity_id": f"{sp_base}/metadata/", "acs_url": f"{sp_base}/acs/"}
    config = directory / "config.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "entity_id": f"{base}/metadata",
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "sp": sp,
                "accounts": SAML_ACCOUNTS,
            }
        )
    )
    command = [node, str(IDP_DIR / "saml.mjs"), str(config)]
    with running(command, ready_url=f"{base}/metadata", what="SAML identity provider"):
        yield SamlIdp(
            base_url=base,
            entity_id=f"{base}/metadata",
            sso_url=f"{base}/sso",
            metadata_url=f"{base}/metadata",
            certificate_pem=pem,
            sp_entity_id=sp["entity_id"],
            acs_url=sp["acs_url"],
        )


@pytest.fixture
def saml_app(saml_idp: SamlIdp, db):
    """The organisation's SAML app as a Django admin would add it (Social
    applications), with the settings the environment would give it, for one
    test. allauth finds it by ``client_id``, the slug in its URLs."""
    from allauth.socialaccount.models import SocialApp

    return SocialApp.objects.create(
        provider="saml",
        provider_id=SAML_SLUG,
        name="Acme",
        client_id=SAML_SLUG,
        settings=saml_app_settings(saml_idp),
    )
