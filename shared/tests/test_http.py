"""Outbound calls: retries only when safe, trace context always."""

import time
from collections.abc import Generator

import httpx
import pytest

from samverkan_shared.dpop import ProofSigner, check_proof
from samverkan_shared.http import make_client, send_bound
from samverkan_shared.tracing import parse_traceparent, start_trace


def _flaky(statuses: list[int], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(statuses[min(len(seen) - 1, len(statuses) - 1)])

    return httpx.MockTransport(handler)


def test_get_is_retried_on_503() -> None:
    seen: list[httpx.Request] = []
    with make_client("http://x", transport=_flaky([503, 503, 200], seen)) as client:
        assert client.get("/a").status_code == 200
    assert len(seen) == 3


def test_plain_post_is_not_retried() -> None:
    seen: list[httpx.Request] = []
    with make_client("http://x", transport=_flaky([503, 200], seen)) as client:
        assert client.post("/a").status_code == 503
    assert len(seen) == 1


def test_post_with_idempotency_key_is_retried() -> None:
    seen: list[httpx.Request] = []
    with make_client("http://x", transport=_flaky([502, 201], seen)) as client:
        response = client.post("/a", headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201
    assert len(seen) == 2


def test_connection_failure_is_raised_after_the_last_attempt() -> None:
    calls: list[int] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    with (
        make_client("http://x", transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get("/a")
    assert len(calls) == 3


def test_traceparent_continues_the_current_trace() -> None:
    seen: list[httpx.Request] = []
    incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    start_trace(incoming)
    with make_client("http://x", transport=_flaky([200], seen)) as client:
        client.get("/a")
    outgoing = parse_traceparent(seen[0].headers["traceparent"])
    assert outgoing is not None
    assert outgoing.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert outgoing.parent_id != "00f067aa0ba902b7"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
    ],
)
def test_malformed_traceparent_starts_a_new_trace(value: str | None) -> None:
    assert parse_traceparent(value) is None
    assert len(start_trace(value).trace_id) == 32


class _BoundToken(httpx.Auth):
    def __init__(self, signer: ProofSigner) -> None:
        self.signer = signer

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        send_bound(request, self.signer, "the-token")
        yield request


def test_each_retry_of_a_bound_request_carries_a_fresh_proof() -> None:
    """A gateway's 502 may come after the service recorded the proof's jti: the
    retry with that proof would be refused as a replay (RFC 9449 §11.1)."""
    proofs: list[str] = []
    statuses = [502, 503, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        proofs.append(request.headers["DPoP"])
        assert request.headers["Authorization"] == "DPoP the-token"
        return httpx.Response(statuses[len(proofs) - 1])

    signer = ProofSigner.generate()
    with make_client("http://x", transport=httpx.MockTransport(handler)) as client:
        response = client.get("/a?page=2", auth=_BoundToken(signer))
    assert response.status_code == 200
    assert len(set(proofs)) == 3
    for proof in proofs:
        checked = check_proof(proof, method="GET", uri="http://x/a", now=time.time())
        assert checked.jkt == signer.jkt
