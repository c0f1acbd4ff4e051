"""`samverkan disclosures reencrypt`: every released payload under the current key."""

from sqlalchemy import Engine

from samverkan_shared.crypto import Keyring
from samverkan_shared.db_types import table_of
from samverkan_shared.reencryption import (
    ReencryptionReport,
    SealedColumn,
    reencrypt_table,
)
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.records import payload_aad

__all__ = ["reencrypt_payloads"]


def reencrypt_payloads(engine: Engine, keyring: Keyring) -> ReencryptionReport:
    column = SealedColumn(
        "payload_ciphertext", lambda disclosure_id: payload_aad(str(disclosure_id))
    )
    return reencrypt_table(engine, table_of(DisclosureRecord), "id", [column], keyring)
