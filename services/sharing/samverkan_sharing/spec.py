"""How the supervisor and the CLI find the sharing service."""

from samverkan_shared.db import migrate
from samverkan_shared.service_spec import ServiceSpec
from samverkan_sharing.demo import after_start
from samverkan_sharing.seed import seed
from samverkan_sharing.settings import SharingSettings

__all__ = ["SPEC"]


def _migrate() -> None:
    migrate(SharingSettings().effective_database_url, "samverkan_sharing")


SPEC = ServiceSpec(
    name="sharing",
    factory="samverkan_sharing.app:create_app",
    default_port=8002,
    migrate=_migrate,
    seed=seed,
    after_start=after_start,
    issuer=True,
)
