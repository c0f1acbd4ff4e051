"""`samverkan run` stops everything on Ctrl-C, and everything when one service dies."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.processes import free_port, wait_ready

pytestmark = pytest.mark.e2e


def _run(tmp_path: Path) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    ports = {"TIPS": free_port(), "SHARING": free_port(), "AUDIT_LOG": free_port()}
    env = {**os.environ, **{f"SAMVERKAN_{k}_PORT": str(v) for k, v in ports.items()}}
    command = [
        sys.executable,
        "-m",
        "samverkan_shared.cli",
        "--data-dir",
        str(tmp_path),
    ]
    process = subprocess.Popen(
        [*command, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    for port in ports.values():
        wait_ready(f"http://127.0.0.1:{port}")
    return process, ports


def _all_down(ports: dict[str, int]) -> bool:
    for port in ports.values():
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
        except httpx.HTTPError:
            continue
        return False
    return True


def test_sigint_stops_all_services(tmp_path: Path) -> None:
    process, ports = _run(tmp_path)
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0
    assert _all_down(ports)
    assert (tmp_path / "tips.db").exists()


def test_one_service_dying_stops_the_others(tmp_path: Path) -> None:
    process, ports = _run(tmp_path)
    pid = _pid_listening_on(ports["AUDIT_LOG"])
    os.kill(pid, signal.SIGKILL)
    assert process.wait(30) != 0
    assert _all_down(ports)


def _pid_listening_on(port: int) -> int:
    """The uvicorn child started with this port (read from /proc, no extra tools)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in args and str(port).encode() in args:
            return int(cmdline.parent.name)
    raise AssertionError(f"no uvicorn process serves port {port}")
