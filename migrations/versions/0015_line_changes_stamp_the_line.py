"""a line's places and occupations stamp its updated_at

The triggers that keep production_line.places_taken now stamp the line's updated_at as they
write it, and new triggers on line_occupation stamp it when the line's occupations change,
so a system pulling the lines changed since a moment (GET /api/v1/changes/lines) finds a line
whose places or occupations changed, in the order of its changes. The moment is the
database's clock in naive UTC, as the application stamps rows (on SQLite in the text form
SQLAlchemy writes, 'YYYY-MM-DD HH:MM:SS.ffffff': its clock's milliseconds, ending in 999
microseconds so that a stamp is never before the moment it stands for).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 14:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None

PG_NOW = "timezone('utc', clock_timestamp())"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '999'"

# placement_holds_place() of 0004 (marketplace/models.py), writing updated_at with the places
# when ``stamp`` is true.
PG_PLACES = """
CREATE OR REPLACE FUNCTION placement_holds_place() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_on IS NULL THEN
        UPDATE production_line SET places_taken = places_taken - 1{stamp}
            WHERE id = OLD.line_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ended_on IS NULL THEN
        UPDATE production_line SET places_taken = places_taken + 1{stamp}
            WHERE id = NEW.line_id;
        IF NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id) THEN
            RAISE EXCEPTION 'place % is beyond the headcount of line %', NEW.slot, NEW.line_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_slot_within_headcount';
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""

PG_OCCUPATIONS = [
    """
    CREATE FUNCTION line_occupation_touches_line() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.line_id <> NEW.line_id) THEN
            UPDATE production_line SET updated_at = {now} WHERE id = OLD.line_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE production_line SET updated_at = {now} WHERE id = NEW.line_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """.format(now=PG_NOW),
    """
    CREATE TRIGGER line_occupation_touches_line
    AFTER INSERT OR UPDATE OR DELETE ON line_occupation
    FOR EACH ROW EXECUTE FUNCTION line_occupation_touches_line()
    """,
]

# The SQLite triggers of 0004 on placement, with or without the stamp.
SQLITE_PLACES = [
    """
    CREATE TRIGGER placement_holds_place_insert AFTER INSERT ON placement
    WHEN NEW.ended_on IS NULL
    BEGIN
        UPDATE production_line SET places_taken = places_taken + 1{stamp}
        WHERE id = NEW.line_id;
        SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
        WHERE NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
    END
    """,
    """
    CREATE TRIGGER placement_holds_place_update
    AFTER UPDATE OF ended_on, line_id, slot ON placement
    BEGIN
        UPDATE production_line SET places_taken = places_taken - 1{stamp}
        WHERE id = OLD.line_id AND OLD.ended_on IS NULL;
        UPDATE production_line SET places_taken = places_taken + 1{stamp}
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
        UPDATE production_line SET places_taken = places_taken - 1{stamp}
        WHERE id = OLD.line_id;
    END
    """,
]
SQLITE_PLACE_NAMES = ['placement_holds_place_insert', 'placement_holds_place_update',
                      'placement_holds_place_delete']

SQLITE_OCCUPATIONS = [
    """
    CREATE TRIGGER line_occupation_touches_line_insert AFTER INSERT ON line_occupation
    BEGIN
        UPDATE production_line SET updated_at = {now} WHERE id = NEW.line_id;
    END
    """.format(now=SQLITE_NOW),
    """
    CREATE TRIGGER line_occupation_touches_line_update AFTER UPDATE ON line_occupation
    BEGIN
        UPDATE production_line SET updated_at = {now} WHERE id IN (OLD.line_id, NEW.line_id);
    END
    """.format(now=SQLITE_NOW),
    """
    CREATE TRIGGER line_occupation_touches_line_delete AFTER DELETE ON line_occupation
    BEGIN
        UPDATE production_line SET updated_at = {now} WHERE id = OLD.line_id;
    END
    """.format(now=SQLITE_NOW),
]
SQLITE_OCCUPATION_NAMES = ['line_occupation_touches_line_insert',
                           'line_occupation_touches_line_update',
                           'line_occupation_touches_line_delete']


def _sqlite_places(stamp):
    for name in SQLITE_PLACE_NAMES:
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
    for statement in SQLITE_PLACES:
        op.execute(statement.replace('{stamp}', stamp))


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_PLACES.replace('{stamp}', f', updated_at = {PG_NOW}'))
        for statement in PG_OCCUPATIONS:
            op.execute(statement)
    else:
        _sqlite_places(f', updated_at = {SQLITE_NOW}')
        for statement in SQLITE_OCCUPATIONS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS line_occupation_touches_line() CASCADE')
        op.execute(PG_PLACES.replace('{stamp}', ''))
    else:
        for name in SQLITE_OCCUPATION_NAMES:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        _sqlite_places('')
