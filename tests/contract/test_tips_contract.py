"""Schemathesis against the tips service's OpenAPI document, with real tokens."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine, migrate
from samverkan_shared.sessions import writing_session
from samverkan_tips.agreements.csv_import import parse_agreements_csv
from samverkan_tips.agreements.service import import_agreements
from samverkan_tips.app import create_app
from samverkan_tips.seed import (
    DEMO_AGREEMENTS_CSV,
    DEMO_TIPS,
    PURCHASING_CENTRE,
    SEED_CALLER,
    SEED_MANAGER,
)
from samverkan_tips.settings import TipsSettings
from samverkan_tips.tips.schemas import TipCreate
from samverkan_tips.tips.service import file_tip, transition_tip
from tests.support.contract_checks import (
    CHECKS,
    EXAMPLES,
    add_body_example,
    add_parameter_examples,
    assert_problem_errors,
)
from tests.support.databases import DatabaseFactory
from tests.support.tokens import TestIssuer

pytestmark = pytest.mark.contract
ALL_SCOPES = ["tips:write", "tips:read", "tips:manage", "tips:internal"]
# The demo tips are sealed with this keyring in the template; every app reads them with it.
KEYRING = Keyring.generate()


def migrate_and_seed(url: str) -> None:
    """The schema, the demo agreements (so POST /v1/tips can succeed) and the demo tips."""
    migrate(url, "samverkan_tips")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_agreements(session, parse_agreements_csv(DEMO_AGREEMENTS_CSV))
        for demo in DEMO_TIPS:
            with writing_session(engine) as session:
                tip = file_tip(
                    session,
                    TipCreate.model_validate(demo.body),
                    caller=SEED_CALLER,
                    keyring=KEYRING,
                    idempotency_key=demo.key,
                )
            for move in demo.moves:
                with writing_session(engine) as session:
                    transition_tip(
                        session, tip.id, move, caller=SEED_MANAGER, keyring=KEYRING
                    )
    finally:
        engine.dispose()


@pytest.fixture
def tips_api(
    database_factory: DatabaseFactory, tmp_path: Path, issuer: TestIssuer
) -> Iterator[tuple[FastAPI, list[str]]]:
    url = database_factory.new("sqlite", "contract-tips", migrate_and_seed)
    settings = TipsSettings(data_dir=tmp_path, database_url=url, demo=True)
    app = create_app(
        settings, token_validator=issuer.validator("tips"), keyring=KEYRING
    )
    with TestClient(app) as client:  # runs the lifespan
        page = client.get("/v1/tips", headers=issuer.headers(ALL_SCOPES)).json()
        yield app, page["items"]


@pytest.fixture
def tips_schema(tips_api: tuple[FastAPI, list[dict[str, Any]]]) -> Any:
    app, tips = tips_api
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    add_parameter_examples(
        schema,
        {
            "tip_id": [tip["id"] for tip in tips],
            "org_number": [tip["supplier"]["org_number"] for tip in tips],
            "agreement_id": ["hvb-2022", "assistans-2024"],
        },
    )
    # The examples phase runs the stop before the lift, on the same database, so
    # both can succeed for the first seeded tip's supplier.
    stop = {"reason": "Brister i bemanning", "tip_ids": [tips[0]["id"]]}
    path = "/v1/suppliers/{org_number}/call-off-stop"
    add_body_example(schema, "POST", path, stop)
    add_body_example(schema, "DELETE", path, {**stop, "reason": "Åtgärdat"})
    return schema


schema = schemathesis.pytest.from_fixture("tips_schema")


@schema.parametrize()
@EXAMPLES
def test_tips_api_honours_its_contract(case: Any, issuer: TestIssuer) -> None:
    # The demo agreements' owner, so moves and stops are exercised past the 403.
    headers = issuer.headers(
        ALL_SCOPES, client_id="adda-tip-function", org_number=PURCHASING_CENTRE
    )
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    assert_problem_errors(response)
