"""The whole story over real uvicorn processes and real HTTP, on SQLite and PostgreSQL.

A municipal system files a tip; the police (private_key_jwt) get a partial release;
Skatteverket's request waits for an assessor and a different approver, two demo people
who sign in with `samverkan people sign-in` (the authorization code flow); a compliance
officer lists, exports and verifies the log; then the audit-log process is stopped and a
new request gets 503 with nothing released and nothing half-written.
"""

import csv
import io
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from samverkan_shared.supervisor import Suite
from tests.support.databases import DatabaseFactory
from tests.support.dpop_client import DPoPClient
from tests.support.payloads import BEDRAGERI_WITH_DETAIL, CHILD
from tests.support.processes import start_suite, suite_logs, wait_ready

pytestmark = pytest.mark.e2e


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def story_suite(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    database_factory: DatabaseFactory,
) -> Iterator[Suite]:
    env: dict[str, str] = {}
    if request.param == "postgresql":
        for variable in (
            "TIPS_DATABASE_URL",
            "SHARING_DATABASE_URL",
            "AUDIT_DATABASE_URL",
        ):
            env[variable] = database_factory.empty("postgresql")
    suite = start_suite(tmp_path_factory.mktemp(f"story-{request.param}"), env)
    try:
        suite.wait_ready()
        suite.after_start()
    except Exception:  # show the services' own logs
        suite.stop()
        pytest.fail(f"the suite did not start:\n{suite_logs(suite)}")
    yield suite
    suite.stop()


class Agent:
    """One demo client talking to the suite over HTTP."""

    def __init__(self, suite: Suite, key: str) -> None:
        document = json.loads((suite.data_dir / "demo-clients.json").read_text())
        self.credentials: dict[str, str] = document["clients"][key]
        self.suite = suite
        # polisen-jwt is registered --dpop required: its tokens are bound to its key.
        self.holder = DPoPClient(f"{suite.url('sharing')}/oauth/token")

    @property
    def bound(self) -> bool:
        """Whether its tokens are bound to its DPoP key (its client's, private_key_jwt)."""
        return "private_key_file" in self.credentials

    def token(self) -> str:
        sharing = self.suite.url("sharing")
        if self.bound:
            return self.holder.token(self._assertion(sharing))
        else:
            response = httpx.post(
                f"{sharing}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(self.credentials["client_id"], self.credentials["client_secret"]),
            )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def _assertion(self, sharing: str) -> dict[str, str]:
        key = JsonWebKey.import_key(
            Path(self.credentials["private_key_file"]).read_bytes()
        )
        client_id = self.credentials["client_id"]
        now = int(time.time())
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": f"{sharing}/oauth/token",
            "iat": now,
            "exp": now + 60,
            "jti": secrets.token_hex(16),
        }
        assertion = (
            JsonWebToken(["ES256"]).encode({"alg": "ES256"}, claims, key).decode()
        )
        return {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        }

    def call(
        self, method: str, service: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        url = f"{self.suite.url(service)}{path}"
        token = self.token()
        authorization = (
            self.holder.headers(method, url, token)
            if self.bound
            else {"Authorization": f"Bearer {token}"}
        )
        headers = {**authorization, **kwargs.pop("headers", {})}
        return httpx.request(
            method,
            url,
            headers=headers,
            timeout=30,
            **kwargs,
        )


class Officer(Agent):
    """A demo person, signed in at the demo console with `samverkan people sign-in`
    (the real HTTP flow; the password on stdin), as a case system would."""

    def __init__(self, suite: Suite, role: str) -> None:
        document = json.loads((suite.data_dir / "demo-clients.json").read_text())
        self.person: dict[str, str] = document["people"][role]
        self.suite = suite

    @property
    def bound(self) -> bool:
        return False  # `people sign-in` asks for Bearer tokens (no proof)

    def token(self) -> str:
        return str(self.tokens()["access_token"])

    def tokens(self) -> dict[str, Any]:
        signed_in = subprocess.run(
            [
                sys.executable, "-m", "samverkan_shared.cli",
                "--data-dir", str(self.suite.data_dir),
                "people", "sign-in", "--username", self.person["username"],
            ],
            input=self.person["password"] + "\n",
            env={**os.environ, **self.suite.env},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert signed_in.returncode == 0, signed_in.stderr
        tokens: dict[str, Any] = json.loads(signed_in.stdout)
        return tokens


def _file_tip(suite: Suite) -> str:
    response = Agent(suite, "malmo").call(
        "POST",
        "tips",
        "/v1/tips",
        json={
            "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
            "agreement_id": "hvb-2022",
            "categories": ["invoicing", "staffing"],
            "description": "Fakturerad nattpersonal fanns inte på plats.",
            "occurred_on": "2026-10-01",
            "reporter": {
                "municipality_code": "1280",
                "unit": "Barn- och ungdomshälsa",
                "activity": "health_care",
                "contact_email": "halsa@malmo.se",
            },
            "persons": [{"personal_number": CHILD, "role": "placed_child"}],
        },
        headers={"Idempotency-Key": secrets.token_hex(8)},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _police_get_a_partial_release(police: Agent, tip_id: str) -> dict[str, Any]:
    partial: dict[str, Any] = police.call(
        "POST",
        "sharing",
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": BEDRAGERI_WITH_DETAIL,
            "partner_reference": "5000-K4711-26",
            "fields": ["supplier.org_number", "supplier.name", "persons"],
        },
        headers={"Idempotency-Key": "police-1"},
    ).json()
    assert partial["outcome"] == "partial", partial
    assert partial["released"] == {
        "supplier.org_number": "556677-8899",
        "supplier.name": "Exempel Omsorg AB",
    }
    assert [w["field"] for w in partial["withheld"]] == ["persons"]
    assert partial["audit"]["index"] >= 0
    return partial


def _skatteverket_asks(
    skatteverket: Agent, tip_id: str
) -> tuple[dict[str, Any], list[str]]:
    """Skatteverket's request, waiting for an assessment; and the fields it holds."""
    asked: dict[str, Any] = skatteverket.call(
        "POST",
        "sharing",
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": {"code": "prevent_incorrect_taxation"},
            "partner_reference": "SKV-2026-77",
            "fields": ["supplier.name", "description"],
        },
        headers={"Idempotency-Key": "skv-1"},
    ).json()
    assert asked["status"] == "awaiting_assessment", asked
    held = [w["field"] for w in asked["withheld"] if w["outcome"] == "needs_assessment"]
    assert held
    return asked, held


def _only_a_person_assesses(suite: Suite, asked_id: str, held: list[str]) -> None:
    """The assessor person proposes to release what is held; neither a client's token
    nor the assessor may do more."""
    # A client's own token may not decide, even with the scope: a person must.
    refused_client = Agent(suite, "assessor").call(
        "POST",
        "sharing",
        f"/v1/disclosure-requests/{asked_id}/assessment",
        json={"assessment": "x", "proposals": []},
    )
    assert refused_client.status_code == 403, refused_client.text
    assessor = Officer(suite, "assessor")
    assessed = assessor.call(
        "POST",
        "sharing",
        f"/v1/disclosure-requests/{asked_id}/assessment",
        json={
            "assessment": "Behövs för att rätt skatt ska tas ut; menet är litet.",
            "proposals": [
                {"field": f, "decision": "release", "reason": "nödvändig"} for f in held
            ],
        },
    )
    assert assessed.status_code == 200, assessed.text
    assert (
        assessor.call(  # an assessor's token has no approver's scope
            "POST",
            "sharing",
            f"/v1/disclosure-requests/{asked_id}/approval",
            json={"decision": "approve", "reason": "Egen."},
        ).status_code
        == 403
    )


def _another_person_approves(suite: Suite, asked_id: str) -> dict[str, Any]:
    approved: dict[str, Any] = (
        Officer(suite, "approver")
        .call(
            "POST",
            "sharing",
            f"/v1/disclosure-requests/{asked_id}/approval",
            json={"decision": "approve", "reason": "Instämmer."},
        )
        .json()
    )
    assert approved["status"] == "released", approved
    return approved


def _compliance_finds_both_decisions(
    compliance: Agent, partial_id: str, asked_id: str
) -> None:
    """Each by its recipient; the assessed one names two different officials."""
    listed = compliance.call(
        "GET", "audit-log", "/v1/entries", params={"recipient": "polismyndigheten"}
    ).json()
    assert partial_id in {item["entry"]["decision_id"] for item in listed["items"]}
    taxed = compliance.call(
        "GET", "audit-log", "/v1/entries", params={"recipient": "skatteverket"}
    ).json()
    [decided] = [
        i["entry"] for i in taxed["items"] if i["entry"]["decision_id"] == asked_id
    ]
    officials = decided["details"]["assessor"], decided["details"]["approver"]
    assert officials[0]["person_id"] != officials[1]["person_id"]
    assert decided["actor"] == officials[1]["person_id"]
    assert all(official["name"] for official in officials)


def _compliance_exports(compliance: Agent, decision_ids: set[str]) -> int:
    """The log as CSV and as JSON lines, with the decisions and no personnummer: its
    number of entries."""
    exported = compliance.call(
        "GET", "audit-log", "/v1/export", params={"format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert decision_ids <= {row["decision_id"] for row in rows}
    lines = compliance.call(
        "GET", "audit-log", "/v1/export", params={"format": "jsonl"}
    ).text
    assert len(lines.strip().splitlines()) == len(rows)
    assert CHILD not in exported.text + lines
    return len(rows)


def _audit_verify(
    suite: Suite, compliance: Agent, *options: str
) -> subprocess.CompletedProcess[str]:
    """`samverkan audit verify` against the suite, as the compliance client."""
    env = {
        **os.environ,
        **suite.env,
        "SAMVERKAN_CLIENT_ID": compliance.credentials["client_id"],
        "SAMVERKAN_CLIENT_SECRET": compliance.credentials["client_secret"],
    }
    return subprocess.run(
        [
            sys.executable, "-m", "samverkan_shared.cli", "audit", "verify",
            "--url", suite.url("audit-log"), "--issuer", suite.url("sharing"),
            *options,
        ],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _nothing_released_without_the_audit_log(
    suite: Suite, police: Agent, tip_id: str
) -> None:
    """With the audit-log process stopped, a new request is a 503 that tells nothing."""
    suite.stop_one("audit-log")
    refused = police.call(
        "POST",
        "sharing",
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": BEDRAGERI_WITH_DETAIL,
            "partner_reference": "5000-K4712-26",
            "fields": ["supplier.name"],
        },
        headers={"Idempotency-Key": "police-2"},
    )
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"]
    assert "Exempel Omsorg AB" not in refused.text


def test_the_whole_story(story_suite: Suite, tmp_path: Path) -> None:
    suite = story_suite
    tip_id = _file_tip(suite)
    police = Agent(suite, "polisen-jwt")
    partial = _police_get_a_partial_release(police, tip_id)

    skatteverket = Agent(suite, "skatteverket")
    asked, held = _skatteverket_asks(skatteverket, tip_id)
    _only_a_person_assesses(suite, asked["id"], held)
    approved = _another_person_approves(suite, asked["id"])
    mine = skatteverket.call(
        "GET", "sharing", f"/v1/disclosure-requests/{asked['id']}"
    ).json()
    assert mine["released"] == approved["released"]

    compliance = Agent(suite, "compliance")
    _compliance_finds_both_decisions(compliance, partial["id"], asked["id"])
    size_before = _compliance_exports(compliance, {partial["id"], asked["id"]})
    checkpoint = tmp_path / "checkpoint.txt"
    verified = _audit_verify(suite, compliance, "--save-checkpoint", str(checkpoint))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK: ")

    _nothing_released_without_the_audit_log(suite, police, tip_id)
    suite.start_one("audit-log")
    wait_ready(suite.url("audit-log"))
    after = compliance.call(
        "GET", "audit-log", "/v1/export", params={"format": "jsonl"}
    ).text
    assert len(after.strip().splitlines()) == size_before  # nothing half-written
    again = _audit_verify(suite, compliance, "--trusted-checkpoint", str(checkpoint))
    assert again.returncode == 0, again.stdout + again.stderr
