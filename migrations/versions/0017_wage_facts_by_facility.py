"""wage facts by the person's facility and employer kind, not by line

The statistics place a wage record at the facility that held its person on the record's
reference day (marketplace.wages.record_facilities), so the stored wage facts are kept by
that facility and the line's employer kind; fact_wage_person (the repeats of persons paid on
two lines) is no longer needed, since each person counts once a month on one record. The
stored wage months are emptied: they are built again on first read or by `facts rebuild`.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 17:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.execute('DELETE FROM fact_wage_month')
    op.drop_index('ix_fact_wage_person_month', table_name='fact_wage_person')
    op.drop_table('fact_wage_person')
    op.drop_index('ix_fact_wage_month_line', table_name='fact_wage')
    op.drop_table('fact_wage')
    op.create_table(
        'fact_wage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('facility_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('accrued_kzt', sa.BigInteger(), nullable=False),
        sa.Column('persons', sa.Integer(), nullable=False),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.Column('full_norm', sa.Integer(), nullable=False),
        sa.Column('below_minimum', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_wage')),
    )
    op.create_index('ix_fact_wage_month_facility', 'fact_wage', ['month', 'facility_id'])


def downgrade():
    op.execute('DELETE FROM fact_wage_month')
    op.drop_index('ix_fact_wage_month_facility', table_name='fact_wage')
    op.drop_table('fact_wage')
    op.create_table(
        'fact_wage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('accrued_kzt', sa.BigInteger(), nullable=False),
        sa.Column('persons', sa.Integer(), nullable=False),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.Column('full_norm', sa.Integer(), nullable=False),
        sa.Column('below_minimum', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_wage')),
    )
    op.create_index('ix_fact_wage_month_line', 'fact_wage', ['month', 'line_id'])
    op.create_table(
        'fact_wage_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_wage_person')),
    )
    op.create_index('ix_fact_wage_person_month', 'fact_wage_person', ['month', 'person_id'])
