"""Shared pieces of the benchmarks: free ports, fresh databases, the suite, the baseline.

Everything here talks to 127.0.0.1 only. Every loop is bounded by a deadline and a
request count, and every child process is stopped by its own Popen handle.
"""

import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from lean_client import LeanClient, LeanResponse, TransportError
from sqlalchemy.engine import make_url

from samverkan_shared.demo_receiver import PORT_ENV
from samverkan_shared.service_spec import discover_services
from samverkan_shared.supervisor import Suite

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# --- databases -----------------------------------------------------------------


class Databases:
    """Fresh databases for one run: SQLite files in a temp dir, or new PostgreSQL ones."""

    def __init__(self, workdir: Path, postgres: str | None) -> None:
        self.workdir = workdir
        self.postgres = postgres
        self._created: list[str] = []

    @property
    def backend(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    def new(self, label: str) -> str:
        name = f"samverkan_bench_{label}_{secrets.token_hex(4)}"
        if self.postgres is None:
            return f"sqlite:///{self.workdir / name}.db"
        _admin(self.postgres, f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return make_url(self.postgres).set(database=name).render_as_string(False)

    def drop_all(self) -> None:
        if self.postgres is None:
            return
        for name in self._created:
            _admin(self.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()


def _admin(url: str, statement: str) -> None:
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(statement.encode())


def suite_env(databases: Databases) -> dict[str, str]:
    """Database URLs for the three services: defaults (SQLite) or fresh PostgreSQL."""
    if databases.postgres is None:
        return {}
    return {
        "TIPS_DATABASE_URL": databases.new("tips"),
        "SHARING_DATABASE_URL": databases.new("sharing"),
        "AUDIT_DATABASE_URL": databases.new("audit"),
    }


# --- processes -----------------------------------------------------------------


@contextmanager
def running_suite(
    data_dir: Path, env: dict[str, str], *, demo_after_start: bool = False
) -> Iterator[Suite]:
    """The demo suite on free ports, migrated and seeded; stopped on exit.

    Every installed service gets a port of its own (the console and the demo's
    witness too, and the demo's webhook receiver), so a bench never collides with a
    running `make run`."""
    suite = Suite(
        data_dir=data_dir,
        ports={spec.name: free_port() for spec in discover_services()},
        demo=True,
        env={"SAMVERKAN_LOG_LEVEL": "WARNING", PORT_ENV: str(free_port()), **env},
        log_dir=data_dir / "logs",
    )
    try:
        suite.prepare()
        suite.start()
        suite.wait_ready(120)
        if demo_after_start:
            suite.after_start()
        yield suite
    finally:
        suite.stop()


@contextmanager
def running_baseline(database_url: str) -> Iterator[str]:
    """bench/baseline_app.py under uvicorn, with the same flags as the services."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "baseline_app:create_app", "--factory",
        "--host", HOST, "--port", str(port), "--no-access-log",
        "--log-level", "warning", "--app-dir", str(BENCH_DIR),
    ]  # fmt: skip
    env = {**os.environ, "BASELINE_DATABASE_URL": database_url}
    child = subprocess.Popen(command, env=env, start_new_session=True)
    url = f"http://{HOST}:{port}"
    try:
        wait_ready(url, child)
        yield url
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def wait_ready(url: str, child: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {child.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} was not ready after {timeout:.0f}s")


@contextmanager
def temp_dir(keep: bool = False) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="samverkan-bench-"))
    try:
        yield path
    finally:
        if not keep:
            import shutil

            shutil.rmtree(path, ignore_errors=True)


# --- tokens --------------------------------------------------------------------


class Tokens:
    """One access token per demo client, fetched once (they live five minutes)."""

    def __init__(self, suite: Suite) -> None:
        document = json.loads((suite.data_dir / "demo-clients.json").read_text())
        self.clients: dict[str, dict[str, str]] = document["clients"]
        self.token_url = f"{suite.url('sharing')}/oauth/token"
        self._tokens: dict[str, str] = {}

    def headers(self, key: str) -> dict[str, str]:
        if key not in self._tokens:
            client = self.clients[key]
            response = httpx.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=(client["client_id"], client["client_secret"]),
                timeout=30,
            )
            response.raise_for_status()
            self._tokens[key] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[key]}"}


# --- measuring -----------------------------------------------------------------


@dataclass
class Stats:
    """Latencies (seconds) of the successful calls of one operation, and its errors."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    # 503 with Retry-After where the load is offered, not closed (drive_paced): the
    # admission limit refusing more than the machine serves, as designed.
    refused: int = 0
    error_samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(what[:200])

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    def row(self) -> str:
        return (
            f"{self.name:<28} {self.count:>7} {self.throughput:>9.1f} "
            f"{self.percentile(50):>8.1f} {self.percentile(95):>8.1f} "
            f"{self.percentile(99):>8.1f} {self.errors:>6}"
        )


HEADER = (
    f"{'operation':<28} {'ok':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'p99 ms':>8} {'errors':>6}"
)


def print_table(title: str, rows: list[Stats]) -> None:
    print(f"\n{title}")
    print(HEADER)
    for stats in rows:
        print(stats.row())
        for sample in stats.error_samples:
            print(f"    error: {sample}")
        if stats.refused:
            print(
                f"    refused: {stats.refused} (503 with Retry-After: offered more than served)"
            )


Call = Callable[[LeanClient, int], Awaitable[LeanResponse]]


@dataclass(frozen=True)
class Workload:
    """``workers`` coroutines calling ``call`` until ``duration`` or ``max_requests``."""

    stats: Stats
    call: Call
    workers: int
    expect: tuple[int, ...] = (200, 201)
    on_success: Callable[[LeanResponse], None] | None = None


async def drive(workloads: list[Workload], duration: float, max_requests: int) -> None:
    """Run every workload concurrently; each is bounded in time and in count."""
    async with LeanClient(timeout=30.0) as client:
        started = time.perf_counter()
        deadline = started + duration
        await asyncio.gather(
            *(_run(client, load, deadline, max_requests) for load in workloads)
        )
        elapsed = time.perf_counter() - started
    for load in workloads:
        load.stats.elapsed += elapsed  # a workload may be driven in rounds


async def _run(
    client: LeanClient, load: Workload, deadline: float, max_requests: int
) -> None:
    budget = [max_requests]

    async def worker() -> None:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            await _one(client, load, budget[0])

    await asyncio.gather(*(worker() for _ in range(load.workers)))


LISTING_PAGE = 20  # rows per page in the listing phases


def baseline_workload(url: str, workers: int) -> Workload:
    """One row inserted per request into the baseline app (same JSON size as a tip)."""
    payload = {"kind": "baseline", "body": "x" * 600}

    async def call(client: LeanClient, sequence: int) -> LeanResponse:
        return await client.post(f"{url}/items", json={**payload, "n": sequence})

    return Workload(Stats("baseline insert"), call, workers)


def baseline_listing_workload(url: str, workers: int) -> Workload:
    """A page of the 20 newest rows of the baseline app."""

    async def call(client: LeanClient, sequence: int) -> LeanResponse:
        return await client.get(f"{url}/items", params={"limit": LISTING_PAGE})

    return Workload(Stats("baseline list of 20"), call, workers)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def drive_paced(load: Workload, rate: float, duration: float) -> None:
    """Start ``load.call`` at a steady ``rate`` per second, whatever the answers take.

    Unlike ``drive`` (each worker waits for its answer before the next call, so the
    latency measured is the queue the workers themselves build), this is an offered
    load: callers that send a request every so often, as partner agencies do.
    """
    async with LeanClient(timeout=30.0) as client:
        started = time.perf_counter()
        calls: list[asyncio.Task[None]] = []
        sequence = 0
        while (now := time.perf_counter()) < started + duration:
            calls.append(asyncio.create_task(_one(client, load, sequence, paced=True)))
            sequence += 1
            await asyncio.sleep(max(0.0, started + sequence / rate - now))
        await asyncio.gather(*calls)
        load.stats.elapsed = time.perf_counter() - started


async def _one(
    client: LeanClient, load: Workload, sequence: int, *, paced: bool = False
) -> None:
    """One call: its latency if it succeeded and its answer checks out, else an error
    (in an offered load, a refusal by admission control is counted apart)."""
    began = time.perf_counter()
    try:
        response = await load.call(client, sequence)
    except TransportError as error:
        load.stats.error(f"{type(error).__name__}: {error}")
        return
    took = time.perf_counter() - began
    if paced and response.status_code == 503 and "retry-after" in response.headers:
        load.stats.refused += 1
        return
    if response.status_code not in load.expect:
        load.stats.error(f"HTTP {response.status_code} {response.text}")
        return
    try:
        if load.on_success is not None:
            load.on_success(response)
    except (AssertionError, KeyError, ValueError) as error:
        load.stats.error(f"bad answer: {error}")
        return
    load.stats.latencies.append(took)
