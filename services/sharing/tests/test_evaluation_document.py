"""The evaluation body's document says what the engine reads, no stricter, no looser."""

import copy
from typing import Any

import pytest

from samverkan_sharing.rules import InvalidQuery, query_from_contract_dict
from samverkan_sharing.rules.query import MAX_FIELDS
from samverkan_sharing.rules.schemas import EVALUATION_EXAMPLE, EVALUATION_SCHEMAS


def _with_detail(detail: str) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(EVALUATION_EXAMPLE)
    body["purpose"]["detail"] = detail
    return body


def test_the_text_limit_is_the_engines() -> None:
    detail = EVALUATION_SCHEMAS["PurposeRequest"]["properties"]["detail"]["anyOf"][0]
    limit = detail["maxLength"]
    assert query_from_contract_dict(_with_detail("x" * limit))
    with pytest.raises(InvalidQuery, match=f"at most {limit}"):
        query_from_contract_dict(_with_detail("x" * (limit + 1)))


def test_the_field_cap_is_the_engines() -> None:
    fields = EVALUATION_SCHEMAS["EvaluationRequest"]["properties"]["fields"]
    assert fields["maxItems"] == MAX_FIELDS


def test_the_documented_example_is_what_the_engine_reads() -> None:
    assert (
        query_from_contract_dict(EVALUATION_EXAMPLE).to_contract_dict()["fields"]
        == (EVALUATION_EXAMPLE["fields"])
    )


def test_the_document_names_every_key_the_engine_takes() -> None:
    names = set(EVALUATION_SCHEMAS["EvaluationRequest"]["properties"])
    assert names == set(query_from_contract_dict(EVALUATION_EXAMPLE).to_contract_dict())
    with pytest.raises(InvalidQuery, match="unknown field"):
        query_from_contract_dict({**EVALUATION_EXAMPLE, "unknown": 1})
