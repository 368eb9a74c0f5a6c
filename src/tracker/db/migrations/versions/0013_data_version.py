"""a one-row data version that every write changes, for cached reads in every process

Revision ID: 0013_data_version
Revises: 0012_event_sources
Create Date: 2026-12-07 19:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_data_version"
down_revision = "0012_event_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("data_version")
