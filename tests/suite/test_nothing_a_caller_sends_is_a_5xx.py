"""Nothing a caller sends yields a 5xx but a 503 for an outage (issue #16).

Generated tokens (random strings, malformed JWTs, JWTs with odd headers, signed by a
stranger or naming the issuer's real kid), headers, cursors, parameters and bodies
go to every operation of the three services, wired together in one process. Every
answer is below 500 (or a 503 that says to retry), and every error is RFC 9457
problem+json, or RFC 6749 JSON at the OAuth endpoints.
"""

import base64
import contextlib
import json
import os
import re
from typing import Any
from urllib.parse import quote

import pytest
from authlib.jose import JsonWebKey, JsonWebToken
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.contract_checks import BROWSER_ENDPOINTS, OAUTH_ENDPOINTS
from tests.support.suite import PEOPLE, ROLES, InProcessSuite

STRANGER = JsonWebKey.generate_key("EC", "P-256", is_private=True)
SERVICES = ("tips", "sharing", "audit")


@pytest.fixture
def backend() -> str:
    """What is sent, not where it is stored, is under test here: SQLite only."""
    return "sqlite"


# --- what a caller may send ------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: Any) -> str:
    return _b64(json.dumps(value).encode())


odd_headers = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["ES256", "RS256", "PS256", "EdDSA", "none", "HS256"])
        | json_values,
        "kid": st.text(max_size=20) | json_values,
        "typ": st.sampled_from(["at+jwt", "JWT", "application/at+jwt"]) | json_values,
        "crit": json_values,
        "b64": st.booleans(),
        "jku": st.just("http://attacker.test/jwks.json"),
        "x5u": st.just("http://attacker.test/cert.pem"),
        "jwk": json_values,
    },
)


@st.composite
def tokens(draw: st.DrawFn, real_kids: list[str], real: list[str]) -> str:
    kind = draw(st.sampled_from(["text", "segments", "odd", "signed", "real"]))
    if kind == "text":
        return draw(st.text(max_size=200))
    if kind == "segments":
        parts = draw(st.lists(st.binary(max_size=60).map(_b64), max_size=5))
        return ".".join(parts)
    if kind == "real":
        token = draw(st.sampled_from(real))
        cut = draw(st.integers(min_value=0, max_value=len(token)))
        return draw(st.sampled_from([token, token[:cut], token + "x", token[::-1]]))
    header = draw(odd_headers)
    if draw(st.booleans()) and real_kids:
        header["kid"] = draw(st.sampled_from(real_kids))
    claims = draw(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
    if kind == "signed":  # a stranger's key: a real signature no issuer made
        header = {**header, "alg": "ES256"}
        with contextlib.suppress(Exception):  # the JOSE library refuses some headers
            signed: bytes = JsonWebToken(["ES256"]).encode(header, claims, STRANGER)
            return signed.decode()
    signature = draw(st.binary(max_size=80).map(_b64))
    return f"{_segment(header)}.{_segment(claims)}.{signature}"


def authorizations(real_kids: list[str], real: list[str]) -> st.SearchStrategy[str]:
    token = tokens(real_kids, real)
    return st.one_of(
        token.map(lambda t: f"Bearer {t}"),
        token.map(lambda t: f"bearer  {t}"),
        st.sampled_from(real).map(lambda t: f"Bearer {t}"),
        st.text(max_size=60).map(lambda t: f"Basic {t}"),
        st.binary(max_size=40).map(lambda b: "Basic " + base64.b64encode(b).decode()),
        st.text(max_size=80),
    )


header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60
)
cursors = st.one_of(
    st.text(max_size=80),
    json_values.map(lambda v: _b64(json.dumps(v).encode())),
    st.binary(max_size=60).map(_b64),
)
path_values = st.one_of(
    st.uuids().map(str),
    st.text(max_size=30),
    st.sampled_from(["556677-8899", "0", "-1", "99999999999999999999", "..", "%00"]),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/json; charset=latin-1",
        "multipart/form-data; boundary=x",
        "application/merge-patch+json",
        "",
    ]
)
bodies = st.one_of(
    st.none(),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5).map(
        lambda form: "&".join(
            f"{quote(k)}={quote(v)}" for k, v in form.items()
        ).encode()
    ),
)


def _on_the_wire(value: str) -> bytes:
    """A header value as bytes, without what no HTTP server passes on (CR, LF, NUL)."""
    return re.sub("[\r\n\x00]", "", value).encode()


# --- every operation of the three documents ------------------------------------------


def _operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return [
        (method, path, [p["name"] for p in operation.get("parameters", [])])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _is_documented_error(path: str, response: Any) -> bool:
    content_type = response.headers.get("content-type", "")
    if path in OAUTH_ENDPOINTS and response.status_code in {400, 401}:
        body = response.json()
        return content_type == "application/json" and bool(body.get("error"))
    if path in BROWSER_ENDPOINTS and response.status_code == 400:
        # A page for the person that says why (the reason is marked class="fel").
        return content_type.startswith("text/html") and 'class="fel"' in response.text
    if content_type != "application/problem+json":
        return False
    body = response.json()
    return body["status"] == response.status_code and bool(body["detail"])


Call = tuple[str, str, str, dict[str, Any]]
Operation = tuple[str, str, str, list[str]]


def request_headers(
    real_kids: list[str], real: list[str]
) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "authorization": authorizations(real_kids, real),
            "content-type": content_types,
            "accept": header_values,
            "traceparent": header_values,
            "idempotency-key": header_values,
            "x-request-id": header_values,
        },
    )


@st.composite
def any_request(
    draw: st.DrawFn, operations: list[Operation], real_kids: list[str], real: list[str]
) -> Call:
    """(service, method, path, keyword arguments of the request) for any operation."""
    name, method, template, parameters = draw(st.sampled_from(operations))
    path = re.sub(r"\{[^}]+\}", lambda _: quote(draw(path_values), safe=""), template)
    query = {
        parameter: draw(cursors if parameter == "cursor" else st.text(max_size=30))
        for parameter in parameters
        if draw(st.booleans())
    }
    headers = draw(request_headers(real_kids, real))
    request = {
        "params": query,
        "headers": {key: _on_the_wire(value) for key, value in headers.items()},
        "content": draw(bodies),
    }
    return (
        name,
        draw(st.sampled_from([method, method, "put", "delete"])),
        path,
        request,
    )


def test_nothing_a_caller_sends_is_a_5xx(in_process_suite: InProcessSuite) -> None:
    suite = in_process_suite
    clients = {name: getattr(suite, name) for name in SERVICES}
    operations = [
        (name, method, path, parameters)
        for name, client in clients.items()
        for method, path, parameters in _operations(client)
    ]
    kids = [
        key["kid"] for key in suite.sharing.get("/.well-known/jwks.json").json()["keys"]
    ]
    real = [
        suite.headers(role)["Authorization"].split()[1] for role in [*ROLES, *PEOPLE]
    ]

    @given(any_request(operations, kids, real))
    @settings(
        max_examples=int(os.environ.get("HARDENING_EXAMPLES", "400")),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def answers_below_500(call: Call) -> None:
        name, method, path, request = call
        response = clients[name].request(method.upper(), path, **request)
        assert response.status_code < 500 or response.status_code == 503, (
            response.status_code,
            response.text[:500],
        )
        if response.status_code >= 400:
            assert _is_documented_error(path, response), response.text[:500]

    answers_below_500()
