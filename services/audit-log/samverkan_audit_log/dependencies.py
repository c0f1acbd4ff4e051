"""Annotated dependencies, so route signatures read as a sentence."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from sqlalchemy import Engine

from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.entries.append import AppendQueue
from samverkan_audit_log.witnessing.worker import Witnessing
from samverkan_shared.auth import AccessToken, access_token
from samverkan_shared.problems import Forbidden
from samverkan_shared.service_app import ServiceApp

__all__ = [
    "AuditAppender",
    "AuditReader",
    "EngineDep",
    "LogDep",
    "LogState",
    "ReceiptReader",
]


@dataclass(frozen=True)
class LogState:
    """What the routes need besides the database: the signer, the pseudonym key,
    the process's append queue (group commit) and its witnesses."""

    signer: LogSigner
    pseudonym_key: bytes
    appends: AppendQueue
    witnessing: Witnessing


# async where they do no I/O: a sync dependency costs a hop to the thread pool.
async def _log_state(request: Request) -> LogState:
    app: ServiceApp[LogState] = request.app
    return app.running.state


async def _engine(request: Request) -> Engine:
    app: ServiceApp[LogState] = request.app
    return app.platform.engine


EngineDep = Annotated[Engine, Depends(_engine)]
LogDep = Annotated[LogState, Depends(_log_state)]
AuditReader = Annotated[AccessToken, Security(access_token, scopes=["audit:read"])]
AuditAppender = Annotated[AccessToken, Security(access_token, scopes=["audit:append"])]
RECEIPT_SCOPES = frozenset({"audit:read", "audit:append"})


async def _receipt_reader(
    token: Annotated[AccessToken, Security(access_token)],
) -> AccessToken:
    """A reader, or the appender: sharing fetches the receipt of an entry it wrote to
    hand it to the disclosure's recipient, and needs no read access to the log."""
    if not token.scopes & RECEIPT_SCOPES:
        raise Forbidden(
            "A receipt needs the scope audit:read, or audit:append (the service that "
            "writes the log's entries)."
        )
    return token


ReceiptReader = Annotated[AccessToken, Depends(_receipt_reader)]
