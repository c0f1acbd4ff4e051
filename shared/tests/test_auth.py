"""Token validation fails closed: a token the issuer's keys cannot vouch for is a 401."""

import base64
import json
import time
from collections.abc import Mapping
from typing import Any

import pytest
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.rfc7517 import Key

from samverkan_shared.auth import TokenValidator
from samverkan_shared.problems import Unauthenticated

ISSUER = "http://issuer.test"
KID = "the-real-kid"


def _key(kty: str) -> Key:
    if kty == "EC":
        return JsonWebKey.generate_key("EC", "P-256", is_private=True)
    if kty == "RSA":
        return JsonWebKey.generate_key("RSA", 2048, is_private=True)
    return JsonWebKey.generate_key("OKP", "Ed25519", is_private=True)


# One key of each kind the issuer might publish, generated once (RSA is slow).
KEYS = {kty: _key(kty) for kty in ("EC", "RSA", "OKP")}
ALGORITHM_OF = {"EC": "ES256", "RSA": "RS256", "OKP": "EdDSA"}


def _jwks(key: Key, **extra: str) -> Mapping[str, Any]:
    return {"keys": [{**key.as_dict(is_private=False), "kid": KID, **extra}]}


def _validator(jwks: Mapping[str, Any]) -> TokenValidator:
    return TokenValidator(issuer=ISSUER, audience="tips", keys=lambda: jwks)


def _claims() -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "sub": "c",
        "client_id": "c",
        "aud": ["tips"],
        "scope": "tips:read",
        "iat": now,
        "exp": now + 300,
        "jti": "j",
    }


def _signed(algorithm: str, key: Key, **header: Any) -> str:
    """A token signed with `key`, its header naming the issuer's real kid."""
    head = {"alg": algorithm, "kid": KID, "typ": "at+jwt", **header}
    token: bytes = JsonWebToken([algorithm]).encode(head, _claims(), key)
    return token.decode()


def _b64(data: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _assert_refused(validator: TokenValidator, token: str, reason: str) -> None:
    with pytest.raises(Unauthenticated) as caught:
        validator.validate(token)
    assert reason in caught.value.detail
    challenge = caught.value.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer error="invalid_token", error_description="')
    assert challenge.count('"') == 4


# (the issuer's key type, the algorithm a forged token names, a key that can do it)
MISMATCHES = [
    (issuer_kty, algorithm, forger_kty)
    for issuer_kty in ("EC", "RSA", "OKP")
    for algorithm, forger_kty in (
        ("ES256", "EC"),
        ("RS256", "RSA"),
        ("PS256", "RSA"),
        ("EdDSA", "OKP"),
    )
    if forger_kty != issuer_kty
]


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested past the parser"),
        pytest.param(b"[1, 2]", id="not an object"),
        pytest.param(b"\xff\xfe", id="not UTF-8"),
    ],
)
def test_a_header_that_is_no_json_object_is_401(header: bytes) -> None:
    """A 401 like any bad token, never a 500 from the JSON parser."""
    encoded = base64.urlsafe_b64encode(header).rstrip(b"=").decode()
    _assert_refused(_validator(_jwks(KEYS["EC"])), f"{encoded}.e30.sig", "not a JWT")


class TestAlgorithmAndKey:
    @pytest.mark.parametrize(
        ("issuer_kty", "algorithm", "forger_kty"),
        MISMATCHES,
        ids=[f"{kty} key, {alg} token" for kty, alg, _ in MISMATCHES],
    )
    def test_an_algorithm_the_named_key_cannot_do_is_401(
        self, issuer_kty: str, algorithm: str, forger_kty: str
    ) -> None:
        """RFC 8725 §3.1: the key decides the algorithm, not the token's header."""
        validator = _validator(_jwks(KEYS[issuer_kty]))
        token = _signed(algorithm, KEYS[forger_kty])
        _assert_refused(validator, token, f"algorithm {algorithm} does not fit")

    @pytest.mark.parametrize("algorithm", ["PS256", "RS256", "EdDSA"])
    def test_a_bare_header_with_a_foreign_algorithm_is_401(
        self, algorithm: str
    ) -> None:
        """The signature is the issuer's own; only the header's alg was changed."""
        validator = _validator(_jwks(KEYS["EC"]))
        _, payload, signature = _signed("ES256", KEYS["EC"]).split(".")
        header = _b64({"alg": algorithm, "kid": KID, "typ": "at+jwt"})
        token = f"{header}.{payload}.{signature}"
        _assert_refused(validator, token, f"algorithm {algorithm} does not fit")

    @pytest.mark.parametrize("algorithm", ["HS256", "none", "ES384", 7, None])
    def test_an_algorithm_not_accepted_is_401_without_echoing_it(
        self, algorithm: object
    ) -> None:
        validator = _validator(_jwks(KEYS["EC"]))
        _, payload, signature = _signed("ES256", KEYS["EC"]).split(".")
        header = _b64({"alg": algorithm, "kid": KID, "typ": "at+jwt"})
        _assert_refused(
            validator,
            f"{header}.{payload}.{signature}",
            "algorithm is not one of ES256, EdDSA, RS256, PS256",
        )

    def test_a_quote_in_the_header_cannot_break_the_challenge(self) -> None:
        validator = _validator(_jwks(KEYS["EC"]))
        _, payload, signature = _signed("ES256", KEYS["EC"]).split(".")
        header = _b64({"alg": 'ES256", error="x', "kid": KID})
        _assert_refused(validator, f"{header}.{payload}.{signature}", "algorithm")

    def test_the_keys_declared_algorithm_is_binding(self) -> None:
        """RFC 7517 §4.4: a key published for RS256 does not verify PS256 tokens."""
        validator = _validator(_jwks(KEYS["RSA"], alg="RS256"))
        token = _signed("PS256", KEYS["RSA"])
        _assert_refused(validator, token, "algorithm PS256 does not fit")

    def test_an_encryption_key_verifies_nothing(self) -> None:
        validator = _validator(_jwks(KEYS["EC"], use="enc"))
        _assert_refused(validator, _signed("ES256", KEYS["EC"]), "does not fit")

    @pytest.mark.parametrize("kty", ["EC", "RSA", "OKP"])
    def test_each_key_type_verifies_its_own_algorithm(self, kty: str) -> None:
        validator = _validator(_jwks(KEYS[kty]))
        assert validator.validate(_signed(ALGORITHM_OF[kty], KEYS[kty])).client_id

    def test_rsa_keys_verify_both_rsa_algorithms(self) -> None:
        validator = _validator(_jwks(KEYS["RSA"]))
        assert validator.validate(_signed("PS256", KEYS["RSA"])).client_id

    def test_a_right_algorithm_with_a_forged_signature_is_401(self) -> None:
        validator = _validator(_jwks(KEYS["EC"]))
        forged = _signed("ES256", _key("EC"))
        _assert_refused(validator, forged, "signature or format is invalid")
