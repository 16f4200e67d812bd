"""deliberations ("gesprek met stellingen"): the deliberation with its source, its
statements (seeds and residents' own, with moderation), its participants (a pseudonymous
number each, where they are) and their votes (one per resident and statement)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:29:55.635320

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "deliberations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed')", name=op.f("ck_deliberations_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliberations")),
    )
    op.create_table(
        "deliberation_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deliberation_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("seed_id", sa.String(length=20), nullable=True),
        sa.Column("text_nl", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("dimension", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderation_reason", sa.String(length=16), nullable=True),
        sa.Column("moderated_by", sa.BigInteger(), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "origin IN ('seed', 'resident')", name=op.f("ck_deliberation_statements_origin")
        ),
        sa.CheckConstraint(
            "status IN ('live', 'pending', 'rejected')",
            name=op.f("ck_deliberation_statements_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["residents.id"],
            name=op.f("fk_deliberation_statements_author_id_residents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deliberation_id"],
            ["deliberations.id"],
            name=op.f("fk_deliberation_statements_deliberation_id_deliberations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliberation_statements")),
        sa.UniqueConstraint(
            "deliberation_id", "number", name=op.f("uq_deliberation_statements_deliberation_id")
        ),
    )
    with op.batch_alter_table("deliberation_statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliberation_statements_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_deliberation_statements_status", ["status", "deliberation_id"], unique=False
        )

    op.create_table(
        "deliberation_participants",
        sa.Column("deliberation_id", sa.String(length=40), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("current_statement_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["current_statement_id"],
            ["deliberation_statements.id"],
            name=op.f("fk_deliberation_participants_current_statement_id_deliberation_statements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deliberation_id"],
            ["deliberations.id"],
            name=op.f("fk_deliberation_participants_deliberation_id_deliberations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_deliberation_participants_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "deliberation_id", "resident_id", name=op.f("pk_deliberation_participants")
        ),
        sa.UniqueConstraint(
            "deliberation_id", "number", name=op.f("uq_deliberation_participants_deliberation_id")
        ),
    )
    with op.batch_alter_table("deliberation_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliberation_participants_resident_active", ["resident_id", "active"], unique=False
        )

    op.create_table(
        "deliberation_votes",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("deliberation_id", sa.String(length=40), nullable=False),
        sa.Column("vote", sa.Integer(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("vote IN (-1, 0, 1)", name=op.f("ck_deliberation_votes_vote")),
        sa.ForeignKeyConstraint(
            ["deliberation_id"],
            ["deliberations.id"],
            name=op.f("fk_deliberation_votes_deliberation_id_deliberations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_deliberation_votes_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["deliberation_statements.id"],
            name=op.f("fk_deliberation_votes_statement_id_deliberation_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "resident_id", name=op.f("pk_deliberation_votes")),
    )
    with op.batch_alter_table("deliberation_votes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliberation_votes_deliberation", ["deliberation_id", "statement_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("deliberation_votes", schema=None) as batch_op:
        batch_op.drop_index("ix_deliberation_votes_deliberation")

    op.drop_table("deliberation_votes")
    with op.batch_alter_table("deliberation_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_deliberation_participants_resident_active")

    op.drop_table("deliberation_participants")
    with op.batch_alter_table("deliberation_statements", schema=None) as batch_op:
        batch_op.drop_index("ix_deliberation_statements_status")
        batch_op.drop_index(batch_op.f("ix_deliberation_statements_author_id"))

    op.drop_table("deliberation_statements")
    op.drop_table("deliberations")
