"""A LeanRoute answers every request exactly as FastAPI's own handler would."""

from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Request, Response, Security
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field

from samverkan_audit_log.lean_route import LeanRoute
from samverkan_shared.auth import AccessToken, access_token
from tests.support.apps import bare_app
from tests.support.tokens import TestIssuer


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1)]
    tags: list[str]


Writer = Annotated[AccessToken, Security(access_token, scopes=["audit:append"])]


async def write(body: Item, caller: Writer, request: Request) -> Response:
    text = f"{body.name}:{len(body.tags)}:{caller.client_id}"
    return Response(text, 201, media_type="text/plain")


@pytest.fixture
def client(tmp_path: Path, issuer: TestIssuer) -> TestClient:
    app = bare_app(tmp_path, token_validator=issuer.validator("audit-log"))
    router = APIRouter()
    router.add_api_route(
        "/lean", write, methods=["POST"], route_class_override=LeanRoute
    )
    router.add_api_route("/plain", write, methods=["POST"])
    app.include_router(router)
    return TestClient(app)


GOOD = b'{"name": "a", "tags": ["x", "y"]}'
JSON = {"content-type": "application/json"}
CASES: list[tuple[str, bytes, dict[str, str], str | None]] = [
    ("valid", GOOD, JSON, "writer"),
    ("valid, +json subtype", GOOD, {"content-type": "application/x+json"}, "writer"),
    ("valid, no content type", GOOD, {}, "writer"),
    ("no token", GOOD, JSON, None),
    ("no token, fields wrong", b'{"name": ""}', JSON, None),
    ("no token, JSON broken", b'{"name": ', JSON, None),
    ("wrong scope", GOOD, JSON, "reader"),
    ("JSON broken", b'{"name": "a",, }', JSON, "writer"),
    ("not UTF-8", b'{"name": "\xff"}', JSON, "writer"),
    ("empty body", b"", JSON, "writer"),
    ("text/plain body", GOOD, {"content-type": "text/plain"}, "writer"),
    ("a list", b"[1, 2]", JSON, "writer"),
    ("a string", b'"name"', JSON, "writer"),
    ("null", b"null", JSON, "writer"),
    ("field missing", b'{"name": "a"}', JSON, "writer"),
    ("field empty", b'{"name": "", "tags": []}', JSON, "writer"),
    ("unknown field", b'{"name": "a", "tags": [], "x": 1}', JSON, "writer"),
    ("wrong type deep", b'{"name": "a", "tags": [1]}', JSON, "writer"),
]


@pytest.mark.parametrize(
    ("body", "headers", "who"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_lean_route_answers_as_fastapi_does(
    client: TestClient,
    issuer: TestIssuer,
    body: bytes,
    headers: dict[str, str],
    who: str | None,
) -> None:
    sent = dict(headers)
    if who == "writer":
        sent.update(issuer.headers(["audit:append"], client_id="w"))
    elif who == "reader":
        sent.update(issuer.headers(["audit:read"], client_id="r"))
    lean = client.post("/lean", content=body, headers=sent)
    plain = client.post("/plain", content=body, headers=sent)
    assert (lean.status_code, _comparable(lean)) == (
        plain.status_code,
        _comparable(plain),
    )
    assert lean.headers["content-type"] == plain.headers["content-type"]
    assert lean.headers.get("www-authenticate") == plain.headers.get("www-authenticate")


def _comparable(response: Any) -> Any:
    if response.headers["content-type"].startswith("application/problem+json"):
        return response.json()
    return response.text


def test_the_document_is_the_same_as_for_a_plain_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/lean"] == paths["/plain"] | {
        "post": paths["/plain"]["post"]
        | {"operationId": paths["/lean"]["post"]["operationId"]}
    }


def _query(body: Item, caller: Writer, request: Request, limit: int = 1) -> None:
    raise AssertionError("never served")


def _unsecured(body: Item, request: Request) -> None:
    raise AssertionError("never served")


@pytest.mark.parametrize("endpoint", [_query, _unsecured])
def test_an_endpoint_the_lean_handler_cannot_serve_is_refused(endpoint: Any) -> None:
    router = APIRouter()
    with pytest.raises(TypeError, match="lean route"):
        router.add_api_route(
            "/x", endpoint, methods=["POST"], route_class_override=LeanRoute
        )
