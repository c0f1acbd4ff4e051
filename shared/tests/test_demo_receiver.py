"""The demo's webhook receiver as `samverkan run` starts it: where, with what allowed,
and left out (said) when it cannot run."""

import base64
import os
import socket
import time
from pathlib import Path

import httpx
import pytest
from structlog.testing import capture_logs

from samverkan_shared.demo_receiver import SECRET_FILE, DemoReceiver


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class TestConfiguration:
    def test_the_port_comes_from_the_environment_else_8010(
        self, tmp_path: Path
    ) -> None:
        env = {"SAMVERKAN_DEMO_WEBHOOK_PORT": "18123"}
        assert DemoReceiver.configured(tmp_path, "127.0.0.1", env).port == 18123
        assert DemoReceiver.configured(tmp_path, "127.0.0.1", {}).port == 8010

    @pytest.mark.parametrize(
        ("before", "after"),
        [
            ("", "127.0.0.1"),
            ("hooks.example:8443", "hooks.example:8443,127.0.0.1"),
            ("127.0.0.1", "127.0.0.1"),
        ],
    )
    def test_the_children_learn_its_url_and_may_deliver_to_it(
        self, tmp_path: Path, before: str, after: str
    ) -> None:
        receiver = DemoReceiver(tmp_path, "127.0.0.1", 8010)
        assert receiver.environment({"TIPS_WEBHOOK_ALLOW": before}) == {
            "SAMVERKAN_DEMO_WEBHOOK_URL": "http://127.0.0.1:8010/webhooks",
            "TIPS_WEBHOOK_ALLOW": after,
        }


class TestStarting:
    def test_without_a_seeded_secret_it_is_left_out_and_said(
        self, tmp_path: Path
    ) -> None:
        receiver = DemoReceiver(tmp_path, "127.0.0.1", _free_port())
        with capture_logs() as logs:
            receiver.start(dict(os.environ), None, None)
        assert receiver.process is None
        [event] = logs
        assert event["event"] == "demo_webhook_receiver_not_started"
        assert event["detail"] == f"{tmp_path / SECRET_FILE} was not seeded"

    def test_on_a_taken_port_it_is_left_out_and_said(self, tmp_path: Path) -> None:
        (tmp_path / SECRET_FILE).write_text(
            "whsec_" + base64.b64encode(b"s" * 32).decode()
        )
        receiver = DemoReceiver(tmp_path, "127.0.0.1", 8010)
        with capture_logs() as logs:
            receiver.start(dict(os.environ), None, "Address already in use")
        assert receiver.process is None
        assert logs[0]["detail"] == "port 8010: Address already in use"

    def test_it_runs_until_stopped(self, tmp_path: Path) -> None:
        (tmp_path / SECRET_FILE).write_text(
            "whsec_" + base64.b64encode(b"s" * 32).decode()
        )
        receiver = DemoReceiver(tmp_path, "127.0.0.1", _free_port())
        receiver.start(dict(os.environ), tmp_path, None)
        process = receiver.process
        assert process is not None
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    health = httpx.get(f"http://127.0.0.1:{receiver.port}/healthz")
                    break
                except httpx.ConnectError:
                    assert process.poll() is None, (
                        tmp_path / "demo-webhooks.log"
                    ).read_text()
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            assert health.status_code == 200
            unsigned = httpx.post(receiver.url, content=b"{}")
            assert unsigned.status_code == 401
        finally:
            receiver.stop()
        assert process.poll() is not None
        assert receiver.process is None
        assert (
            not receiver.events_file.exists() or receiver.events_file.read_text() == ""
        )
