"""DPoP (RFC 9449): the proof ids tips' routes have accepted, so a replayed proof is
refused by every process and replica.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

``dpop_replays`` is the table every service has (`samverkan_shared.proof_replay`):
one row per accepted proof, deleted once the proof is too old to be accepted anyway.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samverkan_shared.db import NAMING_CONVENTION
from samverkan_shared.proof_replay import REPLAY_TABLE, replay_table

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    replay_table(sa.MetaData(naming_convention=NAMING_CONVENTION)).create(op.get_bind())


def downgrade() -> None:
    op.drop_table(REPLAY_TABLE)
