"""member submissions, and the reviewers' daily e-mail setting

Revision ID: 0010_submissions
Revises: 0009_targets
Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_submissions"
down_revision = "0009_targets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("confidentiality", sa.String(length=12), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'returned', 'approved', 'rejected')", name=op.f("ck_submissions_status")
        ),
        sa.CheckConstraint(
            "confidentiality IN ('public', 'internal', 'restricted')",
            name=op.f("ck_submissions_confidentiality"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_submissions_activity_id_activities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_index("ix_submissions_organisation", "submissions", ["organisation"])
    op.create_index("ix_submissions_status_submitted_at", "submissions", ["status", "submitted_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("review_digest", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("review_digest")
    op.drop_index("ix_submissions_status_submitted_at", table_name="submissions")
    op.drop_index("ix_submissions_organisation", table_name="submissions")
    op.drop_table("submissions")
