"""the lease-area trigger function names only the columns of the table it runs on

On PostgreSQL, lease_area_within_space() raised its refusal with
``CASE WHEN TG_TABLE_NAME = 'lease' THEN NEW.space_id ELSE NEW.id END``; PL/pgSQL plans the
whole expression, so shrinking a space below its active leases failed with "record new has
no field space_id" (a ProgrammingError, answered 500) instead of the check violation.
SQLite's triggers are unchanged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As created by facilities/models.py at this revision.
FIXED = """
CREATE OR REPLACE FUNCTION lease_area_within_space() RETURNS trigger AS $$
DECLARE
    checked_space integer;
    space_area numeric;
    held numeric;
BEGIN
    -- NEW is a lease or a space: each branch names only its own table's columns.
    IF TG_TABLE_NAME = 'lease' THEN
        checked_space := NEW.space_id;
        SELECT area_m2 INTO space_area FROM production_space
            WHERE id = checked_space FOR UPDATE;
    ELSE
        checked_space := NEW.id;
        space_area := NEW.area_m2;
    END IF;
    SELECT coalesce(sum(area_m2), 0) INTO held FROM lease
        WHERE space_id = checked_space AND status = 'active';
    IF held > space_area THEN
        RAISE EXCEPTION 'active leases exceed the area of production space %', checked_space
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lease_area_within_space';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""

# As created by revision 0004.
PREVIOUS = """
CREATE OR REPLACE FUNCTION lease_area_within_space() RETURNS trigger AS $$
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
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FIXED)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS)
