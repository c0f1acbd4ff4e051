"""The log's checkpoint signer: its Ed25519 key, origin and published verifier key."""

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samverkan_audit_log.checkpoints.signed_note import (
    Checkpoint,
    load_or_create_signing_key,
    sign_checkpoint,
    verifier_key_for,
)
from samverkan_audit_log.settings import AuditLogSettings

__all__ = ["LogSigner", "MissingSigningKey", "load_signer"]


class MissingSigningKey(FileNotFoundError):
    """Outside the demo the checkpoint key must be provisioned, never invented."""


@dataclass(frozen=True)
class LogSigner:
    """Signs checkpoints as C2SP signed notes; the key name is the origin (C2SP advice)."""

    origin: str
    private_key: Ed25519PrivateKey

    def sign(self, tree_size: int, root_hash: bytes) -> str:
        """The signed note of the tlog-checkpoint (origin, size, root)."""
        checkpoint = Checkpoint(self.origin, tree_size, root_hash)
        return sign_checkpoint(checkpoint, self.private_key, self.origin)

    @property
    def verifier_key(self) -> str:
        """``<origin>+<key hash>+<base64 key>``: what auditors pin to check our notes."""
        return verifier_key_for(self.private_key, self.origin)


def load_signer(settings: AuditLogSettings) -> LogSigner:
    """The configured key; generated on first start only in the demo."""
    path: Path = settings.effective_signing_key_file
    if not path.exists() and not settings.demo:
        raise MissingSigningKey(
            f"The audit-log signing key {path} does not exist. Provision an Ed25519 "
            "key (PKCS#8 PEM, mode 0600) there or set AUDIT_SIGNING_KEY_FILE; only the "
            "demo (SAMVERKAN_DEMO=1) generates one."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return LogSigner(settings.origin, load_or_create_signing_key(path))
