"""The sharing service's settings, read from the environment."""

import contextlib
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from samverkan_shared.crypto import Keyring, create_keyring_file, load_keyring
from samverkan_shared.identifiers import InvalidIdentifier, parse_org_number
from samverkan_shared.settings import ServiceSettings
from samverkan_sharing.cors import parse_origins, suite_origins
from samverkan_sharing.outbound_pool import DEFAULT_OUTBOUND_THREADS

__all__ = ["DEMO_HOLDER_ORG_NUMBER", "FAPI2_MAX_TOKEN_LIFETIME", "SharingSettings"]

# The demo's municipality, Malmö stad: the authority whose data the demo discloses.
DEMO_HOLDER_ORG_NUMBER = "212000-1124"
# The FAPI 2.0 profile's cap on an access token's life, in seconds.
FAPI2_MAX_TOKEN_LIFETIME = 600


class SharingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHARING_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SHARING_DATABASE_URL", "database_url"),
    )
    signing_keys_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("SHARING_SIGNING_KEYS_DIR", "signing_keys_dir"),
    )
    token_lifetime: int = Field(
        default=300,
        ge=30,
        le=3600,
        validation_alias=AliasChoices("SHARING_TOKEN_LIFETIME", "token_lifetime"),
    )
    # A person's refresh tokens: the family ends this long after the sign-in, and
    # a token not used for refresh_idle seconds expires sooner (RFC 9700 §4.14.2).
    refresh_lifetime: int = Field(
        default=43200,
        ge=60,
        le=30 * 86400,
        validation_alias=AliasChoices("SHARING_REFRESH_LIFETIME", "refresh_lifetime"),
    )
    refresh_idle: int = Field(
        default=1800,
        ge=60,
        le=30 * 86400,
        validation_alias=AliasChoices("SHARING_REFRESH_IDLE", "refresh_idle"),
    )
    # "fapi2": the FAPI 2.0 Security Profile for machine clients (private_key_jwt
    # only, DPoP-bound tokens only, PS256/ES256/EdDSA, tokens of at most 10 minutes).
    profile: Literal["default", "fapi2"] = Field(
        default="default",
        validation_alias=AliasChoices("SHARING_PROFILE", "profile"),
    )
    # RFC 9449 §8: DPoP proofs at the token endpoint must carry a nonce it gave.
    dpop_nonces: bool = Field(
        default=True,
        validation_alias=AliasChoices("SHARING_DPOP_NONCES", "dpop_nonces"),
    )
    service_client_id: str = Field(
        default="sharing-service",
        validation_alias=AliasChoices("SHARING_SERVICE_CLIENT_ID", "service_client_id"),
    )
    tips_url: str = Field(
        default="http://127.0.0.1:8001",
        validation_alias=AliasChoices("SAMVERKAN_TIPS_URL", "tips_url"),
    )
    audit_log_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices("SAMVERKAN_AUDIT_LOG_URL", "audit_log_url"),
    )

    # Reports to tips of each release (tip_reports): how often the reporter looks
    # for new and due ones, and about how long the first retry waits (seconds).
    tip_report_poll_interval: float = Field(
        default=1.0,
        gt=0,
        validation_alias=AliasChoices(
            "SHARING_TIP_REPORT_POLL_INTERVAL", "tip_report_poll_interval"
        ),
    )
    tip_report_backoff_base: float = Field(
        default=5.0,
        gt=0,
        validation_alias=AliasChoices(
            "SHARING_TIP_REPORT_BACKOFF_BASE", "tip_report_backoff_base"
        ),
    )

    # Pages that may ask the token endpoint for a token from the browser (the docs'
    # "Authorize"); unset: the three services' own origins.
    cors_origins: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SHARING_CORS_ORIGINS", "cors_origins"),
    )

    outbound_threads: int = Field(
        default=DEFAULT_OUTBOUND_THREADS,
        ge=1,
        le=256,
        validation_alias=AliasChoices("SHARING_OUTBOUND_THREADS", "outbound_threads"),
    )

    # The organisation number of the authority whose data this deployment discloses:
    # only its persons may assess and approve (four eyes within the holder).
    holder_org_number: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SHARING_HOLDER_ORG_NUMBER", "holder_org_number"),
    )

    encryption_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "SHARING_ENCRYPTION_KEY_FILE", "encryption_key_file"
        ),
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SHARING_ENCRYPTION_KEYS", "encryption_keys"),
    )

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: str | None) -> str | None:
        if value is not None:
            parse_origins(value)
        return value

    @field_validator("holder_org_number")
    @classmethod
    def _holder_is_an_org_number(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return parse_org_number(value)
        except InvalidIdentifier as error:
            raise ValueError(f"SHARING_HOLDER_ORG_NUMBER: {error}") from None

    @property
    def fapi2(self) -> bool:
        return self.profile == "fapi2"

    @property
    def effective_token_lifetime(self) -> int:
        """SHARING_TOKEN_LIFETIME, at most 10 minutes under the FAPI 2.0 profile."""
        if self.fapi2:
            return min(self.token_lifetime, FAPI2_MAX_TOKEN_LIFETIME)
        return self.token_lifetime

    def dpop_nonce_secret(self) -> bytes:
        """What the token endpoint's DPoP nonces are keyed from: the current key of
        the keyring every replica shares, so a nonce one gave another accepts."""
        keyring = self.keyring()
        return keyring.keys[keyring.current]

    @property
    def effective_holder_org_number(self) -> str | None:
        """Whose persons may decide disclosures: SHARING_HOLDER_ORG_NUMBER, in the
        demo Malmö stad; None outside the demo when unset (decisions are refused)."""
        if self.holder_org_number is not None:
            return self.holder_org_number
        return DEMO_HOLDER_ORG_NUMBER if self.demo else None

    @property
    def effective_cors_origins(self) -> tuple[str, ...]:
        """The origins whose pages may post to /oauth/token (SHARING_CORS_ORIGINS)."""
        if self.cors_origins is not None:
            return parse_origins(self.cors_origins)
        return suite_origins((self.tips_url, self.issuer, self.audit_log_url))

    def keyring(self) -> Keyring:
        """The key that encrypts released payloads at rest (they hold identity numbers)."""
        if self.encryption_keys is not None:
            return load_keyring(None, self.encryption_keys.get_secret_value())
        path = self.effective_key_file
        if not path.exists() and self.demo:
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                return create_keyring_file(path)
        return load_keyring(path)

    @property
    def effective_key_file(self) -> Path:
        return self.secret_path(
            self.encryption_key_file, "sharing-encryption-keys.json"
        )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("sharing")

    @property
    def effective_signing_keys_dir(self) -> Path:
        return self.signing_keys_dir or self.data_dir / "oauth-signing-keys"
