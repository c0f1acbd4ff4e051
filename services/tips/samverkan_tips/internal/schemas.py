"""The internal read's wire contract: a tip field by field, for the sharing service."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from samverkan_tips.tips.classification import DataCategory, HolderActivity

__all__ = ["InternalField", "InternalTip", "Subject"]


class InternalField(BaseModel):
    name: str
    category: DataCategory
    value: Any


class Subject(BaseModel):
    kind: str  # "organisation" | "person"
    identifier: str


class InternalTip(BaseModel):
    tip_id: uuid.UUID
    holder_activity: HolderActivity
    supplier_org_number: str
    received_at: datetime
    fields: list[InternalField]
    subjects: list[Subject]
