"""The audit-log service's settings, read from the environment."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from samverkan_shared.settings import ServiceSettings

__all__ = ["DEFAULT_ORIGIN", "AuditLogSettings"]

# C2SP tlog-checkpoint: the origin line names the log; a schema-less URL prefix.
DEFAULT_ORIGIN = "samverkan.local/audit-log"


class AuditLogSettings(ServiceSettings):
    """AUDIT_DATABASE_URL, AUDIT_LOG_ORIGIN, AUDIT_SIGNING_KEY_FILE, the witnesses
    (AUDIT_WITNESSES_FILE, AUDIT_WITNESS_POLICY, AUDIT_WITNESS_INTERVAL), plus the
    shared ones."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUDIT_DATABASE_URL", "database_url"),
    )
    origin: str = Field(
        default=DEFAULT_ORIGIN,
        validation_alias=AliasChoices("AUDIT_LOG_ORIGIN", "origin"),
        min_length=1,
        max_length=200,
        pattern=r"^[^\s+]+$",
    )
    signing_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("AUDIT_SIGNING_KEY_FILE", "signing_key_file"),
    )

    witnesses_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("AUDIT_WITNESSES_FILE", "witnesses_file"),
        description="the witnesses asked to cosign: `<URL> <cosigner key>` a line",
    )
    witness_policy: int = Field(
        default=1,
        ge=1,
        validation_alias=AliasChoices("AUDIT_WITNESS_POLICY", "witness_policy"),
        description="how many witnesses must cosign a checkpoint for it to count",
    )
    witness_interval: float = Field(
        default=2.0,
        gt=0,
        le=3600,
        validation_alias=AliasChoices("AUDIT_WITNESS_INTERVAL", "witness_interval"),
        description="seconds between rounds of asking the witnesses",
    )

    @property
    def effective_witnesses_file(self) -> Path:
        return self.witnesses_file or self.data_dir / "audit-log-witnesses.txt"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("audit-log")

    @property
    def effective_signing_key_file(self) -> Path:
        """The Ed25519 checkpoint key (PKCS#8 PEM, mode 0600)."""
        return self.secret_path(self.signing_key_file, "audit-log-signing-key.pem")
