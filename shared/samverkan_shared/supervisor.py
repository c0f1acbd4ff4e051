"""`samverkan run` / `serve`: migrate, seed and start the services as uvicorn processes.

Every child runs in its own process group and is stopped as `samverkan_shared.shutdown`
says: SIGTERM, then SIGKILL to its whole group once a deadline has passed.

The supervisor's own lines are events of the services' log format (`start_logging`):
one stream, JSON lines or, on a terminal, structlog's console lines.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog

from samverkan_shared.demo_receiver import DemoReceiver
from samverkan_shared.logging import configure_logging
from samverkan_shared.service_spec import ServiceSpec, discover_services
from samverkan_shared.shutdown import signals_held, stopped_by_signals, wait_or_kill

__all__ = [
    "DEMO_STEP_FAILED",
    "DemoStepFailed",
    "InvalidWorkers",
    "PortInUse",
    "Suite",
    "child_environment",
    "port_refusal",
    "prepare_command",
    "start_logging",
    "supervisor_log",
    "uvicorn_command",
    "workers_for",
]

_GRACE_SECONDS = 15.0
supervisor_log = structlog.get_logger("samverkan.supervisor")
# Exit status of `samverkan prepare --seed` and `after-start` when only demo data failed:
# the databases are migrated and the services can serve.
DEMO_STEP_FAILED = 3


def start_logging() -> None:
    """Log as the services do: the level of SAMVERKAN_LOG_LEVEL, the same renderer.

    Raises ValueError for a level that is no level.
    """
    configure_logging(os.environ.get("SAMVERKAN_LOG_LEVEL", "INFO"))


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def uvicorn_command(
    spec: ServiceSpec, host: str, port: int, workers: int = 1
) -> list[str]:
    """The command of one service's process: uvicorn as ``service_process`` runs it."""
    command = [
        sys.executable,
        "-m",
        "samverkan_shared.cli",
        "uvicorn",
        spec.factory,
        "--host",
        host,
        "--port",
        str(port),
    ]
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


class PortInUse(ValueError):
    """A port the suite would listen on is taken (or cannot be listened on)."""


class DemoStepFailed(RuntimeError):
    """Demo data could not be made; the services themselves are fine."""


def port_refusal(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on now, or None if it can.

    Binds with SO_REUSEADDR as uvicorn does, so a port whose last connections linger
    in TIME_WAIT counts as free, and one with a listener (any address) as taken.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None


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
    receiver: DemoReceiver | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.specs = [s for s in discover_services() if self._runs(s)]
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
        if self.demo:  # a webhook receiver beside the services (demo_receiver)
            root = self.data_dir.resolve()
            self.receiver = DemoReceiver.configured(root, self.host, self.env)
            self.env.update(self.receiver.environment(self.env))

    def _runs(self, spec: ServiceSpec) -> bool:
        if self.only:
            return spec.name in self.only
        return self.demo or not spec.demo_only

    def url(self, name: str) -> str:
        return f"http://{self.host}:{self.ports[name]}"

    def check_configuration(self) -> None:
        """Refuse a bad setting or a taken port now, before migrating anything.

        Raises InvalidWorkers or PortInUse. Another program on a service's port would
        answer its /readyz, and the demo would then talk to a stranger.
        """
        for spec in self.specs:
            workers_for(spec, self.env)
        refusals = [
            f"port {self.ports[spec.name]} on {self.host} for {spec.name} cannot be "
            f"used: {reason}. Stop what listens there, or choose another port with "
            f"{spec.port_env} (e.g. {spec.port_env}={self.ports[spec.name] + 10})."
            for spec in self.specs
            if (reason := port_refusal(self.host, self.ports[spec.name])) is not None
        ]
        if refusals:
            raise PortInUse("\n".join(refusals))

    def prepare(self) -> None:
        """Migrate (and for the demo seed) every service, each in its own process.

        A failed migration raises CalledProcessError at once; demo data that could
        not be seeded raises DemoStepFailed once every service is migrated.
        """
        failed = []
        for spec in self.specs:
            command = prepare_command(spec, seed=self.demo)
            done = subprocess.run(command, env=self.env, check=False)
            if done.returncode == DEMO_STEP_FAILED:
                failed.append(spec.name)
            elif done.returncode != 0:
                raise subprocess.CalledProcessError(done.returncode, command)
        if failed:
            raise DemoStepFailed(f"seeding the demo data of {', '.join(failed)}")

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
        """Demo data that goes through the running services (each in its own process).

        Raises DemoStepFailed, naming the services whose step failed, after trying all.
        """
        failed = []
        # A demo-only service stands for a partner's, which is set up on its own before
        # the suite turns to it (the witness follows the log before the log asks it to
        # cosign); the sort is stable, so the rest keep their order.
        for spec in sorted(self.specs, key=lambda spec: not spec.demo_only):
            if spec.after_start is not None:
                command = [
                    sys.executable,
                    "-m",
                    "samverkan_shared.cli",
                    "after-start",
                    spec.name,
                ]
                if subprocess.run(command, env=self.env, check=False).returncode:
                    failed.append(spec.name)
        if self.receiver is not None:  # its secret comes from the steps above
            refusal = port_refusal(self.host, self.receiver.port)
            self.receiver.start(self.env, self.log_dir, refusal)
        if failed:
            raise DemoStepFailed(f"the demo requests of {', '.join(failed)}")

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
        """Send ``sig``; SIGKILL the child's process group if it lingers past the grace."""
        child = self.children.pop(name, None)
        if child is None:
            return
        with signals_held():
            if child.poll() is None:
                child.send_signal(sig)
            wait_or_kill(child, time.monotonic() + _GRACE_SECONDS)

    def stop(self, grace: float = _GRACE_SECONDS) -> None:
        """SIGTERM to every child at once; SIGKILL to what still runs after ``grace`` s."""
        with signals_held():
            if self.receiver is not None:
                self.receiver.stop()
            for child in self.children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + grace
            for name in list(self.children):
                wait_or_kill(self.children.pop(name), deadline)

    def first_exited(self) -> tuple[str, int] | None:
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def supervise(self) -> int:
        """Block until SIGINT/SIGTERM (exit 0) or until a child dies (exit non-zero).

        Every child is stopped on the way out, whichever came first.
        """
        try:
            with stopped_by_signals():
                while (exited := self.first_exited()) is None:
                    time.sleep(0.2)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()
        name, code = exited
        supervisor_log.error(
            "service_exited",
            service=name,
            code=code,
            detail=f"{name} exited with {code}; stopped the others",
        )
        return code or 1
