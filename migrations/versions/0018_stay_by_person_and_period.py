"""stays indexed by person with their period and facility

ix_stay_person_id (person_id alone) becomes ix_stay_person_period (person_id, started_on,
ended_on, facility_id): the same lookups by person, and a facility's figures of a day find
each of its people's stay on that day, and its facility, from the index alone. On the
benchmark database PostgreSQL had read every stay in the country for a facility's roster
counts (benchmarks/RESULTS.md).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 11:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stay', schema=None) as batch_op:
        batch_op.create_index('ix_stay_person_period',
                              ['person_id', 'started_on', 'ended_on', 'facility_id'])
        batch_op.drop_index('ix_stay_person_id')


def downgrade():
    with op.batch_alter_table('stay', schema=None) as batch_op:
        batch_op.create_index('ix_stay_person_id', ['person_id'], unique=False)
        batch_op.drop_index('ix_stay_person_period')
