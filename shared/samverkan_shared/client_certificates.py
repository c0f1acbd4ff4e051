"""TLS client certificates a TLS-terminating ingress forwards in the ``Client-Cert``
header (RFC 9440), their SHA-256 thumbprints (RFC 8705 §3.1, ``cnf.x5t#S256``),
subject distinguished names (RFC 8705 §2.1, RFC 4514) and subject alternative names
(§2.1.2).

Pure: no web, database or network. Whether a service believes the header at all is
its setting (``SAMVERKAN_TRUST_CLIENT_CERT_HEADER``): only an ingress that verified the
certificate at TLS, and strips any ``Client-Cert`` a caller sent, may be trusted.
"""

import base64
import binascii
import hashlib
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

__all__ = [
    "CLIENT_CERT_HEADER",
    "ClientCertificate",
    "InvalidClientCertificate",
    "certificate_from_file_bytes",
    "client_cert_header_value",
    "forwarded_certificate",
    "normalized_san",
    "normalized_subject_dn",
]

CLIENT_CERT_HEADER = "client-cert"
# RFC 8941 §3.3.5 sf-binary: base64 (RFC 4648 §4) between colons. Padding may be
# missing (§4.2.7: parsers should not fail on it); nothing else may be there.
_BYTE_SEQUENCE = re.compile(r":([A-Za-z0-9+/]*)(={0,2}):")
# A certificate is a few kilobytes; a chain does not belong in this header.
_MAX_HEADER_CHARS = 16_384
# Attributes that organisation certificates carry beside RFC 4514's own names (the
# organisation number as serialNumber, eIDAS's organizationIdentifier): written and
# read by these names, not as dotted OIDs.
_NAMES = {
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
}
_OIDS = {
    spelling: oid
    for oid, name in _NAMES.items()
    for spelling in (name, name.upper(), name.lower())
}


# RFC 8705 §2.1.2: tls_client_auth_san_dns, _uri, _ip and _email, by the kind of
# subject alternative name each names; registered and compared as "<kind>:<value>".
_SAN_KINDS = ("dns", "uri", "ip", "email")


class InvalidClientCertificate(ValueError):
    """The forwarded certificate (or a registered one) cannot be read; says why."""


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate as the services compare it."""

    der: bytes
    thumbprint: str  # RFC 8705 §3.1: base64url SHA-256 of the DER, no padding
    subject_dn: str  # RFC 4514, as `normalized_subject_dn` renders a registered one
    # Its subject alternative names, each as `normalized_san` renders a registered one.
    alternative_names: frozenset[str] = frozenset()

    @classmethod
    def from_der(cls, der: bytes) -> "ClientCertificate":
        try:
            certificate = x509.load_der_x509_certificate(der)
            subject = certificate.subject.rfc4514_string(_NAMES)
            names = _alternative_names(certificate)
        except ValueError:
            raise InvalidClientCertificate(
                "the client certificate is not a DER-encoded X.509 certificate"
            ) from None
        digest = hashlib.sha256(der).digest()
        thumbprint = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return cls(
            der=der, thumbprint=thumbprint, subject_dn=subject, alternative_names=names
        )

    def has_subject(self, registered_dn: str) -> bool:
        """Whether the subject is ``registered_dn`` (normalised at registration).

        RFC 8705 §2.1.2 compares as RFC 4517's distinguishedNameMatch, whose
        attribute equality is, for the names partners carry, caseIgnoreMatch.
        """
        return self.subject_dn.casefold() == registered_dn.casefold()

    def has_alternative_name(self, registered: str) -> bool:
        """Whether one of its subject alternative names is ``registered`` (as
        `normalized_san` renders it): RFC 8705 §2.1.2, an entry of that kind with
        that value."""
        return registered in self.alternative_names


def _alternative_names(certificate: x509.Certificate) -> frozenset[str]:
    try:
        names = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except x509.ExtensionNotFound:
        return frozenset()
    found = [
        *(("dns", value) for value in names.get_values_for_type(x509.DNSName)),
        *(
            ("uri", value)
            for value in names.get_values_for_type(x509.UniformResourceIdentifier)
        ),
        *(("ip", str(value)) for value in names.get_values_for_type(x509.IPAddress)),
        *(("email", value) for value in names.get_values_for_type(x509.RFC822Name)),
    ]
    return frozenset(_san_text(kind, value) for kind, value in found)


def normalized_san(registered: str) -> str:
    """``registered``, ``<kind>:<value>`` with kind ``dns``, ``uri``, ``ip`` or
    ``email`` (RFC 8705 §2.1.2), as a certificate's names are compared: a DNS name
    and an e-mail domain in lower case, an IP address in its canonical form (RFC
    5952 for IPv6); or `InvalidClientCertificate`."""
    kind, colon, value = registered.strip().partition(":")
    if not colon or kind.lower() not in _SAN_KINDS or not value:
        raise InvalidClientCertificate(
            f"{registered!r} is not a subject alternative name: write "
            "dns:<name>, uri:<URI>, ip:<address> or email:<address>"
        )
    try:
        return _san_text(kind.lower(), value)
    except ValueError as error:
        raise InvalidClientCertificate(f"{registered!r}: {error}") from None


def _san_text(kind: str, value: str) -> str:
    """One alternative name as compared: DNS names are case-insensitive, as is an
    e-mail address's domain (RFC 5280 §4.2.1.6, §7.5); an address has one form."""
    if kind == "dns":
        value = value.lower()
    elif kind == "ip":
        value = ipaddress.ip_address(value).compressed
    elif kind == "email":
        local, at, domain = value.rpartition("@")
        value = f"{local}{at}{domain.lower()}"
    return f"{kind}:{value}"


def forwarded_certificate(values: Sequence[str]) -> ClientCertificate | None:
    """The certificate in the ``Client-Cert`` header lines ``values`` (None: none
    forwarded), or `InvalidClientCertificate` for anything but one Byte Sequence
    holding one DER certificate (RFC 9440 §2.2)."""
    if not values:
        return None
    if len(values) > 1:
        raise InvalidClientCertificate("send one Client-Cert header, not several")
    value = values[0].strip(" \t")
    if len(value) > _MAX_HEADER_CHARS:
        raise InvalidClientCertificate("the Client-Cert header is too long")
    match = _BYTE_SEQUENCE.fullmatch(value)
    if match is None:
        raise InvalidClientCertificate(
            "the Client-Cert header is not a byte sequence (:base64 of the DER:)"
        )
    body = match.group(1)
    try:
        der = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidClientCertificate(
            "the Client-Cert header's base64 does not decode"
        ) from None
    return ClientCertificate.from_der(der)


def client_cert_header_value(der: bytes) -> str:
    """The ``Client-Cert`` value for a DER certificate, as an ingress sends it."""
    return f":{base64.b64encode(der).decode()}:"


def certificate_from_file_bytes(data: bytes) -> ClientCertificate:
    """A certificate from a file's bytes, PEM or DER (a client's registration)."""
    if b"-----BEGIN" in data:
        try:
            der = x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)
        except ValueError:
            raise InvalidClientCertificate(
                "the file is not a PEM X.509 certificate"
            ) from None
        return ClientCertificate.from_der(der)
    return ClientCertificate.from_der(data)


def normalized_subject_dn(dn: str) -> str:
    """``dn`` (RFC 4514, e.g. ``CN=Polisen,O=Polismyndigheten,C=SE``) as a
    certificate's subject renders, or `InvalidClientCertificate`."""
    try:
        name = x509.Name.from_rfc4514_string(dn.strip(), _OIDS)
    except ValueError:
        raise InvalidClientCertificate(
            f"{dn!r} is not an RFC 4514 distinguished name (attribute types in "
            "capitals or dotted, e.g. CN=Polisen,O=Polismyndigheten,C=SE; also "
            "serialNumber and organizationIdentifier)"
        ) from None
    rendered = name.rfc4514_string(_NAMES)
    if not rendered:
        raise InvalidClientCertificate("the distinguished name is empty")
    return rendered
