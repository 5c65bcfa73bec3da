"""dates within a plausible range, and the history of corrected placements

The dates the statistics count (stays, placements, leases, wage months) are kept between
1990-01-01 and 2100-12-31 by CHECK constraints, so no write path can store year 0001 or 9999
(timeutil.STORED_FROM / STORED_UNTIL). A correction of a release or transfer keeps its
reason (person_change.reason); a corrected placement end keeps its old and new values and
the reason (placement_change).

On SQLite a new CHECK rebuilds the table, which drops its triggers: the capacity triggers
of 0004 are dropped first and created again, unchanged, afterwards.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FIRST, LAST = '1990-01-01', '2100-12-31'  # timeutil.STORED_FROM, STORED_UNTIL at this revision
RANGES = {  # table: (constraint name, date columns)
    'stay': ('dates_in_range', ('started_on', 'ended_on')),
    'placement': ('dates_in_range', ('started_on', 'ended_on')),
    'lease': ('dates_in_range', ('starts_on', 'ends_on')),
    'wage_record': ('month_in_range', ('month',)),
}

# The SQLite triggers of 0004 (marketplace/models.py, facilities/models.py), unchanged.
SQLITE_TRIGGERS = [
    """
        CREATE TRIGGER placement_holds_place_insert AFTER INSERT ON placement
        WHEN NEW.ended_on IS NULL
        BEGIN
            UPDATE production_line SET places_taken = places_taken + 1 WHERE id = NEW.line_id;
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
            WHERE NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
        END
    """,
    """
        CREATE TRIGGER placement_holds_place_update
        AFTER UPDATE OF ended_on, line_id, slot ON placement
        BEGIN
            UPDATE production_line SET places_taken = places_taken - 1
            WHERE id = OLD.line_id AND OLD.ended_on IS NULL;
            UPDATE production_line SET places_taken = places_taken + 1
            WHERE id = NEW.line_id AND NEW.ended_on IS NULL;
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
            WHERE NEW.ended_on IS NULL
              AND NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
        END
    """,
    """
        CREATE TRIGGER placement_holds_place_delete AFTER DELETE ON placement
        WHEN OLD.ended_on IS NULL
        BEGIN
            UPDATE production_line SET places_taken = places_taken - 1 WHERE id = OLD.line_id;
        END
    """,
    """
        CREATE TRIGGER line_headcount_covers_slots AFTER UPDATE OF headcount ON production_line
        WHEN EXISTS (SELECT 1 FROM placement WHERE line_id = NEW.id AND ended_on IS NULL
                     AND slot > NEW.headcount)
        BEGIN
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: places beyond the headcount');
        END
    """,
    """
        CREATE TRIGGER lease_area_within_space_insert AFTER INSERT ON lease
        WHEN NEW.status = 'active' AND round((SELECT sum(area_m2) FROM lease
            WHERE space_id = NEW.space_id AND status = 'active'), 1)
            > (SELECT area_m2 FROM production_space WHERE id = NEW.space_id)
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
    """,
    """
        CREATE TRIGGER lease_area_within_space_update
        AFTER UPDATE OF status, area_m2, space_id ON lease
        WHEN NEW.status = 'active' AND round((SELECT sum(area_m2) FROM lease
            WHERE space_id = NEW.space_id AND status = 'active'), 1)
            > (SELECT area_m2 FROM production_space WHERE id = NEW.space_id)
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
    """,
    """
        CREATE TRIGGER space_area_covers_leases AFTER UPDATE OF area_m2 ON production_space
        WHEN round((SELECT coalesce(sum(area_m2), 0) FROM lease
            WHERE space_id = NEW.id AND status = 'active'), 1) > NEW.area_m2
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
    """,
]
SQLITE_TRIGGER_NAMES = [
    'placement_holds_place_insert', 'placement_holds_place_update',
    'placement_holds_place_delete', 'line_headcount_covers_slots',
    'lease_area_within_space_insert', 'lease_area_within_space_update',
    'space_area_covers_leases',
]


def _in_range(columns):
    return ' AND '.join(f"({column} IS NULL OR {column} BETWEEN '{FIRST}' AND '{LAST}')"
                        for column in columns)


def _without_sqlite_triggers(change):
    """Run a change that may rebuild tables; on SQLite the triggers go first and come back."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    change()
    if sqlite:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _add_ranges():
    for table, (name, columns) in RANGES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _in_range(columns))


def _drop_ranges():
    for table, (name, _columns) in RANGES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')


def upgrade():
    _without_sqlite_triggers(_add_ranges)
    with op.batch_alter_table('person_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=True))
    op.create_table(
        'placement_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('placement_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('old_value', sa.String(length=400), nullable=True),
        sa.Column('new_value', sa.String(length=400), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('changed_by', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(reason) > 0', name=op.f('ck_placement_change_reason_given')),
        sa.ForeignKeyConstraint(['changed_by'], ['app_user.id'],
                                name=op.f('fk_placement_change_changed_by_app_user')),
        sa.ForeignKeyConstraint(['placement_id'], ['placement.id'],
                                name=op.f('fk_placement_change_placement_id_placement')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_change')),
    )
    with op.batch_alter_table('placement_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_change_placement_id'), ['placement_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('placement_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_change_placement_id'))
    op.drop_table('placement_change')
    with op.batch_alter_table('person_change', schema=None) as batch_op:
        batch_op.drop_column('reason')
    _without_sqlite_triggers(_drop_ranges)
