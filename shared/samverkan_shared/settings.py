"""Settings every service shares: data directory, issuer, log level, service URLs."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ServiceSettings"]


class ServiceSettings(BaseSettings):
    """Base of each service's settings object; suite-wide names are read without a prefix."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default=Path("var"),
        validation_alias=AliasChoices("SAMVERKAN_DATA_DIR", "data_dir"),
    )
    log_level: str = Field(
        default="INFO",
        validation_alias=AliasChoices("SAMVERKAN_LOG_LEVEL", "log_level"),
    )
    issuer: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices("SAMVERKAN_ISSUER", "issuer"),
    )
    jwks_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SAMVERKAN_JWKS_URL", "jwks_url")
    )
    revocation_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SAMVERKAN_REVOCATION_URL", "revocation_url"),
    )
    demo: bool = Field(
        default=False, validation_alias=AliasChoices("SAMVERKAN_DEMO", "demo")
    )

    def sqlite_url(self, name: str) -> str:
        """The embedded default database: one SQLite file per service in the data dir."""
        return f"sqlite:///{(self.data_dir / f'{name}.db').resolve()}"

    @property
    def effective_jwks_url(self) -> str:
        return self.jwks_url or f"{self.issuer.rstrip('/')}/.well-known/jwks.json"

    @property
    def effective_revocation_url(self) -> str | None:
        """The built-in issuer publishes revocations; an external one may not ("none")."""
        if self.revocation_url == "none":
            return None
        return self.revocation_url or f"{self.issuer.rstrip('/')}/oauth/revocations"
