"""All SQL of the fork evidence: added once, never changed, listed newest first."""

from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_witness.forks.models import ForkEvidence

__all__ = ["ForkRepository"]


class ForkRepository(Repository):
    def add(self, evidence: ForkEvidence) -> None:
        """Add to the caller's transaction; it commits."""
        self._session.add(evidence)

    def newest(self, limit: int) -> list[ForkEvidence]:
        statement = (
            select(ForkEvidence).order_by(col(ForkEvidence.id).desc()).limit(limit)
        )
        return list(self._session.exec(statement))
