"""`samverkan tips reencrypt`: every tip's sealed fields under the current key."""

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
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.sealing import SEALED_FIELDS, field_associated_data

__all__ = ["reencrypt_tips"]


def reencrypt_tips(engine: Engine, keyring: Keyring) -> ReencryptionReport:
    columns = [
        SealedColumn(column, partial(_associated_data, field=field))
        for field, column in SEALED_FIELDS.items()
    ]
    return reencrypt_table(engine, table_of(TipRecord), "id", columns, keyring)


def _associated_data(tip_id: object, *, field: str) -> bytes:
    # The same spelling the tip was sealed with, whatever the driver hands back.
    return field_associated_data(uuid.UUID(str(tip_id)), field)
