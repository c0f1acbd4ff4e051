"""Faults between the services, in one process: readiness that names what is missing,
resource servers that fail closed, with 503 and Retry-After, when the issuer is out of reach,
and a database that goes away and comes back under a running app.

tips gets a token validator of its own here: the same HTTP key and revocation sources as in
production, reaching sharing through a switch that can refuse connections, and a clock the
test moves forward.
"""

import time
from dataclasses import replace
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from samverkan_shared.auth import HttpKeySource, HttpRevocationSource, TokenValidator
from samverkan_shared.service_app import ServiceApp
from samverkan_sharing.dependencies import SharingState
from tests.support.databases import require_postgres
from tests.support.suite import ISSUER, InProcessSuite, _Refusing


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _assert_unavailable(response: httpx.Response) -> str:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    detail: str = response.json()["detail"]
    return detail


def _sharing_state(suite: InProcessSuite) -> SharingState:
    return cast(ServiceApp[SharingState], suite.sharing.app).running.state


def _issuer_behind_a_switch(suite: InProcessSuite) -> tuple[_Refusing, _Clock]:
    """Replace tips' validator with one whose path to the issuer can be cut."""
    switch, clock = _Refusing(suite.sharing), _Clock()
    client = httpx.Client(base_url=ISSUER, transport=switch)
    app = cast(ServiceApp[Any], suite.tips.app)
    validator = TokenValidator(
        issuer=ISSUER,
        audience="tips",
        keys=HttpKeySource("/.well-known/jwks.json", client),
        revocations=HttpRevocationSource("/oauth/revocations", client),
        clock=clock,
    )
    app.running = replace(app.running, token_validator=validator)
    return switch, clock


# The validator's behaviour does not depend on the database backend.
_SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _list_tips(tips: TestClient, headers: dict[str, str]) -> httpx.Response:
    return tips.get("/v1/tips", headers=headers)


def test_sharing_is_not_ready_while_the_audit_log_is_unreachable(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    assert suite.sharing.get("/readyz").status_code == 200
    suite.audit_switch.down = True
    refused = suite.sharing.get("/readyz")
    assert "audit-log" in _assert_unavailable(refused)
    assert refused.json()["checks"] == {
        "database": "ok",
        "tips": "ok",
        "audit-log": "failing",
    }
    assert suite.sharing.get("/healthz").status_code == 200
    suite.audit_switch.down = False
    assert suite.sharing.get("/readyz").status_code == 200


@_SQLITE_ONLY
def test_stale_revocations_are_honoured_for_a_minute_then_fail_closed(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    switch, clock = _issuer_behind_a_switch(suite)
    headers = suite.headers("malmo")
    assert _list_tips(suite.tips, headers).status_code == 200

    switch.down = True
    clock.now += 30
    assert (
        _list_tips(suite.tips, headers).status_code == 200
    )  # cached keys, fresh enough
    clock.now += 31
    detail = _assert_unavailable(_list_tips(suite.tips, headers))
    assert "revocation" in detail.lower()

    switch.down = False
    # A failed refresh is tried again a second later, not at every token check.
    assert _list_tips(suite.tips, headers).status_code == 503
    clock.now += 1
    assert _list_tips(suite.tips, headers).status_code == 200


@_SQLITE_ONLY
def test_a_never_seen_signing_key_while_the_issuer_is_down_is_503_not_401(
    in_process_suite: InProcessSuite,
) -> None:
    """After a key rotation the caller's token is fine; tips just cannot check it yet."""
    suite = in_process_suite
    switch, clock = _issuer_behind_a_switch(suite)
    assert _list_tips(suite.tips, suite.headers("malmo")).status_code == 200

    _sharing_state(suite).token_issuer.keys.rotate()
    rotated = suite.headers("malmo")
    switch.down = True
    clock.now += 5
    for _ in range(2):  # the second one inside the JWKS refresh throttle
        assert "keys" in _assert_unavailable(_list_tips(suite.tips, rotated))

    switch.down = False
    clock.now += 5
    assert _list_tips(suite.tips, rotated).status_code == 200


@_SQLITE_ONLY
def test_a_service_that_never_fetched_the_keys_answers_503(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    switch, clock = _issuer_behind_a_switch(suite)
    headers = suite.headers("malmo")
    switch.down = True
    for _ in range(2):
        assert "keys" in _assert_unavailable(_list_tips(suite.tips, headers))
    switch.down = False
    clock.now += 2
    assert _list_tips(suite.tips, headers).status_code == 200


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_database_that_goes_away_gives_503_and_comes_back(
    in_process_suite: InProcessSuite,
) -> None:
    """Requests and /readyz answer 503 while PostgreSQL refuses connections to the
    database, then recover on the same app, without a restart."""
    suite = in_process_suite
    name = suite.tips.app.platform.engine.url.database  # type: ignore[attr-defined]
    admin = create_engine(
        require_postgres(), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )

    def allow(allowed: bool) -> None:
        with admin.connect() as connection:
            connection.execute(
                text(
                    f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'
                )
            )
            if not allowed:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )

    headers = suite.headers("malmo")
    assert _list_tips(suite.tips, headers).status_code == 200
    try:
        allow(False)
        assert "database" in _assert_unavailable(_list_tips(suite.tips, headers))
        not_ready = suite.tips.get("/readyz")
        _assert_unavailable(not_ready)
        assert not_ready.json()["checks"]["database"] == "failing"
    finally:
        allow(True)
        admin.dispose()
    assert suite.tips.get("/readyz").status_code == 200
    assert _list_tips(suite.tips, headers).status_code == 200
