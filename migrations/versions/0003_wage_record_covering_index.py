"""covering index for the monthly wage figures

The wage table of the dashboard sums accrued pay and counts full-norm records per month; with
norm_met and accrued_kzt in the index it reads no table rows (about 2x faster on the demo data,
benchmarks/RESULTS.md).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:25:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wage_record', schema=None) as batch_op:
        batch_op.create_index('ix_wage_record_month_cover',
                              ['month', 'placement_id', 'norm_met', 'accrued_kzt'], unique=False)
        batch_op.drop_index('ix_wage_record_month_placement')


def downgrade():
    with op.batch_alter_table('wage_record', schema=None) as batch_op:
        batch_op.create_index('ix_wage_record_month_placement', ['month', 'placement_id'],
                              unique=False)
        batch_op.drop_index('ix_wage_record_month_cover')
