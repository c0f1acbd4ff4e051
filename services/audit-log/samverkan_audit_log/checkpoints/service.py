"""The current signed checkpoint, as the log hands it out."""

from sqlmodel import Session

from samverkan_audit_log.checkpoints.repository import CheckpointRepository
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.merkle import EMPTY_ROOT

__all__ = ["current_checkpoint"]


def current_checkpoint(session: Session, signer: LogSigner) -> str:
    """The newest stored checkpoint; for the empty log one signed on demand.

    A size-0 checkpoint commits to nothing (every tree extends the empty tree,
    RFC 9162 §2.1.4), so it is not stored: every stored checkpoint covers an entry.
    """
    latest = CheckpointRepository(session).latest()
    if latest is None:
        return signer.sign(0, EMPTY_ROOT)
    return latest.note
