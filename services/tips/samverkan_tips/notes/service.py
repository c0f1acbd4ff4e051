"""Case note use cases: the agreement owner's managers add notes to a tip.

A note is a working note of the owner's investigation: only its managers write and
read it (a filing municipality never sees them, see `timeline`). Idempotent with an
Idempotency-Key per client, as filing is: a retry with the same text gets the same
note, another text under the key is a 422.
"""

import hashlib
import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import UnprocessableContent
from samverkan_tips.notes.models import TipNoteRecord
from samverkan_tips.notes.presenter import note_view
from samverkan_tips.notes.repository import NoteRepository
from samverkan_tips.notes.schemas import Note, NoteCreate
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.sealing import seal_note
from samverkan_tips.tips.service import visible_tip

__all__ = ["add_note"]

_log = structlog.get_logger("samverkan.tips")


def add_note(
    session: Session,
    tip_id: uuid.UUID,
    body: NoteCreate,
    *,
    caller: Caller,
    keyring: Keyring,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Note:
    """Store the note (404 for a tip the caller cannot read, 403 unless it manages
    the tip's agreement), or the one this key stored before."""
    _, owner = visible_tip(session, tip_id, caller)
    caller.check_manages(owner)
    digest = _fingerprint(tip_id, body)
    if idempotency_key is not None:
        stored = NoteRepository(session).by_key(caller.client_id, idempotency_key)
        if stored is not None:
            return _replay(keyring, stored, digest)
    note_id = uuid.uuid4()
    record = TipNoteRecord(
        id=note_id,
        tip_id=tip_id,
        text_sealed=seal_note(keyring, note_id, body.text),
        author_client_id=caller.client_id,
        author_person_id=caller.person_id,
        author_person_name=caller.person_name,
        created_at=now or datetime.now(UTC),
        idempotency_key=idempotency_key,
        fingerprint=digest if idempotency_key is not None else None,
    )
    try:
        NoteRepository(session).add(record)
        session.commit()
    except IntegrityError:
        # A concurrent retry with this key stored its note first.
        session.rollback()
        if idempotency_key is None:
            raise
        stored = NoteRepository(session).by_key(caller.client_id, idempotency_key)
        if stored is None:
            raise
        return _replay(keyring, stored, digest)
    _log.info("tip_note_added", tip_id=str(tip_id), note_id=str(note_id))
    return note_view(keyring, record)


def _fingerprint(tip_id: uuid.UUID, body: NoteCreate) -> str:
    """SHA-256 of the canonical JSON of the tip and the note, as filing's."""
    document = {"tip_id": str(tip_id), **body.model_dump(mode="json")}
    return hashlib.sha256(canonicalize(document)).hexdigest()


def _replay(keyring: Keyring, stored: TipNoteRecord, digest: str) -> Note:
    if stored.fingerprint != digest:
        raise UnprocessableContent(
            "This Idempotency-Key was used before with another note; use a new key "
            "for a new note, or resend the original one.",
            errors=[
                {
                    "parameter": "Idempotency-Key",
                    "in": "header",
                    "detail": "was used with another request body",
                }
            ],
        )
    return note_view(keyring, stored)
