"""The rule catalogue and the dry-run evaluation (nothing released, nothing logged)."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Body, Request

from samverkan_shared.problems import Forbidden, problem_responses
from samverkan_sharing.dependencies import AnyCaller
from samverkan_sharing.query_problem import invalid_query
from samverkan_sharing.rules import (
    Catalogue,
    InvalidQuery,
    describe,
    evaluate,
    query_from_contract_dict,
)

__all__ = ["router"]

router = APIRouter(prefix="/v1/rules", tags=["rules"])

_EXAMPLE = {
    "as_of": "2026-11-23",
    "holder_activity": "social_services",
    "recipient": "polismyndigheten",
    "recipient_activity": None,
    "initiative": "request",
    "purpose": {
        "code": "investigate_crime",
        "offence": {
            "name": "grovt bedrägeri",
            "reference": "BrB 9:3",
            "min_penalty_months": 6,
            "max_penalty_months": 72,
            "attempt": False,
        },
        "detail": "free text",
    },
    "victim_under_18": False,
    "subject_age": None,
    "requested_basis": None,
    "fields": [
        {"name": "persons", "category": "child_social", "secrecy": "OSL 26:1"},
        {"name": "supplier.org_number", "category": "supplier_company"},
    ],
}


def _catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


@router.get("", summary="The rule catalogue, every dated rule with its legal source")
def list_rules(request: Request, caller: AnyCaller) -> dict[str, Any]:
    catalogue = _catalogue(request)
    return {
        "catalogue_version": catalogue.version,
        "items": [describe(r) for r in catalogue.rules],
    }


@router.post(
    "/evaluate",
    summary="Dry run of the rule engine (the evaluation contract of legal-rules.md)",
    responses=problem_responses(403, 422),
)
def evaluate_rules(
    request: Request,
    caller: AnyCaller,
    body: dict[str, Any] = Body(openapi_examples={"police": {"value": _EXAMPLE}}),  # noqa: B008
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
