"""The tips service's tables, on a registry of their own."""

from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from samverkan_shared.db import NAMING_CONVENTION

__all__ = ["TipsTable"]


class TipsTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every tips table; its own metadata keeps other services out of its migrations."""
