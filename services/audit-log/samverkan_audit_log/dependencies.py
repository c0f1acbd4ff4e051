"""Annotated dependencies, so route signatures read as a sentence."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_audit_log.service import AppendQueue
from samverkan_audit_log.signer import LogSigner
from samverkan_shared.auth import AccessToken, access_token
from samverkan_shared.db import session_for_request

__all__ = [
    "AuditAppender",
    "AuditReader",
    "EngineDep",
    "LogContext",
    "LogDep",
    "SessionDep",
]


@dataclass(frozen=True)
class LogContext:
    """What the routes need besides the database: the signer, the pseudonym key and
    the process's append queue (group commit)."""

    signer: LogSigner
    pseudonym_key: bytes
    appends: AppendQueue


async def _log_context(request: Request) -> LogContext:
    context: LogContext = request.app.state.audit_log
    return context


async def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


SessionDep = Annotated[Session, Depends(session_for_request)]
EngineDep = Annotated[Engine, Depends(_engine)]
LogDep = Annotated[LogContext, Depends(_log_context)]
AuditReader = Annotated[AccessToken, Security(access_token, scopes=["audit:read"])]
AuditAppender = Annotated[AccessToken, Security(access_token, scopes=["audit:append"])]
