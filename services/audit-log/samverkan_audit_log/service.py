"""Use cases of the log: the serialised append, checkpoints and proofs.

An append is one transaction that holds the sequencer lock from reading the tree
size to the commit (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on
the sequencer row), so two processes on one database can neither fork, gap nor
reorder the tree. It is acknowledged only after the commit: SQLite in WAL mode
with synchronous=NORMAL keeps a committed transaction across a process kill, and
a PostgreSQL commit is durable.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import structlog
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_audit_log.merkle import (
    EMPTY_ROOT,
    InvalidProofRequest,
    MerkleAccumulator,
    SubtreeHashGetter,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_for_range,
    right_edge_nodes,
)
from samverkan_audit_log.models import EntryRecord
from samverkan_audit_log.repository import LogRepository, NewEntry
from samverkan_audit_log.schemas import Entry, ProofHashes, Receipt
from samverkan_audit_log.signer import LogSigner
from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.db import write_session
from samverkan_shared.problems import Conflict, UnprocessableContent

__all__ = [
    "AppendOutcome",
    "InconsistentTree",
    "append_entry",
    "b64",
    "current_checkpoint",
    "prove_consistency",
    "prove_inclusion",
]

T = TypeVar("T")
_log = structlog.get_logger("samverkan.audit_log")


class InconsistentTree(RuntimeError):
    """A stored node the tree must have is missing: the database was tampered with."""


@dataclass(frozen=True)
class AppendOutcome:
    receipt: Receipt
    replayed: bool


def b64(data: bytes) -> str:
    """Standard base64 with padding, as RFC 9162 hashes appear in C2SP checkpoints."""
    return base64.b64encode(data).decode("ascii")


def _now() -> datetime:
    return datetime.now(UTC)


def append_entry(
    engine: Engine,
    signer: LogSigner,
    entry: Entry,
    *,
    clock: Callable[[], datetime] = _now,
) -> AppendOutcome:
    """Append ``entry`` as the next leaf and sign the new tree; idempotent per decision.

    The same ``decision_id`` and ``event`` again with the identical entry returns the
    original receipt (the sharing service retries); with a different entry → 409.
    """
    leaf = canonicalize(entry.document())
    with write_session(engine) as session:
        repository = LogRepository(session)
        size = repository.lock_tree_size()
        existing = repository.find_decision(entry.decision_id, entry.event)
        if existing is not None:
            receipt = _original_receipt(repository, existing, leaf)
            _log.info("audit_entry_replayed", index=receipt.index)
            return AppendOutcome(receipt, True)
        receipt = _append_leaf(repository, signer, entry, leaf, size, clock())
        session.commit()
    _log.info("audit_entry_appended", index=receipt.index, tree_size=receipt.tree_size)
    return AppendOutcome(receipt, False)


def _append_leaf(
    repository: LogRepository,
    signer: LogSigner,
    entry: Entry,
    leaf: bytes,
    size: int,
    now: datetime,
) -> Receipt:
    # Resume the compact range of the tree (RFC 9162 §2.1.1 MTH) from the
    # O(log n) right-edge subtrees, and store every subtree the leaf completes.
    edge = right_edge_nodes(size)
    stored = repository.node_hashes(edge)
    accumulator = MerkleAccumulator(size, [_stored(stored, key) for key in edge])
    hashed = leaf_hash(leaf)
    nodes = accumulator.append(hashed)
    # Entry before sequencer: the database accepts an entry only at the current
    # size and lets the size grow only onto an existing entry.
    repository.add_entry(_new_entry(entry, size, leaf, hashed, now))
    repository.add_nodes(nodes)
    repository.advance_to(size + 1)
    root = accumulator.root()
    note = signer.sign(size + 1, root)
    repository.add_checkpoint(size + 1, root, note, now)
    return Receipt(
        index=size, leaf_hash=b64(hashed), tree_size=size + 1, checkpoint=note
    )


def _new_entry(
    entry: Entry, index: int, leaf: bytes, hashed: bytes, now: datetime
) -> NewEntry:
    return NewEntry(
        index=index,
        leaf=leaf,
        leaf_hash=hashed,
        event=entry.event,
        decision_id=entry.decision_id,
        occurred_at=entry.occurred_at,
        recipient_code=entry.recipient.code,
        legal_basis=entry.legal_basis,
        subjects=entry.subjects,
        partner_reference=entry.partner_reference,
        appended_at=now,
    )


def _original_receipt(
    repository: LogRepository, existing: EntryRecord, leaf: bytes
) -> Receipt:
    if bytes(existing.leaf) != leaf:
        raise Conflict(
            f"Decision {existing.decision_id} already has a {existing.event!r} entry "
            f"(index {existing.entry_index}) with different content; an audit "
            "entry cannot be changed."
        )
    size = existing.entry_index + 1
    checkpoint = repository.checkpoint(size)
    if checkpoint is None:
        raise InconsistentTree(f"the checkpoint for tree size {size} is missing")
    return Receipt(
        index=existing.entry_index,
        leaf_hash=b64(bytes(existing.leaf_hash)),
        tree_size=size,
        checkpoint=checkpoint.note,
    )


def current_checkpoint(session: Session, signer: LogSigner) -> str:
    """The newest stored checkpoint; for the empty log one signed on demand.

    A size-0 checkpoint commits to nothing (every tree extends the empty tree,
    RFC 9162 §2.1.4), so it is not stored: every stored checkpoint covers an entry.
    """
    latest = LogRepository(session).latest_checkpoint()
    if latest is None:
        return signer.sign(0, EMPTY_ROOT)
    return latest.note


def prove_inclusion(session: Session, index: int, tree_size: int) -> ProofHashes:
    """RFC 9162 §2.1.3 PATH(index, D[0:tree_size]) from one read of stored nodes."""
    repository = LogRepository(session)
    _within_log(repository, tree_size, "tree_size")
    hashes = _guarded(
        repository, lambda getter: inclusion_proof(index, tree_size, getter)
    )
    return ProofHashes(hashes=[b64(item) for item in hashes])


def prove_consistency(session: Session, first: int, second: int) -> ProofHashes:
    """RFC 9162 §2.1.4 PROOF(first, D[0:second]) from one read of stored nodes."""
    repository = LogRepository(session)
    _within_log(repository, second, "second")
    hashes = _guarded(
        repository, lambda getter: consistency_proof(first, second, getter)
    )
    return ProofHashes(hashes=[b64(item) for item in hashes])


def _within_log(repository: LogRepository, size: int, parameter: str) -> None:
    current = repository.tree_size()
    if size > current:
        raise UnprocessableContent(
            f"{parameter}={size} is larger than the log, which has {current} entries.",
            errors=[
                {"parameter": parameter, "in": "query", "detail": "exceeds the log"}
            ],
        )


def _guarded(
    repository: LogRepository, compute: Callable[[SubtreeHashGetter], list[bytes]]
) -> list[bytes]:
    try:
        return _with_stored_nodes(repository, compute)
    except InvalidProofRequest as error:
        raise UnprocessableContent(f"{error}.") from error


def _with_stored_nodes(
    repository: LogRepository, compute: Callable[[SubtreeHashGetter], T]
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
    return compute(lambda start, end: _stored(stored, node_for_range(start, end)))


def _stored(stored: dict[tuple[int, int], bytes], key: tuple[int, int]) -> bytes:
    try:
        return stored[key]
    except KeyError:
        level, index = key
        raise InconsistentTree(
            f"tree node (level {level}, index {index}) is missing"
        ) from None
