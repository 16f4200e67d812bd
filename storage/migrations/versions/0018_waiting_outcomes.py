"""waiting_outcomes: outcomes waiting for a web-door resident who opted in, shown on their
chat page the next time they open it and then deleted.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 06:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "waiting_outcomes",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_waiting_outcomes_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_waiting_outcomes_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resident_id", "outcome_id", name=op.f("pk_waiting_outcomes")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("waiting_outcomes")
