"""The national demo data: the letter's figures on 2021-07-01, consistency and determinism.

Every figure is counted here with plain SQL, never taken from the generator.
"""
import hashlib
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import timeutil
from extensions import db

D = "2021-07-01"
ROOT = Path(__file__).resolve().parents[2]

STAY_ON_D = "s.started_on <= :d AND (s.ended_on IS NULL OR s.ended_on > :d)"
PLACEMENT_ON_D = "p.started_on <= :d AND (p.ended_on IS NULL OR p.ended_on > :d)"
LEASE_ON_D = ("l.status IN ('active', 'ended') AND l.starts_on <= :d "
              "AND (l.ends_on IS NULL OR l.ends_on > :d)")
IN_CUSTODY = f"SELECT DISTINCT s.person_id FROM stay s WHERE {STAY_ON_D}"
EMPLOYED = f"""
SELECT DISTINCT p.person_id FROM placement p JOIN person x ON x.id = p.person_id
WHERE {PLACEMENT_ON_D} AND x.able_bodied AND p.person_id IN ({IN_CUSTODY})"""
NEW_ENTERPRISES = """
SELECT enterprise_id FROM production_line GROUP BY enterprise_id
HAVING MIN(opened_on) >= '2021-01-01' AND MIN(opened_on) <= :d"""


def scalar(sql, **params):
    """Run one SQL count on the demo database with D bound."""
    return db.session.execute(text(sql), {"d": date(2021, 7, 1), **params}).scalar()


def test_in_custody_able_bodied_and_employed(demo_app):
    assert scalar(f"SELECT COUNT(*) FROM ({IN_CUSTODY}) c") == 29061
    assert scalar(f"SELECT COUNT(*) FROM person WHERE able_bodied AND id IN ({IN_CUSTODY})") \
        == 22474
    assert scalar(f"SELECT COUNT(*) FROM ({EMPLOYED}) e") == 11012


def test_employed_by_enterprise_kind(demo_app):
    rows = db.session.execute(text(f"""
        SELECT e.kind, COUNT(DISTINCT p.person_id) FROM placement p
        JOIN production_line ln ON ln.id = p.line_id JOIN enterprise e ON e.id = ln.enterprise_id
        WHERE {PLACEMENT_ON_D} AND p.person_id IN ({EMPLOYED}) GROUP BY e.kind"""),
        {"d": date(2021, 7, 1)}).all()
    assert dict(rows) == {"state_branch": 3970, "sme": 3548, "facility_service": 3494}


def test_smes_engaged_and_area_leased(demo_app):
    engaged = scalar(f"""
        SELECT COUNT(*) FROM enterprise e WHERE e.kind = 'sme' AND (
          e.id IN (SELECT l.enterprise_id FROM lease l WHERE {LEASE_ON_D})
          OR e.id IN (SELECT ln.enterprise_id FROM placement p
                      JOIN production_line ln ON ln.id = p.line_id
                      WHERE {PLACEMENT_ON_D} AND p.person_id IN ({IN_CUSTODY})))""")
    assert engaged == 243
    assert float(scalar(f"SELECT SUM(l.area_m2) FROM lease l WHERE {LEASE_ON_D}")) == 75874
    assert scalar(f"""SELECT COUNT(*) FROM lease l JOIN enterprise e ON e.id = l.enterprise_id
                      WHERE {LEASE_ON_D} AND e.kind <> 'sme'""") == 0


def test_new_productions(demo_app):
    assert scalar(f"SELECT COUNT(*) FROM ({NEW_ENTERPRISES}) n") == 89
    assert scalar(f"""SELECT COUNT(*) FROM enterprise WHERE kind <> 'sme'
                      AND id IN ({NEW_ENTERPRISES})""") == 0
    assert scalar(f"""
        SELECT COUNT(DISTINCT p.person_id) FROM placement p
        JOIN production_line ln ON ln.id = p.line_id
        WHERE {PLACEMENT_ON_D} AND p.person_id IN ({EMPLOYED})
          AND ln.enterprise_id IN ({NEW_ENTERPRISES})""") == 851


def test_state_branches_and_restriction(demo_app):
    assert scalar("SELECT COUNT(*) FROM enterprise WHERE kind = 'state_branch' "
                  "AND joined_on <= :d") == 17
    assert scalar("SELECT COUNT(*) FROM enterprise WHERE kind = 'state_branch' AND ("
                  "parent NOT IN ('enbek', 'enbek_oskemen') OR facility_id IS NULL)") == 0
    assert scalar(f"SELECT COUNT(*) FROM person WHERE no_work_with_minors "
                  f"AND id IN ({IN_CUSTODY})") == 1854


def test_astana_sewing_workshop(demo_app):
    row = db.session.execute(text("""
        SELECT ln.id, ln.headcount, ln.status, ln.opened_on, ln.outside_work, r.code
        FROM production_line ln JOIN region r ON r.id = ln.region_id
        WHERE ln.facility_id IS NULL AND ln.title LIKE '%швейный цех%Астана%'""")).one()
    assert (row.headcount, row.status, row.outside_work, row.code) == (120, "open", True, "KZ-71")
    assert str(row.opened_on) < D
    # Everyone ever placed there stayed in a minimum-security facility of Astana meanwhile,
    # or was under the supervision of Astana's probation service meanwhile.
    assert scalar("""
        SELECT COUNT(*) FROM placement p WHERE p.line_id = :line AND NOT EXISTS (
          SELECT 1 FROM stay s JOIN facility f ON f.id = s.facility_id
          JOIN region r ON r.id = f.region_id
          WHERE s.person_id = p.person_id AND f.security_level = 'minimum' AND r.code = 'KZ-71'
            AND s.started_on <= p.started_on
            AND (s.ended_on IS NULL OR (p.ended_on IS NOT NULL AND s.ended_on >= p.ended_on)))
        AND NOT EXISTS (
          SELECT 1 FROM supervision v JOIN probation_service ps ON ps.id = v.service_id
          JOIN region r ON r.id = ps.region_id
          WHERE v.person_id = p.person_id AND r.code = 'KZ-71' AND v.started_on <= p.started_on
            AND (v.ended_on IS NULL OR (p.ended_on IS NOT NULL AND v.ended_on >= p.ended_on)))""",
                  line=row.id) == 0
    assert scalar(f"SELECT COUNT(*) FROM placement p WHERE p.line_id = :line AND {PLACEMENT_ON_D}",
                  line=row.id) > 0
    # Both groups work there on D: convicts in custody and people on probation, within 120.
    on_d = db.session.execute(text(f"""
        SELECT SUM(CASE WHEN p.person_id IN ({IN_CUSTODY}) THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.person_id IN (SELECT v.person_id FROM supervision v
                   WHERE v.started_on <= :d AND (v.ended_on IS NULL OR v.ended_on > :d))
                   THEN 1 ELSE 0 END), COUNT(*)
        FROM placement p WHERE p.line_id = :line AND {PLACEMENT_ON_D}"""),
        {"d": date(2021, 7, 1), "line": row.id}).one()
    assert on_d[0] > 0 and on_d[1] > 0 and on_d[0] + on_d[1] == on_d[2] <= 120


def test_facilities_and_enterprises_look_national(demo_app):
    assert 65 <= scalar("SELECT COUNT(*) FROM facility") <= 75
    assert scalar("SELECT COUNT(DISTINCT region_id) FROM facility") == 20
    assert scalar("""SELECT COUNT(*) FROM facility f JOIN region r ON r.id = f.region_id
                     WHERE r.code = 'KZ-71' AND f.security_level = 'minimum'""") >= 2
    assert scalar("SELECT COUNT(DISTINCT security_level) FROM facility") == 6
    assert scalar("SELECT COUNT(*) FROM facility WHERE is_pre_trial") >= 3
    assert scalar("SELECT COUNT(*) FROM enterprise WHERE kind = 'facility_service'") == \
        scalar("SELECT COUNT(*) FROM facility")


def test_placements_respect_matching_rules(demo_app):
    # Only able-bodied people, never barred by a restriction, inside their own facility.
    assert scalar("""SELECT COUNT(*) FROM placement p JOIN person x ON x.id = p.person_id
                     JOIN production_line ln ON ln.id = p.line_id
                     WHERE NOT x.able_bodied OR (ln.involves_minors AND x.no_work_with_minors)
                        OR (ln.outside_work AND x.no_outside_work)""") == 0
    assert scalar("""
        SELECT COUNT(*) FROM placement p JOIN production_line ln ON ln.id = p.line_id
        WHERE ln.facility_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM stay s WHERE s.person_id = p.person_id AND s.facility_id = ln.facility_id
            AND s.started_on <= p.started_on
            AND (s.ended_on IS NULL OR (p.ended_on IS NOT NULL AND s.ended_on >= p.ended_on)))
    """) == 0
    # A placement lies within its line's life.
    assert scalar("""SELECT COUNT(*) FROM placement p JOIN production_line ln ON ln.id = p.line_id
                     WHERE p.started_on < ln.opened_on OR (ln.closed_on IS NOT NULL AND
                       (p.ended_on IS NULL OR p.ended_on > ln.closed_on))""") == 0


def test_no_overlapping_placements_and_no_line_over_headcount(demo_app):
    assert scalar("""
        SELECT COUNT(*) FROM placement a JOIN placement b
          ON a.person_id = b.person_id AND a.id < b.id
        WHERE a.started_on < COALESCE(b.ended_on, '9999-12-31')
          AND b.started_on < COALESCE(a.ended_on, '9999-12-31')""") == 0
    # Active placements of a line at any date: the count peaks on some placement's first day.
    assert scalar("""
        SELECT COUNT(*) FROM (
          SELECT a.id FROM placement a JOIN production_line ln ON ln.id = a.line_id
          JOIN placement b ON b.line_id = a.line_id AND b.started_on <= a.started_on
           AND (b.ended_on IS NULL OR b.ended_on > a.started_on)
          GROUP BY a.id, ln.headcount HAVING COUNT(*) > ln.headcount) over_headcount""") == 0


def test_current_state_is_consistent(demo_app):
    assert scalar("""SELECT COUNT(*) FROM person x WHERE x.custody_status = 'in_custody' AND (
                       x.released_on IS NOT NULL OR (SELECT COUNT(*) FROM stay s
                       WHERE s.person_id = x.id AND s.ended_on IS NULL) <> 1
                       OR x.facility_id <> (SELECT s.facility_id FROM stay s
                       WHERE s.person_id = x.id AND s.ended_on IS NULL))""") == 0
    assert scalar("""SELECT COUNT(*) FROM person x WHERE x.custody_status = 'released' AND (
                       x.released_on IS NULL OR EXISTS (SELECT 1 FROM stay s
                       WHERE s.person_id = x.id AND (s.ended_on IS NULL OR s.ended_on > x.released_on))
                       OR NOT EXISTS (SELECT 1 FROM stay s WHERE s.person_id = x.id
                       AND s.ended_on = x.released_on AND s.end_reason = 'released'))""") == 0
    assert scalar("""SELECT COUNT(*) FROM placement p JOIN person x ON x.id = p.person_id
                     WHERE p.ended_on IS NULL AND (x.custody_status NOT IN ('in_custody',
                       'on_probation') OR NOT x.able_bodied)""") == 0
    # On probation exactly while a supervision is open; never in custody meanwhile.
    assert scalar("""SELECT COUNT(*) FROM person x WHERE (x.custody_status = 'on_probation')
                     <> EXISTS (SELECT 1 FROM supervision v WHERE v.person_id = x.id
                                AND v.ended_on IS NULL)""") == 0
    assert scalar("""SELECT COUNT(*) FROM person x JOIN stay s ON s.person_id = x.id
                     WHERE x.custody_status = 'on_probation' AND s.ended_on IS NULL""") == 0
    assert scalar("SELECT COUNT(*) FROM stay WHERE end_reason = 'transferred'") > 100
    assert scalar("SELECT COUNT(*) FROM person WHERE custody_status = 'released'") > 1000


def test_life_goes_on_until_today(demo_app):
    today = timeutil.today()
    in_custody = scalar(f"SELECT COUNT(*) FROM ({IN_CUSTODY}) c".replace(":d", ":t"),
                        t=today)
    able = scalar(f"SELECT COUNT(*) FROM person WHERE able_bodied AND id IN ({IN_CUSTODY})"
                  .replace(":d", ":t"), t=today)
    employed = scalar(f"SELECT COUNT(*) FROM ({EMPLOYED}) e".replace(":d", ":t"), t=today)
    assert 26000 <= in_custody <= 32000
    assert 0.42 <= employed / able <= 0.58
    assert scalar("SELECT COUNT(*) FROM production_line WHERE opened_on > :d") > 20
    assert scalar("SELECT COUNT(*) FROM production_line WHERE closed_on > :d") > 10


def test_wages_every_month_and_balanced(demo_app):
    months = [row[0] for row in db.session.execute(text(
        "SELECT DISTINCT month FROM wage_record ORDER BY month")).all()]
    assert str(months[0]) == "2020-07-01"
    today = timeutil.today()
    last_full = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    assert str(months[-1]) == last_full.isoformat()
    expected = (last_full.year - 2020) * 12 + last_full.month - 7 + 1
    assert len(months) == expected
    assert sum(1 for m in months if str(m) < D) >= 12
    assert scalar("""SELECT COUNT(*) FROM wage_record WHERE credited_kzt + deduction_upkeep_kzt
                     + deduction_alimony_kzt + deduction_damages_kzt + deduction_tax_kzt
                     + deduction_other_kzt <> accrued_kzt""") == 0
    full = scalar("SELECT COUNT(*) FROM wage_record WHERE norm_met")
    below = scalar("""SELECT COUNT(*) FROM wage_record w JOIN minimum_wage m
                      ON m.year = CAST(SUBSTR(CAST(w.month AS VARCHAR(10)), 1, 4) AS INTEGER)
                      WHERE w.norm_met AND w.accrued_kzt < m.amount_kzt""")
    assert 0.01 <= below / full <= 0.08
    # Each placement has a record for every month it touched within the wage period.
    assert scalar("""SELECT COUNT(*) FROM placement p WHERE p.started_on < :first
                     AND (p.ended_on IS NULL OR p.ended_on > '2020-07-01')
                     AND NOT EXISTS (SELECT 1 FROM wage_record w WHERE w.placement_id = p.id)""",
                  first=last_full) == 0


def test_people_look_plausible(demo_app):
    total = scalar("SELECT COUNT(*) FROM person")
    male = scalar("SELECT COUNT(*) FROM person WHERE gender = 'M'")
    assert 0.9 <= male / total <= 0.96
    assert scalar("SELECT COUNT(*) FROM person WHERE iin IS NOT NULL") > 0.85 * total
    assert scalar("SELECT COUNT(DISTINCT file_number) FROM person") == total
    assert scalar("""SELECT COUNT(*) FROM person WHERE NOT able_bodied
                     AND disability_group IS NOT NULL""") > 0
    assert scalar("SELECT COUNT(*) FROM skill") > total


def test_demo_users(demo_app):
    rows = dict(db.session.execute(text("SELECT login, role FROM app_user")).all())
    assert rows == {"admin": "admin", "analyst": "analyst", "analyst.kz35": "analyst",
                    "inspector": "inspector", "inspector2": "inspector", "owner": "owner",
                    "branch": "owner", "probation": "probation_officer"}
    facility = scalar("SELECT facility_id FROM app_user WHERE login = 'inspector'")
    owner_enterprise = scalar("SELECT enterprise_id FROM app_user WHERE login = 'owner'")
    assert scalar("""SELECT COUNT(*) FROM lease l JOIN production_space s ON s.id = l.space_id
                     WHERE l.enterprise_id = :e AND l.status = 'active'
                       AND s.facility_id = :f""", e=owner_enterprise, f=facility) == 1
    assert scalar("""SELECT COUNT(*) FROM production_line WHERE enterprise_id = :e
                     AND status = 'open' AND facility_id = :f""", e=owner_enterprise,
                  f=facility) >= 1
    assert scalar("SELECT security_level FROM facility WHERE id = :f", f=facility) == "minimum"


def test_logins_table_prints_without_a_database():
    result = subprocess.run([sys.executable, "-m", "demo.logins"], capture_output=True,
                            text=True, check=True,
                            cwd=ROOT)
    assert "http://127.0.0.1:5000" in result.stdout
    assert "Roster-Astana-2021!" in result.stdout and "analyst.kz35" in result.stdout


# -- determinism ---------------------------------------------------------------------------

def _fresh_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + str(tmp_path / f"{uuid.uuid4().hex}.db"), None
    url = make_url(base)
    name = f"{url.database}_demo_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), (admin, name)


def _drop(handle):
    if handle:
        admin, name = handle
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# Password hashes are salted and user timestamps come from the clock: not part of the data.
SKIPPED = {"app_user": {"password_hash", "created_at", "password_changed_at"},
           # the stored facts say when they were built (reports/facts)
           "fact_day": {"built_at"}, "fact_wage_month": {"built_at"}}


def _clock_stamp(column):
    """Say whether a column holds the moment a row was written (a timestamp defaulted or
    updated by the clock, or by a trigger): not the demo's content, so never the same twice."""
    return (isinstance(column.type, sa.DateTime)
            and any(x is not None for x in (column.default, column.onupdate,
                                            column.server_default)))


def _content_hash(seed, tmp_path):
    """Build a small demo set into a fresh database; hash every table's rows."""
    from tests.conftest import make_test_app

    url, handle = _fresh_url(tmp_path)
    try:
        app = make_test_app(url)
        with app.app_context():
            db.create_all()
            from demo.generator import build
            from reference.services import load_reference

            load_reference()
            build(seed=seed, today=date(2022, 3, 15), people_factor=0.02)
            db.session.commit()
            digest = hashlib.sha256()
            for table in db.metadata.sorted_tables:
                columns = [c for c in table.c if c.name not in SKIPPED.get(table.name, ())
                           and not _clock_stamp(c)]
                rows = db.session.execute(table.select().with_only_columns(*columns)).all()
                for row in sorted(repr(tuple(row)) for row in rows):
                    digest.update(row.encode())
            db.session.remove()
            db.engine.dispose()
        return digest.hexdigest()
    finally:
        _drop(handle)


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    first = _content_hash(7, tmp_path)
    assert _content_hash(7, tmp_path) == first
    assert _content_hash(8, tmp_path) != first


def test_on_postgresql_the_built_tables_have_planner_statistics(demo_app):
    """The build analyzes what it wrote, so the first pages on the demo data are planned on
    the tables' real sizes, not on a never-analyzed guess."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite plans without gathered statistics
    # last_analyze is an ANALYZE's own (autovacuum's is last_autoanalyze).
    unanalyzed = db.session.execute(text(
        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname IN "
        "('person', 'stay', 'placement', 'wage_record', 'production_line', 'lease') "
        "AND last_analyze IS NULL")).scalars().all()
    assert unanalyzed == []
