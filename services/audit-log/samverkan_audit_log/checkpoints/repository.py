"""All SQL of the checkpoints: the signed tree heads, stored with their batch."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import col, select

from samverkan_audit_log.checkpoints.models import CheckpointRecord
from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository

__all__ = ["CheckpointRepository", "IssuedCheckpoint", "NewCheckpoint"]

_INSERT_CHECKPOINT = insert(table_of(CheckpointRecord))


@dataclass(frozen=True)
class NewCheckpoint:
    """A signed checkpoint to store with the batch that reaches its size."""

    tree_size: int
    root_hash: bytes
    note: str
    issued_at: datetime


@dataclass(frozen=True)
class IssuedCheckpoint:
    """What a replayed append's receipt needs of a stored checkpoint."""

    tree_size: int
    note: str


class CheckpointRepository(Repository):
    """Adds and reads checkpoints; never updates one (the database would refuse)."""

    def add(self, checkpoint: NewCheckpoint) -> None:
        row = {
            "tree_size": checkpoint.tree_size,
            "root_hash": checkpoint.root_hash,
            "note": checkpoint.note,
            "issued_at": checkpoint.issued_at,
        }
        self._session.connection().execute(_INSERT_CHECKPOINT, row)

    def get(self, tree_size: int) -> CheckpointRecord | None:
        return self._session.get(CheckpointRecord, tree_size)

    def covering(self, index: int) -> IssuedCheckpoint | None:
        """The first checkpoint issued with the entry at ``index`` in it.

        Appends are committed in batches with one checkpoint for the batch's final
        size, so this is the checkpoint the entry's receipt carried.
        """
        statement = (
            select(CheckpointRecord)
            .where(col(CheckpointRecord.tree_size) > index)
            .order_by(col(CheckpointRecord.tree_size))
            .limit(1)
        )
        found = self._session.exec(statement).first()
        return None if found is None else IssuedCheckpoint(found.tree_size, found.note)

    def latest(self) -> CheckpointRecord | None:
        statement = (
            select(CheckpointRecord)
            .order_by(col(CheckpointRecord.tree_size).desc())
            .limit(1)
        )
        return self._session.exec(statement).first()
