"""Annotated dependencies, so route signatures read as a sentence."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Security
from sqlmodel import Session

from samverkan_shared.auth import AccessToken, access_token
from samverkan_shared.db import (
    session_for_request,
    write_session,
    write_session_for_request,
)
from samverkan_sharing.disclosures.service import Disclosures
from samverkan_sharing.outbound_pool import OutboundPool
from samverkan_sharing.upstream import Upstream

__all__ = [
    "AnyCaller",
    "Approver",
    "Assessor",
    "DisclosuresDep",
    "IdempotencyKey",
    "Partner",
    "SessionDep",
    "UpstreamDep",
    "WriteSessionDep",
    "with_disclosures",
]

T = TypeVar("T")

SessionDep = Annotated[Session, Depends(session_for_request)]
AnyCaller = Annotated[AccessToken, Security(access_token, scopes=[])]
Partner = Annotated[AccessToken, Security(access_token, scopes=["disclosures:request"])]
Assessor = Annotated[AccessToken, Security(access_token, scopes=["disclosures:assess"])]
Approver = Annotated[
    AccessToken, Security(access_token, scopes=["disclosures:approve"])
]


# async where they do no I/O: a sync dependency costs a hop to the thread pool.
async def _upstream(request: Request) -> Upstream:
    upstream: Upstream = request.app.state.upstream
    return upstream


UpstreamDep = Annotated[Upstream, Depends(_upstream)]


# Disclosures read and then write: a write session, whose transactions the use case ends
# before every call to another service (see samverkan_shared.db.write_session).
WriteSessionDep = Annotated[Session, Depends(write_session_for_request)]


async def _disclosures(
    request: Request, session: WriteSessionDep, upstream: UpstreamDep
) -> Disclosures:
    return _built(request.app.state, session, upstream)


async def with_disclosures(request: Request, use: Callable[[Disclosures], T]) -> T:
    """``use(disclosures)`` on the outbound pool (see ``samverkan_sharing.outbound_pool``),
    for the use cases that call tips or the audit log. The write session is opened and
    closed on that thread too: no hop through FastAPI's pool on the way."""

    def work() -> T:
        with _disclosures_here(request) as disclosures:
            return use(disclosures)

    pool: OutboundPool = request.app.state.outbound_pool
    return await pool.run(work)


@contextmanager
def _disclosures_here(request: Request) -> Iterator[Disclosures]:
    state = request.app.state
    with write_session(state.engine, expire_on_commit=False) as session:
        yield _built(state, session, state.upstream)


def _built(state: Any, session: Session, upstream: Upstream) -> Disclosures:
    return Disclosures(
        session=session,
        upstream=upstream,
        keyring=state.keyring,
        catalogue=state.catalogue,
        pseudonym_key=state.pseudonym_key,
        observe=state.disclosure_metrics.observe,
    )


DisclosuresDep = Annotated[Disclosures, Depends(_disclosures)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$"
    ),
]
