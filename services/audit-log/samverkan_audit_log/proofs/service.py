"""Proofs from the stored tree: RFC 9162 inclusion and consistency."""

from collections.abc import Callable

from sqlmodel import Session

from samverkan_audit_log.merkle import (
    InvalidProofRequest,
    SubtreeHashGetter,
    consistency_proof,
    inclusion_proof,
)
from samverkan_audit_log.proofs.presenter import proof_hashes
from samverkan_audit_log.proofs.schemas import ProofHashes
from samverkan_audit_log.tree.nodes import with_stored_nodes
from samverkan_audit_log.tree.repository import TreeRepository
from samverkan_shared.problems import UnprocessableContent

__all__ = ["prove_consistency", "prove_inclusion"]


def prove_inclusion(session: Session, index: int, tree_size: int) -> ProofHashes:
    """RFC 9162 §2.1.3 PATH(index, D[0:tree_size]) from one read of stored nodes."""
    repository = TreeRepository(session)
    _within_log(repository, tree_size, "tree_size")
    hashes = _guarded(
        repository, lambda getter: inclusion_proof(index, tree_size, getter)
    )
    return proof_hashes(hashes)


def prove_consistency(session: Session, first: int, second: int) -> ProofHashes:
    """RFC 9162 §2.1.4 PROOF(first, D[0:second]) from one read of stored nodes."""
    repository = TreeRepository(session)
    _within_log(repository, second, "second")
    hashes = _guarded(
        repository, lambda getter: consistency_proof(first, second, getter)
    )
    return proof_hashes(hashes)


def _within_log(repository: TreeRepository, size: int, parameter: str) -> None:
    current = repository.tree_size()
    if size > current:
        raise UnprocessableContent(
            f"{parameter}={size} is larger than the log, which has {current} entries.",
            errors=[
                {"parameter": parameter, "in": "query", "detail": "exceeds the log"}
            ],
        )


def _guarded(
    repository: TreeRepository, compute: Callable[[SubtreeHashGetter], list[bytes]]
) -> list[bytes]:
    try:
        return with_stored_nodes(repository, compute)
    except InvalidProofRequest as error:
        raise UnprocessableContent(f"{error}.") from error
