"""Proof hashes → the wire form (RFC 9162 hashes in base64, as in C2SP checkpoints)."""

import base64

from samverkan_audit_log.proofs.schemas import ProofHashes

__all__ = ["proof_hashes"]


def proof_hashes(hashes: list[bytes]) -> ProofHashes:
    return ProofHashes(
        hashes=[base64.b64encode(item).decode("ascii") for item in hashes]
    )
