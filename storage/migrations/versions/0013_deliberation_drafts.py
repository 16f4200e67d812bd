"""deliberation_drafts: a deliberation file uploaded by an administrator, waiting to be
published or thrown away (one per deliberation id)

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-07 05:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "deliberation_drafts",
        sa.Column("deliberation_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.BigInteger(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("deliberation_id", name=op.f("pk_deliberation_drafts")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("deliberation_drafts")
