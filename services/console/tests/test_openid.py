"""The console as a relying party: every check of the provider's answer and ID token
(OpenID Connect Core 1.0 §3.1.3.7, RFC 9207, RFC 7636), against a provider that
answers as told (tests/support/openid_provider.py); with DPoP: test_openid_dpop.py."""

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.jose import jwt

from samverkan_console.sessions.store import Tokens
from samverkan_console.signin.service import (
    OpenIdProvider,
    ProviderUnreachable,
    SignInFailed,
)
from samverkan_shared.oauth_client import pkce_challenge
from tests.support.openid_provider import (
    CLIENT,
    ISSUER,
    KEY,
    KEYED,
    NOW,
    OTHER_KEY,
    FakeProvider,
    assertion_claims,
    callback_answer,
    id_token_claims,
    pending_sign_in,
    provider_for,
    sign,
)


def test_a_good_answer_signs_the_person_in_with_pkce_and_the_secret() -> None:
    fake = FakeProvider(id_token=sign(id_token_claims()))
    person, tokens = provider_for(fake).redeem(
        pending_sign_in(), callback_answer(), NOW
    )

    assert (person.subject, person.name, person.roles) == (
        "person-1",
        "Anna Andersson",
        ("assessor",),
    )
    assert tokens.scopes == {"openid", "disclosures:assess"}
    assert tokens.expires_at == NOW + timedelta(seconds=300)
    exchange = fake.sent[-2] if fake.sent[-1].url.path == "/jwks" else fake.sent[-1]
    form = parse_qs(exchange.content.decode())
    assert form["code_verifier"] == ["v" * 50]
    assert form["redirect_uri"] == [CLIENT.redirect_uri]
    assert exchange.headers["authorization"].startswith("Basic ")


def test_the_authorization_url_asks_for_s256_state_and_nonce() -> None:
    url = provider_for(FakeProvider()).authorization_url(pending_sign_in())
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge"] == [pkce_challenge("v" * 50)]
    assert query["code_challenge_method"] == ["S256"]
    assert (query["state"], query["nonce"]) == (["st4te"], ["n0nce"])


# Core 1.0 §3.1.3.7 and RFC 9207: each broken part alone refuses the sign-in.
REFUSED: list[tuple[str, Callable[[], str], dict[str, str | None]]] = [
    ("another nonce (replayed token)", lambda: sign(id_token_claims(nonce="x")), {}),
    ("no nonce", lambda: sign(id_token_claims(nonce=None)), {}),
    ("another audience", lambda: sign(id_token_claims(aud="someone-else")), {}),
    ("another issuer", lambda: sign(id_token_claims(iss="https://evil.example")), {}),
    ("expired", lambda: sign(id_token_claims(exp=int(time.time()) - 3600)), {}),
    ("signed by another key", lambda: sign(id_token_claims(), OTHER_KEY), {}),
    ("alg none", lambda: _unsigned(id_token_claims()), {}),
    ("HMAC with the public key", lambda: _hmac(id_token_claims()), {}),
    (
        "several audiences, no azp",
        lambda: sign(id_token_claims(aud=["console", "x"])),
        {},
    ),
    ("state differs (CSRF)", lambda: sign(id_token_claims()), {"state": "other"}),
    ("iss differs (mix-up)", lambda: sign(id_token_claims()), {"iss": "https://evil"}),
    ("iss missing though required", lambda: sign(id_token_claims()), {"iss": None}),
    ("an error answer", lambda: sign(id_token_claims()), {"error": "access_denied"}),
]


@pytest.mark.parametrize(
    ("case", "token", "answer"), REFUSED, ids=[case for case, _, _ in REFUSED]
)
def test_a_broken_answer_or_id_token_is_refused(
    case: str, token: Callable[[], str], answer: dict[str, str | None]
) -> None:
    fake = FakeProvider(id_token=token())
    with pytest.raises(SignInFailed):
        provider_for(fake).redeem(pending_sign_in(), callback_answer(**answer), NOW)


def _unsigned(claims: dict[str, Any]) -> str:
    import base64

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}."


def _hmac(claims: dict[str, Any]) -> str:
    public = json.dumps(KEY.as_dict(is_private=False)).encode()
    token: bytes = jwt.encode({"alg": "HS256"}, claims, public)
    return token.decode()


def test_a_refused_code_is_a_failed_sign_in() -> None:
    fake = FakeProvider(token_status=400, token_body={"error": "invalid_grant"})
    with pytest.raises(SignInFailed, match="invalid_grant"):
        provider_for(fake).redeem(pending_sign_in(), callback_answer(), NOW)


def test_a_provider_naming_another_issuer_is_not_trusted() -> None:
    fake = FakeProvider(metadata_issuer="https://evil.example")
    with pytest.raises(ProviderUnreachable):
        provider_for(fake).authorization_url(pending_sign_in())


def test_refresh_rotates_and_keeps_what_the_answer_leaves_out() -> None:
    fake = FakeProvider(
        token_body={"access_token": "at2", "token_type": "Bearer", "expires_in": 60}
    )
    old = Tokens("at", NOW, frozenset({"openid"}), refresh_token="rt", id_token="i")
    fresh = provider_for(fake).refresh(old, NOW)

    assert fresh is not None
    assert (fresh.access_token, fresh.refresh_token, fresh.scopes) == (
        "at2",
        "rt",
        frozenset({"openid"}),
    )
    form = parse_qs(fake.sent[-1].content.decode())
    assert form == {"grant_type": ["refresh_token"], "refresh_token": ["rt"]}


def test_a_refused_refresh_or_none_to_use_means_signing_in_again() -> None:
    refused = FakeProvider(token_status=400, token_body={"error": "invalid_grant"})
    old = Tokens("at", NOW, frozenset(), refresh_token="rt")
    assert provider_for(refused).refresh(old, NOW) is None
    assert (
        provider_for(FakeProvider()).refresh(Tokens("at", NOW, frozenset()), NOW)
        is None
    )


def test_sign_out_revokes_the_refresh_and_the_access_token() -> None:
    fake = FakeProvider()
    provider_for(fake).revoke(Tokens("at", NOW, frozenset(), refresh_token="rt"))
    revoked = [
        parse_qs(r.content.decode()) for r in fake.sent if r.url.path == "/revoke"
    ]
    assert [(f["token"], f["token_type_hint"]) for f in revoked] == [
        (["rt"], ["refresh_token"]),
        (["at"], ["access_token"]),
    ]


# private_key_jwt (RFC 7523 §2.2): the console proves itself with a signed assertion.
def _keyed(fake: FakeProvider) -> OpenIdProvider:
    http = httpx.Client(transport=httpx.MockTransport(fake.handler))
    return OpenIdProvider(ISSUER, KEYED, http)


def test_a_keyed_console_redeems_the_code_with_a_signed_assertion() -> None:
    fake = FakeProvider(id_token=sign(id_token_claims()))
    _keyed(fake).redeem(pending_sign_in(), callback_answer(), NOW)

    [exchange] = [r for r in fake.sent if r.url.path == "/token"]
    claims = assertion_claims(exchange)
    assert (claims["iss"], claims["sub"], claims["aud"]) == (
        CLIENT.client_id,
        CLIENT.client_id,
        ISSUER,
    )
    assert 0 < claims["exp"] - claims["iat"] <= 60


def test_each_request_of_a_keyed_console_carries_a_new_assertion() -> None:
    fake = FakeProvider()
    _keyed(fake).revoke(Tokens("at", NOW, frozenset(), refresh_token="rt"))
    revoked = [r for r in fake.sent if r.url.path == "/revoke"]
    ids = {assertion_claims(request)["jti"] for request in revoked}
    assert len(revoked) == len(ids) == 2
