"""The log's signed notes and checkpoints: C2SP signed-note, in ``samverkan_shared``.

The code lives in shared because the witness (``samverkan_witness``) opens the same
notes; the log's modules and tests keep importing it from here.
"""

from samverkan_shared.signed_note import (
    Checkpoint,
    InvalidCheckpoint,
    InvalidNote,
    NoteVerifier,
    load_or_create_signing_key,
    open_note,
    open_signed_checkpoint,
    parse_checkpoint_body,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_key_for,
)

__all__ = [
    "Checkpoint",
    "InvalidCheckpoint",
    "InvalidNote",
    "NoteVerifier",
    "load_or_create_signing_key",
    "open_note",
    "open_signed_checkpoint",
    "parse_checkpoint_body",
    "parse_verifier_key",
    "sign_checkpoint",
    "sign_note",
    "verifier_key_for",
]
