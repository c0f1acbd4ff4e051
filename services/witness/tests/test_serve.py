"""What a partner does: create the witness key, name the log, `samverkan witness serve`."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from samverkan_shared.cosignature import parse_cosigner_key, verified_cosignatures
from tests.support.processes import free_port, wait_ready

pytestmark = pytest.mark.e2e


def _samverkan(*args: str) -> list[str]:
    return [sys.executable, "-m", "samverkan_shared.cli", *args]


def test_a_partner_creates_a_key_and_serves_a_witness(tmp_path: Path, log) -> None:
    env = {**os.environ, "SAMVERKAN_DATA_DIR": str(tmp_path)}
    env["WITNESS_NAME"] = "partner.test/witness"
    env.pop("SAMVERKAN_DEMO", None)
    missing = subprocess.run(
        _samverkan("witness", "key"), env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert "samverkan witness key --create" in missing.stderr
    created = subprocess.run(
        _samverkan("witness", "key", "--create"),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = parse_cosigner_key(created.stdout)
    assert key.name == "partner.test/witness"
    # The log's key alone: its name is the origin.
    (tmp_path / "witness-logs.txt").write_text(log.verifier_key + "\n")
    port = free_port()
    with (tmp_path / "witness.out").open("wb") as output:
        process = subprocess.Popen(
            _samverkan("witness", "serve", "--port", str(port)),
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url)
        note = log.checkpoint(4)
        response = httpx.post(f"{url}/add-checkpoint", content=log.body(0, [], note))
        assert response.status_code == 200, response.text
        assert [c.name for c in verified_cosignatures(note + response.text, [key])] == [
            "partner.test/witness"
        ]
        assert (tmp_path / "witness.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
