"""Safety events: one row per crisis, safeguarding or abusive message (issue 14)

Only the kind and the time: no text, no person, no chat. Organisers see counts of them,
never what was written, and nothing here can be tied back to who wrote it.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_safety_events_created_at", "safety_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_safety_events_created_at", table_name="safety_events")
    op.drop_table("safety_events")
