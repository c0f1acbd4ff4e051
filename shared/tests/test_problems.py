"""Every error path renders RFC 9457 problem+json."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, field_validator

from samverkan_shared.problems import Conflict
from tests.support.apps import bare_app


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    age: int


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    persons: list[Person]


def _app(tmp_path: Path) -> FastAPI:
    app = bare_app(tmp_path)

    @app.post("/things")
    def create(body: Body) -> dict[str, int]:
        return {"count": len(body.persons)}

    @app.get("/things")
    def things() -> list[str]:
        return []

    @app.get("/conflict")
    def conflict() -> None:
        raise Conflict("the thing moved", allowed=["a", "b"])

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals 19121212-1212")

    @app.post("/oauth-like", responses={400: {"description": "own", "content": OWN}})
    def oauth_like(body: Body) -> None:
        return None

    return app


# An error format a route documents on purpose (as OAuth's RFC 6749 JSON).
OWN = {"application/json": {"schema": {"type": "object", "required": ["error"]}}}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(_app(tmp_path), raise_server_exceptions=False) as client:
        yield client


def _is_problem(response: object) -> None:
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]


def test_validation_error_points_at_the_field(client: TestClient) -> None:
    response = client.post("/things", json={"persons": [{"name": "A", "age": "x"}]})
    assert response.status_code == 422
    _is_problem(response)
    body = response.json()
    assert body["errors"] == [
        {
            "pointer": "#/persons/0/age",
            "detail": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]
    assert body["detail"].startswith("#/persons/0/age: ")
    assert body["status"] == 422
    assert body["title"] == "Unprocessable Content"


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    response = client.get("/nowhere")
    _is_problem(response)
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "There is no resource at /nowhere.",
    }


def test_wrong_method_is_405_problem(client: TestClient) -> None:
    response = client.delete("/things")
    _is_problem(response)
    assert response.status_code == 405
    assert response.json()["detail"] == "DELETE is not allowed on this resource."


def test_a_405_allows_every_method_the_path_has(client: TestClient) -> None:
    """RFC 9110 §15.5.6: GET and POST are two routes here, and Allow names both."""
    for method in ("DELETE", "PUT", "PATCH"):
        response = client.request(method, "/things")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
    assert client.delete("/conflict").headers["allow"] == "GET"


def test_domain_problem_keeps_its_extensions(client: TestClient) -> None:
    response = client.get("/conflict")
    _is_problem(response)
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "the thing moved",
        "allowed": ["a", "b"],
    }


def test_unexpected_error_reveals_nothing_but_a_request_id(client: TestClient) -> None:
    response = client.get("/boom")
    _is_problem(response)
    body = response.json()
    assert response.status_code == 500
    assert "secret" not in response.text
    assert "1212" not in response.text
    assert body["request_id"]


def test_declared_body_over_one_mebibyte_is_413(client: TestClient) -> None:
    response = client.post(
        "/things",
        content=b"{" + b" " * (1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    _is_problem(response)
    assert response.status_code == 413
    assert "1048576 bytes" in response.json()["detail"]


def test_streamed_body_over_one_mebibyte_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * (64 * 1024)

    response = client.post(
        "/things", content=chunks(), headers={"content-type": "application/json"}
    )
    _is_problem(response)
    assert response.status_code == 413


def test_openapi_documents_errors_as_problems(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    responses = document["paths"]["/things"]["post"]["responses"]
    assert set(responses) >= {"200", "400", "413", "422", "500"}
    assert list(responses["422"]["content"]) == ["application/problem+json"]
    # A body that is not JSON at all (here: not UTF-8) is FastAPI's 400.
    assert list(responses["400"]["content"]) == ["application/problem+json"]
    assert "400" not in document["paths"]["/things"]["get"]["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_openapi_keeps_an_error_format_a_route_documents_itself(
    client: TestClient,
) -> None:
    responses = client.get("/openapi.json").json()["paths"]["/oauth-like"]["post"][
        "responses"
    ]
    assert responses["400"]["content"] == OWN
    assert list(responses["422"]["content"]) == ["application/problem+json"]
    assert list(responses["500"]["content"]) == ["application/problem+json"]


def test_request_id_is_returned_and_reused(client: TestClient) -> None:
    response = client.get("/healthz", headers={"x-request-id": "abcdef123456"})
    assert response.headers["x-request-id"] == "abcdef123456"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 16


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/healthz")
    client.get("/nowhere")
    text = client.get("/metrics").text
    assert (
        'samverkan_http_requests_total{method="GET",route="/healthz",service="test",'
        'status="200"} 2.0'
    ) in text
    assert 'route="<unmatched>",service="test",status="404"} 1.0' in text
    assert "samverkan_http_request_duration_seconds_bucket" in text


def test_malformed_json_says_line_and_column(client: TestClient) -> None:
    """A JSON syntax error names its line and column, not a character offset."""
    response = client.post(
        "/things",
        content=b'{"persons": [\n    {"name": "A" "age": 1}]}',
        headers={"content-type": "application/json"},
    )
    _is_problem(response)
    detail = "The body is not valid JSON: Expecting ',' delimiter at line 2, column 18."
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": detail,
        "errors": [{"pointer": "#", "detail": detail}],
    }


def test_validator_message_is_shown_without_pydantic_prefix(tmp_path: Path) -> None:
    """A validator's ValueError reads as its own message, not 'Value error, ...'."""

    class Named(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def _not_blank(cls, value: str) -> str:
            if not value.strip():
                raise ValueError("must not be blank")
            return value

    app = bare_app(tmp_path)

    @app.post("/named")
    def named(body: Named) -> None:
        return None

    with TestClient(app) as client:
        response = client.post("/named", json={"name": " "})
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "#/name: must not be blank",
        "errors": [{"pointer": "#/name", "detail": "must not be blank"}],
    }
