"""Merkle trees for the Merkle tests: RFC 9162's recursion as the oracle, a storage
stand-in that serves only perfect subtrees, leaves to build from, and a flipped bit."""

import hashlib
from collections.abc import Callable, Sequence

from samverkan_audit_log.merkle import leaf_hash, node_for_range, node_hash

__all__ = ["SOME_HASH", "flip_bit", "leaf_hashes", "naive_root", "perfect_reader"]

SOME_HASH = bytes.fromhex(
    "abacaba000000000000000000000000000000000000000000060061e00123456"
)


def naive_root(hashes: Sequence[bytes]) -> bytes:
    """MTH written exactly as RFC 9162 §2.1.1 recurses, as the oracle."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node_hash(naive_root(hashes[:k]), naive_root(hashes[k:]))


def perfect_reader(
    hashes: Sequence[bytes], reads: list[tuple[int, int]] | None = None
) -> Callable[[int, int], bytes]:
    """A storage stand-in that serves only perfect subtrees, as the database will."""

    def get(start: int, end: int) -> bytes:
        node_for_range(start, end)  # raises unless [start, end) is perfect
        assert end <= len(hashes)
        if reads is not None:
            reads.append((start, end))
        return naive_root(hashes[start:end])

    return get


def leaf_hashes(size: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]


def flip_bit(proof: list[bytes], position: int, mask: int) -> list[bytes]:
    changed = list(proof)
    changed[position] = bytes([changed[position][0] ^ mask]) + changed[position][1:]
    return changed
