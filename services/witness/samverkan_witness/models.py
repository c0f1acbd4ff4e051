"""The witness's table base, on a registry of its own."""

from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from samverkan_shared.db import NAMING_CONVENTION

__all__ = ["WitnessTable"]


class WitnessTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every witness table; own metadata keeps others out of its migrations."""
