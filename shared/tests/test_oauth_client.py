"""A client's PKCE challenge and private_key_jwt assertion, checked against the RFCs'
own example and by verifying the assertion with the public key."""

import time

import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from samverkan_shared.oauth_client import (
    ASSERTION_LIFETIME,
    client_assertion,
    pkce_challenge,
)


def test_the_challenge_of_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize(
    ("key", "algorithm"),
    [
        (JsonWebKey.generate_key("EC", "P-256", is_private=True), "ES256"),
        (JsonWebKey.generate_key("OKP", "Ed25519", is_private=True), "EdDSA"),
        (JsonWebKey.generate_key("RSA", 2048, is_private=True), "PS256"),
    ],
    ids=["EC", "OKP", "RSA"],
)
def test_an_assertion_is_the_client_s_own_for_one_use(
    key: object, algorithm: str
) -> None:
    """RFC 7523 §3: iss and sub the client, aud the issuer, short-lived, a fresh jti;
    signed with the FAPI 2.0 algorithm of the key's type."""
    first = client_assertion(key, "demo-arende", "https://sharing.example")
    second = client_assertion(key, "demo-arende", "https://sharing.example")

    public = JsonWebKey.import_key(key.as_dict(is_private=False))  # type: ignore[attr-defined]
    claims = JsonWebToken([algorithm]).decode(first, public)
    now = int(time.time())
    assert (claims["iss"], claims["sub"], claims["aud"]) == (
        "demo-arende",
        "demo-arende",
        "https://sharing.example",
    )
    assert claims.header["alg"] == algorithm
    assert now - 5 <= claims["iat"] <= now
    assert claims["exp"] - claims["iat"] == ASSERTION_LIFETIME
    assert claims["jti"] != JsonWebToken([algorithm]).decode(second, public)["jti"]
