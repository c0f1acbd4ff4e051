"""The suppliers feature's SQL: suppliers and their call-off stops; no commits inside."""

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord

__all__ = ["CallOffStopRepository", "SupplierRepository"]


class SupplierRepository(Repository):
    def get(
        self, org_number: str, *, for_update: bool = False
    ) -> SupplierRecord | None:
        statement = select(SupplierRecord).where(
            SupplierRecord.org_number == org_number
        )
        if for_update:
            statement = statement.with_for_update()
        return self._session.exec(statement).first()

    def ensure(self, org_number: str, name: str) -> SupplierRecord:
        """The supplier, added with this name if it is not known yet."""
        record = self.get(org_number)
        if record is None:
            record = SupplierRecord(org_number=org_number, name=name)
            self._session.add(record)
            self._session.flush()
        return record

    def ensure_all(self, names: dict[str, str]) -> None:
        """Add the suppliers (org number → name) not known yet, in two statements."""
        if not names:
            return
        column = table_of(SupplierRecord).c.org_number
        rows = self._session.connection().execute(
            sa_select(column).where(column.in_(names))
        )
        known = {org_number for (org_number,) in rows}
        missing = [
            {"org_number": org_number, "name": name}
            for org_number, name in names.items()
            if org_number not in known
        ]
        if missing:
            # One executemany past the unit of work, as tips are filed (see
            # `samverkan_tips.tips.repository`).
            self._session.connection().execute(
                insert(table_of(SupplierRecord)), missing
            )

    def save(self, record: SupplierRecord) -> None:
        self._session.add(record)

    def rename(self, record: SupplierRecord, name: str) -> None:
        record.name = name
        self._session.add(record)


class CallOffStopRepository(Repository):
    def add(self, record: CallOffStopRecord) -> None:
        self._session.add(record)

    def history(self, supplier: str) -> Sequence[CallOffStopRecord]:
        statement = (
            select(CallOffStopRecord)
            .where(CallOffStopRecord.supplier_org_number == supplier)
            .order_by(col(CallOffStopRecord.id))
        )
        return self._session.exec(statement).all()
