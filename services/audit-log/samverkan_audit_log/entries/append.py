"""The serialised append: group commit of this process's entries into the tree.

An append is one transaction that holds the sequencer lock from reading the tree
size to the commit (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on
the sequencer row), so two processes on one database can neither fork, gap nor
reorder the tree. It is acknowledged only after the commit: SQLite in WAL mode
with synchronous=NORMAL keeps a committed transaction across a process kill, and
a PostgreSQL commit is durable.

Concurrent appends within one process share such a transaction (group commit,
``AppendQueue``): one lock, one commit and one signed checkpoint per batch instead
of per entry. On PostgreSQL a process that knows the tree from its own last commit
first writes the batch at that size without reading it (``_append_predicted``): the
database's order and uniqueness checks refuse a wrong guess, and the batch then
takes the locked path.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy import Engine

from samverkan_audit_log.checkpoints.repository import NewCheckpoint
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.entries.append_store import (
    AppendStore,
    PredictingStore,
    append_stores,
)
from samverkan_audit_log.entries.presenter import receipt_for
from samverkan_audit_log.entries.repository import LoggedEntry, NewEntry
from samverkan_audit_log.entries.schemas import Entry, Receipt
from samverkan_audit_log.merkle import (
    MerkleAccumulator,
    StoredNode,
    leaf_hash,
    right_edge_nodes,
)
from samverkan_audit_log.tree.nodes import InconsistentTree, stored_hash
from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.group_commit import GroupCommit, Pending
from samverkan_shared.problems import Conflict

__all__ = ["MAX_BATCH", "AppendOutcome", "AppendQueue", "append_entry"]

_log = structlog.get_logger("samverkan.audit_log")


@dataclass(frozen=True)
class AppendOutcome:
    receipt: Receipt
    replayed: bool


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
    This is a batch of one; the service's route goes through ``AppendQueue``.
    """
    pending: _Pending = Pending(_Leaf.of(entry))
    stores = append_stores(engine)
    try:
        with stores.open() as store:
            _append_batch(store, signer, [pending], clock())
    finally:
        stores.release()
    return pending.future.result()


@dataclass(frozen=True)
class _Leaf:
    """An entry to append and its exact leaf bytes (RFC 8785 canonical JSON)."""

    entry: Entry
    leaf: bytes

    @classmethod
    def of(cls, entry: Entry) -> "_Leaf":
        return cls(entry, canonicalize(entry.document()))

    @property
    def key(self) -> tuple[str, str]:
        return self.entry.decision_id, self.entry.event


_Pending = Pending[_Leaf, AppendOutcome]


@dataclass
class _RightEdge:
    """The right-edge hashes of the tree as this process's last commit left it.

    The tree of a given size never changes once committed, so when the locked size
    is still ``tree_size`` (no other process appended since), these hashes are the
    stored ones and the batch skips reading them.
    """

    tree_size: int = -1
    hashes: tuple[bytes, ...] = ()


# Entries per append transaction: enough for every request a busy process has
# waiting (its thread pool is smaller), few enough to keep one transaction short.
MAX_BATCH = 200


class AppendQueue:
    """Group commit (`samverkan_shared.group_commit`): this process's appends,
    gathered into few transactions.

    One writer thread appends up to ``max_batch`` queued entries at a time in one
    transaction that holds the sequencer lock, with one signed checkpoint for the
    batch's final size. Every entry of a batch gets its own index and leaf hash and
    that checkpoint as its receipt; an inclusion proof against the later size is as
    good as one against its own.

    Only the commit acknowledges: if the transaction fails, every request of the
    batch gets the error and none is acknowledged. The sequencer lock still
    serialises this process against every other on the same database.

    The route awaits ``append_async`` on the event loop, so a waiting request holds
    no thread (a thread per waiting request cost more CPU than the append itself).
    """

    def __init__(
        self,
        engine: Engine,
        signer: LogSigner,
        *,
        max_batch: int = MAX_BATCH,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._stores = append_stores(engine)
        self._signer = signer
        self._clock = clock
        self._edge = _RightEdge()
        self._queue: GroupCommit[_Leaf, AppendOutcome] = GroupCommit(
            self._write, max_batch=max_batch, name="audit-append-writer"
        )

    @property
    def waiting(self) -> int:
        return self._queue.waiting

    def submit(self, entry: Entry) -> "Future[AppendOutcome]":
        """Queue ``entry``; the future is set once its batch is committed (or failed)."""
        return self._queue.submit(_Leaf.of(entry))

    def append(self, entry: Entry) -> AppendOutcome:
        return self.submit(entry).result()

    async def append_async(self, entry: Entry) -> AppendOutcome:
        return await asyncio.wrap_future(self.submit(entry))

    def close(self) -> None:
        """Let the writer finish what is queued and stop; a later append starts anew."""
        self._queue.close()
        self._stores.release()

    def _write(self, batch: list[_Pending]) -> None:
        with self._stores.open() as store:
            _append_batch(store, self._signer, batch, self._clock(), self._edge)


def _append_batch(
    store: AppendStore,
    signer: LogSigner,
    batch: list[_Pending],
    now: datetime,
    edge: _RightEdge | None = None,
) -> None:
    """A prediction first (``_append_predicted``); else one transaction under the
    sequencer lock. Outcomes are set after the commit."""
    if _append_predicted(store, signer, batch, now, edge):
        return
    outcomes: list[tuple[_Pending, AppendOutcome | Exception]] = []
    size, logged = store.lock_and_find(pending.item.key for pending in batch)
    fresh, repeats = _sort_out(store, logged, batch, outcomes)
    receipts: dict[tuple[str, str], Receipt] = {}
    if fresh:
        receipts, grown = _append_fresh(store, signer, fresh, size, now, edge)
        store.commit()
        _committed(edge, grown, len(fresh))
    for key, receipt in receipts.items():
        outcomes.append((fresh[key], AppendOutcome(receipt, False)))
    for pending in repeats:
        first = fresh[pending.item.key]
        outcomes.append((pending, _repeated(first, receipts[first.item.key], pending)))
    for pending, outcome in outcomes:
        if isinstance(outcome, Exception):
            pending.future.set_exception(outcome)
        else:
            if outcome.replayed:
                _log.info("audit_entry_replayed", index=outcome.receipt.index)
            pending.future.set_result(outcome)


def _append_predicted(
    store: AppendStore,
    signer: LogSigner,
    batch: list[_Pending],
    now: datetime,
    edge: _RightEdge | None,
) -> bool:
    """The batch appended right after this process's last commit, in one round trip.

    Usually nothing has changed since: no other process appended and no decision
    of the batch is logged (a retry is the exception). The batch is then written at
    the size this process's last commit left, without first locking and reading:
    the database refuses it if the prediction was wrong (an entry not right after
    the last one, a decision logged twice), and the batch takes the locked path.
    The checkpoint signed for a refused prediction is dropped unseen.
    """
    if not isinstance(store, PredictingStore) or edge is None or edge.tree_size < 0:
        return False
    fresh = {pending.item.key: pending for pending in batch}
    if len(fresh) != len(batch):
        return False  # the same decision twice: the locked path sorts it out
    receipts, grown = _append_fresh(store, signer, fresh, edge.tree_size, now, edge)
    if not store.commit_predicted():
        return False
    _committed(edge, grown, len(fresh))
    for key, receipt in receipts.items():
        fresh[key].future.set_result(AppendOutcome(receipt, False))
    return True


def _sort_out(
    store: AppendStore,
    logged: dict[tuple[str, str], LoggedEntry],
    batch: list[_Pending],
    outcomes: list[tuple[_Pending, AppendOutcome | Exception]],
) -> tuple[dict[tuple[str, str], _Pending], list[_Pending]]:
    """New decisions to append, and repeats of one in the same batch; replays of
    logged decisions get their outcome in ``outcomes`` at once."""
    fresh: dict[tuple[str, str], _Pending] = {}
    repeats: list[_Pending] = []
    for pending in batch:
        if pending.item.key in logged:
            outcomes.append(
                (pending, _replayed(store, logged[pending.item.key], pending))
            )
        elif pending.item.key in fresh:
            repeats.append(pending)  # the same decision twice in one batch
        else:
            fresh[pending.item.key] = pending
    return fresh, repeats


def _append_fresh(
    store: AppendStore,
    signer: LogSigner,
    fresh: dict[tuple[str, str], _Pending],
    size: int,
    now: datetime,
    edge: _RightEdge | None,
) -> tuple[dict[tuple[str, str], Receipt], _RightEdge]:
    known = edge.hashes if edge is not None and edge.tree_size == size else None
    receipts, accumulator = _append_leaves(
        store, signer, list(fresh.values()), size, now, known
    )
    return receipts, _RightEdge(accumulator.tree_size, accumulator.right_edge)


def _committed(edge: _RightEdge | None, grown: _RightEdge, count: int) -> None:
    """After the commit only: the log line, and the tree this process now knows.

    Only a committed tree may be remembered: another process could reach the same
    size with other leaves after a failed commit (or a refused prediction).
    """
    _log.info(
        "audit_entries_appended",
        first_index=grown.tree_size - count,
        count=count,
        tree_size=grown.tree_size,
    )
    if edge is not None:
        edge.tree_size, edge.hashes = grown.tree_size, grown.hashes


def _append_leaves(
    store: AppendStore,
    signer: LogSigner,
    batch: list[_Pending],
    size: int,
    now: datetime,
    known_edge: tuple[bytes, ...] | None = None,
) -> tuple[dict[tuple[str, str], Receipt], MerkleAccumulator]:
    # Resume the compact range of the tree (RFC 9162 §2.1.1 MTH) from the
    # O(log n) right-edge subtrees, and store every subtree the leaves complete.
    if known_edge is None:
        edge = right_edge_nodes(size)
        stored = store.node_hashes(edge)
        known_edge = tuple(stored_hash(stored, key) for key in edge)
    accumulator = MerkleAccumulator(size, known_edge)
    entries: list[NewEntry] = []
    nodes: list[StoredNode] = []
    for offset, pending in enumerate(batch):
        hashed = leaf_hash(pending.item.leaf)
        nodes += accumulator.append(hashed)
        entries.append(
            _new_entry(
                pending.item.entry, size + offset, pending.item.leaf, hashed, now
            )
        )
    final = accumulator.tree_size
    root = accumulator.root()
    note = signer.sign(final, root)
    # Entries before the sequencer: the database accepts an entry only right after
    # the last one and lets the size grow only onto existing entries.
    store.write(entries, nodes, NewCheckpoint(final, root, note, now))
    receipts = {
        pending.item.key: receipt_for(entry.index, entry.leaf_hash, final, note)
        for pending, entry in zip(batch, entries, strict=True)
    }
    return receipts, accumulator


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
        partner_reference=entry.partner_reference,
        appended_at=now,
    )


def _conflict(pending: _Pending, index: int) -> Conflict:
    entry = pending.item.entry
    return Conflict(
        f"Decision {entry.decision_id} already has a {entry.event!r} entry "
        f"(index {index}) with different content; an audit entry cannot be changed."
    )


def _replayed(
    store: AppendStore, existing: LoggedEntry, pending: _Pending
) -> AppendOutcome | Exception:
    """The original receipt of an entry already logged, or 409 if it differs."""
    if existing.leaf != pending.item.leaf:
        return _conflict(pending, existing.index)
    checkpoint = store.checkpoint_covering(existing.index)
    if checkpoint is None:
        return InconsistentTree(
            f"no checkpoint covers the entry at index {existing.index}"
        )
    receipt = receipt_for(
        existing.index, existing.leaf_hash, checkpoint.tree_size, checkpoint.note
    )
    return AppendOutcome(receipt, True)


def _repeated(
    first: _Pending, receipt: Receipt, pending: _Pending
) -> AppendOutcome | Exception:
    """A second request for a decision appended earlier in the same batch."""
    if first.item.leaf != pending.item.leaf:
        return _conflict(pending, receipt.index)
    return AppendOutcome(receipt, True)
