"""Annotated dependencies, so route signatures read as a sentence."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request, Security
from sqlmodel import Session

from samverkan_shared.auth import AccessToken, access_token
from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import Forbidden
from samverkan_shared.service_app import ServiceApp
from samverkan_shared.sessions import WritingSession, writing_session
from samverkan_sharing.disclosures.metrics import DisclosureMetrics
from samverkan_sharing.disclosures.service import Disclosures
from samverkan_sharing.oauth.service import TokenIssuer
from samverkan_sharing.outbound_pool import OutboundPool
from samverkan_sharing.rules import Catalogue
from samverkan_sharing.upstream import Upstream

__all__ = [
    "AnyCaller",
    "Approver",
    "ApprovingPerson",
    "AssessingPerson",
    "Assessor",
    "DisclosuresDep",
    "IdempotencyKey",
    "Partner",
    "PersonCaller",
    "SharingDep",
    "SharingState",
    "UpstreamDep",
    "with_disclosures",
]

T = TypeVar("T")


@dataclass(frozen=True)
class SharingState:
    """What the routes need besides the database, opened by the lifespan."""

    token_issuer: TokenIssuer
    catalogue: Catalogue
    upstream: Upstream
    outbound_pool: OutboundPool
    disclosure_metrics: DisclosureMetrics
    keyring: Keyring
    pseudonym_key: bytes
    # Whose persons may assess and approve; None: nobody (the setting is missing).
    holder_org_number: str | None = None


def sharing_app(request: Request) -> ServiceApp[SharingState]:
    app: ServiceApp[SharingState] = request.app
    return app


# async where they do no I/O: a sync dependency costs a hop to the thread pool.
async def _sharing(request: Request) -> SharingState:
    return sharing_app(request).running.state


SharingDep = Annotated[SharingState, Depends(_sharing)]
AnyCaller = Annotated[AccessToken, Security(access_token, scopes=[])]
Partner = Annotated[AccessToken, Security(access_token, scopes=["disclosures:request"])]
Assessor = Annotated[AccessToken, Security(access_token, scopes=["disclosures:assess"])]
Approver = Annotated[
    AccessToken, Security(access_token, scopes=["disclosures:approve"])
]


def _a_person(caller: AccessToken) -> AccessToken:
    if not caller.is_person:
        raise Forbidden(
            "This needs a person's token: sign the person in (OpenID Connect, the "
            "authorization code flow); a client's own token cannot do this.",
            headers={
                "WWW-Authenticate": 'Bearer error="insufficient_user_authentication"'
            },
        )
    return caller


async def _person(
    caller: Annotated[AccessToken, Security(access_token, scopes=["openid"])],
) -> AccessToken:
    return _a_person(caller)


# A signed-in person (the userinfo endpoint).
PersonCaller = Annotated[AccessToken, Depends(_person)]


def _of_the_holder(caller: AccessToken, holder: str | None) -> AccessToken:
    """The person, if they belong to the organisation whose data is disclosed."""
    if holder is None:
        raise Forbidden(
            "Assessments and approvals are refused: this service does not know whose "
            "officials may decide. Set SHARING_HOLDER_ORG_NUMBER to the organisation "
            "number of the authority whose data it discloses."
        )
    if caller.org_number != holder:
        raise Forbidden(
            f"Only a person of the holding organisation ({holder}) may assess or "
            "approve a disclosure; this person's token names "
            + (
                f"another organisation ({caller.org_number})."
                if caller.org_number
                else "no organisation."
            )
        )
    return caller


async def _assessing_person(caller: Assessor, sharing: SharingDep) -> AccessToken:
    return _of_the_holder(_a_person(caller), sharing.holder_org_number)


async def _approving_person(caller: Approver, sharing: SharingDep) -> AccessToken:
    return _of_the_holder(_a_person(caller), sharing.holder_org_number)


# An interest assessment and its approval are decisions of named officials: a person
# of the holding organisation signed in with the scope, never a client on its own
# (four eyes are two persons' of the holder).
AssessingPerson = Annotated[AccessToken, Depends(_assessing_person)]
ApprovingPerson = Annotated[AccessToken, Depends(_approving_person)]


async def _upstream(sharing: SharingDep) -> Upstream:
    return sharing.upstream


UpstreamDep = Annotated[Upstream, Depends(_upstream)]


# Disclosures read and then write: a writing session, whose transactions the use case
# ends before every call to another service (see samverkan_shared.sessions).
async def _disclosures(sharing: SharingDep, session: WritingSession) -> Disclosures:
    return _built(sharing, session)


async def with_disclosures(request: Request, use: Callable[[Disclosures], T]) -> T:
    """``use(disclosures)`` on the outbound pool (see ``samverkan_sharing.outbound_pool``),
    for the use cases that call tips or the audit log. The write session is opened and
    closed on that thread too: no hop through FastAPI's pool on the way."""

    def work() -> T:
        with _disclosures_here(request) as disclosures:
            return use(disclosures)

    return await sharing_app(request).running.state.outbound_pool.run(work)


@contextmanager
def _disclosures_here(request: Request) -> Iterator[Disclosures]:
    app = sharing_app(request)
    engine = app.platform.engine
    with writing_session(engine, expire_on_commit=False) as session:
        yield _built(app.running.state, session)


def _built(sharing: SharingState, session: Session) -> Disclosures:
    return Disclosures(
        session=session,
        upstream=sharing.upstream,
        keyring=sharing.keyring,
        catalogue=sharing.catalogue,
        pseudonym_key=sharing.pseudonym_key,
        observe=sharing.disclosure_metrics.observe,
    )


DisclosuresDep = Annotated[Disclosures, Depends(_disclosures)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$"
    ),
]
