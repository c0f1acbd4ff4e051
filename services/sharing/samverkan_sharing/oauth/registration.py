"""Registering and revoking clients: the operator's use cases (``samverkan clients``)."""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from samverkan_shared.auth import SCOPE_AUDIENCES
from samverkan_shared.client_certificates import (
    ClientCertificate,
    InvalidClientCertificate,
    normalized_san,
    normalized_subject_dn,
)
from samverkan_shared.identifiers import (
    InvalidIdentifier,
    parse_municipality_code,
    parse_org_number,
)
from samverkan_sharing.oauth.models import (
    DPOP_POLICIES,
    TLS_AUTH_METHODS,
    ClientRecord,
)
from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.oauth.secrets import hash_secret, new_secret
from samverkan_sharing.rules.vocabulary import Recipient

__all__ = ["CLIENT_KINDS", "InvalidClient", "register_client", "revoke_client"]

CLIENT_KINDS = ("municipality", "partner", "compliance", "service")


class InvalidClient(ValueError):
    """A client registration that cannot be accepted; the message says why."""


def register_client(
    session: Session,
    *,
    name: str,
    org_number: str,
    kind: str,
    scopes: Iterable[str],
    recipient: str | None = None,
    jwks: Mapping[str, Any] | None = None,
    client_id: str | None = None,
    municipality_code: str | None = None,
    redirect_uris: Sequence[str] = (),
    dpop: str = "optional",
    tls_subject_dn: str | None = None,
    tls_san: str | None = None,
    tls_certificates: Sequence[ClientCertificate] = (),
    certificate_bound_tokens: bool = False,
) -> tuple[ClientRecord, str | None]:
    """Register a client; returns it and its secret (None but for
    client_secret_basic). It authenticates one way (`_auth_method`); ``dpop`` and
    ``certificate_bound_tokens`` bind its tokens (`_certificate_bound`); one that
    files tips names its municipality (`_municipality`)."""
    scope_list = sorted(set(scopes))
    _check_registration(name, kind, scope_list, recipient, jwks, dpop)
    method = _auth_method(jwks, tls_subject_dn, tls_san, tls_certificates)
    bound = _certificate_bound(method, dpop, asked=certificate_bound_tokens)
    _check_redirect_uris(redirect_uris)
    secret = new_secret() if method == "client_secret_basic" else None
    client = ClientRecord(
        client_id=client_id or f"svk-{secrets.token_hex(8)}",
        name=name,
        org_number=_org_number(org_number),
        kind=kind,
        recipient=recipient,
        municipality_code=_municipality(scope_list, municipality_code),
        scopes=scope_list,
        auth_method=method,
        secret_hash=hash_secret(secret) if secret else None,
        jwks=dict(jwks) if jwks else None,
        redirect_uris=list(redirect_uris) or None,
        dpop=dpop,
        tls_subject_dn=_subject_dn(tls_subject_dn),
        tls_san=_alternative_name(tls_san),
        tls_thumbprints=[c.thumbprint for c in tls_certificates] or None,
        certificate_bound_tokens=bound,
        created_at=datetime.now(UTC),
    )
    ClientRepository(session).add(client)
    session.commit()
    return client, secret


def _auth_method(
    jwks: Mapping[str, Any] | None,
    tls_subject_dn: str | None,
    tls_san: str | None,
    tls_certificates: Sequence[ClientCertificate],
) -> str:
    """The one way the client authenticates: a secret, or ``jwks``
    (private_key_jwt), or its TLS client certificate (RFC 8705 §2): one from a
    certificate authority the ingress trusts, with ``tls_subject_dn`` or ``tls_san``
    (exactly one, §2.1.2: tls_client_auth), or one of ``tls_certificates``
    (self_signed_tls_client_auth).
    """
    given = [
        method
        for method, present in (
            ("private_key_jwt", jwks is not None),
            ("tls_client_auth", tls_subject_dn is not None),
            ("tls_client_auth", tls_san is not None),
            ("self_signed_tls_client_auth", bool(tls_certificates)),
        )
        if present
    ]
    if len(given) > 1:
        raise InvalidClient(
            "a client authenticates one way: give one of --jwks, --tls-subject-dn, "
            "--tls-san and --tls-certificate"
        )
    return given[0] if given else "client_secret_basic"


def _certificate_bound(method: str, dpop: str, *, asked: bool) -> bool:
    """Whether the client gets only tokens bound to the certificate it presents
    (RFC 8705 §3): when ``asked``, and always so for the TLS methods. Such a client
    cannot also have ``dpop`` "required" (tokens only with a DPoP proof, bound to
    its key, RFC 9449)."""
    bound = asked or method in TLS_AUTH_METHODS
    if bound and dpop == "required":
        raise InvalidClient(
            "a client's tokens are bound to its TLS certificate or to a DPoP key, "
            "not both: leave out --dpop required"
        )
    return bound


def _subject_dn(dn: str | None) -> str | None:
    if dn is None:
        return None
    try:
        return normalized_subject_dn(dn)
    except InvalidClientCertificate as error:
        raise InvalidClient(f"--tls-subject-dn: {error}") from None


def _alternative_name(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return normalized_san(name)
    except InvalidClientCertificate as error:
        raise InvalidClient(f"--tls-san: {error}") from None


def _org_number(org_number: str) -> str:
    try:
        return parse_org_number(org_number)
    except InvalidIdentifier as error:
        raise InvalidClient(f"--org-number: {error}") from None


def _municipality(scopes: list[str], code: str | None) -> str | None:
    """The municipality a client that files tips (``tips:write``) files for: tips
    refuses a tip in another municipality's name."""
    if code is None:
        if "tips:write" in scopes:
            raise InvalidClient(
                "a client with tips:write files tips for one municipality: give"
                " --municipality with its code (kommunkod), e.g. 1280"
            )
        return None
    try:
        return parse_municipality_code(code)
    except InvalidIdentifier as error:
        raise InvalidClient(f"--municipality: {error}") from None


def _check_registration(
    name: str,
    kind: str,
    scopes: list[str],
    recipient: str | None,
    jwks: Mapping[str, Any] | None,
    dpop: str,
) -> None:
    recipients = {r.value for r in Recipient}
    unknown = [s for s in scopes if s not in SCOPE_AUDIENCES]
    checks = [
        (
            dpop not in DPOP_POLICIES,
            f"--dpop must be one of {', '.join(DPOP_POLICIES)}",
        ),
        (not name.strip(), "--name must not be empty"),
        (kind not in CLIENT_KINDS, f"--kind must be one of {', '.join(CLIENT_KINDS)}"),
        (not scopes, "--scopes must name at least one scope"),
        (
            bool(unknown),
            f"unknown scopes {', '.join(unknown)}; known: {' '.join(SCOPE_AUDIENCES)}",
        ),
        (kind == "partner" and recipient is None, "a partner needs --recipient"),
        (
            recipient is not None and recipient not in recipients,
            f"--recipient must be one of {', '.join(sorted(recipients))}",
        ),
        (
            "disclosures:request" in scopes and kind != "partner",
            "only a partner may have disclosures:request (its recipient decides the law)",
        ),
        (
            jwks is not None and not isinstance(jwks.get("keys"), list),
            "--jwks must be a JSON Web Key Set with a 'keys' list",
        ),
    ]
    for failed, message in checks:
        if failed:
            raise InvalidClient(message)


def _check_redirect_uris(uris: Sequence[str]) -> None:
    """RFC 6749 §3.1.2 and RFC 9700 §4.1: absolute, no fragment, HTTPS except to
    this machine (a console in development)."""
    for uri in uris:
        parts = urlsplit(uri)
        local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
        if (
            not parts.netloc
            or parts.fragment
            or not (parts.scheme == "https" or (parts.scheme == "http" and local))
        ):
            raise InvalidClient(
                f"--redirect-uri {uri!r}: an absolute https URI without a fragment "
                "(http only to localhost)"
            )


def revoke_client(session: Session, client_id: str) -> ClientRecord:
    client = ClientRepository(session).get(client_id)
    if client is None:
        raise InvalidClient(f"no client {client_id!r}")
    client.active = False
    client.revoked_at = datetime.now(UTC)
    session.add(client)
    session.commit()
    return client
