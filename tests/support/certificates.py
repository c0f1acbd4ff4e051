"""TLS client certificates for the tests (RFC 8705), made with ``cryptography``: each
call a fresh key, so two certificates with one subject still differ. Self-signed, or
issued by a test certificate authority (for a real TLS server in front of the suite)."""

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from cryptography.x509.oid import NameOID

POLICE_DN = "CN=Polisen,O=Polismyndigheten,C=SE"


@dataclass(frozen=True)
class Certificate:
    """A client certificate as the ingress forwards it (RFC 9440 ``Client-Cert``),
    with its private key (PEM) for a real TLS connection."""

    der: bytes
    pem: bytes
    key_pem: bytes = field(repr=False)

    @property
    def header(self) -> dict[str, str]:
        return {"Client-Cert": f":{base64.b64encode(self.der).decode()}:"}

    @property
    def thumbprint(self) -> str:
        """``x5t#S256`` computed here, not by the code under test (RFC 8705 §3.1)."""
        digest = hashlib.sha256(self.der).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _subject(
    common_name: str, organisation: str, country: str, serial_number: str | None
) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if serial_number is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _signed(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    authority: bool = False,
    alternative_names: Sequence[x509.GeneralName] = (),
) -> Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=None), True)
    )
    if alternative_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(list(alternative_names)), critical=False
        )
    certificate = builder.sign(issuer_key, hashes.SHA256())
    return Certificate(
        der=certificate.public_bytes(Encoding.DER),
        pem=certificate.public_bytes(Encoding.PEM),
        key_pem=key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()),
    )


def make_certificate(
    common_name: str = "Polisen",
    organisation: str = "Polismyndigheten",
    country: str = "SE",
    serial_number: str | None = None,
    alternative_names: Sequence[x509.GeneralName] = (),
) -> Certificate:
    """A self-signed P-256 certificate with the subject CN, O, C (and serialNumber,
    the organisation number in Swedish organisation certificates) and any
    ``alternative_names``; valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _subject(common_name, organisation, country, serial_number)
    return _signed(subject, key, subject, key, alternative_names=alternative_names)


class CertificateAuthority:
    """A test certificate authority: issues partners' and servers' certificates."""

    def __init__(self, name: str = "Samverkan test CA") -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.certificate = _signed(
            self._name, self._key, self._name, self._key, authority=True
        )

    def issue(
        self,
        common_name: str = "Polisen",
        organisation: str = "Polismyndigheten",
        *,
        dns_name: str | None = None,
    ) -> Certificate:
        """A certificate of ``CN=common_name,O=organisation,C=SE`` (a server's with
        ``dns_name``)."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _subject(common_name, organisation, "SE", None)
        names = [x509.DNSName(dns_name)] if dns_name is not None else []
        return _signed(subject, key, self._name, self._key, alternative_names=names)
