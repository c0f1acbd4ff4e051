"""The rule catalogue and the dry-run evaluation (nothing released, nothing logged)."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import WithJsonSchema

from samverkan_shared.problems import Forbidden, problem_responses
from samverkan_sharing.dependencies import AnyCaller, sharing_app
from samverkan_sharing.rules import (
    Catalogue,
    InvalidQuery,
    describe,
    evaluate,
    query_from_contract_dict,
)
from samverkan_sharing.rules.problems import invalid_query
from samverkan_sharing.rules.schemas import EVALUATION_BODY_SCHEMA, EVALUATION_EXAMPLE

__all__ = ["router"]

router = APIRouter(prefix="/v1/rules", tags=["rules"])


def _catalogue(request: Request) -> Catalogue:
    return sharing_app(request).running.state.catalogue


@router.get("", summary="The rule catalogue, every dated rule with its legal source")
def list_rules(request: Request, caller: AnyCaller) -> dict[str, Any]:
    catalogue = _catalogue(request)
    return {
        "catalogue_version": catalogue.version,
        "items": [describe(r) for r in catalogue.rules],
    }


@router.post(
    "/evaluate",
    summary="Dry run of the rule engine (docs/evaluation-contract.md)",
    responses=problem_responses(403, 422),
)
def evaluate_rules(
    request: Request,
    caller: AnyCaller,
    body: Annotated[
        dict[str, Any],
        Body(openapi_examples={"police": {"value": EVALUATION_EXAMPLE}}),
        WithJsonSchema(EVALUATION_BODY_SCHEMA),
    ],
) -> dict[str, Any]:
    if not caller.scopes & {"disclosures:assess", "disclosures:request"}:
        raise Forbidden(
            "Evaluating rules needs disclosures:assess or disclosures:request."
        )
    if "disclosures:assess" not in caller.scopes and caller.recipient:
        # A partner may only ask what it would itself receive.
        body = {**body, "recipient": caller.recipient}
    try:
        query = query_from_contract_dict(body, today=datetime.now(UTC).date())
    except InvalidQuery as error:
        raise invalid_query(error) from None
    return evaluate(query, _catalogue(request)).to_contract_dict()
