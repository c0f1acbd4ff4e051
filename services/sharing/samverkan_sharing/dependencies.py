"""Annotated dependencies, so route signatures read as a sentence."""

from typing import Annotated

from fastapi import Depends, Header, Request, Security
from sqlmodel import Session

from samverkan_shared.auth import AccessToken, access_token
from samverkan_shared.db import session_for_request
from samverkan_sharing.disclosures.service import Disclosures
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
]

SessionDep = Annotated[Session, Depends(session_for_request)]
AnyCaller = Annotated[AccessToken, Security(access_token, scopes=[])]
Partner = Annotated[AccessToken, Security(access_token, scopes=["disclosures:request"])]
Assessor = Annotated[AccessToken, Security(access_token, scopes=["disclosures:assess"])]
Approver = Annotated[
    AccessToken, Security(access_token, scopes=["disclosures:approve"])
]


def _upstream(request: Request) -> Upstream:
    upstream: Upstream = request.app.state.upstream
    return upstream


UpstreamDep = Annotated[Upstream, Depends(_upstream)]


def _disclosures(
    request: Request, session: SessionDep, upstream: UpstreamDep
) -> Disclosures:
    state = request.app.state
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
