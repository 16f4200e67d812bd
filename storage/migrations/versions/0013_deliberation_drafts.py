"""deliberation_drafts: a deliberation file uploaded by an administrator, waiting to be
published or thrown away (one per deliberation id); closing the loop for deliberations:
deliberations.outcome_status, and outcomes, effect checks and broadcasts name a
questionnaire or a deliberation (their foreign key to questionnaires goes)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose ``questionnaire_id`` may now name a deliberation.
FOREIGN = ("outcomes", "effect_checks", "broadcasts")


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
    with op.batch_alter_table("deliberations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outcome_status", sa.String(length=16), nullable=False, server_default="ontvangen"
            )
        )
    for table in FOREIGN:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                op.f(f"fk_{table}_questionnaire_id_questionnaires"), type_="foreignkey"
            )


def downgrade() -> None:
    """Downgrade schema (outcomes, checks and broadcasts of deliberations are deleted: the
    foreign key to questionnaires comes back)."""
    questionnaires = sa.table("questionnaires", sa.column("id"))
    for table in FOREIGN:
        rows = sa.table(table, sa.column("questionnaire_id"))
        op.execute(
            sa.delete(rows).where(
                rows.c.questionnaire_id.is_not(None),
                rows.c.questionnaire_id.not_in(sa.select(questionnaires.c.id)),
            )
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_questionnaire_id_questionnaires"),
                "questionnaires",
                ["questionnaire_id"],
                ["id"],
                ondelete="CASCADE",
            )
    with op.batch_alter_table("deliberations", schema=None) as batch_op:
        batch_op.drop_column("outcome_status")
    op.drop_table("deliberation_drafts")
