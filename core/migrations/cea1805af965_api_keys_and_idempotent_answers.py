"""api keys, idempotent answers, stored carts, api origins

Revision ID: cea1805af965
Revises: e39267955e65
Create Date: 2026-12-07 23:21:56.691023
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import storefront.models.base

revision = "cea1805af965"
down_revision = "e39267955e65"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotent_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", storefront.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("caller", "key", name="uq_idempotent_answer_caller_key"),
    )
    with op.batch_alter_table("idempotent_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotent_answer_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column(
            "scopes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", storefront.models.base.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", storefront.models.base.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", storefront.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "stored_cart_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["variant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "merchant_id", "variant_id", name="uq_stored_cart_line"),
    )
    with op.batch_alter_table("stored_cart_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_cart_item_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("merchant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "api_origins",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("merchant", schema=None) as batch_op:
        batch_op.drop_column("api_origins")

    with op.batch_alter_table("stored_cart_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_cart_item_user_id"))

    op.drop_table("stored_cart_item")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_merchant_id"))

    op.drop_table("api_key")
    with op.batch_alter_table("idempotent_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotent_answer_created_at"))

    op.drop_table("idempotent_answer")
