"""Writing a checked roster upload: bulk inserts and updates, history rows, one audit event."""
import json
from collections import namedtuple
from datetime import date
from operator import attrgetter

from sqlalchemy import (ARRAY, JSON, Date, String, Text, any_, bindparam, cast, column, delete,
                        func, insert, select, text, update)

from accounts import audit
from extensions import db, gather_statistics, statistics_outgrown
from tabular.collector import bulk_work
from timeutil import utcnow

from .models import Person, PersonChange, Skill, Stay
from .services import as_text

CHUNK = 5000  # keeps IN lists well under the bound-parameter limits (SQLite 32,766)
# What the import writes to a person; custody status and facility change by actions only.
PERSON_KEYS = ("file_number", "last_name", "first_name", "patronymic", "iin", "birth_on",
               "gender", "admitted_on", "expected_release_on", "able_bodied",
               "disability_group", "education_level", "no_work_with_minors", "no_outside_work")

# One checked row in a narrow form (50,000 of them at the row cap): its spreadsheet row
# number and what saving writes. Kept on the server between preview and confirmation.
RECORD_FIELDS = ("number", "facility_id", *PERSON_KEYS, "skills")
Record = namedtuple("Record", RECORD_FIELDS)
DAYS = frozenset({"birth_on", "admitted_on", "expected_release_on"})
# A new person's row as inserted (custody status and version take their defaults), read off
# a Record in one call; a skill's row after its person's id.
NEW_PERSON_KEYS = (*PERSON_KEYS, "facility_id")
NEW_PERSON = attrgetter(*NEW_PERSON_KEYS)
SKILL_KEYS = ("person_id", "occupation_code", "level", "years_experience", "certified")


def chunks(items):
    """Yield lists of at most CHUNK items."""
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def among(column, values):
    """Return ``column IN (values)`` with the values bound as one parameter, however many:
    an array on PostgreSQL (``= ANY``), a JSON array unpacked by ``json_each`` on SQLite.
    An IN list of thousands of values costs SQLAlchemy a bound parameter each to compile
    and the server as many to parse; either form uses the column's index the same way."""
    values = list(values)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    source = func.json_each(bindparam(None, json.dumps(values), type_=Text)).table_valued("value")
    return column.in_(select(source.c.value))


def bulk_insert(table, keys, rows):
    """Insert ``rows`` (tuples of the values of ``keys``, in that order) into ``table`` with a
    few statements.

    On PostgreSQL each chunk is one ``INSERT ... SELECT ... FROM json_to_recordset(:rows)``:
    the rows go as one JSON text (written by json's C encoder) that the server turns back
    into typed rows, where an executemany sends and runs a statement per row. On SQLite one
    executemany of the tuples on the driver. Constraints and triggers act on every row
    either way; columns missing from ``keys`` get their scalar defaults.
    """
    if not rows:
        return
    keys = list(keys)
    defaults = {}
    for field in table.columns:
        if field.key not in keys and field.default is not None:
            if not field.default.is_scalar:
                raise ValueError(f"bulk_insert needs {table.name}.{field.key} in the rows")
            defaults[field.key] = field.default.arg
    if db.session.get_bind().dialect.name != "postgresql":
        _sqlite_insert(table, keys, defaults, rows)
        return
    # Unbounded text: VARCHAR(n) in the record's definition would cut a longer value, where
    # the insert into the column refuses it as any INSERT does.
    columns = [column(key, String() if isinstance(table.c[key].type, String)
                      else table.c[key].type) for key in [*keys, *defaults]]
    statement = _from_json(table, columns)
    for chunk in chunks(rows):
        data = json.dumps([{**dict(zip(keys, row)), **defaults} for row in chunk],
                          default=_json_day)
        db.session.execute(statement, {"rows": data})


def _sqlite_insert(table, keys, defaults, rows):
    """One executemany of plain tuples on the driver: dates as the YYYY-MM-DD text SQLite
    keeps them in (as SQLAlchemy's Date writes them), booleans as 1 and 0 (the driver's
    own binding of a bool)."""
    connection = db.session.connection()
    quote = connection.dialect.identifier_preparer.quote
    names = [*keys, *defaults]
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
           f"VALUES ({', '.join('?' * len(names))})")
    days = [i for i, key in enumerate(keys) if isinstance(table.c[key].type, Date)]
    extra = list(defaults.values())

    def values(row):
        cells = [*row, *extra]
        for i in days:
            if cells[i] is not None:
                cells[i] = cells[i].isoformat()
        return tuple(cells)

    connection.exec_driver_sql(sql, [values(row) for row in rows] if days or extra else rows)


def _from_json(table, columns):
    """INSERT INTO table (columns) SELECT them FROM json_to_recordset(:rows)."""
    source = (func.json_to_recordset(cast(bindparam("rows", type_=Text), JSON))
              .table_valued(*columns).render_derived(name="source", with_types=True))
    return insert(table).from_select([c.key for c in columns],
                                     select(*[source.c[c.key] for c in columns]))


def _json_day(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@bulk_work
def save(result, user_id):
    """Write a checked upload with bulk statements; the caller commits once.

    The records go CHUNK at a time, so the statements' rows are never built for the whole
    upload at once."""
    now = utcnow()
    for chunk in chunks(result.creates):
        ids = _insert_people([NEW_PERSON(r) for r in chunk])
        _open_stays(ids)
        _insert_skills([(pid, r.skills) for pid, r in zip(ids, chunk)])
    for chunk in chunks(result.updates):
        _update_people(chunk, result.present, user_id, now)
    if statistics_outgrown(db.session, "person", len(result.creates)):
        # The roster's pages read these people right after: planned for with the statistics
        # of a much smaller table, a page of a new facility's 2,000 people took seconds.
        gather_statistics(db.session, "person", "stay", "skill")
    audit_count = len(result.creates) + len(result.updates)
    if audit_count:
        audit.record("import", entity="person",
                     detail=f"created {len(result.creates)}, updated {len(result.updates)}")
    db.session.flush()


def _insert_people(rows):
    """Insert people (tuples of NEW_PERSON_KEYS) with Core statements and return their ids in
    the order of ``rows``.

    On PostgreSQL the ids are drawn from the sequence first, so the rows go in as one short
    prepared statement in a pipeline; a multi-row INSERT ... RETURNING costs psycopg seconds
    of query rewriting per thousand rows.
    """
    people = Person.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, :n)"),
            {"n": len(rows)}).all()
        bulk_insert(people, ("id", *NEW_PERSON_KEYS),
                    [(pid, *row) for pid, row in zip(ids, rows)])
        return ids
    # SQLite cannot keep the order of a multi-row RETURNING, so SQLAlchemy would send one
    # INSERT per row. The executemany holds the write lock throughout, and each row takes one
    # more than the largest id: the ids are the n ending at the connection's last one.
    bulk_insert(people, NEW_PERSON_KEYS, rows)
    last = db.session.scalar(text("SELECT last_insert_rowid()"))
    ids = list(range(last - len(rows) + 1, last + 1))
    number = NEW_PERSON_KEYS.index("file_number")
    ends = db.session.execute(select(people.c.id, people.c.file_number)
                              .where(people.c.id.in_((ids[0], ids[-1])))).all()
    if sorted(ends) != sorted({(ids[0], rows[0][number]), (ids[-1], rows[-1][number])}):
        raise RuntimeError("the inserted people's ids are not the last ones")
    return ids


def _open_stays(ids):
    """Open each new person's stay at their facility from their admission, as one
    INSERT ... SELECT over the rows just written (no stay row is built in Python)."""
    people, stays = Person.__table__, Stay.__table__
    db.session.execute(insert(stays).from_select(
        ["person_id", "facility_id", "started_on"],
        select(people.c.id, people.c.facility_id, people.c.admitted_on)
        .where(among(people.c.id, ids))))


def _insert_skills(pairs):
    rows = [(pid, *skill) for pid, skills in pairs for skill in skills]
    if rows:
        bulk_insert(Skill.__table__, SKILL_KEYS, rows)


def _update_people(updates, present, user_id, now):
    table = Person.__table__
    keys = [k for k in PERSON_KEYS if ("restrictions" if k.startswith("no_") else k) in present]
    if keys:
        statement = (update(table).where(table.c.id == bindparam("person_id"))
                     .values({**{k: bindparam(f"v_{k}") for k in keys},
                              "version_id": table.c.version_id + 1}))
        db.session.execute(statement, [{"person_id": pid,
                                        **{f"v_{k}": getattr(r, k) for k in keys}}
                                       for pid, r, _changes in updates])
    reskilled = [(pid, r.skills) for pid, r, changes in updates if "skills" in changes]
    if reskilled:
        db.session.execute(delete(Skill).where(Skill.person_id.in_([pid for pid, _s in reskilled])))
    _insert_skills(reskilled)
    db.session.execute(insert(PersonChange.__table__), [
        {"person_id": pid, "field": name, "old_value": as_text(old), "new_value": as_text(new),
         "changed_by": user_id, "changed_at": now}
        for pid, _r, changes in updates for name, (old, new) in changes.items()])
