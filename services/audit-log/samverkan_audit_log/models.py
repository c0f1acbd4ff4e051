"""The audit-log service's table base, on a registry of its own.

The tables live with their features (``entries``, ``tree``, ``checkpoints``); the
database itself keeps every one of them append-only (see the migrations).
"""

from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from samverkan_shared.db import NAMING_CONVENTION

__all__ = ["AuditLogTable"]


class AuditLogTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every audit-log table; own metadata keeps others out of its migrations."""
