"""How the supervisor and the CLI find the tips service."""

from samverkan_shared.db import migrate
from samverkan_shared.service_spec import ServiceSpec
from samverkan_tips.seed import seed
from samverkan_tips.settings import TipsSettings

__all__ = ["SPEC"]


def _migrate() -> None:
    migrate(TipsSettings().effective_database_url, "samverkan_tips")


SPEC = ServiceSpec(
    name="tips",
    factory="samverkan_tips.app:create_app",
    default_port=8001,
    migrate=_migrate,
    seed=seed,
)
