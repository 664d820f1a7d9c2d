"""indexes for sorted pages and the queue

One index per sort of a product's reviews, so a deep page skips index entries instead of
sorting every review (ix_reviews_product_stars becomes the longer _stars_newest, which
also serves "highest"); outstanding follow-ups for the dashboard card and the queue's
"negative" tab; the summaries' merchant, which the queue adds up its published count from.

Revision ID: e5e8ca0e5ca0
Revises: 1e9a737000da
Create Date: 2026-12-07 08:37:31.327605
"""

import sqlalchemy as sa
from alembic import op

revision = "e5e8ca0e5ca0"
down_revision = "1e9a737000da"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews_review", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_product_stars")
        # "newest" breaks ties by id: PostgreSQL sorts them unless the index holds it too
        batch_op.drop_index("ix_reviews_product_list")
        batch_op.create_index(
            "ix_reviews_product_list", ["product_id", "status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_reviews_follow_up", ["merchant_id", "follow_up", "stars"], unique=False
        )
        batch_op.create_index(
            "ix_reviews_product_helpful",
            ["product_id", "status", "helpful_count", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_reviews_product_lowest",
            [
                "product_id",
                "status",
                "stars",
                sa.literal_column("created_at DESC"),
                sa.literal_column("id DESC"),
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_reviews_product_stars_newest",
            ["product_id", "status", "stars", "created_at", "id"],
            unique=False,
        )

    with op.batch_alter_table("reviews_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviews_summary_merchant_id"), ["merchant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_summary_merchant_id"))

    with op.batch_alter_table("reviews_review", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_product_stars_newest")
        batch_op.drop_index("ix_reviews_product_lowest")
        batch_op.drop_index("ix_reviews_product_helpful")
        batch_op.drop_index("ix_reviews_follow_up")
        batch_op.drop_index("ix_reviews_product_list")
        batch_op.create_index(
            "ix_reviews_product_list", ["product_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_reviews_product_stars", ["product_id", "status", "stars"], unique=False
        )
