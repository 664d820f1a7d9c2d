"""external accounts for mini-program login (a provider's identity linked to a shopper)

Revision ID: ab55d03d67b7
Revises: cea1805af965
Create Date: 2026-12-07 23:32:22.048848
"""

import sqlalchemy as sa
from alembic import op

import storefront.models.base

revision = "ab55d03d67b7"
down_revision = "cea1805af965"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "external_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("union_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", storefront.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "issuer", "subject", name="uq_external_account_subject"),
    )
    with op.batch_alter_table("external_account", schema=None) as batch_op:
        batch_op.create_index("ix_external_account_union", ["provider", "union_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_external_account_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("external_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_account_user_id"))
        batch_op.drop_index("ix_external_account_union")

    op.drop_table("external_account")
