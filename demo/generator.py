"""The deterministic national demo data set (DESIGN.md section 8).

``build(scale=1, seed=2021)`` plans one country per unit of scale (scale N builds N copies of
the 70 facilities with their own people, enterprises and lines, facility codes suffixed
"-2", "-3", ...; the exact figures on 2021-07-01 hold for scale 1 and are N times them,
copy by copy, at scale N). ``people_factor`` shrinks the people figures for tests only.
Everything comes from ``random.Random(seed)`` and the ``today`` parameter: the same seed and
today give identical rows. Rows go in with bulk Core inserts and wages with one INSERT ...
SELECT; then the daily facts (reports/facts) of the days its dashboards open on are stored.
The function flushes and never commits.
"""
import random

from sqlalchemy import func, insert, select, text

import timeutil
from accounts.models import User
from accounts.services import create_user
from compliance.models import Consent
from enterprises.models import Enterprise, LineOccupation, ProductionLine
from extensions import db, gather_statistics
from facilities.models import Facility, Lease, ProductionSpace
from inmates.models import Person, Skill, Stay, Supervision
from marketplace.models import Placement, PlacementWageChange
from reference.models import ProbationService, Region
from reports.facts.build import rebuild as rebuild_facts
from reports.series import last_months

from .catalogue import D as LETTER_DAY
from .country import Counter, Country, minimum_wages
from .population import Population
from .users import DEMO_USERS
from .util import Identifiers
from .wages import insert_wages

BATCH = 20000
TABLES = {"facility": Facility, "production_space": ProductionSpace, "enterprise": Enterprise,
          "lease": Lease, "production_line": ProductionLine, "person": Person, "stay": Stay,
          "skill": Skill, "placement": Placement, "placement_wage_change": PlacementWageChange,
          "supervision": Supervision}


def _insert(model, rows):
    """Insert rows (dicts, extra keys ignored) in big batches; return how many.

    PostgreSQL takes them through COPY on the session's own connection (same transaction):
    an executemany there costs the server one statement per row.
    """
    table = model.__table__
    columns = [name for name in table.c.keys() if rows and name in rows[0]]
    if rows and db.session.get_bind().dialect.name == "postgresql":
        driver = db.session.connection().connection.driver_connection
        names = ", ".join(f'"{name}"' for name in columns)
        with driver.cursor() as cursor, cursor.copy(
                f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
        return len(rows)
    for first in range(0, len(rows), BATCH):
        batch = [{name: row[name] for name in columns} for row in rows[first:first + BATCH]]
        db.session.execute(insert(table), batch)
    return len(rows)


def _counters():
    """One id counter per table, starting after the rows already there."""
    return {name: Counter(db.session.scalar(select(func.coalesce(func.max(model.id), 0))))
            for name, model in TABLES.items()}


def _reset_sequences():
    """Move PostgreSQL's id sequences past the explicit ids just inserted."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in TABLES:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))


def build(scale=1, seed=2021, today=None, people_factor=1.0):
    """Build the demo data set; return a summary of counts (see the module docstring)."""
    today = today or timeutil.today()
    rng = random.Random(seed)
    regions = dict(db.session.execute(select(Region.code, Region.id)).all())
    services = dict(db.session.execute(select(Region.code, ProbationService.id).join(
        ProbationService, ProbationService.region_id == Region.id)).all())
    wages = minimum_wages(db.session)
    ids = _counters()
    first_placement = ids["placement"].last
    identifiers = Identifiers(rng)
    summary = {name: 0 for name in ("facilities", "enterprises", "lines", "persons", "stays",
                                    "placements")}
    first_country = None
    for copy in range(scale):
        country = Country(rng, ids, identifiers, regions, wages, today, copy,
                          people_factor).plan()
        country.probation_services = services
        people = Population(country).plan()
        summary["facilities"] += _insert(Facility, country.facilities)
        _insert(ProductionSpace, country.spaces)
        summary["enterprises"] += _insert(Enterprise, country.enterprises)
        _insert(Lease, country.leases)
        summary["lines"] += _insert(ProductionLine, country.lines)
        _insert(LineOccupation, country.line_occupations)
        summary["persons"] += _insert(Person, people.persons)
        summary["stays"] += _insert(Stay, people.stays)
        _insert(Skill, people.skills)
        _insert(Supervision, people.supervisions)
        placements, changes = people.placement_rows(ids["placement"],
                                                    ids["placement_wage_change"])
        summary["placements"] += _insert(Placement, placements)
        summary["wage_changes"] = summary.get("wage_changes", 0) + _insert(
            PlacementWageChange, changes)
        summary["consents"] = summary.get("consents", 0) + _insert(Consent,
                                                                   people.consent_rows())
        first_country = first_country or country
    _reset_sequences()
    summary["wage_records"] = insert_wages(db.session, today, wages, first_placement)
    summary["users"] = _users(first_country, regions)
    db.session.flush()
    # The planner's statistics of the tables just filled, before the facts and the first
    # pages read them.
    gather_statistics(db.session)
    # The daily facts (reports/facts) of the days the demo dashboards open on: the letter's
    # date and the month ends of its series and of today's; `facts rebuild` stores the rest.
    fact_days = {LETTER_DAY, *last_months(LETTER_DAY), *last_months(today)}
    summary["fact_days"] = len(rebuild_facts(db.session, days=fact_days))
    return summary


def _users(country, regions):
    """Create the demo users (DESIGN.md section 8) unless a login already exists."""
    astana = country.astana_minimum[0]
    karaganda = next(b["_facility"] for b in country.branches
                     if b["_facility"]["_region"] == "KZ-35")
    places = {
        None: {},
        "region_kz35": {"region_id": regions["KZ-35"]},
        "astana_facility": {"facility_id": astana["id"]},
        "karaganda_facility": {"facility_id": karaganda["id"]},
        "owner_sme": {"enterprise_id": country.owner_sme["id"]},
        "astana_branch": {"enterprise_id": country.workshop["enterprise_id"]},
        "astana_probation": {"probation_service_id": country.probation_services.get("KZ-71")},
    }
    existing = set(db.session.scalars(select(User.login)))
    made = 0
    for user in DEMO_USERS:
        if user["login"] in existing:
            continue
        create_user(user["login"], user["password"], user["role"], full_name=user["full_name"],
                    **places[user["place"]])
        made += 1
    return made
