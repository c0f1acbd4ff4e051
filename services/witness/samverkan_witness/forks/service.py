"""The evidence of forks this witness has seen."""

from sqlmodel import Session

from samverkan_witness.forks.presenter import fork_list
from samverkan_witness.forks.repository import ForkRepository
from samverkan_witness.forks.schemas import ForkList

__all__ = ["MAX_LISTED", "recorded_forks"]

MAX_LISTED = 100


def recorded_forks(session: Session, limit: int = MAX_LISTED) -> ForkList:
    return fork_list(ForkRepository(session).newest(limit))
