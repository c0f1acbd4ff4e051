"""DPoP proofs (RFC 9449 §4.3): every check refuses on its own, thumbprints (RFC 7638)."""

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from authlib.jose import JsonWebKey, JsonWebSignature
from hypothesis import given
from hypothesis import strategies as st

from samverkan_shared.dpop import (
    PROOF_MAX_AGE_SECONDS,
    InvalidProof,
    NonceNeeded,
    ProofSigner,
    access_token_hash,
    check_proof,
    jwk_thumbprint,
    normalized_uri,
)

URI = "https://tips.example/v1/tips"
TOKEN = "header.payload.signature"
NOW = 1_800_000_000.0
KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)
OTHER_KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)


def _public(key: Any) -> dict[str, Any]:
    return dict(key.as_dict(is_private=False))


def _claims(**changes: Any) -> dict[str, Any]:
    claims = {
        "jti": "proof-1",
        "htm": "GET",
        "htu": URI,
        "iat": int(NOW),
        "ath": access_token_hash(TOKEN),
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _proof(
    claims: Mapping[str, Any] | None = None,
    *,
    header: Mapping[str, Any] | None = None,
    key: Any = KEY,
) -> str:
    protected = {"typ": "dpop+jwt", "alg": "ES256", "jwk": _public(KEY)}
    protected.update(header or {})
    protected = {name: value for name, value in protected.items() if value is not None}
    payload = json.dumps(_claims() if claims is None else claims).encode()
    algorithm = str(protected.get("alg", "ES256"))
    signer = JsonWebSignature([algorithm if algorithm != "none" else "ES256"])
    signed: bytes = signer.serialize_compact(
        {**protected, "alg": protected.get("alg", "ES256")}, payload, key
    )
    return signed.decode()


def _check(proof: str, **kwargs: Any) -> Any:
    arguments: dict[str, Any] = {
        "method": "GET",
        "uri": URI,
        "now": NOW,
        "access_token": TOKEN,
    }
    arguments.update(kwargs)
    return check_proof(proof, **arguments)


def test_a_proper_proof_gives_its_key_s_thumbprint_and_jti() -> None:
    proof = _check(_proof())
    assert proof.jkt == jwk_thumbprint(_public(KEY))
    assert proof.jti == "proof-1"
    assert proof.remember_until == int(NOW) + PROOF_MAX_AGE_SECONDS


def _hs256_proof() -> str:
    secret = JsonWebKey.import_key("secret-bytes-of-32-characters!!!", {"kty": "oct"})
    header = {"typ": "dpop+jwt", "alg": "HS256", "jwk": _public(KEY)}
    signed: bytes = JsonWebSignature(["HS256"]).serialize_compact(
        header, json.dumps(_claims()).encode(), secret
    )
    return signed.decode()


def _unsigned_proof() -> str:
    import base64

    def part(value: Mapping[str, Any]) -> str:
        return (
            base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
        )

    header = {"typ": "dpop+jwt", "alg": "none", "jwk": _public(KEY)}
    return f"{part(header)}.{part(_claims())}."


def _ed25519_key_for_es256() -> str:
    ed = JsonWebKey.generate_key("OKP", "Ed25519", is_private=True)
    return _proof(header={"jwk": _public(ed)})


# (what is wrong, the proof, extra arguments to the check, words of the refusal)
REFUSALS: list[tuple[str, Callable[[], str], dict[str, Any], str]] = [
    ("not a JWT", lambda: "not-a-jwt", {}, "not a compact JWS"),
    ("garbage parts", lambda: "a.b.c", {}, "not a JWT"),
    ("typ JWT", lambda: _proof(header={"typ": "JWT"}), {}, "typ must be dpop+jwt"),
    ("no typ", lambda: _proof(header={"typ": None}), {}, "typ must be dpop+jwt"),
    ("alg none", _unsigned_proof, {}, "alg must be one of"),
    ("alg HS256", _hs256_proof, {}, "alg must be one of"),
    ("no jwk", lambda: _proof(header={"jwk": None}), {}, "public key as jwk"),
    (
        "a private jwk",
        lambda: _proof(header={"jwk": dict(KEY.as_dict(is_private=True))}),
        {},
        "not a private one",
    ),
    ("jwk of another type", _ed25519_key_for_es256, {}, "not a key for ES256"),
    ("signed by another key", lambda: _proof(key=OTHER_KEY), {}, "does not verify"),
    ("another method", lambda: _proof(_claims(htm="POST")), {}, "htm is not GET"),
    (
        "another path",
        lambda: _proof(_claims(htu="https://tips.example/v1/other")),
        {},
        "htu is not",
    ),
    (
        "another host",
        lambda: _proof(_claims(htu="https://evil.example/v1/tips")),
        {},
        "htu is not",
    ),
    (
        "another scheme",
        lambda: _proof(_claims(htu="http://tips.example/v1/tips")),
        {},
        "htu is not",
    ),
    ("no htu", lambda: _proof(_claims(htu=None)), {}, "htu is not"),
    ("no jti", lambda: _proof(_claims(jti=None)), {}, "needs a jti"),
    ("no iat", lambda: _proof(_claims(iat=None)), {}, "needs an iat"),
    (
        "too old",
        lambda: _proof(_claims(iat=int(NOW) - PROOF_MAX_AGE_SECONDS - 1)),
        {},
        "more than 60 seconds ago",
    ),
    ("from the future", lambda: _proof(_claims(iat=int(NOW) + 60)), {}, "future"),
    ("no ath", lambda: _proof(_claims(ath=None)), {}, "ath is not the hash"),
    (
        "ath of another token",
        lambda: _proof(_claims(ath=access_token_hash("another.token.value"))),
        {},
        "ath is not the hash",
    ),
]


@pytest.mark.parametrize(
    ("make", "arguments", "reason"),
    [
        pytest.param(make, args, reason, id=name)
        for name, make, args, reason in REFUSALS
    ],
)
def test_each_check_refuses_on_its_own(
    make: Callable[[], str], arguments: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidProof) as refused:
        _check(make(), **arguments)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("nonce", "valid"),
    [
        pytest.param(None, lambda nonce: True, id="no nonce"),
        pytest.param("stale", lambda nonce: nonce == "fresh", id="not the server's"),
    ],
)
def test_where_the_server_gives_nonces_a_proof_needs_a_current_one(
    nonce: str | None, valid: Callable[[str], bool]
) -> None:
    with pytest.raises(NonceNeeded):
        _check(_proof(_claims(nonce=nonce)), nonce_valid=valid)
    accepted = _check(
        _proof(_claims(nonce="fresh")), nonce_valid=lambda given: given == "fresh"
    )
    assert accepted.nonce == "fresh"


def test_the_query_and_fragment_and_default_port_are_ignored() -> None:
    proof = _proof(_claims(htu="HTTPS://Tips.Example:443/v1/tips"))
    assert _check(proof, uri="https://tips.example/v1/tips?cursor=x#f").jti == "proof-1"


def test_the_token_endpoint_takes_a_proof_without_ath() -> None:
    proof = _proof(_claims(ath=None, htm="POST"))
    assert _check(proof, method="POST", access_token=None).jti == "proof-1"


def test_the_rfc_7638_example_thumbprint() -> None:
    # RFC 7638 §3.1.
    key = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aP"
        "FFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt"
        "7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQ"
        "vRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
        "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            JsonWebKey.generate_key("EC", "P-256", is_private=True), id="ES256"
        ),
        pytest.param(
            JsonWebKey.generate_key("OKP", "Ed25519", is_private=True), id="EdDSA"
        ),
        pytest.param(JsonWebKey.generate_key("RSA", 2048, is_private=True), id="PS256"),
    ],
)
def test_a_signer_s_proofs_pass_for_every_allowed_algorithm(key: Any) -> None:
    algorithm = {"EC": "ES256", "OKP": "EdDSA", "RSA": "PS256"}[key.kty]
    signer = ProofSigner(key, algorithm)
    proof = signer.proof("post", "https://sharing.example/oauth/token", now=NOW)
    checked = check_proof(
        proof, method="POST", uri="https://sharing.example/oauth/token", now=NOW
    )
    assert checked.jkt == signer.jkt


def test_a_short_rsa_key_is_refused() -> None:
    signer = ProofSigner(JsonWebKey.generate_key("RSA", 1024, is_private=True), "PS256")
    with pytest.raises(InvalidProof, match="shorter than 2048 bits"):
        check_proof(signer.proof("GET", URI, now=NOW), method="GET", uri=URI, now=NOW)


SIGNER = ProofSigner.generate()
_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_~", min_size=1)


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    other=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.lists(_segment, max_size=4),
    query=st.text(alphabet="abc=&", max_size=8),
)
def test_a_proof_holds_for_its_request_only(
    method: str, other: str, path: list[str], query: str
) -> None:
    uri = "https://tips.example/" + "/".join(path)
    proof = SIGNER.proof(method, f"{uri}?{query}", access_token=TOKEN)
    now = time.time()
    assert check_proof(
        proof, method=method, uri=f"{uri}?x", now=now, access_token=TOKEN
    ).jkt == (SIGNER.jkt)
    assert normalized_uri(normalized_uri(uri)) == normalized_uri(uri)
    if other != method:
        with pytest.raises(InvalidProof, match="htm"):
            check_proof(proof, method=other, uri=uri, now=now, access_token=TOKEN)


@pytest.mark.parametrize(
    ("htu", "uri", "behind_proxy", "accepted"),
    [
        pytest.param(URI, "http://tips.example/v1/tips", True, True, id="TLS ended"),
        pytest.param(URI, "http://tips.example/v1/tips", False, False, id="no proxy"),
        pytest.param(
            "https://evil.example/v1/tips",
            "http://tips.example/v1/tips",
            True,
            False,
            id="another host",
        ),
        pytest.param(
            "http://tips.example/v1/tips", URI, True, False, id="http for https"
        ),
        pytest.param(
            "https://tips.example:8443/v1/tips",
            "http://tips.example/v1/tips",
            True,
            False,
            id="another port",
        ),
    ],
)
def test_behind_a_tls_proxy_the_client_s_https_url_is_the_same_resource(
    htu: str, uri: str, behind_proxy: bool, accepted: bool
) -> None:
    proof = _proof(_claims(htu=htu))
    if accepted:
        assert _check(proof, uri=uri, behind_tls_proxy=behind_proxy).jti == "proof-1"
    else:
        with pytest.raises(InvalidProof, match="htu"):
            _check(proof, uri=uri, behind_tls_proxy=behind_proxy)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("[" * 100_000, id="deeply nested JSON"),
        pytest.param('{"typ": "dpop+jwt"', id="unfinished JSON"),
        pytest.param("\udcff", id="not UTF-8"),
    ],
)
def test_a_header_no_json_parser_takes_is_a_refusal_not_a_crash(header: str) -> None:
    import base64

    part = base64.urlsafe_b64encode(header.encode("utf-8", "surrogateescape"))
    with pytest.raises(InvalidProof, match="not a JWT"):
        _check(f"{part.decode().rstrip('=')}.e30.sig")
