"""`samverkan tips reencrypt`: every tip's sealed fields and every case note's text
under the current key."""

import uuid
from functools import partial

from sqlalchemy import Engine

from samverkan_shared.crypto import Keyring
from samverkan_shared.db_types import table_of
from samverkan_shared.reencryption import (
    ReencryptionReport,
    SealedColumn,
    reencrypt_table,
)
from samverkan_tips.notes.models import TipNoteRecord
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.sealing import (
    SEALED_FIELDS,
    field_associated_data,
    note_associated_data,
)

__all__ = ["reencrypt_tips"]


def reencrypt_tips(engine: Engine, keyring: Keyring) -> ReencryptionReport:
    """The tips, then the notes; one report over both tables."""
    columns = [
        SealedColumn(column, partial(_associated_data, field=field))
        for field, column in SEALED_FIELDS.items()
    ]
    tips = reencrypt_table(engine, table_of(TipRecord), "id", columns, keyring)
    notes = reencrypt_table(
        engine,
        table_of(TipNoteRecord),
        "id",
        [SealedColumn("text_sealed", _note_associated_data)],
        keyring,
    )
    return ReencryptionReport(
        table=f"{tips.table} and {notes.table}",
        current_key=keyring.current,
        rows=tips.rows + notes.rows,
        resealed=tips.resealed + notes.resealed,
        changed_meanwhile=tips.changed_meanwhile + notes.changed_meanwhile,
        unreadable=[*tips.unreadable, *notes.unreadable],
    )


def _associated_data(tip_id: object, *, field: str) -> bytes:
    # The same spelling the tip was sealed with, whatever the driver hands back.
    return field_associated_data(uuid.UUID(str(tip_id)), field)


def _note_associated_data(note_id: object) -> bytes:
    return note_associated_data(uuid.UUID(str(note_id)))
