"""Mutual TLS at sharing's token endpoint (RFC 8705) for the tests: a partner
registered to authenticate by certificate, a token asked for with the certificate
the ingress forwards (RFC 9440 ``Client-Cert``)."""

from typing import Any

from samverkan_shared.client_certificates import ClientCertificate
from tests.support.certificates import Certificate
from tests.support.sharing import ISSUER, Sharing

__all__ = [
    "TOKEN_URL",
    "certificate_token",
    "police_client",
    "self_signed_client",
]

TOKEN_URL = f"{ISSUER}/oauth/token"


def police_client(sharing: Sharing, **fields: Any) -> str:
    """The police registered with ``fields`` (one way to authenticate); no secret."""
    client_id, secret = sharing.register(
        kind="partner",
        recipient="polismyndigheten",
        org_number="202100-0076",
        scopes=["disclosures:request"],
        **fields,
    )
    assert secret is None
    return client_id


def self_signed_client(sharing: Sharing, certificate: Certificate) -> str:
    return police_client(
        sharing, tls_certificates=[ClientCertificate.from_der(certificate.der)]
    )


def certificate_token(
    sharing: Sharing,
    client_id: str,
    certificate: Certificate | None,
    headers: dict[str, str] | None = None,
) -> Any:
    """``client_credentials`` for ``client_id`` with ``certificate`` forwarded."""
    return sharing.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers={**(certificate.header if certificate else {}), **(headers or {})},
    )
