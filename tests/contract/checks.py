"""What every contract test asks of every response (issue: no 5xx, schema, problem+json)."""

from typing import Any

from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS: list[Any] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Bounded so CI stays well inside its time; raise locally with CONTRACT_EXAMPLES.
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
)


def assert_problem_errors(response: Any) -> None:
    """Every error answer is application/problem+json with a helpful detail."""
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith(
            "application/problem+json"
        ), (
            response.status_code,
            response.text[:300],
        )
        body = response.json()
        assert body["status"] == response.status_code
        assert body["detail"]
