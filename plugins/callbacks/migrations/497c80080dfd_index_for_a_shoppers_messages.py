"""index for a shopper's messages newest first

"My messages" reads a page in index order and counts from the index alone, however many
requests the shopper made. The new index leads with user_id, so it replaces the
single-column one (created first, so user_id is never without an index).

Revision ID: 497c80080dfd
Revises: af447eef5216
Create Date: 2026-12-07 09:29:53.534289
"""

from alembic import op

revision = "497c80080dfd"
down_revision = "af447eef5216"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callbacks_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_callbacks_mine", ["user_id", "merchant_id", "created_at", "id"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_callbacks_request_user_id"))


def downgrade() -> None:
    with op.batch_alter_table("callbacks_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callbacks_request_user_id"), ["user_id"], unique=False)
        batch_op.drop_index("ix_callbacks_mine")
