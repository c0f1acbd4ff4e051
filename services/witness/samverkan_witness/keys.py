"""The witness's cosigning key: loaded from its file, generated only in the demo."""

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samverkan_shared.cosignature import CosignerKey, cosign, cosigner_key_for
from samverkan_shared.signed_note import load_or_create_signing_key
from samverkan_witness.settings import WitnessSettings

__all__ = ["MissingWitnessKey", "WitnessSigner", "load_witness_signer"]


class MissingWitnessKey(FileNotFoundError):
    """Outside the demo the witness key must be provisioned, never invented."""


@dataclass(frozen=True)
class WitnessSigner:
    """Cosigns checkpoints (cosignature/v1) as ``name``."""

    name: str
    private_key: Ed25519PrivateKey

    def cosign(self, checkpoint_text: str, timestamp: int) -> str:
        return cosign(checkpoint_text, self.private_key, self.name, timestamp)

    @property
    def key(self) -> CosignerKey:
        return cosigner_key_for(self.private_key, self.name)


def load_witness_signer(
    settings: WitnessSettings, *, create: bool = False
) -> WitnessSigner:
    """The configured key; created if ``create`` (`witness key --create`) or the demo."""
    path = settings.effective_key_file
    if not path.exists() and not (create or settings.demo):
        raise MissingWitnessKey(
            f"The witness key {path} does not exist. Create it with `samverkan "
            "witness key --create` (or set WITNESS_KEY_FILE to a provisioned "
            "Ed25519 PKCS#8 PEM key, mode 0600)."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return WitnessSigner(settings.name, load_or_create_signing_key(path))
