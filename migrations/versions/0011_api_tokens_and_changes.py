"""personal API tokens, idempotent writes, and when lines, placements and wages last changed

``api_token`` keeps the SHA-256 of each personal token's secret; ``idempotent_request`` keeps
the answer of each write sent with an Idempotency-Key, one per user and key (a unique
constraint, so two concurrent requests with one key write once). ``updated_at`` on
production_line, placement and wage_record, indexed, lets other systems pull what changed
since a moment; existing rows take their creation or entry time.

The new columns are added without a table rebuild, so the capacity triggers of 0004 stay.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

STAMPED = {'production_line': 'created_at', 'placement': 'created_at',
           'wage_record': 'entered_at'}


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('secret_sha256', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('read_only', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('length(secret_sha256) = 64',
                           name=op.f('ck_api_token_secret_sha256_length')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_api_token_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_api_token_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('secret_sha256', name=op.f('uq_api_token_secret_sha256')),
    )
    op.create_index(op.f('ix_api_token_user_id'), 'api_token', ['user_id'], unique=False)
    op.create_table(
        'idempotent_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.SmallInteger(), nullable=True),
        sa.Column('response_body', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_idempotent_request_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_request')),
        sa.UniqueConstraint('user_id', 'key', name='uq_idempotent_request_user_key'),
    )
    for table, stamp in STAMPED.items():
        op.add_column(table, sa.Column('updated_at', sa.DateTime(), nullable=True))
        op.execute(f'UPDATE {table} SET updated_at = {stamp}')
        op.create_index(op.f(f'ix_{table}_updated_at'), table, ['updated_at'], unique=False)


def downgrade():
    for table in reversed(list(STAMPED)):
        op.drop_index(op.f(f'ix_{table}_updated_at'), table_name=table)
        # SQLite 3.35+ drops a plain column in place: the table and its triggers stay.
        op.drop_column(table, 'updated_at')
    op.drop_table('idempotent_request')
    op.drop_index(op.f('ix_api_token_user_id'), table_name='api_token')
    op.drop_table('api_token')
