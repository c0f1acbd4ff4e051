"""One trace across the three services' structured logs, and nothing secret in any log.

A partner sends a W3C `traceparent`; sharing, tips (the internal read) and audit-log (the
append) each write their canonical request line with that trace id and a request id of
their own. Then every log file of the suite is searched for what must never be logged.
"""

import json
import secrets
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.payloads import BEDRAGERI_WITH_DETAIL, CHILD

pytestmark = pytest.mark.e2e


def _clients(suite: Suite) -> dict[str, dict[str, str]]:
    document = json.loads((suite.data_dir / "demo-clients.json").read_text())
    clients: dict[str, dict[str, str]] = document["clients"]
    return clients


def _token(suite: Suite, client: dict[str, str]) -> str:
    response = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text(errors="replace").splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            lines.append(line)
    return lines


def _request_lines(suite: Suite, service: str, trace_id: str) -> list[dict[str, Any]]:
    assert suite.log_dir is not None
    return [
        line
        for line in _log_lines(suite.log_dir / f"{service}.log")
        if line.get("event") == "request" and line.get("trace_id") == trace_id
    ]


def _wait_for_lines(
    suite: Suite, trace_id: str, wanted: dict[str, tuple[str, str]]
) -> dict[str, dict[str, Any]]:
    """Each service's request line for (method, route) in this trace.

    The canonical line is written once the response is sent, so it may lag a moment.
    """
    deadline = time.monotonic() + 5
    while True:
        found: dict[str, dict[str, Any]] = {}
        for service, (method, route) in wanted.items():
            for line in _request_lines(suite, service, trace_id):
                if line.get("method") == method and line.get("route") == route:
                    found[service] = line
        if len(found) == len(wanted) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _file_tip(suite: Suite, token: str, narrative: str) -> str:
    filed = httpx.post(
        f"{suite.url('tips')}/v1/tips",
        json={
            "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
            "agreement_id": "hvb-2022",
            "categories": ["invoicing", "staffing"],
            "description": narrative,
            "occurred_on": "2026-10-01",
            "reporter": {
                "municipality_code": "1280",
                "unit": "Barn- och ungdomshälsa",
                "activity": "health_care",
                "contact_email": "halsa@malmo.se",
            },
            "persons": [{"personal_number": CHILD, "role": "placed_child"}],
        },
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": secrets.token_hex(8),
        },
    )
    assert filed.status_code == 201, filed.text
    return str(filed.json()["id"])


def _ask_in_a_trace(
    suite: Suite, token: str, tip_id: str, trace_id: str
) -> httpx.Response:
    """The police's disclosure request, sent with a traceparent of ``trace_id``."""
    answered = httpx.post(
        f"{suite.url('sharing')}/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": BEDRAGERI_WITH_DETAIL,
            "partner_reference": "5000-K9001-26",
            "fields": ["supplier.name", "persons"],
        },
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": secrets.token_hex(8),
            "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
        },
        timeout=30,
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["audit"]["index"] >= 0  # the audit-log was called
    return answered


def _assert_one_line_per_hop(
    suite: Suite, trace_id: str, answered: httpx.Response, police_client_id: str
) -> None:
    lines = _wait_for_lines(
        suite,
        trace_id,
        {
            "sharing": ("POST", "/v1/disclosure-requests"),
            "tips": ("GET", "/internal/v1/tips/{tip_id}"),
            "audit-log": ("POST", "/v1/entries"),
        },
    )
    assert set(lines) == {"sharing", "tips", "audit-log"}, lines
    for service, line in lines.items():
        assert line["service"] == service
        assert line["trace_id"] == trace_id
        assert line["status"] in (200, 201), line
    request_ids = {line["request_id"] for line in lines.values()}
    assert len(request_ids) == 3, lines  # each hop has a request id of its own
    assert lines["sharing"]["request_id"] == answered.headers["x-request-id"]
    assert lines["sharing"]["client_id"] == police_client_id


def _assert_in_no_log(suite: Suite, forbidden: dict[str, str]) -> None:
    """No log file of the suite holds any of ``forbidden``'s values."""
    assert suite.log_dir is not None
    logs = sorted(suite.log_dir.glob("*.log"))
    assert {path.stem for path in logs} >= {"sharing", "tips", "audit-log"}
    for path in logs:
        text = path.read_text(errors="replace")
        for what, value in forbidden.items():
            assert value not in text, f"{what} is in {path.name}"


def test_one_disclosure_is_one_trace_across_the_three_services(
    running_suite: Suite,
) -> None:
    suite = running_suite
    clients = _clients(suite)
    narrative = f"Nattpersonal fakturerades men fanns inte ({secrets.token_hex(4)})."
    malmo_token = _token(suite, clients["malmo"])
    tip_id = _file_tip(suite, malmo_token, narrative)

    trace_id = secrets.token_hex(16)
    police_token = _token(suite, clients["polisen"])
    answered = _ask_in_a_trace(suite, police_token, tip_id, trace_id)
    _assert_one_line_per_hop(suite, trace_id, answered, clients["polisen"]["client_id"])

    # Nothing that identifies a person, tells the tip, or opens a door is in any log.
    forbidden = {
        "the personnummer": CHILD,
        "the personnummer without a hyphen": CHILD.replace("-", ""),
        "the tip narrative": narrative,
        "the municipality's access token": malmo_token,
        "the police's access token": police_token,
    }
    for key, client in clients.items():
        if client.get("client_secret"):
            forbidden[f"{key}'s client secret"] = client["client_secret"]
    _assert_in_no_log(suite, forbidden)
