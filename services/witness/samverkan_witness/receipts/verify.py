"""A disclosure's receipt (C2SP tlog-proof) checked offline, step by step (plain Python).

The extra data is the logged entry itself (its RFC 8785 JSON, the leaf): the leaf hash
is computed from it, and it holds the SHA-256 of the released payload. Each failure
names the part that failed: the file, the checkpoint, a cosignature, the inclusion
proof, the payload, or the witness policy.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from samverkan_shared.cosignature import CosignerKey, verified_cosignatures
from samverkan_shared.merkle_proofs import leaf_hash, verify_inclusion
from samverkan_shared.signed_note import (
    Checkpoint,
    InvalidNote,
    NoteVerifier,
    open_signed_checkpoint,
)
from samverkan_shared.tlog_proof import InvalidTlogProof, TlogProof, parse_tlog_proof

__all__ = ["ReceiptInvalid", "ReceiptVerdict", "verify_receipt"]


class ReceiptInvalid(ValueError):
    """The receipt must not be trusted; the message says which part failed."""


@dataclass(frozen=True)
class ReceiptVerdict:
    origin: str
    index: int
    tree_size: int
    payload_sha256: str
    witnesses: tuple[str, ...]
    required: int

    def line(self) -> str:
        witnessed = (
            f"witnessed by {len(self.witnesses)} of the {self.required} required "
            f"({', '.join(self.witnesses)})"
            if self.required
            else "witnesses not checked (no --witness-key)"
        )
        return (
            f"OK: entry {self.index} is in {self.origin} at tree size "
            f"{self.tree_size}; payload SHA-256 {self.payload_sha256}; {witnessed}"
        )


def verify_receipt(
    text: str,
    log_key: NoteVerifier,
    witness_keys: Sequence[CosignerKey] = (),
    *,
    policy: int | None = None,
    payload: bytes | None = None,
) -> ReceiptVerdict:
    """Check the receipt against pinned keys only; ReceiptInvalid names what failed.

    ``policy``: how many of ``witness_keys`` must have cosigned (default: all).
    """
    required = len(witness_keys) if policy is None else policy
    if required > len(witness_keys):
        raise ReceiptInvalid(
            f"policy: {required} cosignatures required but only "
            f"{len(witness_keys)} witness keys given"
        )
    try:
        proof = parse_tlog_proof(text)
    except InvalidTlogProof as error:
        raise ReceiptInvalid(f"receipt file: {error}") from None
    checkpoint = _checkpoint(proof, log_key)
    witnesses = _cosigners(proof, witness_keys)
    payload_sha256 = _included(proof, checkpoint)
    _payload_matches(payload_sha256, payload)
    if len(witnesses) < required:
        raise ReceiptInvalid(
            f"witnesses: {len(witnesses)} of the {required} required cosignatures "
            "(the checkpoint is not witnessed yet: fetch the receipt again later)"
        )
    return ReceiptVerdict(
        checkpoint.origin,
        proof.index,
        checkpoint.tree_size,
        payload_sha256,
        witnesses,
        required,
    )


def _checkpoint(proof: TlogProof, log_key: NoteVerifier) -> Checkpoint:
    try:
        checkpoint = open_signed_checkpoint(proof.checkpoint, log_key)
    except InvalidNote as error:
        raise ReceiptInvalid(f"checkpoint: {error.detail}") from None
    if checkpoint.origin != log_key.name:
        raise ReceiptInvalid(
            f"checkpoint: origin {checkpoint.origin!r} is not the log {log_key.name!r}"
        )
    return checkpoint


def _cosigners(proof: TlogProof, keys: Sequence[CosignerKey]) -> tuple[str, ...]:
    try:
        found = verified_cosignatures(proof.checkpoint, keys)
    except InvalidNote as error:
        raise ReceiptInvalid(f"cosignature: {error.detail}") from None
    return tuple(sorted(cosignature.name for cosignature in found))


def _included(proof: TlogProof, checkpoint: Checkpoint) -> str:
    """The entry's payload SHA-256, once the entry is proved to be in the tree."""
    if proof.extra is None:
        raise ReceiptInvalid("entry: the receipt has no extra line holding the entry")
    if not verify_inclusion(
        leaf_hash(proof.extra),
        proof.index,
        checkpoint.tree_size,
        proof.proof,
        checkpoint.root_hash,
    ):
        raise ReceiptInvalid(
            f"inclusion proof: the entry (extra) at index {proof.index} does not lead "
            f"to the root of the checkpoint of size {checkpoint.tree_size}: the "
            "entry, its payload hash, the index or the proof was altered"
        )
    try:
        entry = json.loads(proof.extra)
    except ValueError:
        raise ReceiptInvalid("entry: the extra data is not JSON") from None
    digest = entry.get("payload_sha256") if isinstance(entry, dict) else None
    if not isinstance(digest, str):
        raise ReceiptInvalid("entry: the logged entry names no payload_sha256")
    return digest


def _payload_matches(expected: str, payload: bytes | None) -> None:
    if payload is None:
        return
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected:
        raise ReceiptInvalid(
            f"payload: its SHA-256 is {actual}, the logged entry says {expected}"
        )
