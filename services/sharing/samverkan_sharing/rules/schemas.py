"""The evaluation body as the OpenAPI document says it (docs/evaluation-contract.md).

`query_from_contract_dict` is the one validator: its messages are the 422's. These
models only say the shape it accepts, no stricter (a schema-valid body may still be
refused, e.g. for an unknown statute reference) and no looser.
"""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from samverkan_sharing.rules.query import MAX_FIELDS
from samverkan_sharing.rules.vocabulary import (
    Category,
    FieldKind,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
)

__all__ = [
    "EVALUATION_BODY_SCHEMA",
    "EVALUATION_EXAMPLE",
    "EVALUATION_SCHEMAS",
    "EvaluationRequest",
]

EVALUATION_EXAMPLE: dict[str, Any] = {
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


_MAX_TEXT = 2000  # the engine's limit on every text (test_rules_api pins it)
_Text = Annotated[
    str,
    Field(min_length=1, max_length=_MAX_TEXT, pattern=r"^[^\x00]*\S[^\x00]*$"),
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OffenceRequest(_Shape):
    """The suspected offence and its penalty scale in months (0 = fines only)."""

    name: _Text
    reference: _Text = Field(description="e.g. BrB 9:3")
    min_penalty_months: float = Field(ge=0, le=1200)
    max_penalty_months: float = Field(ge=0, le=1200, description="≥ the minimum")
    attempt: bool = False


class PurposeRequest(_Shape):
    code: PurposeCode
    offence: OffenceRequest | None = None
    detail: _Text | None = None


class FieldRequestBody(_Shape):
    name: _Text = Field(description="unique within the request")
    category: Category
    secrecy: _Text | None = Field(default=None, description="e.g. OSL 26:1")
    kind: FieldKind | None = None


class EvaluationRequest(_Shape):
    """The evaluation contract: who holds the data, who asks, why, for which fields."""

    as_of: date | None = Field(default=None, description="default: today")
    holder_activity: HolderActivity
    recipient: Recipient
    recipient_activity: _Text | None = None
    initiative: Initiative
    purpose: PurposeRequest | None = None
    victim_under_18: bool = False
    subject_age: int | None = Field(default=None, ge=0, le=130)
    requested_basis: _Text | None = None
    fields: list[FieldRequestBody] = Field(min_length=1, max_length=MAX_FIELDS)


def _components() -> dict[str, Any]:
    schema = EvaluationRequest.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    return {**schema.pop("$defs", {}), EvaluationRequest.__name__: schema}


EVALUATION_SCHEMAS = _components()
"""components.schemas for the evaluation body (sharing's create_app adds them)."""
EVALUATION_BODY_SCHEMA = {"$ref": f"#/components/schemas/{EvaluationRequest.__name__}"}
