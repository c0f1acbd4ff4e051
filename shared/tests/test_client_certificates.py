"""The forwarded client certificate (RFC 9440 ``Client-Cert``): one Byte Sequence
holding one DER certificate, read strictly; its thumbprint (RFC 8705 §3.1), subject
(RFC 4514) and subject alternative names (§2.1.2)."""

import base64
import contextlib
import ipaddress
import re

import pytest
from cryptography import x509
from hypothesis import given
from hypothesis import strategies as st

from samverkan_shared.client_certificates import (
    ClientCertificate,
    InvalidClientCertificate,
    certificate_from_file_bytes,
    client_cert_header_value,
    forwarded_certificate,
    normalized_san,
    normalized_subject_dn,
)
from tests.support.certificates import POLICE_DN, make_certificate


def test_a_forwarded_certificate_has_the_thumbprint_and_subject() -> None:
    certificate = make_certificate()
    read = forwarded_certificate([certificate.header["Client-Cert"]])
    assert read == ClientCertificate(
        der=certificate.der, thumbprint=certificate.thumbprint, subject_dn=POLICE_DN
    )


def test_no_header_is_no_certificate() -> None:
    assert forwarded_certificate([]) is None


def test_padding_may_be_left_out_and_whitespace_around() -> None:
    """RFC 8941 §4.2.7: parsers should not fail on missing padding."""
    certificate = make_certificate()
    unpadded = base64.b64encode(certificate.der).decode().rstrip("=")
    read = forwarded_certificate([f" :{unpadded}:\t"])
    assert read is not None
    assert read.thumbprint == certificate.thumbprint


def test_the_header_value_round_trips() -> None:
    certificate = make_certificate()
    value = client_cert_header_value(certificate.der)
    assert value == certificate.header["Client-Cert"]


@pytest.mark.parametrize(
    ("values", "words"),
    [
        pytest.param(["MIIB"], "not a byte sequence", id="no colons"),
        pytest.param([":MIIB"], "not a byte sequence", id="one colon"),
        pytest.param([":MI-_:"], "not a byte sequence", id="base64url"),
        pytest.param([":MIIB:, :MIIB:"], "not a byte sequence", id="a list"),
        pytest.param([":M:"], "does not decode", id="bad length"),
        pytest.param([":AAAA:"], "not a DER-encoded X.509", id="not a certificate"),
        pytest.param([":" + "A" * 20_000 + ":"], "too long", id="too long"),
        pytest.param([":AAAA:", ":AAAA:"], "not several", id="two headers"),
    ],
)
def test_anything_else_is_refused(values: list[str], words: str) -> None:
    with pytest.raises(InvalidClientCertificate, match=words):
        forwarded_certificate(values)


def test_a_certificate_file_is_read_as_pem_or_der() -> None:
    certificate = make_certificate()
    assert certificate_from_file_bytes(certificate.pem).der == certificate.der
    assert certificate_from_file_bytes(certificate.der).der == certificate.der
    with pytest.raises(InvalidClientCertificate, match="not a PEM"):
        certificate_from_file_bytes(b"-----BEGIN CERTIFICATE-----\nno\n")


def test_an_organisation_number_in_the_subject_is_named_serial_number() -> None:
    certificate = make_certificate(serial_number="202100-0076")
    read = forwarded_certificate([certificate.header["Client-Cert"]])
    assert read is not None
    dn = "CN=Polisen,serialNumber=202100-0076,O=Polismyndigheten,C=SE"
    assert read.subject_dn == dn
    for spelling in (dn, dn.replace("serialNumber", "2.5.4.5"), dn.upper()):
        assert read.has_subject(normalized_subject_dn(spelling))
    assert not read.has_subject(normalized_subject_dn(POLICE_DN))


def test_a_registered_subject_is_rendered_as_a_certificate_s() -> None:
    assert normalized_subject_dn(" 2.5.4.3=Polisen,O=Polismyndigheten,C=SE ") == (
        POLICE_DN
    )
    for wrong in ("Polisen", "", "CN=a,,O=b"):
        with pytest.raises(InvalidClientCertificate):
            normalized_subject_dn(wrong)


@given(st.lists(st.text(max_size=200), max_size=3))
def test_any_header_is_a_certificate_or_a_refusal(values: list[str]) -> None:
    """Fail closed and never with another exception (a 500): whatever a caller or a
    broken ingress sends."""
    with contextlib.suppress(InvalidClientCertificate):
        forwarded_certificate(values)


@given(st.binary(max_size=600))
def test_any_bytes_in_a_byte_sequence_are_a_certificate_or_a_refusal(
    der: bytes,
) -> None:
    with pytest.raises(InvalidClientCertificate, match=r"not a DER-encoded X\.509"):
        forwarded_certificate([client_cert_header_value(der)])


def test_a_truncated_certificate_is_refused() -> None:
    der = make_certificate().der
    with pytest.raises(InvalidClientCertificate):
        forwarded_certificate([client_cert_header_value(der[:-1])])


_NAMES = [
    x509.DNSName("API.Polisen.se"),
    x509.UniformResourceIdentifier("https://polisen.se/samverkan"),
    x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
    x509.RFC822Name("Samverkan@Polisen.SE"),
]


@pytest.mark.parametrize(
    ("registered", "carried"),
    [
        pytest.param("dns:api.polisen.se", True, id="dns, case ignored"),
        pytest.param("DNS:API.POLISEN.SE", True, id="kind and name in capitals"),
        pytest.param("dns:polisen.se", False, id="another dns name"),
        pytest.param("uri:https://polisen.se/samverkan", True, id="uri"),
        pytest.param("uri:https://POLISEN.se/samverkan", False, id="uri exactly"),
        pytest.param("ip:2001:0db8:0:0::1", True, id="ip in another spelling"),
        pytest.param("ip:192.0.2.1", False, id="another ip"),
        pytest.param("email:Samverkan@polisen.se", True, id="email, domain case"),
        pytest.param("email:samverkan@polisen.se", False, id="email local part"),
    ],
)
def test_a_registered_alternative_name_is_found_by_kind_and_value(
    registered: str, carried: bool
) -> None:
    """RFC 8705 §2.1.2: the certificate must carry an entry of that kind with that
    value; DNS names and e-mail domains are case-insensitive (RFC 5280 §7.5)."""
    certificate = make_certificate(alternative_names=_NAMES)
    read = forwarded_certificate([certificate.header["Client-Cert"]])
    assert read is not None
    assert read.has_alternative_name(normalized_san(registered)) is carried


def test_a_certificate_without_alternative_names_carries_none() -> None:
    read = ClientCertificate.from_der(make_certificate().der)
    assert read.alternative_names == frozenset()
    assert not read.has_alternative_name("dns:polisen.se")


@pytest.mark.parametrize(
    "wrong", ["api.polisen.se", "dns:", "dn:api.polisen.se", "ip:999.0.0.1", ":x"]
)
def test_a_registered_alternative_name_needs_a_kind_and_a_value(wrong: str) -> None:
    with pytest.raises(InvalidClientCertificate, match=re.escape(repr(wrong))):
        normalized_san(wrong)
