"""forum events say whether their dates are confirmed or only expected (the living calendar)

Revision ID: 0012_event_sources
Revises: 0011_api_tokens
Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_event_sources"
down_revision = "0011_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forum_events") as batch:
        batch.add_column(sa.Column("status", sa.String(10), server_default="confirmed", nullable=False))
        batch.create_check_constraint(
            op.f("ck_forum_events_forum_event_status"), "status IN ('confirmed', 'expected')"
        )


def downgrade() -> None:
    with op.batch_alter_table("forum_events") as batch:
        batch.drop_constraint(op.f("ck_forum_events_forum_event_status"), type_="check")
        batch.drop_column("status")
