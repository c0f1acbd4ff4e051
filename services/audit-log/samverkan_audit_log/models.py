"""The audit-log service's tables, on a registry of their own."""

from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from samverkan_shared.db import NAMING_CONVENTION

__all__ = ["AuditLogTable"]


class AuditLogTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every audit-log table; own metadata keeps others out of its migrations."""
