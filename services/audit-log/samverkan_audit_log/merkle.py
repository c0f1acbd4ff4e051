"""RFC 9162 §2.1 Merkle trees: subtree hashes, inclusion and consistency proofs.

Storage convention: a *perfect subtree* is identified by ``(level, index)`` and
covers the leaves ``[index * 2**level, (index + 1) * 2**level)``; level 0 holds the
leaf hashes. Every hash a proof needs is either such a perfect subtree or, on the
right edge of the tree, a fold of O(log n) of them, so the storage layer only has
to answer ``get_subtree_hash(start, end)`` for perfect ranges (see
``node_for_range``) and each proof costs O(log n) reads.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Hashing and the verifiers live in shared: the witness and receipt holders need them.
from samverkan_shared.merkle_proofs import (
    EMPTY_ROOT,
    HASH_SIZE,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "InvalidProofRequest",
    "MerkleAccumulator",
    "StoredNode",
    "SubtreeHashGetter",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_for_range",
    "node_hash",
    "perfect_subtrees",
    "right_edge_nodes",
    "root_from_leaf_hashes",
    "subtree_hash",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

# Returns the hash of the perfect subtree over leaves [start, end).
SubtreeHashGetter = Callable[[int, int], bytes]


class InvalidProofRequest(ValueError):
    """A proof or subtree was asked for with sizes or indexes that cannot exist."""


@dataclass(frozen=True, slots=True)
class StoredNode:
    """A perfect subtree hash to persist: covers [index * 2**level, (index+1) * 2**level)."""

    level: int
    index: int
    hash: bytes


def _split_point(size: int) -> int:
    """The largest power of two strictly smaller than size (size > 1), RFC 9162 §2.1.1."""
    return 1 << ((size - 1).bit_length() - 1)


def node_for_range(start: int, end: int) -> tuple[int, int]:
    """Map a perfect leaf range [start, end) to its storage key (level, index)."""
    size = end - start
    if start < 0 or size <= 0 or size & (size - 1) or start % size:
        raise InvalidProofRequest(
            f"[{start}, {end}) is not a perfect subtree: its size must be a power "
            "of two and its start a multiple of that size"
        )
    level = size.bit_length() - 1
    return level, start >> level


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Decompose [start, end) left to right into the perfect subtrees MTH folds.

    MTH splits a list of size m at the largest power of two k < m, so its left
    part is perfect and the right part recurses: the pieces are the binary digits
    of m, largest first. This is only a subtree of the log when start is aligned
    to the first piece, which every range RFC 9162's recursion asks for is.
    """
    size = end - start
    if start < 0 or size <= 0:
        raise InvalidProofRequest(f"[{start}, {end}) is not a non-empty leaf range")
    first = 1 << (size.bit_length() - 1)
    if start % first:
        raise InvalidProofRequest(
            f"[{start}, {end}) is not a subtree: start must be a multiple of {first}"
        )
    pieces = []
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            pieces.append((start, start + (1 << level)))
            start += 1 << level
    return pieces


def subtree_hash(start: int, end: int, get_perfect: SubtreeHashGetter) -> bytes:
    """MTH(D[start:end]) from O(log n) perfect subtree reads, folded right to left."""
    hashes = [get_perfect(a, b) for a, b in perfect_subtrees(start, end)]
    return _fold_right(hashes)


def _fold_right(hashes: Sequence[bytes]) -> bytes:
    # The last (smallest) piece is the deepest right child in MTH's recursion.
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def tree_root(tree_size: int, get_subtree_hash: SubtreeHashGetter) -> bytes:
    """The root hash MTH(D[0:tree_size]) of the stored tree."""
    if tree_size < 0:
        raise InvalidProofRequest(f"tree size {tree_size} is negative")
    if tree_size == 0:
        return EMPTY_ROOT
    return subtree_hash(0, tree_size, get_subtree_hash)


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """MTH over leaf hashes (RFC 9162 §2.1.1) in O(n) time and O(log n) memory."""
    accumulator = MerkleAccumulator()
    accumulator.extend(hashes)
    return accumulator.root()


def inclusion_proof(
    index: int, tree_size: int, get_subtree_hash: SubtreeHashGetter
) -> list[bytes]:
    """PATH(index, D[0:tree_size]) of RFC 9162 §2.1.3.1, leaf side first."""
    if not 0 <= index < tree_size:
        raise InvalidProofRequest(
            f"leaf index {index} is not in a tree of size {tree_size}"
        )
    siblings: list[bytes] = []
    start, end = 0, tree_size
    # Walk from the root down; the RFC lists siblings from the leaf up.
    while end - start > 1:
        middle = start + _split_point(end - start)
        if index < middle:
            siblings.append(subtree_hash(middle, end, get_subtree_hash))
            end = middle
        else:
            siblings.append(get_subtree_hash(start, middle))
            start = middle
    siblings.reverse()
    return siblings


def consistency_proof(
    first: int, second: int, get_subtree_hash: SubtreeHashGetter
) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1 (empty if first is 0 or second)."""
    if first < 0 or first > second:
        raise InvalidProofRequest(
            f"no consistency proof from tree size {first} to {second}: "
            "need 0 <= first <= second"
        )
    if first in (0, second):
        return []
    hashes: list[bytes] = []
    start, end, whole_old_tree = 0, second, True
    while first - start != end - start:
        middle = start + _split_point(end - start)
        if first <= middle:
            hashes.append(subtree_hash(middle, end, get_subtree_hash))
            end = middle
        else:
            hashes.append(get_subtree_hash(start, middle))
            start, whole_old_tree = middle, False
    # SUBPROOF(m, D[m], b): nothing if this is the whole old tree (the verifier
    # has its root), else MTH(D[start:first]), which is perfect here.
    if not whole_old_tree:
        hashes.append(subtree_hash(start, end, get_subtree_hash))
    hashes.reverse()
    return hashes


def right_edge_nodes(tree_size: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees that make up a tree of tree_size.

    These are the nodes a ``MerkleAccumulator`` needs to resume appending, largest
    (leftmost) first.
    """
    if tree_size < 0:
        raise InvalidProofRequest(f"tree size {tree_size} is negative")
    if tree_size == 0:
        return []
    return [node_for_range(a, b) for a, b in perfect_subtrees(0, tree_size)]


class MerkleAccumulator:
    """Incremental MTH over appended leaf hashes (a compact range from leaf 0).

    Holds one hash per set bit of the tree size: the perfect subtrees of
    ``right_edge_nodes(tree_size)``, largest first. Appending a leaf merges equal
    sized subtrees like a binary counter carry, so folding n leaves takes O(n)
    time and O(log n) memory, and each append reports the nodes it completed.
    """

    def __init__(self, tree_size: int = 0, right_edge: Sequence[bytes] = ()) -> None:
        expected = len(right_edge_nodes(tree_size))
        if len(right_edge) != expected:
            raise InvalidProofRequest(
                f"a tree of size {tree_size} has {expected} right-edge subtrees, "
                f"got {len(right_edge)} hashes"
            )
        self._size = tree_size
        self._edge = list(right_edge)

    @property
    def tree_size(self) -> int:
        return self._size

    @property
    def right_edge(self) -> tuple[bytes, ...]:
        """Hashes of ``right_edge_nodes(tree_size)``, in the same order."""
        return tuple(self._edge)

    def append(self, leaf_hash: bytes) -> list[StoredNode]:
        """Add one leaf hash; return every perfect subtree it completes, leaf first."""
        level, index, current = 0, self._size, leaf_hash
        completed = [StoredNode(level, index, current)]
        # Bit `level` set in the old size means a subtree of that height waits on
        # the edge to be completed by the new one (a binary counter's carry).
        while self._size >> level & 1:
            current = node_hash(self._edge.pop(), current)
            level, index = level + 1, index >> 1
            completed.append(StoredNode(level, index, current))
        self._edge.append(current)
        self._size += 1
        return completed

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Add many leaf hashes, the offline verifier's fast path (no node list)."""
        edge = self._edge
        for current in leaf_hashes:
            size = self._size
            while size & 1:  # the same carry as in append
                current = node_hash(edge.pop(), current)
                size >>= 1
            edge.append(current)
            self._size += 1

    def root(self) -> bytes:
        """MTH of all leaves so far (RFC 9162 §2.1.1); EMPTY_ROOT when empty."""
        return _fold_right(self._edge) if self._edge else EMPTY_ROOT
