"""How the supervisor and the CLI find the audit-log service."""

from pathlib import Path

from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.db import migrate
from samverkan_shared.service_spec import ServiceSpec

__all__ = ["SPEC"]


def _migrate() -> None:
    migrate(AuditLogSettings().effective_database_url, "samverkan_audit_log")


def _use_demo_witness(data_dir: Path) -> None:
    from samverkan_audit_log.witnessing.demo import use_demo_witness

    use_demo_witness(data_dir)


SPEC = ServiceSpec(
    name="audit-log",
    factory="samverkan_audit_log.app:create_app",
    default_port=8003,
    migrate=_migrate,
    after_start=_use_demo_witness,
)
