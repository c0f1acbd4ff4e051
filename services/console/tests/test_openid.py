"""The console as a relying party: every check of the provider's answer and ID token
(OpenID Connect Core 1.0 §3.1.3.7, RFC 9207, RFC 7636), against a provider that
answers as told."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.jose import JsonWebKey, jwt

from samverkan_console.sessions.store import PendingSignIn, Tokens
from samverkan_console.signin.service import (
    Client,
    OpenIdProvider,
    ProviderUnreachable,
    SignInFailed,
    challenge,
)

ISSUER = "https://idp.example"
CLIENT = Client("console", "s3cret", "https://console.example/auth/callback", "openid")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)
OTHER_KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)


def _pending() -> PendingSignIn:
    return PendingSignIn(
        state="st4te",
        nonce="n0nce",
        verifier="v" * 50,
        next_page="/",
        expires=NOW + timedelta(minutes=10),
    )


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "person-1",
        "aud": CLIENT.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": "n0nce",
        "name": "Anna Andersson",
        "preferred_username": "anna",
        "org_number": "212000-1124",
        "roles": ["assessor"],
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], key: Any = KEY, alg: str = "ES256") -> str:
    token: bytes = jwt.encode({"alg": alg, "kid": "k1"}, claims, key)
    return token.decode()


@dataclass
class FakeProvider:
    """Discovery, keys and a token endpoint; records what it was sent."""

    id_token: str = ""
    token_status: int = 200
    token_body: dict[str, Any] = field(default_factory=dict)
    metadata_issuer: str = ISSUER
    sent: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self._metadata())
        if path == "/jwks":
            public = {**KEY.as_dict(is_private=False), "kid": "k1"}
            return httpx.Response(200, json={"keys": [public]})
        if path == "/token":
            body = self.token_body or {
                "access_token": "at",
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": "openid disclosures:assess",
                "refresh_token": "rt",
                "id_token": self.id_token,
            }
            return httpx.Response(self.token_status, json=body)
        if path == "/revoke":
            return httpx.Response(200)
        return httpx.Response(404)

    def _metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.metadata_issuer,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
            "revocation_endpoint": f"{ISSUER}/revoke",
            "authorization_response_iss_parameter_supported": True,
        }


def _provider(fake: FakeProvider) -> OpenIdProvider:
    return OpenIdProvider(
        ISSUER, CLIENT, httpx.Client(transport=httpx.MockTransport(fake.handler))
    )


def _answer(**changes: str | None) -> dict[str, str]:
    answer = {"code": "c0de", "state": "st4te", "iss": ISSUER}
    answer.update({k: v for k, v in changes.items() if v is not None})
    return {k: v for k, v in answer.items() if changes.get(k, "") is not None}


def test_a_good_answer_signs_the_person_in_with_pkce_and_the_secret() -> None:
    fake = FakeProvider(id_token=_sign(_claims()))
    person, tokens = _provider(fake).redeem(_pending(), _answer(), NOW)

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
    url = _provider(FakeProvider()).authorization_url(_pending())
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge"] == [challenge("v" * 50)]
    assert query["code_challenge_method"] == ["S256"]
    assert (query["state"], query["nonce"]) == (["st4te"], ["n0nce"])


# Core 1.0 §3.1.3.7 and RFC 9207: each broken part alone refuses the sign-in.
REFUSED: list[tuple[str, Callable[[], str], dict[str, str | None]]] = [
    ("another nonce (replayed token)", lambda: _sign(_claims(nonce="x")), {}),
    ("no nonce", lambda: _sign(_claims(nonce=None)), {}),
    ("another audience", lambda: _sign(_claims(aud="someone-else")), {}),
    ("another issuer", lambda: _sign(_claims(iss="https://evil.example")), {}),
    ("expired", lambda: _sign(_claims(exp=int(time.time()) - 3600)), {}),
    ("signed by another key", lambda: _sign(_claims(), OTHER_KEY), {}),
    ("alg none", lambda: _unsigned(_claims()), {}),
    ("HMAC with the public key", lambda: _hmac(_claims()), {}),
    ("several audiences, no azp", lambda: _sign(_claims(aud=["console", "x"])), {}),
    ("state differs (CSRF)", lambda: _sign(_claims()), {"state": "other"}),
    ("iss differs (mix-up)", lambda: _sign(_claims()), {"iss": "https://evil"}),
    ("iss missing though required", lambda: _sign(_claims()), {"iss": None}),
    ("an error answer", lambda: _sign(_claims()), {"error": "access_denied"}),
]


@pytest.mark.parametrize(
    ("case", "token", "answer"), REFUSED, ids=[case for case, _, _ in REFUSED]
)
def test_a_broken_answer_or_id_token_is_refused(
    case: str, token: Callable[[], str], answer: dict[str, str | None]
) -> None:
    fake = FakeProvider(id_token=token())
    with pytest.raises(SignInFailed):
        _provider(fake).redeem(_pending(), _answer(**answer), NOW)


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
        _provider(fake).redeem(_pending(), _answer(), NOW)


def test_a_provider_naming_another_issuer_is_not_trusted() -> None:
    fake = FakeProvider(metadata_issuer="https://evil.example")
    with pytest.raises(ProviderUnreachable):
        _provider(fake).authorization_url(_pending())


def test_refresh_rotates_and_keeps_what_the_answer_leaves_out() -> None:
    fake = FakeProvider(
        token_body={"access_token": "at2", "token_type": "Bearer", "expires_in": 60}
    )
    old = Tokens("at", NOW, frozenset({"openid"}), refresh_token="rt", id_token="i")
    fresh = _provider(fake).refresh(old, NOW)

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
    assert _provider(refused).refresh(old, NOW) is None
    assert (
        _provider(FakeProvider()).refresh(Tokens("at", NOW, frozenset()), NOW) is None
    )


def test_sign_out_revokes_the_refresh_and_the_access_token() -> None:
    fake = FakeProvider()
    _provider(fake).revoke(Tokens("at", NOW, frozenset(), refresh_token="rt"))
    revoked = [
        parse_qs(r.content.decode()) for r in fake.sent if r.url.path == "/revoke"
    ]
    assert [(f["token"], f["token_type_hint"]) for f in revoked] == [
        (["rt"], ["refresh_token"]),
        (["at"], ["access_token"]),
    ]


# private_key_jwt (RFC 7523 §2.2): the console proves itself with a signed assertion.
KEYED = Client(CLIENT.client_id, None, CLIENT.redirect_uri, "openid", key=OTHER_KEY)


def _keyed(fake: FakeProvider) -> OpenIdProvider:
    http = httpx.Client(transport=httpx.MockTransport(fake.handler))
    return OpenIdProvider(ISSUER, KEYED, http)


def _assertion_claims(request: httpx.Request) -> dict[str, Any]:
    form = parse_qs(request.content.decode())
    assert form["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ]
    assert form["client_id"] == [CLIENT.client_id]
    assert "authorization" not in request.headers  # no secret, no Basic
    public = JsonWebKey.import_key(OTHER_KEY.as_dict(is_private=False))
    claims = jwt.decode(form["client_assertion"][0], public)
    claims.validate()
    return dict(claims)


def test_a_keyed_console_redeems_the_code_with_a_signed_assertion() -> None:
    fake = FakeProvider(id_token=_sign(_claims()))
    _keyed(fake).redeem(_pending(), _answer(), NOW)

    [exchange] = [r for r in fake.sent if r.url.path == "/token"]
    claims = _assertion_claims(exchange)
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
    ids = {_assertion_claims(request)["jti"] for request in revoked}
    assert len(revoked) == len(ids) == 2
