"""`samverkan run` as a user starts it: stops everything on Ctrl-C however it was started,
everything when one service dies, refuses a taken port at once, and a second run after the
user has worked with the suite starts as the first did.

Every test starts `samverkan run` through the `samverkan` fixture, which kills whatever
the run left behind (the supervisor and every process it started) when the test ends.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.processes import free_port, wait_ready

pytestmark = pytest.mark.e2e

SERVICES = ("TIPS", "SHARING", "AUDIT_LOG", "CONSOLE", "WITNESS")


@dataclass
class Run:
    """One `samverkan run` process, its ports and the file its output goes to."""

    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    output: Path
    data_dir: Path

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    # A deadline, not a wait: a whole `samverkan run` (migrate, seed, three services,
    # the demo's disclosures) on two busy cores can take minutes.
    def wait_for_output(self, needle: str, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"never printed {needle!r}:\n{self.text()}")
            time.sleep(0.1)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def wait_ready(self) -> None:
        # The same deadline as wait_for_output: migrating and seeding come first.
        for port in self.ports.values():
            wait_ready(f"http://127.0.0.1:{port}", timeout=300.0)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(30)


Starter = Callable[..., Run]


@pytest.fixture
def samverkan(tmp_path: Path) -> Iterator[Starter]:
    """Starts `samverkan run`; at the end kills every process any run left behind."""
    runs: list[Run] = []
    seen: set[int] = set()

    def start(
        data_dir: Path,
        *,
        ports: dict[str, int] | None = None,
        ignore_sigint: bool = False,
        options: tuple[str, ...] = (),
        environment: dict[str, str] | None = None,
    ) -> Run:
        ports = ports or {name: free_port() for name in SERVICES}
        env = {
            **os.environ,
            **{f"SAMVERKAN_{k}_PORT": str(v) for k, v in ports.items()},
            **(environment or {}),
        }
        output = tmp_path / f"run-{len(runs)}.log"
        command = [sys.executable, "-m", "samverkan_shared.cli", "--data-dir"]
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [*command, str(data_dir), "run", *options],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # As `nohup … &` and many CI runners start it.
                preexec_fn=_ignore_sigint if ignore_sigint else None,
            )
        run = Run(process, ports, output, data_dir)
        runs.append(run)
        return run

    def remember_descendants() -> None:
        for run in runs:
            seen.update(descendants(run.process.pid))

    watcher = _Watcher(remember_descendants)
    try:
        yield start
    finally:
        watcher.stop()
        for run in runs:
            if run.process.poll() is None:
                run.process.kill()
                run.process.wait()
        for pid in seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


class _Watcher:
    """Notes every run's descendants every 0.2 s, so that teardown can kill them all."""

    def __init__(self, note: Callable[[], None]) -> None:
        self._note = note
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stopped.wait(0.2):
            self._note()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._note()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc, no extra tools)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


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
    assert run.process.wait(30) != 0
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
    [event] = _events(run.text())
    assert (event["event"], event["level"]) == ("port_in_use", "error")
    assert event["detail"] == (
        f"port {taken} on 127.0.0.1 for sharing cannot be used: Address "
        "already in use. Stop what listens there, or choose another port with "
        f"SAMVERKAN_SHARING_PORT (e.g. SAMVERKAN_SHARING_PORT={taken + 10})."
    )
    assert not (tmp_path / "var" / "tips.db").exists()  # nothing migrated


def _events(output: str) -> list[dict[str, Any]]:
    """The log events in a run's output: every line but the welcome text's."""
    welcome = output.find("\nSamverkan is running")
    if welcome != -1:
        end = output.index("Press Ctrl-C to stop all services.\n", welcome)
        output = output[:welcome] + output[output.index("\n", end) :]
    return [json.loads(line) for line in output.splitlines() if line.strip()]


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
    events = _events(output)
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


def test_the_demo_steps_log_as_the_services_do(
    tmp_path: Path, samverkan: Starter
) -> None:
    run = samverkan(tmp_path / "var")
    run.wait_for_output("Press Ctrl-C")
    assert run.stop() == 0
    events = _events(run.text())
    imported = [event for event in events if event["event"] == "agreements_imported"]
    assert imported[0]["service"] == "tips"
    [running] = [event for event in events if event["event"] == "suite_running"]
    assert running["demo_clients"] == str(
        (tmp_path / "var").resolve() / "demo-clients.json"
    )


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


# --- a second `make run` -------------------------------------------------------------


def _token(run: Run, client: str) -> dict[str, str]:
    document = json.loads((run.data_dir / "demo-clients.json").read_text())
    credentials = document["clients"][client]
    response = httpx.post(
        f"{run.url('SHARING')}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _tree_size(run: Run) -> int:
    response = httpx.get(
        f"{run.url('AUDIT_LOG')}/v1/checkpoint", headers=_token(run, "compliance")
    )
    assert response.status_code == 200, response.text
    return int(response.text.splitlines()[1])


def _file_tips_the_demo_could_mistake_for_its_own(run: Run) -> None:
    """File tips as malmo until one sorts before or after every demo tip by id.

    A demo that picks "the first" or "the last" tip by id would then pick the user's.
    """
    headers = _token(run, "malmo")
    listed = httpx.get(f"{run.url('TIPS')}/v1/tips", headers=headers).json()["items"]
    demo_ids = sorted(item["id"] for item in listed)
    for attempt in range(60):
        response = httpx.post(
            f"{run.url('TIPS')}/v1/tips",
            headers={**headers, "Idempotency-Key": f"user-tip-{attempt}"},
            json={
                "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
                "agreement_id": "hvb-2022",
                "categories": ["staffing"],
                "description": "Ingen nattpersonal på plats vid besök.",
                "occurred_on": "2026-10-01",
                "reporter": {
                    "municipality_code": "1280",
                    "unit": "IFO Barn och unga",
                    "activity": "social_services",
                },
            },
        )
        assert response.status_code == 201, response.text
        if not demo_ids[0] < response.json()["id"] < demo_ids[-1]:
            return
    raise AssertionError("no tip sorted outside the demo's in 60 tries")


def test_a_second_run_after_filing_a_tip_starts_as_the_first(
    tmp_path: Path, samverkan: Starter
) -> None:
    """#17: file a tip as malmo, stop, `make run` again: the demo adds nothing, fails not."""
    first = samverkan(tmp_path / "var")
    first.wait_for_output("Press Ctrl-C")
    _file_tips_the_demo_could_mistake_for_its_own(first)
    logged = _tree_size(first)
    assert first.stop() == 0

    second = samverkan(tmp_path / "var", ports=first.ports)
    second.wait_for_output("Press Ctrl-C")
    assert "WARNING" not in second.text()
    assert "demo step" not in second.text()
    assert _tree_size(second) == logged  # nothing disclosed twice
    assert second.stop() == 0


def test_a_failing_demo_step_leaves_the_services_serving(
    tmp_path: Path, samverkan: Starter
) -> None:
    data_dir = tmp_path / "var"
    (data_dir / "demo-clients.json").mkdir(parents=True)  # the seed cannot write it

    run = samverkan(data_dir)
    run.wait_for_output("Press Ctrl-C")
    failed = {
        event["step"]: event
        for event in _events(run.text())
        if event["event"] == "demo_step_failed"
    }
    assert set(failed) == {"seed", "after-start"}
    assert failed["seed"]["detail"].startswith(
        "demo step sharing seed failed: IsADirectoryError"
    )
    assert "Traceback" in failed["seed"]["exception"]  # in the line, not beside it
    assert failed["after-start"]["service"] == "sharing"
    assert "WARNING: the demo is incomplete" in run.text()
    run.wait_ready()
    assert run.process.poll() is None
    assert run.stop() == 0
