"""Real processes: two writers on one PostgreSQL, and kill -9 in the middle of appends."""

import base64
import io
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.cli import main as verify_main
from samverkan_audit_log.merkle import root_from_leaf_hashes
from samverkan_shared.db import migrate
from tests.support.processes import free_port, wait_ready

pytestmark = pytest.mark.e2e
SCRIPT = Path(__file__).with_name("log_process.py")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def start_log(tmp_path: Path, issuer) -> Callable[..., Any]:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(issuer.jwks()))
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    @contextmanager
    def start(url: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
        port = free_port()
        log = (tmp_path / f"log-{port}.txt").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                str(SCRIPT),
                url,
                str(data_dir),
                str(port),
                str(jwks),
                issuer.issuer,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, timeout=30)
            yield base, process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=15)
            log.close()

    return start


def _migrate(url: str) -> None:
    migrate(url, "samverkan_audit_log")


def _all_items(base: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items, params = [], {"limit": 1000}
    while True:
        page = httpx.get(f"{base}/v1/entries", params=params, headers=headers).json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params = {"limit": 1000, "cursor": page["next_cursor"]}


@pytest.mark.postgres
def test_two_processes_on_one_postgresql_never_fork_or_gap(
    database_factory, start_log, issuer, make_entry, reader, appender
) -> None:
    url = database_factory.new("postgresql", "audit-log", _migrate)
    receipts: dict[str, list[dict[str, Any]]] = {}
    barrier = threading.Barrier(2)

    def append_all(base: str, name: str) -> None:
        barrier.wait()
        with httpx.Client(base_url=base, headers=appender, timeout=30) as client:
            receipts[name] = [
                client.post("/v1/entries", json=make_entry(f"{name}-{n}")).json()
                for n in range(50)
            ]

    with start_log(url) as (first, _), start_log(url) as (second, _):
        threads = [
            threading.Thread(target=append_all, args=(first, "a")),
            threading.Thread(target=append_all, args=(second, "b")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        items = _all_items(first, reader)
        key = parse_verifier_key(httpx.get(f"{first}/v1/log-key").text)

    assert [item["index"] for item in items] == list(range(100))
    leaf_hashes = [base64.b64decode(item["leaf_hash"]) for item in items]
    all_receipts = receipts["a"] + receipts["b"]
    assert sorted(r["index"] for r in all_receipts) == list(range(100))
    for receipt in all_receipts:
        checkpoint = open_signed_checkpoint(receipt["checkpoint"], key)
        assert checkpoint.tree_size == receipt["index"] + 1
        # Every checkpoint is the root of a prefix of the one final log: no fork.
        assert checkpoint.root_hash == root_from_leaf_hashes(
            leaf_hashes[: checkpoint.tree_size]
        )
        assert items[receipt["index"]]["leaf_hash"] == receipt["leaf_hash"]


def test_kill_9_loses_no_acknowledged_append(
    database_factory, start_log, issuer, make_entry, reader, appender, monkeypatch
) -> None:
    url = database_factory.new("sqlite", "audit-log", _migrate)
    acknowledged: list[dict[str, Any]] = []
    enough = threading.Event()

    def append_until_killed(base: str) -> None:
        with httpx.Client(base_url=base, headers=appender, timeout=10) as client:
            for number in range(100_000):
                try:
                    response = client.post("/v1/entries", json=make_entry(number))
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    acknowledged.append(response.json())
                if len(acknowledged) >= 40:
                    enough.set()

    with start_log(url) as (base, process):
        appender_thread = threading.Thread(target=append_until_killed, args=(base,))
        appender_thread.start()
        assert enough.wait(timeout=60)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        appender_thread.join(timeout=30)

    with start_log(url) as (base, _):
        items = _all_items(base, reader)
        by_index = {item["index"]: item for item in items}
        for receipt in acknowledged:
            assert by_index[receipt["index"]]["leaf_hash"] == receipt["leaf_hash"]
        response = httpx.post(
            f"{base}/v1/entries", json=make_entry(999_999), headers=appender
        )
        assert response.json()["index"] == len(items)

        monkeypatch.setenv("SAMVERKAN_ACCESS_TOKEN", issuer.token(["audit:read"]))
        out = io.StringIO()
        assert verify_main(["--url", base], stdout=out, stderr=io.StringIO()) == 0
        assert out.getvalue().startswith(f"OK: {len(items) + 1} entries, root ")
