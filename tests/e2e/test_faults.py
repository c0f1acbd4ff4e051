"""Fault behaviour over real processes: 503 and Retry-After instead of hangs, readiness that
follows the database, and a SIGTERM that lets in-flight requests finish.

The tests that stop a service of the shared suite start it again before they end, so the
suite is whole for whatever test runs next.
"""

import json
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from samverkan_shared.supervisor import Suite
from tests.support.databases import DatabaseFactory, require_postgres
from tests.support.payloads import BEDRAGERI
from tests.support.processes import free_port, suite_logs, wait_ready

pytestmark = pytest.mark.e2e

SUPPLIER = "Exempel Omsorg AB"
# Well under what a hang would take, well over a connect timeout plus retries.
PROMPT_SECONDS = 10.0


def _token(suite: Suite, key: str) -> str:
    document = json.loads((suite.data_dir / "demo-clients.json").read_text())
    client = document["clients"][key]
    response = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _tip_body() -> dict[str, Any]:
    return {
        "supplier": {"org_number": "556677-8899", "name": SUPPLIER},
        "agreement_id": "hvb-2022",
        "categories": ["invoicing"],
        "description": "Fakturerad nattpersonal fanns inte på plats.",
        "occurred_on": "2026-10-01",
        "reporter": {
            "municipality_code": "1280",
            "unit": "IFO",
            "activity": "social_services",
            "contact_email": "ifo@malmo.se",
        },
    }


def _file_tip(suite: Suite) -> str:
    response = httpx.post(
        f"{suite.url('tips')}/v1/tips",
        json=_tip_body(),
        headers={
            "Authorization": f"Bearer {_token(suite, 'malmo')}",
            "Idempotency-Key": secrets.token_hex(8),
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _ask(suite: Suite, tip_id: str) -> tuple[httpx.Response, float]:
    """A disclosure request and how long the answer took."""
    token = _token(suite, "polisen")
    started = time.monotonic()
    response = httpx.post(
        f"{suite.url('sharing')}/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": BEDRAGERI,
            "partner_reference": "5000-K1-26",
            "fields": ["supplier.name"],
        },
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": secrets.token_hex(8),
        },
        timeout=60,  # the service, not the client, must be the one that gives up
    )
    return response, time.monotonic() - started


def _assert_unavailable(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"].isdigit()
    body: dict[str, Any] = response.json()
    assert body["status"] == 503
    return body


@contextmanager
def _stopped(suite: Suite, name: str) -> Iterator[None]:
    """The service is down inside the block and up (and ready) again after it."""
    suite.stop_one(name)
    try:
        yield
    finally:
        if name not in suite.children:
            suite.start_one(name)
        wait_ready(suite.url(name))


@contextmanager
def _black_hole(port: int) -> Iterator[None]:
    """A listener on the port that completes TCP handshakes and then never answers."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(16)
        yield


def test_sharing_answers_503_promptly_when_tips_is_down(running_suite: Suite) -> None:
    suite = running_suite
    tip_id = _file_tip(suite)
    with _stopped(suite, "tips"):
        refused, seconds = _ask(suite, tip_id)
    assert seconds < PROMPT_SECONDS
    body = _assert_unavailable(refused)
    assert "tips" in body["detail"]
    assert SUPPLIER not in refused.text


def test_sharing_times_out_with_503_when_tips_hangs(running_suite: Suite) -> None:
    suite = running_suite
    tip_id = _file_tip(suite)
    with _stopped(suite, "tips"), _black_hole(suite.ports["tips"]):
        hung, seconds = _ask(suite, tip_id)
    assert seconds < PROMPT_SECONDS, "sharing waited on tips without a timeout"
    body = _assert_unavailable(hung)
    assert "tips" in body["detail"]
    assert SUPPLIER not in hung.text


def test_resource_servers_while_the_issuer_is_down(running_suite: Suite) -> None:
    """Cached keys keep tokens working; a service with no keys yet answers 503 fast."""
    suite = running_suite
    malmo = {"Authorization": f"Bearer {_token(suite, 'malmo')}"}
    compliance = {"Authorization": f"Bearer {_token(suite, 'compliance')}"}
    tips, audit = suite.url("tips"), suite.url("audit-log")
    assert httpx.get(f"{tips}/v1/tips", headers=malmo).status_code == 200

    with _stopped(suite, "sharing"):
        started = time.monotonic()
        cached = httpx.get(f"{tips}/v1/tips", headers=malmo, timeout=60)
        assert cached.status_code == 200, cached.text  # revocations stale < 60 s: fine
        assert time.monotonic() - started < PROMPT_SECONDS

        # A fresh audit-log process has never seen the issuer's keys.
        suite.stop_one("audit-log")
        suite.start_one("audit-log")
        wait_ready(audit)
        for _ in range(2):  # the second inside the JWKS refresh throttle, too
            started = time.monotonic()
            fresh = httpx.get(f"{audit}/v1/entries", headers=compliance, timeout=60)
            assert time.monotonic() - started < PROMPT_SECONDS
            body = _assert_unavailable(fresh)
            assert "keys" in body["detail"]

    # The issuer is back: the same audit-log process accepts the same token.
    deadline = time.monotonic() + 10
    while (
        answer := httpx.get(f"{audit}/v1/entries", headers=compliance)
    ).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert answer.status_code == 200, answer.text


def _start_upload(
    port: int, path: str, headers: dict[str, str], body: bytes
) -> socket.socket:
    """A POST whose handler is running and has read the first half of the body.

    `Expect: 100-continue` makes uvicorn say when the application first asks for the body,
    so the test knows the request was accepted instead of guessing with a sleep.
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Expect: 100-continue",
        "",
        "",
    ]
    sock.sendall("\r\n".join(lines).encode())
    interim = b""
    while not interim.endswith(b"\r\n\r\n"):
        chunk = sock.recv(1)
        assert chunk, "the connection closed before the request was accepted"
        interim += chunk
    assert interim.startswith(b"HTTP/1.1 100"), interim
    sock.sendall(body[: len(body) // 2])
    return sock


def _read_response(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of the one response on this connection (closed after it)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_sigterm_lets_in_flight_requests_finish(running_suite: Suite) -> None:
    """Three tips are mid-upload when tips gets SIGTERM: all three are filed, then it exits."""
    suite = running_suite
    auth = {"Authorization": f"Bearer {_token(suite, 'malmo')}"}
    tips_url, port = suite.url("tips"), suite.ports["tips"]
    assert httpx.get(f"{tips_url}/v1/tips", headers=auth).status_code == 200
    child = suite.children["tips"]
    bodies = [json.dumps(_tip_body()).encode() for _ in range(3)]
    in_flight: list[socket.socket] = []
    try:
        for body in bodies:
            headers = {**auth, "Idempotency-Key": secrets.token_hex(8)}
            in_flight.append(_start_upload(port, "/v1/tips", headers, body))
        child.send_signal(signal.SIGTERM)
        # Draining has begun once the listening socket is closed to new connections.
        deadline = time.monotonic() + 5
        while not _refuses_connections(port):
            assert time.monotonic() < deadline, "tips still accepts after SIGTERM"
            time.sleep(0.05)
        assert child.poll() is None, "tips exited with requests in flight"
        for sock, body in zip(in_flight, bodies, strict=True):
            sock.sendall(body[len(body) // 2 :])
        answers = [_read_response(sock) for sock in in_flight]
        assert [status for status, _ in answers] == [201, 201, 201], answers
        # uvicorn re-raises the signal once drained, so the exit status is -SIGTERM.
        assert child.wait(20) == -signal.SIGTERM
    finally:
        for sock in in_flight:
            sock.close()
        suite.stop_one("tips")
        suite.start_one("tips")
        wait_ready(tips_url)
    for _, tip in answers:  # committed, not lost with the process
        stored = httpx.get(f"{tips_url}/v1/tips/{tip['id']}", headers=auth)
        assert stored.status_code == 200, stored.text


def _tips_alone_on(url: str, data_dir: Path) -> Suite:
    """A suite of tips alone, on the database at ``url``."""
    return Suite(
        data_dir=data_dir,
        ports={"tips": free_port()},
        only=["tips"],
        env={"TIPS_DATABASE_URL": url},
        log_dir=data_dir / "logs",
    )


def _start_tips(suite: Suite) -> subprocess.Popen[bytes]:
    suite.prepare()
    child = suite.start_one("tips")
    try:
        wait_ready(suite.url("tips"))
    except TimeoutError:
        pytest.fail(f"tips did not start:\n{suite_logs(suite)}")
    return child


def _as_admin(admin_engine: Engine, statement: str, **params: str) -> None:
    with admin_engine.connect() as connection:
        connection.execute(text(statement), params)


def _cut_off(admin_engine: Engine, name: str) -> None:
    """The database takes no new connections, and its open ones are ended."""
    _as_admin(admin_engine, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    _as_admin(
        admin_engine,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = :name AND pid <> pg_backend_pid()",
        name=name,
    )


@pytest.mark.postgres
def test_readiness_follows_the_database_without_a_restart(
    tmp_path_factory: pytest.TempPathFactory, database_factory: DatabaseFactory
) -> None:
    admin = require_postgres()
    url = database_factory.empty("postgresql")
    name = make_url(url).database
    assert name is not None
    suite = _tips_alone_on(url, tmp_path_factory.mktemp("faults-postgres"))
    admin_engine = create_engine(
        admin, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        child = _start_tips(suite)
        base = suite.url("tips")

        _cut_off(admin_engine, name)
        started = time.monotonic()
        down = httpx.get(f"{base}/readyz", timeout=30)
        assert time.monotonic() - started < PROMPT_SECONDS
        body = _assert_unavailable(down)
        assert body["checks"]["database"] == "failing"
        assert httpx.get(f"{base}/healthz").status_code == 200  # alive, not ready

        _as_admin(admin_engine, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        wait_ready(base, timeout=10)
        assert child.poll() is None
        assert suite.children["tips"].pid == child.pid  # the same process, no restart
    finally:
        _as_admin(admin_engine, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        suite.stop()
        admin_engine.dispose()
