"""Authorization codes bound to a DPoP key (RFC 9449 §10).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

``oauth_authorization_codes.dpop_jkt``: the thumbprint of the key the client named
with its authorization request (a DPoP proof with its pushed request, RFC 9126, or
the ``dpop_jkt`` parameter); only a token request with a proof by that key redeems
the code. Codes issued before are unbound (they live a minute).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_authorization_codes") as batch:
        batch.add_column(sa.Column("dpop_jkt", sa.String(43), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_authorization_codes") as batch:
        batch.drop_column("dpop_jkt")
