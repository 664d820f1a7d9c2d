"""indexes for the shipments list newest first

The list and its one-status tabs (in transit, delivered) read a page in index order
instead of sorting every parcel of the shop; each index holds id as well, the tie-breaker
of the sort, so PostgreSQL needs no sort either.

Revision ID: f0004a1ff32f
Revises: 6f4bea78be57
Create Date: 2026-12-07 09:29:52.424487
"""

from alembic import op

revision = "f0004a1ff32f"
down_revision = "6f4bea78be57"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracking_shipment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tracking_shipment_newest", ["merchant_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_tracking_shipment_status_newest",
            ["merchant_id", "status", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("tracking_shipment", schema=None) as batch_op:
        batch_op.drop_index("ix_tracking_shipment_status_newest")
        batch_op.drop_index("ix_tracking_shipment_newest")
