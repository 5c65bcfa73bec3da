"""Writing a checked roster upload: bulk inserts and updates, history rows, one audit event."""
from sqlalchemy import bindparam, delete, insert, text, update

from accounts import audit
from extensions import db
from timeutil import utcnow

from .models import Person, PersonChange, Skill, Stay
from .services import as_text

CHUNK = 5000  # keeps IN lists well under the bound-parameter limits (SQLite 32,766)
# What the import writes to a person; custody status and facility change by actions only.
PERSON_KEYS = ("file_number", "last_name", "first_name", "patronymic", "iin", "birth_on",
               "gender", "admitted_on", "expected_release_on", "able_bodied",
               "disability_group", "education_level", "no_work_with_minors", "no_outside_work")


def chunks(items):
    """Yield lists of at most CHUNK items."""
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def save(result, user_id):
    """Write a checked upload with bulk statements; the caller commits once."""
    now = utcnow()
    if result.creates:
        rows = [{**{k: r[k] for k in PERSON_KEYS}, "facility_id": r["facility_id"],
                 "custody_status": "in_custody", "version_id": 1} for r in result.creates]
        ids = _insert_people(rows)
        db.session.execute(insert(Stay.__table__), [
            {"person_id": pid, "facility_id": r["facility_id"], "started_on": r["admitted_on"]}
            for pid, r in zip(ids, result.creates)])
        _insert_skills([(pid, r["skills"]) for pid, r in zip(ids, result.creates)])
    if result.updates:
        _update_people(result, user_id, now)
    audit_count = len(result.creates) + len(result.updates)
    if audit_count:
        audit.record("import", entity="person",
                     detail=f"created {len(result.creates)}, updated {len(result.updates)}")
    db.session.flush()


def _insert_people(rows):
    """Insert people with Core statements and return their ids in the order of ``rows``.

    On PostgreSQL the ids are drawn from the sequence first, so the rows go in as one short
    prepared statement in a pipeline; a multi-row INSERT ... RETURNING costs psycopg seconds
    of query rewriting per thousand rows. SQLite returns the ids from the insert itself.
    """
    people = Person.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, :n)"),
            {"n": len(rows)}).all()
        db.session.execute(insert(people), [{**row, "id": pid} for pid, row in zip(ids, rows)])
        return ids
    return db.session.scalars(insert(people).returning(people.c.id, sort_by_parameter_order=True),
                              rows).all()


def _insert_skills(pairs):
    rows = [{"person_id": pid, "occupation_code": c, "level": lvl, "years_experience": y,
             "certified": cert} for pid, skills in pairs for c, lvl, y, cert in skills]
    if rows:
        db.session.execute(insert(Skill.__table__), rows)


def _update_people(result, user_id, now):
    table = Person.__table__
    keys = [k for k in PERSON_KEYS
            if ("restrictions" if k.startswith("no_") else k) in result.present]
    if keys:
        statement = (update(table).where(table.c.id == bindparam("person_id"))
                     .values({**{k: bindparam(f"v_{k}") for k in keys},
                              "version_id": table.c.version_id + 1}))
        db.session.execute(statement, [{"person_id": pid, **{f"v_{k}": r[k] for k in keys}}
                                       for pid, r, _changes in result.updates])
    reskilled = [(pid, r["skills"]) for pid, r, changes in result.updates if "skills" in changes]
    for chunk in chunks(reskilled):
        db.session.execute(delete(Skill).where(Skill.person_id.in_([pid for pid, _s in chunk])))
    _insert_skills(reskilled)
    db.session.execute(insert(PersonChange.__table__), [
        {"person_id": pid, "field": name, "old_value": as_text(old), "new_value": as_text(new),
         "changed_by": user_id, "changed_at": now}
        for pid, _r, changes in result.updates for name, (old, new) in changes.items()])
