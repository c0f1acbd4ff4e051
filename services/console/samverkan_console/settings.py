"""The console's settings, read from the environment (README "Configuration")."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from samverkan_shared.settings import ServiceSettings

__all__ = ["ClientCredentials", "ConsoleSettings", "MissingClient"]

# What the console asks the provider for: each page needs one of these.
DEFAULT_SCOPES = (
    "openid profile disclosures:assess disclosures:approve audit:read "
    "tips:write tips:read tips:manage"
)


class MissingClient(ValueError):
    """The console has no client registration at its OpenID provider."""


@dataclass(frozen=True)
class ClientCredentials:
    """How the console authenticates at its provider: a secret, or a private key
    (private_key_jwt, RFC 7523) whose public half the provider has registered."""

    client_id: str
    secret: str | None = None
    key_pem: bytes | None = None


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    public_url: str = Field(
        default="http://127.0.0.1:8004",
        description="where browsers reach the console; https turns on Secure cookies",
        validation_alias=AliasChoices(
            "CONSOLE_PUBLIC_URL", "SAMVERKAN_CONSOLE_URL", "public_url"
        ),
    )
    # Any OpenID provider (Keycloak, Entra ID, a Sweden Connect proxy); unset: the
    # suite's own authorization server.
    oidc_issuer: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CONSOLE_OIDC_ISSUER", "oidc_issuer"),
    )
    client_id: str | None = Field(
        default=None, validation_alias=AliasChoices("CONSOLE_CLIENT_ID", "client_id")
    )
    client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("CONSOLE_CLIENT_SECRET", "client_secret"),
    )
    client_secret_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "CONSOLE_CLIENT_SECRET_FILE", "client_secret_file"
        ),
    )
    client_key_file: Path | None = Field(
        default=None,
        description="a PEM private key: the console authenticates with private_key_jwt",
        validation_alias=AliasChoices("CONSOLE_CLIENT_KEY_FILE", "client_key_file"),
    )
    scopes: str = Field(
        default=DEFAULT_SCOPES, validation_alias=AliasChoices("CONSOLE_SCOPES")
    )
    # RFC 9449: people's tokens bound to the console's DPoP key. "off" only for a
    # provider that cannot bind them (it publishes no dpop_signing_alg_values_supported).
    dpop: Literal["required", "off"] = Field(
        default="required", validation_alias=AliasChoices("CONSOLE_DPOP", "dpop")
    )
    sharing_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices("SAMVERKAN_SHARING_URL", "sharing_url"),
    )
    audit_log_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices("SAMVERKAN_AUDIT_LOG_URL", "audit_log_url"),
    )
    tips_url: str = Field(
        default="http://127.0.0.1:8001",
        validation_alias=AliasChoices("SAMVERKAN_TIPS_URL", "tips_url"),
    )
    # The note verifier key the browser checks checkpoints against: pinned here,
    # never taken from the log it is meant to check.
    log_key: str | None = Field(
        default=None, validation_alias=AliasChoices("CONSOLE_LOG_KEY", "log_key")
    )
    log_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("CONSOLE_LOG_KEY_FILE", "log_key_file"),
    )
    idle_minutes: int = Field(
        default=15,
        ge=1,
        le=240,
        validation_alias=AliasChoices("CONSOLE_IDLE_MINUTES", "idle_minutes"),
    )
    session_hours: int = Field(
        default=10,
        ge=1,
        le=24,
        validation_alias=AliasChoices("CONSOLE_SESSION_HOURS", "session_hours"),
    )

    @property
    def provider(self) -> str:
        return (self.oidc_issuer or self.issuer).rstrip("/")

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}/auth/callback"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def effective_log_key_file(self) -> Path:
        return self.secret_path(self.log_key_file, "console-log-key.txt")

    def pinned_log_key(self) -> str | None:
        """The configured key, else the pin file's (the demo writes it on start)."""
        if self.log_key:
            return self.log_key.strip()
        path = self.effective_log_key_file
        return path.read_text().strip() or None if path.exists() else None

    def client(self) -> ClientCredentials:
        """The console's registration at the provider; raises MissingClient.

        A key file wins over a secret. The demo reads the registration the sharing
        service's seed wrote.
        """
        if self.client_id and self.client_key_file is not None:
            return ClientCredentials(
                self.client_id, key_pem=self.client_key_file.read_bytes()
            )
        secret = self.client_secret.get_secret_value() if self.client_secret else None
        if secret is None and self.client_secret_file is not None:
            secret = self.client_secret_file.read_text().strip()
        if self.client_id and secret:
            return ClientCredentials(self.client_id, secret=secret)
        if self.demo:
            return _demo_client(self.data_dir / "demo-clients.json")
        raise MissingClient(
            "The console needs its client registration: set CONSOLE_CLIENT_ID and "
            "CONSOLE_CLIENT_SECRET (or CONSOLE_CLIENT_SECRET_FILE), or "
            "CONSOLE_CLIENT_KEY_FILE for private_key_jwt."
        )


def _demo_client(path: Path) -> ClientCredentials:
    try:
        console = json.loads(path.read_text())["clients"]["console"]
        return ClientCredentials(
            str(console["client_id"]), secret=str(console["client_secret"])
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MissingClient(
            f"The demo's console client is not in {path} ({error!r}); "
            "run `make reset` and `make run`."
        ) from None
