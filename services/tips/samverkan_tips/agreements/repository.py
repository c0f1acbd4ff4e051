"""The agreements feature's SQL: agreements and their selection lists; no commits."""

from collections.abc import Sequence

from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_tips.agreements.models import AgreementRecord, AgreementSupplierRecord
from samverkan_tips.suppliers.models import SupplierRecord

__all__ = ["AgreementRepository"]


class AgreementRepository(Repository):
    def get(self, agreement_id: str) -> AgreementRecord | None:
        return self._session.get(AgreementRecord, agreement_id)

    def owner_of(self, agreement_id: str) -> str | None:
        """The agreement's owner; None if it has none (or there is no agreement)."""
        statement = select(AgreementRecord.owner_org_number).where(
            AgreementRecord.id == agreement_id
        )
        return self._session.exec(statement).first()

    def links_of(
        self, supplier: str
    ) -> Sequence[tuple[AgreementSupplierRecord, str | None]]:
        """The supplier's selection list rows, each with its agreement's owner, by
        agreement id."""
        statement = (
            select(AgreementSupplierRecord, AgreementRecord.owner_org_number)
            .join(
                AgreementRecord,
                col(AgreementSupplierRecord.agreement_id) == col(AgreementRecord.id),
            )
            .where(AgreementSupplierRecord.supplier_org_number == supplier)
            .order_by(col(AgreementSupplierRecord.agreement_id))
        )
        return [(link, owner) for link, owner in self._session.exec(statement).all()]

    def page(
        self, after: str | None, limit: int, *, descending: bool = False
    ) -> Sequence[AgreementRecord]:
        """Agreements by id (descending if asked), strictly past ``after``."""
        key = col(AgreementRecord.id)
        statement = select(AgreementRecord)
        if after is not None:
            statement = statement.where(key < after if descending else key > after)
        order = key.desc() if descending else key
        return self._session.exec(statement.order_by(order).limit(limit)).all()

    def save(self, record: AgreementRecord) -> None:
        """Insert or update the agreement, flushed so links to it can follow."""
        self._session.merge(record)
        self._session.flush()

    def link(self, agreement_id: str, supplier: str) -> None:
        if self._session.get(AgreementSupplierRecord, (agreement_id, supplier)) is None:
            self._session.add(
                AgreementSupplierRecord(
                    agreement_id=agreement_id, supplier_org_number=supplier
                )
            )

    def selection(
        self, agreement_id: str, *, include_hidden: bool, after: str | None, limit: int
    ) -> Sequence[tuple[SupplierRecord, AgreementSupplierRecord]]:
        """The agreement's suppliers by org number, each with its row of the list;
        those under the agreement's call-off stop only if asked."""
        statement = (
            select(SupplierRecord, AgreementSupplierRecord)
            .join(
                AgreementSupplierRecord,
                col(AgreementSupplierRecord.supplier_org_number)
                == col(SupplierRecord.org_number),
            )
            .where(AgreementSupplierRecord.agreement_id == agreement_id)
        )
        if not include_hidden:
            statement = statement.where(
                col(AgreementSupplierRecord.stopped_at).is_(None)
            )
        if after is not None:
            statement = statement.where(col(SupplierRecord.org_number) > after)
        statement = statement.order_by(col(SupplierRecord.org_number)).limit(limit)
        return [(supplier, link) for supplier, link in self._session.exec(statement)]

    def save_link(self, link: AgreementSupplierRecord) -> None:
        self._session.add(link)
