"""people on probation: the regions' probation services, supervisions, lines open to them

A person's custody status may be 'on_probation'; a person sentenced without custody has no
facility, admission or release date (only people free of custody may lack them). A
supervision belongs to one person and one region's probation service; a person has at most
one open supervision. An outside line may be open to people on probation and to people
released within N months. Users gain the probation officer's role, scoped to one service.

On SQLite a changed CHECK rebuilds the table, which drops its triggers: the triggers there
are read before the change and created again, unchanged, afterwards.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

STATUSES_BEFORE = "custody_status IN ('in_custody', 'released', 'transferred')"
STATUSES_AFTER = "custody_status IN ('in_custody', 'released', 'transferred', 'on_probation')"
FACILITY_UNLESS_FREE = (
    "custody_status IN ('on_probation', 'released') OR (facility_id IS NOT NULL"
    " AND admitted_on IS NOT NULL AND expected_release_on IS NOT NULL)")
ROLES_BEFORE = "role IN ('admin', 'analyst', 'inspector', 'owner')"
ROLES_AFTER = "role IN ('admin', 'analyst', 'inspector', 'owner', 'probation_officer')"
SCOPE_BEFORE = (
    "(role = 'inspector' AND facility_id IS NOT NULL AND enterprise_id IS NULL AND region_id"
    " IS NULL) OR (role = 'owner' AND enterprise_id IS NOT NULL AND facility_id IS NULL AND"
    " region_id IS NULL) OR (role = 'analyst' AND facility_id IS NULL AND enterprise_id IS"
    " NULL) OR (role = 'admin' AND facility_id IS NULL AND enterprise_id IS NULL AND region_id"
    " IS NULL)")
SCOPE_AFTER = (  # accounts.models.SCOPE_FITS_ROLE at this revision
    "(role = 'inspector' AND facility_id IS NOT NULL AND enterprise_id IS NULL"
    " AND region_id IS NULL AND probation_service_id IS NULL)"
    " OR (role = 'owner' AND enterprise_id IS NOT NULL AND facility_id IS NULL"
    " AND region_id IS NULL AND probation_service_id IS NULL)"
    " OR (role = 'analyst' AND facility_id IS NULL AND enterprise_id IS NULL"
    " AND probation_service_id IS NULL)"
    " OR (role = 'admin' AND facility_id IS NULL AND enterprise_id IS NULL"
    " AND region_id IS NULL AND probation_service_id IS NULL)"
    " OR (role = 'probation_officer' AND probation_service_id IS NOT NULL"
    " AND facility_id IS NULL AND enterprise_id IS NULL AND region_id IS NULL)")
FIRST, LAST = '1990-01-01', '2100-12-31'  # timeutil.STORED_FROM, STORED_UNTIL


def _in_range(columns):
    return ' AND '.join(f"({column} IS NULL OR {column} BETWEEN '{FIRST}' AND '{LAST}')"
                        for column in columns)


def _keeping_sqlite_triggers(change):
    """Run a change that rebuilds tables; on SQLite the triggers go first and come back."""
    bind = op.get_bind()
    saved = []
    if bind.dialect.name == 'sqlite':
        saved = bind.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _sql in saved:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    change()
    for _name, sql in saved:
        op.execute(sql)


def _upgrade_tables():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('facility_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('admitted_on', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('expected_release_on', existing_type=sa.Date(), nullable=True)
        batch_op.drop_constraint(op.f('ck_person_custody_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_person_custody_status'), STATUSES_AFTER)
        batch_op.create_check_constraint(op.f('ck_person_facility_unless_free'),
                                         FACILITY_UNLESS_FREE)
    with op.batch_alter_table('production_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_to_probation', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('leavers_within_months', sa.SmallInteger(),
                                      nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_production_line_outside_groups_outside'),
            "facility_id IS NULL OR (NOT open_to_probation AND leavers_within_months IS NULL)")
        batch_op.create_check_constraint(
            op.f('ck_production_line_leavers_months_range'),
            "leavers_within_months IS NULL OR leavers_within_months BETWEEN 1 AND 60")
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=10),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.add_column(sa.Column('probation_service_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_app_user_probation_service_id_probation_service'),
                                    'probation_service', ['probation_service_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_app_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_app_user_role'), ROLES_AFTER)
        batch_op.drop_constraint(op.f('ck_app_user_scope_fits_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_app_user_scope_fits_role'), SCOPE_AFTER)


def _downgrade_tables():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_app_user_scope_fits_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_app_user_scope_fits_role'), SCOPE_BEFORE)
        batch_op.drop_constraint(op.f('ck_app_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_app_user_role'), ROLES_BEFORE)
        batch_op.drop_constraint(op.f('fk_app_user_probation_service_id_probation_service'),
                                 type_='foreignkey')
        batch_op.drop_column('probation_service_id')
        batch_op.alter_column('role', existing_type=sa.String(length=20),
                              type_=sa.String(length=10), existing_nullable=False)
    with op.batch_alter_table('production_line', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_production_line_leavers_months_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_production_line_outside_groups_outside'),
                                 type_='check')
        batch_op.drop_column('leavers_within_months')
        batch_op.drop_column('open_to_probation')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_person_facility_unless_free'), type_='check')
        batch_op.drop_constraint(op.f('ck_person_custody_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_person_custody_status'), STATUSES_BEFORE)
        batch_op.alter_column('expected_release_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('admitted_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('facility_id', existing_type=sa.Integer(), nullable=False)


def upgrade():
    op.create_table(
        'probation_service',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('name_kk', sa.String(length=200), nullable=False),
        sa.Column('name_ru', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'],
                                name=op.f('fk_probation_service_region_id_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_probation_service')),
        sa.UniqueConstraint('region_id', name=op.f('uq_probation_service_region_id')),
    )
    op.create_table(
        'supervision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=14), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('barred_group', sa.String(length=2), nullable=True),
        sa.Column('restrictions_note', sa.String(length=500), nullable=True),
        sa.CheckConstraint("kind IN ('after_release', 'non_custodial')",
                           name=op.f('ck_supervision_kind')),
        sa.CheckConstraint('ends_on > started_on', name=op.f('ck_supervision_ends_after_start')),
        sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on',
                           name=op.f('ck_supervision_dates_in_order')),
        sa.CheckConstraint(_in_range(('started_on', 'ends_on', 'ended_on')),
                           name=op.f('ck_supervision_dates_in_range')),
        sa.CheckConstraint('barred_group IS NULL OR length(barred_group) = 2',
                           name=op.f('ck_supervision_barred_group')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_supervision_person_id_person')),
        sa.ForeignKeyConstraint(['service_id'], ['probation_service.id'],
                                name=op.f('fk_supervision_service_id_probation_service')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision')),
    )
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_service_id'), ['service_id'],
                              unique=False)
        batch_op.create_index('uq_supervision_open_per_person', ['person_id'], unique=True,
                              sqlite_where=sa.text('ended_on IS NULL'),
                              postgresql_where=sa.text('ended_on IS NULL'))
    _keeping_sqlite_triggers(_upgrade_tables)


def downgrade():
    bind = op.get_bind()
    # People without a facility cannot go back to a schema that requires one.
    free = bind.execute(sa.text("SELECT count(*) FROM person WHERE facility_id IS NULL")).scalar()
    if free:
        raise RuntimeError(f"{free} people have no facility (sentenced without custody): "
                           "they cannot be kept by the schema before 0012")
    bind.execute(sa.text("UPDATE person SET custody_status = 'released' "
                         "WHERE custody_status = 'on_probation'"))
    bind.execute(sa.text("UPDATE app_user SET role = 'analyst', probation_service_id = NULL, "
                         "is_enabled = false WHERE role = 'probation_officer'"))
    _keeping_sqlite_triggers(_downgrade_tables)
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.drop_index('uq_supervision_open_per_person')
        batch_op.drop_index(batch_op.f('ix_supervision_service_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_person_id'))
    op.drop_table('supervision')
    op.drop_table('probation_service')
