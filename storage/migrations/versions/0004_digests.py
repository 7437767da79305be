"""A covering index for digests (issue 4)

Every digest counts the reports of a period by theme, person, place and circle. With this
index SQLite (and PostgreSQL, with an index-only scan) answers from the index alone instead
of visiting each report row: over 100,000 reports the period's counts run several times
faster (see bench/digest_bench.py).

Revision ID: 0004
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["created_at", "hidden", "person_id", "circle_id", "place_key"]


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_digest", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_digest")
