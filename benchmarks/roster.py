"""Roster-import benchmark helpers: a realistic roster file, the product's import, cleanup.

The file follows inmates.imports.COLUMNS with the headers in Russian, as the downloaded
template has them: every row valid, with a checked IIN matching birth date and gender,
one or two skills, some restrictions. The timed import is the server's two steps as the
views run them: read and check + keep (preview), then take + save (checked again) + commit.
"""
import random
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select

from extensions import db
from facilities.models import Facility
from inmates.models import Person, Skill, Stay
from reference.identifiers import make_number
from reports.facts.models import FactStale

SKILLS = ("7533:qualified:4:yes; 8153:trainee:0:no", "7114:expert:9:yes", "7212:trainee:1:no",
          "9329:qualified:3:no; 7531:trainee:0:no", "5120:qualified:6:yes")


def importer():
    """Return f(path, facility_id) importing a roster file through the product, or None."""
    try:
        from inmates import imports
    except ImportError:
        return None

    def run(path, facility_id):
        from flask import current_app

        # The checks translate their messages, which needs a request's locale.
        with current_app.test_request_context():
            return _run(path, facility_id)

    def _run(path, _facility_id):
        result = imports.check_upload(path.read_bytes(), path.name, None)
        if not result.ok:
            raise RuntimeError(f"the benchmark file has bad rows: {result.errors[:3]}")
        token = imports.keep(result, 0, path.name, None)
        del result
        db.session.rollback()
        result = imports.save_kept(imports.take(token, 0, None), None)
        if not result.ok:
            raise RuntimeError(f"the confirmation found bad rows: {result.errors[:3]}")
        imports.forget(token)
        return len(result.creates)

    return run


def _iin(born, serial):
    """Return a valid IIN for a man born in the 1900s, or None when no check digit fits."""
    return make_number(f"{born:%y%m%d}3{serial % 10000:04d}")


def write_file(path, rows, facility_id):
    """Write a roster XLSX of ``rows`` valid new people for the facility."""
    import xlsxwriter

    from inmates.imports import COLUMNS

    code = db.session.get(Facility, facility_id).code
    taken = set(db.session.scalars(select(Person.iin).where(Person.iin.isnot(None))))
    rng = random.Random(30)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [str(c.label) for c in COLUMNS])
    for n in range(rows):
        born = date(1960, 1, 1) + timedelta(days=(n * 7919) % 14000)
        admitted = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2000))
        values = {"facility": code, "file_number": f"IMP-{n:06d}", "last_name": "Ахметов",
                  "first_name": "Ерлан", "patronymic": "Серикович", "iin": _iin(born, n) or "",
                  "birth_on": born, "gender": "M", "admitted_on": admitted,
                  "expected_release_on": admitted + timedelta(days=rng.randint(400, 4000)),
                  "able_bodied": "yes" if rng.random() < 0.8 else "no", "disability_group": "",
                  "education_level": "vocational",
                  "restrictions": "minors" if rng.random() < 0.07 else "",
                  "skills": rng.choice(SKILLS)}
        if values["iin"] in taken:  # the demo data's people keep their IINs
            values["iin"] = ""
        for column, c in enumerate(COLUMNS):
            value = values[c.key]
            if isinstance(value, date):
                sheet.write_datetime(n + 1, column, datetime(value.year, value.month, value.day),
                                     dates)
            else:
                sheet.write(n + 1, column, value)
    book.close()


def parse_only(path):
    """Read every cell of the file with openpyxl in read-only mode, nothing else."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def stale_mark():
    """Return the newest fact_stale row's id (0 for none), taken before a case writes."""
    return db.session.scalar(select(func.coalesce(func.max(FactStale.id), 0)))


def remove_imported(facility_id, stale_after=None):
    """Delete the people an import run created in the import facility (between runs only).

    With ``stale_after`` (a stale_mark), the days the import and this removal marked stale
    are unmarked too: together they change no figure, and left marked they would have the
    next cases compute their figures live and rebuild the facts in the background."""
    db.session.rollback()
    people = select(Person.id).where(Person.facility_id == facility_id)
    db.session.execute(delete(Skill).where(Skill.person_id.in_(people)))
    db.session.execute(delete(Stay).where(Stay.person_id.in_(people)))
    db.session.execute(delete(Person).where(Person.facility_id == facility_id))
    if stale_after is not None:
        db.session.execute(delete(FactStale).where(FactStale.id > stale_after))
    db.session.commit()


def calamine_and_insert(path, facility_id):
    """The import's limit: parse the file with calamine alone, then one bulk INSERT of the
    same people (no checks, no skills, no stays)."""
    from python_calamine import CalamineWorkbook
    from sqlalchemy import insert

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    day = (lambda value: value.date() if isinstance(value, datetime) else value)  # noqa: E731
    records = [{"file_number": r[1], "last_name": r[2], "first_name": r[3], "patronymic": r[4],
                "iin": str(r[5]) or None, "birth_on": day(r[6]), "gender": "M",
                "facility_id": facility_id, "admitted_on": day(r[8]),
                "expected_release_on": day(r[9]), "able_bodied": r[10] == "yes",
                "education_level": "vocational", "no_work_with_minors": False,
                "no_outside_work": False, "custody_status": "in_custody", "version_id": 1}
               for r in rows[1:]]
    db.session.execute(insert(Person), records)
    db.session.commit()
    return len(records)
