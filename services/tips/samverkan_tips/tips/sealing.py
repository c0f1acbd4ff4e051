"""A tip's sensitive fields in and out of their AES-GCM tokens.

The associated data binds each token to its tip and field (``tips/<id>/<field>``), so a
token copied into another row or column does not decrypt. The key id travels inside the
token (`samverkan_shared.crypto`), so tips sealed before a key rotation still open.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from samverkan_shared.crypto import Keyring

__all__ = [
    "SEALED_FIELDS",
    "OpenedTip",
    "SealedTip",
    "field_associated_data",
    "note_associated_data",
    "open_note",
    "open_tip",
    "seal_note",
    "seal_tip",
]

# Each sealed field and the column holding its token.
SEALED_FIELDS = {
    "description": "description_sealed",
    "persons": "persons_sealed",
    "contact_email": "contact_email_sealed",
}


@dataclass(frozen=True)
class OpenedTip:
    description: str
    persons: list[dict[str, Any]]
    contact_email: str | None


@dataclass(frozen=True)
class SealedTip:
    description: str
    persons: str
    contact_email: str | None


def field_associated_data(tip_id: uuid.UUID, field: str) -> bytes:
    return f"tips/{tip_id}/{field}".encode("ascii")


def seal_tip(keyring: Keyring, tip_id: uuid.UUID, opened: OpenedTip) -> SealedTip:
    persons = json.dumps(opened.persons, ensure_ascii=False, separators=(",", ":"))
    email = opened.contact_email
    return SealedTip(
        description=keyring.encrypt(
            opened.description,
            associated_data=field_associated_data(tip_id, "description"),
        ),
        persons=keyring.encrypt(
            persons, associated_data=field_associated_data(tip_id, "persons")
        ),
        contact_email=None
        if email is None
        else keyring.encrypt(
            email, associated_data=field_associated_data(tip_id, "contact_email")
        ),
    )


def open_tip(keyring: Keyring, tip_id: uuid.UUID, sealed: SealedTip) -> OpenedTip:
    def text(token: str, field: str) -> str:
        return keyring.decrypt(
            token, associated_data=field_associated_data(tip_id, field)
        ).decode()

    persons: list[dict[str, Any]] = json.loads(text(sealed.persons, "persons"))
    return OpenedTip(
        description=text(sealed.description, "description"),
        persons=persons,
        contact_email=None
        if sealed.contact_email is None
        else text(sealed.contact_email, "contact_email"),
    )


def note_associated_data(note_id: uuid.UUID) -> bytes:
    """A case note's text is bound to its note (``tips/notes/<id>/text``); the note's
    id is unique, and re-encryption finds the row by it."""
    return f"tips/notes/{note_id}/text".encode("ascii")


def seal_note(keyring: Keyring, note_id: uuid.UUID, text: str) -> str:
    return keyring.encrypt(text, associated_data=note_associated_data(note_id))


def open_note(keyring: Keyring, note_id: uuid.UUID, token: str) -> str:
    return keyring.decrypt(
        token, associated_data=note_associated_data(note_id)
    ).decode()
