"""The console as a DPoP client (RFC 9449) of the provider: every token request carries
a proof of the console's key and only a bound token signs anyone in; pushed
authorization requests (RFC 9126); and proofs on its calls with a person's token."""

import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from samverkan_console.dpop import ConsoleKey, PersonToken
from samverkan_console.sessions.store import Tokens
from samverkan_console.signin.service import (
    Client,
    DPoPUnsupported,
    OpenIdProvider,
    ProviderUnreachable,
    SignInFailed,
)
from samverkan_shared.dpop import check_proof
from tests.support.openid_provider import (
    CLIENT,
    ISSUER,
    KEYED,
    NOW,
    PUSHED,
    FakeProvider,
    assertion_claims,
    callback_answer,
    id_token_claims,
    pending_sign_in,
    proof_claims,
    provider_for,
    sign,
)

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
    fake = FakeProvider(token_body={**DPOP_BODY, "id_token": sign(id_token_claims())})
    provider = _binding(fake)
    provider.redeem(pending_sign_in(), callback_answer(), NOW)

    [exchange] = _token_requests(fake)
    proof = check_proof(
        exchange.headers["dpop"], method="POST", uri=f"{ISSUER}/token", now=time.time()
    )
    assert provider.dpop is not None
    assert proof.jkt == provider.dpop.jkt
    assert "ath" not in proof_claims(exchange.headers["dpop"])


def test_the_token_endpoint_s_nonce_is_sent_once_asked_for_then_kept() -> None:
    fake = FakeProvider(
        token_body={**DPOP_BODY, "id_token": sign(id_token_claims())}, dpop_nonce="n-1"
    )
    provider = _binding(fake, KEYED)
    provider.redeem(pending_sign_in(), callback_answer(), NOW)

    first, retry = _token_requests(fake)
    assert "nonce" not in proof_claims(first.headers["dpop"])
    assert proof_claims(retry.headers["dpop"])["nonce"] == "n-1"
    # A fresh proof and a fresh assertion (each is used once).
    assert first.headers["dpop"] != retry.headers["dpop"]
    assert assertion_claims(first)["jti"] != assertion_claims(retry)["jti"]

    # The next request carries the kept nonce at once.
    refreshed = provider.refresh(Tokens("at", NOW, frozenset(), "rt"), NOW)
    assert refreshed is not None
    assert len(_token_requests(fake)) == 3
    assert proof_claims(_token_requests(fake)[-1].headers["dpop"])["nonce"] == "n-1"


def test_a_nonce_asked_for_twice_is_a_failed_sign_in_not_a_loop() -> None:
    fake = FakeProvider()
    # A token endpoint that wants another nonce than any it gave.
    http = httpx.Client(transport=httpx.MockTransport(_always_another_nonce(fake)))
    provider = OpenIdProvider(ISSUER, CLIENT, http, ConsoleKey())
    with pytest.raises(SignInFailed, match="use_dpop_nonce"):
        provider.redeem(pending_sign_in(), callback_answer(), NOW)
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
    fake = FakeProvider(id_token=sign(id_token_claims()))  # answers token_type Bearer
    with pytest.raises(SignInFailed, match=r"obunden token \(Bearer\)"):
        _binding(fake).redeem(pending_sign_in(), callback_answer(), NOW)


def test_a_bearer_answer_to_a_proofed_refresh_means_signing_in_again() -> None:
    fake = FakeProvider(token_body={**DPOP_BODY, "token_type": "Bearer"})
    assert _binding(fake).refresh(Tokens("at", NOW, frozenset(), "rt"), NOW) is None
    assert "dpop" in _token_requests(fake)[0].headers


def test_without_dpop_no_proof_is_sent_and_a_bound_token_is_refused() -> None:
    fake = FakeProvider(token_body={**DPOP_BODY, "id_token": sign(id_token_claims())})
    with pytest.raises(SignInFailed, match="okänd sorts token"):
        provider_for(fake).redeem(pending_sign_in(), callback_answer(), NOW)
    assert "dpop" not in _token_requests(fake)[0].headers


def test_the_authorization_request_names_the_key_its_code_is_for() -> None:
    provider = _binding(FakeProvider())
    query = parse_qs(urlsplit(provider.authorization_url(pending_sign_in())).query)
    assert provider.dpop is not None
    assert query["dpop_jkt"] == [provider.dpop.jkt]
    unbound = provider_for(FakeProvider()).authorization_url(pending_sign_in())
    assert "dpop_jkt" not in parse_qs(urlsplit(unbound).query)


def test_a_provider_that_takes_pushed_requests_gets_the_request_from_the_console() -> (
    None
):
    """RFC 9126: the request, authenticated and with a proof of the console's key,
    goes to the provider; the browser carries only client_id and the reference."""
    fake = FakeProvider(par_status=201)
    url = _binding(fake).authorization_url(pending_sign_in())
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
        _binding(FakeProvider(par_status=400)).authorization_url(pending_sign_in())


def test_a_provider_without_dpop_in_its_metadata_starts_no_sign_in() -> None:
    for algs in (None, ["PS256"]):
        fake = FakeProvider(dpop_algs=algs)
        with pytest.raises(DPoPUnsupported, match="CONSOLE_DPOP=off"):
            _binding(fake).authorization_url(pending_sign_in())
        # Turned off, the console signs in there with Bearer tokens.
        assert (
            provider_for(fake).authorization_url(pending_sign_in()).startswith(ISSUER)
        )


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
    assert proof_claims(bound.headers["dpop"])["htu"] == "https://tips.example/v1/tips"
    assert proof_claims(again.headers["dpop"])["jti"] != proof.jti
    assert bearer.headers["authorization"] == "Bearer the-token"
    assert "dpop" not in bearer.headers
