"""residents.channel and contacts.channel: the door a resident came through, stored.

Before, the door was read from the pseudonym's prefix (``web-``) wherever it was counted,
with two doors hard-coded. Now a resident's row says it (backfilled from the prefix), and a
contact says which door it reaches them on: contacts are per channel.

Revision ID: 0021_channels
Revises: 0020
Create Date: 2026-12-07 12:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0021_channels"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("residents") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=16), server_default="telegram", nullable=False)
        )
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=16), server_default="telegram", nullable=False)
        )
    # "web-" has no LIKE wildcard in it ('_' and '%' are the only ones).
    op.execute("UPDATE residents SET channel = 'web' WHERE pseudonym LIKE 'web-%'")
    op.execute(
        "UPDATE contacts SET channel = "
        "(SELECT channel FROM residents WHERE residents.id = contacts.resident_id)"
    )


def downgrade() -> None:
    """Downgrade schema (the door is read from the pseudonym again)."""
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("channel")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("channel")
