"""The witness's settings, read from the environment (prefix WITNESS_)."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from samverkan_shared.settings import ServiceSettings

__all__ = ["DEFAULT_NAME", "WitnessSettings"]

# C2SP tlog-cosignature: the key name SHOULD be a schema-less URL naming the cosigner.
DEFAULT_NAME = "samverkan.local/witness"


class WitnessSettings(ServiceSettings):
    """WITNESS_DATABASE_URL, WITNESS_NAME, WITNESS_KEY_FILE, WITNESS_LOGS_FILE."""

    model_config = SettingsConfigDict(env_prefix="WITNESS_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("WITNESS_DATABASE_URL", "database_url"),
    )
    name: str = Field(
        default=DEFAULT_NAME,
        validation_alias=AliasChoices("WITNESS_NAME", "name"),
        min_length=1,
        max_length=200,
        pattern=r"^[^\s+]+$",
    )
    key_file: Path | None = Field(
        default=None, validation_alias=AliasChoices("WITNESS_KEY_FILE", "key_file")
    )
    logs_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("WITNESS_LOGS_FILE", "logs_file"),
    )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("witness")

    @property
    def effective_key_file(self) -> Path:
        """The Ed25519 cosigning key (PKCS#8 PEM, mode 0600)."""
        return self.secret_path(self.key_file, "witness-key.pem")

    @property
    def effective_logs_file(self) -> Path:
        """The logs followed: one ``<origin> <verifier key>`` a line."""
        return self.logs_file or self.data_dir / "witness-logs.txt"
