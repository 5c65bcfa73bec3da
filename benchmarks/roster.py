"""Roster-import benchmark helpers: a realistic roster file, and cleaning up after a run."""
from datetime import date, timedelta
import random

from sqlalchemy import delete, select

from extensions import db
from inmates.models import Person, Skill, Stay


def importer():
    """Return f(path, facility_id) importing a roster file through the product, or None."""
    return None


def write_file(path, rows, facility_id):
    """Write a roster XLSX of ``rows`` people (to be replaced by the product's template)."""
    import xlsxwriter

    rng = random.Random(30)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ("file_number", "last_name", "first_name", "birth_on", "gender",
                           "admitted_on", "expected_release_on"))
    for n in range(rows):
        admitted = date(2020, 1, 1) + timedelta(days=rng.randint(0, 1500))
        sheet.write_row(n + 1, 0, (f"IMP-{n:06d}", "Ахметов", "Ерлан",
                                   f"{rng.randint(1960, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                   "M", admitted.isoformat(),
                                   (admitted + timedelta(days=rng.randint(400, 4000))).isoformat()))
    book.close()


def parse_only(path):
    """Read every cell of the file with openpyxl in read-only mode, nothing else."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def remove_imported(facility_id):
    """Delete the people an import run created in the import facility (between runs only)."""
    db.session.rollback()
    people = select(Person.id).where(Person.facility_id == facility_id)
    db.session.execute(delete(Skill).where(Skill.person_id.in_(people)))
    db.session.execute(delete(Stay).where(Stay.person_id.in_(people)))
    db.session.execute(delete(Person).where(Person.facility_id == facility_id))
    db.session.commit()
