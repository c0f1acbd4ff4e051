"""Logs never carry secrets, tokens or personal identity numbers."""

from pathlib import Path

from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from samverkan_shared.logging import REDACTED, redact_secrets
from tests.support.apps import bare_app


def test_redaction_masks_secret_keys() -> None:
    event = {
        "event": "x",
        "client_secret": "s3cr3t",
        "Authorization": "Bearer t",
        "n": 1,
    }
    assert redact_secrets(None, "info", event) == {
        "event": "x",
        "client_secret": REDACTED,
        "Authorization": REDACTED,
        "n": 1,
    }


def test_request_line_uses_the_route_template_not_the_raw_path(tmp_path: Path) -> None:
    app = bare_app(tmp_path)

    @app.get("/people/{number}")
    def person(number: str) -> dict[str, int]:
        return {"length": len(number)}

    with TestClient(app) as client, capture_logs() as logs:
        client.get("/people/19121212-1212")
    lines = [entry for entry in logs if entry["event"] == "request"]
    assert lines[0]["route"] == "/people/{number}"
    assert lines[0]["status"] == 200
    assert "1212" not in repr(logs)
