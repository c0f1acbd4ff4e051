"""All SQL of the audit-log: the sequencer, entries, tree nodes and checkpoints."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from samverkan_audit_log.merkle import StoredNode
from samverkan_audit_log.models import (
    CheckpointRecord,
    EntryLegalBasisRecord,
    EntryRecord,
    EntrySubjectRecord,
    TreeNodeRecord,
    TreeStateRecord,
)

__all__ = ["EntryFilter", "LogRepository", "NewEntry"]

_SEQUENCER_ROW = 1


@dataclass(frozen=True)
class EntryFilter:
    """Which entries to list; ``occurred_from`` is inclusive, ``occurred_to`` exclusive."""

    recipient: str | None = None
    legal_basis: str | None = None
    subject: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


@dataclass(frozen=True)
class NewEntry:
    """An entry row and its side rows, ready to insert at ``index``."""

    index: int
    leaf: bytes
    leaf_hash: bytes
    event: str
    decision_id: str
    occurred_at: datetime
    recipient_code: str
    legal_basis: Sequence[str]
    subjects: Sequence[str]
    partner_reference: str | None
    appended_at: datetime


class LogRepository:
    """Reads and appends; never updates a log row (the database would refuse)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- the sequencer -------------------------------------------------------

    def lock_tree_size(self) -> int:
        """The committed tree size, locked until commit (PostgreSQL: FOR UPDATE).

        On SQLite the write session's BEGIN IMMEDIATE already holds the one write
        lock, and SQLAlchemy leaves FOR UPDATE out there.
        """
        statement = (
            select(TreeStateRecord.tree_size)
            .where(TreeStateRecord.id == _SEQUENCER_ROW)
            .with_for_update()
        )
        return int(self._session.exec(statement).one())

    def tree_size(self) -> int:
        statement = select(TreeStateRecord.tree_size).where(
            TreeStateRecord.id == _SEQUENCER_ROW
        )
        return int(self._session.exec(statement).one())

    def advance_to(self, tree_size: int) -> None:
        self._session.execute(
            update(TreeStateRecord)
            .where(col(TreeStateRecord.id) == _SEQUENCER_ROW)
            .values(tree_size=tree_size)
        )

    # --- entries -------------------------------------------------------------

    def add_entry(self, entry: NewEntry) -> None:
        """Insert the entry, then its side rows (each basis and subject once)."""
        self._session.execute(insert(EntryRecord).values(_entry_row(entry)))
        bases = [
            {"basis": basis, "entry_index": entry.index}
            for basis in dict.fromkeys(entry.legal_basis)
        ]
        subjects = [
            {"subject": subject, "entry_index": entry.index}
            for subject in dict.fromkeys(entry.subjects)
        ]
        if bases:
            self._session.execute(insert(EntryLegalBasisRecord), bases)
        if subjects:
            self._session.execute(insert(EntrySubjectRecord), subjects)

    def find_decision(self, decision_id: str, event: str) -> EntryRecord | None:
        statement = select(EntryRecord).where(
            EntryRecord.decision_id == decision_id, EntryRecord.event == event
        )
        return self._session.exec(statement).first()

    def get(self, index: int) -> EntryRecord | None:
        return self._session.get(EntryRecord, index)

    def page(
        self,
        where: EntryFilter,
        *,
        after: int | None,
        limit: int,
        below: int | None = None,
    ) -> list[EntryRecord]:
        """Entries matching ``where`` with after < index < below, by index."""
        statement = select(EntryRecord)
        if after is not None:
            statement = statement.where(col(EntryRecord.entry_index) > after)
        if below is not None:
            statement = statement.where(col(EntryRecord.entry_index) < below)
        statement = _filtered(statement, where)
        statement = statement.order_by(col(EntryRecord.entry_index)).limit(limit)
        return list(self._session.exec(statement))

    # --- tree nodes ----------------------------------------------------------

    def add_nodes(self, nodes: Iterable[StoredNode]) -> None:
        rows = [
            {"level": node.level, "node_index": node.index, "hash": node.hash}
            for node in nodes
        ]
        if rows:
            self._session.execute(insert(TreeNodeRecord), rows)

    def node_hashes(
        self, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        """The hashes of the perfect subtrees ``(level, node_index)``, in one query."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        # An OR of (level, index) pairs, not a row-value IN: SQLite plans the latter as a
        # full scan of the node table, the former as index look-ups (O(log n) proofs).
        statement = select(
            TreeNodeRecord.level, TreeNodeRecord.node_index, TreeNodeRecord.hash
        ).where(
            or_(
                *(
                    and_(
                        col(TreeNodeRecord.level) == level,
                        col(TreeNodeRecord.node_index) == index,
                    )
                    for level, index in wanted
                )
            )
        )
        return {
            (level, index): bytes(digest)
            for level, index, digest in self._session.exec(statement)
        }

    # --- checkpoints ---------------------------------------------------------

    def add_checkpoint(
        self, tree_size: int, root_hash: bytes, note: str, issued_at: datetime
    ) -> None:
        self._session.execute(
            insert(CheckpointRecord).values(
                tree_size=tree_size, root_hash=root_hash, note=note, issued_at=issued_at
            )
        )

    def checkpoint(self, tree_size: int) -> CheckpointRecord | None:
        return self._session.get(CheckpointRecord, tree_size)

    def latest_checkpoint(self) -> CheckpointRecord | None:
        statement = (
            select(CheckpointRecord)
            .order_by(col(CheckpointRecord.tree_size).desc())
            .limit(1)
        )
        return self._session.exec(statement).first()


def _entry_row(entry: NewEntry) -> dict[str, object]:
    return {
        "entry_index": entry.index,
        "leaf": entry.leaf,
        "leaf_hash": entry.leaf_hash,
        "event": entry.event,
        "decision_id": entry.decision_id,
        "occurred_at": entry.occurred_at,
        "recipient_code": entry.recipient_code,
        "legal_basis": list(entry.legal_basis),
        "partner_reference": entry.partner_reference,
        "appended_at": entry.appended_at,
    }


def _filtered(
    statement: SelectOfScalar[EntryRecord], where: EntryFilter
) -> SelectOfScalar[EntryRecord]:
    index = col(EntryRecord.entry_index)
    if where.recipient is not None:
        statement = statement.where(EntryRecord.recipient_code == where.recipient)
    if where.occurred_from is not None:
        statement = statement.where(col(EntryRecord.occurred_at) >= where.occurred_from)
    if where.occurred_to is not None:
        statement = statement.where(col(EntryRecord.occurred_at) < where.occurred_to)
    if where.legal_basis is not None:
        statement = statement.where(
            index.in_(
                select(EntryLegalBasisRecord.entry_index).where(
                    EntryLegalBasisRecord.basis == where.legal_basis
                )
            )
        )
    if where.subject is not None:
        statement = statement.where(
            index.in_(
                select(EntrySubjectRecord.entry_index).where(
                    EntrySubjectRecord.subject == where.subject
                )
            )
        )
    return statement
