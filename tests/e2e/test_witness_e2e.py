"""Witnessing over real processes: the demo's witness cosigns the log's checkpoints, a
receipt verifies offline with `samverkan receipt verify`, and the witness keeps its
state over a restart while the log goes on without it.

The test that stops the witness starts it again before it ends, so the shared suite
is whole for whatever test runs next.
"""

import hashlib
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.demo import demo_token, file_demo_tip
from tests.support.payloads import BEDRAGERI
from tests.support.processes import wait_ready

pytestmark = pytest.mark.e2e

WITNESSED = "Samverkan-Witnessed"


def _disclose(suite: Suite) -> dict[str, Any]:
    """A tip filed and a disclosure released: one more entry in the log."""
    tip = file_demo_tip(
        suite,
        supplier={"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
        agreement_id="hvb-2022",
        categories=("invoicing",),
        description="Fakturerad nattpersonal fanns inte på plats.",
    )
    asked = httpx.post(
        f"{suite.url('sharing')}/v1/disclosure-requests",
        json={
            "tip_id": tip["id"],
            "purpose": BEDRAGERI,
            "partner_reference": "5000-K1-26",
            "fields": ["supplier.name"],
        },
        headers={
            "Authorization": f"Bearer {demo_token(suite, 'polisen')}",
            "Idempotency-Key": secrets.token_hex(8),
        },
        timeout=60,
    )
    assert asked.status_code in (200, 201), asked.text
    released: dict[str, Any] = asked.json()
    return released


def _witnessed(suite: Suite, at_least: int, timeout: float = 120.0) -> str:
    """The log's checkpoint once one of size >= at_least meets the witness policy."""
    headers = {"Authorization": f"Bearer {demo_token(suite, 'compliance')}"}
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{suite.url('audit-log')}/v1/checkpoint", headers=headers)
        assert response.status_code == 200, response.text
        size = int(response.text.split("\n")[1])
        if response.headers[WITNESSED] == "true" and size >= at_least:
            return response.text
        if time.monotonic() > deadline:
            status = httpx.get(
                f"{suite.url('audit-log')}/v1/witnesses", headers=headers
            )
            raise AssertionError(f"not witnessed in {timeout}s: {status.text}")
        time.sleep(0.3)


def _receipt_verify(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "samverkan_shared.cli", "receipt", "verify", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_a_receipt_of_a_witnessed_checkpoint_verifies_offline(
    running_suite: Suite, tmp_path: Path
) -> None:
    _disclose(running_suite)
    note = _witnessed(running_suite, at_least=1)
    size = int(note.split("\n")[1])
    headers = {"Authorization": f"Bearer {demo_token(running_suite, 'compliance')}"}
    audit = running_suite.url("audit-log")
    receipt = httpx.get(f"{audit}/v1/entries/{size - 1}/tlog-proof", headers=headers)
    assert receipt.headers[WITNESSED] == "true"
    path = tmp_path / "entry.tlog-proof"
    path.write_text(receipt.text)
    log_key = httpx.get(f"{audit}/v1/log-key").text
    witness_key = httpx.get(f"{running_suite.url('witness')}/v1/witness-key").text
    keys = ["--log-key", log_key, "--witness-key", witness_key]
    done = _receipt_verify(str(path), *keys)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"OK: entry {size - 1} is in ")
    assert "witnessed by 1 of the 1 required" in done.stdout
    # The same file with one cosignature byte changed fails, offline, and says why.
    lines = receipt.text.split("\n")
    cosigner = witness_key.split("+")[0]
    at = lines.index(
        next(line for line in lines if line.startswith(f"\u2014 {cosigner} "))
    )
    name, encoded = lines[at].removeprefix("\u2014 ").split(" ")
    flipped = encoded[:-6] + ("A" if encoded[-6] != "A" else "B") + encoded[-5:]
    lines[at] = f"\u2014 {name} {flipped}"
    path.write_text("\n".join(lines))
    failed = _receipt_verify(str(path), *keys)
    assert failed.returncode == 1
    assert failed.stdout.startswith("FAIL: cosignature:"), failed.stdout


def test_a_partner_gets_its_receipt_from_sharing_and_verifies_it_offline(
    running_suite: Suite, tmp_path: Path
) -> None:
    """The recipient holds no audit scope: sharing fetches the receipt of the
    release it logged, and the partner checks it with the log's and witness's keys."""
    disclosure = _disclose(running_suite)
    index = disclosure["audit"]["index"]
    _witnessed(running_suite, at_least=index + 1)
    url = f"{running_suite.url('sharing')}/v1/disclosure-requests/{disclosure['id']}"
    police = {"Authorization": f"Bearer {demo_token(running_suite, 'polisen')}"}
    receipt = httpx.get(f"{url}/receipt", headers=police)
    assert receipt.status_code == 200, receipt.text
    assert receipt.headers[WITNESSED] == "true"
    path = tmp_path / "disclosure.tlog-proof"
    path.write_text(receipt.text)
    log_key = httpx.get(f"{running_suite.url('audit-log')}/v1/log-key").text
    witness_key = httpx.get(f"{running_suite.url('witness')}/v1/witness-key").text
    done = _receipt_verify(
        str(path), "--log-key", log_key, "--witness-key", witness_key
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"OK: entry {index} is in ")
    other = {"Authorization": f"Bearer {demo_token(running_suite, 'skatteverket')}"}
    assert httpx.get(f"{url}/receipt", headers=other).status_code == 404


def test_the_witness_keeps_its_state_over_a_restart_and_catches_up(
    running_suite: Suite,
) -> None:
    _disclose(running_suite)
    note = _witnessed(running_suite, at_least=1)
    size = int(note.split("\n")[1])
    witness = running_suite.url("witness")
    origin_hash = hashlib.sha256(note.split("\n")[0].encode()).hexdigest()
    running_suite.stop_one("witness")
    try:
        _disclose(running_suite)  # the log goes on without its witness
    finally:
        running_suite.start_one("witness")
        wait_ready(witness)
    kept = httpx.get(f"{witness}/{origin_hash}/checkpoint")
    assert kept.status_code == 200
    assert int(kept.text.split("\n")[1]) >= size
    # A checkpoint sent as if the witness had seen nothing: it remembers what it saw.
    plain = note.split("\n\n")[0] + "\n\n" + note.split("\n\n")[1].split("\n")[0] + "\n"
    stale = httpx.post(f"{witness}/add-checkpoint", content=f"old 0\n\n{plain}")
    assert stale.status_code == 409
    assert int(stale.text) >= size
    _witnessed(running_suite, at_least=size + 1)
    assert httpx.get(f"{witness}/v1/forks").json()["items"] == []
