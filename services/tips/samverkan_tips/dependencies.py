"""Annotated dependencies and parameters, so route signatures read as a sentence;
path and query parameters are validated like the bodies."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Security
from pydantic import AfterValidator

from samverkan_shared.auth import AccessToken, access_token
from samverkan_shared.crypto import Keyring
from samverkan_shared.cursors import Order
from samverkan_shared.identifiers import parse_org_number
from samverkan_shared.service_app import ServiceApp
from samverkan_tips.deadlines.policy import DeadlinePolicy
from samverkan_tips.tips.filing_queue import FilingQueue
from samverkan_tips.webhooks.destinations import DestinationGuard

__all__ = [
    "AgreementId",
    "Cursor",
    "DefaultDeadlinesDep",
    "DestinationsDep",
    "FilingsDep",
    "IdempotencyKey",
    "KeyringDep",
    "Limit",
    "ListOrder",
    "NoteIdempotencyKey",
    "OrgNumberPath",
    "OrgNumberQuery",
    "TipsInternal",
    "TipsManager",
    "TipsReader",
    "TipsState",
    "TipsWriter",
]


@dataclass(frozen=True)
class TipsState:
    """What the routes need besides the database, opened by the lifespan."""

    keyring: Keyring
    filings: FilingQueue  # the writer thread that files tips in batches
    destinations: DestinationGuard  # where webhooks may be sent
    deadlines: DeadlinePolicy  # for owners without a policy of their own


def _state(request: Request) -> TipsState:
    app: ServiceApp[TipsState] = request.app
    return app.running.state


# async: no I/O, so no hop to the thread pool
async def keyring_for_request(request: Request) -> Keyring:
    return _state(request).keyring


async def filings_for_request(request: Request) -> FilingQueue:
    return _state(request).filings


async def destinations_for_request(request: Request) -> DestinationGuard:
    return _state(request).destinations


async def deadlines_for_request(request: Request) -> DeadlinePolicy:
    return _state(request).deadlines


KeyringDep = Annotated[Keyring, Depends(keyring_for_request)]
FilingsDep = Annotated[FilingQueue, Depends(filings_for_request)]
DestinationsDep = Annotated[DestinationGuard, Depends(destinations_for_request)]
DefaultDeadlinesDep = Annotated[DeadlinePolicy, Depends(deadlines_for_request)]

TipsWriter = Annotated[AccessToken, Security(access_token, scopes=["tips:write"])]
TipsReader = Annotated[AccessToken, Security(access_token, scopes=["tips:read"])]
TipsManager = Annotated[AccessToken, Security(access_token, scopes=["tips:manage"])]
TipsInternal = Annotated[AccessToken, Security(access_token, scopes=["tips:internal"])]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="retrying with the same key and body returns the same tip",
    ),
]
NoteIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="retrying with the same key and text returns the same note",
    ),
]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="next_cursor of the previous page"),
]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
ListOrder = Annotated[
    Order,
    Query(description="asc: oldest (or first) first, the default; desc: newest first"),
]
AgreementId = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]


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
