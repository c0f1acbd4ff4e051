"""The audit-log service's settings, read from the environment."""

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from samverkan_shared.settings import ServiceSettings

__all__ = ["AuditLogSettings"]


class AuditLogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUDIT_DATABASE_URL", "database_url"),
    )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("audit-log")
