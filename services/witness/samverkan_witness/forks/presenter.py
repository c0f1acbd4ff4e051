"""Fork evidence rows → the wire form."""

from samverkan_witness.forks.models import ForkEvidence
from samverkan_witness.forks.schemas import ForkItem, ForkList

__all__ = ["fork_list"]


def fork_list(rows: list[ForkEvidence]) -> ForkList:
    return ForkList(
        items=[
            ForkItem(
                id=row.id or 0,
                origin=row.origin,
                kind=row.kind,
                cosigned_checkpoint=row.cosigned_checkpoint,
                submitted_checkpoint=row.submitted_checkpoint,
                old_size=row.old_size,
                proof=row.proof.split("\n") if row.proof else [],
                recorded_at=row.recorded_at,
            )
            for row in rows
        ]
    )
