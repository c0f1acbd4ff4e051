"""`samverkan run` / `serve`: migrate, seed and start the services as uvicorn processes."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import httpx

from samverkan_shared.service_spec import ServiceSpec, discover_services

__all__ = [
    "Suite",
    "child_environment",
    "prepare_command",
    "uvicorn_command",
    "workers_for",
]

_GRACE_SECONDS = 15.0


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def uvicorn_command(
    spec: ServiceSpec, host: str, port: int, workers: int = 1
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        spec.factory,
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        # Nothing reads the client's address or scheme (logs carry request and
        # trace ids, URLs come from settings): X-Forwarded-* parsing on every
        # request was ~5 % of a small request's CPU for nothing.
        "--no-proxy-headers",
        "--timeout-graceful-shutdown",
        "10",
    ]
    # Several processes on one port (uvicorn's process manager); each runs the
    # whole app, so everything shared between them lives in the database.
    return [*command, "--workers", str(workers)] if workers > 1 else command


class InvalidWorkers(ValueError):
    """A ``SAMVERKAN_<SERVICE>_WORKERS`` that is not a worker count."""


def workers_for(spec: ServiceSpec, env: Mapping[str, str]) -> int:
    """Worker processes for ``spec``: ``SAMVERKAN_<SERVICE>_WORKERS``, default 1."""
    value = env.get(spec.workers_env, "1").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise InvalidWorkers(
            f"{spec.workers_env}={value!r}: give a whole number of worker processes "
            "from 1 to 64"
        )
    return int(value)


def prepare_command(spec: ServiceSpec, *, seed: bool) -> list[str]:
    command = [sys.executable, "-m", "samverkan_shared.cli", "prepare", spec.name]
    return [*command, "--seed"] if seed else command


def child_environment(
    specs: Sequence[ServiceSpec],
    ports: Mapping[str, int],
    *,
    host: str,
    data_dir: Path,
    demo: bool,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment every child shares: data dir, each service's URL, the issuer."""
    env = dict(os.environ if base is None else base)
    env["SAMVERKAN_DATA_DIR"] = str(data_dir)
    for spec in specs:
        env.setdefault(spec.url_env, f"http://{host}:{ports[spec.name]}")
        for key, value in spec.env_defaults.items():
            env.setdefault(key, value)
    issuer = next((spec for spec in specs if spec.issuer), None)
    if issuer is not None:
        env.setdefault("SAMVERKAN_ISSUER", env[issuer.url_env])
    if demo:
        env["SAMVERKAN_DEMO"] = "1"
    return env


@dataclass
class Suite:
    """The running services; stops them all when one dies or when told to."""

    data_dir: Path
    host: str = "127.0.0.1"
    ports: dict[str, int] = field(default_factory=dict)
    demo: bool = True
    only: Sequence[str] = ()
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.specs = [
            s for s in discover_services() if not self.only or s.name in self.only
        ]
        for spec in self.specs:
            port = os.environ.get(spec.port_env) or spec.default_port
            self.ports.setdefault(spec.name, int(port))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.env = child_environment(
            discover_services(),
            {**{s.name: s.default_port for s in discover_services()}, **self.ports},
            host=self.host,
            data_dir=self.data_dir.resolve(),
            demo=self.demo,
            base={**os.environ, **self.env},
        )

    def url(self, name: str) -> str:
        return f"http://{self.host}:{self.ports[name]}"

    def check_configuration(self) -> None:
        """Refuse a bad setting now, before migrating anything (InvalidWorkers)."""
        for spec in self.specs:
            workers_for(spec, self.env)

    def prepare(self) -> None:
        """Migrate (and for the demo seed) every service, each in its own process."""
        for spec in self.specs:
            subprocess.run(
                prepare_command(spec, seed=self.demo), env=self.env, check=True
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until every service's /readyz answers 200, or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        pending = [spec.name for spec in self.specs]
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"not ready after {timeout:.0f}s: {', '.join(pending)}"
                )
            if self.first_exited() is not None:
                name, code = self.first_exited() or ("?", 1)
                raise RuntimeError(f"{name} exited with {code} while starting")
            pending = [
                name for name in pending if not _answers(f"{self.url(name)}/readyz")
            ]
            time.sleep(0.2)

    def after_start(self) -> None:
        """Demo data that goes through the running services (each in its own process)."""
        for spec in self.specs:
            if spec.after_start is not None:
                command = [
                    sys.executable,
                    "-m",
                    "samverkan_shared.cli",
                    "after-start",
                    spec.name,
                ]
                subprocess.run(command, env=self.env, check=True)

    def start(self) -> None:
        for spec in self.specs:
            self.start_one(spec.name)

    def start_one(self, name: str) -> subprocess.Popen[bytes]:
        spec = next(s for s in self.specs if s.name == name)
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{name}.log").open("ab")
        child = subprocess.Popen(
            uvicorn_command(
                spec, self.host, self.ports[name], workers_for(spec, self.env)
            ),
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        self.children[name] = child
        return child

    def stop_one(self, name: str, sig: int = signal.SIGTERM) -> None:
        child = self.children.pop(name, None)
        if child is None or child.poll() is not None:
            return
        child.send_signal(sig)
        try:
            child.wait(_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for name in list(self.children):
            self.stop_one(name)

    def first_exited(self) -> tuple[str, int] | None:
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def supervise(self) -> int:
        """Block until a signal (exit 0) or until a child dies (exit non-zero)."""
        stopping: list[int] = []

        def _on_signal(signum: int, _frame: FrameType | None) -> None:
            stopping.append(signum)

        previous = {
            s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not stopping:
                exited = self.first_exited()
                if exited is not None:
                    name, code = exited
                    print(
                        f"samverkan: {name} exited with {code}; stopping the others",
                        file=sys.stderr,
                    )
                    return code or 1
                time.sleep(0.2)
            return 0
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
