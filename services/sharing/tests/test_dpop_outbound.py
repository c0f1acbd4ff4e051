"""Sharing's own calls carry a token bound to the service's key and a fresh proof of it
for each request (RFC 9449 §7); the real tips and audit log refuse them otherwise
(tests/suite/test_disclosure_flow.py passes through both)."""

import base64
import json
import time
from typing import Any

import httpx

from samverkan_shared.dpop import check_proof
from tests.support.payloads import GROVT_BEDRAGERI
from tests.support.sharing import Sharing, request_disclosure


def _cnf(token: str) -> Any:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))[
        "cnf"
    ]


def _checked(request: httpx.Request) -> tuple[str, str]:
    """The request's token and the thumbprint of the key that signed its proof."""
    scheme, _, token = request.headers["authorization"].partition(" ")
    assert scheme == "DPoP"
    proof = check_proof(
        request.headers["dpop"],
        method=request.method,
        uri=str(request.url),
        now=time.time(),
        access_token=token,
    )
    return token, proof.jkt


def test_calls_to_tips_are_bound_to_the_service_s_key(
    sharing: Sharing,
) -> None:
    response = request_disclosure(sharing, GROVT_BEDRAGERI, fields=["supplier.name"])
    assert response.status_code in (200, 201), response.text
    tips_calls = [r for r in sharing.tips.calls if r.url.path != "/healthz"]
    assert tips_calls
    proofs = {_checked(request)[1] for request in tips_calls}
    tokens = {_checked(request)[0] for request in tips_calls}
    # One key for the process, each token bound to it, every proof a new one.
    assert len(proofs) == 1
    assert all(_cnf(token) == {"jkt": next(iter(proofs))} for token in tokens)
    assert len({r.headers["dpop"] for r in tips_calls}) == len(tips_calls)
    # The real tips and audit log check these proofs: tests/suite, tests/e2e.
