"""Start the whole suite as real uvicorn processes on free ports (the `make run` code path)."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samverkan_shared.demo_receiver import PORT_ENV
from samverkan_shared.service_spec import discover_services
from samverkan_shared.supervisor import Suite


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: str = "no answer"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{url}/readyz", timeout=2.0)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.2)
    raise TimeoutError(f"{url} was not ready after {timeout}s: {last}")


def start_suite(data_dir: Path, env: dict[str, str] | None = None) -> Suite:
    suite = Suite(
        data_dir=data_dir,
        # Every installed service (the console too) on a port of its own.
        ports={spec.name: free_port() for spec in discover_services()},
        demo=True,
        # The demo's webhook receiver too (demo_receiver).
        env={PORT_ENV: str(free_port()), **(env or {})},
        log_dir=data_dir / "logs",
    )
    suite.prepare()
    suite.start()
    return suite


def suite_logs(suite: Suite) -> str:
    if suite.log_dir is None:
        return ""
    return "\n".join(
        f"--- {path.name}\n{path.read_text(errors='replace')[-20000:]}"
        for path in sorted(suite.log_dir.glob("*.log"))
    )


@pytest.fixture(scope="session")
def running_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    """The whole suite (the console too) on SQLite under a temporary data directory."""
    suite = start_suite(tmp_path_factory.mktemp("suite"))
    try:
        suite.wait_ready()
        suite.after_start()
    except Exception:  # any start-up failure: show the services' own logs
        suite.stop()
        pytest.fail(f"the suite did not start:\n{suite_logs(suite)}")
    yield suite
    suite.stop()
