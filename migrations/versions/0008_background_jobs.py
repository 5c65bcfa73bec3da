"""background jobs: progress and the file each one made

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=True),
        sa.Column('mimetype', sa.String(length=120), nullable=True),
        sa.Column('result', sa.LargeBinary(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')",
                           name=op.f('ck_job_status')),
        sa.CheckConstraint('done >= 0 AND total >= 0', name=op.f('ck_job_progress_nonnegative')),
        sa.CheckConstraint("status <> 'finished' OR filename IS NOT NULL",
                           name=op.f('ck_job_finished_has_file')),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_job_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_user_id'))
    op.drop_table('job')
