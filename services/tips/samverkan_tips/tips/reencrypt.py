"""`samverkan tips reencrypt`: every tip's sealed fields, every case note's text and
every webhook subscription's signing secret under the current key."""

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
from samverkan_tips.webhooks.models import WebhookSubscriptionRecord
from samverkan_tips.webhooks.presenter import secret_associated_data

__all__ = ["reencrypt_tips"]


def reencrypt_tips(engine: Engine, keyring: Keyring) -> ReencryptionReport:
    """The tips, the notes, then the webhook signing secrets; one report over all."""
    columns = [
        SealedColumn(column, partial(_associated_data, field=field))
        for field, column in SEALED_FIELDS.items()
    ]
    reports = [
        reencrypt_table(engine, table_of(TipRecord), "id", columns, keyring),
        reencrypt_table(
            engine,
            table_of(TipNoteRecord),
            "id",
            [SealedColumn("text_sealed", _note_associated_data)],
            keyring,
        ),
        reencrypt_table(
            engine,
            table_of(WebhookSubscriptionRecord),
            "id",
            [SealedColumn("secret_sealed", _secret_associated_data)],
            keyring,
        ),
    ]
    *firsts, last = [report.table for report in reports]
    return ReencryptionReport(
        table=f"{', '.join(firsts)} and {last}",
        current_key=keyring.current,
        rows=sum(report.rows for report in reports),
        resealed=sum(report.resealed for report in reports),
        changed_meanwhile=sum(report.changed_meanwhile for report in reports),
        unreadable=[text for report in reports for text in report.unreadable],
    )


def _associated_data(tip_id: object, *, field: str) -> bytes:
    # The same spelling the tip was sealed with, whatever the driver hands back.
    return field_associated_data(uuid.UUID(str(tip_id)), field)


def _note_associated_data(note_id: object) -> bytes:
    return note_associated_data(uuid.UUID(str(note_id)))


def _secret_associated_data(subscription_id: object) -> bytes:
    return secret_associated_data(uuid.UUID(str(subscription_id)))
