"""event ids kept whole

The webhook cut an aggregator's event id to 64 characters, so two events whose ids shared
their first 64 characters counted as one, and the second was dropped as a redelivery. The
column now holds 255 characters and the webhook refuses a longer id instead of cutting it.
Ids stored before were already cut; they stay as they are.

Downgrading on PostgreSQL fails while an id longer than 64 characters is stored (such an
id cannot be cut without risking two events under one id).

Revision ID: 1fd41fb7cd09
Revises: f0004a1ff32f
Create Date: 2026-12-07 20:38:31.668681
"""

import sqlalchemy as sa
from alembic import op

revision = "1fd41fb7cd09"
down_revision = "f0004a1ff32f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracking_event", schema=None) as batch_op:
        batch_op.alter_column(
            "external_id",
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("tracking_event", schema=None) as batch_op:
        batch_op.alter_column(
            "external_id",
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
