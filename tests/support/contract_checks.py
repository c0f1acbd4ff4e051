"""What every contract test asks of every response (issue: no 5xx, schema, problem+json)."""

import os
from typing import Any
from urllib.parse import urlsplit

from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Every check schemathesis has (importing its OpenAPI checks registers them) but one:
# positive_data_acceptance expects a 2xx for any schema-valid input, which no
# existing-resource rule can give (a 404 for an id that names nothing, a 409 for a
# second call-off stop).
CHECKS: list[Any] = [
    check for check in REGISTERED.get_all() if check is not positive_data_acceptance
]

# Bounded so CI stays well inside its time; raise locally with CONTRACT_EXAMPLES.
EXAMPLES = settings(
    max_examples=int(os.environ.get("CONTRACT_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
)


# The authorization server's endpoints answer errors in OAuth's own format.
OAUTH_ENDPOINTS = frozenset(
    {"/oauth/token", "/oauth/par", "/oauth/introspect", "/oauth/revoke"}
)
# Pages a person's browser shows (signing in): an error is a page that says why.
BROWSER_ENDPOINTS = frozenset({"/oauth/authorize"})


def assert_problem_errors(response: Any) -> None:
    """Every error answer is application/problem+json with a helpful detail; the
    OAuth endpoints' are RFC 6749 §5.2 application/json with error and description;
    the sign-in pages' are HTML pages that say why."""
    path = urlsplit(response.request.url).path
    if response.status_code == 400 and path in BROWSER_ENDPOINTS:
        assert response.headers["content-type"][0].startswith("text/html")
        assert 'class="fel"' in response.text  # the reason, shown to the person
        return
    if response.status_code in {400, 401} and path in OAUTH_ENDPOINTS:
        assert response.headers["content-type"][0] == "application/json"
        body = response.json()
        assert body["error"]
        assert body["error_description"]
        return
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


def add_parameter_examples(schema: Any, values: dict[str, list[Any]]) -> None:
    """Offer the seeded resources' ids as examples of the parameters with these names.

    Generated ids almost never name an existing resource; with these, the examples
    phase also reaches the 200 paths of GET-by-id and of actions on a resource.
    """
    for operations in schema.raw_schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                seeded = values.get(parameter.get("name"))
                if seeded:
                    parameter["examples"] = {
                        f"seeded-{number}": {"value": value}
                        for number, value in enumerate(seeded)
                    }


def add_body_example(schema: Any, method: str, path: str, body: Any) -> None:
    """A request body that names seeded resources, tried in the examples phase."""
    content = schema.raw_schema["paths"][path][method.lower()]["requestBody"]["content"]
    content["application/json"]["examples"] = {"seeded": {"value": body}}
