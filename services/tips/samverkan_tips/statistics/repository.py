"""The statistics feature's SQL: tips received in a period, with the moves the
figures need, read page by page; names of agreements and suppliers."""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_tips.agreements.models import AgreementRecord
from samverkan_tips.statistics.service import GroupBy, Period, TipFacts
from samverkan_tips.suppliers.models import SupplierRecord
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.workflow import TipStatus

__all__ = ["StatisticsRepository"]

_PAGE = 500  # tips per query; also the size of the IN list of their moves
_VERDICTS = (TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED)


class StatisticsRepository(Repository):
    def tips(self, period: Period) -> Iterator[TipFacts]:
        """Every tip received in the period, by (received_at, id), a page at a time."""
        after: tuple[datetime, uuid.UUID] | None = None
        while True:
            rows = self._page(period, after)
            moves = self._moves([row[0] for row in rows])
            for row in rows:
                yield _facts(row, moves.get(row[0], {}))
            if len(rows) < _PAGE:
                return
            after = (rows[-1][6], rows[-1][0])

    def names(self, group_by: GroupBy, keys: Iterable[str]) -> Mapping[str, str]:
        wanted = list(keys)
        if group_by is GroupBy.AGREEMENT:
            key, name = col(AgreementRecord.id), col(AgreementRecord.name)
        elif group_by is GroupBy.SUPPLIER:
            key, name = col(SupplierRecord.org_number), col(SupplierRecord.name)
        else:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _PAGE):
            statement = select(key, name).where(key.in_(wanted[start : start + _PAGE]))
            found.update(self._session.exec(statement).all())
        return found

    def _page(
        self, period: Period, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[Row[Any]]:
        received, tip = col(TipRecord.received_at), col(TipRecord.id)
        conditions: list[ColumnElement[bool]] = []
        if period.start is not None:
            conditions.append(received >= period.start)
        if period.end is not None:
            conditions.append(received < period.end)
        if after is not None:
            at, tip_id = after
            conditions.append(or_(received > at, and_(received == at, tip > tip_id)))
        statement = (
            sa_select(
                tip,
                col(TipRecord.agreement_id),
                col(AgreementRecord.owner_org_number),
                col(TipRecord.supplier_org_number),
                col(TipRecord.categories),
                col(TipRecord.reporter_municipality_code),
                received,
            )
            .join(AgreementRecord, col(AgreementRecord.id) == TipRecord.agreement_id)
            .where(*conditions)
            .order_by(received, tip)
            .limit(_PAGE)
        )
        return self._session.execute(statement).all()

    def _moves(
        self, tip_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, dict[str, tuple[datetime, str]]]:
        """Per tip: its first move out of received ("acknowledged") and its move to a
        verdict ("decided"), each as (when, to which status)."""
        if not tip_ids:
            return {}
        moves = TipTransitionRecord
        statement = (
            select(moves.tip_id, moves.from_status, moves.to_status, moves.at)
            .where(
                col(moves.tip_id).in_(tip_ids),
                or_(
                    col(moves.from_status) == TipStatus.RECEIVED,
                    col(moves.to_status).in_(_VERDICTS),
                ),
            )
            .order_by(col(moves.id))
        )
        found: dict[uuid.UUID, dict[str, tuple[datetime, str]]] = {}
        for tip_id, from_status, to_status, at in self._session.exec(statement):
            kind = "acknowledged" if from_status == TipStatus.RECEIVED else "decided"
            found.setdefault(tip_id, {}).setdefault(kind, (at, to_status))
        return found


def _facts(row: Any, moves: Mapping[str, tuple[datetime, str]]) -> TipFacts:
    _, agreement_id, owner, supplier, categories, municipality, received_at = row
    acknowledged = moves.get("acknowledged")
    decided = moves.get("decided")
    return TipFacts(
        agreement_id=agreement_id,
        agreement_owner=owner,
        supplier_org_number=supplier,
        categories=tuple(categories),
        municipality_code=municipality,
        received_at=received_at,
        acknowledged_at=acknowledged[0] if acknowledged else None,
        decided_at=decided[0] if decided else None,
        substantiated=decided is not None and decided[1] == TipStatus.SUBSTANTIATED,
    )
