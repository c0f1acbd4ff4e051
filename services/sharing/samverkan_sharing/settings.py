"""The sharing service's settings, read from the environment."""

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from samverkan_shared.settings import ServiceSettings

__all__ = ["SharingSettings"]


class SharingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHARING_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SHARING_DATABASE_URL", "database_url"),
    )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("sharing")
