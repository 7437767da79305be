"""campaign_updates, campaign_deliveries, campaign_optouts: closing the loop (issue 18)

A theme's campaign progress, and who is to be told about each update (once each), with
the people who turned updates off.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "theme_id",
            sa.Integer(),
            sa.ForeignKey("themes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_campaign_updates_theme_id", "campaign_updates", ["theme_id"])
    op.create_table(
        "campaign_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "update_id",
            sa.Integer(),
            sa.ForeignKey("campaign_updates.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("update_id", "person_id"),
    )
    op.create_index("ix_campaign_deliveries_update_id", "campaign_deliveries", ["update_id"])
    op.create_index("ix_campaign_deliveries_person_id", "campaign_deliveries", ["person_id"])
    op.create_index("ix_campaign_deliveries_sent_at", "campaign_deliveries", ["sent_at"])
    op.create_table(
        "campaign_optouts",
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("campaign_optouts")
    op.drop_table("campaign_deliveries")
    op.drop_table("campaign_updates")
