"""reference populations (inhabitants per wijk and age band, valid from a date) and
residents' profiles ("about you, once": age band, wijk or postcode)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "reference_populations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_populations")),
    )
    with op.batch_alter_table("reference_populations", schema=None) as batch_op:
        batch_op.create_index("ix_reference_populations_valid_from", ["valid_from"], unique=False)
    op.create_table(
        "population_cells",
        sa.Column("population_id", sa.Integer(), nullable=False),
        sa.Column("wijk_name", sa.String(length=120), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("wijk_code", sa.String(length=16), nullable=True),
        sa.Column("inhabitants", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("inhabitants >= 0", name=op.f("ck_population_cells_inhabitants")),
        sa.ForeignKeyConstraint(
            ["population_id"],
            ["reference_populations.id"],
            name=op.f("fk_population_cells_population_id_reference_populations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "population_id", "wijk_name", "age_band", name=op.f("pk_population_cells")
        ),
    )
    op.create_table(
        "resident_profiles",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=True),
        sa.Column("wijk", sa.String(length=64), nullable=True),
        sa.Column("postcode", sa.String(length=4), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_resident_profiles_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_resident_profiles")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("resident_profiles")
    op.drop_table("population_cells")
    with op.batch_alter_table("reference_populations", schema=None) as batch_op:
        batch_op.drop_index("ix_reference_populations_valid_from")
    op.drop_table("reference_populations")
