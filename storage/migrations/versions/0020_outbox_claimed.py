"""outbox.status 'claimed': a row a worker took but did not send yet.

Before, a claimed row was 'sending' at once, so every row a worker had claimed when it was
killed was in doubt and given up ("onderbroken"), though most had never left. Now a row is
'claimed' until right before its request leaves, and a dead worker's claimed rows go back
to the queue.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 10:50:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW = "status IN ('pending', 'claimed', 'sending', 'sent', 'unreachable', 'failed')"
OLD = "status IN ('pending', 'sending', 'sent', 'unreachable', 'failed')"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), NEW)


def downgrade() -> None:
    """Downgrade schema (claimed rows go back to the queue)."""
    op.execute("UPDATE outbox SET status = 'pending', claimed_by = NULL WHERE status = 'claimed'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), OLD)
