"""Settings every service shares: data directory, issuer, log level, service URLs."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from samverkan_shared.admission import DEFAULT_MAX_IN_FLIGHT
from samverkan_shared.keyfiles import load_or_create_secret

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
    # RFC 9440: believe the TLS client certificate an ingress forwards in Client-Cert
    # (mutual-TLS client authentication and certificate-bound tokens, RFC 8705). Only
    # behind an ingress that verifies it and strips the header callers send.
    trust_client_cert_header: bool = Field(
        default=False,
        validation_alias=AliasChoices(
            "SAMVERKAN_TRUST_CLIENT_CERT_HEADER", "trust_client_cert_header"
        ),
    )

    # <PREFIX>_MAX_IN_FLIGHT (TIPS_, SHARING_, AUDIT_): each service has its own.
    max_in_flight: int = Field(
        default=DEFAULT_MAX_IN_FLIGHT,
        ge=1,
        le=10_000,
        description="requests one process works on at once; more get 503 at once",
    )

    pseudonym_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "SAMVERKAN_PSEUDONYM_KEY_FILE", "pseudonym_key_file"
        ),
    )

    def secret_path(self, configured: Path | None, default_name: str) -> Path:
        """A key file's path: as configured, else a file in the data directory."""
        return configured or self.data_dir / default_name

    def pseudonym_key(self) -> bytes:
        """The keyed-hash secret that turns identity numbers into audit-log subjects.

        sharing and audit-log must read the same file, or subject look-ups find nothing.
        """
        path = self.secret_path(self.pseudonym_key_file, "pseudonym.key")
        return load_or_create_secret(path, create=self.demo)

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
