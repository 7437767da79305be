"""Sub-themes inside themes, and reports that are not barriers (issue 12)

Every report now has a theme (the campaign level) and a sub-theme inside it (the specific
way the barrier shows up). Existing themes each get one sub-theme holding all their reports,
so nothing changes until the next re-cluster. ``reports.not_barrier`` marks off-topic, test
and abusive messages, kept for organisers to review but out of every theme.

Revision ID: 0012
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subthemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("centroid", sa.LargeBinary(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_subthemes_theme_id", "subthemes", ["theme_id"])
    with op.batch_alter_table("report_themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subtheme_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_report_themes_subtheme_id",
            "subthemes",
            ["subtheme_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_report_themes_subtheme_id", ["subtheme_id"])
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_barrier", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "INSERT INTO subthemes (theme_id, label, centroid, size, created_at) "
        "SELECT id, label, centroid, size, created_at FROM themes WHERE merged_into IS NULL"
    )
    op.execute(
        "UPDATE report_themes SET subtheme_id = "
        "(SELECT s.id FROM subthemes s WHERE s.theme_id = report_themes.theme_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("not_barrier")
    with op.batch_alter_table("report_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_report_themes_subtheme_id")
        batch_op.drop_constraint("fk_report_themes_subtheme_id", type_="foreignkey")
        batch_op.drop_column("subtheme_id")
    op.drop_index("ix_subthemes_theme_id", table_name="subthemes")
    op.drop_table("subthemes")
