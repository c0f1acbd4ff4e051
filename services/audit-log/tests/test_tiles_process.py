"""Tiles over a real uvicorn process: cache headers on the wire, and `samverkan
audit verify --via tiles` run as the command it is."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import free_port, wait_ready
from tests.support.tokens import TestIssuer

pytestmark = pytest.mark.e2e
SCRIPT = Path(__file__).with_name("log_process.py")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def log_url(database_url: str, tmp_path: Path, issuer: TestIssuer) -> Iterator[str]:
    """The audit-log in its own uvicorn process, trusting the test issuer."""
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(issuer.jwks()))
    port = free_port()
    with (tmp_path / "log.txt").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), database_url, str(tmp_path), str(port),
             str(jwks), issuer.issuer],
            stdout=output, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, timeout=30)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=15)


def _verify(base: str, token: str, *extra: str) -> subprocess.CompletedProcess[str]:
    key = httpx.get(f"{base}/v1/log-key").text
    return subprocess.run(
        [sys.executable, "-m", "samverkan_shared.cli", "audit", "verify",
         "--url", base, "--log-key", key, *extra],
        env={**os.environ, "SAMVERKAN_ACCESS_TOKEN": token}, cwd=ROOT,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_verify_through_the_tiles_of_a_running_log(
    log_url: str, issuer: TestIssuer, appender: dict[str, str], make_entry
) -> None:
    with httpx.Client(base_url=log_url, timeout=30) as client:
        for number in range(260):
            response = client.post(
                "/v1/entries", json=make_entry(number), headers=appender
            )
            assert response.status_code == 201
        full = client.get("/tile/0/000")
        assert (full.status_code, len(full.content)) == (200, 8192)
        assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert client.get("/checkpoint").headers["cache-control"] == "no-cache"
    token = issuer.token(["audit:read"])
    through_tiles = _verify(log_url, token, "--via", "tiles")
    assert through_tiles.returncode == 0, through_tiles.stdout + through_tiles.stderr
    assert through_tiles.stdout.startswith("OK: 260 entries, root ")
    assert through_tiles.stdout == _verify(log_url, token).stdout
