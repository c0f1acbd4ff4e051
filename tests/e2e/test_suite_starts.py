"""The three services start as real uvicorn processes and answer health and OpenAPI."""

import signal

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.processes import suite_logs, wait_ready

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", ["tips", "sharing", "audit-log"])
def test_health_readiness_and_openapi(running_suite: Suite, service: str) -> None:
    base = running_suite.url(service)
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    document = httpx.get(f"{base}/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == f"Samverkan {service}"
    assert httpx.get(f"{base}/docs").status_code == 200


@pytest.mark.parametrize("service", ["tips", "audit-log"])
def test_authorize_on_a_docs_page_reaches_the_token_endpoint(
    running_suite: Suite, service: str
) -> None:
    """What Swagger UI's "Authorize" does on another service's page, as a browser."""
    page = running_suite.url(service)
    token_url = f"{running_suite.url('sharing')}/oauth/token"
    document = httpx.get(f"{page}/openapi.json").json()
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == token_url
    assert "https://" not in httpx.get(f"{page}/docs").text
    preflight = httpx.options(
        token_url,
        headers={
            "Origin": page,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == page


def test_sigterm_stops_a_service_cleanly(running_suite: Suite) -> None:
    # Stop-and-restart keeps the shared suite usable for the tests after this one.
    child = running_suite.children["tips"]
    child.send_signal(signal.SIGTERM)
    # uvicorn re-raises the signal once it has drained, so the exit status is -SIGTERM.
    assert child.wait(20) == -signal.SIGTERM
    assert "Application shutdown complete" in suite_logs(running_suite)
    running_suite.start_one("tips")
    wait_ready(running_suite.url("tips"))
