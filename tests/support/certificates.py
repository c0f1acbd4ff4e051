"""TLS client certificates for the tests (RFC 8705), made with ``cryptography``: each
call a fresh key, so two certificates with one subject still differ."""

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

POLICE_DN = "CN=Polisen,O=Polismyndigheten,C=SE"


@dataclass(frozen=True)
class Certificate:
    """A client certificate as the ingress forwards it (RFC 9440 ``Client-Cert``)."""

    der: bytes
    pem: bytes

    @property
    def header(self) -> dict[str, str]:
        return {"Client-Cert": f":{base64.b64encode(self.der).decode()}:"}

    @property
    def thumbprint(self) -> str:
        """``x5t#S256`` computed here, not by the code under test (RFC 8705 §3.1)."""
        digest = hashlib.sha256(self.der).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_certificate(
    common_name: str = "Polisen",
    organisation: str = "Polismyndigheten",
    country: str = "SE",
    serial_number: str | None = None,
) -> Certificate:
    """A self-signed P-256 certificate with the subject CN, O, C (and serialNumber,
    the organisation number in Swedish organisation certificates); valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if serial_number is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    subject = x509.Name(attributes)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return Certificate(
        der=certificate.public_bytes(Encoding.DER),
        pem=certificate.public_bytes(Encoding.PEM),
    )
