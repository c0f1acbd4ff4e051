"""The stored perfect subtrees as the pure Merkle core reads them (RFC 9162 §2.1)."""

from collections.abc import Callable
from typing import TypeVar

from samverkan_audit_log.merkle import EMPTY_ROOT, SubtreeHashGetter, node_for_range
from samverkan_audit_log.tree.repository import TreeRepository

__all__ = ["InconsistentTree", "stored_hash", "with_stored_nodes"]

T = TypeVar("T")


class InconsistentTree(RuntimeError):
    """A stored node the tree must have is missing: the database was tampered with."""


def with_stored_nodes(
    repository: TreeRepository, compute: Callable[[SubtreeHashGetter], T]
) -> T:
    """Run ``compute`` against the stored perfect subtrees, read in one query.

    Which subtrees a root or proof needs depends only on the sizes, never on the
    hashes, so a first pass with placeholder hashes lists them (O(log n) keys).
    """
    wanted: list[tuple[int, int]] = []

    def plan(start: int, end: int) -> bytes:
        wanted.append(node_for_range(start, end))
        return EMPTY_ROOT

    compute(plan)
    stored = repository.node_hashes(wanted)
    return compute(lambda start, end: stored_hash(stored, node_for_range(start, end)))


def stored_hash(stored: dict[tuple[int, int], bytes], key: tuple[int, int]) -> bytes:
    try:
        return stored[key]
    except KeyError:
        level, index = key
        raise InconsistentTree(
            f"tree node (level {level}, index {index}) is missing"
        ) from None
