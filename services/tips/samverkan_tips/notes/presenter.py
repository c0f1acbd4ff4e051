"""Stored notes → the wire schema; a note's text is decrypted here."""

from samverkan_shared.crypto import Keyring
from samverkan_tips.notes.models import TipNoteRecord
from samverkan_tips.notes.schemas import Note
from samverkan_tips.tips.schemas import Actor
from samverkan_tips.tips.sealing import open_note

__all__ = ["note_author", "note_view"]


def note_author(record: TipNoteRecord) -> Actor:
    return Actor(
        client_id=record.author_client_id,
        person_id=record.author_person_id,
        person_name=record.author_person_name,
    )


def note_view(keyring: Keyring, record: TipNoteRecord) -> Note:
    return Note(
        id=record.id,
        tip_id=record.tip_id,
        text=open_note(keyring, record.id, record.text_sealed),
        author=note_author(record),
        created_at=record.created_at,
    )
