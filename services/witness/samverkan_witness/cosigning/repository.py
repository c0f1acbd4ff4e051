"""All SQL of cosigning: the newest cosigned checkpoint of each log, under a lock."""

import hashlib
from datetime import datetime

from sqlalchemy import text
from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_witness.cosigning.models import WitnessedLog

__all__ = ["WitnessedLogRepository", "origin_hash"]


def origin_hash(origin: str) -> str:
    """tlog-witness: the lower-case hex SHA-256 of the origin line."""
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


class WitnessedLogRepository(Repository):
    """Reads and moves a log's latest cosigned checkpoint."""

    def lock(self, origin: str) -> None:
        """Serialise add-checkpoint per log until the transaction ends.

        C2SP tlog-witness: the check of the old size and the store of the new
        checkpoint must be atomic, or a slow request could roll the log back. SQLite's
        writing session holds the write lock from BEGIN; PostgreSQL takes an advisory
        lock on the origin (the row may not exist yet, so a row lock would not do).
        """
        if self._session.get_bind().dialect.name == "postgresql":
            key = int.from_bytes(hashlib.sha256(origin.encode()).digest()[:8], "big")
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": key - 2**63}
            )

    def get(self, origin: str) -> WitnessedLog | None:
        return self._session.get(WitnessedLog, origin)

    def by_origin_hash(self, origin_hash: str) -> WitnessedLog | None:
        statement = select(WitnessedLog).where(
            col(WitnessedLog.origin_hash) == origin_hash
        )
        return self._session.exec(statement).first()

    def store(
        self,
        current: WitnessedLog | None,
        origin: str,
        tree_size: int,
        root_hash: bytes,
        checkpoint: str,
        at: datetime,
    ) -> None:
        """Move (or first record) the log's checkpoint; the caller commits."""
        if current is None:
            current = WitnessedLog(
                origin=origin,
                origin_hash=origin_hash(origin),
                tree_size=tree_size,
                root_hash=root_hash,
                checkpoint=checkpoint,
                cosigned_at=at,
            )
            self._session.add(current)
            return
        current.tree_size = tree_size
        current.root_hash = root_hash
        current.checkpoint = checkpoint
        current.cosigned_at = at
