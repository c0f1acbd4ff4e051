"""The notes feature's wire contract: a case note and the body that adds one."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from samverkan_tips.tips.schemas import Actor, RequestBody, no_nul

__all__ = ["NOTE_MAX_LENGTH", "Note", "NoteCreate"]

NOTE_MAX_LENGTH = 10_000  # a working note; documents belong in the case system


class NoteCreate(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "Ringde leverantören; bemanningslistor begärda."}]
        },
    )

    text: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=NOTE_MAX_LENGTH
        ),
        no_nul,
    ]


class Note(BaseModel):
    id: uuid.UUID
    tip_id: uuid.UUID
    text: str
    author: Actor
    created_at: datetime
