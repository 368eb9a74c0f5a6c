"""account language and monthly digest subscription

The e-mail column exists since 0003 (single sign-on); the digest is sent to it.

Revision ID: 0007
Revises: 0005 (re-chained at the merge of main, which has 0004 and 0005)
Create Date: 2026-11-29 22:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(length=10), server_default="none", nullable=False))
        batch.create_check_constraint("digest", "digest IN ('monthly', 'none')")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_digest", type_="check")
        batch.drop_column("digest")
        batch.drop_column("language")
