"""checkout token

Revision ID: e39267955e65
Revises: 5ef646a3625e
Create Date: 2026-12-07 20:36:28.835730
"""

import sqlalchemy as sa
from alembic import op

revision = "e39267955e65"
down_revision = "5ef646a3625e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkout_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_order_checkout_token", ["user_id", "checkout_token"])


def downgrade() -> None:
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_constraint("uq_order_checkout_token", type_="unique")
        batch_op.drop_column("checkout_token")
