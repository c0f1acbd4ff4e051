"""The demo seed: four agreements, a handful of tips, one stopped supplier; twice is once."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from samverkan_tips.agreements.models import AgreementRecord, AgreementSupplierRecord
from samverkan_tips.seed import PURCHASING_CENTRE, seed
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord

TABLES = (
    AgreementRecord,
    AgreementSupplierRecord,
    SupplierRecord,
    TipRecord,
    TipTransitionRecord,
    CallOffStopRecord,
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
            select(SupplierRecord.org_number).where(
                SupplierRecord.stopped_at.is_not(None)  # type: ignore[union-attr]
            )
        ).all()
    assert {
        "hvb-2022",
        "stodboende-2023",
        "familjehem-2023",
        "assistans-2024",
    } <= agreements
    assert stopped == ["559123-4561"]
    assert (first["tips"], first["tip_transitions"], first["call_off_stops"]) == (
        5,
        3,
        1,
    )
    assert first["suppliers"] == 7
    with Session(engine) as session:
        owners = set(session.exec(select(AgreementRecord.owner_org_number)).all())
    assert owners == {PURCHASING_CENTRE}  # whose tip function manages the demo
    assert (tmp_path / "tips-encryption-keys.json").exists()
