"""How the supervisor and the CLI find the witness."""

from pathlib import Path

from samverkan_shared.db import migrate
from samverkan_shared.service_spec import ServiceSpec
from samverkan_witness.settings import WitnessSettings

__all__ = ["SPEC"]


def _migrate() -> None:
    migrate(WitnessSettings().effective_database_url, "samverkan_witness")


def _follow_demo_log(data_dir: Path) -> None:
    from samverkan_witness.demo import follow_demo_log

    follow_demo_log(data_dir)


SPEC = ServiceSpec(
    name="witness",
    factory="samverkan_witness.app:create_app",
    default_port=8005,
    migrate=_migrate,
    after_start=_follow_demo_log,
    # A partner runs the witness, not the log's operator: `samverkan run` starts one
    # for the demo only.
    demo_only=True,
)
