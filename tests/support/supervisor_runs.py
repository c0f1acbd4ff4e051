"""`samverkan run` started as a user starts it, for the supervisor's end-to-end tests:
the run, its ports and output, and every process below it (read from /proc).

``Runs`` starts them and, at the end of a test, kills whatever they left behind; the
``samverkan`` fixture (tests/e2e/conftest.py) hands a test its ``start``.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.processes import free_port, wait_ready

__all__ = [
    "SERVICES",
    "Run",
    "Runs",
    "Starter",
    "Watcher",
    "alive",
    "descendants",
    "log_events",
]

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


class Runs:
    """Every `samverkan run` of one test, and every process seen below them."""

    def __init__(self, output_dir: Path) -> None:
        self._output_dir = output_dir
        self._runs: list[Run] = []
        self._seen: set[int] = set()

    def start(
        self,
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
        output = self._output_dir / f"run-{len(self._runs)}.log"
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
        self._runs.append(run)
        return run

    def remember_descendants(self) -> None:
        for run in self._runs:
            self._seen.update(descendants(run.process.pid))

    def kill_all(self) -> None:
        """Kills every run still running, then every process any run left behind."""
        for run in self._runs:
            if run.process.poll() is None:
                run.process.kill()
                run.process.wait()
        for pid in self._seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


class Watcher:
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


def log_events(output: str) -> list[dict[str, Any]]:
    """The log events in a run's output: every line but the welcome text's."""
    welcome = output.find("\nSamverkan is running")
    if welcome != -1:
        end = output.index("Press Ctrl-C to stop all services.\n", welcome)
        output = output[:welcome] + output[output.index("\n", end) :]
    return [json.loads(line) for line in output.splitlines() if line.strip()]
