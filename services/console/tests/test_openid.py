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

from samverkan_console.dpop import ConsoleKey, PersonToken
from samverkan_console.sessions.store import PendingSignIn, Tokens
from samverkan_console.signin.service import (
    Client,
    DPoPUnsupported,
    OpenIdProvider,
    ProviderUnreachable,
    SignInFailed,
    challenge,
)
from samverkan_shared.dpop import check_proof

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
    dpop_algs: list[str] | None = field(default_factory=lambda: ["ES256", "EdDSA"])
    # A token endpoint that wants DPoP proofs with this nonce (RFC 9449 §8).
    dpop_nonce: str | None = None
    # A pushed authorization request endpoint (RFC 9126), answering this status.
    par_status: int | None = None
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
            if self.dpop_nonce is not None and "dpop" in request.headers:
                nonce = {"DPoP-Nonce": self.dpop_nonce}
                claims = _proof_claims(request.headers["dpop"])
                if claims.get("nonce") != self.dpop_nonce:
                    error = {"error": "use_dpop_nonce"}
                    return httpx.Response(400, json=error, headers=nonce)
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
        if path == "/par" and self.par_status is not None:
            if self.par_status != 201:
                error = {"error": "invalid_request", "error_description": "no"}
                return httpx.Response(self.par_status, json=error)
            reference = {"request_uri": PUSHED, "expires_in": 90}
            return httpx.Response(201, json=reference)
        return httpx.Response(404)

    def _metadata(self) -> dict[str, Any]:
        return (
            {
                "issuer": self.metadata_issuer,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
                "revocation_endpoint": f"{ISSUER}/revoke",
                "authorization_response_iss_parameter_supported": True,
            }
            | (
                {}
                if self.par_status is None
                else {"pushed_authorization_request_endpoint": f"{ISSUER}/par"}
            )
            | (
                {}
                if self.dpop_algs is None
                else {"dpop_signing_alg_values_supported": self.dpop_algs}
            )
        )


PUSHED = "urn:ietf:params:oauth:request_uri:r3f"


def _proof_claims(proof: str) -> dict[str, Any]:
    """A proof's claims, not yet checked (the fake only reads its nonce)."""
    import base64

    payload = proof.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


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


# DPoP (RFC 9449): with the console's key every token request carries a proof, and
# only a token bound to that key (token_type DPoP) signs anyone in.
DPOP_BODY = {
    "access_token": "at",
    "token_type": "DPoP",
    "expires_in": 300,
    "scope": "openid",
    "refresh_token": "rt",
}


def _binding(fake: FakeProvider, client: Client = CLIENT) -> OpenIdProvider:
    http = httpx.Client(transport=httpx.MockTransport(fake.handler))
    return OpenIdProvider(ISSUER, client, http, ConsoleKey())


def _token_requests(fake: FakeProvider) -> list[httpx.Request]:
    return [r for r in fake.sent if r.url.path == "/token"]


def test_the_code_is_redeemed_with_a_proof_of_the_console_s_key() -> None:
    fake = FakeProvider(token_body={**DPOP_BODY, "id_token": _sign(_claims())})
    provider = _binding(fake)
    provider.redeem(_pending(), _answer(), NOW)

    [exchange] = _token_requests(fake)
    proof = check_proof(
        exchange.headers["dpop"], method="POST", uri=f"{ISSUER}/token", now=time.time()
    )
    assert provider.dpop is not None
    assert proof.jkt == provider.dpop.jkt
    assert "ath" not in _proof_claims(exchange.headers["dpop"])


def test_the_token_endpoint_s_nonce_is_sent_once_asked_for_then_kept() -> None:
    fake = FakeProvider(
        token_body={**DPOP_BODY, "id_token": _sign(_claims())}, dpop_nonce="n-1"
    )
    provider = _binding(fake, KEYED)
    provider.redeem(_pending(), _answer(), NOW)

    first, retry = _token_requests(fake)
    assert "nonce" not in _proof_claims(first.headers["dpop"])
    assert _proof_claims(retry.headers["dpop"])["nonce"] == "n-1"
    # A fresh proof and a fresh assertion (each is used once).
    assert first.headers["dpop"] != retry.headers["dpop"]
    assert _assertion_claims(first)["jti"] != _assertion_claims(retry)["jti"]

    # The next request carries the kept nonce at once.
    refreshed = provider.refresh(Tokens("at", NOW, frozenset(), "rt"), NOW)
    assert refreshed is not None
    assert len(_token_requests(fake)) == 3
    assert _proof_claims(_token_requests(fake)[-1].headers["dpop"])["nonce"] == "n-1"


def test_a_nonce_asked_for_twice_is_a_failed_sign_in_not_a_loop() -> None:
    fake = FakeProvider()
    # A token endpoint that wants another nonce than any it gave.
    http = httpx.Client(transport=httpx.MockTransport(_always_another_nonce(fake)))
    provider = OpenIdProvider(ISSUER, CLIENT, http, ConsoleKey())
    with pytest.raises(SignInFailed, match="use_dpop_nonce"):
        provider.redeem(_pending(), _answer(), NOW)
    assert len(_token_requests(fake)) == 2


def _always_another_nonce(
    fake: FakeProvider,
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/token":
            return FakeProvider.handler(fake, request)
        fake.sent.append(request)
        nonce = {"DPoP-Nonce": f"n-{len(fake.sent)}"}
        return httpx.Response(400, json={"error": "use_dpop_nonce"}, headers=nonce)

    return handler


def test_a_bearer_answer_to_a_proofed_code_exchange_fails_the_sign_in() -> None:
    fake = FakeProvider(id_token=_sign(_claims()))  # answers token_type Bearer
    with pytest.raises(SignInFailed, match=r"obunden token \(Bearer\)"):
        _binding(fake).redeem(_pending(), _answer(), NOW)


def test_a_bearer_answer_to_a_proofed_refresh_means_signing_in_again() -> None:
    fake = FakeProvider(token_body={**DPOP_BODY, "token_type": "Bearer"})
    assert _binding(fake).refresh(Tokens("at", NOW, frozenset(), "rt"), NOW) is None
    assert "dpop" in _token_requests(fake)[0].headers


def test_without_dpop_no_proof_is_sent_and_a_bound_token_is_refused() -> None:
    fake = FakeProvider(token_body={**DPOP_BODY, "id_token": _sign(_claims())})
    with pytest.raises(SignInFailed, match="okänd sorts token"):
        _provider(fake).redeem(_pending(), _answer(), NOW)
    assert "dpop" not in _token_requests(fake)[0].headers


def test_the_authorization_request_names_the_key_its_code_is_for() -> None:
    provider = _binding(FakeProvider())
    query = parse_qs(urlsplit(provider.authorization_url(_pending())).query)
    assert provider.dpop is not None
    assert query["dpop_jkt"] == [provider.dpop.jkt]
    unbound = _provider(FakeProvider()).authorization_url(_pending())
    assert "dpop_jkt" not in parse_qs(urlsplit(unbound).query)


def test_a_provider_that_takes_pushed_requests_gets_the_request_from_the_console() -> (
    None
):
    """RFC 9126: the request, authenticated and with a proof of the console's key,
    goes to the provider; the browser carries only client_id and the reference."""
    fake = FakeProvider(par_status=201)
    url = _binding(fake).authorization_url(_pending())
    assert url.startswith(f"{ISSUER}/authorize?")
    assert parse_qs(urlsplit(url).query) == {
        "client_id": [CLIENT.client_id],
        "request_uri": [PUSHED],
    }
    [pushed] = [r for r in fake.sent if r.url.path == "/par"]
    form = parse_qs(pushed.content.decode())
    assert form["code_challenge_method"] == ["S256"]
    assert form["state"] == ["st4te"]
    assert pushed.headers["authorization"].startswith("Basic ")
    check_proof(
        pushed.headers["dpop"], method="POST", uri=f"{ISSUER}/par", now=time.time()
    )


def test_a_refused_push_starts_no_sign_in() -> None:
    with pytest.raises(ProviderUnreachable, match="invalid_request"):
        _binding(FakeProvider(par_status=400)).authorization_url(_pending())


def test_a_provider_without_dpop_in_its_metadata_starts_no_sign_in() -> None:
    for algs in (None, ["PS256"]):
        fake = FakeProvider(dpop_algs=algs)
        with pytest.raises(DPoPUnsupported, match="CONSOLE_DPOP=off"):
            _binding(fake).authorization_url(_pending())
        # Turned off, the console signs in there with Bearer tokens.
        assert _provider(fake).authorization_url(_pending()).startswith(ISSUER)


def test_revocation_sends_no_proof_and_both_tokens() -> None:
    fake = FakeProvider()
    _binding(fake).revoke(Tokens("at", NOW, frozenset(), refresh_token="rt"))
    revoked = [r for r in fake.sent if r.url.path == "/revoke"]
    assert len(revoked) == 2
    assert all("dpop" not in r.headers for r in revoked)


def test_a_call_with_a_person_s_token_carries_a_proof_for_exactly_that_request() -> (
    None
):
    key = ConsoleKey()
    seen: list[httpx.Request] = []

    def service(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(service)) as http:
        url = "https://tips.example/v1/tips?supplier=559123-4561#x"
        http.get(url, auth=PersonToken("the-token", key))
        http.get(url, auth=PersonToken("the-token", key))
        http.get(url, auth=PersonToken("the-token", None))

    bound, again, bearer = seen
    assert bound.headers["authorization"] == "DPoP the-token"
    proof = check_proof(
        bound.headers["dpop"],
        method="GET",
        uri="https://tips.example/v1/tips",
        now=time.time(),
        access_token="the-token",
    )
    assert proof.jkt == key.jkt
    assert _proof_claims(bound.headers["dpop"])["htu"] == "https://tips.example/v1/tips"
    assert _proof_claims(again.headers["dpop"])["jti"] != proof.jti
    assert bearer.headers["authorization"] == "Bearer the-token"
    assert "dpop" not in bearer.headers
