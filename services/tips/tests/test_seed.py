"""The demo seed: four agreements, a handful of tips (three overdue), one stopped
supplier, one case note; twice is once."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from samverkan_tips.agreements.models import AgreementRecord, AgreementSupplierRecord
from samverkan_tips.notes.models import TipNoteRecord
from samverkan_tips.seed import PURCHASING_CENTRE, seed
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.repository import TipFilter, TipRepository
from samverkan_tips.tips.schemas import today_in_sweden

TABLES = (
    AgreementRecord,
    AgreementSupplierRecord,
    SupplierRecord,
    TipRecord,
    TipTransitionRecord,
    CallOffStopRecord,
    TipNoteRecord,
)


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__tablename__: session.exec(
                select(func.count()).select_from(table)
            ).one()
            for table in TABLES
        }


def test_seeding_twice_adds_nothing_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tips_url: str, engine: Engine
) -> None:
    monkeypatch.setenv("SAMVERKAN_DEMO", "1")
    monkeypatch.setenv("TIPS_DATABASE_URL", tips_url)
    seed(tmp_path)
    first = _counts(engine)
    seed(tmp_path)
    assert _counts(engine) == first
    with Session(engine) as session:
        agreements = set(session.exec(select(AgreementRecord.id)).all())
        stopped = session.exec(
            select(
                AgreementSupplierRecord.agreement_id,
                AgreementSupplierRecord.supplier_org_number,
            ).where(col(AgreementSupplierRecord.stopped_at).is_not(None))
        ).all()
    assert {
        "hvb-2022",
        "stodboende-2023",
        "familjehem-2023",
        "assistans-2024",
    } <= agreements
    assert [tuple(row) for row in stopped] == [("hvb-2022", "559123-4561")]
    assert (first["tips"], first["tip_transitions"], first["call_off_stops"]) == (
        5,
        3,
        1,
    )
    assert first["suppliers"] == 7
    assert first["tip_notes"] == 1
    with Session(engine) as session:
        owners = set(session.exec(select(AgreementRecord.owner_org_number)).all())
    assert owners == {PURCHASING_CENTRE}  # whose tip function manages the demo
    assert (tmp_path / "tips-encryption-keys.json").exists()


def test_the_demo_has_overdue_tips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tips_url: str, engine: Engine
) -> None:
    """Filed working days ago: one still unacknowledged past both due dates, one
    unacknowledged past its decision date too, one acknowledged but undecided."""
    monkeypatch.setenv("SAMVERKAN_DEMO", "1")
    monkeypatch.setenv("TIPS_DATABASE_URL", tips_url)
    seed(tmp_path)
    with Session(engine) as session:
        where = TipFilter(overdue=True, today=today_in_sweden())
        overdue = TipRepository(session).page(where, None, 100)
        statuses = {r.supplier_org_number: r.status for r in overdue}
    assert statuses == {
        "556677-8899": "received",
        "559012-3450": "received",
        "556781-2341": "investigating",
    }
