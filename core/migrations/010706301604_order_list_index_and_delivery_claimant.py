"""order list index and delivery claimant

Revision ID: 010706301604
Revises: a373bce77760
Create Date: 2026-12-07 08:18:04.289578
"""

import sqlalchemy as sa
from alembic import op

revision = "010706301604"
down_revision = "a373bce77760"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))

    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_merchant_created", ["merchant_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_index("ix_order_merchant_created")

    with op.batch_alter_table("event_delivery", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
