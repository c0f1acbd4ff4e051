"""The tips feature's SQL: tips with their history, and Idempotency-Keys; no commits."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, not_, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository
from samverkan_tips.agreements.models import AgreementRecord
from samverkan_tips.tips.models import (
    IdempotencyKeyRecord,
    TipRecord,
    TipsTable,
    TipTransitionRecord,
)
from samverkan_tips.tips.workflow import TipStatus

__all__ = [
    "Claim",
    "IdempotencyRepository",
    "TipFilter",
    "TipRepository",
]

# pg_advisory_xact_lock key for "filing a tip" (any 64-bit constant unique to this use).
_FILING_LOCK = 0x7469707300000001


@dataclass(frozen=True)
class Claim:
    """A stored Idempotency-Key: the body it was used with and the tip it filed."""

    fingerprint: str
    tip_id: uuid.UUID


@dataclass(frozen=True)
class TipFilter:
    supplier: str | None = None
    status: str | None = None
    agreement_id: str | None = None
    filed_by_org: str | None = None  # restrict to one organisation's tips
    # ... or to the tips it filed and those on the agreements it owns
    or_owned_by: bool = False
    filed_by: str | None = None  # restrict to one client's tips
    # True: only tips past a due date not met by ``today``; False: only the others.
    overdue: bool | None = None
    today: date | None = None


class TipRepository(Repository):
    def lock_for_filing(self) -> None:
        """Serialise filings until commit, so received_at grows in commit order.

        Keyset pages are then stable under concurrent inserts: a tip committed later
        always sorts after every tip a reader has already seen. SQLite writers are
        serialised already by BEGIN IMMEDIATE.
        """
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FILING_LOCK}
            )

    def latest_received_at(self) -> datetime | None:
        return self._session.exec(select(func.max(TipRecord.received_at))).one()

    def get(self, tip_id: uuid.UUID, *, for_update: bool = False) -> TipRecord | None:
        statement = select(TipRecord).where(TipRecord.id == tip_id)
        if for_update:
            statement = statement.with_for_update()
        return self._session.exec(statement).first()

    def add(self, record: TipRecord) -> None:
        self._session.add(record)
        self._session.flush()

    def insert_all(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """New tips (column → value) in one executemany, past the unit of work."""
        _insert_rows(self._session, TipRecord, rows)

    def get_many(self, tip_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, TipRecord]:
        wanted = list(set(tip_ids))
        if not wanted:
            return {}
        statement = select(TipRecord).where(col(TipRecord.id).in_(wanted))
        return {record.id: record for record in self._session.exec(statement)}

    def page(
        self,
        where: TipFilter,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        *,
        newest_first: bool = False,
    ) -> Sequence[TipRecord]:
        """Tips by (received_at, id), oldest first unless ``newest_first``, strictly
        past the cursor's key in that order."""
        received, tip = col(TipRecord.received_at), col(TipRecord.id)
        statement = select(TipRecord).where(*_conditions(where))
        if after is not None:
            at, tip_id = after
            if newest_first:
                past = or_(received < at, and_(received == at, tip < tip_id))
            else:
                past = or_(received > at, and_(received == at, tip > tip_id))
            statement = statement.where(past)
        order = (received.desc(), tip.desc()) if newest_first else (received, tip)
        return self._session.exec(statement.order_by(*order).limit(limit)).all()

    def existing_ids(
        self, tip_ids: Iterable[uuid.UUID], where: TipFilter
    ) -> set[uuid.UUID]:
        """Which of these tips exist and match ``where`` (e.g. a supplier's tips
        that the caller may read)."""
        statement = select(TipRecord.id).where(
            col(TipRecord.id).in_(list(tip_ids)), *_conditions(where)
        )
        return set(self._session.exec(statement).all())

    def categories_and_statuses(self, supplier: str) -> Sequence[tuple[list[str], str]]:
        statement = select(TipRecord.categories, TipRecord.status).where(
            TipRecord.supplier_org_number == supplier
        )
        return [(list(row[0]), row[1]) for row in self._session.exec(statement).all()]

    def add_transition(self, record: TipTransitionRecord) -> None:
        self._session.add(record)

    def history_for(
        self, tip_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[TipTransitionRecord]]:
        history: dict[uuid.UUID, list[TipTransitionRecord]] = defaultdict(list)
        if not tip_ids:
            return history
        statement = (
            select(TipTransitionRecord)
            .where(col(TipTransitionRecord.tip_id).in_(list(tip_ids)))
            .order_by(col(TipTransitionRecord.id))
        )
        for record in self._session.exec(statement).all():
            history[record.tip_id].append(record)
        return history


def _conditions(where: TipFilter) -> list[ColumnElement[bool]]:
    pairs = (
        (TipRecord.supplier_org_number, where.supplier),
        (TipRecord.status, where.status),
        (TipRecord.agreement_id, where.agreement_id),
        (TipRecord.filed_by, where.filed_by),
    )
    conditions = [col(column) == value for column, value in pairs if value is not None]
    if where.filed_by_org is not None:
        conditions.append(_readable_by(where.filed_by_org, where.or_owned_by))
    if where.overdue is not None and where.today is not None:
        late = _overdue(where.today)
        conditions.append(late if where.overdue else not_(late))
    return conditions


def _overdue(today: date) -> ColumnElement[bool]:
    """Past a due date whose move has not happened. The workflow only goes forward,
    so the status says which moves have: a tip still received is unacknowledged, one
    received or investigating undecided. Never NULL (a tip without due dates is not
    overdue), so its negation is exact."""
    status = col(TipRecord.status)
    acknowledge_by, decide_by = col(TipRecord.acknowledge_by), col(TipRecord.decide_by)
    undecided = (TipStatus.RECEIVED, TipStatus.INVESTIGATING)
    return or_(
        and_(
            status == TipStatus.RECEIVED,
            acknowledge_by.is_not(None),
            acknowledge_by < today,
        ),
        and_(status.in_(undecided), decide_by.is_not(None), decide_by < today),
    )


def _readable_by(org_number: str, or_owned: bool) -> ColumnElement[bool]:
    """The organisation's own tips, and with ``or_owned`` also the tips on the
    agreements it owns, in SQL: a listing pages over exactly what the caller may read."""
    filed = col(TipRecord.filed_by_org) == org_number
    if not or_owned:
        return filed
    owned = select(AgreementRecord.id).where(
        AgreementRecord.owner_org_number == org_number
    )
    return or_(filed, col(TipRecord.agreement_id).in_(owned))


class IdempotencyRepository(Repository):
    def get(self, client_id: str, key: str) -> IdempotencyKeyRecord | None:
        return self._session.get(IdempotencyKeyRecord, (client_id, key))

    def claims(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Claim]:
        """The stored claims of these ``(client_id, key)`` pairs, in one query."""
        wanted = set(pairs)
        if not wanted:
            return {}
        keys = _IDEMPOTENCY.c
        statement = sa_select(
            keys.client_id, keys.key, keys.fingerprint, keys.tip_id
        ).where(keys.key.in_({key for _, key in wanted}))
        found = {}
        for client_id, key, fingerprint, tip_id in self._session.connection().execute(
            statement
        ):
            if (client_id, key) in wanted:
                found[client_id, key] = Claim(fingerprint, tip_id)
        return found

    def insert_all(self, rows: Sequence[Mapping[str, Any]]) -> None:
        _insert_rows(self._session, IdempotencyKeyRecord, rows)


_IDEMPOTENCY = table_of(IdempotencyKeyRecord)


def _insert_rows(
    session: Session, model: type[TipsTable], rows: Sequence[Mapping[str, Any]]
) -> None:
    """New rows of ``model``, as column → value, in one Core executemany.

    For rows written once and never changed in the same transaction: the unit of
    work's bookkeeping per object (a flush each) was most of a batch's filing time.
    """
    if rows:
        session.connection().execute(insert(table_of(model)), list(rows))
