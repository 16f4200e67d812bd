"""answers.off_branch: an answer given on a branch the resident later left (by going back and
answering otherwise) is kept, to show again if they return to it, but no longer counted in
digests (flows.engine.Outcome.branch, storage.repo.save_outcome, storage.digest).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07 01:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("off_branch", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("off_branch")
