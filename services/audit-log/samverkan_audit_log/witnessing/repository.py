"""All SQL of witnessing: cosignatures added once, read per checkpoint and per witness."""

from collections.abc import Sequence

from sqlalchemy import func, insert, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from samverkan_audit_log.witnessing.models import CosignatureRecord
from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository

__all__ = ["CosignatureRepository"]

_INSERT = insert(table_of(CosignatureRecord))


class CosignatureRepository(Repository):
    """Stores and reads cosignatures; the database refuses to change one."""

    def add(self, record: CosignatureRecord) -> bool:
        """Insert as a unit of its own; False if this witness's cosignature of that
        size is stored already (another process of the log asked too)."""
        key = (record.tree_size, record.witness, record.key_id)
        if self._session.get(CosignatureRecord, key) is not None:
            self._session.rollback()
            return False
        try:
            self._session.connection().execute(_INSERT, record.model_dump())
            self._session.commit()
        except IntegrityError:
            self._session.rollback()
            return False
        return True

    def for_size(self, tree_size: int) -> list[CosignatureRecord]:
        statement = (
            select(CosignatureRecord)
            .where(col(CosignatureRecord.tree_size) == tree_size)
            .order_by(col(CosignatureRecord.witness))
        )
        return list(self._session.exec(statement))

    def acknowledged(self, witness: str, key_id: str) -> int:
        """The largest tree size this witness (by this key) has cosigned; 0 if none."""
        statement = select(func.max(CosignatureRecord.tree_size)).where(
            col(CosignatureRecord.witness) == witness,
            col(CosignatureRecord.key_id) == key_id,
        )
        return int(self._session.exec(statement).one() or 0)

    def newest_witnessed(
        self, keys: Sequence[tuple[str, str]], policy: int, at_least: int = 0
    ) -> int | None:
        """The largest size >= at_least cosigned by ``policy`` of the given keys."""
        if not keys:
            return None
        wanted = [
            (col(CosignatureRecord.witness) == name)
            & (col(CosignatureRecord.key_id) == key_id)
            for name, key_id in keys
        ]
        statement = (
            select(CosignatureRecord.tree_size)
            .where(or_(*wanted), col(CosignatureRecord.tree_size) >= at_least)
            .group_by(col(CosignatureRecord.tree_size))
            .having(func.count() >= policy)
            .order_by(col(CosignatureRecord.tree_size).desc())
            .limit(1)
        )
        return self._session.exec(statement).first()
