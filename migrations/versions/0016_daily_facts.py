"""daily facts of the statistics and the log of back-dated writes

Closed days' figures stored per facility, breakdown cell and enterprise (fact_day,
fact_people, fact_enterprise), wage months per line (fact_wage_month, fact_wage,
fact_wage_person), and fact_stale, appended by triggers on stay, placement, lease,
wage_record, minimum_wage, person, enterprise, production_line and production_space
whenever a write changes figures of a day on or before today (reports/facts/models.py). Run `flask --app app facts
rebuild` after upgrading to fill the facts; until then every figure is computed live.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# As created by reports/facts/models.py at this revision.
# Tables whose rows are periods: (table, start, end, columns whose change moves the whole
# period). A change of the end alone changes the figures from the earlier of the two ends.
PERIODS = (
    ("stay", "started_on", "ended_on", ("person_id", "facility_id", "started_on")),
    ("placement", "started_on", "ended_on", ("person_id", "line_id", "started_on")),
    ("lease", "starts_on", "ends_on",
     ("enterprise_id", "space_id", "area_m2", "status", "starts_on")),
)
# Wage records change their month (its first day; a wage month is stale when a logged day
# falls on or before its last day); a minimum wage changes its year's months.
MONTHS = (
    ("wage_record", "month", ("placement_id", "month", "accrued_kzt", "norm_met")),
)
YEARS = ("minimum_wage", "year", ("amount_kzt",))
# Rows that change the facts of every day a related period covers: (table, columns, SQL of
# the earliest such day, with NEW for the row).
EVERY_DAY = (
    ("person", ("able_bodied", "gender", "birth_on"),
     "(SELECT min(started_on) FROM stay WHERE person_id = NEW.id)"),
    ("enterprise", ("kind",), "'1990-01-01'"),
    ("production_line", ("enterprise_id",),
     "(SELECT min(started_on) FROM placement WHERE line_id = NEW.id)"),
    ("production_space", ("facility_id",),
     "(SELECT min(starts_on) FROM lease WHERE space_id = NEW.id)"),
)


def _postgresql():
    statements = []
    for table, start, end, keys in PERIODS:
        old = ", ".join(f"OLD.{key}" for key in keys)
        new = ", ".join(f"NEW.{key}" for key in keys)
        statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            IF TG_OP = 'INSERT' THEN changed := NEW.{start};
            ELSIF TG_OP = 'DELETE' THEN changed := OLD.{start};
            ELSIF ({old}) IS DISTINCT FROM ({new}) THEN
                changed := LEAST(OLD.{start}, NEW.{start});
            ELSIF OLD.{end} IS DISTINCT FROM NEW.{end} THEN
                changed := LEAST(OLD.{end}, NEW.{end});
            END IF;
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION fact_stale_{table}()
        """]
    for table, month, keys in MONTHS:
        old = ", ".join(f"OLD.{key}" for key in keys)
        new = ", ".join(f"NEW.{key}" for key in keys)
        statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            IF TG_OP = 'INSERT' THEN changed := NEW.{month};
            ELSIF TG_OP = 'DELETE' THEN changed := OLD.{month};
            ELSIF ({old}) IS DISTINCT FROM ({new}) THEN
                changed := LEAST(OLD.{month}, NEW.{month});
            END IF;
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION fact_stale_{table}()
        """]
    table, year, keys = YEARS
    statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := make_date(OLD.{year}, 1, 1);
            ELSIF TG_OP = 'UPDATE' THEN changed := make_date(LEAST(OLD.{year}, NEW.{year}), 1, 1);
            ELSE changed := make_date(NEW.{year}, 1, 1);
            END IF;
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION fact_stale_{table}()
        """]
    for table, columns, earliest in EVERY_DAY:
        old = ", ".join(f"OLD.{column}" for column in columns)
        new = ", ".join(f"NEW.{column}" for column in columns)
        statements += [f"""
        CREATE OR REPLACE FUNCTION fact_stale_{table}() RETURNS trigger AS $$
        DECLARE changed date;
        BEGIN
            changed := {earliest};
            IF changed <= CURRENT_DATE THEN
                INSERT INTO fact_stale (day) VALUES (changed);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """, f"""
        CREATE OR REPLACE TRIGGER fact_stale_{table} AFTER UPDATE OF {", ".join(columns)} ON {table}
        FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new}))
        EXECUTE FUNCTION fact_stale_{table}()
        """]
    return statements


def _sqlite():
    statements = []
    log = "INSERT INTO fact_stale (day) SELECT changed FROM (SELECT {} AS changed) " \
          "WHERE changed <= date('now');"
    for table, start, end, keys in PERIODS:
        moved = " OR ".join(f"OLD.{key} IS NOT NEW.{key}" for key in keys)
        changed = (f"CASE WHEN {moved} THEN min(OLD.{start}, NEW.{start}) "
                   f"WHEN OLD.{end} IS NOT NEW.{end} THEN "
                   f"coalesce(min(OLD.{end}, NEW.{end}), OLD.{end}, NEW.{end}) END")
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {log.format(f'NEW.{start}')} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {log.format(changed)} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {log.format(f'OLD.{start}')} END",
        ]
    for table, month, keys in MONTHS:
        moved = " OR ".join(f"OLD.{key} IS NOT NEW.{key}" for key in keys)
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {log.format(f'NEW.{month}')} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_update AFTER UPDATE ON {table} "
            f"WHEN {moved} BEGIN {log.format(f'min(OLD.{month}, NEW.{month})')} END",
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {log.format(f'OLD.{month}')} END",
        ]
    table, year, keys = YEARS
    first = "printf('%04d-01-01', {})"
    statements += [
        f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_insert AFTER INSERT ON {table} "
        f"BEGIN {log.format(first.format(f'NEW.{year}'))} END",
        f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_update AFTER UPDATE ON {table} "
        f"BEGIN {log.format(first.format(f'min(OLD.{year}, NEW.{year})'))} END",
        f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table}_delete AFTER DELETE ON {table} "
        f"BEGIN {log.format(first.format(f'OLD.{year}'))} END",
    ]
    for table, columns, earliest in EVERY_DAY:
        moved = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS fact_stale_{table} AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {moved} BEGIN {log.format(earliest)} END")
    return statements


def _drop(dialect):
    counted = [p[0] for p in PERIODS] + [m[0] for m in MONTHS] + [YEARS[0]]
    tables = counted + [e[0] for e in EVERY_DAY]
    if dialect == "postgresql":
        return [f"DROP FUNCTION IF EXISTS fact_stale_{table}() CASCADE" for table in tables]
    names = [f"fact_stale_{table}_{op}" for table in counted
             for op in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names + [
        f"fact_stale_{e[0]}" for e in EVERY_DAY]]



def upgrade():
    op.create_table(
        'fact_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('fresh', sa.Boolean(), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_fact_day')),
    )
    op.create_table(
        'fact_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('facility_id', sa.Integer(), nullable=False),
        sa.Column('gender', sa.String(length=1), nullable=False),
        sa.Column('age_band', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('in_custody', sa.Integer(), nullable=False),
        sa.Column('able_bodied', sa.Integer(), nullable=False),
        sa.Column('employed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_people')),
    )
    op.create_index('ix_fact_people_day_facility', 'fact_people', ['day', 'facility_id'])
    op.create_table(
        'fact_enterprise',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('facility_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('placed', sa.Integer(), nullable=False),
        sa.Column('employed', sa.Integer(), nullable=False),
        sa.Column('leases', sa.Integer(), nullable=False),
        sa.Column('leased_m2', sa.Numeric(precision=14, scale=1), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_enterprise')),
    )
    op.create_index('ix_fact_enterprise_day_facility', 'fact_enterprise',
                    ['day', 'facility_id'])
    op.create_table(
        'fact_wage_month',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('fresh', sa.Boolean(), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('month', name=op.f('pk_fact_wage_month')),
    )
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
    op.create_table(
        'fact_stale',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_stale')),
    )
    op.create_index(op.f('ix_fact_stale_day'), 'fact_stale', ['day'])
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": _postgresql, "sqlite": _sqlite}[dialect]():
        op.execute(statement)


def downgrade():
    for statement in _drop(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index(op.f('ix_fact_stale_day'), table_name='fact_stale')
    op.drop_table('fact_stale')
    op.drop_index('ix_fact_wage_person_month', table_name='fact_wage_person')
    op.drop_table('fact_wage_person')
    op.drop_index('ix_fact_wage_month_line', table_name='fact_wage')
    op.drop_table('fact_wage')
    op.drop_table('fact_wage_month')
    op.drop_index('ix_fact_enterprise_day_facility', table_name='fact_enterprise')
    op.drop_table('fact_enterprise')
    op.drop_index('ix_fact_people_day_facility', table_name='fact_people')
    op.drop_table('fact_people')
    op.drop_table('fact_day')
