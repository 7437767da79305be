"""coordinator_invitations: appointing a coordinator asks them first (issue 13)

/appoint used to make someone a coordinator, and show their handle in /coordinators,
without asking them. Now it records an invitation the person accepts or declines; the row
hangs off both the circle and the person, so /forget and a deleted circle remove it.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coordinator_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("circle_id", "person_id"),
    )
    op.create_index(
        "ix_coordinator_invitations_person_id", "coordinator_invitations", ["person_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_coordinator_invitations_person_id", "coordinator_invitations")
    op.drop_table("coordinator_invitations")
