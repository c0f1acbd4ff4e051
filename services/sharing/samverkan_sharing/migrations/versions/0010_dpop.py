"""DPoP (RFC 9449): each client's policy, and the proof ids the token endpoint and the
resource routes have accepted.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

``oauth_clients.dpop`` is ``required`` (a token request without a proof is refused
with ``invalid_dpop_proof``) or ``optional`` (a proof binds the token, no proof gets a
Bearer token); clients registered before keep ``optional``. ``dpop_replays`` is the
table every service has (`samverkan_shared.proof_replay`): one row per accepted
proof, deleted once the proof is too old to be accepted anyway.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samverkan_shared.db import NAMING_CONVENTION
from samverkan_shared.proof_replay import REPLAY_TABLE, replay_table

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.add_column(
            sa.Column(
                "dpop", sa.String(length=10), nullable=False, server_default="optional"
            )
        )
    replay_table(sa.MetaData(naming_convention=NAMING_CONVENTION)).create(op.get_bind())


def downgrade() -> None:
    op.drop_table(REPLAY_TABLE)
    with op.batch_alter_table("oauth_clients") as batch:
        batch.drop_column("dpop")
