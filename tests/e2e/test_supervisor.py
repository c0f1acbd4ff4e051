"""`samverkan run` as a user starts it: stops everything on Ctrl-C however it was started,
everything when one service dies, refuses a taken port at once, and logs one JSON event a
line with a welcome once every service is ready. The demo's part of a run is in
test_supervisor_demo.py.

Every test starts `samverkan run` through the `samverkan` fixture (tests/e2e/conftest.py),
which kills whatever the run left behind (the supervisor and every process it started)
when the test ends.
"""

import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.processes import free_port
from tests.support.supervisor_runs import (
    SERVICES,
    Starter,
    alive,
    descendants,
    log_events,
)

pytestmark = pytest.mark.e2e


def _all_down(ports: dict[str, int]) -> bool:
    for port in ports.values():
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
        except httpx.HTTPError:
            continue
        return False
    return True


def test_sigint_stops_all_services(tmp_path: Path, samverkan: Starter) -> None:
    run = samverkan(tmp_path / "var")
    run.wait_ready()
    assert run.stop() == 0
    assert _all_down(run.ports)
    assert (tmp_path / "var" / "tips.db").exists()


@pytest.mark.parametrize(
    ("moment", "signum"),
    [
        ("while the demo starts", signal.SIGINT),
        ("while serving", signal.SIGTERM),
    ],
)
def test_a_signal_stops_every_child_when_started_with_sigint_ignored(
    tmp_path: Path, samverkan: Starter, moment: str, signum: int
) -> None:
    """`nohup samverkan run &` inherits SIGINT ignored; a signal must still stop it all."""
    run = samverkan(tmp_path / "var", ignore_sigint=True)
    if moment == "while serving":
        run.wait_for_output("Press Ctrl-C")
    else:
        run.wait_ready()  # the demo's own requests run now
    children = descendants(run.process.pid)
    assert len(children) >= 3

    run.process.send_signal(signum)
    assert run.process.wait(30) == 0
    assert _all_down(run.ports)
    assert [pid for pid in children if alive(pid)] == []


def test_one_service_dying_stops_the_others(tmp_path: Path, samverkan: Starter) -> None:
    run = samverkan(tmp_path / "var")
    run.wait_ready()
    pid = _pid_listening_on(run.ports["AUDIT_LOG"])
    os.kill(pid, signal.SIGKILL)
    # A generous deadline: stopping every child takes long on a loaded 2-core machine.
    assert run.process.wait(120) != 0
    assert _all_down(run.ports)


class _ReadyEverywhere(BaseHTTPRequestHandler):
    """Another program on the port: it answers /readyz (and everything) with 200."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ready"}')

    def log_message(self, *_args: Any) -> None:
        pass


def test_a_taken_port_is_named_and_nothing_starts(
    tmp_path: Path, samverkan: Starter
) -> None:
    stranger = ThreadingHTTPServer(("127.0.0.1", 0), _ReadyEverywhere)
    threading.Thread(target=stranger.serve_forever, daemon=True).start()
    taken = stranger.server_address[1]
    try:
        ports = {name: free_port() for name in SERVICES}
        run = samverkan(tmp_path / "var", ports={**ports, "SHARING": taken})
        code = run.process.wait(30)
    finally:
        stranger.shutdown()
        stranger.server_close()

    assert code == 2
    [event] = log_events(run.text())
    assert (event["event"], event["level"]) == ("port_in_use", "error")
    assert event["detail"] == (
        f"port {taken} on 127.0.0.1 for sharing cannot be used: Address "
        "already in use. Stop what listens there, or choose another port with "
        f"SAMVERKAN_SHARING_PORT (e.g. SAMVERKAN_SHARING_PORT={taken + 10})."
    )
    assert not (tmp_path / "var" / "tips.db").exists()  # nothing migrated


def test_one_log_format_and_a_welcome_once_every_service_is_ready(
    tmp_path: Path, samverkan: Starter
) -> None:
    """#17: the welcome says "running" only when it is true, and every other line of
    the output, the supervisor's, the demo steps' and the services', is one JSON event.
    Without the demo nothing waits for the services before the welcome but this."""
    # No demo data, but keys made on first start (a production start needs them).
    run = samverkan(
        tmp_path / "var", options=("--no-demo",), environment={"SAMVERKAN_DEMO": "1"}
    )
    run.wait_for_output("Press Ctrl-C")
    for service in SERVICES[:-1]:  # without the demo no witness runs
        assert httpx.get(f"{run.url(service)}/readyz").status_code == 200
    assert run.stop() == 0

    output = run.text()
    assert "Samverkan is starting" not in output
    assert "\nSamverkan is running, every service ready:\n" in output
    events = log_events(output)
    assert all({"event", "level", "timestamp"} <= set(event) for event in events)
    [running] = [event for event in events if event["event"] == "suite_running"]
    assert running["docs"] == {
        "tips": f"{run.url('TIPS')}/docs",
        "sharing": f"{run.url('SHARING')}/docs",
        "audit-log": f"{run.url('AUDIT_LOG')}/docs",
    }
    assert running["pages"] == {"console": f"{run.url('CONSOLE')}/"}
    assert running["logger"] == "samverkan.supervisor"
    assert running["demo_clients"] is None


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
