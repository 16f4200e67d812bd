"""published_deliberations: deliberations whose public results page (opinion groups and
common ground) an administrator published, as published_reports is for questionnaires.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "published_deliberations",
        sa.Column("deliberation_id", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deliberation_id"],
            ["deliberations.id"],
            name=op.f("fk_published_deliberations_deliberation_id_deliberations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("deliberation_id", name=op.f("pk_published_deliberations")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("published_deliberations")
