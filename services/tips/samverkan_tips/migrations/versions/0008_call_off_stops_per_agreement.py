"""Call-off stops per agreement.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

An agreement's owner stops call-offs on its own agreements only: the stop moves from
the supplier (where it hid the supplier on every agreement, other owners' included) to
the selection list row of each agreement.

- ``agreement_suppliers.stopped_at`` / ``stop_reason``: each agreement's stop. An
  upgrade copies a supplier's stop onto every agreement it is on, which is where it
  applied before, so nothing reappears in a selection list.
- ``call_off_stops.agreement_ids``: the agreements a stop or lift was about; rows from
  before get the supplier's agreements at the upgrade, the ones it applied to.
- ``suppliers.stopped_at`` / ``stop_reason`` go.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)

_suppliers = sa.table(
    "suppliers",
    sa.column("org_number", sa.String),
    sa.column("stopped_at", TIMESTAMP),
    sa.column("stop_reason", sa.Text),
)
_links = sa.table(
    "agreement_suppliers",
    sa.column("agreement_id", sa.String),
    sa.column("supplier_org_number", sa.String),
    sa.column("stopped_at", TIMESTAMP),
    sa.column("stop_reason", sa.Text),
)
_stops = sa.table(
    "call_off_stops",
    sa.column("id", sa.Integer),
    sa.column("supplier_org_number", sa.String),
    sa.column("agreement_ids", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("agreement_suppliers") as batch:
        batch.add_column(sa.Column("stopped_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("stop_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("call_off_stops") as batch:
        batch.add_column(sa.Column("agreement_ids", sa.JSON(), nullable=True))
    _copy_stops_to_agreements()
    with op.batch_alter_table("call_off_stops") as batch:
        batch.alter_column("agreement_ids", existing_type=sa.JSON(), nullable=False)
    # Native ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), not a batch copy: the
    # suppliers table is referenced by others, and a copy would have to drop it.
    op.drop_column("suppliers", "stop_reason")
    op.drop_column("suppliers", "stopped_at")


def _copy_stops_to_agreements() -> None:
    bind = op.get_bind()
    agreements: dict[str, list[str]] = {}
    for agreement_id, supplier in bind.execute(
        sa.select(_links.c.agreement_id, _links.c.supplier_org_number)
    ):
        agreements.setdefault(supplier, []).append(agreement_id)
    stopped = bind.execute(
        sa.select(
            _suppliers.c.org_number, _suppliers.c.stopped_at, _suppliers.c.stop_reason
        ).where(_suppliers.c.stopped_at.is_not(None))
    ).all()
    for org_number, stopped_at, reason in stopped:
        bind.execute(
            _links.update()
            .where(_links.c.supplier_org_number == org_number)
            .values(stopped_at=stopped_at, stop_reason=reason)
        )
    for stop_id, supplier in bind.execute(
        sa.select(_stops.c.id, _stops.c.supplier_org_number)
    ).all():
        bind.execute(
            _stops.update()
            .where(_stops.c.id == stop_id)
            .values(agreement_ids=sorted(agreements.get(supplier, [])))
        )


def downgrade() -> None:
    op.add_column("suppliers", sa.Column("stopped_at", TIMESTAMP, nullable=True))
    op.add_column("suppliers", sa.Column("stop_reason", sa.Text(), nullable=True))
    bind = op.get_bind()
    # A supplier counts as stopped if it is stopped on any agreement (its earliest stop).
    for supplier, stopped_at, reason in bind.execute(
        sa.select(_links.c.supplier_org_number, _links.c.stopped_at, _links.c.stop_reason)
        .where(_links.c.stopped_at.is_not(None))
        .order_by(_links.c.stopped_at.desc())
    ).all():
        bind.execute(
            _suppliers.update()
            .where(_suppliers.c.org_number == supplier)
            .values(stopped_at=stopped_at, stop_reason=reason)
        )
    with op.batch_alter_table("call_off_stops") as batch:
        batch.drop_column("agreement_ids")
    with op.batch_alter_table("agreement_suppliers") as batch:
        batch.drop_column("stop_reason")
        batch.drop_column("stopped_at")
