"""places taken on a line and the database's capacity checks

A line keeps the number of placements holding its places (production_line.places_taken),
written only by triggers on placement, and the database refuses a place beyond a line's
headcount and active leases beyond a space's area, whatever writes them (DESIGN.md section 4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# As created by marketplace/models.py and facilities/models.py at this revision.
PLACEMENT_TRIGGERS = {
    "postgresql": [
        """
        CREATE FUNCTION placement_holds_place() RETURNS trigger AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_on IS NULL THEN
                UPDATE production_line SET places_taken = places_taken - 1 WHERE id = OLD.line_id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ended_on IS NULL THEN
                UPDATE production_line SET places_taken = places_taken + 1 WHERE id = NEW.line_id;
                IF NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id) THEN
                    RAISE EXCEPTION 'place % is beyond the headcount of line %', NEW.slot, NEW.line_id
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_slot_within_headcount';
                END IF;
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER placement_holds_place
        AFTER INSERT OR UPDATE OF ended_on, line_id, slot OR DELETE ON placement
        FOR EACH ROW EXECUTE FUNCTION placement_holds_place()
        """,
        """
        CREATE FUNCTION line_headcount_covers_slots() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM placement WHERE line_id = NEW.id AND ended_on IS NULL
                       AND slot > NEW.headcount) THEN
                RAISE EXCEPTION 'line % has places beyond a headcount of %', NEW.id, NEW.headcount
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_slot_within_headcount';
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER line_headcount_covers_slots AFTER UPDATE OF headcount ON production_line
        FOR EACH ROW WHEN (NEW.headcount < OLD.headcount)
        EXECUTE FUNCTION line_headcount_covers_slots()
        """,
    ],
    "sqlite": [
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
    ],
}

LEASE_TRIGGERS = {
    "postgresql": [
        """
        CREATE FUNCTION lease_area_within_space() RETURNS trigger AS $$
        DECLARE
            space_area numeric;
            held numeric;
        BEGIN
            IF TG_TABLE_NAME = 'lease' THEN
                SELECT area_m2 INTO space_area FROM production_space
                    WHERE id = NEW.space_id FOR UPDATE;
                SELECT coalesce(sum(area_m2), 0) INTO held FROM lease
                    WHERE space_id = NEW.space_id AND status = 'active';
            ELSE
                space_area := NEW.area_m2;
                SELECT coalesce(sum(area_m2), 0) INTO held FROM lease
                    WHERE space_id = NEW.id AND status = 'active';
            END IF;
            IF held > space_area THEN
                RAISE EXCEPTION 'active leases exceed the area of production space %',
                    CASE WHEN TG_TABLE_NAME = 'lease' THEN NEW.space_id ELSE NEW.id END
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'lease_area_within_space';
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER lease_area_within_space AFTER INSERT OR UPDATE OF status, area_m2, space_id
        ON lease FOR EACH ROW WHEN (NEW.status = 'active')
        EXECUTE FUNCTION lease_area_within_space()
        """,
        """
        CREATE TRIGGER space_area_covers_leases AFTER UPDATE OF area_m2 ON production_space
        FOR EACH ROW WHEN (NEW.area_m2 < OLD.area_m2)
        EXECUTE FUNCTION lease_area_within_space()
        """,
    ],
    "sqlite": [
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
    ],
}

DROP = {
    "postgresql": [
        "DROP FUNCTION IF EXISTS placement_holds_place() CASCADE",
        "DROP FUNCTION IF EXISTS line_headcount_covers_slots() CASCADE",
        "DROP FUNCTION IF EXISTS lease_area_within_space() CASCADE",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS placement_holds_place_insert",
        "DROP TRIGGER IF EXISTS placement_holds_place_update",
        "DROP TRIGGER IF EXISTS placement_holds_place_delete",
        "DROP TRIGGER IF EXISTS line_headcount_covers_slots",
        "DROP TRIGGER IF EXISTS lease_area_within_space_insert",
        "DROP TRIGGER IF EXISTS lease_area_within_space_update",
        "DROP TRIGGER IF EXISTS space_area_covers_leases",
    ],
}


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('production_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('places_taken', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute("UPDATE production_line SET places_taken = (SELECT count(*) FROM placement "
               "WHERE placement.line_id = production_line.id AND placement.ended_on IS NULL)")
    with op.batch_alter_table('production_line', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_production_line_places_within_headcount'),
            'places_taken BETWEEN 0 AND headcount')
    for statement in PLACEMENT_TRIGGERS[dialect] + LEASE_TRIGGERS[dialect]:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in DROP[dialect]:
        op.execute(statement)
    with op.batch_alter_table('production_line', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_production_line_places_within_headcount'),
                                 type_='check')
        batch_op.drop_column('places_taken')
