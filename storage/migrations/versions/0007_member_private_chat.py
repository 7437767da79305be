"""members.private_chat_id: where to reach a person privately (issue 7)

Introductions and circle suggestions are sent to a person's private chat, which is not
always derivable from their user id (a Discord DM channel has its own id).

Revision ID: 0007
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("private_chat_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("private_chat_id")
