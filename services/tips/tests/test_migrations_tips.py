"""The hand-written migrations build exactly the models' schema and go back down;
what 0006 does to tips and 0008 to call-off stops stored before them."""

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, insert, inspect
from sqlalchemy.pool import NullPool

import samverkan_tips.agreements.models
import samverkan_tips.deadlines.models
import samverkan_tips.disclosures.models
import samverkan_tips.notes.models
import samverkan_tips.suppliers.models
import samverkan_tips.webhooks.models  # noqa: F401  (all tables, as env.py sees them)
from samverkan_shared.crypto import Keyring
from samverkan_shared.db import migrate
from samverkan_shared.db_types import table_of
from samverkan_tips.agreements.models import AgreementRecord
from samverkan_tips.app import create_app
from samverkan_tips.settings import TipsSettings
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.tips.models import TipRecord, TipsTable
from samverkan_tips.tips.sealing import OpenedTip, seal_tip
from tests.support.databases import DatabaseFactory
from tests.support.tokens import TestIssuer


def test_upgrade_matches_the_models_and_downgrade_removes_everything(
    backend: str, database_factory: DatabaseFactory
) -> None:
    url = database_factory.empty(backend)
    migrate(url, "samverkan_tips")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            diff
            for diff in compare_metadata(context, TipsTable.metadata)
            if not (
                diff[0] == "remove_table" and diff[1].name == "alembic_version_tips"
            )
        ]
    assert differences == []
    migrate(url, "samverkan_tips", revision="0001", downgrade=True)
    assert set(inspect(engine).get_table_names()) == {"alembic_version_tips"}
    migrate(url, "samverkan_tips")
    assert "tips" in inspect(engine).get_table_names()
    engine.dispose()


def test_tips_stored_before_0006_have_no_deadlines_and_are_never_overdue(
    backend: str,
    database_factory: DatabaseFactory,
    issuer: TestIssuer,
    keyring: Keyring,
    tmp_path: Path,
) -> None:
    """Filed under no deadline, they get none: null dates and flags, not overdue."""
    url = database_factory.empty(backend)
    migrate(url, "samverkan_tips", revision="0005")
    engine = create_engine(url, poolclass=NullPool)
    tip_id = uuid.uuid4()
    with engine.begin() as connection:
        _insert_a_tip_as_0005_stored_it(connection, keyring, tip_id)
    engine.dispose()
    migrate(url, "samverkan_tips")

    settings = TipsSettings(data_dir=tmp_path, database_url=url, demo=True)
    app = create_app(
        settings, token_validator=issuer.validator("tips"), keyring=keyring
    )
    filer = issuer.headers(["tips:read"], client_id="malmo", org_number="212000-1124")
    with TestClient(app) as client:
        tip = client.get(f"/v1/tips/{tip_id}", headers=filer).json()
        overdue = client.get("/v1/tips?overdue=true", headers=filer).json()
        others = client.get("/v1/tips?overdue=false", headers=filer).json()
    assert [tip[k] for k in _DEADLINE_FIELDS] == [None, None, None, None]
    assert overdue["items"] == []
    assert [item["id"] for item in others["items"]] == [str(tip_id)]


_DEADLINE_FIELDS = (
    "acknowledge_by",
    "decide_by",
    "acknowledged_in_time",
    "decided_in_time",
)


def _insert_a_tip_as_0005_stored_it(
    connection: Connection, keyring: Keyring, tip_id: uuid.UUID
) -> None:
    """A tip received long ago (2025), with only the columns 0005 had."""
    connection.execute(
        insert(table_of(AgreementRecord)),
        {
            "id": "hvb-2022",
            "name": "HVB",
            "area": "HVB",
            "valid_from": date(2022, 4, 1),
            "valid_to": None,
            "terms": [],
            "owner_org_number": "556578-5788",
        },
    )
    connection.execute(
        insert(table_of(SupplierRecord)),
        {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
    )
    sealed = seal_tip(keyring, tip_id, OpenedTip("Äldre tips", [], None))
    connection.execute(
        insert(table_of(TipRecord)),
        {
            "id": tip_id,
            "supplier_org_number": "556677-8899",
            "supplier_name": "Exempel Omsorg AB",
            "agreement_id": "hvb-2022",
            "categories": ["staffing"],
            "occurred_on": date(2025, 1, 2),
            "received_at": datetime(2025, 1, 3, 9, tzinfo=UTC),
            "status": "received",
            "holder_activity": "social_services",
            "description_category": "child_social",
            "reporter_municipality_code": "1280",
            "reporter_unit": "IFO",
            "filed_by": "malmo",
            "filed_by_org": "212000-1124",
            "description_sealed": sealed.description,
            "persons_sealed": sealed.persons,
            "contact_email_sealed": None,
            "breached_terms": [],
        },
    )


_LINKS_AT_0007 = [
    {"agreement_id": "a-1", "supplier_org_number": "556677-8899"},
    {"agreement_id": "b-2", "supplier_org_number": "556677-8899"},
    {"agreement_id": "c-3", "supplier_org_number": "559123-4561"},
]


def _suppliers_as_0007_stored(stopped_at: datetime) -> list[dict[str, Any]]:
    """Until 0008 a stop was on the supplier itself, whatever its agreements."""
    return [
        {
            "org_number": "556677-8899",
            "name": "Stoppad",
            "stopped_at": stopped_at,
            "stop_reason": "Brister",
        },
        {
            "org_number": "559123-4561",
            "name": "Fri",
            "stopped_at": None,
            "stop_reason": None,
        },
    ]


def _store_a_stop_as_0007_did(engine: sa.Engine, stopped_at: datetime) -> None:
    """One supplier stopped on its two agreements (a-1, b-2), another free on c-3."""
    old = sa.MetaData()
    suppliers = sa.Table("suppliers", old, autoload_with=engine)
    links = sa.Table("agreement_suppliers", old, autoload_with=engine)
    stops = sa.Table("call_off_stops", old, autoload_with=engine)
    agreements = sa.Table("agreements", old, autoload_with=engine)
    with engine.begin() as connection:
        for agreement_id in ("a-1", "b-2", "c-3"):
            connection.execute(
                insert(agreements),
                {
                    "id": agreement_id,
                    "name": agreement_id,
                    "area": "HVB",
                    "valid_from": date(2022, 4, 1),
                    "terms": [],
                },
            )
        connection.execute(insert(suppliers), _suppliers_as_0007_stored(stopped_at))
        connection.execute(insert(links), _LINKS_AT_0007)
        connection.execute(
            insert(stops),
            {
                "supplier_org_number": "556677-8899",
                "action": "stop",
                "reason": "Brister",
                "tip_ids": [],
                "actor": "adda",
                "at": stopped_at,
            },
        )


def _assert_stopped_on_each_agreement(engine: sa.Engine) -> None:
    """After 0008: the stop is on each of the supplier's agreements, named in history."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT agreement_id, supplier_org_number, stopped_at IS NOT NULL,"
                " stop_reason FROM agreement_suppliers ORDER BY agreement_id"
            )
        ).all()
        history = connection.execute(
            sa.select(table_of(CallOffStopRecord).c.agreement_ids)
        ).scalar_one()
    assert [tuple(row) for row in rows] == [
        ("a-1", "556677-8899", True, "Brister"),
        ("b-2", "556677-8899", True, "Brister"),
        ("c-3", "559123-4561", False, None),
    ]
    assert history == ["a-1", "b-2"]


def _assert_stopped_on_the_supplier(engine: sa.Engine) -> None:
    """Back at 0007: the stop is on the supplier again."""
    with engine.connect() as connection:
        back = connection.execute(
            sa.text(
                "SELECT org_number, stopped_at IS NOT NULL, stop_reason FROM suppliers"
                " ORDER BY org_number"
            )
        ).all()
    assert [tuple(row) for row in back] == [
        ("556677-8899", True, "Brister"),
        ("559123-4561", False, None),
    ]


def test_a_stop_stored_before_0008_stays_on_every_agreement_it_applied_to(
    backend: str, database_factory: DatabaseFactory
) -> None:
    """Before 0008 a stop hid the supplier on all its agreements: after the upgrade
    each of them is stopped and the history names them; a downgrade puts the stop
    back on the supplier."""
    url = database_factory.empty(backend)
    migrate(url, "samverkan_tips", revision="0007")
    engine = create_engine(url, poolclass=NullPool)
    _store_a_stop_as_0007_did(engine, datetime(2026, 11, 2, 9, tzinfo=UTC))
    migrate(url, "samverkan_tips", revision="0008")
    _assert_stopped_on_each_agreement(engine)
    migrate(url, "samverkan_tips", revision="0007", downgrade=True)
    _assert_stopped_on_the_supplier(engine)
    engine.dispose()
