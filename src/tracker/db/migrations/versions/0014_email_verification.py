"""an account's e-mail address is verified (a signed link) before any digest goes to it

Revision ID: 0014_email_verification
Revises: 0013_data_version
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_email_verification"
down_revision = "0013_data_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    # Addresses stored before this revision were set by an administrator (the command line or
    # the Users page): they count as verified, so no digest stops on upgrade.
    op.execute(sa.text("UPDATE users SET email_verified_at = created_at WHERE email IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
