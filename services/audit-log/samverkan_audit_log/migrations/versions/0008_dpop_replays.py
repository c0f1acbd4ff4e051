"""DPoP (RFC 9449): the proof ids the log's routes have accepted, so a replayed proof is
refused by every process and replica.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

``dpop_replays`` is the table every service has (`samverkan_shared.proof_replay`):
one row per accepted proof, deleted once the proof is too old to be accepted anyway.
It is no audit record: on PostgreSQL the writer role may insert, update and delete
its rows (nothing else of the log's tables changes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samverkan_shared.db import NAMING_CONVENTION
from samverkan_shared.proof_replay import REPLAY_TABLE, replay_table

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "samverkan_audit_writer"


def upgrade() -> None:
    replay_table(sa.MetaData(naming_convention=NAMING_CONVENTION)).create(
        op.get_bind()
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {REPLAY_TABLE} TO {ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"REVOKE ALL ON {REPLAY_TABLE} FROM {ROLE}")
    op.drop_table(REPLAY_TABLE)
