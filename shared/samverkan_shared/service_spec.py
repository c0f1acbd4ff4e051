"""How a service tells the supervisor and the CLI what it is, without shared knowing it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

__all__ = ["ServiceSpec", "discover_services"]


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its name, ASGI factory, default port and lifecycle hooks.

    `migrate` and `seed` read their configuration from the environment (the same
    variables the service process gets); `seed` receives the data directory and
    is only called for the demo. `after_start` (demo only) runs once every service
    answers, for demo data that must travel through the running services' APIs.
    """

    name: str
    factory: str
    default_port: int
    migrate: Callable[[], None]
    seed: Callable[[Path], None] | None = None
    after_start: Callable[[Path], None] | None = None
    issuer: bool = False
    url_variable: str = ""
    env_defaults: Mapping[str, str] = field(default_factory=dict)
    # Where a person starts: an API's interactive docs, or a web app's own first page.
    start_page: str = "/docs"
    # Run by others in production (a partner's witness): `samverkan run` starts it
    # for the demo only; `samverkan serve NAME` always can.
    demo_only: bool = False

    @property
    def url_env(self) -> str:
        return self.url_variable or f"SAMVERKAN_{self._env_name}_URL"

    @property
    def port_env(self) -> str:
        return f"SAMVERKAN_{self._env_name}_PORT"

    @property
    def workers_env(self) -> str:
        return f"SAMVERKAN_{self._env_name}_WORKERS"

    @property
    def _env_name(self) -> str:
        return self.name.upper().replace("-", "_")


def discover_services() -> list[ServiceSpec]:
    """Every installed service, in a stable order (by default port)."""
    specs = [ep.load() for ep in entry_points(group="samverkan.services")]
    return sorted(specs, key=lambda spec: spec.default_port)
