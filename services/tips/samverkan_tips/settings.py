"""The tips service's settings, read from the environment."""

import contextlib
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from samverkan_shared.crypto import (
    InvalidKeyring,
    Keyring,
    create_keyring_file,
    load_keyring,
)
from samverkan_shared.settings import ServiceSettings
from samverkan_tips.deadlines.policy import (
    DEFAULT_POLICY,
    MAX_ACKNOWLEDGE_DAYS,
    MAX_DECIDE_DAYS,
    DeadlinePolicy,
)

__all__ = ["KEY_FILE_NAME", "TipsSettings"]

KEY_FILE_NAME = "tips-encryption-keys.json"


class TipsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TIPS_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TIPS_DATABASE_URL", "database_url"),
    )
    # The keyring JSON ({"current": id, "keys": {id: base64}}) in a file or inline.
    encryption_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "TIPS_ENCRYPTION_KEY_FILE", "encryption_key_file"
        ),
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TIPS_ENCRYPTION_KEYS", "encryption_keys"),
    )

    # Webhooks: hosts (host or host:port, comma-separated) that may be http and
    # private; every other subscription URL must be https to a public address.
    webhook_allow: str = ""
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    # The first retry waits about this long (seconds); each next one twice as long.
    webhook_backoff_base: float = Field(default=30.0, gt=0)
    # How often the deliverer looks for new events and due retries (seconds).
    webhook_poll_interval: float = Field(default=1.0, gt=0)

    # Deadlines of an owner without a policy of its own, in Swedish working days
    # from the day a tip is filed (README: why these defaults).
    acknowledge_working_days: int = Field(
        default=DEFAULT_POLICY.acknowledge_working_days,
        ge=1,
        le=MAX_ACKNOWLEDGE_DAYS,
    )
    decide_working_days: int = Field(
        default=DEFAULT_POLICY.decide_working_days, ge=1, le=MAX_DECIDE_DAYS
    )

    def deadline_policy(self) -> DeadlinePolicy:
        """The default deadline policy; a start-up error if deciding comes first."""
        return DeadlinePolicy(self.acknowledge_working_days, self.decide_working_days)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("tips")

    @property
    def effective_key_file(self) -> Path:
        return self.secret_path(self.encryption_key_file, KEY_FILE_NAME)

    def keyring(self) -> Keyring:
        """The field-encryption keys; generated in the demo, a start-up error elsewhere."""
        inline = self.encryption_keys.get_secret_value() if self.encryption_keys else ""
        if inline.strip():
            # An explicit key file as well is ambiguous: load_keyring refuses both.
            return load_keyring(self.encryption_key_file, inline)
        path = self.effective_key_file
        if not path.exists():
            if not self.demo:
                raise InvalidKeyring(
                    f"the tips encryption key file {path} does not exist: provision it "
                    "(TIPS_ENCRYPTION_KEY_FILE) or give the keyring JSON in "
                    "TIPS_ENCRYPTION_KEYS; only the demo (SAMVERKAN_DEMO=1) generates one"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):  # another process was first
                create_keyring_file(path)
        return load_keyring(path)
