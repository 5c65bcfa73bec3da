"""history of placements' agreed wages

A placement's agreed wage follows a raise of its line's wage (enterprises.lines.save_line);
each change is kept with its effective date and who made it (DESIGN.md section 4: nothing
about a wage is deleted).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:01:58

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'placement_wage_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('placement_id', sa.Integer(), nullable=False),
        sa.Column('old_wage_kzt', sa.Integer(), nullable=False),
        sa.Column('new_wage_kzt', sa.Integer(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('old_wage_kzt <> new_wage_kzt',
                           name=op.f('ck_placement_wage_change_wage_changes')),
        sa.CheckConstraint('old_wage_kzt > 0 AND new_wage_kzt > 0',
                           name=op.f('ck_placement_wage_change_wages_positive')),
        sa.ForeignKeyConstraint(['changed_by_id'], ['app_user.id'],
                                name=op.f('fk_placement_wage_change_changed_by_id_app_user')),
        sa.ForeignKeyConstraint(['placement_id'], ['placement.id'],
                                name=op.f('fk_placement_wage_change_placement_id_placement')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_wage_change')),
    )
    with op.batch_alter_table('placement_wage_change', schema=None) as batch_op:
        batch_op.create_index('ix_placement_wage_change_placement',
                              ['placement_id', 'effective_on'], unique=False)


def downgrade():
    with op.batch_alter_table('placement_wage_change', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_wage_change_placement')
    op.drop_table('placement_wage_change')
