"""send_budget: the bot's budget of Telegram calls shared by every worker (storage.budget):
the overall rate, broadcasts' rate, per-group and per-chat spacing, and a pause after a
429, one row per key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "send_budget",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("tat", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_send_budget")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("send_budget")
