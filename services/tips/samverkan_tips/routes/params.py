"""Path and query parameters shared by the routes, validated like the bodies."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator

from samverkan_shared.identifiers import parse_org_number

__all__ = ["OrgNumberPath", "OrgNumberQuery"]


def _org_number(value: str | None) -> str | None:
    return None if value is None else parse_org_number(value)


def _required_org_number(value: str) -> str:
    return parse_org_number(value)


OrgNumberPath = Annotated[
    str,
    Path(max_length=20, examples=["556677-8899"]),
    AfterValidator(_required_org_number),
]
OrgNumberQuery = Annotated[
    str | None,
    Query(max_length=20, description="the supplier's organisation number"),
    AfterValidator(_org_number),
]
